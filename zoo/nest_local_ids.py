"""``ID.local`` on PyNN-NEST without asking NEST, when one process runs the simulation.

PyNN asks every cell whether it lives on this MPI process, for example when a population starts
recording (``[id for id in ids if id.local]``), and ``pyNN.nest``'s ``ID.local`` answers with one
``NodeCollection.get`` per cell: ~70 us each, 0.35 s to record rostami2020's 5000 cells, where the
native PyNEST script spends nothing. With one MPI process every node is local, whatever the number
of threads, so :func:`install` answers True without the call; with more processes it asks NEST
as before.
"""

__all__ = ["install", "uninstall", "is_installed"]

_stock = {}


def install():
    """Patch ``pyNN.nest.simulator.ID.local`` (idempotent)."""
    if _stock:
        return
    from pyNN.nest import simulator

    _stock["local"] = simulator.ID.local
    stock_local = _stock["local"].fget

    def local(self):
        return True if simulator.state.num_processes == 1 else stock_local(self)

    simulator.ID.local = property(local, doc=_stock["local"].__doc__)


def uninstall():
    if not _stock:
        return
    from pyNN.nest import simulator

    simulator.ID.local = _stock.pop("local")


def is_installed():
    return bool(_stock)
