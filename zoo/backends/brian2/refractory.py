"""PyNN's standard cells on Brian2 hold V for tau_refrac after the spike, as NEST's models do.

NEST's integrate-and-fire models (``iaf_psc_exp``, ``iaf_cond_exp``, ``aeif_cond_exp`` ...) count
the refractory period from the end of the step in which V crossed threshold: V stays at V_reset for
round(t_ref / dt) steps and evolves again in the step after them. Brian2 stamps the spike with the
start of that step (``lastspike = t``) and lets V evolve again once ``t - lastspike`` reaches
``refractory``, one step earlier. With the same network, input and first spike, every later
inter-spike interval on Brian2 was thus 0.1 ms shorter at dt = 0.1 ms (a single ``IF_curr_exp``
under constant current: 40.8 against NEST's 40.9 ms, where t_ref plus the analytic charging time is
40.835 ms), and rostami2020's paired comparison found the E cells' LvR lower on NEST in 9 of 10
seeds.

:func:`install` makes the groups of PyNN's standard cells (``pyNN.brian2.cells``) stamp
``lastspike`` with the end of the step (``t + dt``, the time :mod:`.recording` reports), so Brian2's
refractory condition ends where NEST's does. The zoo's own neuron definitions (:mod:`.neurons`)
keep Brian2's count, which their NEST realisation follows too (zoo.neurons.definition). PyNN's
adaptive groups rewrite their whole reset when ``v_reset`` is set after creation, which drops the
stamp for them (and, in stock PyNN, the adaptation jump ``b``).
"""

import functools

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed"]

_patches = Patches()
_STAMP = "lastspike = t + dt"
_NOT_GIVEN = object()  # reset left out: stock's default applies


def install():
    """Patch ``pyNN.brian2.cells.BaseNeuronGroup`` (idempotent; imports Brian2)."""
    if _patches:
        return
    import importlib

    cells = importlib.import_module("pyNN.brian2.cells")  # pyNN.brian2 rebinds `cells` to its standard models
    _patches.wrap(cells.BaseNeuronGroup, "__init__", _stamped_init)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _stamped_init(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, n, equations, threshold, *args, reset=_NOT_GIVEN, **kwargs):
        if type(self).__module__ == "pyNN.brian2.cells" and isinstance(reset, str):  # no reset (HH): nothing to end
            reset = f"{reset}\n{_STAMP}"
        if reset is not _NOT_GIVEN:
            kwargs["reset"] = reset
        return stock_init(self, n, equations, threshold, *args, **kwargs)
    return __init__
