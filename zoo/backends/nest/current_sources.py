"""Step current sources on NEST as changes of the target cells' ``I_e``, not as a generator per source.

PyNN's ``StepCurrentSource`` on NEST is a ``step_current_generator`` connected to its cells with a
delay of min_delay, its step times moved earlier by that delay. The generator sends each target a
current event on every time step, whether or not its amplitude changes: with peng2021's drive (one
source for each of 3600 cells, each injecting into three cells) that cost 6.3 s per biological
second on 2 threads, about half of a run. A generator connected to nothing still costs 2.3 s per
biological second, since NEST updates every node on every step; a frozen one costs nothing.

While a zoo session is open (:func:`install`):

- ``inject_into`` of a ``StepCurrentSource`` whose cells all have an ``I_e`` parameter connects
  nothing: it notes the cells and freezes the generator, unless its current is recorded
  (``record()``), which needs the generator running;
- every run (PyNN's ``run``, and the zoo's chunked runs through :func:`stretches`) goes in stretches
  between the step times. At each step time a cell's ``I_e`` becomes its own ``I_e`` plus the
  amplitudes then in effect of the sources injecting into it; after the run its own ``I_e`` is put
  back, so that PyNN reads and sets ``i_offset`` as before.

A step reaches the cell at the generator's amplitude time plus min_delay, as PyNN's correction
intends. Measured against the stock connection: membrane traces equal to the last bit for
IF_curr_exp, IF_cond_exp, HH_cond_exp and the zoo's NESTML Traub-Miles cell, with min_delay 0.1
and 1 ms. Other current sources (DC, AC, noisy) and cells without ``I_e`` connect as PyNN does.
"""

import contextlib
import functools
import warnings

import numpy as np

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed", "stretches"]

_patches = Patches()
_takes_I_e = {}  # NEST model name -> whether it has an I_e parameter


def install():
    """Patch ``pyNN.nest``'s ``StepCurrentSource.inject_into`` and ``record`` and ``_State.run`` (idempotent)."""
    if _patches:
        return
    from pyNN.nest import simulator
    from pyNN.nest.standardmodels.electrodes import StepCurrentSource

    _patches.wrap(StepCurrentSource, "inject_into", _noting_inject_into)
    _patches.wrap(StepCurrentSource, "record", _running_when_recorded)
    _patches.wrap(type(simulator.state), "run", _stretched_run)  # the class is deleted from the module


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _noting_inject_into(stock_inject_into):
    @functools.wraps(stock_inject_into)
    def inject_into(self, cells):
        import nest
        from pyNN.nest.simulator import state

        nodes = _node_collection(cells)
        if not _all_take_I_e(nodes):
            return stock_inject_into(self, cells)
        for cell in cells:
            if cell.local and not cell.celltype.injectable:
                raise TypeError("Can't inject current into a spike source.")
        noted = vars(self).get("_zoo_cells")
        ids = np.asarray(nodes.tolist(), dtype=np.int64)
        ids = ids if noted is None else np.concatenate((noted[0], ids))
        device = self._device.tolist()[0]
        object.__setattr__(self, "_zoo_cells", (ids, state.min_delay, device))  # past PyNN's parameter setter
        self.cell_list = nodes
        if "i_multimeter" not in vars(self):  # PyNN raises on unknown attributes
            nest.SetStatus(self._device, {"frozen": True})
        return None
    return inject_into


def _running_when_recorded(stock_record):
    @functools.wraps(stock_record)
    def record(self):
        import nest

        stock_record(self)
        if "_zoo_cells" in vars(self):
            nest.SetStatus(self._device, {"frozen": False})
    return record


def _node_collection(cells):
    import nest

    node_collection = getattr(cells, "node_collection", None)
    return node_collection if node_collection is not None else nest.NodeCollection(sorted(cells))


def _all_take_I_e(nodes):
    import nest

    if len(nodes) == 0:
        return False
    for model in set(nest.GetStatus(nodes, "model")):
        if model not in _takes_I_e:
            _takes_I_e[model] = "I_e" in nest.GetDefaults(model)
        if not _takes_I_e[model]:
            return False
    return True


def _noted_sources():
    from pyNN.nest.simulator import state

    return [source for source in state.current_sources if "_zoo_cells" in vars(source)]


def _stretched_run(stock_run):
    @functools.wraps(stock_run)
    def run(self, simtime):
        import nest

        if not _noted_sources():
            return stock_run(self, simtime)
        stock_run(self, 0.0)  # what PyNN does before simulating: recorders, parrot neurons
        if not self.running and simtime > 0:
            simtime += self.min_delay  # as PyNN: one min_delay past the requested time
            self.running = True
        if simtime > 0:
            with stretches(nest.Simulate) as advance:
                advance(simtime)
        return None
    return run


@contextlib.contextmanager
def stretches(kernel_run):
    """A function that advances NEST's clock by its argument in ms with ``kernel_run``
    (``nest.Simulate``, or ``nest.Run`` between ``nest.Prepare`` and ``nest.Cleanup``), in stretches
    between the step times of the noted sources, with their currents in the cells' ``I_e``; it may
    be called several times. Leaving the context puts the cells' own ``I_e`` back. The sources and
    the cells' own ``I_e`` are read once, on entering: nothing may change them inside."""
    import nest

    sources = _noted_sources()
    dt = nest.resolution
    schedule = _Schedule(sources, dt) if sources else None
    targets = _local(schedule.cells) if sources else ()
    if len(targets) == 0:
        yield kernel_run
        return
    own = np.asarray(nest.GetStatus(targets, "I_e"), dtype=float)
    local = np.isin(schedule.cells, np.asarray(targets.tolist()))
    applied = False  # whether the sources' currents are in I_e

    def apply(step):
        nonlocal applied
        targets.set(I_e=(own + schedule.current_at(step)[local]).tolist())
        applied = True

    def advance(duration_ms):
        now = int(round(nest.biological_time / dt))
        stop = now + int(round(duration_ms / dt))
        first_change = now
        if not applied:
            apply(now)
            first_change = now + 1
        for step in schedule.changes(first_change, stop):
            if step > now:
                kernel_run((step - now) * dt)
                now = step
            apply(step)
        if stop > now:
            kernel_run((stop - now) * dt)

    try:
        yield advance
    finally:
        if applied:
            targets.set(I_e=own.tolist())


def _local(cells):
    """The nodes of `cells` (sorted ids) that live on this MPI process."""
    import nest

    nodes = nest.NodeCollection(cells.tolist())
    if nest.NumProcesses() == 1:
        return nodes
    with warnings.catch_warnings():  # NEST warns that local collections differ between ranks: here that is the point
        warnings.filterwarnings("ignore", message=r"(?s)\s*GetLocalNodeCollection")
        return nest.GetLocalNodeCollection(nodes)


class _Schedule:
    """The noted sources' steps as they reach the cells: step times (in steps of dt) and amplitudes (pA)."""

    def __init__(self, sources, dt):
        import nest

        devices = nest.NodeCollection(sorted(source._zoo_cells[2] for source in sources))
        status = dict(zip(devices.tolist(), nest.GetStatus(devices, ["amplitude_times", "amplitude_values"])))
        self.sources = []
        for source in sources:
            ids, delay, device = source._zoo_cells
            times, values = status[device]
            steps = np.rint((np.asarray(times, dtype=float) + delay) / dt).astype(np.int64)
            self.sources.append((ids, steps, np.asarray(values, dtype=float)))
        self.cells = np.unique(np.concatenate([ids for ids, _, _ in self.sources]))
        self._columns = [np.searchsorted(self.cells, ids) for ids, _, _ in self.sources]
        self._steps = np.unique(np.concatenate([steps for _, steps, _ in self.sources]))  # sorted

    def changes(self, start, stop):
        """Steps in [start, stop) at which some amplitude changes."""
        steps = self._steps
        return steps[np.searchsorted(steps, start):np.searchsorted(steps, stop)].tolist()

    def current_at(self, step):
        """The summed amplitude into each of ``self.cells`` during `step` (0 before a source's first time)."""
        current = np.zeros(len(self.cells))
        for (ids, steps, values), columns in zip(self.sources, self._columns):
            index = np.searchsorted(steps, step, side="right") - 1
            if index >= 0:
                np.add.at(current, columns, values[index])
        return current
