"""What a user's run costs: ``python -m zoo.run MODEL --sim SIM``, end to end, as a model card reports it.

    python benchmarks/cli_runs.py rostami2020 --sims nest brian2 --repeat 3

Each round runs the CLI in a fresh process per backend (with plots, as a user runs it; the backends
alternate which goes first) and reads the run's own provenance: the phases it timed (build,
connectivity fingerprint, simulate, analysis) and its peak resident memory. The whole run is the
process's wall time, from start to exit, including imports, writing results and figures; CPU
seconds are the child's user + system time. The table gives the best round per column (the
machine is shared) and the load average before each round; the JSON under benchmarks/results/
keeps every round.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from process_costs import claim_output, fmt, machine_info  # noqa: E402

PHASES = ("build", "fingerprint", "simulate", "analysis")


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(spec, sim, threads, seed, extra):
    """One CLI run in its own process: wall, CPU, phases and peak from its provenance."""
    with tempfile.TemporaryDirectory(prefix="zoo-cli-bench-") as tmp:
        out = Path(tmp) / "results"
        command = [sys.executable, "-m", "zoo.run", spec, "--sim", sim, "--seed", str(seed), "--out", str(out),
                   "--quiet", *extra]
        if threads:
            command += ["--threads", str(threads)]
        load = os.getloadavg()[0]
        cpu_before, began = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        wall, cpu = time.perf_counter() - began, _children_cpu() - cpu_before
        provenance = json.loads((out / "provenance.json").read_text())
    return {"sim": sim, "wall_s": wall, "cpu_s": cpu, "load_before": load,
            "threads": provenance["backend"]["threads"], "phases_s": provenance["timing_s"],
            "peak_bytes": provenance["peak_memory_bytes"],
            "recorded_window_ms": provenance["recorded_window_ms"]}


def table(rounds, sims):
    lines = ["| backend | threads | " + " | ".join(PHASES) + " | whole run (wall) | CPU s | peak memory | load |",
             "|---|---|" + "---|" * len(PHASES) + "---|---|---|---|"]
    for sim in sims:
        mine = [r for r in rounds if r["sim"] == sim]
        best = {phase: min(r["phases_s"].get(phase, float("nan")) for r in mine) for phase in PHASES}
        lines.append(
            f"| {sim} | {mine[0]['threads']} | " + " | ".join(f"{fmt(best[p], 1)} s" for p in PHASES)
            + f" | {fmt(min(r['wall_s'] for r in mine), 1)} s | {fmt(min(r['cpu_s'] for r in mine), 1)}"
            + f" | {min(r['peak_bytes'] for r in mine) / 1e9:.2f}-{max(r['peak_bytes'] for r in mine) / 1e9:.2f} GB"
            + f" | {fmt(min(r['load_before'] for r in mine), 1)}-{fmt(max(r['load_before'] for r in mine), 1)} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="model or model.variant, as for python -m zoo.run")
    parser.add_argument("--sims", nargs="+", default=["nest", "brian2"], choices=["nest", "brian2"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="NEST threads (default: the CLI's own default)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--out", type=Path, help="JSON file (default benchmarks/results/cli-<spec>-<date>.json)")
    args = parser.parse_args(argv)
    out = claim_output(args.out, ROOT / "benchmarks" / "results" / f"cli-{args.spec}-{datetime.date.today()}.json")
    extra = [item for text in args.set for item in ("--set", text)]
    rounds = []
    for round_number in range(args.repeat):
        order = args.sims if round_number % 2 == 0 else args.sims[::-1]
        for sim in order:
            result = run_once(args.spec, sim, args.threads if sim == "nest" else 0, args.seed, extra)
            result["round"] = round_number
            rounds.append(result)
            print(f"round {round_number + 1}/{args.repeat} {sim}: {result['wall_s']:.1f} s wall, "
                  f"{result['cpu_s']:.1f} CPU s, load {result['load_before']:.1f}", flush=True)
    print()
    print(table(rounds, args.sims))
    out.write_text(json.dumps({"spec": args.spec, "sets": args.set, "machine": machine_info(),
                               "rounds": rounds}, indent=1))
    print(f"\nwritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
