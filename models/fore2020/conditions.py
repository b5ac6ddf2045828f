"""Run control, GABAzine and muscarine on one network and compare them as the paper does.

    python -m zoo.models.fore2020.conditions --sim nest
    python -m zoo.models.fore2020.conditions --sim brian2 --seed 2 --set n_trials=10 --out results/fore2020-b2
    python -m zoo.models.fore2020.conditions --sim nest --quirks      # the reference code's weights

Each condition is a normal zoo run in its own process (results directory OUT/CONDITION, as
``python -m zoo.run fore2020.CONDITION`` writes it); then OUT/comparison.json holds the
cross-condition numbers (GABAzine/control peak ratio, increase/decrease cells under muscarine,
conductances per group) and OUT/figures/ the model panels. --set changes the control parameters; each drug change is applied on top.
"""

import argparse
import concurrent.futures
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from zoo import backends
from zoo.backends import SIMULATORS
from zoo.errors import ZooError
from zoo.neurons import LIF_COND_EXP_OU
from zoo.seeds import SeedStreams

from .network import Fore2020
from .variants import CONDITIONS, VARIANTS


def _parser():
    parser = argparse.ArgumentParser(prog="python -m zoo.models.fore2020.conditions", description=__doc__.split("\n")[0])
    parser.add_argument("--sim", choices=SIMULATORS, default=SIMULATORS[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1, help="NEST threads per condition (default: 1)")
    parser.add_argument("--jobs", type=int,
                        help="conditions run at a time, each in its own single-threaded process (default: all of "
                             "them; on two cores 3 x 100 trials take 7-10 min on either backend)")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--quirks", action="store_true", help="the reference code's correlated per-trial weights")
    parser.add_argument("--conditions", nargs="+", default=list(CONDITIONS), choices=CONDITIONS)
    parser.add_argument("--out", help="results directory (default: results/fore2020-conditions-SIM-seedSEED)")
    parser.add_argument("--force", action="store_true", help="replace existing results")
    parser.add_argument("--no-figures", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    return parser


def compare_directory(out, seed, conditions=CONDITIONS, figures=True):
    """Read OUT/<condition>/ back, compare the conditions, write comparison.json and figures."""
    from zoo.models.fore2020 import analysis
    from zoo.io import load_segment

    out = Path(out)
    streams = SeedStreams(seed)
    runs = {}
    for name in conditions:
        provenance = json.loads((out / name / "provenance.json").read_text())
        params = {row["name"]: row["value"] for row in provenance["parameters"]}
        model = Fore2020(Fore2020().params.replace(**params), variant=name)
        runs[name] = analysis.from_segment(model, load_segment(out / name / "spikes.nix")[0])
    cells, traces, summary = analysis.compare(runs, streams)
    (out / "comparison.json").write_text(json.dumps(summary, indent=2))
    if figures and {"control", "gabazine", "muscarine"} <= set(runs):
        from zoo.models.fore2020 import figures as fore2020_plots

        fore2020_plots.all_figures(cells, traces, out / "figures")
    return summary


def _run_condition(name, args, out):
    """One condition as its own `python -m zoo.run` process; returns (wall s, peak RSS bytes).

    A fresh process per condition keeps Brian2's generated-code names, hence its compiled Cython
    cache, the same in every condition (a second network in one process gets new object names and
    is compiled again: minutes on a busy machine).
    """
    command = [sys.executable, "-m", "zoo.run", f"fore2020.{name}", "--sim", args.sim, "--seed", str(args.seed),
               "--threads", str(args.threads), "--out", str(out / name), "--no-plots"]
    if args.force:
        command.append("--force")
    if args.quiet:
        command.append("--quiet")
    if args.quirks:
        command += ["--set", "reference_quirks=true"]
    for text in args.assignments:
        command += ["--set", text]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command)
    if done.returncode != 0:
        raise ZooError(f"the {name} run failed (exit status {done.returncode}); see the messages above")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - start, max(peak, before) * 1024


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        base = VARIANTS["reference_quirks" if args.quirks else "control"].params
        base.replace(**dict(base.parse_assignment(text) for text in args.assignments))  # check before running
        out = Path(args.out or f"results/fore2020-conditions-{args.sim}-seed{args.seed}")
        args.jobs = args.jobs or len(args.conditions)
        if args.jobs < 1 or args.threads < 1:
            raise ZooError("--jobs and --threads must be positive integers")
        start = time.perf_counter()
        backends.prepare(LIF_COND_EXP_OU, args.sim)  # e.g. compile once, not once per condition process
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            done = dict(zip(args.conditions, pool.map(lambda name: _run_condition(name, args, out), args.conditions)))
        timings = {name: wall for name, (wall, _) in done.items()}
        peaks = {name: peak for name, (_, peak) in done.items()}
        timings["all"] = time.perf_counter() - start
        summary = compare_directory(out, args.seed, args.conditions, figures=not args.no_figures)
        summary.update({"wall_s": timings, "peak_rss_bytes": max(peaks.values()), "simulator": args.sim,
                        "seed": args.seed, "threads": args.threads, "jobs": args.jobs})
        (out / "comparison.json").write_text(json.dumps(summary, indent=2))
        print(json.dumps(summary, indent=2))
        return 0
    except ZooError as err:
        print(f"python -m zoo.models.fore2020.conditions: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
