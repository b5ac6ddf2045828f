"""Recorded spikes as Neo objects, written and read as NIX.

In memory a run's spikes are a Neo segment of per-neuron spike trains covering the recorded window
(warm-up excluded), each annotated as PyNN annotates its own: ``source_population``,
``source_index`` (the neuron in its population), ``source_id`` (its place among all recorded
neurons), plus the model's labels such as ``cluster``.

On disk (``spikes.nix``, layout 2) the segment holds one ``neo.Event`` *per population* and no spike
trains: all the population's spikes in time order, with per-spike array annotations
``source_index`` and the labels, and the annotations ``source_population``, ``neurons``
(population size, silent cells included) and ``<label>_of_neuron``. One train per neuron would be
Neo's usual layout, but NixIO spends ~10 ms on each train (measured here: 45-70 s to write 5000
neurons, half as long to read), and a population's spikes stored as one spike train were taken
for one neuron by whoever read the file with plain Neo (rates of ~9000 spikes/s). As events they
cannot be: plain Neo gives no spike trains, and :func:`load_segment` splits the events into
per-neuron trains (files of layout 1, population spike trains, are read too). NIX rejects nested
or None annotations, so all annotations are flat.
"""

import functools

import neo
import numpy as np
import quantities as pq
from neo.core.spiketrainlist import SpikeTrainList

LAYOUT = 2  # of spikes.nix: population events (1: population spike trains)


def collect_segment(network, t_start_ms, t_stop_ms, gather=None):
    """The recorded spikes of `network` in [t_start, t_stop) ms as per-neuron spike trains,
    annotated as the module docstring says.

    `gather` (on several MPI processes, :meth:`zoo.backends.mpi.World.gather`, called on every rank):
    each rank reads the spikes of the neurons it holds and the segment is made on rank 0 from
    every rank's; the others get None. PyNN's own gathering merges whole Neo blocks train by train,
    which takes time quadratic in the neurons (unfinished after 6 min for schmidt2018 at N_scaling
    0.05 on 2 ranks, whose whole analysis takes 11 s in one process).
    """
    t_start, t_stop = t_start_ms * pq.ms, t_stop_ms * pq.ms
    parents = _ParentTrains([network.populations[name] for name in network.recorded])
    read = []  # (population, index, spike times in ms) of each neuron this process holds
    for name in network.recorded:
        for index, train in _recorded_trains(network.populations[name], parents):
            times = times_ms(train)
            read.append((name, index, times[(times >= t_start_ms) & (times < t_stop_ms)]))
    if gather is not None:
        parts = gather(read)
        if parts is None:
            return None
        read = [item for part in parts for item in part]
        if len(parts) > 1:  # one rank's list is in order already
            order = {name: position for position, name in enumerate(network.recorded)}
            read.sort(key=lambda item: (order[item[0]], item[1]))
    segment = neo.Segment(name="recorded", t_start=t_start, t_stop=t_stop)
    trains = []
    labelled = {name: {k: v() if callable(v) else v for k, v in network.labels.get(name, {}).items()}
                for name in network.recorded}
    for name, index, times in read:
        labels = labelled[name]
        spiketrain = neo.SpikeTrain(times, units=pq.ms, t_start=t_start, t_stop=t_stop, name=f"{name}[{index}]")
        spiketrain.annotate(source_population=name, source_index=index, source_id=len(trains),
                            **{k: int(v[index]) for k, v in labels.items()})
        trains.append(spiketrain)
    _set_trains(segment, trains)
    return segment


def segment_from_spikes(populations, t_start_ms, t_stop_ms):
    """A per-neuron segment, annotated as :func:`collect_segment` annotates, from spikes given as
    arrays: {population: (times in ms, neuron indices, size, {label: value per neuron})}, in
    recording order. For spikes that no PyNN network recorded (the original code of a model)."""
    t_start, t_stop = t_start_ms * pq.ms, t_stop_ms * pq.ms
    segment = neo.Segment(name="recorded", t_start=t_start, t_stop=t_stop)
    trains = []
    for name, (times, indices, size, labels) in populations.items():
        times, indices = np.asarray(times, float), np.asarray(indices, np.int64)
        keep = (times >= t_start_ms) & (times < t_stop_ms)
        times, indices = times[keep], indices[keep]
        order = np.lexsort((times, indices))
        times, indices = times[order], indices[order]
        bounds = np.searchsorted(indices, np.arange(size + 1))
        for index in range(size):
            spiketrain = neo.SpikeTrain(times[bounds[index]:bounds[index + 1]], units=pq.ms, t_start=t_start, t_stop=t_stop,
                                        name=f"{name}[{index}]")
            spiketrain.annotate(source_population=name, source_index=index, source_id=len(trains),
                                **{k: int(v[index]) for k, v in labels.items()})
            trains.append(spiketrain)
    _set_trains(segment, trains)
    return segment


def segment_window(segment):
    """(t_start, t_stop) of `segment` in ms (Quantities). Neo derives a segment's t_start and t_stop
    from all its trains on every access (3 s for 41,000 trains); zoo segments are created with them
    as annotations, which this reads when present."""
    given = segment.annotations.get("t_start"), segment.annotations.get("t_stop")
    if all(isinstance(t, pq.Quantity) for t in given):
        return tuple(t.rescale(pq.ms) for t in given)
    return segment.t_start.rescale(pq.ms), segment.t_stop.rescale(pq.ms)


@functools.lru_cache(maxsize=None)
def _ms_per(unit):
    return float(pq.Quantity(1.0, unit).rescale(pq.ms).magnitude)


def as_ms(t):
    """A time Quantity (or a number already in ms) as a float in ms."""
    return float(t.magnitude) * _ms_per(t.dimensionality.string) if isinstance(t, pq.Quantity) else float(t)


def times_ms(st, t_start=None, t_stop=None):
    """Spike times of `st` in ms as a plain array, optionally restricted to [t_start, t_stop)
    (Quantities, or floats in ms). Quantities' own rescale costs ~0.1 ms per train, most of a
    5000-neuron summary; the factor per unit is computed once."""
    times = st.magnitude * _ms_per(st.dimensionality.string)
    if t_start is None:
        return times
    lo, hi = np.searchsorted(times, [as_ms(t_start), as_ms(t_stop)])
    return times[lo:hi]


def _set_trains(segment, trains):
    """Put `trains` into `segment` at once: Neo's append checks every train already there, which is
    quadratic in the number of trains (minutes for 41,000 neurons)."""
    segment.spiketrains = SpikeTrainList(items=trains, parent=segment)
    for train in trains:
        train.segment = segment


def _recorded_trains(population, parents):
    """(index within `population`, spike train) of each recorded neuron this process holds, in
    index order.

    A PopulationView's trains come from its parent, read once per parent (PyNN would read the
    parent's recorder again for every view, and number the neurons within the parent).
    """
    parent = getattr(population, "parent", None)
    if parent is None:
        recorded = population.get_data("spikes", gather=False, clear=False).segments[-1]
        return sorted(((int(st.annotations["source_index"]), st) for st in recorded.spiketrains), key=lambda item: item[0])
    return parents.take(population)


class _ParentTrains:
    """PyNN's spike trains of the parents of recorded PopulationViews, read once per parent and let
    go train by train as the last view holding each neuron takes it: a model recorded as views of
    one population (schmidt2018's 254 of 41,000 neurons at n = 0.01) then never holds PyNN's trains
    and the zoo's copies of all neurons at once (~8 kB per train)."""

    def __init__(self, populations):
        self._trains = {}
        self._views_left = {}  # parent -> views still to read each neuron
        self._positions = {}  # view -> its neurons' indices in the parent
        for population in populations:
            parent = getattr(population, "parent", None)
            if parent is not None:
                positions = np.atleast_1d(parent.id_to_index(population.all_cells))
                self._positions[id(population)] = positions
                np.add.at(self._views_left.setdefault(id(parent), np.zeros(parent.size, np.int64)), positions, 1)

    def take(self, view):
        parent = view.parent
        if id(parent) not in self._trains:
            recorded = parent.get_data("spikes", gather=False, clear=False).segments[-1]
            self._trains[id(parent)] = {int(st.annotations["channel_id"]): st for st in recorded.spiketrains}
            recorded.spiketrains = SpikeTrainList(parent=recorded)  # the trains live on in the dict alone
        by_id, left = self._trains[id(parent)], self._views_left[id(parent)]
        cells, positions = view.all_cells, self._positions[id(view)]
        np.subtract.at(left, positions, 1)
        taken = []
        for index, (cell, at) in enumerate(zip(cells, positions)):
            train = by_id.get(int(cell)) if left[at] > 0 else by_id.pop(int(cell), None)
            if train is not None:
                taken.append((index, train))
        return taken


def trains_by_population(segment):
    """{population: [spike trains]} of a segment, populations in recording order (one pass)."""
    groups = {}
    for st in segment.spiketrains:
        groups.setdefault(st.annotations["source_population"], []).append(st)
    return groups


_NEURON = ("source_population", "source_index", "source_id")  # annotations that are no model label


def population_events(segment):
    """One ``neo.Event`` per population of a per-neuron segment (the layout on disk)."""
    events = []
    for name, trains in trains_by_population(segment).items():
        label_names = [k for k in trains[0].annotations if k not in _NEURON]
        position, times = SpikeTrainList(items=trains).multiplexed  # the train each spike is from
        order = np.argsort(times.rescale(pq.ms).magnitude, kind="stable")
        position = position[order]
        per_neuron = {key: np.array([st.annotations[key] for st in trains], dtype=np.int64)
                      for key in ["source_index"] + label_names}
        event = neo.Event(times[order].rescale(pq.ms), name=f"{name}: spikes of all {len(trains)} neurons",
                          array_annotations={key: values[position] for key, values in per_neuron.items()})
        by_index = np.argsort(per_neuron["source_index"])
        event.annotate(source_population=name, neurons=len(trains), zoo_layout=LAYOUT,
                       description=f"every spike of population {name}, the neuron in source_index; per-neuron "
                                   "spike trains: zoo.io.load_segment",
                       **{f"{key}_of_neuron": per_neuron[key][by_index].tolist() for key in label_names})
        events.append(event)
    return events


def per_neuron_trains(block):
    """Per-neuron spike trains (silent neurons included) of every population of a stored block:
    events (layout 2) or population spike trains (layout 1).

    Neo's ``SpikeTrainList.from_spike_time_array`` would do this but compares every spike with every
    neuron (30 s for 41,000 neurons and a million spikes); this sorts once.
    """
    stored = block.segments[0]
    t_start, t_stop = segment_window(stored)
    segment = neo.Segment(name=stored.name, t_start=t_start, t_stop=t_stop)
    populations = [(e.annotations["source_population"], e, "source_index") for e in stored.events
                   if "source_population" in e.annotations]
    populations += [(st.annotations["population"], st, "index") for st in stored.spiketrains  # layout 1
                    if "population" in st.annotations and "neurons" in st.annotations]
    trains = []
    for name, spikes, index_name in populations:
        size = int(spikes.annotations["neurons"])
        index = np.asarray(spikes.array_annotations[index_name], dtype=np.int64)
        times = times_ms(spikes)
        order = np.argsort(index, kind="stable")
        bounds = np.searchsorted(index[order], np.arange(size + 1))
        label_names = [k[: -len("_of_neuron")] for k in spikes.annotations if k.endswith("_of_neuron")]
        for neuron in range(size):
            st = neo.SpikeTrain(times[order[bounds[neuron]: bounds[neuron + 1]]], units=pq.ms, t_start=t_start,
                                t_stop=t_stop, name=f"{name}[{neuron}]")
            st.annotate(source_population=name, source_index=neuron, source_id=len(trains),
                        **{k: int(spikes.annotations[f"{k}_of_neuron"][neuron]) for k in label_names})
            trains.append(st)
    _set_trains(segment, trains)
    segment.analogsignals = list(stored.analogsignals)  # sampled states, if any
    return segment


def save_segment(segment, path, annotations):
    """Write the per-neuron `segment` as a NIX file of population events; block `annotations` flat."""
    block = neo.Block(name=str(annotations.get("model", "zoo run")))
    block.annotate(**{k: v for k, v in annotations.items() if v is not None}, zoo_layout=LAYOUT)
    t_start, t_stop = segment_window(segment)
    stored = neo.Segment(name=segment.name, t_start=t_start, t_stop=t_stop)
    stored.events = population_events(segment)
    stored.analogsignals = list(segment.analogsignals)  # sampled states (zoo.run.states), as they are
    block.segments.append(stored)
    with neo.io.NixIO(str(path), mode="ow") as io:
        io.write_block(block)


def estimated_nix_bytes(segment):
    """About the size of the NIX file :func:`save_segment` writes for `segment`: per spike its time,
    index and labels (8 bytes each), per neuron its labels, and HDF5's own structures."""
    spikes = sum(len(st) for st in segment.spiketrains)
    labels = max((len(st.annotations) - 2 for st in segment.spiketrains[:1]), default=0)  # source_index and labels
    return 8 * (spikes + len(segment.spiketrains)) * (1 + labels) + 2**18


def read_block(path):
    """The stored block as plain Neo reads it (population events)."""
    with neo.io.NixIO(str(path), mode="ro") as io:
        return io.read_block(lazy=False)


def load_segment(path):
    """(per-neuron segment, block annotations) from a file written by :func:`save_segment`."""
    block = read_block(path)
    return per_neuron_trains(block), dict(block.annotations)


def spike_arrays(segment):
    """(times in ms, population name, index) arrays of all spikes in a segment, for plotting."""
    times, populations, indices = [], [], []
    for st in segment.spiketrains:
        n = len(st)
        times.append(times_ms(st))
        populations.append(np.full(n, st.annotations["source_population"], dtype=object))
        indices.append(np.full(n, st.annotations["source_index"]))
    if not times:
        return np.array([]), np.array([], dtype=object), np.array([], dtype=int)
    return np.concatenate(times), np.concatenate(populations), np.concatenate(indices)
