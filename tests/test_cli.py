"""python -m zoo.run: the happy path end to end, and one clear line with exit 2 for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zoo.run import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("simulator", ["nest", "brian2"])
def test_happy_path_writes_complete_results(tmp_path, simulator):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "zoo.run", "rostami2020", "--variant", "tiny", "--sim", simulator,
               "--seed", "4", "--duration", "400", "--set", "stim_amp=0.3pA", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "simulated" in done.stderr  # progress is visible
    assert {p.name for p in out.iterdir()} == {
        "spikes.nix", "summary.json", "structure.json", "provenance.json", "raster.png", "rates.png", ".zoo-results.json"}
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["populations"]) == {"E", "I"}
    assert summary["populations"]["E"]["mean_rate_hz"] > 0
    assert "stimulated_E_rate_in_stimulus_hz" in summary["observables"]
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seeds"]["master"] == 4 and {"connectivity/E_to_E", "initial_state/E"} <= set(prov["seeds"]["derived"])
    assert prov["backend"]["simulator"] == simulator and prov["backend"]["spike_precision"] == "on_grid"
    assert prov["overrides"] == {"stim_amp": 0.3, "simtime": 400.0}
    assert {"PyNN", "nest-simulator", "Brian2", "numpy"} <= set(prov["backend"]["versions"])
    assert prov["timing_s"]["build"] > 0 and prov["peak_memory_bytes"] > 0
    assert prov["connectivity_fingerprint"]["sha256"]
    assert "E" in done.stdout and "rate" in done.stdout  # the summary table


def test_list_names_models_with_citations(capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "rostami2020" in out and "doi:10.1038/s41467-024-49889-4" in out and "tiny" in out


def test_dry_run_writes_structure_without_a_simulator(tmp_path):
    code = (
        "import sys; from zoo.run import main; rc = main(['rostami2020', '--variant', 'tiny', '--dry-run', "
        f"'--out', r'{tmp_path / 'dry'}']); print(rc, 'pyNN.nest' in sys.modules or 'brian2' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
    structure = json.loads((tmp_path / "dry" / "structure.json").read_text())
    assert [p["name"] for p in structure["populations"]] == ["E", "I"]
    assert len(structure["projections"]) == 8
    assert all(p["synapses"] > 0 and p["mean_in_degree"] > 0 for p in structure["projections"])
    assert structure["estimate"]["peak_memory_bytes"] > 0 and structure["estimate"]["simulate_s"] > 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["nosuch"], "unknown model 'nosuch'"),
        (["rostami2020", "--sim", "neuron"], "invalid choice: 'neuron'"),
        (["rostami2020", "--variant", "nosuch"], "unknown variant"),
        (["rostami2020.tiny", "--variant", "default"], "variant given twice"),
        (["rostami2020", "--set", "tau_mE=3"], "unknown parameter 'tau_mE'"),
        (["rostami2020", "--set", "Q=2.5"], "must be an integer"),
        (["rostami2020", "--set", "tau_m_E=20mV"], "not compatible with 'ms'"),
        (["rostami2020", "--set", "Q=30"], "multiple of Q"),
        (["rostami2020", "--set", "Q"], "expects name=value"),
        (["rostami2020", "--duration", "-5"], "duration must be positive"),
        (["rostami2020", "--duration", "abc"], "invalid float value"),
        (["rostami2020", "--seed", "-1"], "--seed must be"),
        (["rostami2020", "--threads", "0"], "--threads must be"),
        ([], "name a model"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1


def test_existing_results_need_force_and_force_replaces_them(tmp_path, capsys):
    out = tmp_path / "dry"
    args = ["rostami2020", "--variant", "tiny", "--dry-run", "--out", str(out), "--quiet"]
    assert cli.main(args) == 0
    (out / "structure.json").write_text("{}")
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "exists; use --force" in err and len(err.splitlines()) == 1
    assert (out / "structure.json").read_text() == "{}"  # untouched
    assert cli.main(args + ["--force"]) == 0
    assert json.loads((out / "structure.json").read_text())["populations"]


def test_force_never_replaces_a_directory_that_is_not_a_results_directory(tmp_path, capsys):
    (tmp_path / "precious.txt").write_text("keep")
    assert cli.main(["rostami2020", "--variant", "tiny", "--dry-run", "--out", str(tmp_path), "--force"]) == 2
    assert "not a zoo results directory" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text() == "keep"


def test_missing_simulator_is_one_line(monkeypatch, capsys, tmp_path):
    from zoo import backends

    def broken():
        raise ImportError("No module named 'brian2'")

    monkeypatch.setattr(backends.wing("brian2"), "import_pynn", broken)
    assert cli.main(["rostami2020", "--variant", "tiny", "--sim", "brian2", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "pip install 'brian2==2.9.*'" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "r").exists() and not list(tmp_path.iterdir())


def test_interrupted_run_leaves_no_results(monkeypatch, capsys, tmp_path):
    from zoo import backends

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(backends.Backend, "simulate", interrupted)
    out = tmp_path / "r"
    assert cli.main(["rostami2020", "--variant", "tiny", "--out", str(out), "--quiet"]) == 130
    assert "no results were written" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # neither the target nor a staging directory


def test_version_and_parameter_table(capsys):
    assert cli.main(["--version"]) == 0 and "PyNN 0.13" in capsys.readouterr().out
    assert cli.main(["rostami2020.tiny", "--params", "--set", "N_E=800"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("N_E "))
    assert "800" in row and "*" in row  # the value, marked as changed
    assert any(line.startswith("tau_m_E ") and " ms " in line and "[NEST 3.10" in line for line in out.splitlines())


def test_record_states_of_a_few_cells_drawn_from_the_seed(tmp_path):
    from zoo import io

    out = tmp_path / "r"
    assert cli.main(["rostami2020.tiny", "--sim", "nest", "--duration", "200", "--record", "v", "--record-cells", "3",
                     "--out", str(out), "--quiet", "--threads", "1"]) == 0
    segment, _ = io.load_segment(out / "spikes.nix")
    signals = {s.annotations["source_population"]: s for s in segment.analogsignals}
    assert set(signals) == {"E", "I"} and all(s.shape[1] == 3 and s.annotations["variable"] == "v" for s in signals.values())
    t_start, t_stop = io.segment_window(segment)
    assert signals["E"].t_start == t_start and abs(float((signals["E"].t_stop - t_stop).rescale("ms"))) < 0.2
    assert (out / "traces.png").stat().st_size > 0
    cells = list(signals["E"].array_annotations["source_index"])
    again = tmp_path / "again"
    assert cli.main(["rostami2020.tiny", "--sim", "nest", "--duration", "200", "--record", "v", "--record-cells", "3",
                     "--out", str(again), "--quiet", "--threads", "1", "--no-plots"]) == 0
    assert list(io.load_segment(again / "spikes.nix")[0].analogsignals[0].array_annotations["source_index"]) == cells
    assert cli.main(["rostami2020.tiny", "--record", "w", "--out", str(tmp_path / "w"), "--quiet"]) == 2  # IF_curr_exp has no w
