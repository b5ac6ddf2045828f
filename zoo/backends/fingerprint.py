"""The fingerprint of a built network's connectivity, read back from the simulator that holds it.

Two builds are the same network when their fingerprints are equal: every projection's
(i, j, weight, delay) as the simulator stores it, hashed by :func:`zoo.network.table_digest`.
"""

import hashlib
import importlib

import numpy as np

from ..network import table_digest
from . import SIMULATORS


def connection_table(projection, sources=None):
    """(pre index, post index, weight, delay) arrays of a projection, in PyNN units.

    `sources` (sorted pre indices) restricts the table to connections from those cells.

    Same values as ``projection.get(["weight", "delay"], format="list")``, read as arrays:
    PyNN builds a Python tuple per connection, which takes minutes for millions of synapses.
    Projections between whole populations take the direct route of their simulator's wing
    (``nest/connections.py``, ``brian2/connections.py``); anything else (views, assemblies, other
    backends) goes through PyNN's ``get``.
    """
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


# NEST returns a status dictionary per connection (~10 us each, and memory to match), so large
# networks are fingerprinted on a fixed sample of source cells: every k-th, k chosen from the size.
FULL_READBACK_LIMIT = 250_000
# Each projection costs NEST one connection query (~0.1 s at least), so networks with thousands of
# projections (schmidt2018) are not read back at all; the fingerprint says so.
MAX_PROJECTIONS = 200


def projection_fingerprint(projection, stride=1):
    """SHA-256 and count of a projection's connections from every `stride`-th source cell."""
    sources = None if stride == 1 else np.arange(0, projection.pre.size, stride)
    return table_digest(connection_table(projection, sources))


def fingerprint(network, limit=FULL_READBACK_LIMIT, total=None):
    """Fingerprint of the connectivity as the simulator holds it.

    Every projection's (i, j, weight, delay) is read back from the simulator, sorted and hashed;
    one overall hash covers them in projection-name order. Networks with more than `limit`
    synapses are read from sources 0, k, 2k, ... only (k = ceil(synapses / limit)); the scope
    is recorded, and equal seeds and sizes give equal scopes on every backend. Pass the
    synapse count as `total` when it is known: counting makes NEST list every connection.
    """
    if len(network.projections) > MAX_PROJECTIONS:
        return {"sha256": None, "scope": f"not read back: {len(network.projections)} projections > {MAX_PROJECTIONS}",
                "total_connections": total, "projections": {}}
    if total is None:
        total = sum(projection.size() for projection in network.projections.values())
    stride = max(1, -(-total // limit))
    per_projection = {}
    overall = hashlib.sha256()
    for name in sorted(network.projections):
        digest, count = projection_fingerprint(network.projections[name], stride)
        per_projection[name] = {"sha256": digest, "connections_hashed": count}
        overall.update(f"{name}:{digest};".encode())
    scope = "all connections" if stride == 1 else f"connections from every {stride}-th source cell"
    return {"sha256": overall.hexdigest(), "scope": scope, "total_connections": int(total), "projections": per_projection}
