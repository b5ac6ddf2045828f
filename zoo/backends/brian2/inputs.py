"""Spike sources on Brian2 set in one call (a realisation of zoo.inputs.spike_source).

PyNN 0.13 hands a SpikeSourceArray's times over one Sequence at a time (seconds for thousands of
trains); here the population is created empty and its SpikeGeneratorGroup gets all (index, time)
pairs at once. Brian2 delivers a spike of step k after the state update of step k + delay, one
step later than NEST; emitting it one step earlier (time - dt) makes the conductance traces of the
two backends identical (tests/test_inputs.py).
"""

import numpy as np

from .recording import EMITS_EARLY_MS


def spike_source(sim, trains, label, size=None):
    """A SpikeSourceArray population replaying `trains` (times in ms)."""
    from brian2 import second

    from zoo.inputs import source_count, trains_held

    population = sim.Population(source_count(trains, size), sim.SpikeSourceArray(), label=label)
    trains = trains_held(trains, population)
    indices = np.repeat(np.arange(len(trains)), [len(t) for t in trains])
    times = np.concatenate([np.asarray(t, dtype=float) for t in trains]) if trains else np.array([])
    dt = sim.state.dt  # ms
    population.brian2_group.set_spikes(indices, (times - dt) / 1000.0 * second)
    setattr(population, EMITS_EARLY_MS, dt)  # recorded, its spikes show at their given times
    return population
