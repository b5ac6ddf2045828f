"""zoo.backends.brian2.merged_synapses: static projections between the same groups share one Synapses
object, and every projection reads, sets, resets and simulates as with its own."""

import brian2
import numpy as np
import pyNN.brian2 as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from zoo.backends.brian2 import batch as brian2_batch, shared_delays as brian2_shared_delays, snapshot as brian2_snapshot
from zoo.backends.brian2.synapses import shared_delay
from zoo.backends.brian2.merged_synapses import SynapsesPart

brian2.BrianLogger.suppress_name("unused_brian_object")


@pytest.fixture(autouse=True)
def patches(stock_brian2, numpy_codegen):
    brian2_shared_delays.install()
    brian2_snapshot.install()


def _setup(merge):
    brian2_batch.install(distinct_multapse_values=True, presynaptic_order=True, merge_projections=merge)
    sim.setup(timestep=0.1)
    spikes = [[1.0 + 2.5 * k + 0.3 * n for k in range(15)] for n in range(30)]
    return (sim.Population(30, sim.SpikeSourceArray(spike_times=spikes)),
            sim.Population(20, sim.IF_curr_exp(tau_m=10.0, v_thresh=-60.0)))


def _three_projections(pre, post):
    """Two lists (with repeated pairs) and a random connector, one delay: all three can merge."""
    gen = np.random.default_rng(1)
    first = gen.integers(0, 20, size=(90, 2))
    second = gen.integers(0, 20, size=(70, 2))
    weights = RandomDistribution("uniform", (0.1, 0.5), rng=NumpyRNG(2))
    return [
        sim.Projection(pre, post, sim.FromListConnector(first), sim.StaticSynapse(weight=0.3, delay=1.0), label="a"),
        sim.Projection(pre, post, sim.FromListConnector(second), sim.StaticSynapse(weight=0.6, delay=1.0), label="b"),
        sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=NumpyRNG(3)),
                       sim.StaticSynapse(weight=weights, delay=1.0), label="c"),
    ]


def _synapses_objects():
    return [obj for obj in sim.simulator.state.network.objects if isinstance(obj, brian2.Synapses)]


def _read(projections):
    return [(len(p), p.get(["weight", "delay"], format="list"),
             p.get("weight", format="array", multiple_synapses="sum"),
             np.asarray(p._brian2_synapses[0][0].synapse_number[:]),
             [c.weight for c in p.connections]) for p in projections]


def _same(merged, separate):
    for (n, values, array, numbers, weights), (n0, values0, array0, numbers0, weights0) in zip(merged, separate):
        assert n == n0 > 0
        assert values == values0
        np.testing.assert_array_equal(array, array0)
        np.testing.assert_array_equal(numbers, numbers0)
        assert weights == weights0
    assert any(np.any(numbers > 0) for _, _, _, numbers, _ in merged)  # multapses were numbered


def _build_and_run(merge, change=None):
    pre, post = _setup(merge)
    try:
        projections = _three_projections(pre, post)
        post.record("spikes")
        if change:
            change(projections)
        built = _read(projections), len(_synapses_objects())
        sim.run(60.0)
        spikes = [list(st.magnitude) for st in post.get_data().segments[0].spiketrains]
        return built, spikes
    finally:
        sim.end()


def test_one_synapses_object_and_the_same_projections():
    (merged, objects), spikes = _build_and_run(True)
    (separate, objects_separate), spikes_separate = _build_and_run(False)
    assert (objects, objects_separate) == (1, 3)
    _same(merged, separate)
    assert spikes == spikes_separate and sum(map(len, spikes)) > 0


def _set_middle(projections):
    projections[1].set(weight=0.9)
    connection = list(projections[2].connections)[3]
    connection.weight = 0.05


def test_setters_change_their_projection_only():
    (merged, _), spikes = _build_and_run(True, _set_middle)
    (separate, _), spikes_separate = _build_and_run(False, _set_middle)
    _same(merged, separate)
    assert {w for _, _, w, _ in merged[1][1]} == {0.9}
    assert spikes == spikes_separate


def test_reset_restores_each_projection():
    pre, post = _setup(True)
    try:
        projections = _three_projections(pre, post)
        before = _read(projections)
        sim.run(10.0)
        projections[0].set(weight=0.05)
        sim.reset()
        _same(_read(projections), before)
    finally:
        sim.end()


def test_parts_index_like_arrays():
    pre, post = _setup(True)
    try:
        projections = _three_projections(pre, post)
        part = projections[1]._brian2_synapses[0][0]
        assert isinstance(part, SynapsesPart) and len(part) == 70
        weight = part.weight_
        values = np.asarray(weight[:])
        assert np.array_equal(weight[-1], values[-1]) and np.array_equal(weight[2:9:3], values[2:9:3])
        assert np.array_equal(weight[np.arange(70) % 2 == 0], values[::2])
        with pytest.raises(IndexError):
            weight[70]
        with pytest.raises(TypeError):
            weight["i > 3"]
    finally:
        sim.end()


def test_one_delay_for_all_parts_until_one_part_gets_another():
    pre, post = _setup(True)
    try:
        projections = _three_projections(pre, post)
        projections[0].set(delay=1.0)  # the delay they all have
        assert shared_delay(projections[0]._brian2_synapses[0][0]) is not None
        projections[1].set(delay=2.0)  # another for one part: each synapse of the object gets its own
        assert shared_delay(projections[0]._brian2_synapses[0][0]) is None
        delays = [{d for d in p.get("delay", format="list", with_address=False)} for p in projections]
        assert delays == [{1.0}, {2.0}, {1.0}]
        next(iter(projections[2].connections)).delay = 3.0
        assert sorted({d for d in projections[2].get("delay", format="list", with_address=False)}) == [1.0, 3.0]
        assert [{d for d in p.get("delay", format="list", with_address=False)} for p in projections[:2]] == [{1.0}, {2.0}]
    finally:
        sim.end()


def test_what_does_not_merge():
    """Another delay, another target group, a synapse type with state, a run in between."""
    pre, post = _setup(True)
    try:
        other = sim.Population(20, sim.IF_curr_exp())
        pairs = np.random.default_rng(5).integers(0, 20, size=(40, 2))
        static = dict(weight=0.2, delay=1.0)
        sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(**static))
        sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(weight=0.2, delay=2.0))
        sim.Projection(pre, other, sim.FromListConnector(pairs), sim.StaticSynapse(**static))
        sim.Projection(pre, post, sim.FromListConnector(pairs), sim.TsodyksMarkramSynapse(**static))
        assert len(_synapses_objects()) == 4
        sim.run(1.0)
        late = sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(**static))
        assert len(_synapses_objects()) == 5 and not isinstance(late._brian2_synapses[0][0], SynapsesPart)
    finally:
        sim.end()


def test_no_merging_into_an_object_whose_delay_was_set_since():
    pre, post = _setup(True)
    try:
        pairs = np.random.default_rng(6).integers(0, 20, size=(40, 2))
        first = sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(weight=0.2, delay=1.0))
        first.set(delay=2.0)
        second = sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(weight=0.2, delay=1.0))
        assert len(_synapses_objects()) == 2
        assert set(first.get("delay", format="list", with_address=False)) == {2.0}
        assert set(second.get("delay", format="list", with_address=False)) == {1.0}
    finally:
        sim.end()
