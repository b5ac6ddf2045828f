"""Spike sources on NEST without PyNN's parrot neurons (realisations of zoo.inputs' blocks).

PyNN puts a parrot neuron behind every spike source of pyNN.nest. For the zoo's two kinds of
source the parrot changes nothing but the cost:

- a replayed train (:func:`spike_source`) is the same for every target, so it needs no relay. The
  zoo replays it with NEST's ``spike_train_injector``, not the ``spike_generator`` of PyNN's
  SpikeSourceArray: the injector is a node like a neuron, placed on one virtual process and sending
  through NEST's spike exchange, while a generator is a device copied onto every thread, updated
  there every min_delay and delivering straight from its own container of connections. With
  5000 injectors instead of generators, zerlaut2018's README run (one-step min_delay) simulated in
  5.1 s instead of 8.9 s and peaked at 0.85 GB instead of 1.12 GB, with the same spikes. The times are set on the grid in one call (PyNN turns ``precise_times``
  on and sets ``t - min_delay``; stock PyNN's ``k * 0.1 - 0.1`` on a precise generator put one
  spike in six a step late);
- a Poisson source with one target (:func:`poisson_source`, zoo.inputs.private_poisson): a
  ``poisson_generator`` draws an independent train for each of its targets, so with one target
  the parrot only relays every input spike once more, through NEST's spike exchange rather than
  the generator's direct delivery.

For the same reason private Poisson drive needs one generator per rate, not per cell
(:func:`private_poisson`, as the multi-area model's reference code connects one generator to each
population). NEST keeps the connections of every device in a container of its own that starts
with room for 1,024 connections (~32 kB): schmidt2018's 41,174 one-target generators held 1.3 GB
that way, more than its 2.4 M synapses. A generator updates, in node order, each of its targets in
connection order and draws from the thread's generator: the draws, and so the spikes, are those of
one generator per cell.

A Poisson generator without a parrot sends through its device connections: it cannot be the
source of a plastic synapse, and all its connections must use one synapse model (NEST's rules for
devices). Spikes recorded from it would be a further independent train, not the one delivered;
the zoo records neither.
"""

import numpy as np


def spike_source(sim, trains, label, size=None):
    """A SpikeSourceArray population replaying `trains` (times in ms) from spike_train_injector nodes;
    NEST sets the times of the nodes this process holds and ignores the rest."""
    import nest
    from pyNN.standardmodels import build_translations

    from zoo.inputs import source_count, trains_held

    injector = {"on_grid": "spike_train_injector", "off_grid": "spike_train_injector"}
    celltype = _without_parrots(sim.SpikeSourceArray, translations=build_translations(("spike_times", "spike_times")),
                                nest_name=injector, always_local=False)
    population = sim.Population(source_count(trains, size), celltype(), label=label)
    population.node_collection.set(precise_times=False)
    trains = trains_held(trains, population)
    nest.SetStatus(population.node_collection, [{"spike_times": np.asarray(t, dtype=float)} for t in trains])
    return population


def poisson_source(sim):
    """pyNN.nest's SpikeSourcePoisson type, delivering straight to its target."""
    return _without_parrots(sim.SpikeSourcePoisson)


def private_poisson(sim, cells, rates_hz, weight, delay_ms, receptor_type, label):
    """zoo.inputs.private_poisson with one parrot-free poisson_generator per run of cells of equal
    rate, connected to each of them; (sources, projection), the projection marked as having private
    sources (zoo.inputs.PRIVATE_SOURCES)."""
    from ...inputs import PRIVATE_SOURCES

    n = cells.size
    rates = np.broadcast_to(np.asarray(rates_hz, dtype=float), (n,))
    run = np.concatenate(([0], np.cumsum(rates[1:] != rates[:-1])))  # the source of each cell
    first = np.flatnonzero(np.concatenate(([True], rates[1:] != rates[:-1])))
    sources = sim.Population(first.size, poisson_source(sim)(rate=rates[first]), label=label)
    table = np.column_stack((run, np.arange(n), np.broadcast_to(np.asarray(weight, dtype=float), (n,))))
    projection = sim.Projection(
        sources, cells, sim.FromListConnector(table, column_names=["weight"]), sim.StaticSynapse(delay=delay_ms),
        receptor_type=receptor_type, label=label,
    )
    setattr(projection, PRIVATE_SOURCES, True)
    return sources, projection


def _without_parrots(source_type, **attributes):
    """A pyNN.nest spike-source type whose devices connect to their targets directly."""
    return type(source_type.__name__, (source_type,), {"__doc__": source_type.__doc__, "uses_parrot": False, **attributes})
