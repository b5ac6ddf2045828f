"""How the zoo's Brian2 changes see a projection's synapses: one home for the accessors they share.

A PyNN projection holds its Brian2 Synapses objects in ``_brian2_synapses`` (one per pair of pre-
and postsynaptic groups). With the zoo's changes such an entry may be a *part* of a Synapses object
that several projections share (:mod:`.merged_synapses`), and its delay may be one number for all
its synapses (:mod:`.shared_delays`). These functions answer for either kind.
"""

import numpy as np

__all__ = ["synapses_of", "whole", "shared_delay", "delays_ms"]


def synapses_of(projection):
    """The Brian2 Synapses objects of a PyNN projection (one per pre/post population pair), or the
    parts of shared ones it holds."""
    return [syn_obj for by_post in projection._brian2_synapses.values() for syn_obj in by_post.values()]


def whole(synapses):
    """The Brian2 Synapses object behind `synapses` (a Synapses object or a part of a shared one)."""
    return getattr(synapses, "whole", synapses)


def shared_delay(synapses):
    """The one delay (a Brian2 quantity) of a Synapses object's "pre" pathway, or None where each
    synapse has its own."""
    pathway = getattr(synapses, "pre", None)
    variable = None if pathway is None else pathway.variables.get("delay")
    if variable is None or not variable.scalar:
        return None
    from brian2 import second

    return float(variable.get_value()[0]) * second


def delays_ms(synapses):
    """The delay of every synapse of a Synapses object in ms, one delay or one per synapse."""
    delay = shared_delay(synapses)
    if delay is None:
        return np.asarray(synapses.delay_[:]) * 1e3
    return np.full(len(synapses), float(delay) * 1e3)


def give_each_synapse_its_delay(synapses, network=None):
    """Turn the one delay of a Synapses object's "pre" pathway into one delay per synapse, each the
    old value, so that the synapses can be given different delays (as stock PyNN holds them).

    Brian2 generates a pathway's code and fills its spike queue at every run from the delay variable,
    so this may happen before or between runs. `network` (PyNN's Brian2 Network): where PyNN keeps
    its reset snapshot, whose record of the delay is converted too. Harmless where each synapse
    has its delay already.
    """
    synapses = whole(synapses)
    delay = shared_delay(synapses)
    if delay is None:
        return
    from brian2 import second

    pathway = synapses.pre
    del pathway.variables._variables["delay"]
    pathway.variables.add_dynamic_array("delay", dimensions=second.dim, size=len(synapses), constant=True)
    variable = pathway.variables["delay"]
    synapses.register_variable(variable)
    variable.set_value(np.full(len(synapses), float(delay)))
    pathway._delays = variable
    for state in getattr(network, "_stored_state", {}).values():
        stored = state.get(pathway.name, {})
        if "delay" in stored:
            stored["delay"] = (np.full(len(synapses), stored["delay"][0][0]), len(synapses))
