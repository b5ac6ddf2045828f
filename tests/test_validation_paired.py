"""The paired rule (validation/paired.py) and the multiplicity control (validation/multiplicity.py)
on data whose answer is known: a shift smaller than the network-to-network spread is found by
pairing seeds and missed by the seed-to-seed rule; values equal by construction cannot fail;
too few seeds judge nothing."""

import numpy as np
import pytest
from scipy import stats

from zoo.validation import checks, multiplicity, paired
from zoo.validation.measures import RunMeasures

N = 400  # neurons per population


def _networks(seeds, rng):
    """Per seed, each neuron's 'true' rate: the network a seed draws (shared by both backends)."""
    return {s: rng.gamma(4.0, 1.5, N) * rng.uniform(0.7, 1.3) for s in seeds}


def _run(network, rng, shift=0.0):
    """One backend's run of a network: the neuron's rate plus integration noise, plus `shift`."""
    rates = np.clip(network + rng.normal(0, 0.3, N) + shift, 0, None)
    return RunMeasures({"E": {"rate_hz": rates}}, {}, {"meanfield_rate_hz": 1.65}, {}, {})


def _arms(seeds=5, shift=0.0, rng_seed=3):
    rng = np.random.default_rng(rng_seed)
    networks = _networks(range(1, seeds + 1), rng)
    return ({s: _run(net, rng) for s, net in networks.items()},
            {s: _run(net, rng, shift) for s, net in networks.items()})


def _row(results, check_id):
    return next(r for r in results if r.check.id == check_id)


def test_t_test_is_scipys_one_sample_test():
    d = np.random.default_rng(1).normal(0.2, 1.0, 7)
    mean, half, p = paired.t_test(d)
    expected = stats.ttest_1samp(d, 0.0)
    assert p == pytest.approx(expected.pvalue) and mean == pytest.approx(d.mean())
    assert half == pytest.approx(stats.t.ppf(0.975, 6) * d.std(ddof=1) / np.sqrt(7))


def test_a_shift_below_the_network_spread_is_found_by_pairing_and_missed_by_the_seed_spread():
    """A 0.25 spikes/s shift of every neuron: the seed-to-seed spread of the mean rate (~1.5 spikes/s,
    networks differ) hides it, the per-seed differences (~0.02 spikes/s apart) do not."""
    a, b = _arms(shift=0.25)
    seed_null = _row(checks.compare("m", "v", a, b, ("A", "B")), "rate_hz/E")
    pairs = _row(paired.compare("m", "v", a, b, ("A", "B")), "paired/rate_hz/E")
    assert seed_null.status == "pass"
    assert pairs.status == "FAIL" and pairs.p_value < 1e-4
    effect = pairs.details["effect"]
    assert effect["difference"] == pytest.approx(-0.25, abs=0.03)  # A - B (a few rates clipped at 0)
    assert effect["ci95"][0] < effect["difference"] < effect["ci95"][1] < 0


def test_identical_backends_pass_the_paired_rule_at_about_its_nominal_rate():
    """No shift: the paired row fails in about ALPHA of independent trials."""
    fails = sum(_row(paired.compare("m", "v", *_arms(rng_seed=100 + k), ("A", "B")), "paired/rate_hz/E").status == "FAIL"
                for k in range(200))
    assert fails / 200 < 0.1  # 5 % nominal; binomial sd 1.5 % over 200 trials


def test_values_equal_by_construction_cannot_fail_in_either_rule():
    a, b = _arms()
    for results in (checks.compare("m", "v", a, b, ("A", "B")), paired.compare("m", "v", a, b, ("A", "B"))):
        constant = [r for r in results if r.check.statistic == "meanfield_rate_hz"]
        assert len(constant) == 1 and constant[0].status == "constant" and not np.isfinite(constant[0].p_value)


@pytest.mark.parametrize("seeds", [1, 2])
def test_too_few_seeds_give_insufficient_seeds_never_a_verdict(seeds):
    a, b = _arms(seeds=seeds, shift=5.0)  # a shift no rule could miss with enough seeds
    for results in (checks.compare("m", "v", a, b, ("A", "B")), paired.compare("m", "v", a, b, ("A", "B"))):
        row = next(r for r in results if r.check.statistic == "rate_hz")
        assert row.status == "insufficient seeds" and not np.isfinite(row.p_value)
    assert checks.seeds_needed() == 5 and paired.MIN_SEEDS == 3


def test_four_seeds_are_still_too_few_for_the_seed_null_rule():
    a, b = _arms(seeds=4, shift=5.0)  # 4 x 3 = 12 null distances: no 95th percentile
    assert _row(checks.compare("m", "v", a, b, ("A", "B")), "rate_hz/E").status == "insufficient seeds"
    assert _row(paired.compare("m", "v", a, b, ("A", "B")), "paired/rate_hz/E").status == "FAIL"


def test_benjamini_hochberg_is_scipys_false_discovery_control():
    rng = np.random.default_rng(4)
    p = np.concatenate([rng.uniform(0, 1, 40), rng.uniform(0, 0.002, 5)])
    rejected, adjusted = multiplicity.benjamini_hochberg(p)
    assert adjusted == pytest.approx(stats.false_discovery_control(p))
    assert list(rejected) == list(stats.false_discovery_control(p) <= multiplicity.Q)
    assert rejected[-5:].all()


def test_benjamini_hochberg_leaves_nan_out():
    rejected, adjusted = multiplicity.benjamini_hochberg([0.001, np.nan, 0.9])
    assert list(rejected) == [True, False, False] and np.isnan(adjusted[1])
    assert adjusted[0] == pytest.approx(0.002)  # m = 2 finite p-values


def test_adjust_counts_only_judged_rows():
    a, b = _arms(shift=0.25)
    rows = checks.compare("m", "v", a, b, ("A", "B")) + paired.compare("m", "v", a, b, ("A", "B"))
    assert multiplicity.adjust(rows) == 1
    assert {r.check.id: r.adjusted for r in rows} == {
        "rate_hz/E": "agree", "paired/rate_hz/E": "DIFFER",
        "observable/meanfield_rate_hz": "constant", "paired/observable/meanfield_rate_hz": "constant"}


# --- the spike-time row (validation/early.py) ---------------------------------------------------
def _early_pair(rng, jitter_ms, share_moved=0.0, neurons=200, window=10.0):
    """Two runs of one seed's first `window` ms: B fires A's spikes, each moved by up to `jitter_ms`;
    a `share_moved` of them moved by 2-5 ms instead (a backend that drifted off)."""
    from zoo.validation.early import EarlySpikes

    a, b = {}, {}
    for neuron in range(neurons):
        times = np.sort(rng.uniform(0, window, rng.poisson(2)))
        moved = rng.random(times.size) < share_moved
        shift = np.where(moved, rng.uniform(2, 5, times.size), rng.uniform(-jitter_ms, jitter_ms, times.size))
        a[("E", neuron)], b[("E", neuron)] = times, np.sort(times + shift)
    return EarlySpikes(a, window, 0.1), EarlySpikes(b, window, 0.1)


def _early_arms(seeds, **pair):
    rng = np.random.default_rng(5)
    a, b = _arms(seeds)
    for s in a:
        a[s].early, b[s].early = _early_pair(rng, **pair)
    return a, b


def test_coincident_share_counts_spikes_of_the_same_neuron_within_one_step():
    from zoo.validation.early import EarlySpikes, coincident_share

    a = EarlySpikes({("E", 0): np.array([1.0, 5.0]), ("E", 1): np.array([2.0])}, 10.0, 0.1)
    b = EarlySpikes({("E", 0): np.array([1.1, 7.0]), ("E", 1): np.array([], float), ("I", 0): np.array([3.0])}, 10.0, 0.1)
    assert coincident_share(a, b) == pytest.approx(2 / 6)  # 1.0 and 1.1 match; 5.0, 7.0, 2.0 and I's 3.0 do not
    assert coincident_share(a, a) == 1.0
    assert np.isnan(coincident_share(EarlySpikes({}, 10.0, 0.1), EarlySpikes({}, 10.0, 0.1)))


def test_backends_that_keep_the_same_spikes_pass_the_spike_time_row():
    a, b = _early_arms(5, jitter_ms=0.05)
    row = _row(paired.compare("m", "v", a, b, ("A", "B")), f"paired/{paired.SPIKE_TIMES}")
    assert row.status == "pass" and row.value["share"] == 1.0 and row.p_value == 1.0


def test_a_backend_whose_spikes_drift_off_fails_the_spike_time_row():
    """Most spikes moved by milliseconds, as a wrong delay or time constant does, while rates are equal."""
    a, b = _early_arms(5, jitter_ms=0.05, share_moved=0.8)
    rows = paired.compare("m", "v", a, b, ("A", "B"))
    row = _row(rows, f"paired/{paired.SPIKE_TIMES}")
    assert row.status == "FAIL" and row.value["share"] < 0.3 and row.p_value < 1e-3
    multiplicity.adjust(rows)
    assert row.adjusted == "DIFFER"


def test_the_spike_time_row_needs_early_runs_of_both_backends_and_enough_seeds():
    a, b = _early_arms(5, jitter_ms=0.05)
    b[1].early = None
    assert f"paired/{paired.SPIKE_TIMES}" not in {r.check.id for r in paired.compare("m", "v", a, b, ("A", "B"))}
    a, b = _early_arms(2, jitter_ms=0.05)
    assert _row(paired.compare("m", "v", a, b, ("A", "B")), f"paired/{paired.SPIKE_TIMES}").status == "insufficient seeds"
