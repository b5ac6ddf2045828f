"""Every random stream of a run derived from one master seed.

A stream is named by what it feeds ("connectivity", "initial_state", "nest_kernel" ...).
Its seed is a pure function of (master seed, name), via NumPy's SeedSequence, so adding a
stream never changes another one, and the same name always gives the same numbers.

A master seed lies in 0..MAX_SEED (2**63 - 1): SeedSequence takes any size, but the seed is
also written as a 64-bit integer into the NIX file and the provenance.
"""

import zlib

import numpy as np

from .errors import ZooError

MAX_SEED = 2**63 - 1


class SeedError(ZooError, ValueError):
    """A master seed that is not an integer in 0..MAX_SEED."""


class SeedStreams:
    """Named random streams derived from `master_seed`; remembers every seed it handed out."""

    def __init__(self, master_seed):
        if isinstance(master_seed, bool) or not isinstance(master_seed, (int, np.integer)) or not 0 <= master_seed <= MAX_SEED:
            raise SeedError(f"the master seed must be an integer from 0 to 2**63-1, got {master_seed!r}")
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

    def generators(self, name, count, only=None):
        """{i: Generator} of `count` independent streams under stream `name`: the children of its seed
        (``SeedSequence.spawn``), for a draw split into parts that need not all be drawn (e.g. the
        parts of a network one MPI rank holds). Part i is the same whichever parts are asked for
        (`only`: their indices; default all); only `name` is recorded."""
        children = np.random.SeedSequence(self.seed(name)).spawn(count)
        return {i: np.random.default_rng(children[i]) for i in (range(count) if only is None else only)}

    def pynn_rng(self, name):
        """A fresh PyNN NumpyRNG for stream `name` (for connectors and RandomDistributions)."""
        from pyNN.random import NumpyRNG

        return NumpyRNG(seed=self.seed(name))
