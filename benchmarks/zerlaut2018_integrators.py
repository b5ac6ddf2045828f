"""How much do the integrators change zerlaut2018's stationary rates? NEST vs Brian2 rk2 vs Brian2 Euler.

The reference code (ntwk) integrates V, w and the conductances with forward Euler at dt = 0.1 ms.
So does the zoo's default cell (``cell_model='euler'``: zoo.neurons.ADEX_COND_EXP on both backends).
With ``cell_model='aeif_cond_exp'`` PyNN's NEST backend runs aeif_cond_exp with GSL's adaptive RKF45
(error tolerance 1e-6: close to exact), and PyNN's Brian2 backend integrates EIF_cond_exp_isfa_ista
with fixed-step rk2. This script runs the *same* network with the *same* afferent spikes (everything
drawn from the master seed) on

* ``nest``:         the zoo's default cell on NEST (forward Euler, a NESTML module);
* ``brian2``:       the zoo's default cell on Brian2 (forward Euler);
* ``nest_aeif``:    PyNN's cell on NEST (RKF45);
* ``brian2_aeif``:  PyNN's cell on Brian2 (rk2);
* ``brian2_aeif_euler``: PyNN's cell on Brian2 with every ``method='rk2'`` NeuronGroup switched to
  forward Euler (a patch of brian2.NeuronGroup in this script only),

so per-seed differences measure the integrators alone, free of seed-to-seed spread.

    python benchmarks/zerlaut2018_integrators.py --variant const4 --seeds 1 2 3
    python benchmarks/zerlaut2018_integrators.py --variant const8 --small   # 800 + 200 cells, same in-degrees

Each configuration runs in its own process; results (mean rates over the recorded window) are
printed as a table and written as JSON with --json.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONFIGS = ("nest", "brian2", "nest_aeif", "brian2_aeif", "brian2_aeif_euler")


def child(config, variant, seed, small):
    from zoo import backends
    from zoo import io, registry
    from zoo.seeds import SeedStreams

    overrides = {"N_E": 800, "N_I": 200, "p_E": 0.25, "p_I": 0.25} if small else {}
    cell_model = "aeif_cond_exp" if "aeif" in config else "euler"
    model = registry.create_model(f"zerlaut2018.{variant}", cell_model=cell_model, **overrides)
    simulator = config.split("_")[0]
    if config == "brian2_aeif_euler":
        import brian2

        stock = brian2.NeuronGroup.__init__

        def euler_init(self, *args, **kwargs):
            if kwargs.get("method") == "rk2":
                kwargs["method"] = "euler"
            stock(self, *args, **kwargs)

        brian2.NeuronGroup.__init__ = euler_init
    streams = SeedStreams(seed)
    b = backends.setup(simulator, streams, **model.simulation_settings(max_delay=0.0))  # as zoo.run
    start = time.process_time()
    network = model.build(b.sim, streams)
    b.sim.run(model.warmup_ms + model.duration_ms)
    segment = io.collect_segment(network, model.warmup_ms, model.warmup_ms + model.duration_ms)
    b.end()
    seconds = model.duration_ms / 1000.0
    rates = {}
    for st in segment.spiketrains:
        name = st.annotations["source_population"]
        spikes, cells = rates.get(name, (0, 0))
        rates[name] = (spikes + len(st), cells + 1)
    return {"config": config, "variant": variant, "seed": seed, "small": small,
            "rates_hz": {name: spikes / (cells * seconds) for name, (spikes, cells) in rates.items()},
            "cpu_s": time.process_time() - start}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="const4")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--small", action="store_true", help="800 RS + 200 FS cells with the full in-degrees")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print("RESULT " + json.dumps(child(**spec)))
        return 0
    results = []
    for seed in args.seeds:
        for config in args.configs:
            spec = {"config": config, "variant": args.variant, "seed": seed, "small": args.small}
            out = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True)
            line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
            if not line:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            result = json.loads(line[0][7:])
            results.append(result)
            r = result["rates_hz"]
            print(f"{args.variant} seed {seed} {config:<17} E {r['E']:.3f} Hz  I {r['I']:.3f} Hz  ({result['cpu_s']:.0f} s CPU)",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
