"""Where validation runs live, and when a run on disk may stand in for a new one (no simulation here)."""

import json

import pytest

from zoo.validation import faults, runs
from zoo.validation.runs import RunSpec
from zoo import RESULTS_VERSION
from zoo.errors import ZooError


def _spec(seed=1, simulator="nest", overrides=(), fault=(), ranks=1, threads=1, first_ms=0.0):
    return RunSpec("rostami2020", "tiny", tuple(overrides), simulator, seed, fault, ranks, threads, first_ms)


def _fake_results(path, spec):
    """A results directory with the provenance a real run of `spec` would write."""
    model = spec.create_model()
    path.mkdir(parents=True)
    provenance = {
        "model": spec.model, "variant": spec.variant, "parameters": model.params.table(),
        "backend": {"simulator": spec.simulator, "mpi_processes": spec.ranks, "threads": spec.threads},
        "seeds": {"master": spec.seed},
        "results_version": RESULTS_VERSION,
        "recorded_window_ms": [0.0, spec.first_ms] if spec.first_ms else [model.warmup_ms, model.warmup_ms + model.duration_ms],
    }
    (path / "provenance.json").write_text(json.dumps(provenance))
    (path / "summary.json").write_text("{}")
    (path / "spikes.nix").write_bytes(b"")
    if spec.fault:
        (path / "fault.json").write_text(json.dumps(spec.fault_dict()))
    return path


def test_the_parameter_hash_follows_every_value():
    base = _spec().create_model()
    assert runs.params_hash(base) == runs.params_hash(_spec().create_model())
    assert runs.params_hash(base) != runs.params_hash(_spec(overrides=(("simtime", 500.0),)).create_model())


def test_run_directories_are_keyed_by_model_variant_hash_simulator_seed_and_fault(tmp_path):
    spec = _spec(seed=3, simulator="brian2")
    path = runs.run_dir(tmp_path, spec)
    assert path.name == "brian2-seed3"
    assert path.parent.name == f"rostami2020-tiny-{runs.params_hash(spec.create_model())}"
    fault = faults.Fault("delay_0.5ms", "set_delay", ("*",), value=0.5)
    faulty = _spec(seed=3, simulator="brian2", fault=runs.frozen(fault.as_dict()))
    assert runs.run_dir(tmp_path, faulty).parent.name == path.parent.name + "+delay_0.5ms"


def test_a_matching_run_is_reused(tmp_path):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    assert runs.reuse_problem(path, spec) is None
    outcomes = runs.ensure_runs([spec], tmp_path, jobs=1)
    assert outcomes[spec].reused and outcomes[spec].path == path


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"seeds": {"master": 2}}, "master seed"),
        ({"backend": {"simulator": "brian2"}}, "run on brian2"),
        ({"variant": "default"}, "holds rostami2020.default"),
        ({"results_version": RESULTS_VERSION - 1}, "older zoo"),
    ],
)
def test_a_run_that_does_not_match_is_never_reused_or_replaced_unasked(tmp_path, change, reason):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    provenance = json.loads((path / "provenance.json").read_text())
    provenance.update(change)
    (path / "provenance.json").write_text(json.dumps(provenance))
    assert reason in runs.reuse_problem(path, spec)
    with pytest.raises(ZooError, match="--force"):
        runs.ensure_runs([spec], tmp_path, jobs=1)


def test_changed_parameter_values_are_not_reused(tmp_path):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    provenance = json.loads((path / "provenance.json").read_text())
    next(row for row in provenance["parameters"] if row["name"] == "tau_m_E")["value"] = 21.0
    (path / "provenance.json").write_text(json.dumps(provenance))
    assert runs.reuse_problem(path, spec) == "its parameter values differ"


def test_a_run_of_the_first_milliseconds_lives_apart_and_never_stands_in_for_the_whole(tmp_path):
    whole, first = _spec(seed=2), _spec(seed=2, first_ms=10.0)
    assert runs.run_dir(tmp_path, first).name == "nest-seed2-first10ms"
    assert runs.run_dir(tmp_path, first).parent == runs.run_dir(tmp_path, whole).parent
    assert first.label() == "nest seed 2, first 10 ms"
    assert RunSpec.from_dict(json.loads(json.dumps(first.as_dict()))) == first
    path = _fake_results(runs.run_dir(tmp_path, first), first)
    assert runs.reuse_problem(path, first) is None
    assert "recorded [0.0, 10.0] ms" in runs.reuse_problem(path, whole)
    assert "recorded" in runs.reuse_problem(path, _spec(seed=2, first_ms=20.0))


def test_a_faulty_run_is_not_taken_for_a_clean_one(tmp_path):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    (path / "fault.json").write_text(json.dumps({"name": "tau_m_x1.2"}))
    assert "injected fault" in runs.reuse_problem(path, spec)


def test_incomplete_results_are_not_reused(tmp_path):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    (path / "spikes.nix").unlink()
    assert runs.reuse_problem(path, spec) == "missing spikes.nix"


def test_a_spec_survives_its_json_round_trip():
    fault = faults.Fault("exc_weight_x1.2", "scale_weight", ("E_to_E_*",), value=1.2)
    spec = _spec(seed=4, overrides=(("simtime", 300.0),), fault=runs.frozen(fault.as_dict()))
    again = RunSpec.from_dict(json.loads(json.dumps(spec.as_dict())))
    assert again == spec and hash(again) == hash(spec)
    assert faults.Fault.from_dict(again.fault_dict()) == fault


def test_a_split_arm_has_runs_of_its_own_keyed_by_ranks_and_threads(tmp_path):
    """nest@2x1 runs live beside nest's (whose paths are as before arms could be split) and never stand in for them."""
    one, two, threads = _spec(seed=2), _spec(seed=2, ranks=2), _spec(seed=2, threads=2)
    assert (one.arm, two.arm, threads.arm) == ("nest", "nest@2x1", "nest@1x2")
    assert [runs.run_dir(tmp_path, s).name for s in (one, two, threads)] == ["nest-seed2", "nest@2x1-seed2", "nest@1x2-seed2"]
    assert len({runs.run_dir(tmp_path, s).parent for s in (one, two, threads)}) == 1
    assert two.label() == "nest@2x1 seed 2"
    again = RunSpec.from_dict(json.loads(json.dumps(two.as_dict())))
    assert again == two and again != one
    assert RunSpec.from_dict({k: v for k, v in one.as_dict().items() if k not in ("ranks", "threads")}) == one
    path = _fake_results(runs.run_dir(tmp_path, two), two)
    assert runs.reuse_problem(path, two) is None
    assert runs.reuse_problem(path, one) == "it was run as 2 ranks x 1 threads, not 1 x 1"
    assert runs.reuse_problem(path, threads) == "it was run as 2 ranks x 1 threads, not 1 x 2"


def test_a_run_of_one_process_made_before_splits_were_recorded_is_reused(tmp_path):
    spec = _spec()
    path = _fake_results(runs.run_dir(tmp_path, spec), spec)
    provenance = json.loads((path / "provenance.json").read_text())
    provenance["backend"] = {"simulator": "nest"}
    (path / "provenance.json").write_text(json.dumps(provenance))
    assert runs.reuse_problem(path, spec) is None
    assert "2 x 1" in runs.reuse_problem(path, _spec(ranks=2))


def test_a_run_of_several_ranks_starts_under_the_launcher(monkeypatch, tmp_path):
    monkeypatch.setenv("ZOO_MPIEXEC", "mpiexec.hydra")
    command = runs._worker_command(_spec(ranks=2), tmp_path / "run", False)
    assert command[:3] == ["mpiexec.hydra", "-np", "2"] and command[4:6] == ["-m", "zoo.validation.worker"]
    assert json.loads(command[-1])["ranks"] == 2
    assert runs._worker_command(_spec(), tmp_path / "run", False)[1:3] == ["-m", "zoo.validation.worker"]
