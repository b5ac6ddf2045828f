"""pytest plugin for PyNN's own tests (see pynn_suite.py): the backends imported up front, and the
zoo's changes to PyNN installed for the whole run ($PYNN_SUITE_ARM "zoo") or not ("stock").

PyNN's tests call ``sim.setup`` themselves, so the changes are installed as a zoo session installs
them (``zoo.backends.<simulator>.install_patches``) but without a session's seeding and time grid.
A backend that does not import is an error here, not the skip PyNN's fixtures would make of it.

Some of PyNN's tests draw from unseeded generators (a ``RandomDistribution`` without ``rng`` makes a
``NumpyRNG()`` seeded from the operating system) and assert statistics of the result: scenario 3's
t-test of STDP weights fails by chance on stock PyNN too. Each test therefore gets the same seeds in
both arms, derived from its id, so that an outcome that differs between the arms is the zoo's doing.
"""

import itertools
import os
import zlib
from pathlib import Path

import numpy as np

import pytest

from zoo import backends


def _simulators():
    return [name for name in os.environ.get("PYNN_SUITE_BACKENDS", "").split(",") if name]


def _changed():
    return os.environ.get("PYNN_SUITE_ARM") == "zoo"


def pytest_configure(config):
    import pyNN

    if (Path(pyNN.__file__).resolve().parents[1] / "test" / "system").is_dir():
        raise pytest.UsageError(f"pyNN comes from a source tree ({pyNN.__file__}), not the installed package")
    for name in _simulators():
        sim = backends.import_simulator(name)
        if name == "brian2":
            import brian2

            brian2.prefs.codegen.target = os.environ.get("ZOO_BRIAN2_CODEGEN", "numpy")
        if _changed():
            backends.wing(name).install_patches()
        del sim


def pytest_report_header(config):
    return f"zoo's changes to PyNN: {'installed for ' + ', '.join(_simulators()) if _changed() else 'none (stock)'}"


@pytest.fixture(autouse=True)
def _same_seeds_in_both_arms(request, monkeypatch):
    """Seed NumPy, Brian2 and every unseeded ``NumpyRNG`` from the test's id (``rng.seed`` stays None)."""
    from pyNN.random import NumpyRNG

    base = zlib.crc32(request.node.nodeid.encode())
    seeds = (base + i for i in itertools.count(1))
    unseeded_init = NumpyRNG.__init__

    def seeded_init(self, seed=None, parallel_safe=True):
        unseeded_init(self, seed, parallel_safe)
        if seed is None:
            self.rng.seed(next(seeds) % 2**32)

    monkeypatch.setattr(NumpyRNG, "__init__", seeded_init)
    np.random.seed(base)
    if "brian2" in _simulators():
        import brian2

        brian2.seed(base)


@pytest.fixture(autouse=True)
def _changes_stay_installed():
    """A test that took a change off would leave every later test stock: fail it instead."""
    yield
    if _changed():
        for name in _simulators():
            for patch in backends.wing(name).PATCHES:
                assert patch.is_installed(), f"{patch.__name__} was taken off during the test"
