"""Arms split into MPI ranks x threads (validation/arms.py): how they are named, launched and refused.

No MPI is needed here; tests/test_mpi.py runs a 2-rank arm through the validation command.
"""

import json
import subprocess

import pytest

from zoo.errors import ZooError
from zoo.validation import arms, regenerate
from zoo.validation.__main__ import main as validate_main
from zoo.validation.arms import Arm


@pytest.mark.parametrize("text, arm, name", [
    ("nest", Arm("nest", 1, 1), "nest"),
    ("nest@1x1", Arm("nest", 1, 1), "nest"),
    ("nest@2x1", Arm("nest", 2, 1), "nest@2x1"),
    ("nest@1x2", Arm("nest", 1, 2), "nest@1x2"),
    ("nest@4x8", Arm("nest", 4, 8), "nest@4x8"),
    ("brian2", Arm("brian2", 1, 1), "brian2"),
])
def test_an_arm_names_its_simulator_ranks_and_threads(text, arm, name):
    assert arms.parse(text) == arm
    assert arm.name == name and arms.parse(arm.name) == arm


@pytest.mark.parametrize("text, message", [
    ("nest@2", "cannot read arm"),
    ("nest@2x", "cannot read arm"),
    ("nest@x1", "cannot read arm"),
    ("nest@-1x1", "cannot read arm"),
    ("nest@0x1", "both must be at least 1"),
    ("nest@2x0", "both must be at least 1"),
    ("neuron@2x1", "unknown simulator 'neuron'"),
    ("brian2@2x1", "brian2 runs as one process of one thread"),
    ("brian2@1x2", "brian2 runs as one process of one thread"),
])
def test_a_bad_arm_is_one_line(text, message):
    with pytest.raises(ZooError, match=message) as err:
        arms.parse(text)
    assert "\n" not in str(err.value)


def test_the_report_names_ranks_and_threads_and_what_the_split_promises():
    one, two, threads = Arm("nest"), Arm("nest", 2, 1), Arm("nest", 1, 2)
    assert one.describe() == "nest, 1 process x 1 thread"
    assert two.describe() == "nest, 2 MPI ranks x 1 thread"
    assert "promises identical spikes" in arms.pairing_note(threads, two)
    assert "may differ" in arms.pairing_note(one, two) and "1 and 2 virtual processes" in arms.pairing_note(one, two)
    assert arms.pairing_note(one, Arm("brian2")) == ""


def test_the_launcher_is_the_named_one_or_one_on_path(monkeypatch):
    assert arms.launcher(2, {arms.LAUNCHER_VARIABLE: "srun --mpi=pmix"}) == ["srun", "--mpi=pmix", "-np", "2"]
    monkeypatch.setattr(arms.shutil, "which", lambda name: None)
    with pytest.raises(ZooError, match=r"needs an MPI launcher: none on PATH \(mpirun, mpiexec\)"):
        arms.launcher(2, {})
    monkeypatch.setattr(arms.shutil, "which", lambda name: "/opt/mpich/bin/mpiexec" if name == "mpiexec" else None)
    monkeypatch.setattr(arms, "_is_open_mpi", lambda program: False)
    assert arms.launcher(3, {}) == ["/opt/mpich/bin/mpiexec", "-np", "3"]


def test_the_launcher_gets_no_variables_of_an_mpi_process():
    environ = {"PATH": "/bin", "OMPI_MCA_ess": "singleton", "PMIX_RANK": "0", "PMI_SIZE": "1", "HOME": "/h"}
    assert arms.launcher_environment(environ) == {"PATH": "/bin", "HOME": "/h"}


def test_an_arm_of_ranks_without_mpi_is_one_line_and_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(arms, "missing_mpi", lambda python=None: "this NEST is built without MPI (the pip wheel)")
    code = validate_main(["rostami2020.tiny", "--sims", "nest", "nest@2x1", "--runs", str(tmp_path / "runs"),
                          "--out", str(tmp_path / "report"), "--quiet"])
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "python -m zoo.validation: error: arm nest@2x1 runs under MPI, but this NEST is built without MPI (the pip wheel)"]
    assert list(tmp_path.iterdir()) == []


def test_a_report_with_an_mpi_arm_is_not_run_where_mpi_is_missing(monkeypatch, tmp_path, capsys):
    """regenerate says NOT RUN for it, in one line, and goes on (exit 0); it never starts the validation."""
    repo = tmp_path / "repo"
    (repo / "reports" / "m.mpi").mkdir(parents=True)
    invocation = ["rostami2020.tiny", "--sims", "nest", "nest@2x1", "--seeds", "5"]
    (repo / "reports" / "m.mpi" / "report.json").write_text(json.dumps({"invocation": invocation, "command": ""}))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "r"], check=True)
    monkeypatch.setattr(regenerate, "current_behaviour", lambda report, fingerprints: "now")
    monkeypatch.setattr(arms, "missing_mpi", lambda python=None: "mpi4py is not installed")
    assert regenerate.needs_mpi({"invocation": invocation}) == "arm nest@2x1 runs under MPI, but mpi4py is not installed"
    assert regenerate.needs_mpi({"invocation": ["rostami2020.tiny", "--sims", "nest", "brian2"]}) is None
    assert regenerate.main(["--reports", str(repo / "reports")]) == 0
    assert "m.mpi: NOT RUN: arm nest@2x1 runs under MPI, but mpi4py is not installed" in capsys.readouterr().out.splitlines()
