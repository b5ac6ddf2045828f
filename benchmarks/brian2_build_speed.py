"""How long PyNN takes to build a projection on Brian2: stock vs batched (zoo.backends.brian2.batch).

The network: one population of --n IF_curr_exp neurons (default 1350) connected to
itself with FixedProbabilityConnector(p=--p), weights and delays drawn from uniform
distributions.  Every build uses freshly seeded random number generators, so stock
and batched builds draw exactly the same connections and values; the script checks
that they did (the connection lists, and the Brian2 arrays in creation order) and
exits with status 1 if not.

Before timing, each variant builds a tiny network once, so that Brian2's one-off
code generation and Cython compilation are not counted.  The timed part is the
``Projection`` only (the population is created before the clock starts).

    python benchmarks/brian2_build_speed.py             # full size (stock takes minutes)
    python benchmarks/brian2_build_speed.py --n 400     # quicker
    python benchmarks/brian2_build_speed.py --skip-stock
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DT = 0.1  # ms
VARIANTS = ("stock", "batched")


def build(variant, n, p, seed):
    """Build once; return (seconds for the Projection, synapse count, connection data)."""
    import numpy as np
    import pyNN.brian2 as sim
    from pyNN.random import NumpyRNG, RandomDistribution

    from zoo.backends.brian2 import batch as brian2_batch

    if variant == "batched":
        brian2_batch.install()
    else:
        brian2_batch.uninstall()
    sim.setup(timestep=DT)
    try:
        pop = sim.Population(n, sim.IF_curr_exp())
        connector = sim.FixedProbabilityConnector(p, rng=NumpyRNG(seed=seed))
        synapse = sim.StaticSynapse(
            weight=RandomDistribution("uniform", (0.05, 0.5), rng=NumpyRNG(seed=seed + 1)),
            delay=RandomDistribution("uniform", (0.5, 3.0), rng=NumpyRNG(seed=seed + 2)))
        t0 = time.perf_counter()
        proj = sim.Projection(pop, pop, connector, synapse)
        seconds = time.perf_counter() - t0
        syn_obj = proj._brian2_synapses[0][0]
        data = {
            "list": np.array(sorted(proj.get(["weight", "delay"], format="list"))),
            "creation order": np.column_stack([np.asarray(syn_obj.i[:]), np.asarray(syn_obj.j[:]),
                                               np.asarray(syn_obj.weight[:]),
                                               np.asarray(syn_obj.delay[:])]),
        }
        return seconds, len(proj), data
    finally:
        sim.end()
        brian2_batch.uninstall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1350, help="number of neurons (default 1350)")
    parser.add_argument("--p", type=float, default=0.1, help="connection probability (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-stock", action="store_true", help="time the batched build only")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import numpy as np
    import brian2

    brian2.BrianLogger.suppress_name("unused_brian_object")
    variants = [v for v in VARIANTS if not (args.skip_stock and v == "stock")]
    for variant in variants:  # warm up: code generation and compilation
        build(variant, 20, 0.2, args.seed)

    results = {}
    for variant in variants:
        print(f"building {variant} ...", file=sys.stderr, flush=True)
        results[variant] = build(variant, args.n, args.p, args.seed)

    print(f"network: {args.n} IF_curr_exp neurons, FixedProbabilityConnector(p={args.p:g}), "
          f"seed {args.seed}, dt {DT} ms")
    header = f"{'variant':<8} {'synapses':>10} {'build [s]':>10} {'speed-up':>9}"
    print(header)
    print("-" * len(header))
    reference = results.get("stock", results[variants[0]])[0]
    for variant, (seconds, n_synapses, _) in results.items():
        print(f"{variant:<8} {n_synapses:>10d} {seconds:>10.2f} {reference / seconds:>8.1f}x")

    if "stock" in results:
        stock, batched = results["stock"][2], results["batched"][2]
        same = {name: stock[name].shape == batched[name].shape
                and np.array_equal(stock[name], batched[name]) for name in stock}
        for name, equal in same.items():
            print(f"{name} (i, j, weight, delay): {'identical' if equal else 'DIFFERENT'}")
        if not all(same.values()):
            sys.exit(1)


if __name__ == "__main__":
    main()
