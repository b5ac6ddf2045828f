"""Power of the backend comparison: injected faults are flagged, fresh seeds are not.

CI size: rostami2020.tiny (500 neurons, 0.2 s warm-up + 1 s), K = 5 seeds a side. In the default
run: NEST with each fault against unmodified NEST, judged by the same rule as the report (20 tiny
NEST runs). Marked slow: one real NEST vs Brian2 report through the command line, with and without
a fault. In a 500-neuron network one seed's E rate differs from another's by ~14 %, more than
tau_m x 1.2 (or even x 2) or a 0.5 ms delay change anything, so at this size the suite tests the
faults it can see: E->E weights x 1.2 and a dropped projection at the issue's magnitudes. A wrong
delay is not among them since the network is drawn per block of target cells (2026-12-07): the
model's delay x 10 and x 20 (1 and 2 ms) flag no row, x 50 (5 ms) one row before false-discovery-rate
control and none after (on the network drawn before, x 20 was flagged). The faults at
the issue's magnitudes, the delay included, are measured at full size by the slow test at the end
(README, "How much the comparison can see"). K = 5 because with K = 3 one comparison in 25 failed
between disjoint seed sets."""

import json
import os

import pytest

from zoo.validation import faults, power
from zoo.validation.__main__ import main
from zoo.validation.faults import Fault
from zoo import registry

K = 5
MODEL = "rostami2020.tiny"
CI_FAULTS = [
    Fault("exc_weight_x1.2", "scale_weight", ("E_to_E_within", "E_to_E_across"), value=1.2,
          description="weights of E_to_E_within, E_to_E_across x 1.2"),
    Fault("drop_I_to_E_within", "drop_projection", ("I_to_E_within",), description="projection I_to_E_within left out"),
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


def test_disjoint_seed_sets_rarely_differ(measured):
    """All 126 splits of seeds 1-10 into two groups of 5, compared as if they were two backends,
    by the seed-to-seed rule alone (a report failing on any flagged row, no multiplicity control).

    At most 0.5 % of comparisons fail (measured: 0.4 % on the network drawn per block of target
    cells, 0.3 % on the one drawn before); a report of n such comparisons then fails in up to
    1 - 0.995^n of the splits (9.5 % for the 20 here; measured: 7.9 %, 10 of 126, and 4 % before).
    Issue 22's 5 % is for the verdict under false-discovery-rate control at full size (README).
    """
    splits = measured["splits"]
    comparisons = len(measured["splits"]["per_check"])
    assert splits["splits"] == 126 and comparisons == 20
    assert splits["comparison_false_alarm_rate"] <= 0.005
    assert splits["report_false_alarm_rate"] <= 1 - (1 - 0.005) ** comparisons


@pytest.mark.slow  # five Brian2 runs with generated NumPy code: minutes on 2 cores
def test_nest_vs_brian2_report(root, tmp_path):
    out = tmp_path / "report"
    code = main([MODEL, "--sims", "nest", "brian2", "--seeds", str(K), "--runs", root, "--out", str(out), "--quiet"])
    data = json.loads((out / "report.json").read_text())
    differ = [c["id"] for c in data["comparisons"] if c["adjusted"] == "DIFFER"]
    assert code == 0, f"NEST and Brian2 differ in {differ}"
    rules = [c["tolerance_rule"] for c in data["comparisons"]]
    assert rules.count("seed_null_p95") == rules.count("paired_t") == 20 and data["passed"]
    assert "data:image/png;base64," in (out / "report.html").read_text()


@pytest.mark.slow
def test_a_faulty_backend_makes_the_report_fail(root, tmp_path, capsys):
    out = tmp_path / "faulty"
    code = main([MODEL, "--sims", "nest", "brian2", "--seeds", str(K), "--runs", root, "--out", str(out), "--quiet",
                 "--fault", "exc_weight_x1.2"])
    assert code == 1
    assert "DIFFER" in capsys.readouterr().out
    assert json.loads((out / "report.json").read_text())["fault"]["name"] == "exc_weight_x1.2"


def test_bad_input_and_an_existing_report_exit_2(root, tmp_path):
    assert main([MODEL, "--sims", "nest", "neuron", "--quiet"]) == 2
    assert main([MODEL, "--seeds", "0", "--quiet"]) == 2
    assert main([MODEL, "--original-seeds", "-1", "--quiet"]) == 2
    out = tmp_path / "exists"
    out.mkdir()
    assert main([MODEL, "--runs", root, "--out", str(out), "--quiet"]) == 2


@pytest.mark.slow
def test_full_size_faults_are_flagged_and_fresh_seeds_are_not(root):
    """rostami2020 at full size, NEST (with each default fault) vs Brian2, 5 seeds: ~40 runs, hours on 2 cores."""
    model = registry.create_model("rostami2020")
    template = {"model": "rostami2020", "variant": "default", "overrides": ()}
    result = power.measure_power(model, template, ("nest", "brian2"), K, root, jobs=2,
                                 all_faults=faults.select_faults(model), say=lambda t: None)
    assert [d["fault"] for d in result["detection"] if not d["detected"]] == []
    assert result["fresh_seeds"]["failed"] == []
    assert result["splits"]["report_false_alarm_rate"] <= 0.05
