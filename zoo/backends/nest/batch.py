"""Batched connection building for PyNN's NEST backend.

The problem
-----------
Every connector that decides in Python which neurons to connect
(``FromListConnector``, ``ArrayConnector``, ``FixedProbabilityConnector`` with
a ``NumpyRNG``, ``DistanceDependentProbabilityConnector``, ...) hands its
connections to ``pyNN.nest.Projection._convergent_connect`` one postsynaptic
neuron at a time.  The stock implementation of that method immediately

* slices the presynaptic ``NodeCollection`` (into several collections when a
  source repeats, since the ids in a NodeCollection must be unique),
* calls ``nest.Connect(sources, target, "all_to_all", syn_spec)`` once per
  slice, and
* on the first call of each projection, looks up a connection to tell
  "common" (model-wide) synapse parameters from per-connection ones.

So a projection costs one ``nest.Connect`` per postsynaptic neuron, each with
its own Python, conversion and kernel overhead.  A network of 5,000 neurons
and 7.7 million synapses built from ``FromListConnector`` takes well over a
minute this way, where native PyNEST needs a few seconds.
``FromListConnector.connect`` adds its own per-neuron overhead on top (a deep
copy, translation and evaluation of the synapse parameters for every
postsynaptic neuron), several seconds for that network.

The fix
-------
NEST 3 connects two arrays of node ids element by element ("connect arrays"):
``nest.Connect(pre_ids, post_ids, "one_to_one", syn_spec)`` with 1-D NumPy
integer arrays, whose ids may repeat.  ``syn_spec`` must then name the
``synapse_model`` and takes ``weight`` and ``delay`` as 1-D float arrays with
one value per connection (scalars are refused), and any other parameter of the
synapse model -- ``receptor_type`` and ``synapse_label`` included -- as a 1-D
array or a scalar for all connections.  NEST passes those other parameters as
doubles and converts a value to an integer where the model's default is an
integer; a parameter the model does not have is an error.  (Connect arrays is
not available with more than one MPI process.)

While a projection's connector runs (inside ``Projection.__init__``),
``_convergent_connect`` here only records what it is given -- presynaptic node
ids, the postsynaptic node id and the parameter values -- with the
adjustments stock PyNN makes:

* ``tau_minus``, ``dendritic_delay_fraction`` and
  ``w_min_always_zero_in_NEST`` are dropped;
* weights (and ``Wmax`` of STDP models) change sign for inhibitory synapses
  onto conductance-based cells;
* weights are multiplied by the cell type's ``receptor_scale`` (Izhikevich,
  ``IF_curr_delta``) when the postsynaptic side has a ``celltype``;
* cells with non-standard receptors get the NEST ``receptor_type`` of the
  projection's receptor;
* ``TsodyksMarkramSynapse`` gets ``tau_psc`` from the postsynaptic cell's
  ``tau_syn_E`` or ``tau_syn_I``.

When the connector returns, the recorded connections are created with one
``nest.Connect`` per group of connections sharing the same parameter names and
kind of postsynaptic cell (normally one per projection), at most `chunk_size`
connections at a time.  The projection's synapse label is given to NEST as the
synapse model's default during that call rather than in ``syn_spec``, where
NEST would set it connection by connection through a dictionary, at about half
the cost of the rest of a static connection (see `_connect_arrays`).

Common synapse parameters are set on the synapse model with the stock
``_set_common_synapse_property``, which checks that they are homogeneous.
Telling common from per-connection parameters needs a real connection: the
first connection made with a synapse model is created on its own (with
weight, delay and the extra parameter only, as stock PyNN creates its first
ones) and inspected.  The answer is remembered per model, so that later
projections need not look up a connection, which would make NEST sort every
connection made so far.  The projection's bookkeeping -- ``_sources``,
``_common_synapse_property_names``, ``_connections = None``,
``stale_connection_cache`` -- is kept as stock PyNN keeps it.

``FromListConnector.connect`` (and so ``FromFileConnector``'s) is replaced
too, while a projection is being built and when the synapse parameters that
the list does not give are constants: it then evaluates the parameters for
`chunk_size` list rows at a time, with the same operations the stock code
applies to the rows of each postsynaptic neuron, and records them in one go.

The connections are the same as stock PyNN's, connection for connection: same
(source, target, weight, delay) and same other parameters.  Only the order in
which NEST stores them differs, which nothing in PyNN depends on.

Under MPI each process records only the list rows onto its own neurons, in the
list's order (stock PyNN sorts the list by target with an unstable sort first).
Each virtual process then creates its connections in the same order whatever
the split into processes and threads, so NEST stores a neuron's multapses in the
same order, sums their inputs in the same order, and keeps its promise of the
same spikes for the same number of virtual processes.

Where the stock code still runs
-------------------------------
A ``_convergent_connect`` call goes to the stock implementation when

* it happens outside a projection's construction (nothing is buffered then);
* it has a ``location_selector`` (stock raises NotImplementedError);
* the presynaptic indices are not a 1-D array of non-negative integers;
* the synapse type routes weight or delay into another variable
  (``weight_variable``/``delay_variable``, used by NESTML synapses); or
* a parameter value is not a number or a 1-D numeric array of one value per
  connection (a ``Sequence``, booleans, ...), since connect arrays passes every
  parameter as a double.

The stock ``FromListConnector.connect`` runs (its ``_convergent_connect``
calls are still recorded) when a synapse parameter not given by the list is
random, an array or a function -- evaluating those for all rows at once could
draw random numbers in another order -- when the list has indices that are
negative, not whole numbers or out of range (stock raises or silently skips
those), or when ``_convergent_connect`` would not batch.

Deliberate differences
----------------------
* When the presynaptic side is an ``Assembly`` whose populations are not in
  increasing node-id order, stock PyNN maps presynaptic indices through
  ``Assembly.node_collection``, which NEST keeps sorted by id, and so connects
  other neurons than the connector chose (and ``Projection.get`` reports other
  indices than the connector's).  Here indices are mapped through
  ``all_cells``, the order PyNN uses everywhere else.
* Stock ``_convergent_connect`` flips the sign of inhibitory conductances (and
  applies ``receptor_scale``) in place, on the arrays the connector passes;
  with a native synapse type these can be the connector's own
  ``FromListConnector.conn_list``, so a connector used for a second projection
  gives it wrongly signed weights.  Here the connector's arrays are not
  modified.  The batched ``FromListConnector.connect`` does not leave
  ``conn_list`` sorted by postsynaptic index either.
* A connector that fails half-way leaves no connections behind (stock leaves
  those made before the failure).

Usage::

    from zoo import nest_batch
    nest_batch.install()      # projections created from now on are batched
    ...
    nest_batch.uninstall()    # back to the stock behaviour
"""

import functools

import numpy as np

from .. import from_list
from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed", "DEFAULT_CHUNK_SIZE"]

#: Connections per ``nest.Connect`` call at most.  While buffered, a connection
#: takes 16 bytes plus 8 per parameter given connection by connection.  With 2**18,
#: each array of a chunk (2 MB) is small enough for the C allocator to reuse the
#: memory of the chunk before (arrays of 32 MB and more are mapped afresh and
#: freed each time): with 4,000,000, rostami2020's build at scale 1 spent 0.55-0.65
#: CPU s in page faults instead of 0.18-0.26, and peaked 100 MiB higher.
DEFAULT_CHUNK_SIZE = 1 << 18

# Parameters PyNN uses but NEST synapses do not have (dropped as in stock PyNN).
_NOT_FOR_NEST = ("tau_minus", "dendritic_delay_fraction", "w_min_always_zero_in_NEST")

# Stock PyNN passes this Wmax with the first connections of an inhibitory STDP
# projection onto conductance-based cells, so that weight and Wmax have the same
# sign until the real Wmax is set (PyNN issue #636).
_PROVISIONAL_WMAX = -1.2345e6

_patches = Patches()
_options = {"chunk_size": DEFAULT_CHUNK_SIZE, "label_through_defaults": True}

# NEST synapse model name -> (names of its parameters, names of the common ones)
_common_names_by_model = {}


# -- installation -------------------------------------------------------------

def install(chunk_size=DEFAULT_CHUNK_SIZE, label_through_defaults=True):
    """Make ``pyNN.nest.Projection`` create its connections in batches.

    `chunk_size`: connections per ``nest.Connect`` call at most.
    `label_through_defaults`: give NEST the projection's synapse label as the synapse
    model's default rather than in ``syn_spec`` (faster; see `_connect_arrays`).

    Calling it again only updates the options; it never patches twice.
    """
    if int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size!r}")
    _options["chunk_size"] = int(chunk_size)
    _options["label_through_defaults"] = bool(label_through_defaults)
    if _patches:
        return
    from pyNN.connectors import FromListConnector
    from pyNN.nest.projections import Projection

    _patches.wrap(Projection, "__init__", _make_batching_init)
    _patches.wrap(Projection, "_convergent_connect", _make_buffering_convergent_connect)
    _patches.wrap(FromListConnector, "connect", _make_from_list_connect)


def uninstall():
    """Restore the stock ``pyNN.nest.Projection``; harmless if not installed."""
    _patches.undo()
    _options.update(chunk_size=DEFAULT_CHUNK_SIZE, label_through_defaults=True)


def is_installed():
    """True between `install` and `uninstall`."""
    return bool(_patches)


def _make_batching_init(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, *args, **kwargs):
        # The connector runs at the end of the stock __init__; what it passes to
        # _convergent_connect meanwhile goes into this buffer.
        self._nest_pending_connections = _PendingConnections(self, _options["chunk_size"])
        try:
            stock_init(self, *args, **kwargs)
            pending = self._nest_pending_connections
        finally:
            del self._nest_pending_connections
        pending.create()
        from_list.release_if_handed_over(self._connector, self)
    return __init__


def _pending(projection):
    """The buffer of a projection under construction, or None."""
    return getattr(projection, "__dict__", {}).get("_nest_pending_connections")


def _make_buffering_convergent_connect(stock_convergent_connect):
    @functools.wraps(stock_convergent_connect)
    def _convergent_connect(self, presynaptic_indices, postsynaptic_index,
                            location_selector=None, **connection_parameters):
        pending = _pending(self)
        if pending is None or location_selector is not None or not pending.add(
                presynaptic_indices, postsynaptic_index, connection_parameters):
            stock_convergent_connect(self, presynaptic_indices, postsynaptic_index,
                                     location_selector=location_selector,
                                     **connection_parameters)
    return _convergent_connect


def _make_from_list_connect(stock_connect):
    @functools.wraps(stock_connect)
    def connect(self, projection):
        pending = _pending(projection)
        if pending is None or not _connect_from_list(self, projection, pending):
            stock_connect(self, projection)
    return connect


# -- recording ----------------------------------------------------------------

class _PendingConnections:
    """The connections of one projection, recorded while its connector runs."""

    def __init__(self, projection, chunk_size):
        self.projection = projection
        self.chunk_size = chunk_size
        self.batches = {}  # (parameter names, extra parameter) -> _Batch
        self.size = 0
        self._sides = None  # made on first use: the projection is not ready yet

    @property
    def sides(self):
        if self._sides is None:
            self._sides = _ProjectionSides(self.projection)
        return self._sides

    def add(self, presynaptic_indices, postsynaptic_index, parameters):
        """Record one ``_convergent_connect`` call; False if it must go to the stock code."""
        sides = self.sides
        indices = presynaptic_indices
        if not (sides.batchable and _is_index_array(indices)):
            return False
        parameters = _batchable_parameters(parameters, indices.size)
        if parameters is None:
            return False
        if indices.size:
            sides.adjust_weights(parameters)
            target, extra = sides.target(postsynaptic_index)
            self._record(sides.pre_ids[indices], np.full(indices.size, target), extra,
                         parameters)
        return True

    def add_many(self, presynaptic_indices, postsynaptic_indices, parameters):
        """Record connections i -> j for each pair of elements of the two index arrays;
        parameter arrays have one value per pair.  False if they cannot be batched."""
        sides = self.sides
        if not sides.batchable:
            return False
        parameters = _batchable_parameters(parameters, presynaptic_indices.size)
        if parameters is None:
            return False
        sides.adjust_weights(parameters)
        for selection, extra in sides.targets(postsynaptic_indices):
            if selection is None:
                pre, post, values = presynaptic_indices, postsynaptic_indices, parameters
            else:
                pre, post = presynaptic_indices[selection], postsynaptic_indices[selection]
                values = {name: value[selection] if np.ndim(value) else value
                          for name, value in parameters.items()}
            self._record(sides.pre_ids[pre], sides.post_ids[post], extra, values)
        return True

    def _record(self, sources, targets, extra, parameters):
        key = (tuple(parameters), extra)
        batch = self.batches.get(key)
        if batch is None:
            batch = self.batches[key] = _Batch(*key)
        batch.add(sources, targets, parameters)
        self.size += sources.size
        if self.size >= self.chunk_size:
            self.create()

    def create(self):
        """Create every recorded connection in NEST and forget them."""
        for batch in self.batches.values():
            if batch.size:
                _create(self.projection, batch)
        self.batches = {}
        self.size = 0


def _is_index_array(indices):
    """True for a 1-D array of non-negative integers (what MapConnector and
    FromListConnector pass); anything else is left to the stock code."""
    return (isinstance(indices, np.ndarray) and indices.ndim == 1
            and indices.dtype.kind in "iu" and (indices.size == 0 or indices.min() >= 0))


def _batchable_parameters(parameters, n):
    """The parameters NEST gets, if connect arrays can take them exactly, else None."""
    parameters = {name: value for name, value in parameters.items()
                  if name not in _NOT_FOR_NEST}
    if "weight" not in parameters or "delay" not in parameters:
        return None
    if not all(_is_numeric(value, n) for value in parameters.values()):
        return None
    return parameters


def _is_numeric(value, n):
    """True for a number, or a numeric array of one value per connection."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf" and (value.ndim == 0 or value.shape == (n,))
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool)


class _ProjectionSides:
    """What recording needs to know about a projection's pre- and postsynaptic sides."""

    def __init__(self, projection):
        from pyNN.nest.projections import TsodyksMarkramSynapse

        self.projection = projection
        synapse_type = projection.synapse_type
        self.batchable = (
            (getattr(synapse_type, "weight_variable", None) or "weight") == "weight"
            and (getattr(synapse_type, "delay_variable", None) or "delay") == "delay")
        if not self.batchable:
            return
        self.pre_ids = _node_ids(projection.pre)
        self.post_ids = _node_ids(projection.post)
        self.is_tsodyks_markram = isinstance(synapse_type, TsodyksMarkramSynapse)
        self.weight_factor, self.flip_wmax = _weight_adjustment(projection)
        # the cell type of each postsynaptic neuron, as an index into self.celltypes
        self.celltypes, self.celltype_index = _celltypes(projection.post)
        self.extras = [None] * len(self.celltypes)  # per cell type, made on first use

    def adjust_weights(self, parameters):
        """Sign flip and receptor scale as in stock PyNN, without touching the caller's arrays."""
        if self.weight_factor != 1:
            parameters["weight"] = parameters["weight"] * self.weight_factor
        if self.flip_wmax:
            parameters["Wmax"] = parameters["Wmax"] * -1

    def target(self, postsynaptic_index):
        """(node id, extra parameter) of the postsynaptic neuron at this index."""
        return (int(self.post_ids[postsynaptic_index]),
                self._extra(self.celltype_index[postsynaptic_index]))

    def targets(self, postsynaptic_indices):
        """(selection of the indices or None for all, extra parameter) per cell type."""
        if len(self.celltypes) == 1:
            return [(None, self._extra(0))]
        groups = self.celltype_index[postsynaptic_indices]
        return [(groups == group, self._extra(group)) for group in np.unique(groups)]

    def _extra(self, group):
        extra = self.extras[group]
        if extra is None:
            extra = self.extras[group] = self._extra_parameter(self.celltypes[group])
        return extra

    def _extra_parameter(self, celltype):
        """("receptor_type", id), ("tau_psc", cell parameter to copy) or () for a cell type."""
        projection = self.projection
        if not celltype.standard_receptor_type:
            return ("receptor_type", int(celltype.get_receptor_type(projection.receptor_type)))
        if not self.is_tsodyks_markram:
            return ()
        if projection.receptor_type == "inhibitory":
            return ("tau_psc", celltype.translations["tau_syn_I"]["translated_name"])
        if projection.receptor_type == "excitatory":
            return ("tau_psc", celltype.translations["tau_syn_E"]["translated_name"])
        raise NotImplementedError()


def _node_ids(cells):
    """NEST node ids of a Population, PopulationView or Assembly, in PyNN index order."""
    return np.fromiter((int(cell) for cell in cells.all_cells), dtype=np.int64,
                       count=cells.size)


def _celltypes(cells):
    """(list of cell types, index into it for each neuron) of a population or assembly."""
    if hasattr(cells, "celltype"):
        return [cells.celltype], np.zeros(cells.size, dtype=np.intp)
    celltypes = [p.celltype for p in cells.populations]
    return celltypes, np.repeat(np.arange(len(celltypes)), [p.size for p in cells.populations])


def _weight_adjustment(projection):
    """(factor for weights, whether Wmax changes sign), as in stock ``_convergent_connect``."""
    factor = 1
    flip_wmax = False
    post = projection.post
    if projection.receptor_type == "inhibitory" and post.conductance_based:
        # NEST wants negative values for inhibitory weights, even for conductances
        factor = -1
        flip_wmax = "stdp" in projection.nest_synapse_model
    if hasattr(post, "celltype") and hasattr(post.celltype, "receptor_scale"):
        factor = factor * post.celltype.receptor_scale
    return factor, flip_wmax


class _Batch:
    """Recorded connections that share their parameter names and extra parameter."""

    def __init__(self, names, extra):
        self.names = names
        self.extra = extra
        self.sources = []  # arrays of presynaptic node ids
        self.targets = []  # arrays of postsynaptic node ids
        self.counts = []
        self.values = {name: [] for name in names}  # a scalar or an array per record
        self.size = 0

    def add(self, sources, targets, parameters):
        self.sources.append(sources)
        self.targets.append(targets)
        self.counts.append(sources.size)
        for name, value in parameters.items():
            self.values[name].append(value)
        self.size += sources.size

    def node_ids(self):
        """(sources, targets): int64 arrays, one element per connection."""
        return (np.concatenate(self.sources).astype(np.int64, copy=False),
                np.concatenate(self.targets).astype(np.int64, copy=False))

    def expand(self, name):
        """The values of parameter `name` as a float64 array, one per connection."""
        values, counts = self.values[name], self.counts
        if all(np.ndim(value) == 0 for value in values):
            return np.repeat(np.array(values, dtype=np.float64), counts)
        if all(np.ndim(value) == 1 for value in values):
            return np.concatenate(values).astype(np.float64, copy=False)
        out = np.empty(self.size, dtype=np.float64)
        start = 0
        for value, count in zip(values, counts):
            out[start:start + count] = value
            start += count
        return out


# -- FromListConnector ----------------------------------------------------------

def _connect_from_list(connector, projection, pending):
    """Record a FromListConnector's connections a chunk of rows at a time.

    Returns False, having recorded nothing, where the stock ``connect`` must run.
    """
    conn_list = connector.conn_list
    if not (pending.sides.batchable and from_list.batchable(connector, projection.synapse_type)):
        return False
    indices = from_list.plain_indices(conn_list, projection)
    if indices is None:
        return False
    held = None  # under MPI: the rows onto this process's neurons, in the list's order
    if projection._simulator.state.num_processes > 1:
        held = np.flatnonzero(np.asarray(projection.post._mask_local)[indices[1]])
    for start in range(0, len(conn_list) if held is None else held.size, pending.chunk_size):
        rows = slice(start, start + pending.chunk_size)
        if held is not None:
            rows = held[rows]
        parameters = from_list.row_parameters(connector, projection.synapse_type, rows)
        if not pending.add_many(indices[0][rows], indices[1][rows], parameters):
            assert start == 0  # every chunk has the same kinds of parameter values
            return False
    return True


# -- creating -----------------------------------------------------------------

def _create(projection, batch):
    """Create the connections of `batch` in NEST, with the projection's bookkeeping."""
    import nest
    from pyNN import errors

    sources, targets = batch.node_ids()
    syn_spec = _base_syn_spec(projection, batch, targets)
    local = [name for name in batch.names if name not in ("weight", "delay")]
    try:
        if projection._common_synapse_property_names is None:
            first = _find_common_property_names(projection, batch, sources, targets, syn_spec)
        else:
            first = 0
        common = projection._common_synapse_property_names
        for name in [name for name in local if name in common]:
            _set_common_property(projection, name, batch.values[name])
            local.remove(name)
        for name in local:
            syn_spec[name] = batch.expand(name)
        if first:
            sources, targets = sources[first:], targets[first:]
            syn_spec = {name: value[first:] if np.ndim(value) else value
                        for name, value in syn_spec.items()}
        if sources.size:
            _record_sources(projection, sources)
            _connect_arrays(sources, targets, syn_spec)
    except nest.NESTError as err:
        raise errors.ConnectionError(
            f"{err}. {batch.size} connections from {projection.pre} to {projection.post}, "
            f"synapse model='{projection.nest_synapse_model}'") from err
    finally:
        # as in stock PyNN: the cached list of connections is out of date
        projection._connections = None
        projection._simulator.state.stale_connection_cache = True


def _connect_arrays(sources, targets, syn_spec):
    """``nest.Connect`` for arrays of node ids.

    Unless disabled in `install`, the synapse label is set as the model's default
    meanwhile instead of being passed in syn_spec: NEST sets any parameter given in
    syn_spec connection by connection through a dictionary, which makes a label cost
    about half as much again as the rest of a static connection (weights and delays
    take a faster path).  NEST refuses to set a negative (unlabelled) default, so an
    unlabelled default cannot be put back: the model's default label stays at the
    last projection's label.  PyNN always passes a label for its "_lbl" models, so
    only code that connects with such a model directly, without a label, can notice.
    """
    import nest

    if not _options["label_through_defaults"]:
        nest.Connect(sources, targets, "one_to_one", syn_spec)
        return
    spec = dict(syn_spec)
    model, label = spec["synapse_model"], spec.pop("synapse_label")
    previous = nest.GetDefaults(model, "synapse_label")
    nest.SetDefaults(model, {"synapse_label": label})
    try:
        nest.Connect(sources, targets, "one_to_one", spec)
    finally:
        if previous >= 0:
            nest.SetDefaults(model, {"synapse_label": previous})


def _base_syn_spec(projection, batch, targets):
    """syn_spec with the model, the label, weights, delays and the extra parameter."""
    spec = {
        "synapse_model": projection.nest_synapse_model,
        "synapse_label": projection.nest_synapse_label,
        "weight": batch.expand("weight"),
        "delay": batch.expand("delay"),
    }
    if batch.extra:
        name, what = batch.extra
        spec[name] = what if name == "receptor_type" else _cell_values(targets, what)
    return spec


def _cell_values(node_ids, parameter):
    """The value of a cell parameter for each element of `node_ids` (which may repeat)."""
    import nest

    unique = _unique_ids(node_ids)
    values = np.atleast_1d(np.asarray(nest.NodeCollection(unique.tolist()).get(parameter),
                                      dtype=np.float64))
    return values[np.searchsorted(unique, node_ids)]


def _unique_ids(node_ids):
    """The distinct node ids, sorted (faster than np.unique for small ids)."""
    seen = np.zeros(int(node_ids.max()) + 1, dtype=bool)
    seen[node_ids] = True
    return np.flatnonzero(seen)


def _record_sources(projection, sources):
    projection._sources.update(_unique_ids(sources).tolist())


def _find_common_property_names(projection, batch, sources, targets, syn_spec):
    """Set ``projection._common_synapse_property_names``, as stock PyNN's
    ``_identify_common_synapse_properties``; return how many of the batch's
    connections were created meanwhile (0 or 1)."""
    import nest

    model = projection.nest_synapse_model
    all_names = list(nest.GetDefaults(model).keys())
    known = _common_names_by_model.get(model)
    if known is not None and known[0] == all_names:
        projection._common_synapse_property_names = list(known[1])
        return 0
    connection = _create_first_connection(projection, batch, sources, targets, syn_spec)
    local_names = connection.get().keys()
    common = [name for name in all_names if name not in local_names]
    projection._common_synapse_property_names = common
    _common_names_by_model[model] = (all_names, list(common))
    local = {name: _first_value(batch.values[name]) for name in batch.names
             if name not in ("weight", "delay") and name not in common}
    if local:
        connection.set(local)
    return 1


def _create_first_connection(projection, batch, sources, targets, syn_spec):
    """Create the batch's first connection with weight, delay and the extra parameter
    only, as stock PyNN creates the first ones of a projection; return it."""
    import nest

    spec = {name: value[:1] if np.ndim(value) else value for name, value in syn_spec.items()}
    if "Wmax" in batch.names and projection.receptor_type == "inhibitory" \
            and projection.post.conductance_based and "stdp" in projection.nest_synapse_model:
        spec["Wmax"] = _PROVISIONAL_WMAX
    nest.Connect(sources[:1], targets[:1], "one_to_one", spec)
    _record_sources(projection, sources[:1])
    connection = nest.GetConnections(source=nest.NodeCollection([int(sources[0])]),
                                     target=nest.NodeCollection([int(targets[0])]),
                                     synapse_model=projection.nest_synapse_model,
                                     synapse_label=projection.nest_synapse_label)
    assert len(connection) == 1, connection
    return connection


def _first_value(values):
    """The first connection's value of a parameter, as a Python number."""
    return np.asarray(values[0]).reshape(-1)[0].item()


def _set_common_property(projection, name, values):
    """Set a common synapse property from the value recorded for each call, raising as
    stock ``_set_common_synapse_property`` does when they differ (without setting the
    model's default again and again when they agree)."""
    for value in values:
        known = projection._common_synapse_properties
        if name in known and not _differs(known[name], value):
            continue
        projection._set_common_synapse_property(name, value)


def _differs(known, value):
    unequal = known != value
    if isinstance(unequal, np.ndarray):
        return unequal.any()
    return unequal
