"""python -m zoo.run under ``mpirun -np 2`` with NEST built with MPI (tools/install-nest-mpi).

- one results directory, written by rank 0, with the files of a one-process run, and one
  "results written" line;
- the connectivity fingerprint of 2 ranks equals that of 1 process and of Brian2, for rostami2020
  and schmidt2018, which draw on each rank only the synapses onto that rank's neurons;
- 1 rank x 2 threads and 2 ranks x 1 thread (two virtual processes each: NEST promises the same
  spikes) give identical spikes;
- a failure on one rank ends both, in one line, and leaves nothing behind;
- ``--sim brian2`` under mpirun is one line and exit 2;
- ``python -m zoo.validation --sims nest nest@2x1`` runs its 2-rank arm under mpirun, keeps those
  runs under their own key and reuses them, and names the arms with their ranks and threads.

Where NEST with MPI, mpi4py or mpirun is missing, every test here is reported as NOT RUN with the
reason (conftest.py); the pip wheel of NEST has no MPI, so that is the default CI run.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zoo import io
from zoo.validation import arms

ROOT = Path(__file__).resolve().parents[1]
PROG = "python -m zoo.run"
TINY = ["rostami2020", "--variant", "tiny", "--seed", "3", "--duration", "300", "--no-plots", "--quiet"]
TIMEOUT_S = 900


def _need_mpi():
    """Skip, saying why, where NEST with MPI cannot run (no launcher, no mpi4py, or NEST without MPI;
    conftest prints it as NOT RUN)."""
    why = arms.missing_mpi()
    if why:
        pytest.skip(f"MPI tests: {why}")


def _mpirun(ranks, argv, cwd, script=None):
    """`ranks` processes of the zoo's command line (or of `script`, Python code run with argv)."""
    launcher = arms.launcher(ranks)
    program = [sys.executable, "-c", script] if script else [sys.executable, "-m", "zoo.run"]
    return subprocess.run(launcher + program + argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _single(argv, cwd):
    return subprocess.run([sys.executable, "-m", "zoo.run", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT_S, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _zoo_lines(done):
    """The lines the zoo printed (the launcher adds its own)."""
    return [line for line in (done.stdout + done.stderr).splitlines() if line.startswith(PROG)]


def _spikes(path):
    """{(population, index): spike times} of a results directory."""
    segment, _ = io.load_segment(Path(path) / "spikes.nix")
    return {(st.annotations["source_population"], int(st.annotations["source_index"])): np.asarray(io.times_ms(st))
            for st in segment.spiketrains}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The tiny model once on 1 process x 1 thread, 1 x 2 threads, 2 and 4 ranks x 1 thread, and on Brian2."""
    _need_mpi()
    folder = tmp_path_factory.mktemp("mpi")
    done = {
        "1x1": _single(TINY + ["--sim", "nest", "--threads", "1", "--out", "one"], folder),
        "1x2": _single(TINY + ["--sim", "nest", "--threads", "2", "--out", "threads"], folder),
        "2x1": _mpirun(2, TINY + ["--sim", "nest", "--threads", "1", "--out", "ranks"], folder),
        "4x1": _mpirun(4, TINY + ["--sim", "nest", "--threads", "1", "--out", "four"], folder),
        "brian2": _single(TINY + ["--sim", "brian2", "--out", "brian2"], folder),
    }
    for name, result in done.items():
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
    return folder, done


def test_two_ranks_write_one_results_directory_like_one_process(runs):
    folder, done = runs
    assert sorted(p.name for p in folder.iterdir()) == ["brian2", "four", "one", "ranks", "threads"]  # nothing partial
    assert sorted(p.name for p in (folder / "ranks").iterdir()) == sorted(p.name for p in (folder / "one").iterdir())
    assert done["2x1"].stdout.count("results written") == 1
    assert "Warning" not in done["2x1"].stderr, done["2x1"].stderr[-2000:]  # NEST's warnings on local nodes included
    assert done["2x1"].stdout.count("population") == 1  # one summary table
    prov = json.loads((folder / "ranks" / "provenance.json").read_text())
    assert prov["backend"]["mpi_processes"] == 2 and prov["backend"]["threads"] == 1
    assert prov["backend"]["virtual_processes"] == 2
    assert prov["mpi"]["processes"] == 2 and len(prov["mpi"]["per_rank"]) == 2
    assert all(rank["peak_memory_bytes"] > 0 for rank in prov["mpi"]["per_rank"])
    # every neuron's spikes are there, not only rank 0's
    summary = json.loads((folder / "ranks" / "summary.json").read_text())
    single = json.loads((folder / "one" / "summary.json").read_text())
    assert {p: s["neurons"] for p, s in summary["populations"].items()} == \
        {p: s["neurons"] for p, s in single["populations"].items()}


def test_fingerprint_of_two_and_four_ranks_equals_one_process(runs):
    """rostami2020 draws each rank's blocks of target cells alone: the same network on 1, 2 and 4
    ranks and on Brian2."""
    folder, _ = runs
    prints = [json.loads((folder / name / "provenance.json").read_text())["connectivity_fingerprint"]
              for name in ("one", "ranks", "four", "brian2")]
    assert prints[0]["sha256"] and prints[0]["scope"] == "all connections"
    assert prints[1] == prints[0] == prints[2] == prints[3]
    assert json.loads((folder / "four" / "provenance.json").read_text())["backend"]["mpi_processes"] == 4


def test_same_virtual_processes_give_identical_spikes(runs):
    """1 rank x 2 threads against 2 ranks x 1 thread: NEST's promise for equal virtual processes."""
    folder, _ = runs
    threads, ranks = _spikes(folder / "threads"), _spikes(folder / "ranks")
    assert sum(len(t) for t in ranks.values()) > 100  # the network is active
    assert threads.keys() == ranks.keys()
    assert all(np.array_equal(threads[key], ranks[key]) for key in threads)


def test_a_network_drawn_per_rank_is_the_network_of_one_process(tmp_path):
    """schmidt2018 draws on each rank only the synapses onto that rank's neurons: the connectivity
    fingerprint of 2 and 4 ranks still equals that of one process, and so does Brian2's. Its multapses
    are stored in the same order on both splits, so 1 x 2 threads and 2 ranks x 1 thread give the
    same spikes."""
    _need_mpi()
    argv = ["schmidt2018", "--variant", "tiny", "--seed", "3", "--no-plots", "--quiet"]
    done = {"one": _single(argv + ["--sim", "nest", "--threads", "2", "--out", "one"], tmp_path),
            "ranks": _mpirun(2, argv + ["--sim", "nest", "--threads", "1", "--out", "ranks"], tmp_path),
            "four": _mpirun(4, argv + ["--sim", "nest", "--threads", "1", "--out", "four"], tmp_path),
            "brian2": _single(argv + ["--sim", "brian2", "--out", "brian2"], tmp_path)}
    for name, result in done.items():
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
    prints = {name: json.loads((tmp_path / name / "provenance.json").read_text())["connectivity_fingerprint"]
              for name in done}
    assert prints["one"]["sha256"] and prints["one"]["total_connections"] > 100_000
    assert prints["ranks"] == prints["one"] == prints["four"] == prints["brian2"]
    threads, ranks = _spikes(tmp_path / "one"), _spikes(tmp_path / "ranks")
    assert sum(len(t) for t in ranks.values()) > 1000
    assert threads.keys() == ranks.keys() and all(np.array_equal(threads[key], ranks[key]) for key in threads)


@pytest.mark.parametrize("model", ["fore2020.tiny", "zerlaut2018.tiny", "peng2021.tiny"])
def test_models_with_compiled_cells_run_on_ranks_as_on_threads(tmp_path, model):
    """Their NESTML cells (and zerlaut2018's train device) compile for the NEST built with MPI too
    (its own module cache, its C++ string ABI, its MPI headers), and 2 ranks x 1 thread give the
    network and the spikes of 1 x 2 threads (each draws only its rank's share of its lists, and
    zerlaut2018 of its input trains). 4 ranks and Brian2 build the same network."""
    _need_mpi()
    name, variant = model.split(".")
    argv = [name, "--variant", variant, "--seed", "2", "--no-plots", "--quiet"]
    done = {"threads": _single(argv + ["--sim", "nest", "--threads", "2", "--out", "threads"], tmp_path),
            "ranks": _mpirun(2, argv + ["--sim", "nest", "--threads", "1", "--out", "ranks"], tmp_path),
            "four": _mpirun(4, argv + ["--sim", "nest", "--threads", "1", "--out", "four"], tmp_path),
            "brian2": _single(argv + ["--sim", "brian2", "--out", "brian2"], tmp_path)}
    for key, result in done.items():
        assert result.returncode == 0, f"{key}: {result.stderr[-2000:]}"
    prints = {key: json.loads((tmp_path / key / "provenance.json").read_text())["connectivity_fingerprint"]
              for key in done}
    assert prints["threads"]["total_connections"] > 1000
    assert prints["threads"] == prints["ranks"] == prints["four"] == prints["brian2"]
    threads, ranks = _spikes(tmp_path / "threads"), _spikes(tmp_path / "ranks")
    assert sum(len(t) for t in ranks.values()) > 100
    assert threads.keys() == ranks.keys() and all(np.array_equal(threads[key], ranks[key]) for key in threads)


def test_brian2_under_mpirun_is_one_line_and_exit_2(tmp_path):
    _need_mpi()
    done = _mpirun(2, TINY + ["--sim", "brian2", "--out", "b"], tmp_path)
    assert done.returncode == 2
    lines = _zoo_lines(done)
    assert len(lines) == 1 and "brian2 has no distributed mode" in lines[0] and "2 MPI processes" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_existing_results_directory_is_one_line_from_rank_0(tmp_path):
    _need_mpi()
    (tmp_path / "taken").mkdir()
    done = _mpirun(2, TINY + ["--sim", "nest", "--out", "taken"], tmp_path)
    assert done.returncode == 2
    lines = _zoo_lines(done)
    assert len(lines) == 1 and "exists" in lines[0]
    assert [p.name for p in tmp_path.iterdir()] == ["taken"] and list((tmp_path / "taken").iterdir()) == []


FAIL_ON_RANK_1 = """
import os, sys
from zoo.run import cli, runner
if os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMI_RANK")) == "1":
    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")
    runner.io.collect_segment = broken  # rank 0 waits in the gather that rank 1 never joins
sys.exit(cli.main(sys.argv[1:]))
"""


def test_failure_on_one_rank_ends_all_in_one_line_and_leaves_nothing(tmp_path):
    _need_mpi()
    done = _mpirun(2, TINY + ["--sim", "nest", "--threads", "1", "--out", "failed"], tmp_path, script=FAIL_ON_RANK_1)
    assert done.returncode != 0
    lines = _zoo_lines(done)
    assert lines == [f"{PROG}: error on rank 1 of 2: RuntimeError: injected failure"], done.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []  # no results, no staging directory


NO_BLOCK_MERGE = """
import sys
import pyNN.recording
from zoo.run import cli
def merge(*args, **kwargs):
    raise RuntimeError("PyNN's block merge was used")
pyNN.recording.gather_blocks = merge  # what get_data(gather=True) calls under MPI
sys.exit(cli.main(sys.argv[1:]))
"""


def test_spikes_are_gathered_without_pynns_block_merge(tmp_path):
    """PyNN merges every rank's Neo block train by train, in time quadratic in the neurons (it had
    not finished gathering schmidt2018 at N_scaling 0.05 after 6 min); the zoo gathers each rank's
    spike times itself."""
    _need_mpi()
    done = _mpirun(2, TINY + ["--sim", "nest", "--threads", "1", "--out", "gathered"], tmp_path, script=NO_BLOCK_MERGE)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "gathered" / "summary.json").read_text())
    assert {p: s["neurons"] for p, s in summary["populations"].items()} == {"E": 400, "I": 100}
    assert sum(len(t) for t in _spikes(tmp_path / "gathered").values()) > 100


def test_a_two_rank_arm_runs_through_the_validation_command(tmp_path):
    _need_mpi()
    argv = ["rostami2020.tiny", "--duration", "300", "--sims", "nest", "nest@2x1", "--seeds", "1", "--jobs", "1",
            "--runs", str(tmp_path / "runs")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    def validate(out):
        return subprocess.run([sys.executable, "-m", "zoo.validation", *argv, "--out", str(tmp_path / out)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=TIMEOUT_S, env=env)

    first = validate("first")
    assert first.returncode == 3, first.stderr[-2000:]  # one seed judges nothing, and the command says so
    (group,) = (tmp_path / "runs").iterdir()
    prov = json.loads((group / "nest@2x1-seed1" / "provenance.json").read_text())
    assert prov["backend"]["mpi_processes"] == 2 and prov["backend"]["threads"] == 1 and prov["mpi"]["processes"] == 2
    report = json.loads((tmp_path / "first" / "report.json").read_text())
    assert report["arms"] == {"nest": "the zoo on nest, 1 process x 1 thread", "nest@2x1": "the zoo on nest, 2 MPI ranks x 1 thread"}
    assert [(r["backend"], r["ranks"], r["threads"]) for r in report["runs"]] == [("nest", 1, 1), ("nest@2x1", 2, 1)]
    assert "1 and 2 virtual processes" in report["pairing_note"]
    again = validate("again")
    assert again.returncode == 3 and "reusing 2 run(s)" in again.stderr and "running" not in again.stderr


# Without MPI: what the launcher's variables mean, and the refusal of Brian2 that needs no MPI.

def test_launched_reads_the_launchers_variables():
    from zoo.backends import mpi
    from zoo.errors import ZooError

    assert mpi.launched({}) == (1, 0)
    assert mpi.launched({"OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3"}) == (4, 3)
    assert mpi.launched({"PMI_SIZE": "2", "PMI_RANK": "1"}) == (2, 1)
    with pytest.raises(ZooError, match="not a rank of that size"):
        mpi.launched({"PMI_SIZE": "2", "PMI_RANK": "2"})


def test_agree_in_one_process_marks_the_error_as_shared():
    from zoo.backends import mpi
    from zoo.errors import ZooError

    def bad():
        raise ZooError("bad input")

    world = mpi.World()
    assert world.agree(lambda x: x + 1, 1) == 2 and world.gather(5) == [5] and world.root
    with pytest.raises(mpi.Agreed, match="bad input"):
        world.agree(bad)


@pytest.mark.parametrize("rank, printed", [("0", True), ("1", False)])
def test_brian2_as_mpi_ranks_is_refused_in_one_line_by_rank_0(tmp_path, rank, printed):
    env = {**os.environ, "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": rank, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "zoo.run", *TINY, "--sim", "brian2", "--out", "b"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2
    expected = [f"{PROG}: error: brian2 has no distributed mode, but this run was started as 2 MPI processes; run it "
                "without mpirun, or use --sim nest (NEST with MPI)"] if printed else []
    assert (done.stdout + done.stderr).splitlines() == expected
    assert list(tmp_path.iterdir()) == []


def test_plan_for_ranks_writes_memory_per_rank_and_a_slurm_script(tmp_path):
    from zoo.run import cli

    assert cli.main(["rostami2020", "--dry-run", "--ranks", "4", "--threads", "2", "--quiet",
                     "--out", str(tmp_path / "p4")]) == 0
    assert cli.main(["rostami2020", "--dry-run", "--ranks", "1", "--threads", "2", "--quiet",
                     "--out", str(tmp_path / "p1")]) == 0
    plans = {n: json.loads((tmp_path / f"p{n}" / "plan.json").read_text()) for n in (1, 4)}
    parts = {n: plans[n]["memory_parts_bytes"] for n in plans}
    assert parts[4]["simulator_per_rank"] == pytest.approx(parts[1]["simulator_per_rank"] / 4)
    assert parts[4]["fixed_per_rank"] == parts[1]["fixed_per_rank"] > 0
    assert plans[4]["simulate_s"] < plans[1]["simulate_s"] and plans[4]["virtual_processes"] == 8
    job = (tmp_path / "p4" / "job.slurm").read_text()
    assert "#SBATCH --ntasks=4" in job and "#SBATCH --cpus-per-task=2" in job
    assert "srun python -m zoo.run rostami2020 --variant default --sim nest --seed 1 --threads 2" in job


def test_plan_divides_the_drawn_lists_of_a_model_drawn_per_rank():
    """Every model draws each rank's blocks of target neurons alone (64 blocks)."""
    from zoo import registry
    from zoo.backends import estimate

    for name, split in (("schmidt2018.tiny", 64), ("rostami2020", 64), ("zerlaut2018", 64), ("fore2020", 64),
                        ("peng2021", 64)):
        model = registry.create_model(name)
        size = model.expected_size()
        assert size.drawn_split == split
        drawn = {n: estimate.plan(size, model, "nest", n, 1)["memory_parts_bytes"]["drawn_lists_per_rank"]
                 for n in (1, 4, 128)}
        assert drawn[1] == size.build_drawn > 0
        assert drawn[4] == pytest.approx(drawn[1] / min(4, split))
        assert drawn[128] == pytest.approx(drawn[1] / split)


def test_ranks_without_dry_run_is_one_line(capsys):
    from zoo.run import cli

    assert cli.main(["rostami2020", "--ranks", "2"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{PROG}: error: --ranks plans a run with --dry-run; to run on R processes use mpirun -np R"]
