"""Batched connection building for PyNN's Brian2 backend.

The problem
-----------
``pyNN.brian2.Projection`` receives its connections from the connector one
postsynaptic neuron at a time, through ``Projection._convergent_connect``.
The stock implementation of that method immediately

* calls ``brian2.Synapses.connect(i=..., j=...)`` for that one neuron, and
* sets every connection parameter (weight, delay, synapse-model parameters,
  initial values of synaptic state variables) with a Python loop over the
  presynaptic neurons, ``brian2_var[i, j] = value``.

Each ``connect`` call runs Brian2's synapse-creation machinery once, and each
``var[i, j] = value`` has to search all existing synapses for the pair
``(i, j)``, so building a projection costs O(N_post) ``connect`` calls plus
O(N_synapses ** 2) work for the parameters.  A network of 1,350 neurons with
about 180,000 synapses takes over a minute to build.

The fix
-------
While the connector runs, ``_convergent_connect`` only records what it is
given -- presynaptic indices, the postsynaptic index and the (already
evaluated) parameter values -- for each Brian2 ``Synapses`` object of the
projection.  When the connector has finished, every ``Synapses`` object gets
a single ``connect(i=all_i, j=all_j)`` call, in the order the connector
produced the connections, followed by one array assignment per parameter.

The result is the same as the stock code's, synapse for synapse and in the
same creation order:

* delays are rounded to the nearest time step exactly as stock PyNN does,
  ``np.round(delay / dt) * dt``, once per connector call;
* the synapse type's ``initial_conditions`` are set the same way, and a
  read-only variable (such as the subexpression ``x`` of the
  Tsodyks-Markram model) is logged and skipped, as in the stock code;
* where the same pair of neurons is connected more than once ("multapses"),
  the stock code's ``var[i, j] = value`` writes every synapse of the pair, so
  they all end up with the value given last for that pair.  This is
  reproduced by default; ``install(distinct_multapse_values=True)`` gives
  each synapse its own value instead.

One deliberate difference: when the presynaptic side is an ``Assembly``, the
stock code pairs the parameter values of the *whole* assembly with the
neurons of *each* component population starting from the first value, so
every population after the first receives values meant for other neurons.
Here each component population gets the values of its own neurons.

Further speed-ups, measured on rostami2020 (7.7 M synapses):

* a ``FromListConnector`` is connected from whole arrays: the list is ordered
  by target exactly as the stock connector orders it (the same ``argsort``)
  and its parameters are evaluated once, instead of once per target neuron;
  a parameter with one value for all rows stays a scalar;
* Brian2 numbers the synapses of each neuron pair ("synapse_number", which
  PyNN asks for) by sorting all synapses after every ``connect``; here the
  numbers are computed from the batch in NumPy, or left at 0 when the batch
  has no repeated pair;
* the synapses are appended to Brian2's index arrays in NumPy
  (`_append_synapses`) rather than through ``connect``, which copies both
  index arrays three times and generates a code object per Synapses object.

* Brian2's counts of synapses per neuron (``N_incoming``, ``N_outgoing``)
  are made in blocks: its own ``np.bincount`` first copies every index to
  int64.

``install(merge_projections=True)`` lets static projections with one delay
between the same two groups share one Synapses object
(``zoo.backends.brian2.merged_synapses``).

``install(presynaptic_order=True)`` creates each batch's synapses ordered by
presynaptic neuron (a stable sort of the connector's order), so that a
spike's synapses lie side by side in memory: Brian2's spike propagation was
2.4x faster with this order.  The connections are the same; only their
creation order differs from stock PyNN's.

Usage::

    from zoo import brian2_batch
    brian2_batch.install()      # later projections are built in batches
    ...
    brian2_batch.uninstall()    # back to the stock behaviour

Only projections created while the patch is installed are affected, and only
while their connector is running: a ``_convergent_connect`` call made at any
other time goes straight to the stock implementation.
"""

import functools
import logging

import numpy as np

from ... import connectivity
from .. import from_list
from ..patching import Patches
from .synapses import shared_delay

__all__ = ["install", "uninstall", "is_installed"]

logger = logging.getLogger("PyNN")

_patches = Patches()
_options = {"distinct_multapse_values": False, "presynaptic_order": False, "merge_projections": False}


# -- installation -------------------------------------------------------------

def install(distinct_multapse_values=False, presynaptic_order=False, merge_projections=False):
    """Make ``pyNN.brian2.Projection`` build its connections in batches.

    Calling it again only updates the options (see the module docstring); it
    never patches twice.  This imports Brian2.
    """
    from pyNN.brian2.projections import Projection

    _options["distinct_multapse_values"] = bool(distinct_multapse_values)
    _options["presynaptic_order"] = bool(presynaptic_order)
    _options["merge_projections"] = bool(merge_projections)
    if _patches:
        return
    _patches.wrap(Projection, "__init__", _make_batching_init)
    _patches.wrap(Projection, "_convergent_connect", _make_buffering_convergent_connect)


def uninstall():
    """Restore the stock ``pyNN.brian2.Projection``; harmless if not installed."""
    _patches.undo()
    for name in _options:
        _options[name] = False


def is_installed():
    """True between `install` and `uninstall`."""
    return bool(_patches)


def _make_batching_init(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, presynaptic_population, postsynaptic_population, connector,
                 *args, **kwargs):
        with _connecting_in_batches(connector, self):
            stock_init(self, presynaptic_population, postsynaptic_population, connector,
                       *args, **kwargs)
        from_list.release_if_handed_over(connector, self)
    return __init__


def _make_buffering_convergent_connect(stock_convergent_connect):
    @functools.wraps(stock_convergent_connect)
    def _convergent_connect(self, presynaptic_indices, postsynaptic_index,
                            location_selector=None, **connection_parameters):
        buffer = self.__dict__.get("_pending_connections")
        if buffer is None:
            return stock_convergent_connect(self, presynaptic_indices, postsynaptic_index,
                                            location_selector=location_selector,
                                            **connection_parameters)
        if location_selector is not None:
            raise NotImplementedError("Brian backend does not support multicompartmental models.")
        connection_parameters.pop("dendritic_delay_fraction", None)  # as in stock PyNN
        buffer.add(presynaptic_indices, postsynaptic_index, connection_parameters)
    return _convergent_connect


class _connecting_in_batches:
    """Context manager: while active, ``connector.connect(projection)`` buffers
    the projection's connections and creates them all when the connector returns.

    It shadows the connector's ``connect`` method with an instance attribute and
    removes it on exit; connectors that do not allow this are left alone (and
    then build connections the stock way).
    """

    def __init__(self, connector, projection):
        self.connector = connector
        self.projection = projection
        self.shadowed = False
        self.own_connect = None  # an instance attribute `connect` we must put back

    def __enter__(self):
        connector, projection = self.connector, self.projection
        connect = connector.connect
        self.own_connect = getattr(connector, "__dict__", {}).get("connect")

        def batched_connect(target_projection, *args, **kwargs):
            if target_projection is not projection:
                return connect(target_projection, *args, **kwargs)
            buffer = _PendingConnections(projection)
            if _connect_from_list(connector, projection, buffer):
                buffer.create()
                return None
            projection._pending_connections = buffer
            try:
                result = connect(projection, *args, **kwargs)
            finally:
                del projection._pending_connections
            buffer.create()
            return result

        try:
            connector.connect = batched_connect
        except AttributeError:
            return self
        self.shadowed = True
        return self

    def __exit__(self, *exc_info):
        if self.shadowed:
            if self.own_connect is None:
                del self.connector.connect
            else:
                self.connector.connect = self.own_connect
        return False


# -- buffering ----------------------------------------------------------------

class _PendingConnections:
    """Connections of one projection recorded during ``connector.connect``."""

    def __init__(self, projection):
        self.projection = projection
        self.batches = {}  # (i_group, j_group) -> _SynapseBatch

    def add(self, presynaptic_indices, postsynaptic_index, connection_parameters):
        """Record one ``_convergent_connect`` call (same arguments, same checks)."""
        projection = self.projection
        parameters = self._completed(connection_parameters)

        j_group, j = projection._localize_index(postsynaptic_index)
        offset = 0
        for i_group, i in enumerate(projection._partition(presynaptic_indices)):
            i = np.array(i, dtype=np.int32)  # a copy: the caller may reuse its array
            if i.size > 0:
                batch = self.batches.get((i_group, j_group))
                if batch is None or batch.names != tuple(parameters):
                    if batch is not None:  # parameter names changed: close this batch
                        batch.create(projection)
                    batch = self.batches[i_group, j_group] = _SynapseBatch(
                        projection._brian2_synapses[i_group][j_group], tuple(parameters))
                batch.add(i, j, {name: _part(value, offset, i.size)
                                 for name, value in parameters.items()})
            offset += i.size

    def add_many(self, presynaptic_indices, postsynaptic_indices, connection_parameters, distinct_pairs=False):
        """Record connections i -> j for each pair of the two index arrays (one Population
        or PopulationView on each side); array parameters hold one value per pair.

        `distinct_pairs`: the caller found the (i, j) pairs strictly increasing, i first, so
        creating them needs neither a sort nor multapse numbers."""
        projection = self.projection
        parameters = self._completed(connection_parameters)
        sources = projection._partition(presynaptic_indices)[0]
        _, targets = projection._localize_index(postsynaptic_indices)
        batch = _SynapseBatch(projection._brian2_synapses[0][0], tuple(parameters))
        batch.add(sources, targets, parameters)
        batch.distinct_pairs = distinct_pairs
        self.batches[0, 0] = batch

    def _completed(self, connection_parameters):
        """The connector's values plus the synapse type's initial conditions, with delays
        rounded to the time step, as the stock ``_convergent_connect`` sets them."""
        parameters = dict(connection_parameters)
        parameters.update(self.projection.synapse_type.initial_conditions)
        if "delay" in parameters:
            parameters["delay"] = _round_to_time_step(
                parameters["delay"], self.projection._simulator.state.dt)
        return parameters

    def create(self):
        """Create all recorded connections in Brian2 and set their parameters."""
        if _options["merge_projections"] and list(self.batches) == [(0, 0)]:
            self._create_merging(self.batches[0, 0])
        else:
            for batch in self.batches.values():
                batch.create(self.projection)
        self.batches = {}

    def _create_merging(self, batch):
        """Create the batch in an earlier projection's Synapses object where it can share it."""
        from . import merged_synapses as merged

        own = batch.synapses
        target = merged.target_for(self.projection, own)
        if target is None:
            batch.create(self.projection)
            return
        start = len(target)
        batch.synapses = target
        batch.create(self.projection, others_before=start > 0)
        merged.attach(self.projection, own, target, start, len(target))


def _connect_from_list(connector, projection, pending):
    """Record a FromListConnector's connections from whole arrays, in the stock order.

    Returns False, having recorded nothing, where the stock ``connect`` must run
    (assemblies, location selectors, invalid or out-of-range lists, parameters
    that vary in ways only the per-target evaluation reproduces).
    """
    from pyNN import common
    from pyNN.connectors import FromListConnector

    if not isinstance(connector, FromListConnector):
        return False
    if isinstance(projection.pre, common.Assembly) or isinstance(projection.post, common.Assembly):
        return False
    if not (projection.post._mask_local.all() and from_list.batchable(connector, projection.synapse_type)):
        return False
    conn_list = np.asarray(connector.conn_list)
    indices = from_list.plain_indices(conn_list, projection, dtype=np.int32)  # Brian2's index type
    if indices is None:
        return False  # the stock code raises, drops the targets it does not have, or truncates
    pre, post = indices
    shortcut = _options["presynaptic_order"] and not connector.column_names
    distinct_pairs = shortcut and _strictly_increasing_pairs(pre, post, projection.post.size)
    if shortcut:
        parameters = from_list.row_parameters(connector, projection.synapse_type, slice(None), simplify=True)
        if all(np.ndim(value) == 0 for value in parameters.values()):
            # The same values everywhere, so only the pairs matter, and their final order is by
            # source, then target. A list in that order already (as zoo.connectivity.bernoulli
            # draws; checked first, as it stops at the first block out of order) is taken as it
            # is; any other (e.g. drawn block by block of targets) is sorted as integer keys.
            if not distinct_pairs:
                pre, post, distinct_pairs = connectivity.pairs_in_source_order(
                    pre, post, projection.pre.size, projection.post.size)
            pending.add_many(pre, post, parameters, distinct_pairs=distinct_pairs)
            return True
    distinct_pairs = False
    if _options["presynaptic_order"] and _options["distinct_multapse_values"]:
        # Every parameter is a constant or a column and no synapse takes another's value (the
        # stock "last value per pair"), so only the final order matters: by source, then target
        # (a stable radix sort by target, then by source); pairs found distinct then need no
        # multapse numbers (e.g. lists drawn block by block of targets, zoo.connectivity).
        order = connectivity.source_order(pre, post)
        pre, post = pre[order], post[order]
        distinct_pairs = _strictly_increasing_pairs(pre, post, projection.post.size)
    else:
        order = np.argsort(conn_list[:, 1])  # the stock connector's order, algorithm included
        pre, post = pre[order], post[order]
    parameters = from_list.row_parameters(connector, projection.synapse_type, order, simplify=True)
    del order
    pending.add_many(pre, post, parameters, distinct_pairs=distinct_pairs)
    return True


def _round_to_time_step(delay, dt):
    """Round delays to the nearest time step, with the same arithmetic as stock PyNN."""
    from brian2 import ms

    scale = dt * ms
    return np.round(delay / scale) * scale


def _part(value, offset, size):
    """The values belonging to `size` connections starting at `offset`."""
    from pyNN.core import is_listlike

    if is_listlike(value):
        if not isinstance(value, np.ndarray):
            from brian2 import Quantity
            value = Quantity(list(value))
        return value[offset:offset + size]
    return value


class _SynapseBatch:
    """Connections and parameter values waiting for one ``brian2.Synapses`` object,
    recorded by `add` and created, once, by `create`.

    Every parameter value is kept as plain numbers in SI units plus their
    physical dimensions; a scalar stays a scalar until the batch is created.
    """

    def __init__(self, synapses, names):
        self.synapses = synapses
        self.names = names
        self.sources = []
        self.targets = []
        self.values = {name: [] for name in names}  # name -> [(size, raw, dim, is_scalar)]
        self.size = 0
        self.distinct_pairs = False  # known to be strictly increasing (source, target) pairs

    def add(self, i, j, parameters):
        """Connections i -> j: `j` is one index or an array of one index per element of `i`."""
        self.sources.append(i)
        self.targets.append(j if np.ndim(j) else np.full(i.size, j, dtype=np.int32))
        for name, value in parameters.items():
            raw, dim = _without_units(value)
            self.values[name].append((i.size, raw, dim, raw.ndim == 0))
        self.size += i.size

    def create(self, projection, others_before=False):
        """Create the synapses in ``self.synapses``; `others_before`: the synapses it already has
        belong to other projections (zoo.backends.brian2.merged_synapses), so none of them is this
        projection's synapse of a pair or takes its values."""
        if self.size == 0:
            return
        syn_obj = self.synapses
        sources, targets = _joined(self.sources), _joined(self.targets)
        self.sources = self.targets = None  # a batch is created once: hold no second copy
        order = None
        if _options["presynaptic_order"] and not self.distinct_pairs and np.any(sources[1:] < sources[:-1]):
            # stable, so the synapses of one pair keep their order ("last value" stays last)
            order = connectivity.stable_order(sources)
            sources, targets = sources[order], targets[order]
        first = len(syn_obj)
        _connect_numbering_multapses(syn_obj, sources, targets, self.distinct_pairs, others_before)
        projection._n_connections += self.size
        new = slice(first, first + self.size)
        only_new = first == 0 or others_before  # no earlier synapse of this projection

        for name in self.names:
            chunks = self.values[name]
            dim = _common_dimensions(name, chunks)
            tolerate_read_only = all(is_scalar for *_, is_scalar in chunks)
            constant = _constant_value(chunks)
            if name == "delay" and _is_the_shared_delay(syn_obj, constant, dim):
                continue
            if _options["distinct_multapse_values"]:
                index, raw = new, (_expand(chunks, order) if constant is None else constant)
            elif constant is not None and only_new:
                index, raw = new, constant  # the same value everywhere: no pair to care about
            else:
                index, raw = _pairwise_last_values(syn_obj, first, sources, targets,
                                                   _expand(chunks, order), only_new)
            _assign(syn_obj, name, index, raw, dim, tolerate_read_only)


def _connect_numbering_multapses(syn_obj, sources, targets, distinct_pairs=False, others_before=False):
    """``syn_obj.connect(i=sources, j=targets)``, with the synapse numbers of repeated
    pairs computed here (Brian2 would sort every synapse of the object to find them);
    `distinct_pairs`: the pairs are known to differ, so every number is 0; `others_before`: the
    synapses already there belong to other projections, whose pairs are not counted."""
    index_name = syn_obj.multisynaptic_index
    first = len(syn_obj)
    if index_name is None or (first > 0 and not others_before):  # earlier synapses may share pairs: Brian2 counts
        _append_synapses(syn_obj, sources, targets)
        return
    numbers = None if distinct_pairs else _multapse_numbers(sources, targets, len(syn_obj.target))
    syn_obj.multisynaptic_index = None
    try:
        _append_synapses(syn_obj, sources, targets)
    finally:
        syn_obj.multisynaptic_index = index_name
    if numbers is not None:  # else they stay 0, as Brian2's resize leaves new entries
        syn_obj.variables[index_name].get_value()[first:] = numbers


def _append_synapses(syn_obj, sources, targets):
    """``syn_obj.connect(i=sources, j=targets)``, done in NumPy.

    Brian2's runtime ``connect`` from arrays makes three int32 copies of both index arrays and
    generates a code object for every Synapses object, only to append the indices to
    ``_synaptic_pre`` and ``_synaptic_post``, resize the per-synapse variables and recount the
    synapses per neuron.  This does the same without the copies and the code object.  Groups with
    index offsets (subgroups) and out-of-range indices go to ``connect``, which handles or
    reports them.
    """
    from brian2.devices.device import RuntimeDevice, get_device

    plain = (isinstance(get_device(), RuntimeDevice)
             and "_offset" not in syn_obj.source.variables
             and "_offset" not in syn_obj.target.variables
             and sources.size > 0
             and 0 <= sources.min() and sources.max() < len(syn_obj.source)
             and 0 <= targets.min() and targets.max() < len(syn_obj.target))
    if not plain:
        syn_obj.connect(i=sources, j=targets)
        return
    syn_obj._connect_called = True
    first = len(syn_obj)
    syn_obj._resize(first + sources.size)  # every per-synapse variable, _synaptic_pre/post included
    syn_obj.variables["_synaptic_pre"].get_value()[first:] = sources
    syn_obj.variables["_synaptic_post"].get_value()[first:] = targets
    if syn_obj.multisynaptic_index is None:
        _count_synapses_per_neuron(syn_obj, sources, targets)
    else:
        syn_obj._update_synapse_numbers(first)  # N_incoming, N_outgoing and synapse_number


def _count_synapses_per_neuron(syn_obj, sources, targets, block=1 << 16):
    """Add the new synapses to ``N_outgoing`` and ``N_incoming``, as Brian2's
    ``_update_synapse_numbers`` does for a Synapses object without a multisynaptic index.

    Counted in blocks: ``np.bincount`` of int32 indices first copies all of them to int64, a
    transient of 8 B per synapse and array.
    """
    variables = syn_obj.variables
    for count, size, indices in (("N_outgoing", "N_pre", sources), ("N_incoming", "N_post", targets)):
        neurons = variables[size].item()  # the groups have no offsets here (see _append_synapses)
        variables[count].resize(neurons)
        counts = variables[count].get_value()
        for start in range(0, indices.size, block):
            counts += np.bincount(indices[start:start + block], minlength=neurons)


def _is_the_shared_delay(syn_obj, constant, dim):
    """True if the Synapses object has one delay (zoo.backends.brian2.shared_delays) and `constant` is it;
    an error if it has one delay and the connector gives another."""
    from brian2 import Quantity

    shared = shared_delay(syn_obj)
    if shared is None:
        return False
    if constant is None or Quantity(constant, dim=dim) != shared:
        raise ValueError(f"the connector's delays differ from the one delay of {syn_obj.name}")
    return True


def _strictly_increasing_pairs(sources, targets, n_targets, block=1 << 20):
    """True if the (source, target) pairs strictly increase, sources first (so no pair repeats).

    Checked in blocks: int64 keys of all synapses at once would be a transient of 8 B each.
    """
    for start in range(0, sources.size - 1, block):
        part = slice(start, min(start + block + 1, sources.size))  # one element of overlap
        keys = sources[part].astype(np.int64) * n_targets + targets[part]
        if not np.all(keys[1:] > keys[:-1]):
            return False
    return True


def _joined(arrays):
    """The arrays end to end; the array itself if there is only one (no copy)."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _multapse_numbers(sources, targets, n_targets):
    """For each synapse, how many earlier synapses connect the same pair; None if all differ."""
    if _strictly_increasing_pairs(sources, targets, n_targets):
        return None  # the common case of presynaptic order
    keys = sources.astype(np.int64) * n_targets + targets
    runs = _equal_key_runs(keys)
    if runs is None:
        return None
    order, new_run = runs
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(keys.size), 0))
    numbers = np.empty(keys.size, dtype=np.int32)
    numbers[order] = np.arange(keys.size) - run_start
    return numbers


def _without_units(value):
    """(values as a float/int ndarray in SI units, their brian2 dimensions)."""
    from brian2 import Quantity

    quantity = Quantity(value)
    return np.asarray(quantity), quantity.dim


def _common_dimensions(name, chunks):
    dims = {dim for _, _, dim, _ in chunks}
    if len(dims) > 1:
        from brian2 import DimensionMismatchError
        raise DimensionMismatchError(f"Inconsistent units for synaptic variable {name}",
                                     *dims)
    return dims.pop()


def _constant_value(chunks):
    """The common value if every chunk is the same scalar, else None."""
    first = chunks[0][1]
    if all(is_scalar for *_, is_scalar in chunks) and all(
            raw == first for _, raw, _, _ in chunks):
        return first
    return None


def _expand(chunks, order=None):
    """One value per connection, in the order the connections were recorded (or `order`)."""
    values = np.concatenate([np.full(size, raw) if is_scalar else raw
                             for size, raw, _, is_scalar in chunks])
    return values if order is None else values[order]


def _pairwise_last_values(syn_obj, first, sources, targets, values, only_new=None):
    """Reproduce stock PyNN's ``brian2_var[i, j] = v``, which writes *every*
    synapse between neurons i and j: each such synapse ends up with the value
    given last for its pair.  Returns (synapse indices, values) to assign.

    `sources`, `targets` and `values` describe the synapses from index `first`
    onwards, in creation order. `only_new`: the synapses before `first` are not the
    projection's (default: only if there are none).
    """
    n_targets = len(syn_obj.target)
    keys = sources.astype(np.int64) * n_targets + targets
    last = _index_of_last_occurrence(keys)
    if first == 0 or only_new:
        new = slice(first, first + len(keys))
        return new, (values if last is None else values[last])
    # synapses created earlier between the same pairs are overwritten too
    all_keys = np.asarray(syn_obj.i[:], dtype=np.int64) * n_targets + np.asarray(syn_obj.j[:])
    if last is not None:
        values = values[last]
    order = np.argsort(keys, kind="stable")
    position = np.searchsorted(keys[order], all_keys)
    position[position == len(keys)] = 0
    hit = keys[order][position] == all_keys
    return np.flatnonzero(hit), values[order][position[hit]]


def _index_of_last_occurrence(keys):
    """For each element, the index of the last element with the same key;
    None if all keys are distinct."""
    runs = _equal_key_runs(keys)
    if runs is None:
        return None
    order, new_run = runs
    run = np.cumsum(new_run) - 1
    run_ends = np.append(np.flatnonzero(new_run)[1:], len(keys)) - 1
    last = np.empty(len(keys), dtype=np.intp)
    last[order] = order[run_ends[run]]
    return last


def _equal_key_runs(keys):
    """(stable sort order of `keys`, where a run of equal sorted keys starts); None if all
    keys are distinct."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    new_run = np.empty(len(keys), dtype=bool)
    new_run[:1] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new_run[1:])
    return None if new_run.all() else (order, new_run)


def _assign(syn_obj, name, index, raw, dim, tolerate_read_only):
    from brian2 import Quantity
    from brian2.units.fundamentalunits import DIMENSIONLESS

    array = _plain_array(syn_obj, name, dim)
    if array is not None:
        array[index] = raw
        return
    value = raw if dim is DIMENSIONLESS else Quantity(raw, dim=dim)
    if isinstance(index, slice) and index.start == 0 and index.stop == len(syn_obj):
        index = slice(None)  # lets Brian2 write the whole array at once
    try:
        getattr(syn_obj, name)[index] = value
    except TypeError as err:
        if tolerate_read_only and "read-only" in str(err):
            logger.info(f"Cannot set synaptic initial value for variable {name}")
        else:
            raise


def _plain_array(syn_obj, name, dim):
    """The values behind ``syn_obj.<name>`` where writing them needs none of Brian2's checks: a
    writable floating-point array of one value per synapse in dimensions `dim`; else None.

    Brian2's own assignment builds an index array of every synapse to write a scalar.
    """
    from brian2.core.variables import DynamicArrayVariable

    owner = getattr(syn_obj, "pre", None) if name == "delay" else syn_obj  # delays live in the pathway
    var = None if owner is None else owner.variables.get(name)
    if not (isinstance(var, DynamicArrayVariable) and not var.read_only and not var.scalar
            and np.dtype(var.dtype).kind == "f" and var.dim == dim and var.size == len(syn_obj)):
        return None
    return var.get_value()
