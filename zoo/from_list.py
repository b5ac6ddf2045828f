"""Connection lists handed to PyNN's FromListConnector without a copy, and released once built.

A model that draws long connection lists gives them as ``FromListConnector(HandedOver(rows))``:
the connector takes `rows` itself, and the zoo's projection builders (``zoo.backends``) replace the
list by a :class:`ReleasedList` once the projection is built (:func:`release_if_handed_over`).
"""

import weakref

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
