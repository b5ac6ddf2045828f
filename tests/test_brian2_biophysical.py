"""zoo.backends.brian2.biophysical: HH_cond_exp on Brian2 counts one spike per action potential, as NEST does.

A Traub-Miles cell (HH_cond_exp defaults) under constant currents: the action potentials are the
upward crossings of -20 mV in the recorded membrane trace. Stock pyNN.brian2 counts every step
above -40 mV (several per action potential) and its forward Euler diverges at dt = 0.1 ms; with
the patch the recorded spikes are exactly the action potentials, and the firing rates lie within
10 % of NEST's hh_cond_exp_traub (adaptive RKF45) at dt = 0.1 ms.
"""

import numpy as np
import pytest

from zoo import backends
from zoo.seeds import SeedStreams

AMPLITUDES = np.array([0.0, 0.1, 0.3, 0.6])  # nA


def _run(simulator, dt=0.1, duration=300.0):
    b = backends.setup(simulator, SeedStreams(1), timestep=dt, min_delay=0.1)
    try:
        sim = b.sim
        cells = sim.Population(len(AMPLITUDES), sim.HH_cond_exp(i_offset=AMPLITUDES))
        cells.record(["spikes", "v"])
        sim.run(duration)
        segment = cells.get_data().segments[0]
        counts = np.array([len(st) for st in segment.spiketrains])
        v = np.asarray(segment.filter(name="v")[0])
        crossings = np.sum((v[:-1] < -20.0) & (v[1:] >= -20.0), axis=0)
        return counts, crossings, v
    finally:
        b.end()


def test_brian2_counts_one_spike_per_action_potential():
    counts, crossings, v = _run("brian2")
    assert np.all(np.isfinite(v))
    assert counts[0] == 0 and np.all(counts[1:] > 3)
    assert np.array_equal(counts, crossings)


def test_brian2_rates_match_nest_within_ten_percent():
    nest_counts, nest_crossings, _ = _run("nest")
    brian2_counts, _, _ = _run("brian2")
    assert np.array_equal(nest_counts, nest_crossings)
    assert np.all(np.abs(brian2_counts[1:] - nest_counts[1:]) <= 0.1 * nest_counts[1:] + 1)


@pytest.mark.usefixtures("stock_brian2")
def test_stock_brian2_would_not():
    """The failure the patch fixes: without it, counts differ from the action potentials."""
    import importlib

    from zoo.backends.brian2 import biophysical, shared_parameters

    importlib.import_module("pyNN.brian2")
    shared_parameters.install()  # needed for reset=None to reach Brian2 at all
    sim = importlib.import_module("pyNN.brian2")
    sim.setup(timestep=0.1)
    try:
        assert not biophysical.is_installed()
        cells = sim.Population(1, sim.HH_cond_exp(i_offset=0.3))
        cells.record(["spikes", "v"])
        sim.run(100.0)
        segment = cells.get_data().segments[0]
        v = np.asarray(segment.filter(name="v")[0])[:, 0]
        crossings = int(np.sum((v[:-1] < -20.0) & (v[1:] >= -20.0)))
        assert len(segment.spiketrains[0]) != crossings or not np.all(np.isfinite(v))
    finally:
        sim.end()
