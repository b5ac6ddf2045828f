"""A zoo session changes PyNN only while it is open, and only for the versions it was written for."""

import logging
import warnings

import pytest

from zoo import backends, hooks, inputs
from zoo.backends import compatibility
from zoo.seeds import SeedStreams


def _installed(simulator):
    return [patch.is_installed() for patch in backends.wing(simulator).PATCHES]


def test_the_changes_last_as_long_as_the_session(simulator):
    sim = backends.import_simulator(simulator)
    assert not any(_installed(simulator))
    assert hooks.realisation(sim, "spike_source") is None
    filters = list(warnings.filters)
    with backends.setup(simulator, SeedStreams(1)) as backend:
        assert backend.patched and all(_installed(simulator))
        assert hooks.realisation(sim, "spike_source") is not None
        assert backend.info()["zoo_changes_to_pynn"] is True
    assert not any(_installed(simulator))
    assert hooks.realisation(sim, "spike_source") is None
    assert warnings.filters == filters


def test_a_second_setup_replaces_the_open_session(simulator):
    first = backends.setup(simulator, SeedStreams(1))
    second = backends.setup(simulator, SeedStreams(2))
    try:
        assert all(_installed(simulator))
        first.end()  # ending the replaced session leaves the open one alone
        assert all(_installed(simulator))
    finally:
        second.end()
    assert not any(_installed(simulator))


def test_a_failed_setup_leaves_pynn_stock(simulator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("setup failed")

    monkeypatch.setattr(backends.wing(simulator), "configure", broken)
    with pytest.raises(RuntimeError):
        backends.setup(simulator, SeedStreams(1))
    assert not any(_installed(simulator))


def test_other_versions_run_stock_pynn_with_one_warning(simulator, monkeypatch, caplog):
    monkeypatch.setitem(compatibility.WRITTEN_FOR, simulator, {"PyNN": "0.12"})
    with caplog.at_level(logging.WARNING, logger="zoo"):
        with backends.setup(simulator, SeedStreams(1)) as backend:
            assert not backend.patched and not any(_installed(simulator))
            assert hooks.realisation(backend.sim, "spike_source") is None
            sources = inputs.spike_source(backend.sim, [[1.0, 2.0], [3.0]], label="plain")  # PyNN's own way
            assert sources.size == 2
    warned = [r.getMessage() for r in caplog.records if "stock PyNN" in r.getMessage()]
    assert len(warned) == 1 and "PyNN" in warned[0] and "0.12" in warned[0]


def test_a_users_own_brian2_projection_after_a_session_is_stock():
    """Different delays per synapse on one's own projection: refused by nothing after a session."""
    import numpy as np

    with backends.setup("brian2", SeedStreams(1)):
        pass
    sim = backends.import_simulator("brian2")
    sim.setup(timestep=0.1)
    try:
        a, b = sim.Population(3, sim.IF_curr_exp()), sim.Population(3, sim.IF_curr_exp())
        projection = sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=1.0))
        projection.set(delay=np.linspace(1.0, 2.0, 9).reshape(3, 3))
        assert len(set(np.round(projection.get("delay", format="list", with_address=False), 6))) == 9
    finally:
        sim.end()
