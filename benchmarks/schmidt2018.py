"""schmidt2018 (the multi-area model): the zoo on NEST (and Brian2) against the reference code,
INM-6/multi-area-model at 355d940, on NEST.

Configurations, each run in a process of its own (the order reverses every other round):

* ``reference``   the reference code, fetched at the data set's commit by ``zoo.originals``
                  (``require("schmidt2018")``) and run unmodified from a scratch copy, as the
                  validation's original arm runs it (``models/schmidt2018/original.py``: scratch
                  copy, environment shims, its parameter dictionaries): ``MultiAreaModel`` with
                  the zoo default's parameters at N_scaling = n, K_scaling = k (ground state,
                  chi = chi_I = 1, its ``tests/fullscale_rates.json``), then the steps of its
                  ``Simulation.simulate`` in its order (prepare, recording devices, areas,
                  cortico-cortical input, gids), the one ``nest.Simulate`` split into warm-up and
                  measured time. It needs the Python packages ``nested_dict`` and ``dicthash``
                  (not the zoo's);
* ``zoo-nest``    ``schmidt2018`` at the same n and k (ground state, the zoo's default) through the
                  zoo's API as a run does it: draw and build, connectivity fingerprint, warm-up,
                  measured time, spikes collected into a Neo segment;
* ``zoo-brian2``  the same on Brian2 (Cython; one thread);
* ``zoo-run``     the whole ``python -m zoo.run schmidt2018 --no-plots`` on NEST (spikes written
                  as NIX, summary, observables, mean field): its peak is the one a user meets.

Per process: build CPU seconds (reference: its data pipeline apart, as ``model`` seconds; zoo: the
NumPy drawing included), simulation CPU seconds per biological second of the measured part (after
the warm-up: NEST's one-off preparation is in the warm-up), and peak resident memory
(``ru_maxrss``); the zoo configurations also report the resident memory after each step. Seconds
are CPU seconds (user + system, robust to other load; with 2 threads about twice the wall
seconds), wall seconds are in the JSON file. NEST threads: ``--threads`` (2 as in issue 24).
Memory pages: ``--pages ordinary huge`` runs every configuration on each, the reference and the zoo
on the same (``huge``: glibc's ``malloc.hugetlb``, which ``python -m zoo.run`` switches on for
itself, zoo/run/huge_pages.py); ``ordinary`` is the default.

    python benchmarks/schmidt2018.py --out benchmarks/results/schmidt2018-DATE.json       # n = k = 0.01
    python benchmarks/schmidt2018.py --scales 0.002 0.005 0.01 --k 0.01 --configs reference zoo-nest zoo-brian2
    python benchmarks/schmidt2018.py --quick                                              # n = 0.002, 50 + 50 ms

None of the reference code is committed; without it (no network, no copy in the cache) the
reference is reported as NOT RUN with the reason.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from process_costs import Clock, best, claim_output, fmt, machine_info, pages_environment, peak_bytes, run_rounds

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
CONFIGS = ("reference", "zoo-nest", "zoo-brian2", "zoo-run")
TARGETS = {"peak": 1.3, "simulate": 1.1}  # zoo-nest / reference (issue 24)



def resident_mib():
    """(current, peak) resident memory of this process in MiB, from /proc."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line[:5]] = int(line.split()[1]) / 1024
    return round(found.get("VmRSS", 0.0)), round(found.get("VmHWM", 0.0))


# ------------------------------------------------------------------------------------------
# children
# ------------------------------------------------------------------------------------------

def run_reference(c):
    from zoo import originals, registry
    from zoo.models.schmidt2018 import original

    params = registry.create_model("schmidt2018", N_scaling=c["n"], K_scaling=c["k"]).params
    with original.scratch_copy(originals.require("schmidt2018")) as base:
        import nest

        with Clock() as model:
            M = original.build(params, base, SEED, c["threads"], t_sim=c["warmup_ms"] + c["sim_ms"])
        sim = M.simulation
        with Clock() as build:  # Simulation.simulate up to its nest.Simulate, in its order
            sim.prepare()
            sim.create_recording_devices()
            sim.create_areas()
            sim.cortico_cortical_input()
            sim.save_network_gids()
        built = resident_mib()
        with Clock() as warmup:
            nest.Simulate(c["warmup_ms"])
        with Clock() as run:
            nest.Simulate(c["sim_ms"])
        status = nest.GetKernelStatus()
        return {"model_s": model.wall, "model_cpu_s": model.cpu, "build_s": build.wall, "build_cpu_s": build.cpu,
                "warmup_s": warmup.wall, "warmup_cpu_s": warmup.cpu, "simulate_s": run.wall,
                "simulate_cpu_s": run.cpu, "neurons": len(nest.GetNodes({"element_type": "neuron"})),
                "synapses_nest": int(status["num_connections"]), "spikes": int(status["local_spike_counter"]),
                "steps_mib": {"built": built, "simulated": resident_mib()}}


def run_zoo(c):
    from zoo import backends, io, registry
    from zoo.backends.fingerprint import fingerprint
    from zoo.seeds import SeedStreams

    simulator = "brian2" if c["config"] == "zoo-brian2" else "nest"
    if simulator == "brian2":
        os.environ["ZOO_BRIAN2_CODEGEN"] = "cython"
    steps = {}
    model = registry.create_model("schmidt2018", N_scaling=c["n"], K_scaling=c["k"], warmup=c["warmup_ms"],
                                  simtime=c["sim_ms"])
    streams = SeedStreams(SEED)
    with Clock() as draw:  # as a run: the longest delay drawn sizes NEST's buffers
        drawn = model.draw(streams)
        settings = model.simulation_settings(max_delay=0.0, drawn=drawn)
    backend = backends.setup(simulator, streams, threads=c["threads"] if simulator == "nest" else 1, **settings)
    steps["setup"] = resident_mib()
    with Clock() as build:
        totals = model.structure(drawn).as_dict()["totals"]
        network = model.build(backend.sim, streams, drawn)
        del drawn
    steps["built"] = resident_mib()
    prints = fingerprint(network, total=totals["synapses"])
    steps["fingerprint"] = resident_mib()
    with Clock() as warmup:
        backend.simulate(model.warmup_ms)
    steps["warm-up"] = resident_mib()
    with Clock() as run:
        backend.simulate(model.duration_ms)
    steps["simulated"] = resident_mib()
    segment = io.collect_segment(network, model.warmup_ms, model.warmup_ms + model.duration_ms)
    steps["collected"] = resident_mib()
    spikes = sum(st.size for st in segment.spiketrains)
    backend.end()
    return {"build_s": draw.wall + build.wall, "build_cpu_s": draw.cpu + build.cpu, "max_delay_ms": settings["max_delay"],
            "warmup_s": warmup.wall, "warmup_cpu_s": warmup.cpu,
            "simulate_s": run.wall, "simulate_cpu_s": run.cpu, "neurons": int(totals["neurons"]),
            "synapses": int(totals["synapses"]), "spikes_recorded": int(spikes), "fingerprint": prints["sha256"],
            "steps_mib": steps}


def run_cli(c, out):
    """The whole CLI run in a child of this child: its peak is in its provenance."""
    command = [sys.executable, "-m", "zoo.run", "schmidt2018", "--sim", "nest", "--seed", str(SEED), "--threads",
               str(c["threads"]), "--out", str(out), "--no-plots", "--quiet"]
    for name, value in (("N_scaling", c["n"]), ("K_scaling", c["k"]), ("warmup", c["warmup_ms"]),
                        ("simtime", c["sim_ms"])):
        command += ["--set", f"{name}={value}"]
    with Clock() as whole:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise RuntimeError((done.stderr.strip().splitlines() or ["(no message)"])[-1])
    provenance = json.loads((out / "provenance.json").read_text())
    return {"process_s": whole.wall, "peak_cli_bytes": provenance["peak_memory_bytes"],
            "timing_s": provenance["timing_s"], "fingerprint": provenance["connectivity_fingerprint"]["sha256"]}


def child_main(config_json):
    c = json.loads(config_json)
    sys.path.insert(0, str(ROOT))
    if c["config"] == "reference":
        result = run_reference(c)
    elif c["config"] == "zoo-run":
        out = Path(tempfile.mkdtemp(prefix="schmidt-bench-")) / "run"
        try:
            result = run_cli(c, out)
        finally:
            shutil.rmtree(out.parent, ignore_errors=True)
        result["peak_bytes"] = result.pop("peak_cli_bytes")
        print(json.dumps(result))
        return
    else:
        result = run_zoo(c)
    result["peak_bytes"] = peak_bytes()
    bio_s = c["sim_ms"] / 1000.0
    result["simulate_per_bio_s"] = result["simulate_s"] / bio_s
    result["simulate_cpu_per_bio_s"] = result["simulate_cpu_s"] / bio_s
    print(json.dumps(result))


# ------------------------------------------------------------------------------------------
# parent
# ------------------------------------------------------------------------------------------

def run_child(payload):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)],
                          capture_output=True, text=True, cwd=ROOT, check=False,
                          env=pages_environment(payload["pages"]))
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return dict(payload, error=last[:400])
    return dict(payload, **json.loads(done.stdout.strip().splitlines()[-1]),
                process_wall_s=time.perf_counter() - start, load_average=os.getloadavg())


def table(results, configs, scales, pages=("ordinary",)):
    lines = ["| n | k | pages | config | neurons | build CPU s | sim CPU s per bio-s | x ref | sim wall s per bio-s | "
             "peak MiB | x ref |", "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for n, kind in ((n, kind) for n in scales for kind in pages):
        mine = {r["config"]: r for r in results if r["n"] == n and r.get("pages", "ordinary") == kind}
        ref = mine.get("reference")
        for config in configs:
            r = mine.get(config)
            if r is None:
                continue
            peak_x = r["peak_bytes"] / ref["peak_bytes"] if ref else None
            sim_x = (r["simulate_cpu_per_bio_s"] / ref["simulate_cpu_per_bio_s"]
                     if ref and "simulate_cpu_per_bio_s" in r else None)
            lines.append(f"| {n:g} | {r['k']:g} | {kind} | {config} | {r.get('neurons', '-')} | {fmt(r.get('build_cpu_s'), 1)} | "
                         f"{fmt(r.get('simulate_cpu_per_bio_s'), 1)} | {fmt(sim_x)} | "
                         f"{fmt(r.get('simulate_per_bio_s'), 1)} | {r['peak_bytes'] / 2**20:.0f} | {fmt(peak_x)} |")
            if config == "zoo-nest" and ref:
                verdicts.append(f"n = {n:g}, {kind} pages: zoo-nest / reference peak {peak_x:.2f}x (target <= {TARGETS['peak']}): "
                                + ("met" if peak_x <= TARGETS["peak"] else "NOT met")
                                + f"; simulate CPU s per bio-s {sim_x:.2f}x (target <= {TARGETS['simulate']}): "
                                + ("met" if sim_x <= TARGETS["simulate"] else "NOT met"))
    return lines, verdicts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["reference", "zoo-nest", "zoo-run"], choices=CONFIGS)
    parser.add_argument("--scales", nargs="+", type=float, default=[0.01], help="N_scaling values")
    parser.add_argument("--k", type=float, default=None, help="K_scaling (default: equal to each N_scaling)")
    parser.add_argument("--threads", type=int, default=2, help="NEST threads (reference and zoo)")
    parser.add_argument("--warmup-ms", type=float, default=100.0)
    parser.add_argument("--sim-ms", type=float, default=300.0, help="measured biological time")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pages", nargs="+", default=["ordinary"], choices=["ordinary", "huge"],
                        help="memory pages of every child, reference and zoo alike: ordinary (4 kB), or huge "
                             "(glibc's malloc.hugetlb, as python -m zoo.run uses where it can)")
    parser.add_argument("--quick", action="store_true", help="n = k = 0.002, 50 + 50 ms")
    parser.add_argument("--out", help="JSON file for the results (not overwritten)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    if args.quick:
        args.scales, args.warmup_ms, args.sim_ms = [0.002], 50.0, 50.0
    args.out = claim_output(args.out)
    meta = {"machine": machine_info(), "seed": SEED, "threads": args.threads, "pages": args.pages, "warmup_ms": args.warmup_ms,
            "sim_ms": args.sim_ms, "rounds": args.rounds, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "command": " ".join(["python", "benchmarks/schmidt2018.py"] + (argv or sys.argv[1:]))}
    print(f"schmidt2018 benchmark: n {args.scales}, k {args.k or 'n'}, {args.threads} thread(s), "
          f"{args.warmup_ms:g} + {args.sim_ms:g} ms; load {meta['machine'].get('load_average_at_start')}",
          file=sys.stderr, flush=True)
    points = [(config, n, pages) for n in args.scales for pages in args.pages for config in args.configs]

    def run_one(point, round_no):
        config, n, pages = point
        return run_child({"config": config, "n": n, "k": args.k or n, "threads": args.threads, "pages": pages,
                          "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms, "round": round_no})

    def describe(result):
        return (f"build {fmt(result.get('build_cpu_s'), 1)} CPU s, simulate {fmt(result.get('simulate_cpu_per_bio_s'), 1)} "
                f"CPU s per bio-s, peak {result['peak_bytes'] / 2**20:.0f} MiB, steps {result.get('steps_mib')}, "
                f"load {result['load_average'][0]:.1f}")

    runs, errors = run_rounds(points, args.rounds, run_one, describe)
    best_runs = [best(mine) for config, n, pages in points
                 if (mine := [r for r in runs if (r["config"], r["n"], r["pages"]) == (config, n, pages)])]
    lines, verdicts = table(best_runs, args.configs, args.scales, args.pages)
    verdicts += [f"NOT RUN: {name}: {reason}" for name, reason in errors.items()]
    print("\n".join(lines + verdicts))
    if args.out:
        args.out.write_text(json.dumps({"meta": meta, "runs": runs, "best": best_runs, "errors": errors,
                                              "table": lines, "verdicts": verdicts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
