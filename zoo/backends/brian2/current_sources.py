"""Step and DC current sources on Brian2 without a Python call on every time step.

PyNN's Brian2 backend updates injected currents from a Python ``NetworkOperation`` that runs at
the start of every step (``update_currents``), although a step or DC source changes only at its
step times. Calling Python 10,000 times per biological second cost about 1 s, and rostami2020's
stimulus another 1.4 s per biological second.

:func:`install` wraps ``pyNN.brian2``'s ``run``: when every current source is a step or DC source
(nothing streamed), the simulation is run in stretches between the sources' remaining step times
with the operation switched off, and the operation's function is called between two stretches, at
the start of each step time, where the stock run would call it: each source changes its current
exactly where the stock code would. (An earlier version ran one step with the operation on at each
step time: each Brian2 run costs ~0.5 s of preparation at peng2021's size.) ACSource and NoisyCurrentSource change on
every step, so with any of them, or with more step times than :data:`MAX_STRETCHES`, the stock run
is used.

At each step time the stock ``_update_current`` adds the change of amplitude to every target cell
with one Brian2 indexing call per cell (``group.i_inj[idx] += delta``), a few tens of microseconds
each: with one source per cell (peng2021: 3 x 3600 targets, 12 step times) that was most of a
run's Python time. For step and DC sources it is replaced by one NumPy addition per target group
on the array Brian2's generated code reads; the amplitudes and times are the stock ones.
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
    from pyNN.brian2.standardmodels.electrodes import NonStreamableCurrentSource

    _patches.wrap(simulator.State, "run", _stretched_run)
    _patches.wrap(NonStreamableCurrentSource, "_update_current", _array_update)


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
    import numpy as np

    steps = set()
    for source in sources:
        if getattr(source, "streamable", True):
            return None
        if not source.running:
            continue
        remaining = np.rint(np.asarray(source._times[source.i:], dtype=float) * 1000.0 / dt)  # s -> steps of dt ms
        steps.update(int(step) for step in remaining if first <= step < last)
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
        operation.active = False
        try:
            for step in steps + [last]:
                if step > now:
                    stock_run(self, (step - now) * self.dt)
                    now = step
                if step < last:
                    operation.function()  # what the operation does at the start of this step
        finally:
            operation.active = True
        return None
    return run


def _array_update(stock_update):
    """Step and DC sources: the stock update without Brian2 indexing per cell (module docstring)."""
    @functools.wraps(stock_update)
    def _update_current(self):
        if not self.running:
            return
        targets = _targets(self)
        if not all(hasattr(group, "variables") for group, _ in targets):
            return stock_update(self)  # not Brian2 groups (PyNN's unit tests use stand-ins): the stock way
        from brian2 import amp
        from pyNN.brian2 import simulator

        if abs(simulator.state.t - float(self._times[self.i] / _ms())) >= simulator.state.dt / 2.0:
            return
        amplitude = float(self._amplitudes[self.i] / amp)
        if self.i >= len(self._times) - 1:
            self.running = False
        self.i += 1
        previous = float(self.previous_amplitude / amp) if hasattr(self.previous_amplitude, "dim") else float(self.previous_amplitude)
        delta = amplitude - previous
        for group, indices in targets:
            group.variables["i_inj"].get_value()[indices] += delta  # the array Brian2's code reads (runtime targets)
        self.previous_amplitude = self._amplitudes[self.i - 1]
    return _update_current


def _targets(source):
    """[(Brian2 group, index array)] of the cells a source injects into, cached on the source."""
    import numpy as np

    cached = vars(source).get("_zoo_targets")  # PyNN's current sources raise on unknown attributes
    if cached is not None and cached[0] == len(source.cell_list):
        return cached[1]
    groups = {}
    for cell, index in zip(source.cell_list, source.indices):
        group = cell.parent.brian2_group
        groups.setdefault(id(group), (group, []))[1].append(index)
    targets = [(group, np.asarray(indices, dtype=np.int64)) for group, indices in groups.values()]
    object.__setattr__(source, "_zoo_targets", (len(source.cell_list), targets))  # past PyNN's parameter setter
    return targets
