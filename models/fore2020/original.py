"""The original code, run unmodified: trfore/chatmodel run_simulation.py (e5aea56) on Brian2.

Fetched by zoo.originals (pinned commit, checksums) and run by validation/originals.py (one
condition per process) and benchmarks/fore2020.py (all three, timed). The script is loaded with
``runpy`` under a name other than ``__main__`` (so its ``main()`` does not run), in a scratch folder
(its ``np.save`` files stay out of the repository), with its settings in its own environment
variables (``CHAT_NUM_TRIAL``, ``CHAT_NUM_MF``/``GRC``/``GOC``); a condition runs by calling its own
``trial_sim(Condition)``, as its ``main()`` does. Nothing in its files changes; at run time:

- **Seed.** ``trial_sim`` starts with ``seed(CHAT_SEED_TRIAL)`` (451), which seeds Brian2's and
  NumPy's generators: connectivity and noise. ``brian2.seed`` is wrapped so that this call seeds them
  with the run's seed instead (:func:`patch_seed`). The driver imports no simulator itself: it
  takes the module the script star-imports (:func:`simulator`). What it seeds otherwise stays as in every run of
  the original: ``random.seed(451)`` (the 32 active MFs), ``RandomState(35)`` (mean weights),
  ``RandomState(43)`` (per-trial weight seeds), ``RandomState(1)`` (ACh's tonic factors). The zoo's
  ``reference_quirks`` variants fix the same (stimulus.py), so its Control is their third arm.
- **Spikes.** Its ``SpikeMonitor`` records the GrCs only, kept per trial in its list ``spikes``. A
  SpikeMonitor on its GoC group is added to the objects Brian2's magic functions collect
  (:func:`record_golgi`, wrapping ``brian2.core.magic.collect``) and read after each ``run``; a
  monitor draws no random numbers, so the GrC spikes are those of a run without it.
- **Stop.** Its per-neuron pandas analysis (~15 min per condition) is not run: the condition stops
  where it starts, at its first ``scipy.sparse.csr_matrix`` (:func:`stop_at_analysis`), and
  ``trial_sim``'s local variables there (``spikes``, ``GrC_M``, ``active_indices``) give the GrC
  spikes and each GrC's number of synapses from active MFs (the zoo's label ``active_inputs``).

Trials: the original restores its stored network before each 2-s trial; the zoo runs them back to
back. Trial t's spikes are put at t x 2000 ms on the zoo's clock. Populations GrC and GoC, as the
zoo records them (neither records the MFs).
"""

import ast
import contextlib
import importlib
import importlib.metadata
import os
import runpy
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

DESCRIPTION = ("trfore/chatmodel run_simulation.py (e5aea56) on Brian2, unmodified: its condition of the variant "
               "(Control, GABAzine or ACh), Brian2's seed from the run, stopped before its pandas analysis")
CONDITION = {"reference_quirks": "Control", "reference_quirks_10": "Control",  # zoo variant -> its condition
             "gabazine_quirks_10": "GABAzine", "muscarine_quirks_10": "ACh"}
VARIANTS = tuple(CONDITION)
CONDITIONS = ("Control", "GABAzine", "ACh")  # its main()'s order
TRIAL_MS = 2000.0  # its `runtime`
DT_MS = 0.1  # Brian2's default clock, which it keeps
SCRIPT = "run_simulation.py"


class StopAtAnalysis(Exception):
    """Raised where the original's analysis would start."""


def environment(params):
    """Its environment variables for the zoo parameters `params` (the sizes and the trial count)."""
    if params.trial_ms != TRIAL_MS or params.dt != DT_MS:
        raise ValueError(f"the original runs {TRIAL_MS:g}-ms trials at dt {DT_MS} ms; the variant sets "
                         f"{params.trial_ms:g} ms at {params.dt} ms")
    return {"CHAT_NUM_TRIAL": str(params.n_trials), "CHAT_NUM_MF": str(params.N_mf),
            "CHAT_NUM_GRC": str(params.N_grc), "CHAT_NUM_GOC": str(params.N_goc)}


@contextlib.contextmanager
def scratch(env):
    """In a fresh scratch folder, with `env` added to the environment (both undone on exit)."""
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="chatmodel-") as folder, \
            mock.patch.dict(os.environ, {"MPLBACKEND": "Agg", **env}):
        os.chdir(folder)
        try:
            yield Path(folder)
        finally:
            os.chdir(cwd)


def simulator(code_dir):
    """The simulator module its script star-imports first (Brian2): this driver imports none itself."""
    tree = ast.parse((Path(code_dir) / SCRIPT).read_text())
    return importlib.import_module(next(node.module for node in tree.body if isinstance(node, ast.ImportFrom)
                                        and node.names[0].name == "*"))


def patch_seed(stack, sim, seed=None, before=None):
    """Wrap ``sim.seed`` (before the script's star import binds it): call `before()`, then seed with
    `seed` instead of the value asked for (None: that value). Returns the list of (asked, given) seeds."""
    inner, calls = sim.seed, []

    def wrapped(asked=None):
        if before:
            before()
        given = asked if seed is None else int(seed)
        calls.append((asked, given))
        return inner(given)

    stack.enter_context(mock.patch.object(sim, "seed", wrapped))
    return calls


def wrap_magic(stack, sim, name, before=None, after=None):
    """Wrap the magic network's `name` (store, restore, run). These find the network's objects in
    the caller's frame `level` frames up: the wrapper passes one more level, so that the objects
    found are those the unwrapped call finds."""
    magic_network = _magic(sim).magic_network
    inner = getattr(magic_network, name)

    def wrapped(*args, level=0, **kwargs):
        if before:
            before(name)
        try:
            return inner(*args, level=level + 1, **kwargs)
        finally:
            if after:
                after(name)

    stack.enter_context(mock.patch.object(magic_network, name, wrapped))


def _magic(sim):
    return importlib.import_module(f"{sim.__name__}.core.magic")


def record_golgi(stack, sim):
    """Record its GoC group (the NeuronGroup with its variable ``g_e_tot_GoC``) with a SpikeMonitor
    added to what Brian2's magic network collects; per trial (each ``run``): (times ms, indices)."""
    magic = _magic(sim)
    inner, monitors, trials = magic.collect, {}, []

    def collect(level=0):
        objects = inner(level + 1)
        for obj in list(objects):
            if isinstance(obj, sim.NeuronGroup) and "g_e_tot_GoC" in obj.variables:
                if id(obj) not in monitors:  # a new condition's group: a new monitor
                    monitors.clear()
                    monitors[id(obj)] = sim.SpikeMonitor(obj)
                objects.add(monitors[id(obj)])
        return objects

    def read(name):
        if name == "run":
            (monitor,) = monitors.values()
            trials.append((np.asarray(monitor.t_[:]) * 1000.0, np.asarray(monitor.i[:], np.int64)))

    stack.enter_context(mock.patch.object(magic, "collect", collect))
    wrap_magic(stack, sim, "run", after=read)
    return trials


def stop_at_analysis(stack, before=None):
    """Stop a condition where its analysis starts (its first ``scipy.sparse.csr_matrix``)."""
    import scipy.sparse

    def stop(*args, **kwargs):
        if before:
            before()
        raise StopAtAnalysis

    stack.enter_context(mock.patch.object(scipy.sparse, "csr_matrix", stop))


def load(code_dir):
    """The script's namespace (its functions; ``main()`` not run)."""
    return runpy.run_path(str(Path(code_dir) / SCRIPT), run_name="chatmodel_run_simulation")


def run_condition(namespace, condition):
    """Run its ``trial_sim(condition)`` up to its analysis; its local variables there."""
    try:
        namespace["trial_sim"](condition)
    except StopAtAnalysis as stop:
        tb = stop.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_name == "trial_sim":
                return dict(tb.tb_frame.f_locals)
            tb = tb.tb_next
    raise RuntimeError(f"its trial_sim('{condition}') ended without reaching its analysis")


def granule_spikes(local, trial_ms=TRIAL_MS):
    """GrC spikes (times ms on the zoo's clock, indices) from its per-trial ``spikes``."""
    times, indices = [], []
    for trial, trains in enumerate(local["spikes"]):
        for index, train in trains.items():
            times.append(np.asarray(train, float) * 1000.0 + trial * trial_ms)
            indices.append(np.full(len(train), int(index), np.int64))
    return (np.concatenate(times) if times else np.zeros(0)), (np.concatenate(indices) if indices else np.zeros(0, np.int64))


def active_inputs(local):
    """Per GrC, its synapses from the active MFs (``GrC_M`` from ``active_indices``)."""
    pre, post = np.asarray(local["GrC_M"].i[:]), np.asarray(local["GrC_M"].j[:])
    return np.bincount(post[np.isin(pre, local["active_indices"])], minlength=int(local["nGrC"]))


def simulate(code_dir, variant, seed, threads=1):
    """Run the original's condition for the zoo variant `variant` with Brian2 seeded by `seed`."""
    from zoo import registry

    params = registry.create_model(f"fore2020.{variant}").params
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.enter_context(scratch(environment(params)))
        sim = simulator(code_dir)
        seeds = patch_seed(stack, sim, seed)
        golgi = record_golgi(stack, sim)
        stop_at_analysis(stack)
        local = run_condition(load(code_dir), CONDITION[variant])
        target = str(sim.prefs.codegen.target)
    if len(golgi) != params.n_trials:
        raise RuntimeError(f"expected {params.n_trials} runs, saw {len(golgi)}")
    goc_times = np.concatenate([t + k * TRIAL_MS for k, (t, _) in enumerate(golgi)])
    goc_ids = np.concatenate([i for _, i in golgi])
    populations = {
        "GrC": (*granule_spikes(local), int(local["nGrC"]), {"active_inputs": active_inputs(local)}),
        "GoC": (goc_times, goc_ids, int(local["nGoC"]), {}),
    }
    versions = {name: importlib.metadata.version(name) for name in ("Brian2", "numpy", "sympy", "pandas")}
    return {"populations": populations, "window_ms": (0.0, params.n_trials * TRIAL_MS),
            "facts": {"versions": versions, "condition": CONDITION[variant], "codegen_target": target,
                      "seeds": {"brian2.seed": [{"asked": a, "given": g} for a, g in seeds]},
                      "active_mf": [int(i) for i in local["active_indices"]],
                      "wall_s": round(time.perf_counter() - start, 1)}}
