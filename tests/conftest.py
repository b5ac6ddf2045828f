"""Shared fixtures: a set-up backend per simulator, ended whatever the test's outcome.

Both simulators are required dependencies: an import failure is an error, never a skip.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Brian2 compiles Cython code for every new parameter set (minutes on a cold cache); the small
# networks of the tests run as fast with generated NumPy code. Benchmarks and the CLI use Cython.
os.environ.setdefault("ZOO_BRIAN2_CODEGEN", "numpy")

# Data sets (e.g. the multi-area model's) come from the shared copy beside the checkout, as on the
# developers' machines and in CI; users' installs download them through zoo.datasets instead.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if SHARED_DATA.is_dir():
    os.environ.setdefault("ZOO_DATA_DIR", str(SHARED_DATA))

from zoo import backends  # noqa: E402
from zoo.seeds import SeedStreams  # noqa: E402

SIMULATORS = ("nest", "brian2")


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    """The name of each simulator in turn."""
    return request.param


@pytest.fixture
def backend(simulator):
    """A freshly set-up backend (master seed 1, one thread, dt 0.1 ms), ended afterwards."""
    b = backends.setup(simulator, SeedStreams(1), threads=1, timestep=0.1, min_delay=0.1)
    yield b
    b.end()


@pytest.fixture
def numpy_codegen():
    """Brian2 with generated NumPy code for this test (a cold Cython cache compiles for minutes;
    stock and patched PyNN get the same target), the previous target afterwards."""
    import brian2

    previous = brian2.prefs.codegen.target
    brian2.prefs.codegen.target = "numpy"
    yield
    brian2.prefs.codegen.target = previous


@pytest.fixture
def stock_brian2():
    """PyNN's Brian2 backend without any of the zoo's changes, for tests that install one change
    and compare it with stock PyNN; whatever the test installed is taken off afterwards."""
    brian2_wing = backends.wing("brian2")
    brian2_wing.uninstall_patches()
    yield
    brian2_wing.uninstall_patches()


@pytest.fixture
def note(request):
    """``note(line)``: a line printed at the end of the run, after the test's id (how a part of it
    ran, or that it did not). Workers of pytest-xdist show no output of their own."""
    return lambda line: request.node.user_properties.append(("note", line))


# The two longest modules (PyNN's own suite, ~2 min; the power measurement's 20 NEST runs, ~2.5 min)
# start first, so that the other workers take the rest meanwhile, not after them.
FIRST = ("test_pynn_conformance.py", "test_validation_power.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.path.name not in FIRST)  # stable: the rest keep their order


def pytest_terminal_summary(terminalreporter):
    """One printed line for every test that did not run, with the reason: never a silent skip; then
    the tests' notes."""
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        terminalreporter.write_line(f"NOT RUN: {report.nodeid}: {reason.removeprefix('Skipped: ')}")
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for line in dict.fromkeys(text for key, text in report.user_properties if key == "note"):
                terminalreporter.write_line(f"{report.nodeid}: {line}")
