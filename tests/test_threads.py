"""NEST thread count: models that claim thread-invariant results keep the claim; the CLI default."""

import numpy as np
import pytest

from zoo import backends, io, registry
from zoo.run import runner

INVARIANT = [name for name in registry.list_models() if registry.get_model(name).nest_thread_invariant]


def _spikes(name, threads, tmp_path):
    model = registry.create_model(f"{name}.tiny", duration=300.0)
    _, _ = runner.run(model, "nest", 2, threads=threads, out=tmp_path / f"{name}-{threads}", make_plots=False)
    segment, _ = io.load_segment(tmp_path / f"{name}-{threads}" / "spikes.nix")
    return [np.asarray(st.magnitude) for st in segment.spiketrains]


def test_some_models_claim_thread_invariance():
    assert {"rostami2020", "zerlaut2018"} <= set(INVARIANT)


@pytest.mark.parametrize("name", INVARIANT)
def test_claimed_thread_invariance_holds_on_nest(name, tmp_path):
    """The same spikes with 1 and 2 NEST threads (the claim lets the CLI use every core)."""
    one, two = _spikes(name, 1, tmp_path), _spikes(name, 2, tmp_path)
    assert sum(map(len, one)) > 0
    assert len(one) == len(two) and all(np.array_equal(a, b) for a, b in zip(one, two))


def test_cli_uses_all_cores_only_where_results_do_not_depend_on_them(monkeypatch):
    monkeypatch.setattr(backends.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    invariant, dependent = (registry.get_model(name)() for name in ("zerlaut2018", "schmidt2018"))
    assert backends.default_threads(invariant, "nest") == 3
    assert backends.default_threads(invariant, "brian2") == 1
    assert backends.default_threads(dependent, "nest") == 1
