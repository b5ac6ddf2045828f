"""How long PyNN takes to build a network on NEST: stock, batched (zoo.backends.nest.batch), native PyNEST.

The network: 4000 excitatory + 1000 inhibitory IF_cond_exp neurons (times --scale),
Bernoulli connectivity with p = 0.2 for E->E and p = 0.5 for E->I, I->E and I->I,
one homogeneous weight and delay per projection.

* stock / batched: the connection lists are drawn with NumPy and given to
  FromListConnector; the build is the ``Population``s ("nodes") plus the
  ``Projection``s ("connect").  Drawing the lists is timed separately ("draw").
* native: ``nest.Create`` plus ``nest.Connect(..., "pairwise_bernoulli")`` on the
  same sizes, kernel threads and synapse parameters (NEST draws the connections).

Each variant runs in its own Python process, one after the other, so that none
inherits another's memory; the native build is the reference for the ratios.
With --repeat N every variant is built N times and its fastest build counts.

    python benchmarks/nest_build_speed.py               # full size (stock takes minutes)
    python benchmarks/nest_build_speed.py --scale 0.2   # 800 + 200 neurons
    python benchmarks/nest_build_speed.py --skip-stock
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

N_EXC, N_INH = 4000, 1000
# (pre, post, connection probability, weight in uS, receptor)
PROJECTIONS = (
    ("E", "E", 0.2, 0.002, "excitatory"),
    ("E", "I", 0.5, 0.002, "excitatory"),
    ("I", "E", 0.5, 0.008, "inhibitory"),
    ("I", "I", 0.5, 0.008, "inhibitory"),
)
DELAY = 1.5  # ms
DT = 0.1  # ms
VARIANTS = ("native", "batched", "stock")


def sizes(scale):
    return {"E": max(1, round(N_EXC * scale)), "I": max(1, round(N_INH * scale))}


def draw_lists(scale, seed):
    """One FromListConnector list (n x 2 float array of pre, post indices) per projection."""
    import numpy as np

    n = sizes(scale)
    gen = np.random.default_rng(seed)
    lists = []
    for pre, post, p, _, _ in PROJECTIONS:
        mask = gen.random((n[pre], n[post])) < p
        i, j = np.nonzero(mask)
        lists.append(np.column_stack([i, j]).astype(float))
    return lists


def build_pynn(scale, threads, seed, batched):
    sys.path.insert(0, str(ROOT))
    from zoo.backends.nest import batch as nest_batch
    from zoo.backends import import_simulator

    sim = import_simulator("nest")
    import nest

    if batched:
        nest_batch.install()
    else:
        nest_batch.uninstall()
    t0 = time.perf_counter()
    lists = draw_lists(scale, seed)
    t_draw = time.perf_counter() - t0

    n = sizes(scale)
    sim.setup(timestep=DT, min_delay=0.1, spike_precision="on_grid", threads=threads,
              rng_seed=seed, verbosity="error")
    try:
        t0 = time.perf_counter()
        pops = {name: sim.Population(n[name], sim.IF_cond_exp()) for name in ("E", "I")}
        t1 = time.perf_counter()
        before = nest.num_connections
        for (pre, post, _, weight, receptor), conn_list in zip(PROJECTIONS, lists):
            sim.Projection(pops[pre], pops[post], sim.FromListConnector(conn_list),
                           sim.StaticSynapse(weight=weight, delay=DELAY), receptor_type=receptor)
        t2 = time.perf_counter()
        n_synapses = sum(len(conn_list) for conn_list in lists)
        n_created = nest.num_connections - before
        assert n_created == n_synapses, (n_created, n_synapses)
    finally:
        sim.end()
    return {"nodes_s": t1 - t0, "connect_s": t2 - t1, "draw_s": t_draw,
            "synapses": n_synapses, "peak_mib": peak_memory_mib()}


def build_native(scale, threads, seed):
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    n = sizes(scale)
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT, "local_num_threads": threads, "rng_seed": seed})
    t0 = time.perf_counter()
    pops = {name: nest.Create("iaf_cond_exp", n[name]) for name in ("E", "I")}
    t1 = time.perf_counter()
    for pre, post, p, weight, receptor in PROJECTIONS:
        sign = -1 if receptor == "inhibitory" else 1  # NEST: negative inhibitory conductances
        nest.Connect(pops[pre], pops[post],
                     {"rule": "pairwise_bernoulli", "p": p,
                      "allow_autapses": True, "allow_multapses": False},
                     {"synapse_model": "static_synapse",
                      "weight": sign * weight * 1000.0, "delay": DELAY})
    t2 = time.perf_counter()
    return {"nodes_s": t1 - t0, "connect_s": t2 - t1, "draw_s": 0.0,
            "synapses": nest.num_connections, "peak_mib": peak_memory_mib()}


def peak_memory_mib():
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(variant, scale, threads, seed):
    if variant == "native":
        return build_native(scale, threads, seed)
    return build_pynn(scale, threads, seed, batched=(variant == "batched"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply both population sizes by this (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="NEST threads (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds per variant; the fastest counts (default 1)")
    parser.add_argument("--skip-stock", action="store_true", help="leave out stock PyNN")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant:  # child process: one build, result as JSON on the last line
        print(json.dumps(run_variant(args.variant, args.scale, args.threads, args.seed)))
        return

    variants = [v for v in VARIANTS if not (args.skip_stock and v == "stock")]
    results = {}
    for _ in range(args.repeat):
        for variant in variants:
            result = run_child(variant, args)
            best = results.get(variant)
            if best is None or total(result) < total(best):
                results[variant] = result
    print_table(results, args)


def run_child(variant, args):
    command = [sys.executable, __file__, "--variant", variant, "--scale", str(args.scale),
               "--threads", str(args.threads), "--seed", str(args.seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def total(result):
    return result["nodes_s"] + result["connect_s"]


def print_table(results, args):
    n = sizes(args.scale)
    print(f"network: {n['E']} E + {n['I']} I neurons, threads={args.threads}, "
          f"scale={args.scale:g}, best of {args.repeat}")
    print("  nodes:    Population / nest.Create")
    print("  connect:  Projections (FromListConnector) / nest.Connect (pairwise_bernoulli)")
    print("  build:    nodes + connect")
    print("  draw:     drawing the connection lists with NumPy (PyNN variants only)")
    print("  peak:     peak resident memory of the build's process")
    native = results["native"]
    header = (f"{'variant':<8} {'synapses':>10} {'nodes [s]':>10} {'connect [s]':>12} "
              f"{'build [s]':>10} {'draw [s]':>9} {'peak [MiB]':>11} | {'connect x':>10} "
              f"{'build x':>8} {'build+draw x':>13}")
    print(header)
    print("-" * len(header))
    for variant, r in results.items():
        print(f"{variant:<8} {r['synapses']:>10d} {r['nodes_s']:>10.2f} {r['connect_s']:>12.2f} "
              f"{total(r):>10.2f} {r['draw_s']:>9.2f} {r['peak_mib']:>11.0f} | "
              f"{r['connect_s'] / native['connect_s']:>10.2f} "
              f"{total(r) / total(native):>8.2f} "
              f"{(total(r) + r['draw_s']) / total(native):>13.2f}")
    print("(ratios: relative to native, measured in this run)")


if __name__ == "__main__":
    main()
