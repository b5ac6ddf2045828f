"""PyNN's reset snapshot on Brian2 without a second copy of every static synapse.

When a run starts after ``setup`` or ``reset``, ``pyNN.brian2`` stores the whole network state
(``Network.store("before-first-run")``) so that ``sim.reset()`` can go back to it. Brian2's store
copies every array, so each synapse is held twice: on rostami2020 at full size that copy was
28 B per synapse (indices, weight, delay, synapse number), 206 MB, more than the native Brian2
script uses for its whole network.

A *static* Synapses object -- no differential equations, no summed or event-driven variables, and
pathway code that only writes pre- or postsynaptic variables (PyNN's ``StaticSynapse``) -- has
per-synapse arrays that no run changes. :func:`install` makes the snapshot hold those arrays by
reference (the per-neuron counts and the rest are copied as before). Only PyNN can change them
before a reset (``Projection.set`` and the ``Connection`` setters), and the patched setters copy
the snapshot of that projection first, so ``reset`` restores exactly what the stock snapshot would. Synapses with state (Tsodyks-Markram, STDP) are
copied as before. Writing to the Brian2 objects directly (``projection._brian2_synapses``) between
a run and ``reset`` bypasses this; it is not part of PyNN's API.
"""

import functools

from ..patching import Patches
from .synapses import synapses_of

__all__ = ["install", "uninstall", "is_installed", "SNAPSHOT"]

SNAPSHOT = "before-first-run"  # the name pyNN.brian2's State.run stores its snapshot under
_patches = Patches()


def install():
    """Patch ``brian2.Network.store`` (for PyNN's snapshot only) and PyNN's synapse setters."""
    if _patches:
        return
    from brian2 import Network
    from pyNN.brian2.projections import Connection, Projection

    _patches.wrap(Network, "store", _store_static_synapses_by_reference)
    _patches.wrap(Projection, "_set_attributes", _copying_snapshot_first(lambda projection: projection))
    _patches.wrap(Connection, "_set", _copying_snapshot_first(lambda connection: connection.projection))


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _store_static_synapses_by_reference(stock_store):
    @functools.wraps(stock_store)
    def store(self, name="default", filename=None):
        if name != SNAPSHOT or filename is not None:
            return stock_store(self, name, filename)
        from brian2.groups.group import Group

        by_reference = {}  # group name -> its per-synapse variables
        for obj in self.objects:
            if _runs_never_write(obj):
                for group in (obj, *obj._pathways):
                    by_reference[group.name] = obj._registered_variables
        stock_full_state = Group._full_state

        def full_state(group):
            per_synapse = by_reference.get(group.name)
            if per_synapse is None:
                return stock_full_state(group)
            return {var.name: (var.get_value() if var in per_synapse else var.get_value().copy(), var.size)
                    for var in _own_arrays(group)}

        Group._full_state = full_state
        try:
            stock_store(self, name, filename)
        finally:
            Group._full_state = stock_full_state
        self._zoo_snapshot_references = set(by_reference)
        return None
    return store


def _own_arrays(group):
    """The group's own array variables: those Brian2's store saves."""
    from brian2.core.variables import ArrayVariable

    return [var for var in group.variables.values()
            if isinstance(var, ArrayVariable) and var.owner is not None and var.owner.name == group.name]


def _runs_never_write(obj):
    """True for a Synapses object whose per-synapse variables no run can change."""
    from brian2 import Synapses
    from brian2.parsing.statements import parse_statement
    from brian2.synapses.synapses import SynapticPathway

    if not isinstance(obj, Synapses) or obj.event_driven is not None:
        return False
    if not all(isinstance(contained, SynapticPathway) for contained in obj.contained_objects):
        return False  # a state, subexpression or summed-variable updater, or run_regularly
    for pathway in obj._pathways:
        for line in pathway.code.splitlines():
            line = line.split("#")[0].strip()
            if not line:
                continue
            try:
                written = parse_statement(line)[0]
            except Exception:  # anything Brian2 accepts but this check does not understand
                return False
            variable = pathway.variables.get(written)
            if variable is None or variable.owner is None or variable.owner.name in (obj.name, pathway.name):
                return False
    return True


def _copying_snapshot_first(projection_of):
    """A wrapper for a PyNN setter: before it writes, the snapshot of the projection's Synapses
    becomes a copy, so that ``reset`` still restores the values of the first run."""
    def wrap(stock_setter):
        @functools.wraps(stock_setter)
        def setter(self, *args, **kwargs):
            _copy_snapshot(projection_of(self))
            return stock_setter(self, *args, **kwargs)
        return setter
    return wrap


def _copy_snapshot(projection):
    network = projection._simulator.state.network
    references = getattr(network, "_zoo_snapshot_references", None)
    snapshot = network._stored_state.get(SNAPSHOT)
    if not references or snapshot is None:
        return
    for syn_obj in synapses_of(projection):
        for obj in (syn_obj, *syn_obj._pathways):
            if obj.name in references:
                references.discard(obj.name)
                snapshot[obj.name] = {name: entry if name == "_spikequeue" else (entry[0].copy(), entry[1])
                                      for name, entry in snapshot[obj.name].items()}
