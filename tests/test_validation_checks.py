"""The comparison rule of validation/checks.py on data whose answer is known."""

import numpy as np
import pytest

from zoo.validation import checks
from zoo.validation.measures import RunMeasures, band_power, fixed_subsample


# --- distances ----------------------------------------------------------------------------------
def test_ks_is_zero_for_identical_and_one_for_disjoint_samples():
    a = np.arange(100.0)
    assert checks.ks_distance(a, a) == 0.0
    assert checks.ks_distance(a, a + 1000) == 1.0


def test_ks_is_scipys_statistic():
    from scipy import stats

    rng = np.random.default_rng(2)
    for n, m in ((50, 70), (300, 300), (5, 400)):
        a, b = rng.gamma(2, 1, n), np.round(rng.gamma(2, 1.1, m), 1)  # ties too
        assert checks.ks_distance(a, b) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)


def test_ks_and_emd_of_empty_samples():
    assert checks.ks_distance([], []) == 0.0
    assert checks.ks_distance([], [1.0]) == 1.0
    assert checks.emd_distance([], []) == 0.0
    assert checks.emd_distance([1.0], []) == np.inf


def test_emd_of_a_shifted_sample_is_the_shift():
    a = np.random.default_rng(1).normal(size=500)
    assert checks.emd_distance(a, a + 0.25) == pytest.approx(0.25)


def test_log_psd_distance_counts_decades_over_shared_bands():
    a = np.array([1.0, 10.0, np.nan, 4.0])
    assert checks.log_psd_distance(a, 10 * a) == pytest.approx(1.0)
    assert checks.log_psd_distance(a, a) == 0.0


def test_abs_difference_treats_missing_values():
    assert checks.abs_difference(1.0, 3.5) == 2.5
    assert checks.abs_difference(np.nan, np.nan) == 0.0
    assert checks.abs_difference(np.nan, 1.0) == np.inf


# --- the seed-null rule -------------------------------------------------------------------------
def test_seed_null_pairs_different_seeds_only():
    a = {s: float(s) for s in range(1, 6)}
    b = {s: float(s) + 100 for s in range(1, 6)}
    cross, null = checks.seed_null(a, b, checks.abs_difference)
    assert len(null) == 2 * 10  # K(K-1)/2 pairs within each backend
    assert len(cross) == 20  # K(K-1) pairs across, i != j
    assert 100.0 not in cross  # |a_i - b_i| = 100 exactly only for i == j, which is left out


def test_judge_passes_at_the_threshold_and_fails_above_it():
    null = np.arange(1.0, 21.0)
    threshold = np.percentile(null, 95)
    assert checks.judge(np.full(5, threshold), null) == (threshold, threshold, True)
    assert checks.judge(np.full(5, threshold + 0.01), null)[2] is False
    assert checks.judge(np.array([]), null)[2] is False


def _fake_run(rng, mean, sd=1.0, n=300):
    values = rng.normal(mean, sd, n)
    return RunMeasures({"E": {"rate_hz": values}}, {}, {}, {}, {})


def _rule_fails(rng, shift, seed_sd=0.15, k=5):
    """One trial: K runs per 'backend', seed-level means spread by seed_sd; backend B shifted."""
    a = {s: _fake_run(rng, rng.normal(0, seed_sd)) for s in range(1, k + 1)}
    b = {s: _fake_run(rng, shift + rng.normal(0, seed_sd)) for s in range(1, k + 1)}
    results = checks.compare("m", "v", a, b, ("A", "B"))
    assert [r.check.id for r in results] == ["rate_hz/E"]
    return not results[0].passed


def test_false_alarm_rate_of_the_rule_is_small_when_backends_agree():
    """Under the null (same distribution for both), the rule fails rarely (about 0.3 % here)."""
    rng = np.random.default_rng(7)
    rate = np.mean([_rule_fails(rng, 0.0) for _ in range(200)])
    assert rate < 0.02


def test_rule_detects_a_shift_larger_than_the_seed_spread():
    """A shift of 4 seed-to-seed sd between backends is flagged in most trials (about 90 % here)."""
    rng = np.random.default_rng(8)
    rate = np.mean([_rule_fails(rng, 0.6) for _ in range(100)])
    assert rate > 0.8


# --- effect size --------------------------------------------------------------------------------
def test_effect_size_interval_covers_the_true_difference():
    rng = np.random.default_rng(3)
    a = rng.normal(1.0, 0.1, 50)
    b = rng.normal(0.0, 0.1, 50)
    effect = checks.effect_size(a, b, paired=False)
    assert effect["ci95"][0] < 1.0 < effect["ci95"][1]
    assert effect["hedges_g"] > 5


def test_paired_effect_size_uses_seed_differences():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    effect = checks.effect_size(a + 0.5, a, paired=True)
    assert effect["difference"] == pytest.approx(0.5)
    assert effect["ci95"] == pytest.approx([0.5, 0.5])


def test_effect_size_needs_two_values_per_group():
    assert np.isnan(checks.effect_size([1.0], [2.0, 3.0], paired=False)["difference"])


# --- reference values ---------------------------------------------------------------------------
def test_reference_check_uses_the_seed_mean_and_two_spreads():
    from zoo import references as reference

    ref = next(r for r in reference.load("models.rostami2020") if r.variant == "default" and r.population == "E")

    def run(value):
        return RunMeasures({}, {}, {}, {}, {"populations": {"E": {ref.statistic: value}}})

    near = {1: run(ref.value + 1.5 * ref.spread), 2: run(ref.value + 2.4 * ref.spread)}  # mean 1.95 spreads off
    far = {1: run(ref.value + 2.5 * ref.spread), 2: run(ref.value + 2.5 * ref.spread)}
    results = checks.reference_results("rostami2020", "default", "models.rostami2020", {"near": near, "far": far})
    by_backend = {r.backend: r for r in results if r.check.population == "E"}
    assert by_backend["near"].passed and not by_backend["far"].passed
    assert by_backend["near"].details["single_runs_within"] == 1
    assert by_backend["near"].target == ref.value and by_backend["near"].source == ref.source


# --- measures helpers ---------------------------------------------------------------------------
def test_fixed_subsample_is_the_same_for_every_run_and_spans_the_population():
    picks = fixed_subsample(4000, 200)
    assert len(picks) == 200 and picks[0] == 0 and picks[-1] == 3999
    assert np.array_equal(picks, fixed_subsample(4000, 200))
    assert np.array_equal(fixed_subsample(50, 200), np.arange(50))


def test_band_power_averages_within_bands_and_marks_empty_ones():
    freqs = np.array([1.0, 1.5, 3.0])
    power = np.array([2.0, 4.0, 8.0])
    assert np.allclose(band_power(freqs, power, [1, 2, 4, 8]), [3.0, 8.0, np.nan], equal_nan=True)


def test_a_pool_cache_reuses_seed_pair_distances_with_identical_results():
    rng = np.random.default_rng(7)
    pool = {seed: rng.normal(seed % 3, 1.0, 200) for seed in range(1, 7)}
    calls = []

    def counted(x, y):
        calls.append(1)
        return checks.ks_distance(x, y)

    cache, splits = {}, [((1, 2, 3), (4, 5, 6)), ((1, 4, 5), (2, 3, 6)), ((2, 5, 6), (1, 3, 4))]
    for first, second in splits:
        a, b = {s: pool[s] for s in first}, {s: pool[s] for s in second}
        plain = checks.seed_null(a, b, checks.ks_distance)
        cached = checks.seed_null(a, b, counted, cache)
        for x, y in zip(plain, cached):
            np.testing.assert_array_equal(x, y)
    assert len(calls) == len(cache) == 15  # each of the 15 pairs of 6 seeds once, over all splits


def test_measures_include_the_lvr_of_schmidt2018_near_0_for_clocks_and_1_for_poisson():
    from zoo import io
    from zoo.validation.measures import measure_segment

    rng = np.random.default_rng(6)
    n, t = 20, 10_000.0
    clock = [(np.arange(50.0, t, 100.0) + k) for k in range(n)]  # 10 spikes/s, perfectly regular
    poisson = [np.sort(rng.uniform(0, t, rng.poisson(100))) for _ in range(n)]  # 10 spikes/s, Poisson
    pops = {}
    for name, trains in (("regular", clock), ("poisson", poisson)):
        times = np.concatenate(trains)
        index = np.concatenate([np.full(len(tr), k) for k, tr in enumerate(trains)])
        pops[name] = (times, index, n, {})
    distributions, _ = measure_segment(io.segment_from_spikes(pops, 0.0, t))
    assert distributions["regular"]["lvr"] == pytest.approx(np.zeros(n), abs=1e-9)
    assert np.mean(distributions["poisson"]["lvr"]) == pytest.approx(1.0, abs=0.1)  # R = 2 ms << 100-ms intervals
