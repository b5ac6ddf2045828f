"""Sampled state recordings on Brian2, labelled with the times they were taken.

PyNN's Brian2 recorder samples a state variable with a StateMonitor at the end of the steps that
begin at 0, I, 2I, ... (I the sampling interval), puts the initial value in front and labels sample
k with time k I. Sample k >= 1 is thus the state at (k - 1) I + dt: right for I = dt, but I - dt too
early otherwise (0.9 ms for 1-ms samples at dt = 0.1 ms), where NEST's multimeter gives the state
at k I. A conductance bump then appears a sample later on Brian2 than on NEST.

:func:`install` makes monitors with I > dt sample at the start of those steps instead, which is the
state at k I, and reading them adds the present state when the present time is a sampling time, so
the samples are those of a dt-resolution recording taken every I.

Spikes: Brian2's SpikeMonitor stamps a spike with the start of the step in which the threshold was
crossed, NEST with its end, the time at which the reset shows in V. The same event was thus 0.1 ms
earlier on Brian2, which moved spikes across 1-ms bins: fore2020's mean peak spike probability came
out ~5 % higher on Brian2 in 5 of 5 seeds, and its muscarine decrease counts lower. :func:`install`
also makes the recorder report NEST's stamp (start + dt) for spiking cells, so recorded spike times
mean the same on both backends; delivery to targets is unchanged. Spike sources emit at their own
times on both backends and are reported as stock PyNN reports them.
"""

import functools

import numpy as np

from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed"]

_patches = Patches()
EMITS_EARLY_MS = "_zoo_emits_early_ms"  # a spike source's attribute: it emits that much before its times


def install():
    """Patch ``pyNN.brian2.recording.Recorder`` (idempotent; imports Brian2)."""
    if _patches:
        return
    from pyNN.brian2.recording import Recorder

    _patches.wrap(Recorder, "_create_device", _create_device)
    _patches.wrap(Recorder, "_get_all_signals", _get_all_signals)
    _patches.wrap(Recorder, "_get_spiketimes", _get_spiketimes)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


def _steps(recorder, interval_ms):
    return int(round(interval_ms / recorder._simulator.state.dt))


def _create_device(stock):
    @functools.wraps(stock)
    def create(self, group, variable):
        stock(self, group, variable)
        device = self._devices[variable.name]
        if variable.name == "spikes" or _steps(self, self.sampling_interval) <= 1:
            return
        import brian2

        network = self._simulator.state.network
        network.remove(device)
        self._devices[variable.name] = brian2.StateMonitor(
            group, device.record_variables[0], record=device.record, when="start", dt=device.clock.dt)
        network.add(self._devices[variable.name])

    return create


def _get_spiketimes(stock):
    @functools.wraps(stock)
    def get(self, requested_ids, clear=False):
        ids, times = stock(self, requested_ids, clear)
        return ids, times + _stamp_shift_ms(self)

    return get


def _stamp_shift_ms(recorder):
    """What turns Brian2's spike stamp into NEST's, in ms: a step for a spiking cell (stamped at the
    start of the step, NEST stamps its end); nothing for a spike source, which emits at its own
    times, unless it is set to emit early (a step, for the zoo's replayed trains: inputs.py)."""
    import brian2

    population = recorder.population
    lead = getattr(population, EMITS_EARLY_MS, None)
    if lead is not None:
        return lead
    group = getattr(population, "brian2_group", None)
    if isinstance(group, (brian2.SpikeGeneratorGroup, brian2.PoissonGroup)):
        return 0.0
    return recorder._simulator.state.dt


def _get_all_signals(stock):
    @functools.wraps(stock)
    def get(self, variable, ids, clear=False):
        device = self._devices[variable.name]
        if device.when != "start":
            return stock(self, variable, ids, clear)
        if set(ids) != set(self.recorded[variable]):
            raise NotImplementedError("reading a subset of the recorded cells")  # as stock PyNN
        name = device.record_variables[0]
        sampled = getattr(device, name).T
        values = np.asarray(sampled)
        steps = _steps(self, self.sampling_interval)
        now = int(round(self._simulator.state.t / self._simulator.state.dt))
        if now % steps == 0:  # the present state is the sample at this time
            present = np.asarray(getattr(device.source, name))[device.record]
            values = np.vstack([values.reshape(-1, present.size), present])
        translation = self.population.celltype.state_variable_translations[variable.name]
        import brian2

        values = translation["reverse_transform"](**{name: brian2.Quantity(values, dim=sampled.dim)})
        if clear:
            device.resize(0)
        return values, None

    return get
