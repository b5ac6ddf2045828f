"""Where a backend may put its own realisation of one of the zoo's building blocks.

Models build on a PyNN module (``sim``) and call the zoo's simulator-free building blocks
(``zoo.inputs.spike_source``, ``zoo.neurons.cell_type``, ...). Each block has a plain-PyNN
realisation that runs anywhere; a backend of the zoo's wing (``zoo.backends``) may provide a
faster or more exact one for its own PyNN module, for the length of a zoo session only:
``zoo.backends.setup`` provides them and ``Backend.end`` withdraws them. Outside a session, or on
a PyNN module no backend has provided for, the plain realisation runs.
"""

__all__ = ["provide", "withdraw", "realisation"]

_provided = {}  # id(PyNN module) -> (module, {building block: callable})


def provide(sim, realisations):
    """Let `sim` (a PyNN module) use `realisations` ({name: callable}) until :func:`withdraw`."""
    _provided[id(sim)] = (sim, dict(realisations))


def withdraw(sim):
    """Back to the plain realisations on `sim`; harmless where none were provided."""
    _provided.pop(id(sim), None)


def realisation(sim, name):
    """The callable a backend provided for building block `name` on `sim`, or None. A wrapper of a
    PyNN module (one that names it as ``__wrapped__``) gets the module's realisations."""
    while id(sim) not in _provided and getattr(sim, "__wrapped__", None) is not None:
        sim = sim.__wrapped__
    entry = _provided.get(id(sim))
    return None if entry is None else entry[1].get(name)
