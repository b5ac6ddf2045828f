"""The MPI processes ("ranks") that a run was started as, and what the app may ask of them.

``mpirun -np N python -m zoo.run MODEL --sim nest`` starts N copies of the command line. The
launcher tells each copy its place in environment variables, so that the number of ranks is known
before anything starts MPI (:func:`launched`): a simulator without a distributed mode (Brian2) is
refused there, in one line, and only rank 0 prints. With more than one rank, :func:`world` opens
MPI through mpi4py (PyNN gathers recorded data through it too; NEST, started after it, joins the
same MPI world) and gives the app the few collective steps it needs:

- :meth:`World.agree`: a step that every rank runs and that fails on all ranks together, with the
  message of the lowest failing rank (bad input, an existing results directory, a NEST without
  MPI), so that every rank exits 2 and none waits for another;
- :meth:`World.gather`: values of every rank, on rank 0 (e.g. the peak memory of each);
- :meth:`World.abort`: a failure that only one rank saw ends every rank (``MPI_Abort``).

What is specific to a simulator (how it splits the network, how its recorded data are gathered)
stays in its wing; this module only knows the launcher and mpi4py.
"""

import os

from ..errors import ZooError

# (size, rank) variables of the launchers: Open MPI; MPICH, Intel MPI and Slurm's srun (PMI);
# MVAPICH. A plain process, or a batch job that has not called mpirun/srun yet, has none.
LAUNCHER_VARIABLES = (
    ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"),
    ("PMI_SIZE", "PMI_RANK"),
    ("MV2_COMM_WORLD_SIZE", "MV2_COMM_WORLD_RANK"),
)
INSTALL_HINT = "tools/install-nest-mpi (NEST with MPI, and mpi4py)"


class Agreed(ZooError):
    """A ZooError that every rank raised together (:meth:`World.agree`): exit without MPI_Abort."""


def launched(environ=None):
    """(size, rank) as the MPI launcher set them in the environment; (1, 0) without a launcher."""
    environ = os.environ if environ is None else environ
    for size_name, rank_name in LAUNCHER_VARIABLES:
        size = environ.get(size_name)
        if size is None:
            continue
        try:
            size, rank = int(size), int(environ.get(rank_name, "0"))
        except ValueError:
            raise ZooError(f"the MPI launcher set {size_name}={size!r}, {rank_name}={environ.get(rank_name)!r}: "
                           "not integers") from None
        if size < 1 or not 0 <= rank < size:
            raise ZooError(f"the MPI launcher set {size_name}={size}, {rank_name}={rank}: not a rank of that size")
        return size, rank
    return 1, 0


def local_ranks(environ=None):
    """How many ranks the launcher started on this machine (1 without a launcher)."""
    environ = os.environ if environ is None else environ
    for name in ("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "MV2_COMM_WORLD_LOCAL_SIZE"):
        if environ.get(name, "").isdigit() and int(environ[name]) > 0:
            return int(environ[name])
    return 1


class World:
    """The ranks of this run: `size`, this process's `rank`, and mpi4py's communicator (None for one)."""

    def __init__(self, size=1, rank=0, comm=None):
        self.size, self.rank, self.comm = size, rank, comm

    @property
    def root(self):
        """Whether this is rank 0, the rank that prints and writes the results."""
        return self.rank == 0

    def agree(self, step, *args, **kwargs):
        """``step(*args, **kwargs)`` on every rank; if it raised a ZooError on any rank, raise
        :class:`Agreed` on all, with the message of the lowest such rank (prefixed with the rank
        where it was not rank 0). Other exceptions propagate on the rank that raised them only."""
        if self.comm is None:
            try:
                return step(*args, **kwargs)
            except Agreed:
                raise
            except ZooError as err:
                raise Agreed(str(err)) from err
        result, message = None, None
        try:
            result = step(*args, **kwargs)
        except ZooError as err:
            message = str(err)
        messages = self.comm.allgather(message)
        failed = [(rank, text) for rank, text in enumerate(messages) if text is not None]
        if failed:
            rank, text = failed[0]
            raise Agreed(text if rank == 0 else f"on rank {rank} of {self.size}: {text}")
        return result

    def gather(self, value):
        """[value of rank 0, rank 1, ...] on rank 0; None on the others."""
        if self.comm is None:
            return [value]
        return self.comm.gather(value, root=0)

    def allgather(self, value):
        """[value of rank 0, rank 1, ...] on every rank."""
        if self.comm is None:
            return [value]
        return self.comm.allgather(value)

    def abort(self, code):
        """End every rank now with exit status `code` (MPI_Abort); returns only without MPI."""
        if self.comm is not None:
            self.comm.Abort(code)


_world = []


def world():
    """The :class:`World` of this process, opened once; more than one rank needs mpi4py, whose
    absence is a one-line ZooError."""
    if _world:
        return _world[0]
    size, rank = launched()
    comm = None
    if size > 1:
        try:
            from mpi4py import MPI
        except ImportError:
            raise ZooError(f"started as {size} MPI processes, but mpi4py is not installed; install it with "
                           f"{INSTALL_HINT}") from None
        comm = MPI.COMM_WORLD
        if comm.Get_size() != size or comm.Get_rank() != rank:
            raise ZooError(f"the launcher says rank {rank} of {size}, but MPI says rank {comm.Get_rank()} of "
                           f"{comm.Get_size()}: mpi4py was built for another MPI than the one that started this run")
    _world.append(World(size, rank, comm))
    return _world[0]
