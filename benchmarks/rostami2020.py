"""Does the zoo cost anything over native code? rostami2020 on NEST and Brian2, zoo vs native.

The model is rostami2020 (default variant: 4000 E + 1000 I, Q = 20, ~7.7 M synapses) at
``--scales`` k (default 1 2 4): N_E = 4000 k, N_I = 1000 k, every connection probability divided
by k, so the in-degrees, and with them the weights (which depend on K only), stay the same. A
scale below 1 keeps the probabilities (smaller in-degrees, larger weights). The protocol is the
model's, with a short warm-up and recorded time (``--warmup-ms``, ``--sim-ms``); the step current
keeps its times (2000 ms after the warm-up), so it is created but stays off with the defaults.

Configurations, each in its own Python process (so that the peak resident memory,
``getrusage(RUSAGE_SELF).ru_maxrss``, is that configuration's own):

* ``nest/native``:   PyNEST as in NEST's EI_clustered_network example: one ``nest.Connect``
  (pairwise_bernoulli, no multapses, no autapses within a collection) per cluster pair and
  pathway, ``static_synapse`` copies with the within/across weights, iaf_psc_exp (on grid),
  V(0) = V_th - 20 LogNormal(0, 1) from ``nest.random``, step_current_generator, one
  spike_recorder on all neurons.
* ``nest/zoo``:      ``zoo.backends.setup("nest")``, ``Rostami2020(params).build``,
  ``Backend.simulate``: what ``python -m zoo.run`` runs.
* ``brian2/native``: Brian2 runtime mode, Cython: one NeuronGroup per type with the LIF +
  exponential-current equations integrated with 'exact', one Synapses per pathway with
  ``on_pre`` adding the weight to the current, ``connect(condition='i != j', p=p)``, weights set by
  a within/across-cluster expression, a scalar delay, the stimulus as a TimedArray, a
  SpikeMonitor per group.
* ``brian2/zoo``:    as nest/zoo on Brian2 (PyNN with the zoo's batched builder).
* ``brian2/stock``:  build only, stock PyNN 0.13 on Brian2 (``zoo.backends.brian2.batch.uninstall()`` after
  the zoo's setup), at ``--stock-scale``, next to a build-only ``brian2/zoo`` at the same size.

Phases, measured the same way for zoo and native:

* build:    from after simulator setup to the network ready to run (populations, the zoo's NumPy
  connectivity drawing, projections/Connect, stimulus, recorders);
* warm-up:  the first run of ``--warmup-ms``; it includes one-off preparation (NEST: connection
  infrastructure, PyNN's recorder wiring; Brian2: code objects, spike queues, 'exact' integration);
* simulate: the second run of ``--sim-ms``, in wall seconds per biological second;
* peak:     peak resident memory of the process, and bytes per synapse above the memory held
  before the build started.

With ``--repeat`` 2 or more, every other round runs the zoo before the native script, so that
neither always follows the other (on a virtual machine, what a process's first touch of memory
costs depends on the process before it). Seconds are process CPU seconds (user + system) by
default, which hold up better than wall-clock seconds when other jobs share the machine;
``--clock wall`` switches the table to wall-clock time. Both are kept in the JSON file.

Brian2 compiles Cython code the first time it sees it: every Brian2 implementation first runs once,
untimed, at a small size in its own process so that compilation is not counted (the Cython cache
is on disk); the output says how many new Cython modules the timed runs still compiled.

    python benchmarks/rostami2020.py                       # default: scales 1 2 4, ~20 min on 2 cores
    python benchmarks/rostami2020.py --quick               # smoke run at scale 0.2
    python benchmarks/rostami2020.py --backends nest --scales 1 --repeat 3 --threads 2

Writes a table on stdout, ``benchmarks/results/rostami2020-<date>.json`` and (except with
``--quick`` or ``--no-readme``) the table into ``benchmarks/README.md``.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SEED = 1  # the CLI default; seed 55 locks one cluster in an up-state (model card)
PATHWAYS = (("E", "E"), ("I", "E"), ("E", "I"), ("I", "I"))  # (pre, post)

# ratio targets: (phase, backend) -> largest allowed zoo/native ratio
TARGETS = {
    ("build", "nest"): 1.05,
    ("simulate", "nest"): 1.05,
    ("total", "nest"): 1.05,
    ("peak", "nest"): 1.5,
    ("build", "brian2"): 1.5,
    ("simulate", "brian2"): 1.2,
    ("peak", "brian2"): 1.5,
}
STOCK_SPEEDUP_TARGET = 30.0
STOCK_SCALE = 0.16  # 640 E + 160 I, ~197 k synapses: stock PyNN-Brian2 takes ~1 CPU-min (< 3 min wall)
IMPLEMENTATIONS = {"nest": ("native", "zoo"), "brian2": ("native", "zoo")}
CLOCK = {"name": "cpu"}  # which seconds the table and the ratios use: "cpu" or "wall" (--clock)


def key(name):
    """The result key of timed quantity `name` ('build_s', 'simulate_per_bio_s' ...) on CLOCK."""
    if CLOCK["name"] == "wall":
        return name
    return {"build_s": "build_cpu_s", "warmup_s": "warmup_cpu_s", "simulate_s": "simulate_cpu_s",
            "simulate_per_bio_s": "simulate_cpu_per_bio_s"}[name]


# ------------------------------------------------------------------------------------------
# the network
# ------------------------------------------------------------------------------------------

def model_params(scale, warmup_ms, sim_ms):
    """Default rostami2020 parameters at `scale` (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    from zoo.models.rostami2020 import Rostami2020

    base = Rostami2020.variant("default").params
    divide = max(scale, 1.0)
    changes = {"N_E": int(round(base.N_E * scale)), "N_I": int(round(base.N_I * scale)),
               "warmup": float(warmup_ms), "simtime": float(sim_ms)}
    for name in ("p_EE", "p_EI", "p_IE", "p_II"):
        changes[name] = getattr(base, name) / divide
    return base.replace(**changes)


def rss_bytes():
    """Current resident memory of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds(system_only=False):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_stime if system_only else usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU seconds of a phase, and the system part of the CPU seconds (mostly page
    faults: the first touch of memory, which a virtual machine can make slow and variable)."""

    def __enter__(self):
        self.wall, self.cpu, self.sys = time.perf_counter(), cpu_seconds(), cpu_seconds(system_only=True)
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds() - self.cpu
        self.sys = cpu_seconds(system_only=True) - self.sys
        return False


# ------------------------------------------------------------------------------------------
# zoo (NEST or Brian2, batched or stock)
# ------------------------------------------------------------------------------------------

def run_zoo(simulator, params, threads, build_only=False, stock=False):
    sys.path.insert(0, str(ROOT))
    from zoo.models.rostami2020 import Rostami2020
    from zoo import backends
    from zoo import progress
    from zoo.seeds import SeedStreams

    model = Rostami2020(params)
    streams = SeedStreams(SEED)
    backend = backends.setup(simulator, streams, threads=threads, **model.simulation_settings(max_delay=0.0))  # as zoo.run
    steps = _record_build_steps(progress)
    if stock:
        from zoo.backends.brian2 import batch as brian2_batch

        brian2_batch.uninstall()
    result = {"codegen_target": backend.facts.get("brian2_codegen_target")}
    before = rss_bytes()
    try:
        steps.start()
        with Clock() as build:
            network = model.build(backend.sim, streams)
        steps.mark("network ready")
        result.update(build_steps=steps.phases(), build_s=build.wall, build_cpu_s=build.cpu, build_sys_s=build.sys,
                      rss_before_build=before)
        if not build_only:
            pops = [network.populations[name] for name in ("E", "I")]
            with Clock() as warm:
                backend.simulate(model.warmup_ms)
            counts = [_spike_total(p) for p in pops]
            with Clock() as run:
                backend.simulate(model.duration_ms)
            counts = [_spike_total(p) - c for p, c in zip(pops, counts)]
            result.update(_run_result(warm, run, params, counts))
    finally:
        backend.end()
    result["peak_bytes"] = peak_bytes()
    # Counted after the peak: the model has freed its drawn lists, so this draws them again (the
    # transient would count as the zoo's), and len(Projection) on NEST lists every connection.
    result["synapses"] = int(sum(i.size for i, _ in model.connections(model.draw(streams)).values()))
    return result


class _record_build_steps:
    """Wraps ``zoo.progress.step`` (which the model calls at each build step) to note the wall
    and CPU seconds and the resident memory at each step: where the zoo's build time goes."""

    def __init__(self, progress):
        self.marks = []
        self.original = progress.step
        progress.step = self.step

    def start(self):
        self.marks = [("start", time.perf_counter(), cpu_seconds(), rss_bytes())]

    def step(self, message, *args):
        self.mark(message % args if args else message)
        self.original(message, *args)

    def mark(self, label):
        if self.marks:
            self.marks.append((label, time.perf_counter(), cpu_seconds(), rss_bytes()))

    def phases(self):
        """[(what ran, wall s, cpu s, RSS at its end)] between consecutive steps."""
        return [{"phase": label, "wall_s": t1 - t0, "cpu_s": c1 - c0, "rss_after_mib": r1 / 2**20}
                for (label, t0, c0, _), (_, t1, c1, r1) in zip(self.marks, self.marks[1:])]


def _spike_total(population):
    return int(sum(population.get_spike_counts().values()))


def _run_result(warm, run, params, counts):
    seconds = params.simtime / 1000.0
    return {
        "warmup_s": warm.wall, "warmup_cpu_s": warm.cpu,
        "simulate_s": run.wall, "simulate_cpu_s": run.cpu,
        "simulate_per_bio_s": run.wall / seconds, "simulate_cpu_per_bio_s": run.cpu / seconds,
        "rate_E": counts[0] / params.N_E / seconds, "rate_I": counts[1] / params.N_I / seconds,
    }


# ------------------------------------------------------------------------------------------
# native PyNEST
# ------------------------------------------------------------------------------------------

def run_nest_native(params, threads):
    sys.path.insert(0, str(ROOT))
    from zoo.models.rostami2020 import formulas  # numbers only: drive and weights

    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    p = params
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": p.dt, "local_num_threads": threads, "rng_seed": SEED})
    drive = dict(zip("EI", formulas.drive_currents(p)))
    weights = formulas.clustered_weights(p)
    size = {"E": p.N_E, "I": p.N_I}
    before = rss_bytes()
    with Clock() as build:
        pops = {}
        for name in ("E", "I"):
            V_th = p.V_th_E if name == "E" else p.V_th_I
            pops[name] = nest.Create("iaf_psc_exp", size[name], params={
                "E_L": p.E_L, "C_m": p.C_m, "tau_m": p.tau_m_E if name == "E" else p.tau_m_I,
                "t_ref": p.t_ref, "V_th": V_th, "V_reset": p.V_reset, "I_e": drive[name],
                "tau_syn_ex": p.tau_syn_E, "tau_syn_in": p.tau_syn_I,
                "V_m": V_th - p.V_init_scale * nest.random.lognormal(0.0, p.V_init_sigma)})
        clusters = {name: [pops[name][q * (size[name] // p.Q):(q + 1) * (size[name] // p.Q)]
                           for q in range(p.Q)] for name in pops}
        probability = {"EE": p.p_EE, "EI": p.p_EI, "IE": p.p_IE, "II": p.p_II}
        for pre, post in PATHWAYS:
            key = post + pre
            within, across = weights[key]
            nest.CopyModel("static_synapse", f"{key}_plus", {"weight": within, "delay": p.delay})
            nest.CopyModel("static_synapse", f"{key}_minus", {"weight": across, "delay": p.delay})
            for a, source in enumerate(clusters[pre]):
                for b, target in enumerate(clusters[post]):
                    same = a == b
                    nest.Connect(source, target,
                                 {"rule": "pairwise_bernoulli", "p": probability[key],
                                  "allow_autapses": not (same and pre == post),
                                  "allow_multapses": False},
                                 f"{key}_plus" if same else f"{key}_minus")
        n_stimulated = 0
        if p.stim_clusters and p.stim_starts:
            times, values = [], []
            for start, end in zip(p.stim_starts, p.stim_ends):
                times += [p.warmup + start, p.warmup + end]
                values += [p.stim_amp, 0.0]
            generator = nest.Create("step_current_generator",
                                    params={"amplitude_times": times, "amplitude_values": values})
            for q in p.stim_clusters:
                nest.Connect(generator, clusters["E"][q])
                n_stimulated += len(clusters["E"][q])
        recorder = nest.Create("spike_recorder", params={"record_to": "memory"})
        nest.Connect(pops["E"] + pops["I"], recorder)
    synapses = nest.num_connections - n_stimulated - (p.N_E + p.N_I)
    result = {"build_s": build.wall, "build_cpu_s": build.cpu, "build_sys_s": build.sys, "rss_before_build": before,
              "synapses": int(synapses)}

    def counts():
        senders = recorder.get("events")["senders"]
        first_i = pops["I"][0].global_id
        return [int((senders < first_i).sum()), int((senders >= first_i).sum())]

    with Clock() as warm:
        nest.Simulate(p.warmup)
    start = counts()
    with Clock() as run:
        nest.Simulate(p.simtime)
    result.update(_run_result(warm, run, p, [b - a for a, b in zip(start, counts())]))
    result["peak_bytes"] = peak_bytes()
    return result


# ------------------------------------------------------------------------------------------
# native Brian2
# ------------------------------------------------------------------------------------------

NEURON_EQUATIONS = """
dv/dt = (E_L - v)/tau_m + (I_exc + I_inh + I_x + I_stim)/C_m : volt (unless refractory)
dI_exc/dt = -I_exc/tau_syn_E : amp
dI_inh/dt = -I_inh/tau_syn_I : amp
"""


def brian2_native_network(params):
    """The native Brian2 network: (Network, [Synapses], [SpikeMonitor]) (brian2_standalone.py builds it too)."""
    sys.path.insert(0, str(ROOT))
    from zoo.models.rostami2020 import formulas  # numbers only: drive and weights

    import logging

    import brian2 as b2
    import numpy as np

    p = params
    logging.getLogger("brian2").setLevel(logging.ERROR)
    b2.BrianLogger.log_level_error()
    b2.defaultclock.dt = p.dt * b2.ms
    b2.seed(SEED)
    rng = np.random.default_rng(SEED)
    ms, mV, pA, pF = b2.ms, b2.mV, b2.pA, b2.pF
    drive = dict(zip("EI", formulas.drive_currents(p)))
    weights = formulas.clustered_weights(p)
    size = {"E": p.N_E, "I": p.N_I}
    if True:  # (the build the benchmark times)
        # the step current as a function of time, on the simulation grid
        total_steps = int(round((p.warmup + p.simtime) / p.dt)) + 1
        on = np.zeros(total_steps)
        for start, end in zip(p.stim_starts, p.stim_ends):
            on[int(round((p.warmup + start) / p.dt)):int(round((p.warmup + end) / p.dt))] = 1.0
        stimulus = b2.TimedArray(on * p.stim_amp * pA, dt=p.dt * ms)
        groups = {}
        for name in ("E", "I"):
            V_th = (p.V_th_E if name == "E" else p.V_th_I) * mV
            stim = "I_stim = stimulus(t) * stimulated : amp\nstimulated : 1 (constant)" \
                if name == "E" else "I_stim = 0*amp : amp"
            group = b2.NeuronGroup(
                size[name], NEURON_EQUATIONS + stim, threshold="v > V_th", reset="v = V_reset",
                refractory=p.t_ref * ms, method="exact", name=f"neurons_{name}",
                namespace={"E_L": p.E_L * mV, "tau_m": (p.tau_m_E if name == "E" else p.tau_m_I) * ms,
                           "C_m": p.C_m * pF, "I_x": drive[name] * pA, "tau_syn_E": p.tau_syn_E * ms,
                           "tau_syn_I": p.tau_syn_I * ms, "V_th": V_th, "V_reset": p.V_reset * mV,
                           "stimulus": stimulus})
            group.v = V_th - p.V_init_scale * mV * rng.lognormal(0.0, p.V_init_sigma, size[name])
            groups[name] = group
        stimulated = np.isin(np.arange(p.N_E) // (p.N_E // p.Q), p.stim_clusters)
        groups["E"].stimulated = stimulated.astype(float)
        probability = {"EE": p.p_EE, "EI": p.p_EI, "IE": p.p_IE, "II": p.p_II}
        synapses = []
        for pre, post in PATHWAYS:
            key = post + pre
            within, across = weights[key]
            target = "I_exc" if pre == "E" else "I_inh"
            namespace = {"w_plus": within * pA, "w_minus": across * pA, "n_pre": size[pre] // p.Q,
                         "n_post": size[post] // p.Q, "p_connect": probability[key]}
            syn = b2.Synapses(groups[pre], groups[post], "w : amp (constant)",
                              on_pre=f"{target}_post += w", delay=p.delay * ms,
                              name=f"synapses_{pre}_{post}", namespace=namespace)
            # p by name: a number would be written into the generated code, and every scale
            # (other probabilities) would compile new Cython code inside the timed build
            syn.connect(condition="i != j" if pre == post else None, p="p_connect")
            syn.w = "w_minus + (w_plus - w_minus) * int(i // n_pre == j // n_post)"
            synapses.append(syn)
        monitors = [b2.SpikeMonitor(groups[name]) for name in ("E", "I")]
        net = b2.Network(*groups.values(), *synapses, *monitors)
    return net, synapses, monitors


def run_brian2_native(params):
    sys.path.insert(0, str(ROOT))
    from zoo.models.rostami2020 import formulas  # noqa: F401 (imported before the timed build, as before)

    import brian2 as b2

    p, ms = params, b2.ms
    b2.prefs.codegen.target = "cython"
    before = rss_bytes()
    with Clock() as build:
        net, synapses, monitors = brian2_native_network(params)
    result = {"build_s": build.wall, "build_cpu_s": build.cpu, "build_sys_s": build.sys, "rss_before_build": before,
              "synapses": int(sum(len(s) for s in synapses)), "codegen_target": "cython"}
    with Clock() as warm:
        net.run(p.warmup * ms)
    start = [int(m.num_spikes) for m in monitors]
    with Clock() as run:
        net.run(p.simtime * ms)
    counts = [int(m.num_spikes) - s for m, s in zip(monitors, start)]
    result.update(_run_result(warm, run, p, counts))
    result["peak_bytes"] = peak_bytes()
    return result


# ------------------------------------------------------------------------------------------
# child process entry and driver
# ------------------------------------------------------------------------------------------

def run_configuration(config):
    """One configuration in this process: {'backend', 'impl', 'scale', 'warmup_ms', 'sim_ms', ...}."""
    params = model_params(config["scale"], config["warmup_ms"], config["sim_ms"])
    backend, impl = config["backend"], config["impl"]
    if impl == "native":
        if backend == "nest":
            return run_nest_native(params, config["threads"])
        return run_brian2_native(params)
    if backend == "brian2":
        os.environ["ZOO_BRIAN2_CODEGEN"] = "cython"  # as the native script: no 'auto' probing
    return run_zoo(backend, params, config["threads"], build_only=config.get("build_only", False),
                   stock=impl == "stock")


def brian2_cache_dir():
    return Path.home() / ".cython" / "brian_extensions"


def count_cython_modules():
    directory = brian2_cache_dir()
    return len(list(directory.glob("*.so"))) if directory.is_dir() else 0


def child(config, verbose):
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(config)]
    label = describe(config)
    if verbose:
        print(f"  running {label} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{label} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = time.perf_counter() - start
    if verbose:
        print(f"    done in {result['process_wall_s']:.0f} s: build {result['build_s']:.2f} s"
              + (f", {result['simulate_per_bio_s']:.2f} s per bio-s" if "simulate_per_bio_s" in result else "")
              + f", peak {result['peak_bytes'] / 2**20:.0f} MiB", file=sys.stderr, flush=True)
    return result


def describe(config):
    extra = " (build only)" if config.get("build_only") else ""
    return f"{config['backend']}/{config['impl']} at scale {config['scale']:g}{extra}"


def best_of(results):
    """Fastest of each timed quantity over repeats; the smallest peak."""
    best = dict(results[0])
    for result in results[1:]:
        for key, value in result.items():
            if key.endswith("_s") or key.endswith("per_bio_s") or key in ("peak_bytes",):
                best[key] = min(best[key], value)
    if "build_sys_s" in best:  # the system part of the fastest build, not the smallest of any
        best["build_sys_s"] = min(results, key=lambda result: result["build_cpu_s"])["build_sys_s"]
    best["repeats"] = len(results)
    return best


def machine_info():
    info = {"platform": platform.platform(), "python": platform.python_version(),
            "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0))}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        info["load_average_at_start"] = os.getloadavg()
    except OSError:
        pass
    return info


def ratio(zoo, native, key):
    if zoo is None or native is None or key not in zoo or key not in native or not native[key]:
        return None
    return zoo[key] / native[key]


def total_time(result):
    """build + warm-up + simulate (the seconds a run of this length costs after setup)."""
    return result[key("build_s")] + result[key("warmup_s")] + result[key("simulate_s")]


def verdict(value, limit, at_most=True):
    if value is None:
        return "-"
    ok = value <= limit if at_most else value >= limit
    return "met" if ok else "NOT met"


def compare(results, args):
    """Ratios and target verdicts per scale and backend."""
    comparisons = []
    for scale in args.scales:
        for backend in args.backends:
            native = results.get((backend, "native", scale))
            zoo = results.get((backend, "zoo", scale))
            if native is None or zoo is None:
                continue
            row = {"scale": scale, "backend": backend, "ratios": {}, "targets": {}}
            for phase, name in (("build", key("build_s")), ("warmup", key("warmup_s")),
                                ("simulate", key("simulate_per_bio_s")), ("peak", "peak_bytes")):
                row["ratios"][phase] = ratio(zoo, native, name)
            row["ratios"]["total"] = total_time(zoo) / total_time(native)
            row["ratios"]["peak_per_synapse"] = (
                (zoo["peak_bytes"] / zoo["synapses"]) / (native["peak_bytes"] / native["synapses"]))
            for phase in ("build", "simulate", "total", "peak"):
                limit = TARGETS.get((phase, backend))
                if limit is not None:
                    row["targets"][phase] = {"limit": limit, "ratio": row["ratios"][phase],
                                             "verdict": verdict(row["ratios"][phase], limit)}
            comparisons.append(row)
    stock = results.get(("brian2", "stock", args.stock_scale))
    zoo = results.get(("brian2", "zoo-build", args.stock_scale))
    if stock is not None and zoo is not None:
        speedup = stock[key("build_s")] / zoo[key("build_s")]
        comparisons.append({"scale": args.stock_scale, "backend": "brian2", "stock_vs_zoo": True,
                            "ratios": {"build_speedup": speedup, "peak": zoo["peak_bytes"] / stock["peak_bytes"]},
                            "targets": {"build_speedup": {"limit": STOCK_SPEEDUP_TARGET, "ratio": speedup,
                                                          "verdict": verdict(speedup, STOCK_SPEEDUP_TARGET, at_most=False)}}})
    return comparisons


def fmt(value, digits=2, width=0):
    text = "-" if value is None else f"{value:.{digits}f}"
    return f"{text:>{width}}" if width else text


def table_rows(results, comparisons, args):
    """Rows of the main table: one per (scale, backend, implementation)."""
    by_key = {(c["scale"], c["backend"]): c for c in comparisons if not c.get("stock_vs_zoo")}
    rows = []
    for scale in args.scales:
        for backend in args.backends:
            for impl in IMPLEMENTATIONS[backend]:
                r = results.get((backend, impl, scale))
                if r is None:
                    continue
                c = by_key.get((scale, backend)) if impl == "zoo" else None
                ratios = c["ratios"] if c else {}
                targets = c["targets"] if c else {}

                def mark(phase):
                    t = targets.get(phase)
                    if t is None:
                        return ""
                    return " ok" if t["verdict"] == "met" else " NO"

                n = model_params(scale, args.warmup_ms, args.sim_ms)
                rows.append({
                    "scale": f"{scale:g}", "neurons": f"{n.N_E + n.N_I}", "synapses": f"{r['synapses'] / 1e6:.2f}M",
                    "config": f"{backend} {impl}",
                    "build": fmt(r[key("build_s")]), "build_x": (fmt(ratios.get("build")) + mark("build")) if c else "1",
                    "warmup": fmt(r[key("warmup_s")]), "warmup_x": fmt(ratios.get("warmup")) if c else "1",
                    "sim": fmt(r[key("simulate_per_bio_s")]),
                    "sim_x": (fmt(ratios.get("simulate")) + mark("simulate")) if c else "1",
                    "total_x": (fmt(ratios.get("total")) + mark("total")) if c else "1",
                    "peak": f"{r['peak_bytes'] / 2**20:.0f}",
                    "per_syn": f"{(r['peak_bytes'] - r['rss_before_build']) / r['synapses']:.0f}",
                    "peak_x": (fmt(ratios.get("peak")) + mark("peak")) if c else "1",
                    "rates": f"{r['rate_E']:.2f}/{r['rate_I']:.2f}",
                })
    return rows


COLUMNS = (
    ("scale", "k"), ("neurons", "neurons"), ("synapses", "synapses"), ("config", "config"),
    ("build", "build s"), ("build_x", "x"), ("warmup", "warm-up s"), ("warmup_x", "x"),
    ("sim", "sim s/bio-s"), ("sim_x", "x"), ("total_x", "total x"), ("peak", "peak MiB"),
    ("per_syn", "B/syn"), ("peak_x", "x"), ("rates", "E/I spk/s"),
)


def text_table(rows):
    widths = {key: max(len(title), *(len(row[key]) for row in rows)) for key, title in COLUMNS}
    lines = ["  ".join(f"{title:>{widths[key]}}" for key, title in COLUMNS)]
    lines.append("-" * len(lines[0]))
    previous = None
    for row in rows:
        if previous is not None and row["scale"] != previous:
            lines.append("")
        previous = row["scale"]
        lines.append("  ".join(f"{row[key]:>{widths[key]}}" for key, _ in COLUMNS))
    return "\n".join(lines)


def markdown_table(rows):
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |",
             "|" + "|".join("---:" if key not in ("config",) else "---" for key, _ in COLUMNS) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(row[key] for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def system_time_lines(results, args):
    """The build's system CPU seconds (page faults) next to its user seconds, zoo and native."""
    parts = []
    for backend in args.backends:
        for scale in args.scales:
            native, zoo = (results.get((backend, impl, scale)) for impl in ("native", "zoo"))
            if native is None or zoo is None or "build_sys_s" not in zoo:
                continue
            user = [r["build_cpu_s"] - r["build_sys_s"] for r in (zoo, native)]
            parts.append(f"{backend} scale {scale:g}: zoo {user[0]:.2f} + {zoo['build_sys_s']:.2f}, native "
                         f"{user[1]:.2f} + {native['build_sys_s']:.2f} (user x {user[0] / user[1]:.2f})")
    if not parts:
        return []
    return ["Build, user + system CPU seconds (system time is mostly page faults, and varies from run to run "
            "on a virtual machine):", "  " + "; ".join(parts)]


def stock_lines(results, args):
    stock = results.get(("brian2", "stock", args.stock_scale))
    zoo = results.get(("brian2", "zoo-build", args.stock_scale))
    if stock is None or zoo is None:
        return []
    n = model_params(args.stock_scale, args.warmup_ms, args.sim_ms)
    speedup = stock[key("build_s")] / zoo[key("build_s")]
    return [
        f"Build only, Brian2, scale {args.stock_scale:g} ({n.N_E} E + {n.N_I} I, probabilities unchanged, "
        f"{stock['synapses']:,} synapses):",
        f"  stock PyNN {stock[key('build_s')]:.1f} s (peak {stock['peak_bytes'] / 2**20:.0f} MiB), "
        f"zoo {zoo[key('build_s')]:.2f} s (peak {zoo['peak_bytes'] / 2**20:.0f} MiB): "
        f"zoo {speedup:.0f}x faster (target >= {STOCK_SPEEDUP_TARGET:g}x: "
        f"{verdict(speedup, STOCK_SPEEDUP_TARGET, at_most=False)})",
    ]


LEGEND = """\
Seconds are {clock} seconds{clock_note}. build: setup done -> network ready (zoo: incl. NumPy \
connectivity drawing); warm-up: first run of {warmup:g} ms (incl. one-off preparation); sim: seconds per \
biological second of the second run ({sim:g} ms); total x: (build + warm-up + sim) zoo / native; \
peak: peak RSS of the configuration's process; B/syn: (peak - RSS before the build) / synapses; \
x: zoo / native in this run; ok / NO: target met / not met (NEST: build, sim, total <= 1.05, \
peak <= 1.5; Brian2: build <= 1.5, sim <= 1.2, peak <= 1.5). E/I spk/s: mean rates in the \
recorded window (the two scripts draw different realisations of the network)."""

CLOCK_NOTE = {
    "cpu": " (user + system time of the process: robust to other load on a shared machine; wall-clock "
           "seconds are in the JSON file)",
    "wall": " (wall clock; CPU seconds are in the JSON file)",
}


def legend(args):
    return LEGEND.format(clock=args.clock.upper() if args.clock == "cpu" else "wall-clock",
                         clock_note=CLOCK_NOTE[args.clock], warmup=args.warmup_ms, sim=args.sim_ms)


def breakdown_lines(results, args):
    """Where the zoo's build goes, per scale and backend (from zoo.progress.step marks)."""
    lines = []
    field = "cpu_s" if args.clock == "cpu" else "wall_s"
    for scale in args.scales:
        for backend in args.backends:
            r = results.get((backend, "zoo", scale))
            if r is None or not r.get("build_steps"):
                continue
            # the phase after the last "connecting" mark also holds the stimulus and the recorders
            parts = {"populations": 0.0, "drawing": 0.0, "projections (+ stimulus, recorders)": 0.0}
            for step in r["build_steps"]:
                phase = step["phase"]
                if phase.startswith("creating populations"):
                    parts["populations"] += step[field]
                elif phase.startswith("drawing"):
                    parts["drawing"] += step[field]
                elif phase != "start":
                    parts["projections (+ stimulus, recorders)"] += step[field]
            lines.append(f"  {backend:<6} scale {scale:g}: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    return lines


def _between_markers(old, block):
    begin, end = "<!-- rostami2020:begin -->", "<!-- rostami2020:end -->"
    if begin in old and end in old:
        return old[:old.index(begin)] + begin + "\n" + block + end + old[old.index(end) + len(end):]
    return None


def write_readme(path, text_rows, notes, meta, args, json_path):
    """Rewrite the generated block of benchmarks/README.md (create the file if needed); text
    outside the markers (hand-written notes) is kept."""
    date = meta["date"]
    machine = meta["machine"]
    versions = meta["versions"]
    command = "python benchmarks/rostami2020.py" + (" " + " ".join(args.argv) if args.argv else "")
    block = f"""## rostami2020: zoo vs native ({date})

Machine: {machine.get('cpu', '?')}, {machine.get('usable_cores', '?')} cores, {machine.get('memory_gib', '?')} GiB
(load average {', '.join(f'{x:.1f}' for x in machine.get('load_average_at_start', ()))} at the start);
NEST {versions.get('nest-simulator')}, Brian2 {versions.get('Brian2')} (runtime mode, Cython), PyNN {versions.get('PyNN')},
NumPy {versions.get('numpy')}, Python {versions.get('python')}; NEST threads {args.threads}; best of {args.repeat};
{args.warmup_ms:g} ms warm-up + {args.sim_ms:g} ms measured; seed {SEED}. Raw numbers: `{json_path}`.

{markdown_table(text_rows)}

{chr(10).join(notes)}

{legend(args)}

Brian2 compiles its Cython code once: an untimed run of each implementation at a small size came
first; {meta['cython_modules_compiled_during_timed_runs']} new Cython module(s) were compiled during the timed runs.

### How to rerun

```sh
. .venv/bin/activate
{command}   # this table (about 20-25 min on 2 cores)
python benchmarks/rostami2020.py --quick           # smoke run at scale 0.2, a couple of minutes
python benchmarks/rostami2020.py --backends nest --scales 1 2 --repeat 3 --threads 2
```

Options: `--scales K ...` (default 1 2 4), `--backends nest brian2`, `--threads N` (NEST, both
scripts), `--repeat N` (best of N per phase), `--warmup-ms`, `--sim-ms`, `--clock cpu|wall`,
`--stock-scale K` (size of the stock-PyNN build comparison; 0 skips it), `--quick`, `--no-readme`.
The JSON file holds the machine, versions, every run's wall and CPU seconds per phase, the zoo's
build steps and the ratios. This block is rewritten by the script; text outside the markers stays.
"""
    old = path.read_text() if path.exists() else ""
    content = _between_markers(old, block)
    if content is None:
        content = f"""# Benchmarks

Speed and memory of the zoo against native code. Every script runs each configuration in its own
process and prints ratios measured within the same run: machines are shared and noisy, so only
same-run ratios mean anything.

| script | what it measures |
|---|---|
| `rostami2020.py` | rostami2020 (default variant, and 2x and 4x the neurons at equal in-degrees): build, simulate and peak memory of the zoo vs a native PyNEST and a native Brian2 script; zoo vs stock PyNN build on Brian2 |
| `brian2_build_speed.py` | one PyNN `Projection` on Brian2: stock PyNN vs the zoo's batched builder (`zoo.backends.brian2.batch`), with a check that both build identical connections |
| `nest_build_speed.py` | a 4000 + 1000 neuron network on NEST: stock PyNN vs the batched builder (`zoo.backends.nest.batch`) vs native `nest.Connect` |

<!-- rostami2020:begin -->
{block}<!-- rostami2020:end -->
"""
    path.write_text(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    parser.add_argument("--backends", nargs="+", choices=("nest", "brian2"), default=["nest", "brian2"])
    parser.add_argument("--threads", type=int, default=1, help="NEST threads (zoo and native); Brian2 uses 1")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration; the best counts")
    parser.add_argument("--warmup-ms", type=float, default=500.0)
    parser.add_argument("--sim-ms", type=float, default=2000.0)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="seconds in the table and the ratios (default cpu; both are in the JSON)")
    parser.add_argument("--stock-scale", type=float, default=STOCK_SCALE,
                        help=f"scale of the stock-PyNN vs zoo build on Brian2 (default {STOCK_SCALE:g}; 0: skip)")
    parser.add_argument("--quick", action="store_true", help="smoke run: scale 0.2, 200 + 500 ms, stock at 0.04")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite benchmarks/README.md")
    parser.add_argument("--out", type=Path, help="JSON file (default benchmarks/results/rostami2020-DATE.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # one configuration; its result as JSON on the last line of stdout
        print(json.dumps(run_configuration(json.loads(args.child))))
        return

    CLOCK["name"] = args.clock
    args.argv = sys.argv[1:]
    if args.quick:
        args.scales = [0.2]
        if "--sim-ms" not in sys.argv:
            args.sim_ms = 500.0
        if "--warmup-ms" not in sys.argv:
            args.warmup_ms = 200.0
        if "--stock-scale" not in sys.argv:
            args.stock_scale = 0.04
        args.no_readme = True
    from process_costs import claim_output

    out = claim_output(args.out, HERE / "results" /
                       f"rostami2020-{datetime.date.today().isoformat()}{'-quick' if args.quick else ''}.json")
    common = {"threads": args.threads, "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms}
    do_stock = args.stock_scale > 0 and "brian2" in args.backends
    start_load = os.getloadavg()

    # Untimed warm-up: Brian2 compiles (and caches on disk) its Cython code on first use. Same run
    # lengths as the timed runs (the native stimulus TimedArray's length is part of its code).
    compiled_before = count_cython_modules()
    if "brian2" in args.backends:
        print("warm-up (untimed): compiling Brian2's Cython code at a small size ...", file=sys.stderr, flush=True)
        for impl in list(IMPLEMENTATIONS["brian2"]) + (["stock"] if do_stock else []):
            scale = 0.2 if impl != "stock" else 0.02
            child({**common, "backend": "brian2", "impl": impl, "scale": scale,
                   "build_only": impl == "stock"}, verbose=True)
    compiled_at_warmup = count_cython_modules() - compiled_before

    runs = {}
    for repeat in range(args.repeat):
        print(f"timed runs, round {repeat + 1} of {args.repeat}", file=sys.stderr, flush=True)
        for scale in args.scales:
            for backend in args.backends:
                # every other round runs the zoo first: on a virtual machine a process's first
                # touch of memory costs what the process before it left behind
                order = IMPLEMENTATIONS[backend][::1 if repeat % 2 == 0 else -1]
                for impl in order:
                    config = {**common, "backend": backend, "impl": impl, "scale": scale}
                    runs.setdefault((backend, impl, scale), []).append(child(config, verbose=True))
        if do_stock:
            for impl, label in (("zoo", "zoo-build"), ("stock", "stock")):
                config = {**common, "backend": "brian2", "impl": impl, "scale": args.stock_scale, "build_only": True}
                runs.setdefault(("brian2", label, args.stock_scale), []).append(child(config, verbose=True))
    compiled_during = count_cython_modules() - compiled_before - compiled_at_warmup
    results = {k: best_of(value) for k, value in runs.items()}
    comparisons = compare(results, args)

    sys.path.insert(0, str(ROOT))
    from zoo.backends import versions

    date = datetime.date.today().isoformat()
    machine = machine_info()
    machine["load_average_at_start"] = start_load
    machine["load_average_at_end"] = os.getloadavg()
    meta = {"date": date, "machine": machine, "versions": versions(),
            "cython_modules_compiled_at_warmup": compiled_at_warmup,
            "cython_modules_compiled_during_timed_runs": compiled_during}
    rows = table_rows(results, comparisons, args)
    notes = system_time_lines(results, args) + [""] + stock_lines(results, args)
    print(f"rostami2020, zoo vs native, {date}: {machine.get('cpu', '?')}, {machine.get('usable_cores')} cores, "
          f"load average {start_load[0]:.1f} at the start; NEST threads {args.threads}; best of {args.repeat}; "
          f"{args.warmup_ms:g} ms warm-up + {args.sim_ms:g} ms measured; {args.clock} seconds")
    print(text_table(rows))
    print()
    for line in notes:
        print(line)
    print()
    print(legend(args))
    print(f"Brian2 Cython: compiled by the untimed warm-up runs: {compiled_at_warmup} module(s); "
          f"during the timed runs: {compiled_during} (should be 0).")
    breakdown = breakdown_lines(results, args)
    if breakdown:
        print("\nzoo build, by step (zoo.progress.step marks):")
        print("\n".join(breakdown))
    print("\ntargets:")
    for c in comparisons:
        for phase, t in c["targets"].items():
            relation = ">=" if phase == "build_speedup" else "<="
            what = "zoo build speed-up over stock PyNN" if phase == "build_speedup" else f"zoo/native {phase}"
            print(f"  {c['backend']:<6} scale {c['scale']:g}: {what} = {t['ratio']:.2f} "
                  f"({relation} {t['limit']:g}): {t['verdict']}")

    document = {
        **meta,
        "command": "python benchmarks/rostami2020.py " + " ".join(args.argv),
        "settings": {"scales": args.scales, "backends": args.backends, "threads": args.threads,
                     "repeat": args.repeat, "warmup_ms": args.warmup_ms, "sim_ms": args.sim_ms,
                     "clock": args.clock, "stock_scale": args.stock_scale if do_stock else None,
                     "seed": SEED, "brian2_codegen": "cython (runtime mode)"},
        "results": [{"backend": b, "impl": i, "scale": s, **r} for (b, i, s), r in results.items()],
        "all_runs": [{"backend": b, "impl": i, "scale": s, "runs": r} for (b, i, s), r in runs.items()],
        "comparisons": comparisons,
    }
    out.write_text(json.dumps(document, indent=1))
    rel = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nwrote {rel}")
    if not args.no_readme:
        readme = HERE / "README.md"
        write_readme(readme, rows, notes, meta, args, rel)
        print(f"wrote {readme.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
