"""fore2020 (the cerebellar granular layer): the zoo on NEST and Brian2 against the original chatmodel code.

Configurations, each run in processes of its own, in alternating order over the rounds:

* ``original``    trfore/ChATmodel @ e5aea56 (the commit the model card cites), ``run_simulation.py``
                  fetched by ``zoo.originals`` and run unmodified (``runpy``, as ``__main__``, in a
                  scratch folder that takes its ``.npy`` files): Control, GABAzine and ACh one after
                  the other in one process, Brian2 runtime mode, ``CHAT_NUM_TRIAL`` = ``--trials``
                  (its only reading of the trial count; the network sizes and seeds stay its defaults);
* ``zoo-brian2``  ``fore2020.control``, ``.gabazine`` and ``.muscarine`` with ``n_trials`` =
                  ``--trials``, on Brian2, each condition in its own process (as
                  ``python -m zoo.models.fore2020.conditions`` runs them);
* ``zoo-nest``    the same on NEST, one thread.

Both sides simulate 3 conditions x ``--trials`` trials of 2 s with the same network sizes
(315 MF, 4096 GrC, 27 GoC).

Phases, CPU seconds (user + system) of the process(es), summed over the three conditions:

* build:    original: from a condition's ``seed(...)`` (its first statement) to ``store(...)``, i.e.
            the network, connections, monitors (its sympy gamma fits included); zoo: drawing and
            building the network (``model.build``), after the simulator's setup;
* simulate: original: its ``run`` calls and the ``restore`` before each trial; zoo:
            ``backend.simulate`` of the back-to-back trials; reported per biological second
            (3 x trials x 2 s);
* after:    original: everything else of a condition (per-trial copies of the recorded
            conductances, its per-neuron pandas analysis, its ``np.save``); zoo: collecting the
            spikes and the spike-probability analysis (``analysis.probabilities``).

The original's phases are timed by wrapping ``brian2.seed`` (before its ``from brian2 import *``
reads it) and the ``store`` / ``restore`` / ``run`` methods of Brian2's magic network; its code is
not touched (the helpers are models/fore2020/original.py's, which runs it for validation). Its per-neuron pandas analysis takes ~15 min per condition here whatever the trial
count, so by default the original is stopped where that analysis starts (``--original-analysis``
lets it run): its "after" is then only its per-trial copies of the recorded conductances.
Peak memory is ``ru_maxrss`` of the process (the zoo: the largest of its three processes, which is
what ``conditions`` needs when it runs them one at a time).

Brian2 compiles its Cython code once per generated code: before the timed rounds, every Brian2
configuration runs once with one trial, untimed (``--no-warm`` skips it); the new modules during the
timed runs are counted.

    python benchmarks/fore2020.py                       # 3 trials per condition, 2 rounds
    python benchmarks/fore2020.py --trials 2 --rounds 1 --configs original zoo-brian2
    python benchmarks/fore2020.py --quick               # 1 trial, 1 round, smoke test

The original's code is never committed; without it (and without network) the original is reported
as NOT RUN with the reason (copy the files as the one-line error of ``python -m zoo.originals fore2020`` says).
"""

import argparse
import json
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from process_costs import Clock, best_per_config, claim_output, cpu_seconds, cython_modules, fmt, machine_info, peak_bytes, run_rounds

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
CONFIGS = ("original", "zoo-brian2", "zoo-nest")
ZOO_CONDITIONS = ("control", "gabazine", "muscarine")
TRIAL_S = 2.0  # both sides: runtime = 2000 ms per trial
TARGETS = {"simulate": 1.1, "peak": 1.3}  # zoo-brian2 / original (same simulator)
FULL_PROTOCOL_TARGET_S = 10.5 * 60  # fore2020's full protocol (3 x 100 trials), either backend



def now():
    return time.perf_counter(), cpu_seconds()


# ------------------------------------------------------------------------------------------
# children
# ------------------------------------------------------------------------------------------

def run_zoo(simulator, condition, trials):
    """One condition of the zoo's fore2020, in this process."""
    sys.path.insert(0, str(ROOT))
    from zoo import backends, io, registry
    from zoo.models.fore2020 import analysis
    from zoo.neurons import LIF_COND_EXP_OU
    from zoo.seeds import SeedStreams

    if simulator == "brian2":
        os.environ["ZOO_BRIAN2_CODEGEN"] = "cython"  # as the original (Brian2's runtime default): no probing
    backends.prepare(LIF_COND_EXP_OU, simulator)  # NEST: the compiled module, cached (untimed, as in `conditions`)
    model = registry.create_model(f"fore2020.{condition}", n_trials=trials)
    streams = SeedStreams(SEED)
    with Clock() as setup:
        backend = backends.setup(simulator, streams, threads=1, **model.simulation_settings(max_delay=0.0))
    with Clock() as build:
        network = model.build(backend.sim, streams)
    total = model.warmup_ms + model.duration_ms
    with Clock() as run:
        backend.simulate(total)
    with Clock() as after:
        segment = io.collect_segment(network, model.warmup_ms, total)
        condition_run = analysis.from_segment(model, segment)
        probability = analysis.probabilities(condition_run)
    backend.end()
    seconds = total / 1000.0
    grc = sum(len(st) for st in condition_run.granule)
    goc = sum(len(st) for st in condition_run.golgi)
    return {"setup_s": setup.wall, "setup_cpu_s": setup.cpu, "build_s": build.wall, "build_cpu_s": build.cpu,
            "simulate_s": run.wall, "simulate_cpu_s": run.cpu, "after_s": after.wall, "after_cpu_s": after.cpu,
            "bio_s": seconds, "rate_GrC": grc / len(condition_run.granule) / seconds,
            "rate_GoC": goc / len(condition_run.golgi) / seconds,
            "peak_probability_mean": float(np.mean(np.max(probability, axis=1)))}


def run_original(trials, analysis=False):
    """chatmodel's run_simulation.py, unmodified, all three conditions, phases timed from outside
    (loaded, seeded as its own code does, and stopped before its analysis by the helpers of
    models/fore2020/original.py, which validation uses too)."""
    import contextlib

    sys.path.insert(0, str(ROOT))
    from zoo import originals
    from zoo.models.fore2020 import original

    code_dir = originals.require("fore2020")
    brian = original.simulator(code_dir)  # the Brian2 it imports
    marks = []  # (event, wall, cpu)
    sim = {"cpu": 0.0, "wall": 0.0}
    counts = []  # its GrC SpikeMonitor's count after each run (restore resets it)

    def newest_monitor_count():
        """Spikes in the newest SpikeMonitor (its one monitor, of the condition running; Brian2
        names them spikemonitor, spikemonitor_1, ...)."""
        monitors = [ref() for ref in brian.SpikeMonitor.__instances__()]
        monitors = [m for m in monitors if m is not None]
        if not monitors:
            return 0
        newest = max(monitors, key=lambda m: int(m.name.rpartition("_")[2]) if "_" in m.name else 0)
        return int(newest.num_spikes)

    def before(name):
        marks.append((name, *now()))
        sim["started"] = now()

    def after(name):
        wall, cpu = now()
        if name != "store":
            sim["wall"] += wall - sim["started"][0]
            sim["cpu"] += cpu - sim["started"][1]
        if name == "run":
            counts.append(newest_monitor_count())

    with contextlib.ExitStack() as stack:
        # its trial count only; network sizes and seeds stay its defaults
        stack.enter_context(original.scratch({"CHAT_NUM_TRIAL": str(trials)}))
        for name in ("store", "restore", "run"):
            original.wrap_magic(stack, brian, name, before, after)
        original.patch_seed(stack, brian, before=lambda: marks.append(("seed", *now())))  # a condition's first statement
        if not analysis:
            # Its per-neuron pandas analysis (4096 .loc lookups into a MultiIndex frame per condition) ran
            # at ~4 neurons per second here (load 6-7): ~15 min per condition; the zoo's counterpart is a
            # NumPy pass. By default it is stopped where that analysis starts, and each condition is run
            # by calling its own trial_sim(Condition), as its main() does.
            original.stop_at_analysis(stack, before=lambda: marks.append(("analysis", *now())))
        start = now()
        if analysis:
            runpy.run_path(str(code_dir / original.SCRIPT), run_name="__main__")
        else:
            namespace = original.load(code_dir)
            for condition in original.CONDITIONS:
                original.run_condition(namespace, condition)
        end = now()
    # split the run into conditions at each seed(...) call
    starts = [i for i, mark in enumerate(marks) if mark[0] == "seed"]
    if len(starts) != len(original.CONDITIONS):
        raise RuntimeError(f"expected {len(original.CONDITIONS)} conditions, saw {len(starts)} seed() calls")
    conditions = []
    build_cpu = build_wall = 0.0
    for k, first in enumerate(starts):
        stop = next(i for i in range(first, len(marks)) if marks[i][0] == "store")
        build_wall += marks[stop][1] - marks[first][1]
        build_cpu += marks[stop][2] - marks[first][2]
        conditions.append({"condition": original.CONDITIONS[k], "build_cpu_s": marks[stop][2] - marks[first][2]})
    total_wall, total_cpu = end[0] - start[0], end[1] - start[1]
    setup_wall, setup_cpu = marks[starts[0]][1] - start[0], marks[starts[0]][2] - start[1]
    seconds = len(original.CONDITIONS) * trials * TRIAL_S
    # spikes per GrC per trial, from its monitor: the count after each run (restore resets it)
    n_grc = int(os.environ.get("CHAT_NUM_GRC", 4096))
    return {"setup_s": setup_wall, "setup_cpu_s": setup_cpu, "build_s": build_wall, "build_cpu_s": build_cpu,
            "simulate_s": sim["wall"], "simulate_cpu_s": sim["cpu"],
            "after_s": total_wall - setup_wall - build_wall - sim["wall"],
            "after_cpu_s": total_cpu - setup_cpu - build_cpu - sim["cpu"],
            "bio_s": seconds, "rate_GrC": sum(counts) / n_grc / seconds, "rate_GoC": None,
            "runs": len(counts), "conditions": conditions, "peak_probability_mean": None,
            "analysis_run": analysis, "stopped_at_analysis": sum(m[0] == "analysis" for m in marks)}


def child_main(config_json):
    config = json.loads(config_json)
    if config["config"] == "original":
        result = run_original(config["trials"], config.get("analysis", False))
    else:
        result = run_zoo(config["config"].removeprefix("zoo-"), config["condition"], config["trials"])
    result["peak_bytes"] = peak_bytes()
    print(json.dumps(result))


# ------------------------------------------------------------------------------------------
# parent
# ------------------------------------------------------------------------------------------


def child(payload):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": last[:400]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def run_config(config, trials, round_no, original_analysis=False):
    """One configuration: the original's one process, or the zoo's three condition processes (summed)."""
    before = cython_modules()
    if config == "original":
        result = child({"config": config, "trials": trials, "analysis": original_analysis})
        if "error" in result:
            return {"config": config, "error": result["error"]}
    else:
        parts = []
        for condition in ZOO_CONDITIONS:
            part = child({"config": config, "condition": condition, "trials": trials})
            if "error" in part:
                return {"config": config, "error": f"{condition}: {part['error']}"}
            part["condition"] = condition
            parts.append(part)
        result = {key: sum(p[key] for p in parts) for key in
                  ("setup_s", "setup_cpu_s", "build_s", "build_cpu_s", "simulate_s", "simulate_cpu_s",
                   "after_s", "after_cpu_s", "bio_s", "process_wall_s")}
        result["peak_bytes"] = max(p["peak_bytes"] for p in parts)
        result["rate_GrC"] = sum(p["rate_GrC"] * p["bio_s"] for p in parts) / result["bio_s"]
        result["rate_GoC"] = sum(p["rate_GoC"] * p["bio_s"] for p in parts) / result["bio_s"]
        result["conditions"] = parts
    result["simulate_cpu_per_bio_s"] = result["simulate_cpu_s"] / result["bio_s"]
    result["simulate_per_bio_s"] = result["simulate_s"] / result["bio_s"]
    result.update(config=config, round=round_no, trials=trials, new_cython_modules=cython_modules() - before)
    return result


def table_lines(table):
    original = table.get("original")
    lines = ["| config | build CPU s | x orig | sim CPU s per bio-s | x orig | after CPU s | "
             "build + sim + after CPU s | x orig | peak MiB | x orig | GrC / GoC Hz |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    verdicts = []
    for config, r in table.items():
        total = r["build_cpu_s"] + r["simulate_cpu_s"] + r["after_cpu_s"]

        def x(mine, theirs):
            return mine / theirs if original else None

        o_total = (original["build_cpu_s"] + original["simulate_cpu_s"] + original["after_cpu_s"]) if original else None
        build_x = x(r["build_cpu_s"], original and original["build_cpu_s"])
        sim_x = x(r["simulate_cpu_per_bio_s"], original and original["simulate_cpu_per_bio_s"])
        tot_x = x(total, o_total)
        peak_x = x(r["peak_bytes"], original and original["peak_bytes"])
        lines.append(f"| {config} | {r['build_cpu_s']:.2f} | {fmt(build_x)} | {r['simulate_cpu_per_bio_s']:.2f} | "
                     f"{fmt(sim_x)} | {r['after_cpu_s']:.2f} | {total:.1f} | {fmt(tot_x)} | "
                     f"{r['peak_bytes'] / 2**20:.0f} | {fmt(peak_x)} | {fmt(r['rate_GrC'], 3)} / {fmt(r['rate_GoC'], 3)} |")
        if config == "zoo-brian2" and original:
            verdicts.append(f"zoo-brian2 / original simulate {sim_x:.2f}x (target <= {TARGETS['simulate']}): "
                            + ("met" if sim_x <= TARGETS["simulate"] else "NOT met"))
            verdicts.append(f"zoo-brian2 / original peak memory {peak_x:.2f}x (target <= {TARGETS['peak']}): "
                            + ("met" if peak_x <= TARGETS["peak"] else "NOT met"))
        if config == "zoo-nest" and original:
            verdicts.append(f"zoo-nest / original simulate {sim_x:.2f}x, build + simulate + after {tot_x:.2f}x "
                            "(the original runs on Brian2 only: the zoo's faster backend should beat it)")
    zoo = {c: r["simulate_cpu_per_bio_s"] for c, r in table.items() if c.startswith("zoo-")}
    if zoo and original:
        fastest = min(zoo, key=zoo.get)
        ratio = zoo[fastest] / original["simulate_cpu_per_bio_s"]
        verdicts.append(f"faster zoo backend ({fastest}) / original simulate {ratio:.2f}x (target < 1): "
                        + ("met" if ratio < 1 else "NOT met"))
    for config, r in table.items():
        if config.startswith("zoo-"):
            # 3 conditions x 100 trials from this run's CPU seconds: simulation scaled by the trials,
            # setup, build and collecting / analysing kept (they hardly grow with the trials)
            estimate = (r["setup_cpu_s"] + r["build_cpu_s"] + r["after_cpu_s"]
                        + r["simulate_cpu_s"] * 100 / r["trials"])
            verdicts.append(f"{config}: the full protocol (3 x 100 trials) extrapolated from this run: "
                            f"~{estimate / 60:.1f} CPU min, ~{estimate / 120:.1f} min wall on 2 free cores "
                            f"(`conditions` runs the 3 at once; target < {FULL_PROTOCOL_TARGET_S / 60:g} min wall; "
                            "not measured here)")
    return lines, verdicts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--trials", type=int, default=3, help="trials per condition, both sides (CHAT_NUM_TRIAL / n_trials)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-warm", action="store_true", help="skip the untimed one-trial run that fills Brian2's cache")
    parser.add_argument("--original-analysis", action="store_true",
                        help="let the original run its per-neuron pandas analysis (~15 CPU min per condition)")
    parser.add_argument("--quick", action="store_true", help="1 trial, 1 round")
    parser.add_argument("--out", help="JSON file for the results")
    parser.add_argument("--report", metavar="JSON", help="print the table and verdicts of a results file again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        lines, verdicts = table_lines(saved["best"])
        verdicts += [f"NOT RUN: {c}: {reason}" for c, reason in saved["errors"].items() if c not in saved["best"]]
        print("\n".join(lines + verdicts))
        return 0
    if args.quick:
        args.trials, args.rounds = 1, 1
    if args.trials < 1 or args.rounds < 1:
        parser.error("--trials and --rounds must be positive")
    args.out = claim_output(args.out)
    meta = {"machine": machine_info(), "seed": SEED, "trials": args.trials, "rounds": args.rounds,
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    print(f"fore2020 benchmark: 3 conditions x {args.trials} trial(s) of 2 s, {args.rounds} round(s), configs "
          f"{' '.join(args.configs)}; load {meta['machine'].get('load_average_at_start')}", file=sys.stderr, flush=True)
    warm = {}
    if not args.no_warm:
        for config in args.configs:
            if config == "zoo-nest":
                continue
            result = run_config(config, 1, -1)
            warm[config] = result.get("error") or f"{result['new_cython_modules']} new Cython module(s)"
            print(f"  warm-up {config} (1 trial, untimed): {warm[config]}", file=sys.stderr, flush=True)
    def describe(result):
        return (f"build {result['build_cpu_s']:.2f} CPU s, simulate {result['simulate_cpu_per_bio_s']:.2f} CPU s per "
                f"bio-s ({result['simulate_s']:.1f} s wall), after {result['after_cpu_s']:.2f} CPU s, peak "
                f"{result['peak_bytes'] / 2**20:.0f} MiB, GrC {fmt(result['rate_GrC'], 3)} Hz, "
                f"{result['new_cython_modules']} new Cython module(s); load {os.getloadavg()[0]:.1f}")

    runs, errors = run_rounds(args.configs, args.rounds,
                              lambda config, round_no: run_config(config, args.trials, round_no, args.original_analysis),
                              describe)
    table = best_per_config(runs, args.configs)
    lines, verdicts = table_lines(table)
    for config, reason in errors.items():
        if config not in table:
            verdicts.append(f"NOT RUN: {config}: {reason}")
    spread = {c: (round(r["build_cpu_s_spread"], 3), round(r["simulate_cpu_per_bio_s_spread"], 3)) for c, r in table.items()}
    meta["load_average_at_end"] = os.getloadavg()
    print("\n".join(lines))
    print("\n".join(verdicts))
    print(f"round-to-round spread (max/min - 1) of build and simulate CPU s: {spread}")
    print(f"load average: start {meta['machine']['load_average_at_start']}, end {meta['load_average_at_end']}")
    if args.out:
        args.out.write_text(json.dumps({"meta": meta, "warm": warm, "runs": runs, "best": table,
                                              "errors": errors, "table": lines, "verdicts": verdicts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
