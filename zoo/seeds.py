"""Every random stream of a run derived from one master seed.

A stream is named by what it feeds ("connectivity", "initial_state", "nest_kernel" ...).
Its seed is a pure function of (master seed, name), via NumPy's SeedSequence, so adding a
stream never changes another one, and the same name always gives the same numbers.
"""

import zlib

import numpy as np


class SeedStreams:
    """Named random streams derived from `master_seed`; remembers every seed it handed out."""

    def __init__(self, master_seed):
        if not isinstance(master_seed, (int, np.integer)) or master_seed < 0:
            raise ValueError(f"master seed must be a non-negative integer, got {master_seed!r}")
        self.master_seed = int(master_seed)
        self.derived = {}

    def seed(self, name):
        """A 31-bit integer seed for stream `name` (fits every simulator's seed argument)."""
        if name not in self.derived:
            sequence = np.random.SeedSequence([self.master_seed, zlib.crc32(name.encode())])
            self.derived[name] = int(sequence.generate_state(1, dtype=np.uint32)[0] % (2**31 - 1)) + 1
        return self.derived[name]

    def generator(self, name):
        """A fresh NumPy Generator for stream `name`."""
        return np.random.default_rng(self.seed(name))

    def pynn_rng(self, name):
        """A fresh PyNN NumpyRNG for stream `name` (for connectors and RandomDistributions)."""
        from pyNN.random import NumpyRNG

        return NumpyRNG(seed=self.seed(name))
