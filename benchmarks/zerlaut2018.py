"""zerlaut2018 (the ntwk README network): the zoo on NEST and Brian2 against the original ntwk code.

Configurations, each run in a process of its own, in alternating order over the rounds:

* ``ntwk``          the original: ntwk (yzerlaut/neural_network_dynamics @ 493623c) runs the Python
                    block of its own README (the RS-FS network, 1500 ms, Brian2 runtime mode),
                    fetched by ``zoo.originals`` at the pinned commit, unmodified; the block is
                    executed up to ``collect_and_run`` (the HDF5 file and the plot are left out),
                    with the four keys ntwk reads (``Erev_Exc`` ...) added to its Model dict from
                    the README's own values (as written it stops with KeyError 'Erev_Exc'); ntwk
                    imports scikit-learn, which the zoo does not need: install it to run this;
* ``zoo-brian2``    ``zerlaut2018`` (default variant: the same README protocol; default
                    ``cell_model='euler'``: zoo.neurons.ADEX_COND_EXP, forward Euler) on Brian2;
* ``zoo-nest``      the same on NEST, one thread (the cell as a NESTML module, compiled once and cached);
* ``zoo-nest-t2``   the same with two threads (what ``python -m zoo.run`` uses on a 2-core machine);
* ``zoo-brian2-aeif``, ``zoo-nest-aeif``: ``cell_model='aeif_cond_exp'``, PyNN's EIF_cond_exp_isfa_ista
                    (Brian2: rk2; NEST: ``aeif_cond_exp``, GSL RKF45 with ``gsl_error_tol`` 1e-6), the
                    zoo's cell before issue 25;
* ``zoo-nest-aeif-tol``  as ``zoo-nest-aeif`` with ``gsl_error_tol`` set to ``--tol`` (default 1e-3)
                    in NEST's defaults of ``aeif_cond_exp`` before the build: does a looser tolerance buy speed?
* ``nestml-compile`` the one-time cost of the NEST module of ADEX_COND_EXP: NESTML code generation and
                    the C++ compile into an empty cache (CPU seconds include the compiler's processes).

Measured per process: build (model/script start -> network ready, NumPy drawing included), the
simulation of the whole protocol (one run of 1500 ms; Brian2's code generation for the run is in
it on both Brian2 sides), and peak resident memory (``ru_maxrss``). Seconds are CPU seconds of the
process (user + system; robust to the other load of a shared machine), wall seconds are in the
JSON file. The zoo configurations write their spikes, and the script compares every NEST variant
with the zoo's Brian2 run of the same seed (same network, same afferent spikes): population rates
and the fraction of spikes with a spike of the same cell within 1 ms on the other side (each NEST
configuration against the Brian2 run of the same cell model). ``--pages huge`` runs every child on
glibc's huge memory pages, as ``python -m zoo.run`` does where it can (zoo/run/huge_pages.py).

    python benchmarks/zerlaut2018.py                       # all configurations, 2 rounds
    python benchmarks/zerlaut2018.py --configs zoo-nest zoo-brian2 --rounds 3
    python benchmarks/zerlaut2018.py --quick               # 300 ms, 1 round, smoke test

ntwk's own code is never committed; without network the original is reported as NOT RUN with the
reason (copy the files as the one-line error of ``python -m zoo.originals zerlaut2018`` says).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from process_costs import Clock, best_per_config, claim_output, cython_modules, pages_environment, fmt, machine_info, peak_bytes, run_rounds

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
# zoo configurations: (simulator, cell_model, threads, loosened GSL tolerance)
ZOO = {"zoo-brian2": ("brian2", "euler", 1, False), "zoo-nest": ("nest", "euler", 1, False),
       "zoo-nest-t2": ("nest", "euler", 2, False), "zoo-brian2-aeif": ("brian2", "aeif_cond_exp", 1, False),
       "zoo-nest-aeif": ("nest", "aeif_cond_exp", 1, False), "zoo-nest-aeif-tol": ("nest", "aeif_cond_exp", 1, True)}
CONFIGS = ("ntwk", *ZOO, "nestml-compile")
TARGETS = {"simulate": 1.1, "peak": 1.3}  # zoo / original, same simulator (Brian2)
NEST_VS_BRIAN2_TARGET = 1.3  # zerlaut2018 on NEST: the protocol at most 1.3x Brian2 (issue 25)


# ------------------------------------------------------------------------------------------
# children
# ------------------------------------------------------------------------------------------

def run_zoo(config, t_stop_ms, tol, spikes_path):
    sys.path.insert(0, str(ROOT))
    from zoo import backends, io, registry
    from zoo.seeds import SeedStreams

    simulator, cell_model, threads, loosened = ZOO[config]
    if simulator == "brian2":
        os.environ["ZOO_BRIAN2_CODEGEN"] = "cython"  # as ntwk (Brian2's runtime default): no probing
    model = registry.create_model("zerlaut2018", cell_model=cell_model)
    if t_stop_ms < model.t_stop_ms:
        model = registry.create_model("zerlaut2018", cell_model=cell_model, duration=t_stop_ms - model.warmup_ms)
    streams = SeedStreams(SEED)
    with Clock() as setup:
        backend = backends.setup(simulator, streams, threads=threads, **model.simulation_settings(max_delay=0.0))
    if loosened:
        import nest

        nest.SetDefaults("aeif_cond_exp", {"gsl_error_tol": tol})
    with Clock() as build:
        network = model.build(backend.sim, streams)
    with Clock() as run:
        backend.simulate(model.t_stop_ms)
    segment = io.collect_segment(network, 0.0, model.t_stop_ms)
    backend.end()
    spikes = {}
    for st in segment.spiketrains:
        pop = st.annotations.get("source_population", st.annotations.get("population"))
        idx = int(st.annotations.get("source_index", st.annotations.get("index")))
        spikes.setdefault(pop, {})[idx] = np.asarray(st.rescale("ms").magnitude, dtype=float)
    np.savez_compressed(spikes_path, **{f"{pop}:{i}": t for pop, cells in spikes.items() for i, t in cells.items()})
    seconds = model.t_stop_ms / 1000.0
    rates = {pop: sum(t.size for t in cells.values()) / len(cells) / seconds for pop, cells in spikes.items()}
    return {"setup_s": setup.wall, "setup_cpu_s": setup.cpu, "build_s": build.wall, "build_cpu_s": build.cpu,
            "simulate_s": run.wall, "simulate_cpu_s": run.cpu, "bio_s": seconds,
            "rate_E": rates.get("E"), "rate_I": rates.get("I"), "threads": threads}


def run_nestml_compile():
    """Generate and compile the NEST module of ADEX_COND_EXP into an empty cache: the one-time cost."""
    sys.path.insert(0, str(ROOT))
    os.environ["ZOO_CACHE_DIR"] = tempfile.mkdtemp(prefix="zoo-nestml-bench-")
    from zoo import backends
    from zoo.neurons import ADEX_COND_EXP

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Clock() as build:
        backends.prepare(ADEX_COND_EXP, "nest")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    compiler_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {"setup_s": 0.0, "setup_cpu_s": 0.0, "build_s": build.wall, "build_cpu_s": build.cpu + compiler_cpu,
            "simulate_s": 0.0, "simulate_cpu_s": 0.0, "bio_s": 1.0, "rate_E": None, "rate_I": None, "threads": 1}


def readme_block(readme):
    """ntwk's README usage example, cut into (imports, build, run) at its own comments."""
    text = readme.read_text()
    block = text.split("## Usage", 1)[1].split("```", 2)[1]
    lines = block.strip("\n").splitlines()
    cut_build = next(i for i, line in enumerate(lines) if line.startswith("import ntwk")) + 1
    cut_run = next(i for i, line in enumerate(lines) if line.strip() == "# run")
    cut_store = next(i for i, line in enumerate(lines) if line.strip() == "# store data")
    return "\n".join(lines[:cut_build]), "\n".join(lines[cut_build:cut_run]), "\n".join(lines[cut_run:cut_store])


def run_ntwk(t_stop_ms):
    sys.path.insert(0, str(ROOT))
    from zoo import originals

    code_dir = originals.require("zerlaut2018")
    os.environ.setdefault("MPLBACKEND", "Agg")
    imports, build_code, run_code = readme_block(code_dir / "README.md")
    sys.path.insert(0, str(code_dir))
    work = tempfile.mkdtemp(prefix="ntwk-bench-")
    os.chdir(work)  # whatever the code writes stays out of the repository
    scope = {}
    with Clock() as setup:
        exec(compile(imports, "ntwk README (imports)", "exec"), scope)
    # The README's Model names the synapses' reversal potentials and time constants Ee, Ei, Tse, Tsi,
    # which ntwk never reads: as written it stops with KeyError 'Erev_Exc' (the shared spec, sec. 1 and 5).
    # The four keys ntwk reads are added with the README's values, after its dict, before its first use.
    fix = "Model.update(Erev_Exc=Model['Ee'], Erev_Inh=Model['Ei'], Tsyn_Exc=Model['Tse'], Tsyn_Inh=Model['Tsi'])\n"
    if t_stop_ms != 1500.0:  # --quick only: the README's tstop changed after its dict
        fix += f"Model['tstop'] = {t_stop_ms!r}\n"
    build_code = build_code.replace("t_array = ntwk", fix + "t_array = ntwk", 1)
    with Clock() as build:
        exec(compile(build_code, "ntwk README (build)", "exec"), scope)
    with Clock() as run:
        exec(compile(run_code, "ntwk README (run)", "exec"), scope)
    ntwk_net = scope["NTWK"]
    seconds = scope["Model"]["tstop"] / 1000.0
    rates = {}
    for name, monitor in zip(ntwk_net["NEURONS"] if "NEURONS" in ntwk_net else [], ntwk_net.get("RASTER", [])):
        rates[name["name"]] = monitor.num_spikes / name["N"] / seconds
    return {"setup_s": setup.wall, "setup_cpu_s": setup.cpu, "build_s": build.wall, "build_cpu_s": build.cpu,
            "simulate_s": run.wall, "simulate_cpu_s": run.cpu, "bio_s": seconds,
            "rate_E": rates.get("Exc"), "rate_I": rates.get("Inh"), "threads": 1}


def child_main(config_json):
    config = json.loads(config_json)
    if config["config"] == "ntwk":
        result = run_ntwk(config["t_stop_ms"])
    elif config["config"] == "nestml-compile":
        result = run_nestml_compile()
    else:
        result = run_zoo(config["config"], config["t_stop_ms"], config["tol"], config["spikes_path"])
    result["peak_bytes"] = peak_bytes()
    result["simulate_per_bio_s"] = result["simulate_s"] / result["bio_s"]
    result["simulate_cpu_per_bio_s"] = result["simulate_cpu_s"] / result["bio_s"]
    print(json.dumps(result))


# ------------------------------------------------------------------------------------------
# parent
# ------------------------------------------------------------------------------------------


def run_child(config, args, spikes_dir, round_no):
    spikes_path = str(spikes_dir / f"{config}-r{round_no}.npz")
    payload = {"config": config, "t_stop_ms": args.t_stop_ms, "tol": args.tol, "spikes_path": spikes_path}
    before = cython_modules()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)],
                          capture_output=True, text=True, cwd=ROOT, check=False, env=pages_environment(args.pages))
    wall = time.perf_counter() - start
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"config": config, "error": last[:400]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(config=config, round=round_no, process_wall_s=wall, new_cython_modules=cython_modules() - before,
                  spikes_path=spikes_path if config in ZOO else None)
    return result


def load_spikes(path):
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def coincidence(a, b, window_ms=1.0):
    """Fraction of spikes in `a` with a spike of the same cell in `b` within `window_ms`, and
    the fraction of identical spike times (to 0.01 ms)."""
    matched = exact = total = 0
    for name, times in a.items():
        other = b.get(name, np.empty(0))
        total += times.size
        if not times.size or not other.size:
            continue
        pos = np.clip(np.searchsorted(other, times), 1, other.size) if other.size > 1 else np.zeros(times.size, int)
        near = np.minimum(np.abs(other[np.clip(pos, 0, other.size - 1)] - times),
                          np.abs(other[np.clip(pos - 1, 0, other.size - 1)] - times))
        matched += int(np.sum(near <= window_ms))
        exact += int(np.sum(near < 0.01))
    return (matched / total if total else float("nan")), (exact / total if total else float("nan"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ntwk-rounds", type=int, default=1,
                        help="rounds of the original (its pure-Python afferent drawing takes ~7 CPU min)")
    parser.add_argument("--tol", type=float, default=1e-3, help="gsl_error_tol of zoo-nest-tol")
    parser.add_argument("--t-stop-ms", type=float, default=1500.0, help="simulated time (README: 1500)")
    parser.add_argument("--quick", action="store_true", help="300 ms, 1 round")
    parser.add_argument("--pages", default="ordinary", choices=["ordinary", "huge"],
                        help="memory pages of every child: ordinary (4 kB) or huge (glibc's malloc.hugetlb, as "
                             "python -m zoo.run uses where it can)")
    parser.add_argument("--out", help="JSON file for the results")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    if args.quick:
        args.t_stop_ms, args.rounds = 300.0, 1
    args.out = claim_output(args.out)
    spikes_dir = Path(tempfile.mkdtemp(prefix="zerlaut-bench-"))
    meta = {"machine": machine_info(), "seed": SEED, "t_stop_ms": args.t_stop_ms, "tol": args.tol, "pages": args.pages,
            "rounds": args.rounds, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    print(f"zerlaut2018 benchmark: {args.t_stop_ms:g} ms, {args.rounds} round(s), configs {' '.join(args.configs)}; "
          f"load {meta['machine'].get('load_average_at_start')}", file=sys.stderr, flush=True)
    def describe(result):
        return (f"build {result['build_cpu_s']:.2f} CPU s, simulate {result['simulate_cpu_per_bio_s']:.2f} CPU s per "
                f"bio-s ({result['simulate_s']:.1f} s wall), peak {result['peak_bytes'] / 2**20:.0f} MiB, E/I "
                f"{fmt(result['rate_E'])}/{fmt(result['rate_I'])} Hz, {result['new_cython_modules']} new Cython module(s)")

    runs, errors = run_rounds(args.configs, args.rounds,
                              lambda config, round_no: run_child(config, args, spikes_dir, round_no), describe,
                              skip=lambda config, round_no: config == "ntwk" and round_no >= args.ntwk_rounds)
    table = best_per_config(runs, args.configs)
    # spikes of every NEST configuration against the zoo's Brian2 run of the same cell model (same
    # network and input), round 0; and the GSL tolerance's effect on NEST's own spikes
    agreement = {}
    first = {c: next((r for r in runs if r["config"] == c and r.get("spikes_path")), None) for c in args.configs}
    pairs = [(c, "zoo-brian2" if ZOO[c][1] == "euler" else "zoo-brian2-aeif") for c in ZOO if ZOO[c][0] == "nest"]
    pairs += [("zoo-nest-aeif-tol", "zoo-nest-aeif"), ("zoo-brian2", "zoo-brian2-aeif"), ("zoo-nest", "zoo-nest-aeif")]
    for mine, other in pairs:
        if first.get(mine) and first.get(other):
            within, exact = coincidence(load_spikes(first[mine]["spikes_path"]), load_spikes(first[other]["spikes_path"]))
            agreement[f"{mine} vs {other}"] = {"within_1ms": within, "identical": exact}

    original = table.get("ntwk")
    lines = ["| config | build CPU s | sim CPU s per bio-s | x ntwk | x Brian2 (same cell) | build + sim CPU s | "
             "x Brian2 (same cell) | peak MiB | x ntwk | E / I Hz | spikes within 1 ms of Brian2 (same cell) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    verdicts = []
    for config, r in table.items():
        if config == "nestml-compile":
            verdicts.append(f"nestml-compile: NESTML code generation + C++ compile of ADEX_COND_EXP, once per "
                            f"definition and NEST version: {r['build_cpu_s']:.1f} CPU s ({r['build_s']:.1f} s wall)")
            continue
        same = "zoo-brian2-aeif" if config in ZOO and ZOO[config][1] == "aeif_cond_exp" else "zoo-brian2"
        brian2 = table.get(same) if config != "ntwk" else table.get("zoo-brian2")
        total = r["build_cpu_s"] + r["simulate_cpu_s"]
        sim_x = r["simulate_cpu_per_bio_s"] / original["simulate_cpu_per_bio_s"] if original else None
        sim_b = r["simulate_cpu_per_bio_s"] / brian2["simulate_cpu_per_bio_s"] if brian2 else None
        tot_b = total / (brian2["build_cpu_s"] + brian2["simulate_cpu_s"]) if brian2 else None
        peak_x = r["peak_bytes"] / original["peak_bytes"] if original else None
        agree = agreement.get(f"{config} vs {same}", {}).get("within_1ms")
        lines.append(f"| {config} | {r['build_cpu_s']:.2f} | {r['simulate_cpu_per_bio_s']:.2f} | {fmt(sim_x)} | {fmt(sim_b)} | "
                     f"{total:.1f} | {fmt(tot_b)} | {r['peak_bytes'] / 2**20:.0f} | {fmt(peak_x)} | "
                     f"{fmt(r['rate_E'], 3)} / {fmt(r['rate_I'], 3)} | {fmt(agree, 3)} |")
        if config.startswith("zoo-brian2") and original:
            verdicts.append(f"{config} / ntwk simulate {sim_x:.2f}x (target <= {TARGETS['simulate']}): "
                            + ("met" if sim_x <= TARGETS["simulate"] else "NOT met"))
            verdicts.append(f"{config} / ntwk peak memory {peak_x:.2f}x (target <= {TARGETS['peak']}): "
                            + ("met" if peak_x <= TARGETS["peak"] else "NOT met"))
        if config.startswith("zoo-nest") and brian2:
            verdicts.append(f"{config} / {same}, build + simulate CPU s: {tot_b:.2f}x (target <= "
                            f"{NEST_VS_BRIAN2_TARGET}): " + ("met" if tot_b <= NEST_VS_BRIAN2_TARGET else "NOT met"))
        if config == "zoo-nest-t2" and brian2:
            wall_b = (r["build_s"] + r["simulate_s"]) / (brian2["build_s"] + brian2["simulate_s"])
            verdicts.append(f"zoo-nest-t2 / zoo-brian2, build + simulate wall s: {wall_b:.2f}x (2 threads against 1; "
                            "wall seconds depend on the machine's other load)")
    for config, reason in errors.items():
        if config not in table:
            verdicts.append(f"NOT RUN: {config}: {reason}")
    spread = {c: (round(r["build_cpu_s_spread"], 3), round(r["simulate_cpu_per_bio_s_spread"], 3)) for c, r in table.items()}
    print("\n".join(lines))
    print("\n".join(verdicts))
    if agreement:
        print("spike agreement: " + "; ".join(f"{k}: {v['within_1ms']:.3f} within 1 ms, {v['identical']:.3f} identical"
                                             for k, v in agreement.items()))
    print(f"round-to-round spread (max/min - 1) of build and simulate CPU s: {spread}")
    if args.out:
        args.out.write_text(json.dumps({"meta": meta, "runs": runs, "best": table, "agreement": agreement,
                                              "errors": errors, "table": lines, "verdicts": verdicts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
