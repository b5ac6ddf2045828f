"""One model on NEST with MPI as 1 and 2 ranks (1 thread each): times, memory per rank, fingerprint.

    python benchmarks/mpi_ranks.py rostami2020 --duration 1000
    python benchmarks/mpi_ranks.py schmidt2018 --set N_scaling=0.005 --set K_scaling=0.005 --duration 500

Needs NEST with MPI and mpi4py (tools/install-nest-mpi). Each run is ``python -m zoo.run`` (1 rank)
or ``mpirun -np 2 python -m zoo.run`` into a fresh results directory under a temporary folder; the
numbers come from its provenance.json (per-rank peak memory and times) and spikes.nix.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def launcher(ranks):
    if ranks == 1:
        return []
    command = ["mpirun", "-np", str(ranks)]
    if "Open MPI" in subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout:
        command += ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return command


def run(model, ranks, extra, folder):
    out = folder / f"{ranks}ranks"
    command = launcher(ranks) + [sys.executable, "-m", "zoo.run", model, "--sim", "nest", "--threads", "1",
                                 "--no-plots", "--quiet", "--out", str(out), *extra]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    prov = json.loads((out / "provenance.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    per_rank = prov.get("mpi", {}).get("per_rank") or [{"peak_memory_bytes": prov["peak_memory_bytes"],
                                                        "timing_s": prov["timing_s"]}]
    return {
        "ranks": ranks,
        "build_s": prov["timing_s"]["build"],
        "simulate_s": prov["timing_s"]["simulate"],
        "peak_gb_per_rank": [r["peak_memory_bytes"] / 1e9 for r in per_rank],
        "fingerprint": (prov["connectivity_fingerprint"]["sha256"] or prov["connectivity_fingerprint"]["scope"])[:16],
        "rates": {p: round(s["mean_rate_hz"], 3) for p, s in list(summary["populations"].items())[:4]},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--set", dest="assignments", action="append", default=[])
    args = parser.parse_args()
    extra = [a for assignment in args.assignments for a in ("--set", assignment)]
    if args.duration:
        extra += ["--duration", f"{args.duration:g}"]
    with tempfile.TemporaryDirectory() as folder:
        rows = [run(args.model, ranks, extra, Path(folder)) for ranks in (1, 2)]
    print(f"{args.model} {' '.join(extra)} on NEST with MPI, 1 thread per rank")
    print(f"{'ranks':>5} {'build s':>8} {'sim s':>8} {'peak GB per rank':>18} {'fingerprint':>17}  rates (1/s)")
    for row in rows:
        peaks = " + ".join(f"{p:.2f}" for p in row["peak_gb_per_rank"])
        print(f"{row['ranks']:>5} {row['build_s']:>8.1f} {row['simulate_s']:>8.1f} {peaks:>18} {row['fingerprint']:>17}  "
              f"{row['rates']}")


if __name__ == "__main__":
    main()
