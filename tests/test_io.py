"""zoo.io: the NIX round trip keeps every spike, neuron identity and label; silent cells survive;
plain Neo cannot take a population's spikes for a neuron; files of the earlier layout still load."""

import neo
import numpy as np
import quantities as pq
import pytest

from zoo import io


def _segment():
    segment = neo.Segment(t_start=100 * pq.ms, t_stop=600 * pq.ms)
    rng = np.random.default_rng(0)
    for population, size in (("E", 6), ("I", 3)):
        for index in range(size):
            times = np.sort(rng.uniform(100, 600, size=index * 3))  # neuron 0 is silent
            st = neo.SpikeTrain(times, units="ms", t_start=100 * pq.ms, t_stop=600 * pq.ms)
            st.annotate(source_population=population, source_index=index, source_id=len(segment.spiketrains),
                        cluster=index // 2)
            segment.spiketrains.append(st)
    return segment


def _as_tuples(segment):
    return [
        (st.annotations["source_population"], st.annotations["source_index"], st.annotations["source_id"],
         st.annotations["cluster"], tuple(st.magnitude))
        for st in segment.spiketrains
    ]


def test_nix_round_trip(tmp_path):
    path = tmp_path / "spikes.nix"
    io.save_segment(_segment(), path, {"model": "m", "master_seed": 3, "nothing": None})
    segment, annotations = io.load_segment(path)
    assert _as_tuples(segment) == _as_tuples(_segment())
    assert segment.t_start == 100 * pq.ms and segment.t_stop == 600 * pq.ms
    assert annotations["master_seed"] == 3 and "nothing" not in annotations


def test_plain_neo_reads_population_events_and_no_spike_trains(tmp_path):
    """What plain Neo reads cannot be taken for a neuron: no spike trains, one event per population
    whose spikes carry the neuron they are from."""
    path = tmp_path / "spikes.nix"
    io.save_segment(_segment(), path, {"model": "m"})
    with neo.io.NixIO(str(path), mode="ro") as reader:
        stored = reader.read_block().segments[0]
    assert len(stored.spiketrains) == 0
    assert [e.annotations["source_population"] for e in stored.events] == ["E", "I"]
    events = stored.events[0]
    assert events.annotations["neurons"] == 6 and np.all(np.diff(events.magnitude) >= 0)
    per_neuron = np.bincount(events.array_annotations["source_index"], minlength=6)
    assert per_neuron.tolist() == [3 * i for i in range(6)]
    assert events.annotations["cluster_of_neuron"] == [0, 0, 1, 1, 2, 2]


def test_files_of_the_earlier_layout_still_load(tmp_path):
    """Layout 1 stored one spike train per population with annotations population, neurons and
    <label>_of_neuron, and the per-spike array annotation index."""
    segment = neo.Segment(t_start=0 * pq.ms, t_stop=100 * pq.ms)
    train = neo.SpikeTrain([10.0, 20.0, 30.0], units="ms", t_start=0 * pq.ms, t_stop=100 * pq.ms,
                           array_annotations={"index": np.array([2, 0, 2]), "cluster": np.array([1, 0, 1])})
    train.annotate(population="E", neurons=3, cluster_of_neuron=[0, 0, 1])
    segment.spiketrains.append(train)
    block = neo.Block()
    block.segments.append(segment)
    with neo.io.NixIO(str(tmp_path / "old.nix"), mode="ow") as writer:
        writer.write_block(block)
    loaded, _ = io.load_segment(tmp_path / "old.nix")
    assert [(st.annotations["source_index"], list(st.magnitude), st.annotations["cluster"]) for st in loaded.spiketrains] \
        == [(0, [20.0], 0), (1, [], 0), (2, [10.0, 30.0], 1)]


def test_per_neuron_trains_feed_elephant_and_pynn_plotting(tmp_path):
    """Loaded trains give Elephant per-neuron numbers and carry the annotations PyNN's Panel reads."""
    from elephant.statistics import mean_firing_rate

    path = tmp_path / "spikes.nix"
    io.save_segment(_segment(), path, {"model": "m"})
    segment, _ = io.load_segment(path)
    rates = [float(mean_firing_rate(st).rescale("Hz")) for st in segment.spiketrains[:6]]
    assert rates == pytest.approx([3 * i / 0.5 for i in range(6)])
    import matplotlib

    matplotlib.use("Agg")
    from pyNN.utility.plotting import Figure, Panel

    Figure(Panel(segment.spiketrains, xlabel="time (ms)")).save(str(tmp_path / "raster.png"))  # reads source_index
    assert (tmp_path / "raster.png").stat().st_size > 0


def test_spike_arrays_flatten_all_spikes():
    times, populations, indices = io.spike_arrays(_segment())
    assert times.size == sum(3 * i for i in range(6)) + sum(3 * i for i in range(3))
    assert set(populations) == {"E", "I"}
    assert indices.max() == 5


@pytest.mark.parametrize("simulator", ["nest"])
def test_collect_segment_keeps_only_the_recorded_window(simulator):
    from zoo import backends
    from zoo.network import Network
    from zoo.seeds import SeedStreams

    b = backends.setup(simulator, SeedStreams(1))
    try:
        sim = b.sim
        source = sim.Population(2, sim.SpikeSourceArray(spike_times=[[5.0, 50.0, 150.0], [60.0]]), label="S")
        source.record("spikes")
        sim.run(200.0)
        network = Network({"S": source}, {}, recorded=("S",), labels={"S": {"cluster": np.array([4, 7])}})
        segment = io.collect_segment(network, 40.0, 160.0)
    finally:
        b.end()
    assert [list(st.magnitude) for st in segment.spiketrains] == [[50.0, 150.0], [60.0]]
    assert [st.annotations["cluster"] for st in segment.spiketrains] == [4, 7]


def test_overlapping_views_of_one_population_each_get_all_their_trains():
    """The parent's trains are read once and let go by the last view holding each neuron: a neuron
    in two recorded views is in both (schmidt2018 records its 254 populations as views)."""
    from zoo import backends
    from zoo.network import Network
    from zoo.seeds import SeedStreams

    b = backends.setup("nest", SeedStreams(1))
    try:
        sim = b.sim
        times = [[10.0 + i, 20.0 + 2 * i] for i in range(6)]
        parent = sim.Population(6, sim.SpikeSourceArray(spike_times=times), label="all")
        parent.record("spikes")
        views = {"A": parent[0:4], "B": parent[2:6]}
        sim.run(50.0)
        segment = io.collect_segment(Network(views, {}, recorded=("A", "B")), 0.0, 50.0)
    finally:
        b.end()
    got = {(st.annotations["source_population"], st.annotations["source_index"]): list(st.magnitude)
           for st in segment.spiketrains}
    assert got == {**{("A", i): times[i] for i in range(4)}, **{("B", i): times[i + 2] for i in range(4)}}
