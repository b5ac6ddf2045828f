"""``ID.local`` on PyNN-NEST without asking NEST, when one process runs the simulation.

PyNN asks every cell whether it lives on this MPI process, for example when a population starts
recording (``[id for id in ids if id.local]``), and ``pyNN.nest``'s ``ID.local`` answers with one
``NodeCollection.get`` per cell: ~70 us each, 0.35 s to record rostami2020's 5000 cells, where the
native PyNEST script spends nothing. With one MPI process every node is local, whatever the number
of threads, so :func:`install` answers True without the call; with more processes it asks NEST
as before.
"""

from .patching import Patches

__all__ = ["install", "uninstall", "is_installed"]

_patches = Patches()


def install():
    """Patch ``pyNN.nest.simulator.ID.local`` (idempotent)."""
    if _patches:
        return
    from pyNN.nest import simulator

    def answered_here(stock):
        def local(self):
            return True if simulator.state.num_processes == 1 else stock.fget(self)
        return property(local, doc=stock.__doc__)

    _patches.wrap(simulator.ID, "local", answered_here)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)
