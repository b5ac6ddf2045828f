"""Hodgkin-Huxley cells (``HH_cond_exp``) on Brian2: one spike per action potential, stable steps.

Stock ``pyNN.brian2`` builds ``HH_cond_exp`` as a ``BiophysicalNeuronGroup`` with the spike
condition ``v > -40*mV``, no reset, ``refractory=False`` and Brian2's default integration methods
('exact', 'euler', 'heun'). Measured with PyNN 0.13.0 and Brian2 2.9.0, with the Traub-Miles
defaults of ``HH_cond_exp`` and a constant current:

- every time step spent above -40 mV counts as a spike: about two recorded spikes per action
  potential at dt = 0.1 ms (more at smaller dt), and each is also sent to the targets;
- 'exact' does not apply to the nonlinear gates, so Brian2 takes forward Euler, which diverges to
  NaN on the first action potential at dt = 0.1 ms (0.5 nA from rest; at dt = 0.01 ms it holds).

NEST's ``hh_cond_exp_traub`` integrates adaptively (GSL RKF45) and emits a spike when
V >= V_T + 30 mV and V has fallen during the step, then ignores the cell's voltage for t_ref = 2 ms:
one spike per action potential, stamped at its peak.

:func:`install` makes Brian2 count one spike per crossing of -40 mV from below: the cell is
refractory *while* ``v > -40*mV`` (Brian2's condition-based refractoriness), so the threshold
cannot fire again before v has come back below -40 mV. Nothing is reset or clamped (no state
variable of ``HH_cond_exp`` is marked ``unless refractory``), so the dynamics are untouched. It
also integrates with ``exponential_euler``, the method Brian2's documentation uses for
Hodgkin-Huxley models, stable at dt = 0.1 ms. Spikes are stamped at the upstroke (-40 mV), a few
tenths of a millisecond before NEST's stamp at the peak.
"""

import functools

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed", "THRESHOLD", "METHOD"]

THRESHOLD = "v > -40*mV"
METHOD = "exponential_euler"
_patches = Patches()


def install():
    """Patch ``pyNN.brian2.cells.BiophysicalNeuronGroup`` (idempotent; imports Brian2)."""
    if _patches:
        return
    import importlib

    cells = importlib.import_module("pyNN.brian2.cells")  # pyNN.brian2 rebinds the name `cells`
    _patches.wrap(cells.BiophysicalNeuronGroup, "__init__", _one_spike_per_action_potential)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _one_spike_per_action_potential(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, n, equations, **parameters):
        import importlib

        cells = importlib.import_module("pyNN.brian2.cells")
        cells.BaseNeuronGroup.__init__(self, n, equations, threshold=THRESHOLD, reset=None, refractory=THRESHOLD,
                                       method=METHOD, **parameters)
    return __init__
