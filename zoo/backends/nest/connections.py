"""A pyNN.nest projection's connections read from NEST as arrays (for the connectivity fingerprint).

With several MPI processes NEST holds each connection on the rank of its target only: every rank
reads its own and the tables of all ranks are joined on every rank, so that each computes the
fingerprint of the whole network (:func:`zoo.network.table_digest` does not depend on the order).
"""

import numpy as np

from .. import mpi


# Sources per connection query: NEST answers with a dictionary per connection (~2.7 kB each while
# the answer exists: 500 MB for 186 k connections at once), so the table is read in blocks of sources.
SOURCES_PER_QUERY = 1_000


def table(projection, sources=None):
    """(pre index, post index, weight, delay) arrays of a projection between whole populations, in
    PyNN units; `sources` (sorted pre indices) restricts it to connections from those cells.

    NEST stores connections by source: a source filter is fast, a target filter takes ~2 s per
    query with 2 threads, and both together O(connections x targets) (94 s for 238k synapses).
    The synapse label is unique per projection, so it alone picks the projection.
    """
    import nest

    local = _local_table(projection, sources)
    if nest.NumProcesses() == 1:
        return local
    parts = mpi.world().allgather(local)
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(4))


def _local_table(projection, sources):
    """The table of the connections that this MPI process holds, read a block of sources at a time."""
    import nest

    indices = np.arange(projection.pre.size) if sources is None else np.asarray(sources, dtype=int)
    keys = ("source", "target", "weight", "delay")
    parts = []
    for start in range(0, indices.size, SOURCES_PER_QUERY):
        conns = nest.GetConnections(
            synapse_model=projection.nest_synapse_model,
            synapse_label=projection.nest_synapse_label,
            source=projection.pre.node_collection[indices[start:start + SOURCES_PER_QUERY]],
        )
        if len(conns):
            values = conns.get(list(keys))  # NEST returns scalars for a single connection
            parts.append([np.atleast_1d(values[key]) for key in keys])
    if not parts:
        return (np.array([], dtype=int), np.array([], dtype=int), np.array([]), np.array([]))
    source, target, weight, delay = (np.concatenate(column) for column in zip(*parts))
    sign = -1.0 if projection.receptor_type == "inhibitory" and projection.post.conductance_based else 1.0
    return (
        projection.pre.id_to_index(source),
        projection.post.id_to_index(target),
        sign * 0.001 * weight.astype(float),  # pA or nS -> nA or uS
        delay.astype(float),
    )
