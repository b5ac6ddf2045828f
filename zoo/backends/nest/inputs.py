"""Spike sources on NEST without PyNN's parrot neurons (realisations of zoo.inputs' blocks).

PyNN puts a parrot neuron behind every spike source of pyNN.nest. For the zoo's two kinds of
source the parrot changes nothing but the cost:

- a replayed train (:func:`spike_source`) is the same for every target: the spike generators
  connect straight to their targets, their times set in one call. 5000 parrots relaying ~7 M
  afferent spikes took a fifth of zerlaut2018's simulation time. PyNN turns ``precise_times`` on
  for every spike generator and sets ``t - min_delay``; the times here are grid times, set as
  such (stock PyNN's ``k * 0.1 - 0.1`` on a precise generator put one spike in six a step late);
- a Poisson source with one target (:func:`poisson_source`, zoo.inputs.private_poisson): a
  ``poisson_generator`` draws an independent train for each of its targets, so with one target
  the parrot only relays every input spike once more, through NEST's spike exchange rather than
  the generator's direct delivery.

A spike generator without a parrot can be recorded and sends the same train to all its targets;
it cannot be the source of a plastic synapse, and all its connections, recorder included, must
use one synapse model (NEST's rules for devices). Spikes recorded from such a Poisson source
would be a further independent train, not the one delivered; the zoo records neither.
"""

import numpy as np


def spike_source(sim, trains, label):
    """A SpikeSourceArray population replaying `trains` (times in ms) straight to its targets."""
    import nest
    from pyNN.standardmodels import build_translations

    celltype = _without_parrots(sim.SpikeSourceArray, translations=build_translations(("spike_times", "spike_times")))
    population = sim.Population(len(trains), celltype(), label=label)
    population.node_collection.set(precise_times=False)
    nest.SetStatus(population.node_collection, [{"spike_times": np.asarray(t, dtype=float)} for t in trains])
    return population


def poisson_source(sim):
    """pyNN.nest's SpikeSourcePoisson type, delivering straight to its target."""
    return _without_parrots(sim.SpikeSourcePoisson)


def _without_parrots(source_type, **attributes):
    """A pyNN.nest spike-source type whose devices connect to their targets directly."""
    return type(source_type.__name__, (source_type,), {"__doc__": source_type.__doc__, "uses_parrot": False, **attributes})
