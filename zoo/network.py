"""What a model's build returns, and the fingerprint that proves two builds are the same network."""

import dataclasses
import hashlib

import numpy as np


@dataclasses.dataclass
class Network:
    """A built network, keyed by the paper's names, never by list position.

    populations: name -> PyNN Population (or PopulationView/Assembly)
    projections: name -> PyNN Projection
    recorded: names of the populations whose spikes are recorded
    labels: population name -> {label name -> per-neuron integer array}, e.g. cluster membership;
        copied onto each neuron's spike train as annotations.
    """

    populations: dict
    projections: dict
    recorded: tuple = ()
    labels: dict = dataclasses.field(default_factory=dict)


# Weights are compared to 10 significant digits and delays to 1 ns: the backends store them in
# different units (pA/ms on NEST, A/s on Brian2), so the last bits of a round trip differ.
_WEIGHT_DIGITS = 10
_DELAY_RESOLUTION_MS = 1e-6


def connection_table(projection, sources=None):
    """(pre index, post index, weight, delay) arrays of a projection, in PyNN units.

    `sources` (sorted pre indices) restricts the table to connections from those cells.

    Same values as ``projection.get(["weight", "delay"], format="list")``, read as arrays:
    PyNN builds a Python tuple per connection, which takes minutes for millions of synapses.
    Projections between whole populations take the direct route on NEST and Brian2; anything
    else (views, assemblies, other backends) goes through PyNN's ``get``.
    """
    module = type(projection).__module__
    plain = not any(hasattr(p, "parent") or hasattr(p, "populations") for p in (projection.pre, projection.post))
    if plain and module.startswith("pyNN.nest"):
        import nest

        # NEST stores connections by source: a source filter is fast, a target filter takes ~2 s
        # per query with 2 threads, and both together O(connections x targets) (94 s for 238k
        # synapses). The synapse label is unique per projection, so it alone picks the projection.
        selection = {} if sources is None else {"source": projection.pre.node_collection[np.asarray(sources, dtype=int)]}
        conns = nest.GetConnections(
            synapse_model=projection.nest_synapse_model,
            synapse_label=projection.nest_synapse_label,
            **selection,
        )
        if len(conns) == 0:
            return tuple(np.array([]) for _ in range(4))
        values = conns.get(["source", "target", "weight", "delay"])
        sign = -1.0 if projection.receptor_type == "inhibitory" and projection.post.conductance_based else 1.0
        return (  # NEST returns scalars for a single connection
            projection.pre.id_to_index(np.atleast_1d(values["source"])),
            projection.post.id_to_index(np.atleast_1d(values["target"])),
            sign * 0.001 * np.atleast_1d(values["weight"]).astype(float),  # pA or nS -> nA or uS
            np.atleast_1d(values["delay"]).astype(float),
        )
    if plain and module.startswith("pyNN.brian2"):
        from .brian2_shared_delays import delays_ms

        synapses = projection._brian2_synapses[0][0]
        weight_unit = 1e-6 if projection.post.conductance_based else 1e-9  # uS or nA in SI
        table = (
            np.asarray(synapses.i[:]),
            np.asarray(synapses.j[:]),
            np.asarray(synapses.weight_[:]) / weight_unit,
            delays_ms(synapses),
        )
    else:
        table = np.asarray(projection.get(["weight", "delay"], format="list", with_address=True), dtype=float)
        table = tuple(table.reshape(-1, 4).T)
    if sources is None:
        return table
    keep = np.isin(table[0], sources)
    return tuple(column[keep] for column in table)


def _canonical(table):
    """Sorted (i, j, weight, delay) columns with weights and delays rounded as documented above."""
    pre, post, weight, delay = (np.asarray(column) for column in table)
    pre, post, weight = pre.astype(np.int64), post.astype(np.int64), weight.astype(float)
    scale = np.where(weight == 0, 1.0, 10.0 ** (np.floor(np.log10(np.abs(weight) + (weight == 0))) - _WEIGHT_DIGITS + 1))
    weight = np.round(weight / scale) * scale
    delay = np.round(delay.astype(float) / _DELAY_RESOLUTION_MS).astype(np.int64)
    order = np.lexsort((delay, weight, post, pre))
    return pre[order], post[order], weight[order], delay[order]


# NEST returns a status dictionary per connection (~10 us each, and memory to match), so large
# networks are fingerprinted on a fixed sample of source cells: every k-th, k chosen from the size.
FULL_READBACK_LIMIT = 250_000
# Each projection costs NEST one connection query (~0.1 s at least), so networks with thousands of
# projections (schmidt2018) are not read back at all; the fingerprint says so.
MAX_PROJECTIONS = 200


def projection_fingerprint(projection, stride=1):
    """SHA-256 and count of a projection's connections from every `stride`-th source cell."""
    sources = None if stride == 1 else np.arange(0, projection.pre.size, stride)
    digest = hashlib.sha256()
    columns = _canonical(connection_table(projection, sources))
    for column in columns:
        digest.update(np.ascontiguousarray(column).tobytes())
    return digest.hexdigest(), int(columns[0].size)


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
