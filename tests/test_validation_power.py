"""Power of the backend comparison at CI size: injected faults are flagged, fresh seeds are not.

rostami2020.tiny (500 neurons, 0.2 s warm-up + 1 s), K = 5 seeds a side, NEST with a fault against
unmodified NEST (cheap, and judged by the same rule as the report), then one real NEST vs Brian2
report through the command line. At this size the E rate differs by ~14 % from seed to seed, more
than a 20 % change of tau_m or a 0.5 ms delay moves anything, so those two faults are tested at
magnitudes the rule can see here (tau_m x 1.5; every delay 1 ms, the model's max_delay); the
README gives detection at full size for the issue's magnitudes. K = 5 because with K = 3 one
comparison in 25 failed on fresh seeds (measured: the 95th percentile of 6 null distances is
fragile).

Set ZOO_TEST_VALIDATION_RUNS=DIR to keep the ~40 runs between sessions (they are reused by
model, parameters, seed and simulator).
"""

import json
import os

import pytest

from validation import power
from validation.__main__ import main
from validation.faults import Fault
from zoo import registry

# About 40 tiny runs: several minutes on 2 cores, so outside the default run until they are cheaper.
pytestmark = pytest.mark.slow

K = 5
MODEL = "rostami2020.tiny"
CI_FAULTS = [
    Fault("exc_weight_x1.2", "scale_weight", ("E_to_E_within", "E_to_E_across"), value=1.2,
          description="weights of E_to_E_within, E_to_E_across x 1.2"),
    Fault("tau_m_x1.5", "scale_cell_parameter", ("E",), "tau_m", 1.5, "tau_m of population E x 1.5"),
    Fault("drop_I_to_E_within", "drop_projection", ("I_to_E_within",), description="projection I_to_E_within left out"),
    Fault("delay_1ms", "set_delay", ("*",), value=1.0, description="every synaptic delay 1 ms"),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return os.environ.get("ZOO_TEST_VALIDATION_RUNS") or str(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def measured(root):
    model = registry.create_model(MODEL)
    template = {"model": "rostami2020", "variant": "tiny", "overrides": ()}
    return power.measure_power(model, template, ("nest", "nest"), K, root, jobs=2, all_faults=CI_FAULTS, say=lambda t: None)


@pytest.mark.parametrize("fault", [f.name for f in CI_FAULTS])
def test_an_injected_fault_is_flagged(measured, fault):
    found = next(d for d in measured["detection"] if d["fault"] == fault)
    assert found["detected"], f"{fault} passed every comparison"


def test_fresh_seeds_are_not_flagged(measured):
    assert measured["fresh_seeds"]["failed"] == []


def test_the_report_level_false_alarm_rate_over_seed_splits_is_measured(measured):
    splits = measured["splits"]
    assert splits["splits"] == 126  # 10 runs into two groups of 5, each split once
    assert splits["comparison_false_alarm_rate"] < 0.02


def test_nest_vs_brian2_report(root, tmp_path):
    out = tmp_path / "report"
    code = main([MODEL, "--sims", "nest", "brian2", "--seeds", str(K), "--runs", root, "--out", str(out), "--quiet"])
    data = json.loads((out / "report.json").read_text())
    failed = [c["id"] for c in data["comparisons"] if not c["passed"]]
    assert code == 0, f"NEST and Brian2 differ in {failed}"
    assert data["counts"]["comparisons"] == 18 and data["passed"]
    assert "data:image/png;base64," in (out / "report.html").read_text()


def test_a_faulty_backend_makes_the_report_fail(root, tmp_path, capsys):
    out = tmp_path / "faulty"
    code = main([MODEL, "--sims", "nest", "brian2", "--seeds", str(K), "--runs", root, "--out", str(out), "--quiet",
                 "--fault", "exc_weight_x1.2"])
    assert code == 1
    assert "DIFFER" in capsys.readouterr().out
    assert json.loads((out / "report.json").read_text())["fault"]["name"] == "exc_weight_x1.2"


def test_bad_input_and_an_existing_report_exit_2(root, tmp_path):
    assert main([MODEL, "--sims", "nest", "neuron", "--quiet"]) == 2
    assert main([MODEL, "--seeds", "1", "--quiet"]) == 2
    out = tmp_path / "exists"
    out.mkdir()
    assert main([MODEL, "--runs", root, "--out", str(out), "--quiet"]) == 2
