"""The paper's scan: input-map scale x map seed, each map run with the three inhibition conditions.

    python -m zoo.models.peng2021.scan --sim brian2                      # 8 scales x 5 map seeds (default)
    python -m zoo.models.peng2021.scan --sim nest --variant tiny         # CI size: 2 scales x 2 seeds
    python -m zoo.models.peng2021.scan --sim brian2 --variant pinwheel   # scales are pinwheel spacings
    python -m zoo.models.peng2021.scan --sim brian2 --scales 50 200 --map-seeds 1 2 3 --set axon_b=50

Every (scale, map seed) is one ordinary zoo run (``python -m zoo.run peng2021.VARIANT``, polar,
circular and no inhibition side by side) in its own process, in OUT/runs/scale-S_seed-K; the
master seed is the map seed unless --seed fixes it, so each map also gets its own interneuron
positions. A finished run is kept: an interrupted scan continues where it stopped (a run whose
parameters differ from the ones asked for is an error, not silently reused). At the end OUT holds
scan.json and scan.csv (one row per map: Delta HDI and the per-condition statistics),
delta_hdi_vs_scale.png, and claims.json: the published claims (spec 4.2) judged on this scan.
"""

import argparse
import concurrent.futures
import csv
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from zoo import backends
from zoo.backends import SIMULATORS
from zoo.errors import ZooError
from zoo.neurons import HH_COND_EXP_TRAUB

from .variants import VARIANTS

# Default scales: 8 from salt-and-pepper (25 um, under two grid spacings) to the sheet (900 um),
# spaced by a factor 36^(1/7) ~ 1.67; the axon is 200 um long. The tiny sheet is 300 um.
DEFAULT_SCALES = (25.0, 42.0, 70.0, 116.0, 194.0, 323.0, 539.0, 900.0)
DEFAULT_MAP_SEEDS = (1, 2, 3, 4, 5)
TINY_SCALES = (50.0, 150.0)
TINY_MAP_SEEDS = (1, 2)
ROW_KEYS = ("delta_HDI", "relative_delta_HDI", "fraction_improved", "delta_HDI_polar_none", "delta_HDI_circular_none",
            "mean_HDI_polar", "mean_HDI_circular", "mean_HDI_none", "peak_rate_hz_polar", "peak_rate_hz_circular",
            "peak_rate_hz_none", "direction_error_deg_polar", "direction_error_deg_circular", "direction_error_deg_none")


def _parser():
    parser = argparse.ArgumentParser(prog="python -m zoo.models.peng2021.scan", description=__doc__.split("\n")[0])
    parser.add_argument("--sim", choices=SIMULATORS, default=SIMULATORS[0])
    parser.add_argument("--variant", default="default", help="parameter set of every run (default, tiny, pinwheel, ...)")
    parser.add_argument("--scales", type=float, nargs="+", help="map scales in um (Perlin s or pinwheel spacing)")
    parser.add_argument("--map-seeds", type=int, nargs="+", help="map seeds (0..255)")
    parser.add_argument("--seed", type=int, help="master seed of every run (default: the run's map seed)")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time, each single-threaded (default: 2)")
    parser.add_argument("--out", help="scan directory (default: results/peng2021-scan-VARIANT-SIM)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages or tables of the single runs")
    return parser


def scale_parameter(params):
    """The parameter that the scan's scale sets for this parameter set's map kind."""
    return "perlin_scale" if params.map_kind == "perlin" else "pinwheel_spacing"


def plan(args):
    """(base params, [(scale, map seed, master seed, overrides dict, run dir name)]) for the arguments."""
    if args.variant not in VARIANTS:
        raise ZooError(f"unknown variant of peng2021 '{args.variant}'; choose from: {', '.join(sorted(VARIANTS))}")
    base = VARIANTS[args.variant].params
    overrides = dict(base.parse_assignment(text) for text in args.assignments)
    base = base.replace(**overrides)
    tiny = args.variant == "tiny"
    scales = args.scales or (TINY_SCALES if tiny else DEFAULT_SCALES)
    seeds = args.map_seeds or (TINY_MAP_SEEDS if tiny else DEFAULT_MAP_SEEDS)
    if args.jobs < 1:
        raise ZooError(f"--jobs must be positive, got {args.jobs}")
    if args.seed is not None and args.seed < 0:
        raise ZooError(f"--seed must not be negative, got {args.seed}")
    name = scale_parameter(base)
    runs = []
    for scale in scales:
        for seed in seeds:
            changes = {name: float(scale), "map_seed": int(seed)}
            base.replace(**changes)  # one-line error for an impossible scale or seed, before anything runs
            runs.append((float(scale), int(seed), args.seed if args.seed is not None else int(seed), changes,
                         f"scale-{scale:g}_seed-{seed}"))
    return base, overrides, runs


def _expected_parameters(base, changes):
    return {name: (list(v) if isinstance(v, tuple) else v) for name, v in base.replace(**changes).values().items()}


def finished(path, expected, simulator, master_seed):
    """True if `path` holds a complete run with these parameters; ZooError if it holds another run."""
    provenance = path / "provenance.json"
    if not provenance.is_file() or not (path / "summary.json").is_file():
        return False
    record = json.loads(provenance.read_text())
    found = {row["name"]: row["value"] for row in record["parameters"]}
    if found != expected or record["backend"]["simulator"] != simulator or record["seeds"]["master"] != master_seed:
        differing = sorted(k for k in expected if found.get(k) != expected[k])
        raise ZooError(f"{path} holds a run with other settings ({', '.join(differing) or 'simulator or seed'}); "
                       "choose another --out or remove it")
    return True


def _command(args, overrides, changes, master_seed, out):
    command = [sys.executable, "-m", "zoo.run", f"peng2021.{args.variant}", "--sim", args.sim, "--seed", str(master_seed),
               "--threads", "1", "--out", str(out), "--no-plots"]
    if args.quiet:
        command.append("--quiet")
    for name, value in {**overrides, **changes}.items():
        command += ["--set", f"{name}={','.join(map(str, value)) if isinstance(value, tuple) else value}"]
    return command


def row(path, scale, seed):
    """One scan row from a finished run directory."""
    summary = json.loads((path / "summary.json").read_text())
    provenance = json.loads((path / "provenance.json").read_text())
    observables = summary["observables"]
    found = {"scale_um": scale, "map_seed": seed, "run": path.name,
             "wall_s": sum(provenance.get("timing_s", {}).values()),
             "peak_memory_bytes": provenance.get("peak_memory_bytes")}
    found.update({key: observables.get(key) for key in ROW_KEYS})
    for name in ("E_polar", "E_circular", "E_none", "I_polar", "I_circular"):
        found[f"rate_hz_{name}"] = summary["populations"].get(name, {}).get("mean_rate_hz")
    return found


def claims(rows):
    """The published claims (spec 4.2) judged on a scan; each with what was measured.

    (a) polar > circular at intermediate scales in most maps: at some scale strictly between the
        smallest and the largest, Delta HDI > 0 in more than half the maps and its mean exceeds
        twice its standard error;
    (b) the effect vanishes at both ends: |mean Delta HDI| at the smallest and at the largest scale
        is below half the largest |mean| at an intermediate scale (or within 2 standard errors of 0);
    (c) without inhibition HDI is the input-driven baseline: the none condition's HDI is the same for
        every map at a scale (the drive is deterministic and the map's directions are uniform), to
        within 0.02, and its preferred directions match the input (mean error < 15 degrees).
    """
    scales = sorted({r["scale_um"] for r in rows})
    per_scale = {}
    for s in scales:
        values = np.array([r["delta_HDI"] for r in rows if r["scale_um"] == s and r.get("delta_HDI") is not None], float)
        n = values.size
        per_scale[s] = {"n_maps": int(n), "mean": float(values.mean()) if n else None,
                        "sem": float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else None,
                        "positive": int((values > 0).sum())}
    inner = scales[1:-1]
    best = max(inner, key=lambda s: per_scale[s]["mean"] if per_scale[s]["mean"] is not None else -np.inf) if inner else None
    a = False
    if best is not None:
        b_ = per_scale[best]
        a = b_["positive"] > b_["n_maps"] / 2 and b_["sem"] is not None and b_["mean"] > 2 * b_["sem"]
    ends_small = []
    peak = max((abs(per_scale[s]["mean"]) for s in inner if per_scale[s]["mean"] is not None), default=0.0)
    for s in (scales[0], scales[-1]) if len(scales) > 1 else ():
        m, e = per_scale[s]["mean"], per_scale[s]["sem"]
        ends_small.append(m is not None and (abs(m) < 0.5 * peak or (e is not None and abs(m) <= 2 * e)))
    none_hdi = {s: [r["mean_HDI_none"] for r in rows if r["scale_um"] == s and r.get("mean_HDI_none") is not None] for s in scales}
    spread = max((max(v) - min(v) for v in none_hdi.values() if v), default=np.nan)
    errors = [r["direction_error_deg_none"] for r in rows if r.get("direction_error_deg_none") is not None]
    c = bool(np.isfinite(spread) and spread <= 0.02 and errors and max(errors) < 15.0)
    return {
        "per_scale_delta_HDI": {f"{s:g}": v for s, v in per_scale.items()},
        "a_polar_better_at_intermediate_scale": {"holds": bool(a), "best_intermediate_scale_um": best},
        "b_effect_vanishes_at_both_ends": {"holds": bool(len(ends_small) == 2 and all(ends_small)),
                                           "smallest_scale_small": ends_small[0] if ends_small else None,
                                           "largest_scale_small": ends_small[1] if len(ends_small) > 1 else None,
                                           "largest_intermediate_abs_mean": peak},
        "c_no_inhibition_is_input_baseline": {"holds": c, "max_spread_of_mean_HDI_none_within_a_scale": spread,
                                              "max_direction_error_deg_none": max(errors) if errors else None},
        "rules": claims.__doc__,
    }


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        base, overrides, runs = plan(args)
        out = Path(args.out or f"results/peng2021-scan-{args.variant}-{args.sim}")
        (out / "runs").mkdir(parents=True, exist_ok=True)
        todo, done = [], {}
        for scale, seed, master, changes, name in runs:
            path = out / "runs" / name
            if finished(path, _expected_parameters(base, changes), args.sim, master):
                done[(scale, seed)] = path
            else:
                todo.append((scale, seed, master, changes, name))
        print(f"[scan] {len(runs)} maps ({len(done)} already finished, kept), {len(todo)} to run on {args.sim}, "
              f"{args.jobs} at a time; out: {out}", file=sys.stderr, flush=True)
        if todo and base.cell_model == "exp_euler":
            backends.prepare(HH_COND_EXP_TRAUB, args.sim)  # compile once (NEST), not once per parallel run
        lock, start, count = threading.Lock(), time.perf_counter(), [0]

        def run_one(item):
            scale, seed, master, changes, name = item
            path = out / "runs" / name
            began = time.perf_counter()
            result = subprocess.run(_command(args, overrides, changes, master, path),
                                    stdout=subprocess.DEVNULL if args.quiet else None)
            if result.returncode != 0:
                raise ZooError(f"the run {name} failed (exit status {result.returncode}); see the messages above")
            with lock:
                count[0] += 1
                elapsed = time.perf_counter() - start
                left = elapsed / count[0] * (len(todo) - count[0])
                delta = json.loads((path / "summary.json").read_text())["observables"].get("delta_HDI")
                print(f"[scan] {count[0]}/{len(todo)} scale {scale:g} um, map seed {seed}: {time.perf_counter() - began:.0f} s, "
                      f"Delta HDI {delta:+.4f}; ~{left / 60:.0f} min left", file=sys.stderr, flush=True)
            return (scale, seed), path

        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(run_one, item) for item in todo]
            try:
                for future in concurrent.futures.as_completed(futures):
                    key, path = future.result()
                    done[key] = path
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        rows = [row(done[(scale, seed)], scale, seed) for scale, seed, *_ in runs]
        verdict = claims(rows)
        (out / "scan.json").write_text(json.dumps({"simulator": args.sim, "variant": args.variant, "overrides": overrides,
                                                   "scale_parameter": scale_parameter(base), "rows": rows,
                                                   "wall_s": time.perf_counter() - start}, indent=2))
        (out / "claims.json").write_text(json.dumps(verdict, indent=2))
        with open(out / "scan.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        from .figures import scan_figure

        scan_figure(rows, out / "delta_hdi_vs_scale.png", f"peng2021 ({args.variant}) on {args.sim}: "
                    f"{len({r['scale_um'] for r in rows})} scales x {len({r['map_seed'] for r in rows})} map seeds")
        print(_table(verdict))
        print(f"scan written to {out}")
        return 0
    except ZooError as err:
        print(f"python -m zoo.models.peng2021.scan: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m zoo.models.peng2021.scan: interrupted; finished runs are kept, run the same command to continue",
              file=sys.stderr)
        return 130


def _table(verdict):
    lines = ["scale (um)   maps   Delta HDI mean +/- SEM   maps with Delta HDI > 0"]
    for scale, v in verdict["per_scale_delta_HDI"].items():
        mean = "-" if v["mean"] is None else f"{v['mean']:+.4f}"
        sem = "-" if v["sem"] is None else f"{v['sem']:.4f}"
        lines.append(f"{scale:>10} {v['n_maps']:>6}   {mean:>9} +/- {sem:<8}   {v['positive']}/{v['n_maps']}")
    for key in ("a_polar_better_at_intermediate_scale", "b_effect_vanishes_at_both_ends", "c_no_inhibition_is_input_baseline"):
        lines.append(f"{key}: {'holds' if verdict[key]['holds'] else 'does NOT hold'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
