"""zoo.inputs: time-varying Poisson trains on the grid, and one input spike seen alike on both backends."""

import numpy as np
import pytest

from zoo import backends
from zoo import inputs
from zoo.backends.fingerprint import connection_table
from zoo.errors import ZooError
from zoo.seeds import SeedStreams

DT = 0.1


def test_rate_table_from_function_and_from_table():
    rates = inputs.rate_table(lambda t: 2.0 * t, 1.0, DT)
    assert rates == pytest.approx(2.0 * np.arange(10) * DT)
    table = inputs.rate_table(([0.0, 1.0], [0.0, 10.0]), 2.0, DT)
    assert table[5] == pytest.approx(5.0) and table[-1] == pytest.approx(10.0)  # held after the table


@pytest.mark.parametrize("profile, message", [
    (lambda t: -1.0 + 0 * t, "not negative"),
    (lambda t: 2e4 + 0 * t, "exceeds one spike per step"),
    (([1.0, 0.5], [1.0, 1.0]), "must increase"),
])
def test_bad_rates_raise_one_line_errors(profile, message):
    with pytest.raises(ZooError, match=message):
        inputs.rate_table(profile, 10.0, DT)


def test_trains_follow_the_rate_profile():
    """Counts in the low and high halves match rate * time within 4 sigma (Poisson)."""
    rng = SeedStreams(3).generator("input/test")
    n, t_stop = 2000, 200.0
    trains = inputs.poisson_trains(rng, lambda t: np.where(t < 100.0, 20.0, 80.0), n, t_stop, DT)
    times = np.concatenate(trains)
    for lo, hi, rate in ((0.2, 100.0, 20.0), (100.0, 200.0, 80.0)):
        expected = n * rate * (hi - lo) / 1000.0
        count = np.count_nonzero((times >= lo - 1e-9) & (times < hi - 1e-9))
        assert abs(count - expected) < 4 * np.sqrt(expected)


def test_trains_are_on_the_grid_sorted_one_spike_per_step_and_start_late():
    trains = inputs.poisson_trains(SeedStreams(1).generator("x"), lambda t: 5000.0 + 0 * t, 50, 20.0, DT)
    for train in trains:
        steps = train / DT
        assert np.allclose(steps, np.round(steps))
        assert np.all(np.diff(train) > 0)
        assert train.size == 0 or train[0] >= 2 * DT - 1e-12


def test_trains_do_not_depend_on_the_block_size(monkeypatch):
    def draw():
        return inputs.poisson_trains(SeedStreams(7).generator("x"), lambda t: 300.0 + 0 * t, 40, 50.0, DT)

    whole = draw()
    monkeypatch.setattr(inputs, "_BLOCK_DRAWS", 97)
    assert all(np.array_equal(a, b) for a, b in zip(whole, draw()))


def test_seed_changes_the_trains():
    a = inputs.poisson_trains(SeedStreams(1).generator("x"), lambda t: 500.0 + 0 * t, 5, 50.0, DT)
    b = inputs.poisson_trains(SeedStreams(2).generator("x"), lambda t: 500.0 + 0 * t, 5, 50.0, DT)
    assert not all(np.array_equal(x, y) for x, y in zip(a, b))


def _driven_cells(simulator, n, drive, t_stop, blocks=(), threads=1):
    """(times ms, g_exc uS as cells x steps, what `drive` returned) of `n` AdExp cells sampled every
    step, after `drive(sim, cells)` connected their input."""
    b = backends.setup(simulator, SeedStreams(1), threads=threads, timestep=DT, min_delay=DT, blocks=blocks)
    try:
        sim = b.sim
        cells = sim.Population(n, sim.EIF_cond_exp_isfa_ista(v_spike=-40.0, tau_syn_E=5.0), label="cells")
        cells.initialize(v=-70.0, w=0.0)
        driven = drive(sim, cells)
        cells.record("gsyn_exc")
        sim.run(t_stop)
        signal = cells.get_data().segments[0].filter(name="gsyn_exc")[0]
        return np.asarray(signal.times.rescale("ms")).ravel(), np.asarray(signal.rescale("uS")).T, driven
    finally:
        b.end()


def _conductances(simulator, spikes_ms, weight_us=0.001, t_stop=12.0):
    """g_exc (uS, cells x steps) of AdExp cells each receiving one SpikeSourceArray spike, sampled every step."""
    def drive(sim, cells):
        source = inputs.spike_source(sim, [np.array([t]) for t in spikes_ms], label="src")
        sim.Projection(source, cells, sim.FromListConnector([(i, i) for i in range(cells.size)]),
                       sim.StaticSynapse(weight=weight_us, delay=DT), receptor_type="excitatory")

    t, g, _ = _driven_cells(simulator, len(spikes_ms), drive, t_stop)
    return t, g


def _conductance_after_one_spike(simulator, spike_ms):
    t, g = _conductances(simulator, [spike_ms])
    return t, g[0]


def test_one_input_spike_gives_the_same_conductance_on_nest_and_brian2():
    """Same onset step (one step after spike + delay) and the same exponential decay, g = w exp(-(t - t_on)/tau_syn), on both backends."""
    spike = inputs.spike_trains(np.array([0]), np.array([23]), 1, DT)[0][0]  # step 23: 2.3 ms
    traces = {sim: _conductance_after_one_spike(sim, spike) for sim in ("nest", "brian2")}
    (t_n, g_n), (t_b, g_b) = traces["nest"], traces["brian2"]
    n = min(len(g_n), len(g_b))
    assert np.allclose(t_n[:n], t_b[:n])
    onset = {sim: int(np.argmax(g > 0)) for sim, (_, g) in traces.items()}
    assert onset["nest"] == onset["brian2"]
    k = onset["nest"]
    assert 2.3 <= t_n[k] <= 2.3 + 2 * DT + 1e-9  # arrives after the delay, within a step
    assert g_n[k] == pytest.approx(0.001, rel=0.05)
    # NEST integrates exactly; Brian2's rk2 multiplies by 1 - h/tau + (h/tau)^2/2 per step (1.3e-6 too much).
    assert np.allclose(g_n[:n], g_b[:n], rtol=3e-4, atol=1e-12)
    for g in (g_n, g_b):
        assert g[k + 10] / g[k] == pytest.approx(np.exp(-1.0 / 5.0), rel=1e-4)  # 1 ms later, tau_syn = 5 ms


def test_spikes_in_every_step_arrive_in_the_same_step_on_nest_and_brian2():
    """A spike at k dt, for every k from 2 to 300, reaches its cell after the delay and in the same
    step on both backends. Times k * 0.1 are not exact in binary; NEST's precise spike generators
    behind PyNN's parrots moved one in six of them a step late, a single spike did not show it."""
    steps = np.arange(2, 301)
    spikes = inputs.spike_trains(np.zeros(steps.size, dtype=int), steps, 1, DT)[0]
    onsets = {}
    for sim in ("nest", "brian2"):
        t, g = _conductances(sim, spikes, t_stop=32.0)
        onsets[sim] = t[np.argmax(g > 0, axis=1)]
    assert np.round(onsets["nest"] / DT) == pytest.approx(steps + 1)
    assert np.array_equal(onsets["nest"], onsets["brian2"])


@pytest.mark.parametrize("simulator", ["nest", "brian2"])
def test_private_poisson_gives_each_cell_its_own_train_at_the_rate(simulator):
    """Campbell's theorem: 2000 Hz of 0.01 nA, 5 ms PSCs raise a passive cell (20 ms, 1 nF) by
    nu w tau_syn tau_m / C_m = 2 mV on average; the cells' traces are uncorrelated (a shared train
    would give correlation 1). On NEST the sources are the generators themselves, one per rate (each
    draws a train for every target); the connectivity still reads back as source j -> cell j."""
    n, rate, weight = 40, 2000.0, 0.01
    b = backends.setup(simulator, SeedStreams(4), timestep=DT, min_delay=DT)
    try:
        sim = b.sim
        cells = sim.Population(n, sim.IF_curr_exp(tau_m=20.0, cm=1.0, tau_syn_E=5.0, v_rest=-70.0, v_thresh=0.0), label="cells")
        cells.initialize(v=-70.0)
        sources, projection = inputs.private_poisson(sim, cells, rate, weight, 1.0, "excitatory", label="drive")
        assert projection.size() == n
        if simulator == "nest":
            assert sources.size == 1 and sources.node_collection.get("model") == "poisson_generator"
        pre, post, weights, _ = connection_table(projection)
        assert np.array_equal(np.sort(pre), np.arange(n)) and np.array_equal(pre, post)
        assert weights == pytest.approx(weight)
        cells.record("v")
        sim.run(1100.0)
        v = np.asarray(cells.get_data().segments[0].filter(name="v")[0].magnitude)[1000:]  # after 100 ms
    finally:
        b.end()
    assert v.mean() + 70.0 == pytest.approx(rate / 1000.0 * weight * 5.0 * 20.0 / 1.0, rel=0.05)
    corr = np.corrcoef(v.T)[np.triu_indices(n, 1)]
    assert abs(corr.mean()) < 0.05


def test_private_poisson_on_nest_has_one_generator_per_run_of_equal_rates():
    """Rates 5, 5, 7, 7, 7, 5 Hz: three generators (runs), each cell connected once, to the
    generator of its run, at its weight; the readback still says source j -> cell j."""
    rates, weights = np.array([5.0, 5.0, 7.0, 7.0, 7.0, 5.0]), np.arange(1, 7) * 0.001
    b = backends.setup("nest", SeedStreams(4), timestep=DT, min_delay=DT)
    try:
        sim = b.sim
        cells = sim.Population(rates.size, sim.IF_curr_exp(), label="cells")
        sources, projection = inputs.private_poisson(sim, cells, rates, weights, 1.0, "excitatory", label="drive")
        assert list(sources.get("rate")) == [5.0, 7.0, 5.0]
        conns = sim.nest.GetConnections(source=sources.node_collection).get(["source", "target", "weight"])
        run = np.searchsorted(np.asarray(sources.node_collection.tolist()), conns["source"])
        assert list(run[np.argsort(conns["target"])]) == [0, 0, 1, 1, 1, 2]
        pre, post, weight, _ = connection_table(projection)
        order = np.argsort(post)
        assert list(pre[order]) == list(range(6)) and weight[order] == pytest.approx(weights)
    finally:
        b.end()


def _private_drive(simulator, trains, blocks=(), threads=1):
    """g_exc (uS, cells x steps) of AdExp cells, each replaying its own train through
    inputs.private_trains, and how the drive was realised (sources, connection table)."""
    def drive(sim, cells):
        sources, projection = inputs.private_trains(sim, cells, trains, 0.001, DT, "excitatory", label="drive")
        return sources.size, connection_table(projection)

    _, g, (size, table) = _driven_cells(simulator, len(trains), drive, 20.0, blocks, threads)
    return g, size, table


PRIVATE = [np.array([0.2, 0.5, 3.0]) + 0.1 * k for k in range(7)] + [np.array([]), np.array([19.0])]


def test_private_trains_reach_their_own_cell_alone_on_every_realisation():
    """Each cell gets its own train (distinct spike times per cell): NEST's device on one and on two
    threads, NEST's injector nodes (the session not opened for the device) and Brian2 give the
    same conductance onsets; NEST's realisations the same traces. The connectivity reads back as
    source j -> cell j at the weight given, whichever way the sources are made."""
    runs = {"device": _private_drive("nest", PRIVATE, blocks=("private_trains",)),
            "device, 2 threads": _private_drive("nest", PRIVATE, blocks=("private_trains",), threads=2),
            "injectors": _private_drive("nest", PRIVATE), "brian2": _private_drive("brian2", PRIVATE)}
    assert {name: size for name, (_, size, _) in runs.items()} == {
        "device": 1, "device, 2 threads": 1, "injectors": len(PRIVATE), "brian2": len(PRIVATE)}
    steps = min(g.shape[1] for g, _, _ in runs.values())
    jumps = {name: np.diff(g[:, :steps], axis=1) > 1e-4 for name, (g, _, _) in runs.items()}
    arrivals = [np.rint(t / DT).astype(int) + 1 for t in PRIVATE]  # the sample at t + delay (one step)
    for name, jump in jumps.items():
        onsets = [np.flatnonzero(row) + 1 for row in jump]
        assert all(np.array_equal(o, a) for o, a in zip(onsets, arrivals)), name
    for name in ("device, 2 threads", "injectors"):
        assert np.array_equal(runs[name][0], runs["device"][0]), name
    for _, _, (pre, post, weight, _) in runs.values():
        assert np.array_equal(np.sort(pre), np.arange(len(PRIVATE))) and np.array_equal(pre, post)
        assert weight == pytest.approx(0.001)


def test_the_private_trains_device_refuses_inconsistent_trains():
    import nest

    from zoo.backends.nest import devices

    b = backends.setup("nest", SeedStreams(1), timestep=DT, min_delay=DT, blocks=("private_trains",))
    try:
        device = nest.Create(devices.PRIVATE_TRAINS)
        for bad in ({"targets": [1], "offsets": [0, 2], "spike_times": [1.0]},  # offsets past the times
                    {"targets": [1], "offsets": [0, 1], "spike_times": [1.05]},  # off the grid
                    {"targets": [1], "offsets": [0, 2], "spike_times": [2.0, 1.0]}):  # not in order
            with pytest.raises(Exception, match="zoo_private_trains"):
                device.set(bad)
    finally:
        b.end()
