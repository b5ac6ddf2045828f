"""The committed validation reports cannot go stale unseen.

Each report under validation_reports/ must say what made it (the zoo commit, a clean tree, the
report format of today) with run paths relative to its runs folder, and its behaviour fingerprint
(validation/behaviour.py: the spikes of a short fixed-seed run of the model on each backend, plus
the parameter table) must be today's. A change that alters spikes fails here until the report is
regenerated (python -m zoo.validation.regenerate NAME, from a clean tree); a refactoring that keeps
every spike does not. Recomputing the fingerprints takes seconds per model (one short run per
backend, made once per model for all its reports).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest

from zoo.validation import behaviour, regenerate, report

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "validation_reports"
NAMES = sorted(p.parent.name for p in REPORTS.glob("*/report.json"))
MODELS_WITH_REPORTS = ("rostami2020", "schmidt2018", "zerlaut2018", "fore2020")


def _load(name):
    return json.loads((REPORTS / name / "report.json").read_text())


@pytest.fixture(scope="module")
def fingerprints():
    return behaviour.Fingerprints()


def test_every_model_has_a_committed_report():
    assert set(MODELS_WITH_REPORTS) <= {name.split(".")[0] for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_a_report_says_what_made_it(name):
    data = _load(name)
    assert data.get("report_version") == report.REPORT_VERSION, (
        f"{name} was made by an older report format: python -m zoo.validation.regenerate {name}")
    made_by = data.get("made_by") or {}
    assert re.fullmatch(r"[0-9a-f]{40}", made_by.get("zoo_commit") or ""), f"{name} records no zoo commit"
    assert made_by.get("clean") is True, f"{name} was made from a tree with uncommitted changes"
    for run in data["runs"]:
        assert not Path(run["path"]).is_absolute() and ".." not in Path(run["path"]).parts, run["path"]
    assert "/tmp" not in data["command"] and data.get("invocation"), data["command"]


@pytest.mark.parametrize("name", NAMES)
def test_a_report_describes_todays_behaviour(name, fingerprints):
    data = _load(name)
    recorded = regenerate.recorded_behaviour(data)
    assert recorded, f"{name} records no behaviour fingerprint: python -m zoo.validation.regenerate {name}"
    now = regenerate.current_behaviour(data, fingerprints)
    assert recorded == now, (f"the zoo's behaviour changed since {name} was made (fingerprint {recorded[:12]}, "
                             f"now {now[:12]}): python -m zoo.validation.regenerate {name}")


def test_a_changed_model_no_longer_matches_its_report(fingerprints):
    """The check can fail: the same report with tau_m_E x 1.2 is not today's behaviour (the short runs
    are shared with the test above; only the parameter table differs)."""
    data = _load("rostami2020")
    changed = {**data, "invocation": data["invocation"] + ["--set", "tau_m_E=24"]}
    assert regenerate.current_behaviour(changed, fingerprints) != regenerate.recorded_behaviour(data)


# --- the regenerate command ---------------------------------------------------------------------
def test_an_old_reports_command_becomes_its_invocation_without_output_options():
    old = {"command": "python -m validation rostami2020 --sims nest brian2 --seeds 5 --runs /tmp/r --out x "
                      "--power /tmp/p.json --quiet --force"}
    assert regenerate.invocation(old) == ["rostami2020", "--sims", "nest", "brian2", "--seeds", "5"]
    assert regenerate.invocation({"invocation": ["m", "--seeds", "3"], "command": "ignored"}) == ["m", "--seeds", "3"]


def test_regenerating_from_a_dirty_tree_is_refused(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / "reports" / "m").mkdir(parents=True)
    (repo / "reports" / "m" / "report.json").write_text(json.dumps({"invocation": ["rostami2020.tiny"], "command": ""}))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "r"], check=True)
    assert regenerate.tree_state(repo)[1] is True
    (repo / "untracked.txt").write_text("x")
    assert regenerate.tree_state(repo)[1] is False
    assert regenerate.main(["--reports", str(repo / "reports")]) == 2
    assert "uncommitted changes" in capsys.readouterr().err


def test_an_unknown_report_name_is_one_line():
    with pytest.raises(Exception, match="no report under"):
        regenerate.found(REPORTS, ["no-such-report"])


def test_reports_written_one_after_another_leave_the_tree_clean(tmp_path):
    """Regenerating several reports writes validation_reports/ between them: that is output, not code;
    any other change still makes the tree unclean."""
    from zoo.run import provenance

    repo = tmp_path / "zoo"
    (repo / "validation_reports" / "a").mkdir(parents=True)
    (repo / "code.py").write_text("x = 1\n")
    (repo / "validation_reports" / "a" / "report.json").write_text("{}")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "r"], check=True)
    (repo / "validation_reports" / "a" / "report.json").write_text('{"new": 1}')
    (repo / "validation_reports" / "b").mkdir()
    (repo / "validation_reports" / "b" / "report.json").write_text("{}")
    assert regenerate.tree_state(repo / "validation_reports")[1] is True
    (repo / "code.py").write_text("x = 2\n")
    assert regenerate.tree_state(repo / "validation_reports")[1] is False
    status = subprocess.run(provenance.status_command(repo / "validation_reports"), capture_output=True, text=True).stdout
    assert status.split() == ["M", "code.py"]
