"""zoo.backends.brian2.shared_parameters and zoo.backends.brian2.current_sources change speed, not results.

Each comparison runs the same deterministic network (fixed input spikes, current sources) with
the stock PyNN-Brian2 code and with the patch, in one process with generated NumPy code, and
requires identical spikes and membrane traces.
"""

import brian2
import numpy as np
import pyNN.brian2 as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from zoo.backends.brian2 import current_sources as brian2_current_sources, shared_parameters as brian2_shared_parameters
from zoo.errors import ZooError

DT = 0.1
brian2.BrianLogger.suppress_name("unused_brian_object")


pytestmark = pytest.mark.usefixtures("stock_brian2", "numpy_codegen")


def _patched(shared, currents):
    for module, on in ((brian2_shared_parameters, shared), (brian2_current_sources, currents)):
        module.install() if on else module.uninstall()


def _network(sources):
    spike_times = [[4.0 + 3 * k + 0.7 * n for k in range(30)] for n in range(6)]
    inputs = sim.Population(6, sim.SpikeSourceArray(spike_times=spike_times))
    cells = sim.Population(12, sim.IF_curr_exp(tau_m=15.0, cm=0.25, v_thresh=-52.0, tau_refrac=2.0,
                                                 i_offset=RandomDistribution("uniform", (0.1, 0.4), rng=NumpyRNG(1))))
    adaptive = sim.Population(4, sim.EIF_cond_exp_isfa_ista(v_spike=-30.0))
    sim.Projection(inputs, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.6, delay=1.0))
    sim.Projection(inputs, adaptive, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.02, delay=0.5))
    if sources:
        step = sim.StepCurrentSource(times=[20.0, 40.3, 61.0, 90.0], amplitudes=[0.5, -0.2, 0.8, 0.0])
        step.inject_into(cells[0:6])
        sim.DCSource(amplitude=0.3, start=30.0, stop=70.0).inject_into(cells[3:9])
        sim.DCSource(amplitude=0.4, start=0.0, stop=50.0).inject_into(adaptive)
    for pop in (cells, adaptive):
        pop.record(["spikes", "v"])
    return cells, adaptive


def _run(shared, currents, sources=True, chunks=(120.0,)):
    _patched(shared, currents)
    brian2.prefs.codegen.target = "numpy"
    sim.setup(timestep=DT)
    try:
        pops = _network(sources)
        for chunk in chunks:
            sim.run(chunk)
        blocks = [p.get_data().segments[0] for p in pops]
        return {"spikes": [[np.asarray(st) for st in seg.spiketrains] for seg in blocks],
                "v": [np.asarray(seg.filter(name="v")[0]) for seg in blocks],
                "shared": [brian2_shared_parameters.shared_parameters(p.brian2_group) for p in pops]}
    finally:
        sim.end()


def _assert_identical(a, b):
    for trains_a, trains_b in zip(a["spikes"], b["spikes"]):
        assert sum(len(t) for t in trains_a) > 0
        for ta, tb in zip(trains_a, trains_b):
            np.testing.assert_array_equal(ta, tb)
    for va, vb in zip(a["v"], b["v"]):
        np.testing.assert_allclose(va, vb, rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def stock():
    previous = brian2.prefs.codegen.target
    try:
        return _run(False, False)
    finally:
        brian2.prefs.codegen.target = previous


def test_shared_parameters_give_the_stock_results(stock):
    shared = _run(True, False)
    _assert_identical(stock, shared)
    assert stock["shared"] == [[], []]
    assert {"tau_m", "c_m", "v_rest", "v_thresh"} <= set(shared["shared"][0])
    assert "i_offset" not in shared["shared"][0] and "i_inj" not in shared["shared"][0]  # varied / per cell
    assert {"tau_w", "delta_T", "v_thresh"} <= set(shared["shared"][1])


def test_stretched_runs_give_the_stock_results(stock):
    """Two runs (55 + 65 ms) cross a step time and a DC start/stop in each; stock ran one."""
    _assert_identical(stock, _run(False, True, chunks=(55.0, 65.0)))
    _assert_identical(stock, _run(True, True, chunks=(120.0,)))


def test_change_steps_and_when_the_stock_run_is_kept():
    sim.setup(timestep=DT)
    try:
        step = sim.StepCurrentSource(times=[1.0, 2.5, 7.0], amplitudes=[1.0, 2.0, 0.0])
        assert brian2_current_sources.change_steps([step], 0, 60, DT) == [10, 25]
        assert brian2_current_sources.change_steps([step], 0, 100, DT) == [10, 25, 70]
        ac = sim.ACSource(amplitude=0.1, frequency=5.0)
        assert brian2_current_sources.change_steps([step, ac], 0, 100, DT) is None
    finally:
        sim.end()


def test_setting_shared_parameters_later():
    brian2_shared_parameters.install()
    sim.setup(timestep=DT)
    try:
        pop = sim.Population(10, sim.IF_curr_exp(tau_m=12.0, v_rest=-65.0))
        pop.set(tau_m=18.0)
        pop[2:5].set(tau_m=18.0)  # the same value on a view: stays shared
        assert np.allclose(pop.get("tau_m"), 18.0)
        assert "tau_m" in brian2_shared_parameters.shared_parameters(pop.brian2_group)
        pop[0:3].set(tau_m=9.0)  # differs across cells: per cell from now on, as in stock PyNN
        assert "tau_m" not in brian2_shared_parameters.shared_parameters(pop.brian2_group)
        assert np.allclose(pop.get("tau_m"), [9.0] * 3 + [18.0] * 7)
        pop.set(v_rest=RandomDistribution("uniform", (-70.0, -60.0), rng=NumpyRNG(2)))
        assert np.unique(pop.get("v_rest")).size == 10
        pop.record("v")
        sim.run(2.0)
        v = np.asarray(pop.get_data().segments[0].filter(name="v")[0])[-1]
        assert np.unique(np.round(v, 9)).size == 10  # every cell relaxes to its own v_rest
        pop.set(cm=0.3)  # uniform: fine after the run too
        with pytest.raises(ZooError, match="set per-cell values before the first run"):
            pop[0:2].set(cm=0.2)
    finally:
        sim.end()


def test_shared_parameters_read_back_per_cell_as_in_stock_pynn():
    """PyNN itself indexes what `get` returns (e.g. the Tsodyks-Markram tau_syn of each synapse)."""
    brian2_shared_parameters.install()
    sim.setup(timestep=DT)
    try:
        pre, post = sim.Population(5, sim.IF_cond_exp()), sim.Population(4, sim.IF_cond_exp(tau_syn_E=3.0))
        assert "tau_syn_e" in brian2_shared_parameters.shared_parameters(post.brian2_group)
        np.testing.assert_array_equal(post.get("tau_syn_E", simplify=False), np.full(4, 3.0))
        np.testing.assert_array_equal(post[1:3].get("tau_syn_E", simplify=False), np.full(2, 3.0))
        proj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(weight=0.01))
        np.testing.assert_allclose(np.asarray(proj._brian2_synapses[0][0].tau_syn[:] / brian2.ms), 3.0)
    finally:
        sim.end()
