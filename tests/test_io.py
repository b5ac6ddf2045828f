"""zoo.io: the NIX round trip keeps every spike, neuron identity and label; silent cells survive."""

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
            st.annotate(population=population, index=index, cluster=index // 2)
            segment.spiketrains.append(st)
    return segment


def _as_tuples(segment):
    return [
        (st.annotations["population"], st.annotations["index"], st.annotations["cluster"], tuple(st.magnitude))
        for st in segment.spiketrains
    ]


def test_merge_then_split_is_the_identity():
    segment = _segment()
    merged = io.merge_by_population(segment)
    assert [st.annotations["population"] for st in merged.spiketrains] == ["E", "I"]
    assert merged.spiketrains[0].annotations["neurons"] == 6
    assert np.all(np.diff(merged.spiketrains[0].magnitude) >= 0)
    assert _as_tuples(io.split_by_neuron(merged)) == _as_tuples(segment)


def test_nix_round_trip(tmp_path):
    path = tmp_path / "spikes.nix"
    io.save_segment(_segment(), path, {"model": "m", "master_seed": 3, "nothing": None})
    block = io.read_block(path)
    assert len(block.segments) == 1 and block.annotations["master_seed"] == 3
    assert block.segments[0].spiketrains[1].annotations["population"] == "I"
    segment, annotations = io.load_segment(path)
    assert _as_tuples(segment) == _as_tuples(_segment())
    assert segment.t_start == 100 * pq.ms and segment.t_stop == 600 * pq.ms
    assert "nothing" not in annotations


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
