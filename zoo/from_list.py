"""What the batched builders (zoo.nest_batch, zoo.brian2_batch) share about FromListConnector.

Both connect a whole connection list at once instead of one postsynaptic neuron at a time. They
do so only for lists the stock connector would treat plainly (:func:`batchable`), and evaluate the
synapse parameters of a block of rows exactly as the stock connector does per target
(:func:`row_parameters`). A list given as :class:`HandedOver` is taken without a copy and dropped
once its projection is built (:func:`release_if_handed_over`).
"""

import weakref
from copy import deepcopy

import numpy as np

from .errors import ZooError


_handed_over = weakref.WeakValueDictionary()  # id -> a list handed over and not released yet


class HandedOver:
    """A connection list given to ``FromListConnector(HandedOver(rows))`` for one projection.

    The connector stores ``np.array(conn_list)``, a copy, and keeps it as long as the projection
    lives, although a projection built by the zoo's builders never reads it again: for millions
    of connections that is 8 B or more per synapse for the whole run. NumPy takes the array
    ``__array__`` returns as its copy, so the connector gets `rows` itself, and once the zoo's
    builder has built the projection it replaces the list by a :class:`ReleasedList`. Hand over
    only a list nothing else will change, and a connector for one projection.
    """

    def __init__(self, rows):
        self._rows, self._length = rows, len(rows)

    def __len__(self):
        return self._length

    def __array__(self, dtype=None, copy=None):
        rows, self._rows = self._rows, None
        if rows is None:
            raise ValueError("a handed-over connection list can be taken once")
        rows = np.asarray(rows) if dtype is None else np.asarray(rows).astype(dtype, copy=False)
        _handed_over[id(rows)] = rows
        return rows


class ReleasedList:
    """What a FromListConnector holds instead of a handed-over list once its projection is built:
    the list's length and shape, and an error for any other use."""

    def __init__(self, shape, label):
        self.shape, self._label = shape, label

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"<{self.shape[0]} connections, released once projection '{self._label}' was built>"

    def __array__(self, dtype=None, copy=None):
        raise self._error()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise self._error()

    def _error(self):
        return ZooError(f"the connection list of projection '{self._label}' was released once the "
                        "projection was built (zoo.from_list.HandedOver); draw it again to use it")


def release_if_handed_over(connector, projection):
    """After the zoo built `projection` from `connector`: drop the connector's list if it was
    handed over (:class:`HandedOver`) and the projection's synapses were created from it."""
    rows = getattr(connector, "conn_list", None)
    if rows is None or _handed_over.get(id(rows)) is not rows:
        return
    del _handed_over[id(rows)]
    connector.conn_list = ReleasedList(rows.shape, projection.label)


def batchable(connector, synapse_type):
    """True if the connector's columns are parameters of `synapse_type` and every parameter
    the list does not give is a constant (so evaluating rows in blocks changes nothing)."""
    return (connector.location_selector is None
            and set(connector.column_names) <= set(synapse_type.get_parameter_names())
            and all(value.is_homogeneous for name, value in synapse_type.parameter_space.items()
                    if name not in connector.column_names))


def plain_indices(conn_list, projection, dtype=np.int64):
    """(presynaptic, postsynaptic) indices, as `dtype`, of a non-empty, 2-D, numeric connection
    list whose indices are whole numbers within range; None for any other list.

    Columns already of `dtype` come back as views of the list, not copies: treat them as read-only.
    """
    if conn_list.ndim != 2 or conn_list.shape[0] == 0 or conn_list.shape[1] < 2 \
            or conn_list.dtype.kind not in "iuf":
        return None
    indices = []
    for column, size in ((0, projection.pre.size), (1, projection.post.size)):
        given = conn_list[:, column]
        if size > np.iinfo(dtype).max + 1:
            return None
        index = given.astype(dtype, copy=False)
        exact = np.can_cast(given.dtype, dtype) or np.array_equal(index, given)  # no float, no wrap
        if not (exact and index.min() >= 0 and index.max() < size):
            return None
        indices.append(index)
    return indices


def row_parameters(connector, synapse_type, rows, simplify=False):
    """Evaluated native synapse parameters of the list rows `rows` (a slice or index array),
    as the stock connector computes them for the rows of one postsynaptic neuron.

    With `simplify`, a parameter with one value for every row is that value, not an array of it.
    """
    from pyNN.standardmodels import StandardSynapseType

    conn_list = connector.conn_list
    parameters = deepcopy(synapse_type.parameter_space)
    parameters.shape = (len(range(len(conn_list))[rows]) if isinstance(rows, slice) else len(rows),)
    for column, name in enumerate(connector.column_names, 2):
        parameters.update(**{name: conn_list[rows, column]})
    if isinstance(synapse_type, StandardSynapseType):
        parameters = synapse_type.translate(parameters)
    parameters.evaluate(simplify=simplify)
    return dict(parameters.items())
