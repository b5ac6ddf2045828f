"""What a model's build returns, the cells of it one process holds, and the hash of a connection
table that fingerprints a network."""

import dataclasses
import hashlib

import numpy as np


@dataclasses.dataclass
class Network:
    """A built network, keyed by the paper's names, never by list position.

    populations: name -> PyNN Population (or PopulationView/Assembly)
    projections: name -> PyNN Projection
    recorded: names of the populations whose spikes are recorded
    labels: population name -> {label name -> per-neuron integer array, or a function returning
        it}, e.g. cluster membership; copied onto each neuron's spike train as annotations (a
        function is called only where the spikes are collected: rank 0 under MPI).
    """

    populations: dict
    projections: dict
    recorded: tuple = ()
    labels: dict = dataclasses.field(default_factory=dict)


def local_indices(population):
    """Sorted indices of the cells of PyNN `population` that this process holds (all of them in one
    process; under MPI, NEST deals the cells out over its processes)."""
    ids = population.local_cells
    return np.sort(population.id_to_index(ids)).astype(np.int64) if len(ids) else np.empty(0, np.int64)


def cells_held(populations):
    """{name: :func:`local_indices`} of the PyNN `populations` ({name: Population}), or None where
    this process holds every cell of them (one process)."""
    held = {name: local_indices(population) for name, population in populations.items()}
    return None if all(held[name].size == population.size for name, population in populations.items()) else held


# Weights are compared to 10 significant digits and delays to 1 ns: the backends store them in
# different units (pA/ms on NEST, A/s on Brian2), so the last bits of a round trip differ.
_WEIGHT_DIGITS = 10
_DELAY_RESOLUTION_MS = 1e-6


def _canonical(table):
    """Sorted (i, j, weight, delay) columns with weights and delays rounded as documented above."""
    pre, post, weight, delay = (np.asarray(column) for column in table)
    pre, post, weight = pre.astype(np.int64), post.astype(np.int64), weight.astype(float)
    scale = np.where(weight == 0, 1.0, 10.0 ** (np.floor(np.log10(np.abs(weight) + (weight == 0))) - _WEIGHT_DIGITS + 1))
    weight = np.round(weight / scale) * scale
    delay = np.round(delay.astype(float) / _DELAY_RESOLUTION_MS).astype(np.int64)
    order = np.lexsort((delay, weight, post, pre))
    return pre[order], post[order], weight[order], delay[order]


def table_digest(table):
    """(SHA-256, count) of a connection table (i, j, weight, delay), independent of its order and
    of the last bits of weights and delays (see above)."""
    digest = hashlib.sha256()
    columns = _canonical(table)
    for column in columns:
        digest.update(np.ascontiguousarray(column).tobytes())
    return digest.hexdigest(), int(columns[0].size)


# Reading a network back costs simulators per connection (NEST: a status dictionary each, ~10 us)
# and per projection (NEST: a query, ~0.1 s), so large networks are fingerprinted on a fixed sample
# of source cells (every k-th, k chosen from the size), and networks with thousands of projections
# (schmidt2018) not at all; the scope says which.
FULL_READBACK_LIMIT = 250_000
MAX_PROJECTIONS = 200


def fingerprint(read_tables, total, limit=FULL_READBACK_LIMIT):
    """Fingerprint of a network's connectivity: {sha256, scope, total_connections, projections}.

    `read_tables` maps each projection's name to a function of a stride k that returns the
    (i, j, weight, delay) table, in PyNN units, of its connections from sources 0, k, 2k, ...;
    `total` is the network's synapse count.
    Every projection's table is hashed (:func:`table_digest`); one overall hash covers them in
    name order. Networks with more than `limit` synapses are hashed on sources 0, k, 2k, ... only
    (k = ceil(total / limit)), so equal networks give equal fingerprints whatever holds them (a
    simulator, a SONATA file).
    """
    if len(read_tables) > MAX_PROJECTIONS:
        return {"sha256": None, "scope": f"not read back: {len(read_tables)} projections > {MAX_PROJECTIONS}",
                "total_connections": total, "projections": {}}
    stride = max(1, -(-int(total) // limit))
    per_projection = {}
    overall = hashlib.sha256()
    for name in sorted(read_tables):
        digest, count = table_digest(read_tables[name](stride))
        per_projection[name] = {"sha256": digest, "connections_hashed": count}
        overall.update(f"{name}:{digest};".encode())
    scope = "all connections" if stride == 1 else f"connections from every {stride}-th source cell"
    return {"sha256": overall.hexdigest(), "scope": scope, "total_connections": int(total), "projections": per_projection}
