"""Arms of a validation: a simulator, and how each run of it is split into MPI ranks and threads.

An arm is named ``SIM`` or ``SIM@RxT``: ``nest@2x1`` is NEST run as R = 2 MPI processes ("ranks")
of T = 1 thread each, started by an MPI launcher; ``nest@1x2`` is one process of 2 threads;
``nest`` is ``nest@1x1``, as every run was before arms could be split. Brian2 runs one process of
one thread (runtime mode), so ``brian2`` is its only arm.

NEST draws its random numbers per virtual process (R x T of them), so its spikes for one master
seed are the same for every split with the same R x T (NEST's promise; tests/test_mpi.py shows it)
and may differ otherwise: wherever a model draws from NEST's generators (its Poisson drive). The
network of a seed does not depend on the split (connections, weights, delays and initial state are
drawn in NumPy from the master seed: zoo.seeds), so two splits of NEST are compared like two
simulators: by the seed-to-seed rule and, as their networks are the same, the paired rule
(:func:`pairing_note` says in the report what the split changes).

Runs of R > 1 ranks are started as ``LAUNCHER -np R python -m zoo.validation.worker ...``
(environment: :func:`launcher_environment`). The
launcher is ``$ZOO_MPIEXEC`` when set (a command line, e.g. ``mpiexec --bind-to none``), else
``mpirun`` or ``mpiexec`` on PATH (Open MPI's gets ``--oversubscribe``, and ``--allow-run-as-root``
when run as root). :func:`require` checks before the first run that the launcher, mpi4py and a NEST
built with MPI are there (tools/install-nest-mpi installs them).
"""

import dataclasses
import functools
import os
import re
import shlex
import shutil
import subprocess
import sys

from zoo.backends import SIMULATORS, distributed
from zoo.errors import ZooError

LAUNCHER_VARIABLE = "ZOO_MPIEXEC"
SYNTAX = "SIM or SIM@RxT (R MPI ranks x T threads, e.g. nest@2x1; SIM = SIM@1x1)"
_PATTERN = re.compile(r"(?P<sim>[A-Za-z0-9_]+)(?:@(?P<ranks>\d+)x(?P<threads>\d+))?")


@dataclasses.dataclass(frozen=True)
class Arm:
    """One simulator run as `ranks` MPI processes of `threads` threads each."""

    simulator: str
    ranks: int = 1
    threads: int = 1

    @property
    def name(self):
        """'nest' for one process of one thread, else 'nest@2x1' (ranks x threads)."""
        return self.simulator if (self.ranks, self.threads) == (1, 1) else f"{self.simulator}@{self.ranks}x{self.threads}"

    @property
    def virtual_processes(self):
        return self.ranks * self.threads

    def describe(self):
        """'nest, 2 MPI ranks x 1 thread': what the report names each arm by."""
        ranks = "1 process" if self.ranks == 1 else f"{self.ranks} MPI ranks"
        return f"{self.simulator}, {ranks} x {self.threads} thread{'s' if self.threads > 1 else ''}"


def parse(text):
    """The :class:`Arm` that `text` names (see :data:`SYNTAX`); a one-line ZooError otherwise."""
    found = _PATTERN.fullmatch(text.strip())
    if not found:
        raise ZooError(f"cannot read arm '{text}': write {SYNTAX}")
    simulator = found["sim"]
    if simulator not in SIMULATORS:
        raise ZooError(f"unknown simulator '{simulator}' in arm '{text}'; known: {', '.join(SIMULATORS)}")
    ranks, threads = int(found["ranks"] or 1), int(found["threads"] or 1)
    if ranks < 1 or threads < 1:
        raise ZooError(f"arm '{text}' asks for {ranks} ranks x {threads} threads; both must be at least 1")
    if (ranks, threads) != (1, 1) and not distributed(simulator):
        raise ZooError(f"arm '{text}': {simulator} runs as one process of one thread (no distributed or threaded "
                       f"mode); use '{simulator}'")
    return Arm(simulator, ranks, threads)


def pairing_note(a, b):
    """What running arms `a` and `b` (Arms) means for their spikes, for the report ('' for two simulators)."""
    if a.simulator != b.simulator:
        return ""
    if a.virtual_processes == b.virtual_processes:
        return (f"{a.name} and {b.name} have {a.virtual_processes} virtual processes each: {a.simulator} promises "
                f"identical spikes for a seed, so every paired difference should be exactly 0")
    return (f"{a.name} and {b.name} have {a.virtual_processes} and {b.virtual_processes} virtual processes: "
            f"{a.simulator} draws random numbers per virtual process, so spikes of a seed may differ (wherever the "
            f"model uses {a.simulator}'s generators), while the network of a seed is the same (drawn in NumPy from "
            f"the master seed): the seed-to-seed rule compares their statistics, and the paired rule the "
            f"per-seed differences on the one network, as between simulators")


def launcher(ranks, environ=None):
    """The command line that starts `ranks` MPI processes of the program that follows it."""
    environ = os.environ if environ is None else environ
    named = environ.get(LAUNCHER_VARIABLE, "").strip()
    if named:
        return shlex.split(named) + ["-np", str(ranks)]
    found = shutil.which("mpirun") or shutil.which("mpiexec")
    if found is None:
        raise ZooError(f"an arm of {ranks} ranks needs an MPI launcher: none on PATH (mpirun, mpiexec) and "
                       f"${LAUNCHER_VARIABLE} is not set; tools/install-nest-mpi names the packages")
    extra = []
    if _is_open_mpi(found):  # more ranks than cores is fine for tests; root runs are containers
        extra = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return [found, "-np", str(ranks)] + extra


def launcher_environment(environ=None):
    """The environment for the launcher: this process's, without the variables of an MPI process.

    Importing Elephant imports mpi4py (elephant.spade), which makes this process an MPI "singleton"
    and sets Open MPI's variables in its C environment (``OMPI_MCA_ess=singleton`` ...); a launcher
    started with them exits 1 without a word. ``os.environ`` holds the variables as they were at
    start-up, so the launcher gets those, less any of an MPI launcher that started this process.
    """
    environ = os.environ if environ is None else environ
    return {key: value for key, value in environ.items() if not key.startswith(("OMPI_", "PMIX_", "PMI_"))}


@functools.lru_cache(maxsize=None)
def _is_open_mpi(program):
    try:
        return "Open MPI" in subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60,
                                            env=launcher_environment()).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False


_PROBE = "import mpi4py, nest; print('have_mpi', nest.GetKernelStatus('build_info')['have_mpi'])"


@functools.lru_cache(maxsize=None)
def missing_mpi(python=sys.executable):
    """Why `python` cannot run arms of several ranks (None: it can): no launcher, no mpi4py, or a
    NEST built without MPI (the pip wheel). Imports NEST in a child process (a few seconds)."""
    try:
        launcher(2)
    except ZooError as err:
        return str(err)
    done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYNEST_QUIET": "1"})
    if "No module named 'mpi4py'" in done.stderr:
        return "mpi4py is not installed (tools/install-nest-mpi installs it with NEST built with MPI)"
    if "have_mpi True" not in done.stdout:
        return "this NEST is built without MPI (the pip wheel); tools/install-nest-mpi installs one with MPI"
    return None


def require(arms):
    """A one-line ZooError when an arm of several ranks cannot run here."""
    split = [arm.name for arm in arms if arm.ranks > 1]
    if split:
        why = missing_mpi()
        if why:
            raise ZooError(f"arm {split[0]} runs under MPI, but {why}")
