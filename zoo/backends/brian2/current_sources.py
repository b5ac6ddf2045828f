"""Step and DC current sources on Brian2 without a Python call on every time step.

PyNN's Brian2 backend updates injected currents from a Python ``NetworkOperation`` that runs at
the start of every step (``update_currents``), although a step or DC source changes only at its
step times. Calling Python 10,000 times per biological second cost about 1 s, and rostami2020's
stimulus another 1.4 s per biological second.

:func:`install` wraps ``pyNN.brian2``'s ``run``: when every current source is a step or DC source
(nothing streamed), the simulation is run in stretches between the sources' remaining step times
with the operation switched off, and for one step at each step time with it on, so each source
changes its current exactly where the stock code would. ACSource and NoisyCurrentSource change on
every step, so with any of them, or with more step times than :data:`MAX_STRETCHES`, the stock run
is used.
"""

import functools

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed", "MAX_STRETCHES"]

MAX_STRETCHES = 200  # each stretch is a Brian2 run; beyond this, one operation call per step is cheaper
_patches = Patches()


def install():
    """Patch ``pyNN.brian2.simulator.State.run`` (idempotent; imports Brian2)."""
    if _patches:
        return
    from pyNN.brian2 import simulator

    _patches.wrap(simulator.State, "run", _stretched_run)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _update_operation(network):
    from pyNN.brian2.standardmodels.electrodes import update_currents

    for obj in network.objects:
        if getattr(obj, "function", None) is update_currents:
            return obj
    return None


def change_steps(sources, first, last, dt):
    """Steps in [first, last) at which some source still has a step time (None: cannot tell)."""
    steps = set()
    for source in sources:
        if getattr(source, "streamable", True):
            return None
        if not source.running:
            continue
        for time in source._times[source.i:]:
            step = int(round(float(time / _ms()) / dt))
            if first <= step < last:
                steps.add(step)
    return sorted(steps)


def _ms():
    from brian2 import ms

    return ms


def _stretched_run(stock_run):
    @functools.wraps(stock_run)
    def run(self, simtime):
        operation = _update_operation(self.network)
        first = int(round(self.t / self.dt))
        last = first + int(round(simtime / self.dt))
        steps = change_steps(self.current_sources, first, last, self.dt) if operation is not None else None
        if steps is None or len(steps) > MAX_STRETCHES:
            return stock_run(self, simtime)
        now = first
        try:
            for step in steps + [last]:
                if step > now:
                    operation.active = False
                    stock_run(self, (step - now) * self.dt)
                    now = step
                if step < last:
                    operation.active = True
                    stock_run(self, self.dt)
                    now = step + 1
        finally:
            operation.active = True
        return None
    return run
