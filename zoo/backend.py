"""Choosing and setting up a simulator behind PyNN.

`setup(name, streams, ...)` returns a :class:`Backend` holding the PyNN module (``backend.sim``)
that models build on. It is the only place in the zoo that knows which simulator runs:
it seeds the simulator's own generators from the master seed, puts NEST on the time grid
(as Brian2 always is), swaps in the batched projection builders (zoo.nest_batch,
zoo.brian2_batch) and the speed and memory savers (zoo.nest_local_ids,
zoo.brian2_shared_parameters, zoo.brian2_current_sources, zoo.brian2_snapshot,
zoo.brian2_shared_delays), and silences the known harmless noise listed in the shared PyNN notes.
"""

import contextlib
import importlib
import io
import logging
import os
import platform
import warnings

from .errors import ZooError, unknown

SIMULATORS = ("nest", "brian2")

_INSTALL_HINT = {
    "nest": "pip install 'nest-simulator==3.10.*'",
    "brian2": "pip install 'brian2==2.9.*'",
}

# Messages that PyNN 0.13 and NEST 3.10 emit on every run and that mean nothing for the zoo.
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


def _silence_harmless_warnings():
    for pattern in _HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", message="(?s)\\s*" + pattern)


def _import_pynn_nest():
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
            module = importlib.import_module("pyNN.nest")
    finally:
        pyNN.core.find = original_find
    from . import nest_batch, nest_local_ids

    nest_batch.install()
    nest_local_ids.install()
    return module


def brian2_patches():
    """The zoo's modules that patch PyNN's Brian2 backend, in the order they are installed."""
    from . import (brian2_batch, brian2_current_sources, brian2_recording, brian2_shared_delays,
                   brian2_shared_parameters, brian2_snapshot)

    return (brian2_batch, brian2_shared_parameters, brian2_current_sources, brian2_recording,
            brian2_snapshot, brian2_shared_delays)


def _import_pynn_brian2():
    module = importlib.import_module("pyNN.brian2")
    from . import brian2_batch

    for patch in brian2_patches():
        patch.install()
    # Then the batch builder's options (install sets them on every call): distinct values per
    # multapse, as NEST keeps them (stock PyNN-Brian2 gives every synapse of a pair the value set
    # last); synapses in presynaptic order, for faster spike propagation; static projections
    # between the same groups in one Synapses object (Brian2 pays per object and time step).
    brian2_batch.install(distinct_multapse_values=True, presynaptic_order=True, merge_projections=True)
    return module


def import_simulator(name):
    """Import PyNN's module for simulator `name`; a missing package is a one-line ZooError."""
    if name not in SIMULATORS:
        raise unknown("simulator", name, SIMULATORS)
    try:
        return _import_pynn_nest() if name == "nest" else _import_pynn_brian2()
    except ImportError as err:
        raise ZooError(f"simulator '{name}' is not usable ({err}); install it with: {_INSTALL_HINT[name]}") from None


class Backend:
    """A set-up simulator: `sim` is the PyNN module, plus what provenance needs to know."""

    def __init__(self, name, sim, streams, threads, timestep, spike_precision):
        self.name = name
        self.sim = sim
        self.streams = streams
        self.threads = threads
        self.timestep = timestep
        self.spike_precision = spike_precision
        self.codegen_target = None  # Brian2 only: "auto", "cython" or "numpy"

    def info(self):
        """Backend facts recorded with the results."""
        info = {
            "simulator": self.name,
            "threads": self.threads,
            "timestep_ms": self.timestep,
            "spike_precision": self.spike_precision,
            "versions": versions(),
        }
        if self.codegen_target is not None:
            info["brian2_codegen_target"] = self.codegen_target
        return info

    def end(self):
        self.sim.end()


def setup(name, streams, threads=1, timestep=0.1, min_delay=0.1, max_delay=10.0):
    """Set up simulator `name` for one run, every random stream derived from `streams`."""
    if not isinstance(threads, int) or threads < 1:
        raise ZooError(f"threads must be a positive integer, got {threads!r}")
    _silence_harmless_warnings()
    # PyNN logs at WARNING that NEST cannot set initial synaptic currents (they start at 0 anyway).
    logging.getLogger("PyNN").setLevel(logging.ERROR)
    sim = import_simulator(name)
    if name == "nest":
        sim.setup(
            timestep=timestep,
            min_delay=min_delay,
            max_delay=max_delay,
            threads=threads,
            rng_seed=streams.seed("nest_kernel"),
            spike_precision="on_grid",
            verbosity="error",
        )
        return Backend(name, sim, streams, threads, timestep, "on_grid")

    import brian2

    logging.getLogger("brian2").setLevel(logging.ERROR)
    brian2.BrianLogger.log_level_error()
    sim.setup(timestep=timestep, min_delay=min_delay, max_delay=max_delay)
    target = os.environ.get("ZOO_BRIAN2_CODEGEN")
    if target:
        if target not in ("auto", "cython", "numpy"):
            raise ZooError(f"ZOO_BRIAN2_CODEGEN must be auto, cython or numpy, got '{target}'")
        brian2.prefs.codegen.target = target
    brian2.seed(streams.seed("brian2"))
    if threads != 1:
        logging.getLogger("zoo").warning("Brian2 runs on one thread in runtime mode; --threads %d ignored", threads)
    backend = Backend(name, sim, streams, 1, timestep, "on_grid")
    backend.codegen_target = str(brian2.prefs.codegen.target)
    return backend


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
