"""A pyNN.brian2 projection's synapses read from Brian2 as arrays (for the connectivity fingerprint)."""

import numpy as np

from .synapses import delays_ms


def table(projection, sources=None):
    """(pre index, post index, weight, delay) arrays of a projection between whole populations, in
    PyNN units; `sources` (sorted pre indices) restricts it to connections from those cells."""
    synapses = projection._brian2_synapses[0][0]
    weight_unit = 1e-6 if projection.post.conductance_based else 1e-9  # uS or nA in SI
    pre, post = np.asarray(synapses.i[:]), np.asarray(synapses.j[:])
    columns = (pre, post, np.asarray(synapses.weight_[:]) / weight_unit, delays_ms(synapses))
    if sources is None:
        return columns
    keep = np.isin(pre, sources)
    return tuple(column[keep] for column in columns)
