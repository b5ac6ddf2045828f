"""peng2021: run time and memory, the time step, and what leaving out I_h changes.

    python benchmarks/peng2021.py run --sims nest brian2            # one map x three conditions, default size
    python benchmarks/peng2021.py dt --sims nest brian2 [--variant tiny] [--set step_ms=500]
    python benchmarks/peng2021.py scan --sims nest brian2            # the tiny scan (2 scales x 2 map seeds)
    python benchmarks/peng2021.py ih                                # single cell, Brian2 only: with and without I_h

Every measurement runs the zoo's own commands in fresh processes (``python -m zoo.run``,
``python -m zoo.models.peng2021.scan``) and reads their provenance: wall time = build + simulate +
analysis as the run records it, peak memory = the run's peak resident set. Results are printed as
tables and written to benchmarks/results/peng2021-<what>-<date>.json. The machine's load average is
recorded: on a shared 2-core machine, timings of runs that overlapped other work are upper bounds.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _zoo_run(spec, sim, out, settings=(), seed=1, threads=1):
    command = [sys.executable, "-m", "zoo.run", spec, "--sim", sim, "--seed", str(seed), "--threads", str(threads),
               "--out", str(out), "--force", "--no-plots", "--quiet"]
    for text in settings:
        command += ["--set", text]
    began = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    provenance = json.loads((out / "provenance.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    return wall, provenance, summary


def _machine():
    return {"load_average_start": os.getloadavg(), "cpus": os.cpu_count(), "date": datetime.date.today().isoformat()}


def _write(name, data):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"peng2021-{name}-{datetime.date.today().isoformat()}.json"
    path.write_text(json.dumps(data, indent=2))
    print(f"raw numbers: {path.relative_to(ROOT)}")


def run_time(args):
    rows = []
    for sim in args.sims:
        with tempfile.TemporaryDirectory() as tmp:
            wall, provenance, summary = _zoo_run(f"peng2021.{args.variant}", sim, Path(tmp) / "run", args.assignments,
                                                  threads=args.threads)
        timing = provenance["timing_s"]
        rows.append({"simulator": sim, "threads": provenance["backend"]["threads"], "process_wall_s": wall, **timing,
                     "peak_memory_bytes": provenance["peak_memory_bytes"],
                     "rates_hz": {k: v["mean_rate_hz"] for k, v in summary["populations"].items()},
                     "load_average_end": os.getloadavg()})
        print(f"{sim:>7}: process {wall:6.0f} s (build {timing['build']:.0f}, simulate {timing['simulate']:.0f}, "
              f"analysis {timing['analysis']:.0f}), peak {provenance['peak_memory_bytes'] / 2**20:.0f} MiB", flush=True)
    _write(f"run-{args.variant}-{'-'.join(args.sims)}-threads{args.threads}", {"machine": _machine(), "variant": args.variant, "settings": args.assignments, "rows": rows})


def time_step(args):
    rows = []
    for sim in args.sims:
        for dt in (0.1, 0.05):
            with tempfile.TemporaryDirectory() as tmp:
                wall, provenance, summary = _zoo_run(f"peng2021.{args.variant}", sim, Path(tmp) / "run",
                                                      list(args.assignments) + [f"dt={dt}"], threads=args.threads)
            o = summary["observables"]
            row = {"simulator": sim, "dt_ms": dt, "simulate_s": provenance["timing_s"]["simulate"]}
            for condition in ("polar", "circular", "none"):
                pop = summary["populations"][f"E_{condition}"]
                row[f"E_{condition}_spikes"] = int(round(pop["mean_rate_hz"] * pop["neurons"] * (
                    summary["window_ms"][1] - summary["window_ms"][0]) / 1000.0))
                row[f"mean_HDI_{condition}"] = o[f"mean_HDI_{condition}"]
            for condition in ("polar", "circular"):
                pop = summary["populations"][f"I_{condition}"]
                row[f"I_{condition}_rate_hz"] = pop["mean_rate_hz"]
            row["delta_HDI"] = o["delta_HDI"]
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\nsimulator  quantity               dt 0.1      dt 0.05     change")
    for sim in args.sims:
        a, b = (next(r for r in rows if r["simulator"] == sim and r["dt_ms"] == dt) for dt in (0.1, 0.05))
        for key in [k for k in a if k not in ("simulator", "dt_ms")]:
            change = (b[key] - a[key]) / a[key] * 100 if a[key] and key != "delta_HDI" else b[key] - a[key]
            unit = "%" if key != "delta_HDI" and a[key] else "abs"
            print(f"{sim:<10} {key:<22} {a[key]:>10.4g} {b[key]:>10.4g}   {change:+.3g} {unit}")
    _write(f"dt-{args.variant}", {"machine": _machine(), "variant": args.variant, "settings": args.assignments, "rows": rows})


def scan_time(args):
    rows = []
    for sim in args.sims:
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "zoo.models.peng2021.scan", "--variant", "tiny", "--sim", sim, "--out",
                       str(Path(tmp) / "scan"), "--quiet", "--jobs", str(args.jobs)]
            began = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - began
            scan = json.loads((Path(tmp) / "scan" / "scan.json").read_text())
        rows.append({"simulator": sim, "wall_s": wall, "jobs": args.jobs,
                     "delta_HDI": [[r["scale_um"], r["map_seed"], r["delta_HDI"]] for r in scan["rows"]]})
        print(f"{sim:>7}: tiny scan (2 scales x 2 map seeds, {args.jobs} jobs) {wall:.0f} s", flush=True)
    _write("scan-tiny", {"machine": _machine(), "rows": rows})


# --- I_h: a single Traub-Miles cell on Brian2, with and without an h-current ---------------------
# The authors' E cell had I_h (ghbar = 20 nS, spec 3.2) whose equations were not readable. The zoo
# leaves it out. To see what that changes, this uses a textbook h-current (Huguenard & McCormick
# 1992 kinetics as in Destexhe et al. 1993: r_inf = 1 / (1 + exp((V + 75) / 5.5)),
# tau_r = 1 / (exp(-14.59 - 0.086 V) + exp(-1.87 + 0.0701 V)) ms, E_h = -43 mV).
IH_EQUATIONS = """
dv/dt = (g_L*(E_L - v) - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K) + g_h*r*(E_h - v) + I)/C : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dr/dt = (r_inf - r)/tau_r : 1
alpha_m = 0.32*(mV**-1)*(13*mV - v + V_T)/(exp((13*mV - v + V_T)/(4*mV)) - 1)/ms : Hz
beta_m = 0.28*(mV**-1)*(v - V_T - 40*mV)/(exp((v - V_T - 40*mV)/(5*mV)) - 1)/ms : Hz
alpha_h = 0.128*exp((17*mV - v + V_T)/(18*mV))/ms : Hz
beta_h = 4/(1 + exp((40*mV - v + V_T)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV - v + V_T)/(exp((15*mV - v + V_T)/(5*mV)) - 1)/ms : Hz
beta_n = 0.5*exp((10*mV - v + V_T)/(40*mV))/ms : Hz
r_inf = 1/(1 + exp((v/mV + 75)/5.5)) : 1
tau_r = 1*ms/(exp(-14.59 - 0.086*v/mV) + exp(-1.87 + 0.0701*v/mV)) : second
g_h : siemens
I : amp
"""


def _ih_cells(currents_nA, g_h_nS, duration_ms=3000.0, dt_ms=0.05):
    import brian2 as b2

    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = dt_ms * b2.ms
    namespace = dict(C=200 * b2.pF, g_L=10 * b2.nS, E_L=-65 * b2.mV, g_Na=20 * b2.usiemens, E_Na=50 * b2.mV,
                     g_K=6 * b2.usiemens, E_K=-90 * b2.mV, V_T=-63 * b2.mV, E_h=-43 * b2.mV)
    cells = b2.NeuronGroup(len(currents_nA), IH_EQUATIONS, threshold="v > -40*mV", refractory="v > -40*mV",
                           method="exponential_euler", namespace=namespace)
    cells.v = -65 * b2.mV
    cells.h, cells.m, cells.n, cells.r = 1, 0, 0, 0.1
    cells.g_h = g_h_nS * b2.nS
    cells.I = np.asarray(currents_nA) * b2.nA
    monitor = b2.SpikeMonitor(cells)
    state = b2.StateMonitor(cells, "v", record=[int(np.argmin(np.abs(currents_nA)))])  # the cell nearest 0 nA
    b2.run(500 * b2.ms)  # settle: I_h activates slowly
    before = monitor.count[:].copy()
    b2.run(duration_ms * b2.ms)
    rates = (monitor.count[:] - before) / (duration_ms / 1000.0)
    return rates, float(state.v[0][int(400 / dt_ms)] / b2.mV)


def h_current(args):
    from zoo.models.peng2021 import VARIANTS, tuning

    p = VARIANTS["default"].params
    currents = np.round(np.arange(-0.06, 0.2001, 0.005), 4)
    with_ih, rest_ih = _ih_cells(currents, 20.0)
    without, rest = _ih_cells(currents, 0.0)
    rheobase = {name: float(currents[np.argmax(r > 0)]) for name, r in (("with", with_ih), ("without", without))}
    shift = rheobase["without"] - rheobase["with"]
    print(f"V at 400 ms, I = 0: {rest:.1f} mV without I_h, {rest_ih:.1f} mV with g_h = 20 nS")
    print(f"rheobase: {rheobase['without']:.3f} nA without, {rheobase['with']:.3f} nA with I_h (shift {shift:+.3f} nA)")
    theta = tuning.directions(p.n_directions)
    drive = p.I_0 + p.I_1 * np.exp(p.kappa * (np.cos(theta) - 1))
    results = {}
    for name, g_h, offset in (("without I_h (zoo)", 0.0, 0.0), ("with I_h, same drive", 20.0, 0.0),
                              ("with I_h, drive lowered by the rheobase shift", 20.0, -shift)):
        rates, _ = _ih_cells(drive + offset, g_h)
        results[name] = {"rates_hz": rates.tolist(), "HDI": float(tuning.hdi(rates, theta)[0]), "peak_hz": float(rates.max())}
        print(f"{name:<48} HDI {results[name]['HDI']:.3f}, peak {rates.max():.1f} spikes/s")
    _write("ih", {"machine": _machine(), "currents_nA": currents.tolist(), "rates_with_ih": with_ih.tolist(),
                  "rates_without_ih": without.tolist(), "rheobase_nA": rheobase, "single_cell_tuning": results})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("run", "dt", "scan", "ih"))
    parser.add_argument("--sims", nargs="+", default=["nest", "brian2"])
    parser.add_argument("--variant", default="default")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--threads", type=int, default=1, help="NEST threads per run (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="scan: runs at a time")
    args = parser.parse_args(argv)
    {"run": run_time, "dt": time_step, "scan": scan_time, "ih": h_current}[args.what](args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
