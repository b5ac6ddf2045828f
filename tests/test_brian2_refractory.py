"""zoo.backends.brian2.refractory: PyNN's standard cells on Brian2 stay refractory as long as on NEST."""

import numpy as np
import pytest

from zoo import backends
from zoo.backends.brian2 import refractory
from zoo.seeds import SeedStreams

CELLS = {  # cell type, its parameters; tau_refrac 5 ms, constant current above threshold, no input
    "IF_curr_exp": dict(cm=0.001, tau_m=20.0, tau_refrac=5.0, v_rest=0.0, v_reset=0.0, v_thresh=20.0),
    "IF_curr_alpha": dict(tau_refrac=5.0),
    "EIF_cond_exp_isfa_ista": dict(tau_refrac=5.0, a=0.0, b=0.0),
}
CURRENTS = {"IF_curr_exp": [0.0012, 0.0015, 0.002], "IF_curr_alpha": [0.8, 1.0, 1.5], "EIF_cond_exp_isfa_ista": [0.6, 0.8, 1.0]}


def _intervals(simulator, cell, stock=False):
    """The inter-spike intervals (ms) of three cells of type `cell` over 300 ms."""
    session = backends.setup(simulator, SeedStreams(1), timestep=0.1, min_delay=0.1)
    try:
        if stock:
            refractory.uninstall()
        sim = session.sim
        cells = sim.Population(3, getattr(sim, cell)(i_offset=CURRENTS[cell], **CELLS[cell]))
        cells.record("spikes")
        sim.run(300.0)
        return [np.round(np.diff(np.asarray(st.magnitude)), 6) for st in cells.get_data().segments[0].spiketrains]
    finally:
        session.end()


def test_installed_for_a_zoo_session_only():
    backends.import_simulator("brian2")
    assert not refractory.is_installed()
    with backends.setup("brian2", SeedStreams(1)):
        assert refractory.is_installed()
    assert not refractory.is_installed()


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_regular_firing_has_nests_intervals_on_brian2_and_stock_brian2s_were_a_step_shorter(cell):
    nest, brian2, stock = _intervals("nest", cell), _intervals("brian2", cell), _intervals("brian2", cell, stock=True)
    assert all(len(i) > 3 for i in nest)
    for on_nest, on_brian2, on_stock in zip(nest, brian2, stock):
        assert np.allclose(on_brian2, on_nest, atol=1e-6)
        assert np.allclose(on_stock, on_nest - 0.1, atol=1e-6)  # what this module mends
