"""The fingerprint of a built network's connectivity, read back from the simulator that holds it.

Two builds are the same network when their fingerprints are equal: every projection's
(i, j, weight, delay) as the simulator stores it, hashed by :func:`zoo.network.table_digest`.
"""

import importlib

import numpy as np

from ..inputs import PRIVATE_SOURCES
from ..network import MAX_PROJECTIONS, table_digest
from ..network import fingerprint as network_fingerprint
from . import SIMULATORS


def connection_table(projection, sources=None):
    """(pre index, post index, weight, delay) arrays of a projection, in PyNN units.

    `sources` (sorted pre indices) restricts the table to connections from those cells. A projection
    of private sources (zoo.inputs.PRIVATE_SOURCES) reads as one source per target, source j -> cell j.

    Same values as ``projection.get(["weight", "delay"], format="list")``, read as arrays:
    PyNN builds a Python tuple per connection, which takes minutes for millions of synapses.
    Projections between whole populations take the direct route of their simulator's wing
    (``nest/connections.py``, ``brian2/connections.py``); anything else (views, assemblies, other
    backends) goes through PyNN's ``get``.
    """
    if getattr(projection, PRIVATE_SOURCES, False):
        _, post, weight, delay = _stored_table(projection, None)
        keep = slice(None) if sources is None else np.isin(post, sources)
        return post[keep], post[keep], weight[keep], delay[keep]
    return _stored_table(projection, sources)


def _stored_table(projection, sources):
    """The table as the simulator holds the projection (sources as they are there)."""
    module = type(projection).__module__.split(".")
    plain = not any(hasattr(p, "parent") or hasattr(p, "populations") for p in (projection.pre, projection.post))
    if plain and module[0] == "pyNN" and len(module) > 1 and module[1] in SIMULATORS:
        return importlib.import_module(f"{__package__}.{module[1]}.connections").table(projection, sources)
    table = np.asarray(projection.get(["weight", "delay"], format="list", with_address=True), dtype=float)
    table = tuple(table.reshape(-1, 4).T)
    if sources is None:
        return table
    keep = np.isin(table[0], sources)
    return tuple(column[keep] for column in table)


def projection_fingerprint(projection, stride=1):
    """SHA-256 and count of a projection's connections from every `stride`-th source cell."""
    return table_digest(_table_every(projection, stride))


def fingerprint(network, total=None):
    """Fingerprint of the connectivity as the simulator holds it (:func:`zoo.network.fingerprint`).

    Pass the synapse count as `total` when it is known: counting makes NEST list every connection.
    NEST returns a status dictionary per connection (~10 us each, and memory to match), which is
    why large networks are read on a sample of source cells.
    """
    projections = network.projections
    if total is None and len(projections) <= MAX_PROJECTIONS:
        total = sum(projection.size() for projection in projections.values())
    return network_fingerprint({name: (lambda stride, p=projection: _table_every(p, stride))
                                for name, projection in projections.items()}, total)


def _table_every(projection, stride):
    cells = projection.post if getattr(projection, PRIVATE_SOURCES, False) else projection.pre
    return connection_table(projection, None if stride == 1 else np.arange(0, cells.size, stride))
