"""fore2020: drawn quantities against the reference code, the trial analysis on known spike trains, the
conductance reconstruction against recorded conductances, and (slow) the paper's qualitative claims."""

import neo
import numpy as np
import pytest
import quantities as pq

from zoo.models.fore2020 import analysis
from zoo.analysis.trials import spike_probability, trial_segments
from zoo.models.fore2020 import VARIANTS, Fore2020, condition
from zoo.seeds import SeedStreams

CONTROL = VARIANTS["control"].params


def test_connection_counts_are_bernoulli_with_the_codes_probabilities():
    """Only the 32 active MFs' synapses are drawn (the other 283 never fire)."""
    drawn = Fore2020(CONTROL).draw(SeedStreams(1))
    for name, pairs, expected in (("MF_to_GrC", 32 * 4096, 4 / 315), ("MF_to_GoC", 32 * 27, 10 / 315),
                                  ("GoC_to_GrC", 27 * 4096, 4 / 27)):
        pre, post = drawn["connections"][name]
        assert pre.size == drawn["counts"][name].sum()
        assert abs(pre.size - pairs * expected) < 4 * np.sqrt(pairs * expected * (1 - expected)), name
        assert np.unique(pre * 4096 + post).size == pre.size  # no multapses
    assert set(drawn["connections"]["MF_to_GrC"][0]) <= set(drawn["active_mf"])
    # about a third of the GrCs get an active MF (33.6 % in the reference code)
    assert 0.30 < np.mean(drawn["active_inputs"] > 0) < 0.37


def test_the_network_is_the_same_in_every_condition():
    streams = SeedStreams(3)
    drawn = {name: Fore2020(condition(CONTROL, name)).draw(streams) for name in ("control", "gabazine", "muscarine")}
    for name in ("gabazine", "muscarine"):
        for projection, (pre, post) in drawn["control"]["connections"].items():
            assert np.array_equal(pre, drawn[name]["connections"][projection][0])
            assert np.array_equal(post, drawn[name]["connections"][projection][1])
        assert np.array_equal(drawn["control"]["weights_nS"], drawn[name]["weights_nS"])


def test_a_process_draws_only_what_its_own_cells_receive():
    """A process holding every 4th GrC and GoC (NEST with MPI) draws exactly the whole draw's rows
    onto its cells, in the same order; the four processes together draw every row once."""
    from zoo.models.fore2020 import stimulus

    model = Fore2020(VARIANTS["tiny"].params, "tiny")
    drawn = model.draw(SeedStreams(1))
    total = 0
    for rank in range(4):
        held = {"GrC": np.arange(rank, model.params.N_grc, 4), "GoC": np.arange(rank, model.params.N_goc, 4)}
        part = stimulus.connections(model.params, SeedStreams(1), drawn["active_mf"], drawn["counts"], held)
        for name, (pre, post) in drawn["connections"].items():
            mine = np.isin(post, held[name.split("_")[2]])
            np.testing.assert_array_equal(part[name][0], pre[mine])
            np.testing.assert_array_equal(part[name][1], post[mine])
            total += part[name][0].size
    assert total == sum(pre.size for pre, _ in drawn["connections"].values()) > 0


def test_independent_weights_have_the_spec_distribution():
    weights = Fore2020(CONTROL.replace(n_trials=2000)).draw(SeedStreams(2))["weights_nS"]
    mu = weights.mean(axis=0)
    assert weights.shape == (2000, 32)
    assert np.allclose(weights.std(axis=0) / mu, 1.0, atol=0.1)  # SD = mean per MF (gamma, shape 1)
    ratios = weights / mu
    assert abs(np.corrcoef(ratios[:, 0], ratios[:, 1])[0, 1]) < 0.1  # independent across MFs


def test_reference_quirks_reproduce_the_reference_draws():
    model = Fore2020(VARIANTS["reference_quirks"].params)
    drawn = model.draw(SeedStreams(1))
    assert drawn["active_mf"][:4].tolist() == [20, 22, 26, 48] and drawn["active_mf"].size == 32
    mu = np.random.RandomState(35).gamma(1.0, 0.1, 32)
    assert mu.mean() == pytest.approx(0.0975, abs=1e-4)
    factors = drawn["weights_nS"] / mu
    for trial in factors:  # every trial: only two distinct factors, shared by 15 and 17 MFs
        values, counts = np.unique(np.round(trial, 9), return_counts=True)
        assert sorted(counts) == [15, 17]
    shared = np.array([sorted(set(np.round(t, 9)), key=lambda v: -list(np.round(t, 9)).count(v)) for t in factors])
    assert shared[:, 0].mean() == pytest.approx(1.12, abs=0.01) and shared[:, 1].mean() == pytest.approx(0.94, abs=0.01)


def test_muscarine_tonic_factor_is_gamma_04_007():
    r = Fore2020(condition(CONTROL, "muscarine")).draw(SeedStreams(1))["tonic_factor"]
    assert r.mean() == pytest.approx(0.4, abs=0.005) and r.std() == pytest.approx(0.07, abs=0.005)
    assert np.all(Fore2020(CONTROL).draw(SeedStreams(1))["tonic_factor"] == 1.0)


def test_muscarine_with_reference_quirks_takes_the_reference_codes_fixed_tonic_factors():
    """Its ACh condition draws r from RandomState(1) in every run; the zoo's own draw follows the seed."""
    quirks = VARIANTS["muscarine_quirks_10"].params
    reference = np.random.RandomState(1).gamma((0.4 / 0.07) ** 2, 0.07**2 / 0.4, quirks.N_grc)
    for seed in (1, 2):
        np.testing.assert_allclose(Fore2020(quirks).draw(SeedStreams(seed))["tonic_factor"], reference, rtol=1e-12)
    own = [Fore2020(condition(CONTROL, "muscarine")).draw(SeedStreams(seed))["tonic_factor"] for seed in (1, 2)]
    assert not np.allclose(own[0], own[1])


def test_trial_expanded_sources_carry_each_trials_weight():
    params = VARIANTS["tiny"].params
    model = Fore2020(condition(params, "muscarine"))
    streams = SeedStreams(1)
    drawn = model.draw(streams)
    source, post, weight = model.mf_lists(drawn, "GrC")
    trial, position = np.divmod(source, params.n_active_mf)
    assert np.allclose(weight, drawn["weights_nS"][trial, position] * 0.4521)
    pre, target = drawn["connections"]["MF_to_GrC"]
    active_pairs = np.isin(pre, drawn["active_mf"]).sum()
    assert source.size == params.n_trials * active_pairs and np.bincount(trial).tolist() == [active_pairs] * params.n_trials


def _train(times, t_stop):
    return neo.SpikeTrain(np.asarray(times, dtype=float), units="ms", t_start=0 * pq.ms, t_stop=t_stop * pq.ms)


def test_spike_probability_counts_trials_not_spikes():
    trial_ms, n = 100.0, 4
    # cell 0: spikes in bin 10 of every trial, twice in trial 1; cell 1: one spike in trial 2, bin 3
    cell0 = [k * trial_ms + 10.5 for k in range(n)] + [trial_ms + 10.9]
    trains = [_train(sorted(cell0), n * trial_ms), _train([2 * trial_ms + 3.2], n * trial_ms)]
    P = spike_probability(trains, trial_ms, n)
    assert P.shape == (2, 100)
    assert P[0, 10] == 1.0 and P[0].sum() == 1.0
    assert P[1, 3] == 0.25 and P[1].sum() == 0.25
    window = spike_probability(trains, trial_ms, n, window=(10.0, 20.0))
    assert window.shape == (2, 10) and window[0, 0] == 1.0 and window[1].sum() == 0
    with pytest.raises(ValueError):
        spike_probability(trains, trial_ms, n, window=(50.0, 150.0))


def test_trial_segments_shift_spikes_into_each_trial():
    train = _train([5.0, 105.0, 250.0], 300.0)
    train.annotate(source_population="GrC", source_index=0)
    segment = neo.Segment()
    segment.spiketrains.append(train)
    block = trial_segments(segment, 100.0, 3)
    assert [seg.spiketrains[0].magnitude.tolist() for seg in block.segments] == [[5.0], [5.0], [50.0]]
    assert block.segments[2].spiketrains[0].annotations["trial"] == 2


def test_selection_and_normalisation_follow_figures_py():
    control = np.zeros((4, 60))
    control[0, 20], control[0, 30] = 0.5, 0.4   # passes
    control[1, 20] = 0.7                         # fails: > 0.6 around the 2nd MF spike
    control[2, 20], control[2, 30] = 0.3, 0.5   # fails: 3rd-spike peak above 2nd
    control[3, 20] = 0.2                         # passes but has no active input
    chosen = analysis.selection(control, np.array([1, 2, 1, 0]))
    assert chosen.tolist() == [True, False, False, False]
    muscarine = control * 1.5
    assert np.nanmax(analysis.normalised(muscarine, control)[0]) == pytest.approx(1.5)


@pytest.fixture
def tiny_run(backend):
    """Control at test scale (256 GrCs, 2 trials) with g_e, g_i recorded from GrCs with active input."""
    sim = backend.sim
    model = Fore2020(VARIANTS["tiny"].params.replace(N_grc=256, n_trials=2), variant="tiny")
    streams = backend.streams
    network = model.build(sim, streams)
    cells = np.flatnonzero(model.draw(streams)["active_inputs"] > 0)[:20]
    view = network.populations["GrC"][cells]
    view.record(["g_e", "g_i"], sampling_interval=1.0)
    sim.run(model.duration_ms)
    return model, streams, network, cells, view.get_data().segments[0]


def test_reconstructed_conductances_match_recorded_ones(tiny_run):
    model, streams, network, cells, recorded = tiny_run
    p = model.params
    golgi = network.populations["GoC"].get_data("spikes").segments[0].spiketrains
    run = analysis.ConditionRun(model, [], sorted(golgi, key=lambda st: int(st.annotations["source_index"])))
    g_e, g_i = analysis.conductances(run, streams)
    signals = {s.name: np.asarray(s.magnitude) for s in recorded.analogsignals}
    times = np.asarray(recorded.analogsignals[0].times.rescale("ms").magnitude)
    in_window = np.zeros(times.size, bool)
    for trial in range(p.n_trials):
        in_window |= (times >= trial * p.trial_ms + 1000.0) & (times < trial * p.trial_ms + 1060.0)
    measured_e = signals["g_e"][in_window].sum(axis=0) / (60 * p.n_trials)
    measured_i = signals["g_i"][in_window].sum(axis=0) / (60 * p.n_trials)
    # Euler steps vs exponential kernels: 0.4 % for g_e on both backends (1 ms samples at the same
    # times, MF spikes in the same step); g_i also depends on each backend's own GoC spikes
    np.testing.assert_allclose(measured_e, g_e[cells], rtol=0.01, atol=1e-4)
    np.testing.assert_allclose(measured_i, g_i[cells], rtol=0.08, atol=2e-3)
    assert measured_e.mean() > 0.02 and measured_i.mean() > 0.005  # both inputs present


def test_the_conditions_command_runs_all_three_and_compares_them(tmp_path):
    """`python -m zoo.models.fore2020.conditions` end to end at a small size (~30 s): every
    condition's results and the comparison are written."""
    from zoo.models.fore2020.conditions import main

    out = tmp_path / "conditions"
    assert main(["--sim", "brian2", "--set", "n_trials=1", "--set", "N_grc=256", "--out", str(out), "--no-figures"]) == 0
    assert {p.name for p in out.iterdir()} >= {"control", "gabazine", "muscarine", "comparison.json"}
    import json

    assert json.loads((out / "comparison.json").read_text())["control_GoC_rate_hz"] > 0


@pytest.mark.slow
def test_the_papers_qualitative_claims_hold(tmp_path, simulator):
    """GABAzine raises GrC spike probability, muscarine nearly silences GoCs, both groups exist (~3 min)."""
    from zoo.models.fore2020.conditions import main

    out = tmp_path / simulator
    assert main(["--sim", simulator, "--set", "n_trials=10", "--set", "N_grc=1024", "--out", str(out), "--no-figures"]) == 0
    import json

    summary = json.loads((out / "comparison.json").read_text())
    assert summary["gabazine_mean_peak_probability_active_input"] > 1.5 * summary["control_mean_peak_probability_active_input"]
    assert summary["muscarine_GoC_rate_hz"] < 0.1 * summary["control_GoC_rate_hz"]
    assert summary["muscarine_increase"] > 0 and summary["muscarine_decrease"] > 0
