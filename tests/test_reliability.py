"""Every case of issue 20 replayed, so that none of them comes back: results directories that are
never clobbered, finished simulations that are kept, one line and exit 2 for unusable input or
environment, signals, validation from any directory, and room for a caller's own delays.

The command-line cases run ``python -m zoo.run`` in a subprocess on tiny variants on NEST. A full
disk is a small tmpfs where this machine allows mounting one in a private mount namespace
(``unshare``), else an injected ENOSPC; the test prints which in one line.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from zoo.run import cli, results
from zoo.run.results import MARKER, Kept, ResultsDir

ROOT = Path(__file__).resolve().parents[1]
TINY = ["rostami2020.tiny", "--sim", "nest", "--threads", "1", "--quiet"]  # one thread: steady on a busy machine


def _zoo(*args, cwd=None, timeout=300, env=None):
    """python -m zoo.run ARGS in a subprocess: (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "zoo.run", *map(str, args)], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return done.returncode, done.stdout, done.stderr


def _one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _start(*args, default_signals=()):
    """python -m zoo.run ARGS, started in the background; `default_signals` get their default action
    in the child even where this process ignores them (nohup ignores SIGHUP, and children inherit it)."""
    def restore():
        for number in default_signals:
            signal.signal(number, signal.SIG_DFL)

    return subprocess.Popen([sys.executable, "-m", "zoo.run", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=restore if default_signals else None)


def _wait_for(condition, timeout=120):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def _partials(folder):
    return [p for p in Path(folder).iterdir() if ".partial-" in p.name] if Path(folder).exists() else []


# --- results directories that are never clobbered --------------------------------------------

def test_a_directory_made_at_out_during_a_run_is_kept_and_so_are_the_results(tmp_path):
    out = tmp_path / "r"
    run = _start(*TINY, "--duration", 50, "--no-plots", "--out", out)
    _wait_for(lambda: _partials(tmp_path))  # the run has checked --out and started
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    _, err = run.communicate(timeout=300)
    assert run.returncode == 2
    line = _one_line(err)
    assert "appeared during the run" in line and "kept in" in line
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    kept = Path(line.rsplit("kept in ", 1)[1])
    assert kept.parent == tmp_path and (kept / "spikes.nix").is_file() and results.marker(kept)["complete"]


def test_two_runs_to_one_out_never_replace_each_other(tmp_path):
    out = tmp_path / "r"
    runs = {seed: _start(*TINY, "--duration", 50, "--no-plots", "--seed", seed, "--out", out) for seed in (1, 2)}
    done = {seed: (run.communicate(timeout=300)[1], run.returncode) for seed, run in runs.items()}
    winners = [seed for seed, (_, code) in done.items() if code == 0]
    assert len(winners) == 1, done
    loser = 3 - winners[0]
    err, code = done[loser]
    assert code == 2 and ("kept in" in err or "exists; use --force" in err), err
    assert json.loads((out / "provenance.json").read_text())["seeds"]["master"] == winners[0]
    if "kept in" in err:
        kept = Path(_one_line(err).rsplit("kept in ", 1)[1])
        assert json.loads((kept / "provenance.json").read_text())["seeds"]["master"] == loser


def test_runs_started_together_into_one_new_folder_both_write(tmp_path, monkeypatch):
    """Two runs into siblings of a folder that does not exist yet: the other run makes the folder
    between this run's look and its own mkdir (as fore2020's conditions command starts three)."""
    parent = tmp_path / "conditions"
    stock_mkdir = Path.mkdir

    def mkdir_after_the_other_run(self, *args, **kwargs):
        if self == parent and not parent.exists():
            os.mkdir(parent)  # the other run was quicker
        return stock_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir_after_the_other_run)
    staged = ResultsDir(parent / "control")
    assert staged.staging.is_dir() and staged._made == []  # the folder is the other run's: never removed by this one


def test_force_never_replaces_a_directory_marked_by_file_name_alone(tmp_path):
    (tmp_path / "provenance.json").write_text("{}")
    (tmp_path / "thesis.tex").write_text("keep")
    code, _, err = _zoo(*TINY, "--dry-run", "--force", "--out", tmp_path)
    assert code == 2 and "not a zoo results directory" in _one_line(err)
    assert (tmp_path / "thesis.tex").read_text() == "keep"


def test_force_replaces_a_zoo_directory_only_while_it_holds_only_the_zoos_files(tmp_path, capsys):
    out = tmp_path / "dry"
    args = ["rostami2020.tiny", "--dry-run", "--out", str(out), "--quiet"]
    assert cli.main(args) == 0
    marker = json.loads((out / MARKER).read_text())
    assert marker["format"] == results.FORMAT and marker["version"] == results.FORMAT_VERSION and marker["complete"]
    assert set(marker["files"]) == {"structure.json", "provenance.json"}
    assert cli.main(args + ["--force"]) == 0  # only its own files: replaced
    (out / "notes.txt").write_text("mine")
    assert cli.main(args + ["--force"]) == 2
    assert "files the zoo did not write (notes.txt)" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "mine"


def test_the_commit_checks_again_and_never_replaces_what_appeared(tmp_path):
    """The same at library level, also with force: a directory without the marker stays."""
    for force in (False, True):
        target = tmp_path / f"force-{force}"
        staged = ResultsDir(target, force=force)
        staged.write_json("summary.json", {})
        target.mkdir()
        (target / "mine.txt").write_text("keep")
        with pytest.raises(Kept) as kept:
            with staged:
                staged.commit()
        assert (target / "mine.txt").read_text() == "keep" and len(list(target.iterdir())) == 1
        assert (kept.value.path / "summary.json").is_file() and not _partials(tmp_path)


# --- finish what was simulated ---------------------------------------------------------------

def test_a_recorded_window_shorter_than_a_rate_bin_is_analysed_and_drawn(tmp_path):
    out = tmp_path / "r"
    code, _, err = _zoo(*TINY, "--duration", 10, "--out", out)
    assert code == 0, err
    assert {"spikes.nix", "rates.png", "raster.png", "summary.json"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text())["failures"] == []


def test_a_failing_figure_or_analysis_keeps_the_data_and_exits_3(tmp_path, monkeypatch, capsys):
    from zoo.analysis import plots
    from zoo.run import runner

    def broken(*args, **kwargs):
        raise ValueError("injected")

    monkeypatch.setattr(plots, "rates", broken)
    monkeypatch.setattr(runner, "summarize", broken)
    out = tmp_path / "r"
    assert cli.main([*TINY, "--duration", "50", "--out", str(out)]) == cli.ANALYSIS_FAILED
    line = _one_line(capsys.readouterr().err)
    assert "analysis failed: ValueError: injected (and 1 more)" in line and str(out) in line
    assert {"spikes.nix", "provenance.json", "structure.json", "summary.json", "raster.png"} <= {p.name for p in out.iterdir()}
    assert not (out / "rates.png").exists()
    failures = json.loads((out / "summary.json").read_text())["failures"]
    assert [f["step"] for f in failures] == ["analysis", "rates.png"]
    assert results.replace_problem(out) is None  # still a complete zoo directory


def _tmpfs_runner():
    """A command prefix that runs its command with a fresh tmpfs at $ZOO_TMPFS (size $ZOO_TMPFS_SIZE) in
    a private mount namespace and prints what is left there; None where mounting is not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    script = ('mount -t tmpfs -o size="$ZOO_TMPFS_SIZE" tmpfs "$ZOO_TMPFS" || exit 97; "$@"; rc=$?; '
              'echo "left: [$(ls -A "$ZOO_TMPFS" | tr "\\n" " ")]" >&2; exit $rc')
    for flags in (["-m"], ["-r", "-m"]):
        prefix = [unshare, *flags, "sh", "-c", script, "sh"]
        probe = subprocess.run(prefix + ["true"], capture_output=True, text=True,
                               env={**os.environ, "ZOO_TMPFS": "/tmp", "ZOO_TMPFS_SIZE": "64k"})
        if probe.returncode == 0:
            return prefix
    return None


# Injected ENOSPC, where no tmpfs can be mounted: the free space seen, or the h5py error of a full disk.
_SMALL_DISK = "results.shutil.disk_usage = lambda path: shutil._ntuple_diskusage(2**30, 2**30 - 2**16, 2**16)"
_HDF5_FULL = ("io.save_segment = lambda *a: (_ for _ in ()).throw(RuntimeError('Unable to flush file (file write failed: "
              "errno = 28, error message = \\'No space left on device\\')'))")


@pytest.mark.parametrize("checked", [True, False], ids=["free-space-check", "hdf5-write-fails"])
def test_a_full_disk_is_one_line_exit_2_and_leaves_nothing(tmp_path, note, checked):
    disk = tmp_path / "disk"
    disk.mkdir()
    prefix = _tmpfs_runner()
    inject = [] if prefix else [_SMALL_DISK if checked else _HDF5_FULL]
    if not checked:
        inject.append("results.ResultsDir.need_space = lambda *a: None")  # let HDF5 meet the full disk
    code = textwrap.dedent(f"""
        import shutil, sys
        from zoo import io
        from zoo.run import cli, results
        {'; '.join(inject) or 'pass'}
        sys.exit(cli.main({[*TINY, '--duration', '100', '--no-plots', '--out', str(disk / 'r')]!r}))
    """)
    size = "192k" if checked else "64k"  # the spikes need ~260 kB; 64 kB passes for HDF5's first writes
    env = {**os.environ, "ZOO_TMPFS": str(disk), "ZOO_TMPFS_SIZE": size}
    done = subprocess.run((prefix or []) + [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    note(f"full disk ({'free-space check' if checked else 'HDF5 write'}): "
         + (f"a {size}B tmpfs in a private mount namespace" if prefix else "injected ENOSPC (no tmpfs here)"))
    err = done.stderr.strip().splitlines()
    left = err.pop() if prefix else "left: []"
    assert done.returncode == 2, done.stderr  # never 139 (segfault)
    assert len(err) == 1 and ("not enough space for spikes.nix" if checked else "No space left on device") in err[0], err
    assert left == "left: []" and not list(disk.iterdir())


# --- unusable input and environment: one line, exit 2 ----------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--out", "/proc/zoo-results/r"], "cannot write to /proc/zoo-results"),
    (["--set", "N_E=10000000000", "--dry-run"], "of memory to draw its network; this machine has"),
    (["--set", "N_E=10000000000"], "of memory to run on nest; this machine has"),
    (["--set", "tau_m_E=1e400", "--dry-run"], "tau_m_E: '1e400' is not a finite number"),
    (["--duration", "inf", "--dry-run"], "duration must be positive and finite"),
    (["--duration", "nan", "--dry-run"], "duration must be positive and finite"),
    (["--seed", str(2**64 + 5)], "--seed must be an integer from 0 to 2**63-1"),
], ids=["out-under-proc", "too-large-dry-run", "too-large-run", "infinite-parameter", "infinite-duration", "nan-duration",
        "seed-beyond-int64"])
def test_unusable_input_is_one_line_and_exit_2(tmp_path, args, message):
    args = args if "--out" in args else args + ["--out", str(tmp_path / "r")]
    start = time.perf_counter()
    code, _, err = _zoo(*TINY, *args, cwd=tmp_path)
    assert code == 2 and message in _one_line(err)
    assert time.perf_counter() - start < 60  # refused up front, nothing allocated
    assert not list(tmp_path.iterdir())


def test_out_under_a_regular_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    code, _, err = _zoo(*TINY, "--dry-run", "--out", tmp_path / "file" / "r")
    assert code == 2 and "is not a directory" in _one_line(err)


def test_out_in_a_directory_that_cannot_be_written_is_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() != 0:
        locked.chmod(0o555)
        undo = [lambda: locked.chmod(0o755)]
    elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode == 0:
        undo = [lambda: subprocess.run(["chattr", "-i", str(locked)], check=True)]  # root: immutable
    else:
        pytest.skip("running as root without chattr +i: every directory is writable")
    try:
        code, _, err = _zoo(*TINY, "--dry-run", "--out", locked / "sub" / "r")
    finally:
        undo[0]()
    assert code == 2 and f"cannot write to {locked / 'sub'}" in _one_line(err)
    assert not list(locked.iterdir())


def test_a_run_estimated_above_an_hour_says_so(tmp_path):
    code, out, err = _zoo(*TINY, "--duration", "1e12", "--dry-run", "--out", tmp_path / "r")
    # the plan's simulate time (zoo/backends/estimate.py's coefficients, refit of 2026-12-06, and the
    # drawn network's synapses) is the one the warning gives in years
    simulate_s = float(re.search(r"simulate ~(\d+) s", out).group(1))
    assert code == 0 and simulate_s > 3600
    years = float(re.search(r"estimated run time on nest: ~([\d.]+) years", err).group(1))
    assert years == pytest.approx(simulate_s / (365.25 * 86400), rel=0.01)


def test_seeds_outside_the_writers_range_are_refused_before_anything_runs():
    from zoo.seeds import MAX_SEED, SeedError, SeedStreams

    SeedStreams(MAX_SEED).seed("x")  # the largest is fine
    for bad in (MAX_SEED + 1, 2**64 + 5, -1, True):
        with pytest.raises(SeedError, match="0 to 2\\*\\*63-1"):
            SeedStreams(bad)


# --- signals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_are_handled_like_sigint(tmp_path, signum):
    # The zoo keeps a signal the user's shell ignores (SIGHUP under nohup), so the child gets the default.
    # 300 s of biological time: the signal lands in the build or the simulation however fast the machine
    # (the whole run of 20 s takes ~5 s here).
    run = _start(*TINY, "--duration", 300000, "--no-plots", "--out", tmp_path / "r", default_signals=(signum,))
    _wait_for(lambda: _partials(tmp_path))
    time.sleep(3)  # into the build or the simulation
    run.send_signal(signum)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 128 + signum
    assert "no results were written" in _one_line(err)
    assert not list(tmp_path.iterdir())


def test_a_signal_that_compiled_code_swallowed_stops_the_work_at_the_next_progress_point():
    from zoo import progress
    from zoo.run import signals

    with pytest.raises(signals.Interrupted) as stopped:
        with signals.as_interrupts():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # the handler raises here
            except KeyboardInterrupt:
                pass  # swallowed, as a Cython callback does ("Exception ignored in ...")
            progress.step("the next step of the build")
    assert stopped.value.signum == signal.SIGTERM and signals.exit_status(stopped.value) == 143
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back


def test_what_a_killed_run_leaves_is_removed_by_the_next_one(tmp_path):
    run = _start(*TINY, "--duration", 20000, "--no-plots", "--out", tmp_path / "r")
    _wait_for(lambda: _partials(tmp_path))
    run.kill()
    run.wait(timeout=60)
    left = _partials(tmp_path)
    assert len(left) == 1  # SIGKILL cannot be handled
    (tmp_path / ".unrelated.partial-1").mkdir()  # not the zoo's: no marker, never touched
    code, _, err = _zoo(*TINY, "--dry-run", "--out", tmp_path / "other")
    assert code == 0, err
    assert f"removed {left[0]}, left by process {run.pid}, which no longer exists" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [".unrelated.partial-1", "other"]


# --- validation from any directory -------------------------------------------------------------

def _validation(*args, cwd, env=None):
    done = subprocess.run([sys.executable, "-m", "zoo.validation", "rostami2020.tiny", "--quiet", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    return done.returncode, done.stderr


def test_validation_checks_every_output_path_before_the_first_run(tmp_path):
    (tmp_path / "file").write_text("")
    code, err = _validation("--runs", tmp_path / "file", cwd=tmp_path)
    assert code == 2 and "--runs" in _one_line(err) and "is not a directory" in err
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    code, err = _validation("--out", "mine", "--force", "--runs", tmp_path / "runs", cwd=tmp_path)
    assert code == 2 and "not a zoo results directory" in _one_line(err)
    assert not (tmp_path / "runs").exists() or not list((tmp_path / "runs").iterdir())  # nothing ran


def test_validation_runs_land_where_asked_from_any_directory(tmp_path, monkeypatch):
    from zoo.validation import runs
    from zoo.validation.runs import RunSpec

    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    assert runs.default_root() == tmp_path / "cache" / "validation"  # a user cache, not the package
    assert runs._worker_command(RunSpec("m", "v", (), "nest", 1), Path("/x"), False)[1:3] == ["-m", "zoo.validation.worker"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = RunSpec("rostami2020", "tiny", (("simtime", 50.0),), "nest", 1)
    first = runs.ensure_runs([spec], "runs", jobs=1)[spec]
    assert not first.reused and first.path.is_absolute() and first.path.is_relative_to(elsewhere / "runs")
    assert (first.path / "spikes.nix").is_file() and results.marker(first.path)["complete"]
    assert not (ROOT / "runs").exists() and not (ROOT / "results" / "validation" / first.path.parent.name).exists()
    again = runs.ensure_runs([spec], elsewhere / "runs", jobs=1)[spec]  # a rerun reuses it
    assert again.reused and again.path == first.path


# --- embedding -------------------------------------------------------------------------------------

def test_a_callers_own_longer_delays_fit_in_a_zoo_session():
    """rostami2020.tiny's own max_delay is 1 ms and fore2020.tiny's min = max = 2 ms; a caller's
    projection with a 15 ms delay now builds and runs on NEST."""
    code = textwrap.dedent("""
        from zoo import backends, registry
        from zoo.seeds import SeedStreams
        for spec in ("rostami2020.tiny", "fore2020.tiny"):
            model = registry.create_model(spec)
            own, settings = model.own_simulation_settings(), model.simulation_settings()
            assert own["max_delay"] <= 2.0 and settings["max_delay"] == 20.0 and settings["min_delay"] == own["min_delay"]
            assert model.simulation_settings(max_delay=0)["max_delay"] == own["max_delay"]
            streams = SeedStreams(1)
            with backends.setup("nest", streams, **settings) as backend:
                sim = backend.sim
                network = model.build(sim, streams)
                target = network.populations[network.recorded[0]]
                source = sim.Population(3, sim.SpikeSourcePoisson(rate=10.0))
                sim.Projection(source, target, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.001, delay=15.0),
                               receptor_type="excitatory")
                sim.run(20.0)
            print(spec, "ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["rostami2020.tiny", "ok", "fore2020.tiny", "ok"]


def test_a_run_of_the_first_milliseconds_keeps_every_spike_from_t_0_and_is_a_prefix_of_a_longer_one(tmp_path):
    """validation's spike-time row (validation/early.py) reads the warm-up's first ms this way."""
    from zoo import io, registry
    from zoo.run import runner

    shown = {}
    for first in (10.0, 20.0):
        path, summary = runner.run(registry.create_model("rostami2020.tiny"), "nest", 1, out=tmp_path / f"first{first:g}",
                                   make_plots=False, first_ms=first)
        assert json.loads((path / "provenance.json").read_text())["recorded_window_ms"] == [0.0, first]
        segment, _ = io.load_segment(path / "spikes.nix")
        shown[first] = sorted((st.annotations["source_population"], st.annotations["source_index"], t)
                              for st in segment.spiketrains for t in io.times_ms(st) if t < 10.0)
    assert shown[10.0] and shown[10.0] == shown[20.0]
