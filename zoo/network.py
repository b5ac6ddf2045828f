"""What a model's build returns, and the hash of a connection table that fingerprints a network."""

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
