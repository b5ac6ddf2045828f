"""Brian2 through pyNN.brian2: how the zoo sets it up, changes and runs it.

- ``configure`` seeds Brian2's generators from the master seed and takes the code-generation target
  from ``$ZOO_BRIAN2_CODEGEN`` (auto, cython or numpy) where it is set;
- the changes to PyNN while a session is open, each in its own module, which says what and why:
  batched projection building (:mod:`.batch`, with :mod:`.merged_synapses`), shared cell
  parameters (:mod:`.shared_parameters`), step currents without a Python call every step
  (:mod:`.current_sources`), NEST-like recording stamps (:mod:`.recording`) and refractory periods
  of PyNN's standard cells (:mod:`.refractory`), the reset snapshot
  without a second copy of static synapses (:mod:`.snapshot`), one delay per projection
  (:mod:`.shared_delays`), one spike per action potential and a stable integrator for
  ``HH_cond_exp`` (:mod:`.biophysical`);
- the realisations of the zoo's building blocks: spike sources set in one call (:mod:`.inputs`)
  and custom neuron types from their equations (:mod:`.neurons`);
- a simulation runs in one call, with Brian2's own progress report (every ``run`` call would
  prepare the whole network again).
"""

import importlib
import logging
import os
import time

from ... import progress
from ...errors import ZooError
from . import (batch, biophysical, connections, current_sources, inputs, recording, refractory, shared_delays,
               shared_parameters, snapshot)

INSTALL_HINT = "pip install 'brian2==2.9.*'"
PATCHES = (batch, shared_parameters, current_sources, recording, snapshot, shared_delays, biophysical, refractory)
# The batched builder's options: distinct values per multapse, as NEST keeps them (stock
# PyNN-Brian2 gives every synapse of a pair the value set last); synapses in presynaptic order, for
# faster spike propagation; static projections between the same groups in one Synapses object
# (Brian2 pays per object and time step).
BATCH_OPTIONS = {"distinct_multapse_values": True, "presynaptic_order": True, "merge_projections": True}
CODEGEN_TARGETS = ("auto", "cython", "numpy")
connection_table = connections.table


def import_pynn():
    return importlib.import_module("pyNN.brian2")


def install_patches():
    for patch in PATCHES:
        patch.install()
    batch.install(**BATCH_OPTIONS)


def uninstall_patches():
    for patch in reversed(PATCHES):
        patch.uninstall()


def realisations():
    """The zoo's building blocks as this backend realises them (see zoo.hooks)."""
    from . import neurons

    return {"spike_source": inputs.spike_source, "cell_type": neurons.cell_type}


def configure(sim, streams, threads, timestep, min_delay, max_delay):
    """``sim.setup``, Brian2's seed from `streams` and its code target; the facts to record."""
    import brian2

    brian2.BrianLogger.log_level_error()
    sim.setup(timestep=timestep, min_delay=min_delay, max_delay=max_delay)
    target = os.environ.get("ZOO_BRIAN2_CODEGEN")
    if target:
        if target not in CODEGEN_TARGETS:
            raise ZooError(f"ZOO_BRIAN2_CODEGEN must be one of {', '.join(CODEGEN_TARGETS)}, got '{target}'")
        brian2.prefs.codegen.target = target
    brian2.seed(streams.seed("brian2"))
    if threads != 1:
        logging.getLogger("zoo").warning("Brian2 runs on one thread in runtime mode; --threads %d ignored", threads)
    return {"threads": 1, "spike_precision": "on_grid", "brian2_codegen_target": str(brian2.prefs.codegen.target)}


def ready(sim, blocks):
    """Nothing to install: Brian2 realises every building block from its own objects."""


def prepare(neuron):
    """Nothing: Brian2 builds a custom neuron type from its equations when a network uses it."""


def simulate(sim, total_ms, dt_ms, every_s=2.0):
    """Run `sim` for `total_ms` in one call, reporting progress at most every `every_s`."""
    from brian2 import second

    network = sim.simulator.state.network
    plain_run = network.run
    began = time.perf_counter()
    last = [-every_s]

    compiled = _CompileWatch()

    def report(elapsed, completed, start, duration):
        # A run may come in stretches (current_sources.py): count from the first one, and say it
        # at most every `every_s` seconds.
        compiled.first_report(time.perf_counter() - began)
        done = min(1.0, float((start + completed * duration) / second) * 1000.0 / total_ms)
        elapsed = time.perf_counter() - began
        if elapsed - last[0] < every_s and done < 1.0:
            return
        last[0] = elapsed
        progress.simulated(done * total_ms, total_ms, elapsed)

    network.run = lambda duration, **kw: plain_run(duration, report=report, report_period=every_s * second, **kw)
    import brian2

    if str(brian2.prefs.codegen.target) != "numpy":
        progress.step("Brian2 generates and compiles this network's code before the first step: about a minute "
                      "the first time, seconds once its cache has it")
        compiled.start()
    try:
        sim.run(total_ms)
    finally:
        del network.run


class _CompileWatch:
    """Says, once the first step is reached, how long Brian2 prepared the code and how many Cython
    modules it compiled for it (new files in its cache): a one-off cost, which later runs skip."""

    def __init__(self):
        self.before = None

    @staticmethod
    def _modules():
        from pathlib import Path

        try:
            import brian2

            folder = brian2.prefs["codegen.runtime.cython.cache_dir"] or Path.home() / ".cython" / "brian_extensions"
        except (ImportError, KeyError):
            return None
        folder = Path(folder)
        return len(list(folder.glob("*.so"))) if folder.is_dir() else 0

    def start(self):
        self.before = self._modules()

    def first_report(self, seconds):
        if self.before is None:
            return
        after = self._modules()
        new = None if after is None else max(0, after - self.before)
        self.before = None
        if new:
            progress.step("Brian2 prepared the code in %.0f s, %d module(s) compiled once (cached: later runs of this "
                          "network skip it)", seconds, new)
        else:
            progress.step("Brian2 prepared the code in %.1f s from its cache (nothing compiled)", seconds)
