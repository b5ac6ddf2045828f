"""Whether NEST nodes live on this MPI process, answered without asking NEST in one process.

PyNN asks NEST whether nodes are local in two places where the native PyNEST script asks nothing:

* ``pyNN.nest``'s ``ID.local``, once per cell, for example when a population starts recording
  (``[id for id in ids if id.local]``): one ``NodeCollection.get`` of ~70 us per cell, 0.35 s to
  record rostami2020's 5000 cells;
* ``NodeCollection.local`` (``get("local")`` of every node), which PyNEST's ``NodeCollection.set``
  reads on every call and PyNN calls once per parameter and initial value it sets: ~14 ms per
  call on 4000 cells, 0.3 s of building rostami2020.

With one MPI process every node is local, whatever the number of threads, so :func:`install`
answers as NEST would (True for a cell, a tuple of True for a collection); with more processes it
asks NEST as before.
"""

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed"]

_patches = Patches()


def install():
    """Patch ``pyNN.nest.simulator.ID.local`` and ``nest.NodeCollection.local`` (idempotent)."""
    if _patches:
        return
    import nest
    from pyNN.nest import simulator

    def single_process():
        return simulator.state.num_processes == 1

    def answered_here(stock):
        def local(self):
            return True if single_process() else stock.fget(self)
        return property(local, doc=stock.__doc__)

    def collection_answered_here(stock):
        def __getattr__(self, attr):
            if attr == "local" and self and single_process():
                return True if len(self) == 1 else (True,) * len(self)
            return stock(self, attr)
        return __getattr__

    _patches.wrap(simulator.ID, "local", answered_here)
    _patches.wrap(nest.NodeCollection, "__getattr__", collection_answered_here)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)
