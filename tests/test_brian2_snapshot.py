"""zoo.backends.brian2.snapshot: PyNN's reset snapshot shares static synapses' arrays, and reset still
restores what stock PyNN restores, also after Projection.set and Connection setters."""

import brian2
import numpy as np
import pyNN.brian2 as sim
import pytest

from zoo.backends.brian2 import snapshot as brian2_snapshot
from zoo.backends.brian2.snapshot import SNAPSHOT

brian2.BrianLogger.suppress_name("unused_brian_object")


pytestmark = pytest.mark.usefixtures("stock_brian2", "numpy_codegen")


def _network():
    spikes = [[2.0 + 4 * k + n for k in range(10)] for n in range(5)]
    inputs = sim.Population(5, sim.SpikeSourceArray(spike_times=spikes))
    cells = sim.Population(8, sim.IF_curr_exp(tau_m=15.0, v_thresh=-60.0))
    static = sim.Projection(inputs, cells, sim.AllToAllConnector(),
                            sim.StaticSynapse(weight=np.linspace(0.1, 0.4, 40).reshape(5, 8), delay=1.0))
    depressing = sim.Projection(inputs, cells, sim.AllToAllConnector(),
                                sim.TsodyksMarkramSynapse(U=0.5, tau_rec=80.0, weight=-0.3, delay=0.5),
                                receptor_type="inhibitory")
    cells.record("spikes")
    return static, depressing


def _after_reset(patched, change):
    """(Which projections' snapshot shares the live weights: after the run, after `change`),
    and the static weights and spike counts after run, `change`, reset, run."""
    brian2_snapshot.install() if patched else brian2_snapshot.uninstall()
    sim.setup(timestep=0.1)
    try:
        projections = dict(zip(("static", "depressing"), _network()))
        sim.run(30.0)
        before = _sharing(projections)
        change(projections["static"])
        after = _sharing(projections)
        sim.reset()
        weights = np.array(projections["static"].get("weight", format="list"))
        sim.run(30.0)
        counts = [len(st) for st in projections["static"].post.get_data().segments[-1].spiketrains]
        return (before, after), weights, counts
    finally:
        sim.end()


def _sharing(projections):
    snapshot = sim.simulator.state.network._stored_state[SNAPSHOT]
    return {name: np.shares_memory(snapshot[p._brian2_synapses[0][0].name]["weight"][0],
                                   p._brian2_synapses[0][0].weight_[:])
            for name, p in projections.items()}


def _unchanged(projection):
    pass


def _set_projection(projection):
    projection.set(weight=2.0)


def _set_connection(projection):
    next(iter(projection.connections)).weight = 5.0


@pytest.mark.parametrize("change", [_unchanged, _set_projection, _set_connection],
                         ids=["unchanged", "Projection.set", "Connection.weight"])
def test_reset_restores_what_stock_pynn_restores(change):
    (stock_before, _), stock_weights, stock_counts = _after_reset(False, change)
    (before, after), weights, counts = _after_reset(True, change)
    np.testing.assert_array_equal(weights, stock_weights)
    assert counts == stock_counts and sum(counts) > 0
    assert stock_before == {"static": False, "depressing": False}
    # static synapses are shared until PyNN writes to them; synapses with state are copied
    assert before == {"static": True, "depressing": False}
    assert after == {"static": change is _unchanged, "depressing": False}
