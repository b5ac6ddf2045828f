"""zoo.backends.nest.current_sources: step currents through I_e give the stock membrane traces."""

import numpy as np
import pyNN.nest as sim
import pytest

from zoo import backends
from zoo.backends.nest import current_sources

nest_wing = backends.wing("nest")

TIMES, AMPLITUDES = [0.0, 5.0, 12.3, 20.0], [0.3, 0.6, -0.1, 0.0]  # nA


def _traces(patched, cell, min_delay, i_offset=(0.0, 0.2), runs=(30.0,), record_source=False, times=TIMES,
            zoo_chunks=None):
    """Membrane traces of two cells (their own i_offset) driven by one StepCurrentSource, and what
    PyNN then reads as their i_offset; `zoo_chunks`: run sum(runs) as the zoo does, in that many chunks."""
    import nest

    (current_sources.install if patched else current_sources.uninstall)()
    sim.setup(timestep=0.1, min_delay=min_delay)
    try:
        cells = sim.Population(2, getattr(sim, cell)(i_offset=list(i_offset)))
        cells.record("v")
        source = sim.StepCurrentSource(times=times, amplitudes=AMPLITUDES)
        if record_source:
            source.record()
        source.inject_into(cells)
        connected = len(nest.GetConnections(source=source._device))
        if zoo_chunks:
            nest_wing.simulate(sim, sum(runs), 0.1, every_s=1e9, chunks=zoo_chunks)
        for duration in runs if not zoo_chunks else ():
            sim.run(duration)
        trace = np.asarray(cells.get_data().segments[0].filter(name="v")[0])
        recorded = np.asarray(source.get_data().magnitude).ravel() if record_source else None
        return trace, list(cells.get("i_offset")), connected, recorded
    finally:
        current_sources.uninstall()
        sim.end()


@pytest.mark.parametrize("cell", ["IF_curr_exp", "HH_cond_exp"])
@pytest.mark.parametrize("min_delay", [0.1, 1.0])
def test_traces_equal_the_stock_connection_without_one(cell, min_delay):
    stock, stock_offsets, stock_connected, _ = _traces(False, cell, min_delay)
    patched, offsets, connected, _ = _traces(True, cell, min_delay)
    assert stock_connected == 2 and connected == 0
    assert np.ptp(stock[:, 0]) > 1.0  # the current moved the membrane
    np.testing.assert_array_equal(patched, stock)
    assert offsets == stock_offsets == [0.0, 0.2]  # the cells' own I_e is back after the run


def test_runs_in_pieces_and_a_recorded_source_match_the_stock_run():
    stock, _, _, stock_current = _traces(False, "IF_cond_exp", 0.1, runs=(7.0, 10.1, 12.9), record_source=True)
    patched, _, _, current = _traces(True, "IF_cond_exp", 0.1, runs=(7.0, 10.1, 12.9), record_source=True)
    np.testing.assert_array_equal(patched, stock)
    np.testing.assert_array_equal(current, stock_current)  # the generator still runs when recorded
    assert np.max(current) == pytest.approx(0.6)


def test_steps_on_the_boundaries_of_the_zoos_chunks_match_the_stock_run():
    times = [0.0, 10.1, 20.1, 25.1]  # 30 ms in 6 chunks: the kernel's chunks end at 5.1, 10.1, ... 25.1 ms
    stock, _, _, _ = _traces(False, "IF_curr_exp", 0.1, times=times, zoo_chunks=6)
    patched, offsets, _, _ = _traces(True, "IF_curr_exp", 0.1, times=times, zoo_chunks=6)
    np.testing.assert_array_equal(patched, stock)
    assert offsets == [0.0, 0.2]


def test_a_source_into_a_spike_source_is_refused_as_stock_pynn_does():
    current_sources.install()
    sim.setup()
    try:
        with pytest.raises(TypeError):
            sim.StepCurrentSource(times=TIMES, amplitudes=AMPLITUDES).inject_into(sim.Population(1, sim.SpikeSourceArray()))
    finally:
        current_sources.uninstall()
        sim.end()
