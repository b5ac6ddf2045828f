"""Spike sources on NEST without PyNN's parrot neurons (realisations of zoo.inputs' blocks).

PyNN puts a parrot neuron behind every spike source of pyNN.nest. For the zoo's kinds of source
the parrot changes nothing but the cost:

- a replayed train (:func:`spike_source`) is the same for every target, so it needs no relay. The
  zoo replays it with NEST's ``spike_train_injector``, not the ``spike_generator`` of PyNN's
  SpikeSourceArray: the injector is a node like a neuron, placed on one virtual process and sending
  through NEST's spike exchange, while a generator is a device copied onto every thread, updated
  there every min_delay and delivering straight from its own container of connections. With
  5000 injectors instead of generators, zerlaut2018's README run (one-step min_delay) simulated in
  5.1 s instead of 8.9 s and peaked at 0.85 GB instead of 1.12 GB, with the same spikes. The times are set on the grid in one call (PyNN turns ``precise_times``
  on and sets ``t - min_delay``; stock PyNN's ``k * 0.1 - 0.1`` on a precise generator put one
  spike in six a step late);
- trains each replayed to one cell (:func:`private_trains`) do not need a node each. At a one-step
  min_delay every node is visited every step, and zerlaut2018's 5000 injectors cost NEST more than
  its 5000 cells. One ``zoo_private_trains`` device (``zoo_private_trains.cpp``, compiled once
  into the cache) keeps every cell's train and, like ``poisson_generator``, decides per target
  what its connection delivers; the weight, delay and receptor stay the connection's. Under MPI
  each rank's device holds the trains of that rank's cells. 5000 trains of 900 Hz into 5000
  ``iaf_psc_delta``, 1500 ms at a one-step min_delay: 4.55 CPU s against 7.75 s from injectors
  (``benchmarks/zerlaut2018_nest_costs.py``), with the same membrane traces;
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

from . import devices


def spike_source(sim, trains, label, size=None):
    """A SpikeSourceArray population replaying `trains` (times in ms) from spike_train_injector nodes;
    NEST sets the times of the nodes this process holds and ignores the rest."""
    import nest

    from zoo.inputs import source_count, trains_held

    celltype = _replaying(sim, "spike_train_injector", always_local=False)
    population = sim.Population(source_count(trains, size), celltype(), label=label)
    population.node_collection.set(precise_times=False)
    trains = trains_held(trains, population)
    nest.SetStatus(population.node_collection, [{"spike_times": np.asarray(t, dtype=float)} for t in trains])
    return population


def private_trains(sim, cells, trains, weight, delay_ms, receptor_type, label, projection_label=None):
    """zoo.inputs.private_trains from one zoo_private_trains device connected to every cell, holding
    the trains of the cells this process holds; (device population, projection), the projection
    marked as having private sources (zoo.inputs.PRIVATE_SOURCES). None where the session has not
    installed the device (:func:`zoo.backends.nest.ready`): NEST loads modules only before the
    first node is created."""
    import nest

    from ...inputs import PRIVATE_SOURCES, trains_held
    from ...network import local_indices

    if devices.PRIVATE_TRAINS not in nest.node_models:
        return None
    sources = sim.Population(1, _replaying(sim, devices.PRIVATE_TRAINS, always_local=True)(), label=label)
    index = np.arange(cells.size)
    projection = sim.Projection(
        sources, cells, sim.FromListConnector(np.column_stack((np.zeros_like(index), index))),
        sim.StaticSynapse(weight=weight, delay=delay_ms), receptor_type=receptor_type, label=projection_label or label,
    )
    setattr(projection, PRIVATE_SOURCES, True)
    held = local_indices(cells)
    own = trains_held(trains, cells)
    nest.SetStatus(sources.node_collection, devices.private_trains_status(
        np.asarray(cells.all_cells, dtype=np.int64)[held], [own[k] for k in held]))
    return sources, projection


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


def _replaying(sim, nest_model, always_local):
    """pyNN.nest's SpikeSourceArray type on NEST model `nest_model` (on and off the grid), without
    parrots, its spike times handed over as they are."""
    from pyNN.standardmodels import build_translations

    return _without_parrots(sim.SpikeSourceArray, translations=build_translations(("spike_times", "spike_times")),
                            nest_name={"on_grid": nest_model, "off_grid": nest_model}, always_local=always_local)


def _without_parrots(source_type, **attributes):
    """A pyNN.nest spike-source type whose devices connect to their targets directly."""
    return type(source_type.__name__, (source_type,), {"__doc__": source_type.__doc__, "uses_parrot": False, **attributes})
