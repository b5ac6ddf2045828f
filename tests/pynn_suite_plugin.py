"""pytest plugin for PyNN's own tests (see pynn_suite.py): the backends imported up front, the
zoo's changes to PyNN installed for the whole run ($PYNN_SUITE_ARM "zoo") or not ("stock"), only
the tests listed in the JSON file $PYNN_SUITE_ONLY run where it is set, and the outcome of every
test collected written to the JSON file $PYNN_SUITE_OUTCOMES.

PyNN's tests call ``sim.setup`` themselves, so the changes are installed as a zoo session installs
them (``zoo.backends.<simulator>.install_patches``) but without a session's seeding and time grid.
A backend that does not import is an error here, not the skip PyNN's fixtures would make of it.

Some of PyNN's tests draw from unseeded generators (a ``RandomDistribution`` without ``rng`` makes a
``NumpyRNG()`` seeded from the operating system) and assert statistics of the result: scenario 3's
t-test of STDP weights fails by chance on stock PyNN too. Each test therefore gets the same seeds in
both arms, derived from its id, so that an outcome that differs between the arms is the zoo's doing.
"""

import itertools
import json
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


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYNN_SUITE_ONLY"):
        return
    wanted = set(json.loads(Path(os.environ["PYNN_SUITE_ONLY"]).read_text()))
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in wanted])
    items[:] = [item for item in items if item.nodeid in wanted]


_outcomes = {}  # test id -> [outcome, first line of its message]


def pytest_collection_finish(session):
    _outcomes.update((item.nodeid, ["not run", ""]) for item in session.items)


def pytest_runtest_logreport(report):
    """A test's outcome from its set-up, call and tear-down: failed (in the call), error (in set-up
    or tear-down), skipped (an expected failure too) or passed."""
    found = _outcomes.setdefault(report.nodeid, ["not run", ""])
    if found[0] in ("failed", "error"):
        return
    if report.failed:
        found[:] = ["failed" if report.when == "call" else "error", report.longreprtext.strip().split("\n")[0][:200]]
    elif report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else getattr(report, "wasxfail", "")
        found[:] = ["skipped", str(reason)[:200]]
    elif report.when == "call":
        found[:] = ["passed", ""]


def pytest_sessionfinish(session):
    if os.environ.get("PYNN_SUITE_OUTCOMES"):
        Path(os.environ["PYNN_SUITE_OUTCOMES"]).write_text(json.dumps(_outcomes))


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
