"""The backend wing: everything in the zoo that knows a simulator.

``setup(name, streams, ...)`` opens a zoo session on one simulator and returns a :class:`Backend`
whose ``sim`` is the PyNN module models build on. For the length of the session, and only then,

- the simulator's own generators are seeded from the master seed and NEST runs on the time grid,
  as Brian2 always does;
- the zoo's changes to PyNN are installed: batched projection builders and speed and memory
  savers (``nest/``, ``brian2/``; each module says what it changes and why);
- the zoo's building blocks get the backend's own realisations (:mod:`zoo.hooks`): spike sources
  without parrot neurons on NEST, custom neuron types from NESTML or Brian2 equations;
- the known harmless warnings of PyNN 0.13, NEST 3.10 and Brian2 2.9 are silenced.

``Backend.end()`` (or leaving ``with setup(...) as backend:``) ends PyNN's simulation and puts
all of that back: after it, or without a zoo session at all, PyNN is stock. The changes are
written for the versions in :mod:`.compatibility`; with others the session runs stock PyNN and
says so once.
"""

import contextlib
import importlib
import logging
import os
import platform
import time
import warnings

from .. import hooks
from ..errors import ZooError, unknown
from . import compatibility, mpi
from .mpi import launched, world  # noqa: F401 (the app asks backends, not backends.mpi)

SIMULATORS = ("nest", "brian2")
DEFAULT_SIMULATOR = SIMULATORS[0]
SLOWER_FIRST = ("brian2", "nest")  # start order of parallel runs of one model, so they end together

# Messages that PyNN 0.13, NEST 3.10 and Brian2's parsers emit on every run and that mean nothing
# for the zoo.
_HARMLESS_WARNINGS = (
    r".*backward compatibility.*",
    r".*SetStatus.*",
    r".*GetStatus.*",
    r".*verbosity.*",
    r".*nest-config.*",
    r".*NEST extensions.*",
    r".*cmake.*",
    r".*deprecated - use.*",  # pyparsing 3.3, through Brian2's parsers
    r".*'parseAll' argument is deprecated.*",
)
# Loggers whose chatter at WARNING means nothing for the zoo (PyNN: NEST cannot set initial
# synaptic currents, which start at 0 anyway).
_QUIETED_LOGGERS = ("PyNN", "brian2")

log = logging.getLogger("zoo")
_active = []  # the Backend of the open session, if any


def wing(name):
    """The wing module of simulator `name` (``zoo.backends.nest`` or ``zoo.backends.brian2``)."""
    if name not in SIMULATORS:
        raise unknown("simulator", name, SIMULATORS)
    return importlib.import_module(f"{__name__}.{name}")


def distributed(name):
    """Whether simulator `name` runs one network across MPI processes (``mpirun -np N``): NEST
    does, when built with MPI; Brian2 has no distributed mode."""
    return bool(getattr(wing(name), "DISTRIBUTED", False))


def import_simulator(name):
    """PyNN's module for simulator `name`, stock; a missing package is a one-line ZooError."""
    side = wing(name)
    try:
        return side.import_pynn()
    except ImportError as err:
        raise ZooError(f"simulator '{name}' is not usable ({err}); install it with: {side.INSTALL_HINT}") from None


class Backend:
    """An open zoo session on one simulator: `sim` is the PyNN module, plus what provenance needs."""

    def __init__(self, name, sim, streams, threads, timestep, spike_precision, patched, facts=None):
        self.name = name
        self.sim = sim
        self.streams = streams
        self.threads = threads
        self.timestep = timestep
        self.spike_precision = spike_precision
        self.patched = patched  # False where the versions do not fit the zoo's changes (stock PyNN)
        self.facts = dict(facts or {})  # simulator-specific settings recorded with the results
        self.ranks = self.facts.pop("mpi_processes", 1)  # MPI processes that share the network
        self.rank = self.facts.pop("mpi_rank", 0)
        self._restore = None  # what ending the session puts back

    def info(self):
        """Backend facts recorded with the results."""
        return {
            "simulator": self.name,
            "threads": self.threads,
            "mpi_processes": self.ranks,
            "virtual_processes": self.ranks * self.threads,
            "timestep_ms": self.timestep,
            "spike_precision": self.spike_precision,
            "zoo_changes_to_pynn": self.patched,
            "versions": versions(),
            **self.facts,
        }

    def simulate(self, total_ms, every_s=2.0):
        """Run the simulation for `total_ms`, logging progress with an ETA every `every_s`; wall s."""
        start = time.perf_counter()
        wing(self.name).simulate(self.sim, total_ms, self.timestep, every_s)
        return time.perf_counter() - start

    def end(self):
        """End PyNN's simulation and the session: PyNN is stock again. A session that a later
        ``setup`` replaced has nothing left to end."""
        if self not in _active:
            return
        try:
            self.sim.end()
        finally:
            self.release()

    def release(self):
        """Take the zoo's changes off PyNN (without ending PyNN's simulation); harmless twice."""
        restore, self._restore = self._restore, None
        if restore is not None:
            restore()
        if self in _active:
            _active.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.end()
        return False


def setup(name, streams, threads=1, timestep=0.1, min_delay=0.1, max_delay=10.0, blocks=()):
    """Open a zoo session on simulator `name`, every random stream derived from `streams`; what
    the building blocks `blocks` (zoo.model.ZooModel.building_blocks) need is made ready first."""
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ZooError(f"threads must be a positive integer, got {threads!r}")
    for previous in list(_active):  # a new session replaces an open one, as PyNN's setup does
        previous.release()
    side = wing(name)
    undo = contextlib.ExitStack()
    undo.enter_context(_quiet())
    try:
        sim = import_simulator(name)
        fits, why = compatibility.check(name)
        if fits:
            side.install_patches()
            undo.callback(side.uninstall_patches)
            hooks.provide(sim, side.realisations())
            undo.callback(hooks.withdraw, sim)
        else:
            log.warning("%s; running stock PyNN, without the zoo's changes", why)
        settings = side.configure(sim, streams, threads=threads, timestep=timestep, min_delay=min_delay,
                                  max_delay=max_delay)
        if fits:
            side.ready(sim, tuple(blocks))
    except BaseException:
        undo.close()
        raise
    backend = Backend(name, sim, streams, settings.pop("threads"), timestep, settings.pop("spike_precision"),
                      patched=fits, facts=settings)
    backend._restore = undo.close
    _active.append(backend)
    return backend


@contextlib.contextmanager
def _quiet():
    """Silence the known harmless warnings and loggers until the session ends."""
    with warnings.catch_warnings():
        for pattern in _HARMLESS_WARNINGS:
            warnings.filterwarnings("ignore", message="(?s)\\s*" + pattern)
        levels = {name: logging.getLogger(name).level for name in _QUIETED_LOGGERS}
        for name in _QUIETED_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            yield
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)


def default_threads(model, simulator):
    """Threads for `model` on `simulator` when the user names none: every core this process may
    use on NEST for a model whose spikes do not depend on the thread count, else 1, so that a seed
    means the same run on every machine (Brian2 runs on one thread). Under mpirun, ranks that the
    launcher did not bind to cores share this machine's cores."""
    if simulator != "nest" or not model.nest_thread_invariant:
        return 1
    everything = os.cpu_count() or 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else everything
    if cores >= everything:  # not bound to cores by an MPI launcher: share the machine with the other local ranks
        cores = max(1, cores // mpi.local_ranks())
    return cores


def prepare(neuron, simulator):
    """Do ahead of time, once, what running the custom neuron type `neuron` (zoo.neurons) on
    `simulator` needs (on NEST: compile its module into the cache, so that parallel runs do not
    each compile it)."""
    wing(simulator).prepare(neuron)


def versions():
    """Versions of Python and of every package that shapes a result."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for dist in ("PyNN", "nest-simulator", "Brian2", "numpy", "neo", "elephant", "quantities"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "not installed"
    return found
