"""Where NEST's time goes in zerlaut2018 (issue 25): the cells, the afferent spike generators, the delay.

Each part runs in a process of its own, 1500 ms at dt = 0.1 ms, one thread; CPU seconds of the
simulation (user + system) are printed per part:

* ``cells``        5000 unconnected RS cells of the model's cell (``--cell-model``), no input;
* ``cells+gen``    the same cells, each driven by its own replayed 900 Hz train
                   drawn in NumPy (~6.5 M spikes, as the README protocol's afferents), delay 0.1 ms,
                   through ``zoo.inputs.spike_source`` (a zoo session, on NEST or Brian2; on NEST
                   one ``spike_train_injector`` node per train);
* ``cells+private`` the same trains through ``zoo.inputs.private_trains``, what zerlaut2018 uses
                   (on NEST one ``zoo_private_trains`` device for all trains);
* ``nest-plain``, ``nest-gen-0.1``, ``nest-gen-1.0``, ``nest-injector-0.1``, ``nest-device-0.1``:
                   plain NEST, 5000 ``iaf_psc_delta`` that never fire, without input, with the same
                   trains from ``spike_generator`` at a delay of 0.1 ms and 1 ms, from
                   ``spike_train_injector`` (a node sending through the normal spike exchange; what
                   zoo.inputs.spike_source uses on NEST) and from one ``zoo_private_trains`` device
                   (zoo.inputs.private_trains on NEST) at 0.1 ms. NEST's min_delay is the delay of the part (0.1 ms without
                   input), so every node is updated every step except in ``nest-gen-1.0``.

``--pages huge`` runs every part on glibc's huge memory pages, as ``python -m zoo.run`` does.

    python benchmarks/zerlaut2018_nest_costs.py --pages huge    # every part, NEST and Brian2
    python benchmarks/zerlaut2018_nest_costs.py --parts cells cells+gen --cell-model aeif_cond_exp
"""

import argparse
import json
import resource
import subprocess
import sys

from process_costs import pages_environment

N, T_MS, RATE_HZ = 5000, 1500.0, 900.0
PARTS = ("cells", "cells+gen", "cells+private", "nest-plain", "nest-gen-0.1", "nest-gen-1.0", "nest-injector-0.1",
         "nest-device-0.1")


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def trains():
    import numpy as np

    rng = np.random.default_rng(1)
    steps = rng.random((N, int(T_MS / 0.1))) < RATE_HZ * 1e-4  # Bernoulli per step, as zoo.inputs
    steps[:, :2] = False
    return [np.flatnonzero(row) * 0.1 for row in steps]


def zoo_part(part, simulator, cell_model):
    from zoo import backends, inputs
    from zoo.models.zerlaut2018 import Zerlaut2018Params, cells
    from zoo.seeds import SeedStreams

    p = Zerlaut2018Params().replace(cell_model=cell_model)
    blocks = ("private_trains",) if part == "cells+private" else ()  # the other parts do not load the device
    b = backends.setup(simulator, SeedStreams(1), timestep=0.1, min_delay=0.1, threads=1, blocks=blocks)
    sim = b.sim
    population = sim.Population(N, cells.create(sim, p, "E"), label="E")
    population.initialize(**cells.rest(p))
    spikes = 0
    if part == "cells+gen":
        drive = trains()
        spikes = sum(t.size for t in drive)
        source = inputs.spike_source(sim, drive, "aff")
        sim.Projection(source, population, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.001, delay=0.1),
                       receptor_type="excitatory")
    elif part == "cells+private":
        drive = trains()
        spikes = sum(t.size for t in drive)
        inputs.private_trains(sim, population, drive, 0.001, 0.1, "excitatory", label="aff")
    start = cpu()
    sim.run(T_MS)
    used = cpu() - start
    b.end()
    return used, spikes


def nest_part(part):
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = 0.1
    delay = 0.1 if part == "nest-plain" else float(part.split("-")[2])
    nest.set(min_delay=delay, max_delay=max(delay, 1.0))
    kind = part.split("-")[1]
    if kind == "device":
        from zoo.backends.nest import devices

        devices.ensure_installed(devices.PRIVATE_TRAINS)  # before any node: NEST's rule for modules
    targets = nest.Create("iaf_psc_delta", N, {"V_th": 1e9})
    spikes = 0
    if part != "nest-plain":
        drive = trains()
        spikes = sum(t.size for t in drive)
        if kind == "device":
            device = nest.Create(devices.PRIVATE_TRAINS)
            device.set(devices.private_trains_status(targets.tolist(), [t + 0.1 for t in drive]))
            nest.Connect(device, targets, "all_to_all", {"weight": 1.0, "delay": delay})
        else:
            sources = nest.Create("spike_generator" if kind == "gen" else "spike_train_injector", N)
            sources.set([{"spike_times": t + 0.1} for t in drive])
            nest.Connect(sources, targets, "one_to_one", {"weight": 1.0, "delay": delay})
    start = cpu()
    nest.Simulate(T_MS)
    return cpu() - start, spikes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS)
    parser.add_argument("--sims", nargs="+", default=["nest", "brian2"], choices=["nest", "brian2"])
    parser.add_argument("--cell-model", default="euler", choices=["euler", "aeif_cond_exp"])
    parser.add_argument("--pages", default="ordinary", choices=["ordinary", "huge"],
                        help="memory pages of every part: ordinary (4 kB) or huge (glibc's malloc.hugetlb)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        used, spikes = nest_part(spec["part"]) if spec["part"].startswith("nest-") else \
            zoo_part(spec["part"], spec["sim"], spec["cell_model"])
        print("RESULT " + json.dumps({"cpu_s": used, "spikes": spikes}))
        return 0
    import os

    print(f"load average at start {os.getloadavg()}, {args.pages} pages", flush=True)
    for part in args.parts:
        for sim in (args.sims if not part.startswith("nest-") else ["nest"]):
            spec = {"part": part, "sim": sim, "cell_model": args.cell_model}
            done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True,
                                  env=pages_environment(args.pages))
            line = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
            if not line:
                print(f"{part} {sim}: FAILED: {(done.stderr.strip().splitlines() or ['?'])[-1]}", flush=True)
                continue
            result = json.loads(line[0][7:])
            label = part if part.startswith("nest-") else f"{part} ({sim}, {args.cell_model})"
            print(f"{label:<34} simulate {result['cpu_s']:6.2f} CPU s  ({result['spikes']} input spikes)", flush=True)
    print(f"load average at end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
