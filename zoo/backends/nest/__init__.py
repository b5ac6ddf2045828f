"""NEST through pyNN.nest: how the zoo imports, sets up, changes and runs it.

- the import skips PyNN's attempt to compile its C++ extension against the pip wheel;
- ``configure`` puts NEST on the time grid (``spike_precision="on_grid"``, as Brian2 always is)
  and seeds its kernel from the master seed;
- the changes to PyNN while a session is open: batched projection building (:mod:`.batch`),
  local-node answers without asking NEST in one process (:mod:`.local_ids`) and step currents as
  changes of the cells' ``I_e`` instead of generator events on every step (:mod:`.current_sources`);
- the realisations of the zoo's building blocks: spike sources without parrot neurons, private
  trains from one device of the zoo's own (:mod:`.inputs`, :mod:`.devices`) and custom neuron
  types from NESTML (:mod:`.neurons`);
- a simulation runs in chunks, to report progress (a chunk costs NEST almost nothing).
"""

import contextlib
import importlib
import io
import logging
import os
import time
import warnings

from ... import progress
from ...errors import ZooError
from . import batch, connections, current_sources, devices, inputs, local_ids, neurons

log = logging.getLogger("zoo")

INSTALL_HINT = "pip install 'nest-simulator==3.10.*'"
# One network across MPI processes (mpirun -np N), when NEST is built with MPI (tools/install-nest-mpi):
# every rank builds the same PyNN model, NEST creates only the neurons and incoming connections of
# its own virtual processes, and recorded data are gathered onto rank 0 (:mod:`.parallel`).
DISTRIBUTED = True
PATCHES = (batch, local_ids, current_sources)
connection_table = connections.table


def import_pynn():
    """Import pyNN.nest without its attempt to compile a C++ extension against the pip wheel.

    pyNN.nest runs cmake on import to build 'pynn_extensions' (needed only by
    StochasticTsodyksMarkramSynapse); the pip wheel has no libnest to link against, so it
    prints a page of cmake errors. Hiding nest-config from PyNN's lookup skips the attempt.
    """
    os.environ.setdefault("PYNEST_QUIET", "1")
    import pyNN.core

    original_find = pyNN.core.find
    pyNN.core.find = lambda command: "" if command == "nest-config" else original_find(command)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            return importlib.import_module("pyNN.nest")
    finally:
        pyNN.core.find = original_find


def install_patches():
    for patch in PATCHES:
        patch.install()


def uninstall_patches():
    for patch in reversed(PATCHES):
        patch.uninstall()


def realisations():
    """The zoo's building blocks as this backend realises them (see zoo.hooks)."""
    return {"spike_source": inputs.spike_source, "poisson_source": inputs.poisson_source,
            "private_poisson": inputs.private_poisson, "private_trains": inputs.private_trains,
            "cell_type": neurons.cell_type}


def configure(sim, streams, threads, timestep, min_delay, max_delay):
    """``sim.setup`` on the time grid with the kernel seeded from `streams`; the facts to record."""
    sim.setup(timestep=timestep, min_delay=min_delay, max_delay=max_delay, threads=threads,
              rng_seed=streams.seed("nest_kernel"), spike_precision="on_grid", verbosity="error")
    return {"threads": threads, "spike_precision": "on_grid", "mpi_processes": sim.num_processes(),
            "mpi_rank": sim.rank()}


def ready(sim, blocks):
    """Install, before anything is created, the devices the building blocks `blocks` use
    (zoo.model.ZooModel.building_blocks); the block falls back to NEST's own models where one
    cannot be compiled."""
    if "private_trains" not in blocks:
        return
    try:
        devices.ensure_installed(devices.PRIVATE_TRAINS)
    except ZooError as err:
        log.warning("private input trains replayed from spike_train_injector nodes (slower): %s", err)


def prepare(neuron):
    """Compile the module of a custom neuron type into the cache, once."""
    neurons.compile_module(neuron)


def simulate(sim, total_ms, dt_ms, every_s=2.0, chunks=20):
    """Run `sim` for `total_ms` in about `chunks` steps; report progress at most every `every_s`.

    The first chunk is PyNN's ``run`` (it connects the recorders and, on the first run, adds a
    min_delay); the others are ``nest.Run`` between one ``nest.Prepare`` and ``nest.Cleanup``, as
    NEST advises for a simulation in steps: a ``Simulate`` per chunk prepares every node and
    connection each time (~25 ms per call at schmidt2018's default scale).
    """
    import nest

    steps = int(round(total_ms / dt_ms))
    chunk_steps = max(1, -(-steps // chunks))
    start, done, last = time.perf_counter(), 0, -every_s
    with contextlib.ExitStack() as prepared:
        run_chunk = None
        while done < steps:
            advance = min(chunk_steps, steps - done)
            if done == 0:
                sim.run(advance * dt_ms)
            else:
                if run_chunk is None:
                    nest.Prepare()
                    prepared.callback(nest.Cleanup)
                    run_chunk = prepared.enter_context(current_sources.stretches(nest.Run))
                run_chunk(advance * dt_ms)
            done += advance
            elapsed = time.perf_counter() - start
            if elapsed - last < every_s and done < steps:
                continue
            last = elapsed
            progress.simulated(done * dt_ms, total_ms, elapsed)
