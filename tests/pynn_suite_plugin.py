"""pytest plugin for PyNN's own tests (see pynn_suite.py): the backends imported up front, and the
zoo's changes to PyNN installed for the whole run ($PYNN_SUITE_ARM "zoo") or not ("stock").

PyNN's tests call ``sim.setup`` themselves, so the changes are installed as a zoo session installs
them (``zoo.backends.<simulator>.install_patches``) but without a session's seeding and time grid.
A backend that does not import is an error here, not the skip PyNN's fixtures would make of it.
"""

import os
from pathlib import Path

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
def _changes_stay_installed():
    """A test that took a change off would leave every later test stock: fail it instead."""
    yield
    if _changed():
        for name in _simulators():
            for patch in backends.wing(name).PATCHES:
                assert patch.is_installed(), f"{patch.__name__} was taken off during the test"
