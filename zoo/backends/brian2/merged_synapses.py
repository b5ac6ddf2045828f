"""Static projections between the same two groups share one Brian2 Synapses object.

Brian2 spends a few microseconds per Synapses object and time step whatever its size (its spike
queue and pathway code run once per object). A model that splits one pathway into several
projections -- rostami2020 builds each pathway as a within-cluster and an across-cluster
projection with one weight each -- pays that cost once per projection: its simulation was 1.2-1.3x
slower than with one Synapses object per pathway.

With ``zoo.backends.brian2.batch.install(merge_projections=True)``, a batched projection whose synapses
are plain -- a ``StaticSynapse`` with one delay for all of them (``zoo.backends.brian2.shared_delays``),
built before the first run -- appends its synapses to the Synapses object of an earlier such
projection with the same source and target groups, synapse code, delay and clock. Each projection
then sees only its own synapses: its ``_brian2_synapses`` entry is a :class:`SynapsesPart`, the
range ``start:stop`` of the shared object, through which PyNN's getters, setters and
``Connection`` objects read and write as before. Synapse numbers (multapses) are counted per
projection, as stock PyNN counts them. Giving one projection's synapses another delay gives
every synapse of the shared object a delay of its own (the others keep theirs). Brian2's
per-neuron counts ``N_incoming`` and ``N_outgoing`` of the shared object count the synapses of all
its projections.
"""

import numbers

import numpy as np

from .synapses import give_each_synapse_its_delay, shared_delay

__all__ = ["SynapsesPart", "target_for", "attach"]

_SNAPSHOT = "before-first-run"  # pyNN.brian2 stores the network under this name at the first run


def target_for(projection, synapses):
    """The Synapses object `projection`'s synapses go into: an earlier projection's that can take
    them, else its own `synapses` (then registered for later projections); None where merging
    does not apply."""
    key = _merge_key(projection, synapses)
    if key is None:
        return None
    network = projection._simulator.state.network
    targets = network.__dict__.setdefault("_zoo_merge_targets", {})
    target = targets.get(key)
    if target is not None and _merge_key(projection, target, allow_synapses=True) == key:
        return target
    targets[key] = synapses  # the first of its kind, or the earlier one changed (its delay was set)
    synapses._zoo_parts = []
    return synapses


def attach(projection, synapses, target, start, stop):
    """Record that `projection` holds the synapses ``start:stop`` of `target`.

    If `target` is another projection's object, `projection`'s own (empty) `synapses` leaves the
    network and every projection in `target` reads its part through a :class:`SynapsesPart`.
    """
    parts = target._zoo_parts
    parts.append((projection, start, stop))
    if target is synapses:
        return
    network = projection._simulator.state.network
    network.remove(synapses)
    synapses._network = network.id  # never run, on purpose: no "unused object" warning when freed
    for member, first, last in parts:
        member._brian2_synapses[0][0] = SynapsesPart(target, first, last, member.label, network)


def _merge_key(projection, synapses, allow_synapses=False):
    """What two projections must have in common to share a Synapses object; None if `projection`
    cannot share (synapse model with state, per-synapse delays, after the first run, ...).
    `synapses` must be empty unless `allow_synapses`."""
    from pyNN import common
    from pyNN.brian2.standardmodels.synapses import StaticSynapse

    delay = shared_delay(synapses)
    if type(projection.synapse_type) is not StaticSynapse or delay is None:
        return None
    if isinstance(projection.pre, common.Assembly) or isinstance(projection.post, common.Assembly):
        return None
    network = projection._simulator.state.network
    if _SNAPSHOT in getattr(network, "_stored_state", {}) or (len(synapses) > 0 and not allow_synapses):
        return None
    pathways = tuple((pathway.prepost, pathway.code) for pathway in synapses._pathways)
    return (id(synapses.source), id(synapses.target), str(synapses.equations), pathways,
            float(delay), id(synapses.clock), synapses.multisynaptic_index)


class SynapsesPart:
    """The synapses ``start:stop`` of a Brian2 Synapses object, read and written as PyNN reads
    and writes a projection's own Synapses object (``len``, per-synapse variables by index,
    assignment of whole variables); anything else is the shared object's."""

    def __init__(self, whole, start, stop, label=None, network=None):
        object.__setattr__(self, "whole", whole)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "stop", stop)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "_network", network)  # PyNN's Brian2 Network, holding its reset snapshot

    def __len__(self):
        return self.stop - self.start

    def __repr__(self):
        return f"<synapses {self.start}:{self.stop} of {self.whole.name}>"

    def __getattr__(self, name):
        value = getattr(self.whole, name)
        if _is_per_synapse_view(value):
            return _PartView(value, self.start, self.stop)
        if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) == len(self.whole):
            return value[self.start:self.stop]  # e.g. the shared delay read per synapse
        return value

    def __setattr__(self, name, value):
        if name.rstrip("_") == "delay" and shared_delay(self.whole) is not None:
            if np.allclose(np.asarray(value, dtype=float), float(shared_delay(self.whole))):
                return  # the one delay it has
            # another delay for this part only: every synapse of the shared object gets its own delay
            give_each_synapse_its_delay(self.whole, self._network)
        current = getattr(self.whole, name)
        if not _is_per_synapse_view(current):
            raise AttributeError(f"cannot set '{name}' of part of a shared Synapses object")
        _PartView(current, self.start, self.stop)[:] = value


def _is_per_synapse_view(value):
    from brian2.core.variables import VariableView

    return isinstance(value, VariableView) and not value.variable.scalar


class _PartView:
    """A Brian2 VariableView of a Synapses object restricted to the synapses ``start:stop``;
    indices count from the part's first synapse."""

    def __init__(self, view, start, stop):
        self.view, self.start, self.size = view, start, stop - start

    def __len__(self):
        return self.size

    def __getitem__(self, item):
        return self.view[self._index(item)]

    def __setitem__(self, item, value):
        self.view[self._index(item)] = value

    def _index(self, item):
        if isinstance(item, slice):
            first, last, step = item.indices(self.size)
            if step == 1:
                return slice(self.start + first, self.start + max(first, last))
            return np.arange(first, last, step) + self.start
        if isinstance(item, numbers.Integral):
            if not -self.size <= item < self.size:
                raise IndexError(f"synapse {item} out of range for {self.size} synapses")
            return self.start + item % self.size
        if isinstance(item, str):
            raise TypeError("a part of a shared Synapses object is indexed by numbers, not conditions")
        index = np.asarray(item)
        if index.dtype == bool:
            if index.shape != (self.size,):
                raise IndexError(f"boolean index of shape {index.shape} for {self.size} synapses")
            return np.flatnonzero(index) + self.start
        if index.size and not (-self.size <= index.min() and index.max() < self.size):
            raise IndexError(f"synapse index out of range for {self.size} synapses")
        return index % self.size + self.start if self.size else index
