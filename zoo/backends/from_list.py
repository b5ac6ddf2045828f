"""What the batched builders (nest/batch.py, brian2/batch.py) share about FromListConnector.

Both connect a whole connection list at once instead of one postsynaptic neuron at a time. They
do so only for lists the stock connector would treat plainly (:func:`batchable`), and evaluate the
synapse parameters of a block of rows exactly as the stock connector does per target
(:func:`row_parameters`).
"""

from copy import deepcopy

import numpy as np

from ..from_list import release_if_handed_over

__all__ = ["batchable", "plain_indices", "row_parameters", "release_if_handed_over"]


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
