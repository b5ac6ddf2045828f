"""The protocol's first milliseconds, run apart, for the paired rule's spike-time row.

For one master seed the two zoo backends start from the identical network, initial state and
input. Until rounding differences have grown (chaotic networks amplify them within tens of ms),
a correct pair of simulators gives the same spikes, to within a time step; a backend that
integrates another model (a wrong time constant, weight or delay) does not, from the first
recurrent input on. The recorded window starts after the warm-up, long after that, so the
validation makes, for each run it compares, a second short run of the same spec that simulates
only the first ``coincident_start_ms`` ms of the protocol (the model's measured window,
:class:`zoo.model.ZooModel`) and keeps every spike from t = 0 (``RunSpec.first_ms``). Such a run
takes seconds.

The measure (:func:`coincident_share`): of all spikes both runs of a seed fire in that window,
the share that has a spike of the same neuron in the other run within one time step.
:mod:`.paired` tests it over seeds.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from . import runs


@dataclasses.dataclass
class EarlySpikes:
    """The spikes of a run of the protocol's first `window_ms` ms: {(population, neuron): times in ms}."""

    trains: dict
    window_ms: float
    timestep_ms: float


def window_of(model):
    """The model's coincident start in ms, or None where it has none."""
    return getattr(model, "coincident_start_ms", None)


def load(path):
    """EarlySpikes of the results directory of a `first_ms` run."""
    from zoo import io

    provenance = json.loads((Path(path) / "provenance.json").read_text())
    segment, _ = io.load_segment(Path(path) / "spikes.nix")
    trains = {(st.annotations["source_population"], int(st.annotations["source_index"])): io.times_ms(st)
              for st in segment.spiketrains}
    return EarlySpikes(trains, float(provenance["recorded_window_ms"][1]), float(provenance["backend"]["timestep_ms"]))


def _matched(times, other, tolerance):
    """How many of `times` have a spike in `other` (sorted) within `tolerance`."""
    if times.size == 0 or other.size == 0:
        return 0
    after = np.clip(np.searchsorted(other, times), 0, other.size - 1)
    before = np.clip(after - 1, 0, other.size - 1)
    nearest = np.minimum(np.abs(other[after] - times), np.abs(other[before] - times))
    return int(np.count_nonzero(nearest <= tolerance))


def coincident_share(a, b):
    """Share of the spikes of two EarlySpikes (both runs pooled) that the other run fires too: the same
    neuron, within one time step (plus a rounding margin). NaN when neither run fired."""
    tolerance = max(a.timestep_ms, b.timestep_ms) * (1 + 1e-6)
    total = matched = 0
    for neuron in a.trains.keys() | b.trains.keys():
        x, y = a.trains.get(neuron, np.empty(0)), b.trains.get(neuron, np.empty(0))
        total += x.size + y.size
        matched += _matched(x, y, tolerance) + _matched(y, x, tolerance)
    return matched / total if total else float("nan")


def attach(model, measured, root, jobs=2, force=False, say=print, behaviour=None):
    """Run (or reuse) the first-window twin of every zoo run in `measured` ({RunSpec: RunMeasures})
    and set each RunMeasures' ``early`` to its EarlySpikes; nothing where the model has no window.
    Entries that are no zoo run (the original's) get ``early = None``."""
    window = window_of(model)
    twins = {spec: dataclasses.replace(spec, first_ms=float(window)) for spec in measured
             if window and isinstance(spec, runs.RunSpec)}
    for spec, measures in measured.items():
        measures.early = None
    if not twins:
        return
    say(f"the first {window:g} ms of every run, recorded from t = 0, for the spike-time row")
    outcomes = runs.ensure_runs(list(twins.values()), root, jobs, force, report=say, behaviour=behaviour)
    for spec, twin in twins.items():
        measured[spec].early = load(outcomes[twin].path)
