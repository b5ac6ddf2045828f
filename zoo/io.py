"""Recorded spikes as a Neo block, written and read as NIX.

On disk the block has one segment covering the recorded window (warm-up excluded) and one
spike train *per population*: all its spikes in time order, with per-spike array annotations
`index` (neuron within the population) and the model's labels such as `cluster`, and the
annotations `population` and `neurons` (population size, silent cells included). One train per
neuron would be Neo's usual layout, but NixIO spends ~13 ms on each train (measured here:
65 s to write 5000 neurons, as long again to read), so the zoo stores populations and splits
them back into per-neuron trains on reading (:func:`load_segment`). NIX rejects nested or None
annotations, so all annotations are flat.
"""

import functools

import neo
import numpy as np
import quantities as pq


def collect_segment(network, t_start_ms, t_stop_ms):
    """The recorded spikes of `network` in [t_start, t_stop) ms as per-neuron spike trains.

    Each train is annotated with `population`, `index` and the network's labels (e.g. `cluster`).
    """
    t_start, t_stop = t_start_ms * pq.ms, t_stop_ms * pq.ms
    segment = neo.Segment(name="recorded", t_start=t_start, t_stop=t_stop)
    parents = {}  # views of one recorded population: its data are read once
    trains = []
    for name in network.recorded:
        labels = network.labels.get(name, {})
        for index, train in _recorded_trains(network.populations[name], parents):
            times = times_ms(train)
            times = times[(times >= t_start_ms) & (times < t_stop_ms)]
            spiketrain = neo.SpikeTrain(times, units=pq.ms, t_start=t_start, t_stop=t_stop, name=f"{name}[{index}]")
            spiketrain.annotate(population=name, index=index, **{k: int(v[index]) for k, v in labels.items()})
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
    segment.spiketrains = neo.core.spiketrainlist.SpikeTrainList(items=trains, parent=segment)
    for train in trains:
        train.segment = segment


def _recorded_trains(population, parents):
    """(index within `population`, spike train) of each recorded neuron, in index order.

    A PopulationView's trains come from its parent, read once per parent (PyNN would read the
    parent's recorder again for every view, and number the neurons within the parent).
    """
    parent = getattr(population, "parent", None)
    if parent is None:
        recorded = population.get_data("spikes", clear=False).segments[-1]
        return sorted(((int(st.annotations["source_index"]), st) for st in recorded.spiketrains), key=lambda item: item[0])
    if id(parent) not in parents:
        recorded = parent.get_data("spikes", clear=False).segments[-1]
        parents[id(parent)] = {int(st.annotations["channel_id"]): st for st in recorded.spiketrains}
    by_id = parents[id(parent)]
    return [(index, by_id[int(cell)]) for index, cell in enumerate(population.all_cells) if int(cell) in by_id]


def trains_by_population(segment):
    """{population: [spike trains]} of a segment, populations in recording order (one pass)."""
    groups = {}
    for st in segment.spiketrains:
        groups.setdefault(st.annotations["population"], []).append(st)
    return groups


def merge_by_population(segment):
    """One spike train per population, neuron identity kept in per-spike array annotations."""
    t_start, t_stop = segment_window(segment)
    merged = neo.Segment(name=segment.name, t_start=t_start, t_stop=t_stop)
    for name, trains in trains_by_population(segment).items():
        label_names = [k for k in trains[0].annotations if k not in ("population", "index")]
        times = np.concatenate([times_ms(st) for st in trains])
        per_spike = {
            key: np.concatenate([np.full(len(st), st.annotations[key], dtype=np.int64) for st in trains])
            for key in ["index"] + label_names
        }
        order = np.argsort(times, kind="stable")
        train = neo.SpikeTrain(
            times[order], units="ms", t_start=t_start, t_stop=t_stop, name=name,
            array_annotations={key: values[order] for key, values in per_spike.items()},
        )
        neuron_labels = {f"{key}_of_neuron": np.array([st.annotations[key] for st in trains]) for key in label_names}
        train.annotate(population=name, neurons=len(trains), **{k: v.tolist() for k, v in neuron_labels.items()})
        merged.spiketrains.append(train)
    return merged


def split_by_neuron(merged):
    """Inverse of :func:`merge_by_population`: per-neuron trains, silent neurons included."""
    t_start, t_stop = segment_window(merged)
    segment = neo.Segment(name=merged.name, t_start=t_start, t_stop=t_stop)
    trains = []
    for train in merged.spiketrains:
        name, size = train.annotations["population"], int(train.annotations["neurons"])
        index = np.asarray(train.array_annotations["index"], dtype=np.int64)
        times = times_ms(train)
        order = np.argsort(index, kind="stable")
        bounds = np.searchsorted(index[order], np.arange(size + 1))
        label_names = [k[: -len("_of_neuron")] for k in train.annotations if k.endswith("_of_neuron")]
        for neuron in range(size):
            spikes = times[order[bounds[neuron] : bounds[neuron + 1]]]
            st = neo.SpikeTrain(spikes, units=pq.ms, t_start=t_start, t_stop=t_stop, name=f"{name}[{neuron}]")
            labels = {k: int(train.annotations[f"{k}_of_neuron"][neuron]) for k in label_names}
            st.annotate(population=name, index=neuron, **labels)
            trains.append(st)
    _set_trains(segment, trains)
    return segment


def save_segment(segment, path, annotations):
    """Write the per-neuron `segment` as a NIX file of population trains; block `annotations` flat."""
    block = neo.Block(name=str(annotations.get("model", "zoo run")))
    block.annotate(**{k: v for k, v in annotations.items() if v is not None})
    block.segments.append(merge_by_population(segment))
    with neo.io.NixIO(str(path), mode="ow") as io:
        io.write_block(block)


def estimated_nix_bytes(segment):
    """About the size of the NIX file :func:`save_segment` writes for `segment`: per spike its time,
    index and labels (8 bytes each), per neuron its labels, and HDF5's own structures."""
    spikes = sum(len(st) for st in segment.spiketrains)
    labels = max((len(st.annotations) - 1 for st in segment.spiketrains[:1]), default=0)  # 'population' is not per spike
    return 8 * (spikes + len(segment.spiketrains)) * (1 + labels) + 2**18


def read_block(path):
    """The stored block as Neo reads it (population trains)."""
    with neo.io.NixIO(str(path), mode="ro") as io:
        return io.read_block(lazy=False)


def load_segment(path):
    """(per-neuron segment, block annotations) from a file written by :func:`save_segment`."""
    block = read_block(path)
    return split_by_neuron(block.segments[0]), dict(block.annotations)


def spike_arrays(segment):
    """(times in ms, population name, index) arrays of all spikes in a segment, for plotting."""
    times, populations, indices = [], [], []
    for st in segment.spiketrains:
        n = len(st)
        times.append(times_ms(st))
        populations.append(np.full(n, st.annotations["population"], dtype=object))
        indices.append(np.full(n, st.annotations["index"]))
    if not times:
        return np.array([]), np.array([], dtype=object), np.array([], dtype=int)
    return np.concatenate(times), np.concatenate(populations), np.concatenate(indices)
