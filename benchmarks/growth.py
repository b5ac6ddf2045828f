"""How the zoo's cost grows with network size, on NEST and Brian2, and how the --dry-run estimate
(zoo.backends.estimate) compares with it.

Series (each point in a process of its own; the backends alternate, and the order of the sizes
reverses every other round):

* ``rostami2020`` at 1, 2, 4, 8 times the neurons at equal in-degrees (connection probabilities
  divided by the factor, as ``benchmarks/rostami2020.py`` scales it);
* ``schmidt2018`` at N_scaling = 0.001, 0.002, 0.004, 0.008, 0.016 with K_scaling fixed at 0.01
  (in-degrees fixed, so synapses grow with the neurons).

Per point: build (``model.build``, NumPy drawing included), the simulation of warm-up + recorded
time in one call (Brian2's code generation included, as in a CLI run) per biological second, and
the peak resident memory of the process; CPU seconds of the process (wall seconds in the JSON).
Beside each measurement, the estimate ``python -m zoo.run ... --dry-run`` would write for that
network (``estimate.estimate`` of its structure). ``--fit`` fits peak memory = base + a neurons +
b synapses and the times per backend by least squares over every point, prints the fitted costs,
and draws the figure ``benchmarks/growth.png``.

    python benchmarks/growth.py --out benchmarks/results/growth-2026-12-06.json
    python benchmarks/growth.py --series rostami2020 --factors 1 2 --backends brian2
    python benchmarks/growth.py --fit benchmarks/results/growth-2026-12-06.json benchmarks/results/growth-2026-12-06-b.json

``tests/test_estimate_growth.py`` checks the estimate against the committed measurements.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from process_costs import claim_output, cpu_seconds, pages_environment

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SEED = 1
ROSTAMI_FACTORS = (1, 2, 4, 8)
SCHMIDT_N = (0.001, 0.002, 0.004, 0.008, 0.016)


def create(series, size, warmup_ms, sim_ms):
    sys.path.insert(0, str(ROOT))
    from zoo import registry

    if series == "rostami2020":
        sys.path.insert(0, str(HERE))
        from rostami2020 import model_params
        from zoo.models.rostami2020 import Rostami2020

        return Rostami2020(model_params(size, warmup_ms, sim_ms))
    return registry.create_model(series, N_scaling=size, K_scaling=0.01, warmup=warmup_ms, simtime=sim_ms)


def child(config):
    sys.path.insert(0, str(ROOT))
    from zoo import backends
    from zoo.backends import estimate
    from zoo.seeds import SeedStreams

    simulator = config["backend"]
    if simulator == "brian2":
        os.environ["ZOO_BRIAN2_CODEGEN"] = "cython"
    model = create(config["series"], config["size"], config["warmup_ms"], config["sim_ms"])
    streams = SeedStreams(SEED)
    wall, cpu = time.perf_counter(), cpu_seconds()
    drawn = model.draw(streams)
    settings = model.simulation_settings(max_delay=0.0, drawn=drawn)  # as a run
    draw_wall, draw_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    backend = backends.setup(simulator, streams, threads=1, **settings)
    wall, cpu = time.perf_counter(), cpu_seconds()
    model.build(backend.sim, streams, drawn)
    del drawn
    build_wall, build_cpu = time.perf_counter() - wall + draw_wall, cpu_seconds() - cpu + draw_cpu
    wall, cpu = time.perf_counter(), cpu_seconds()
    backend.simulate(model.warmup_ms + model.duration_ms)
    sim_wall, sim_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    backend.end()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    structure = model.structure(model.draw(streams)).as_dict()  # after the peak: as --dry-run counts
    guess = estimate.estimate(structure, model, simulator)
    bio_s = (model.warmup_ms + model.duration_ms) / 1000.0
    return {"neurons": structure["totals"]["neurons"], "synapses": structure["totals"]["synapses"],
            "projections": len(structure["projections"]), "populations": len(structure["populations"]),
            "max_delay_ms": settings["max_delay"], "timestep_ms": settings["timestep"],
            "bio_s": bio_s, "build_s": build_wall, "build_cpu_s": build_cpu, "simulate_s": sim_wall,
            "simulate_cpu_s": sim_cpu, "simulate_cpu_per_bio_s": sim_cpu / bio_s, "peak_bytes": peak,
            "estimate": {k: guess[k] for k in ("peak_memory_bytes", "build_s", "simulate_s")}}


def run_point(config, pages="huge"):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(config)],
                          capture_output=True, text=True, cwd=ROOT, check=False, env=pages_environment(pages))
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return dict(config, error=last[:400], process_wall_s=time.perf_counter() - start)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return dict(config, **result, process_wall_s=time.perf_counter() - start)


# ------------------------------------------------------------------------------------------
# fit and figure
# ------------------------------------------------------------------------------------------

def fit(points):
    """Least-squares costs per backend, relative errors (every size counts alike), coefficients
    kept non-negative (a term whose fit comes out negative is dropped):

    peak memory = base + a neurons + b synapses + c projections + k neuron-delay slots (neurons x
    max_delay / dt: NEST sizes each neuron's input buffers by the longest delay);
    build = d synapses + e projections;
    simulate = fixed + biological seconds x (f neurons + g synapses + h projections + m slots), where the
    fixed part is the intercept (Brian2 prepares its code in every run: seconds from its cache).

    Projections have their own term: schmidt2018 has 4-6 thousand of them (rostami2020 eight), and
    on NEST each costs memory and time of its own (PyNN gives each its own synapse model)."""
    import numpy as np

    out = {}
    for backend in sorted({p["backend"] for p in points}):
        mine = [p for p in points if p["backend"] == backend and "error" not in p]
        n = np.array([p["neurons"] for p in mine], float)
        s = np.array([p["synapses"] for p in mine], float)
        j = np.array([p["projections"] for p in mine], float)
        slots = n * np.maximum(1.0, np.array([p["max_delay_ms"] / p["timestep_ms"] for p in mine], float))
        peak = np.array([p["peak_bytes"] for p in mine], float)
        build = np.array([p["build_cpu_s"] for p in mine], float)
        sim = np.array([p["simulate_cpu_s"] for p in mine], float)
        bio = np.array([p["bio_s"] for p in mine], float)
        base, per_n, per_s, per_j, per_slot = _nonneg_lstsq(np.column_stack([np.ones_like(n), n, s, j, slots]), peak)
        build_s, build_j = _nonneg_lstsq(np.column_stack([s, j]), build)
        fixed, sim_n, sim_s, sim_j, sim_slot = _nonneg_lstsq(
            np.column_stack([np.ones_like(n), bio * n, bio * s, bio * j, bio * slots]), sim)
        out[backend] = {"base_bytes": base, "bytes_per_neuron": per_n, "bytes_per_synapse": per_s,
                        "bytes_per_projection": per_j, "bytes_per_delay_slot": per_slot, "build_s_per_synapse": build_s, "build_s_per_projection": build_j,
                        "fixed_s": fixed, "sim_s_per_neuron_s": sim_n, "sim_s_per_synapse_s": sim_s, "sim_s_per_projection_s": sim_j,
                        "sim_s_per_delay_slot_s": sim_slot,
                        "points": len(mine)}
    return out


def _nonneg_lstsq(columns, target):
    import numpy as np

    weights = 1.0 / target
    active = list(range(columns.shape[1]))
    while True:
        a = columns[:, active] * weights[:, None]
        coef, *_ = np.linalg.lstsq(a, target * weights, rcond=None)
        if (coef >= 0).all() or len(active) == 1:
            full = [0.0] * columns.shape[1]
            for i, c in zip(active, coef):
                full[i] = float(max(c, 0.0))
            return full
        active.pop(int(np.argmin(coef)))


def measured_points(paths):
    """The points of the JSON files `paths` without failed ones; a later file supersedes the points
    of the same series, size and backend in earlier ones (a re-measurement after a change)."""
    points = {}
    for path in paths:
        fresh = set()
        for point in json.loads(Path(path).read_text())["points"]:
            key = (point["series"], point["size"], point["backend"])
            if "error" in point:
                continue
            if key not in fresh:
                points[key], fresh = [], fresh | {key}
            points[key].append(point)
    return [point for group in points.values() for point in group]


def current_estimate(point):
    """What zoo.backends.estimate says now for a measured point (as tests/test_estimate_growth.py)."""
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT))
    from zoo.backends import estimate

    settings = {"max_delay": point["max_delay_ms"], "timestep": point["timestep_ms"]}
    model = SimpleNamespace(warmup_ms=point["warmup_ms"], duration_ms=point["sim_ms"],
                            simulation_settings=lambda max_delay=0.0: settings)
    return estimate.cost(point["neurons"], point["synapses"], model, point["backend"], projections=point["projections"])


def figure(points, fitted, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    colours = {"nest": "tab:blue", "brian2": "tab:orange"}
    markers = {"rostami2020": "o", "schmidt2018": "s"}
    for p in points:
        if "error" in p:
            continue
        style = dict(color=colours[p["backend"]], marker=markers.get(p["series"], "^"), ls="none")
        axes[0].plot(p["synapses"], p["peak_bytes"] / 2**20, **style)
        axes[0].plot(p["synapses"], current_estimate(p)["peak_memory_bytes"] / 2**20, color=colours[p["backend"]],
                     marker="x", ls="none")
        axes[1].plot(p["synapses"], p["build_cpu_s"], **style)
        axes[2].plot(p["synapses"], p["simulate_cpu_per_bio_s"], **style)
    sys.path.insert(0, str(ROOT))
    from zoo.backends import estimate

    # the legend gives the coefficients the estimate uses (fitted on a subset of the points: see
    # zoo/backends/estimate.py), not this refit, which --fit prints
    for backend in fitted:
        c = estimate.COEFFICIENTS[backend]
        axes[0].plot([], [], color=colours[backend], ls="none", marker="o",
                     label=f"{backend}: {c['bytes_per_synapse']:.0f} B/syn, {c['bytes_per_neuron'] / 1e3:.1f} kB/neuron, "
                           f"{c['bytes_per_delay_slot']:.0f} B/neuron-delay-step, {c['bytes_per_projection'] / 1e3:.0f} kB/proj., "
                           f"base {c['base_bytes'] / 2**20:.0f} MiB")
    axes[0].plot([], [], color="k", marker="x", ls="none", label="--dry-run estimate (zoo/backends/estimate.py)")
    for marker_series, marker in markers.items():
        axes[1].plot([], [], color="k", marker=marker, ls="none", label=marker_series)
    for ax, title in zip(axes, ("peak memory (MiB)", "build (CPU s)", "simulate (CPU s per biological s, 0.5 s runs)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("synapses")
        ax.set_title(title)
    axes[0].legend(fontsize=6, loc="lower right")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", default=["rostami2020", "schmidt2018"])
    parser.add_argument("--backends", nargs="+", default=["nest", "brian2"])
    parser.add_argument("--factors", type=float, nargs="+", default=list(ROSTAMI_FACTORS))
    parser.add_argument("--n-scalings", type=float, nargs="+", default=list(SCHMIDT_N))
    parser.add_argument("--warmup-ms", type=float, default=100.0)
    parser.add_argument("--sim-ms", type=float, default=400.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pages", default="huge", choices=["ordinary", "huge"],
                        help="memory pages of every point: huge (glibc's malloc.hugetlb, what python -m zoo.run "
                             "uses where it can, and so what --dry-run estimates; the default since 2026-12-07) "
                             "or ordinary (4 kB; the measurements of 2026-12-06)")
    parser.add_argument("--out", help="JSON file for the measurements")
    parser.add_argument("--fit", nargs="+", help="fit the measurements in these JSON files (later ones supersede "
                        "points of the same series, size and backend), print the costs, draw the figure")
    parser.add_argument("--add-counts", help="add projection and population counts to the points of this JSON file")
    parser.add_argument("--figure", default=str(HERE / "growth.png"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    if args.add_counts:  # projections and populations of measured points, as --dry-run counts them
        path = Path(args.add_counts)
        data = json.loads(path.read_text())
        counts = {}
        for point in data["points"]:
            key = (point["series"], point["size"])
            if key not in counts:
                sys.path.insert(0, str(ROOT))
                from zoo.seeds import SeedStreams

                model = create(point["series"], point["size"], point["warmup_ms"], point["sim_ms"])
                structure = model.structure(model.draw(SeedStreams(SEED))).as_dict()
                settings = model.simulation_settings(max_delay=0.0)
                counts[key] = {"projections": len(structure["projections"]), "populations": len(structure["populations"]),
                               "max_delay_ms": settings["max_delay"], "timestep_ms": settings["timestep"]}
            point.update(counts[key])
        path.write_text(json.dumps(data, indent=1))
        return 0
    if args.fit:
        points = measured_points(args.fit)
        fitted = fit(points)
        print(json.dumps(fitted, indent=1))
        figure(points, fitted, args.figure)
        return 0
    args.out = claim_output(args.out)
    sizes = {"rostami2020": args.factors, "schmidt2018": args.n_scalings}
    points = []
    meta = {"load_average_at_start": os.getloadavg(), "cores": os.cpu_count(), "seed": SEED,
            "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms, "pages": args.pages,
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    for round_no in range(args.rounds):
        for series in args.series:
            order = list(sizes[series]) if round_no % 2 == 0 else list(reversed(sizes[series]))
            for size in order:
                backends_order = args.backends if len(points) % 2 == 0 else list(reversed(args.backends))
                for backend in backends_order:
                    config = {"series": series, "size": size, "backend": backend, "round": round_no,
                              "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms}
                    result = run_point(config, args.pages)
                    points.append(result)
                    if "error" in result:
                        print(f"  {series} {size:g} {backend}: FAILED: {result['error']}", file=sys.stderr, flush=True)
                    else:
                        e = result["estimate"]
                        print(f"  {series} {size:g} {backend}: {result['neurons']} neurons, {result['synapses']} synapses: "
                              f"build {result['build_cpu_s']:.2f} CPU s (est {e['build_s']:.2f}), simulate "
                              f"{result['simulate_cpu_s']:.2f} CPU s (est {e['simulate_s']:.2f}), peak "
                              f"{result['peak_bytes'] / 2**20:.0f} MiB (est {e['peak_memory_bytes'] / 2**20:.0f}), "
                              f"{result['process_wall_s']:.0f} s wall", file=sys.stderr, flush=True)
                    if args.out:
                        args.out.write_text(json.dumps({"meta": meta, "points": points}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
