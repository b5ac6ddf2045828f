"""What Brian2's C++ standalone mode would gain over the runtime (Cython) mode the zoo uses: a
measurement on the native Brian2 rostami2020 script of ``benchmarks/rostami2020.py`` (the same
network, built by ``brian2_native_network``), not a zoo feature.

Each mode runs in a process of its own, twice, alternating:

* ``runtime``:    Cython runtime mode (Brian2's default and the zoo's), cache warm after the first
                  run: build, then warm-up + recorded time in one ``run``;
* ``standalone``: ``set_device('cpp_standalone')``: the same network generated as a C++ project,
                  compiled and run as a separate program (``device.build``). Reported: code
                  generation + compilation (``build`` minus the program's own run time), and the
                  program's run time (Brian2's ``device._last_run_time``).

Peak memory: the Python process's own (``ru_maxrss``) and, for standalone, the largest child
process (the compiler or the simulation program, whichever is larger).

    python benchmarks/brian2_standalone.py --scale 1 --rounds 2
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def child(mode, scale, warmup_ms, sim_ms):
    import brian2 as b2

    from rostami2020 import Clock, brian2_native_network, model_params

    params = model_params(scale, warmup_ms, sim_ms)
    project = tempfile.mkdtemp(prefix="b2-standalone-")
    if mode == "standalone":
        b2.set_device("cpp_standalone", directory=project, build_on_run=False)
    else:
        b2.prefs.codegen.target = "cython"
    with Clock() as build:
        net, synapses, monitors = brian2_native_network(params)
    with Clock() as run:
        net.run((warmup_ms + sim_ms) * b2.ms)
    result = {"mode": mode, "build_cpu_s": build.cpu, "build_s": build.wall, "run_cpu_s": run.cpu, "run_s": run.wall}
    if mode == "standalone":
        with Clock() as device_build:
            b2.device.build(directory=project, compile=True, run=True, with_output=False)
        program_s = float(b2.device._last_run_time)
        result.update(device_build_s=device_build.wall, program_run_s=program_s,
                      codegen_and_compile_s=device_build.wall - program_s + run.wall,
                      children_peak_bytes=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
    result["spikes"] = [int(m.num_spikes) for m in monitors]
    result["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--warmup-ms", type=float, default=500.0)
    parser.add_argument("--sim-ms", type=float, default=2000.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, scale, warmup, sim = args.child
        print(json.dumps(child(mode, float(scale), float(warmup), float(sim))))
        return 0
    from process_costs import claim_output

    args.out = claim_output(args.out)
    results = []
    for round_no in range(args.rounds):
        for mode in (("runtime", "standalone") if round_no % 2 == 0 else ("standalone", "runtime")):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(args.scale), str(args.warmup_ms),
                                   str(args.sim_ms)], capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"{mode}: FAILED: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result.update(round=round_no, process_wall_s=time.perf_counter() - start)
            results.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
    bio_s = (args.warmup_ms + args.sim_ms) / 1000.0
    for mode in ("runtime", "standalone"):
        mine = [r for r in results if r["mode"] == mode]
        if not mine:
            print(f"NOT RUN: {mode}")
            continue
        sim = min(r["program_run_s"] if mode == "standalone" else r["run_s"] for r in mine) / bio_s
        prep = min(r.get("codegen_and_compile_s", 0.0) for r in mine)
        peak = min(max(r["peak_bytes"], r.get("children_peak_bytes", 0)) for r in mine)
        print(f"{mode}: build {min(r['build_s'] for r in mine):.2f} s, simulate {sim:.2f} s per bio-s"
              + (f" (program alone), code generation + compile {prep:.0f} s" if mode == "standalone" else
                 " (run call, incl. preparing the cached code)")
              + f", whole process {min(r['process_wall_s'] for r in mine):.0f} s wall, peak {peak / 2**20:.0f} MiB")
    if args.out:
        args.out.write_text(json.dumps({"scale": args.scale, "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms,
                                              "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
