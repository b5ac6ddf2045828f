"""zoo.backends.brian2.shared_delays: one delay per Synapses object where a projection has one delay, and
PyNN reads, sets and simulates the same as with a delay per synapse."""

import numpy as np
import pyNN.brian2 as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from zoo.backends.brian2 import batch as brian2_batch, shared_delays as brian2_shared_delays
from zoo.backends.brian2.synapses import shared_delay


@pytest.fixture(autouse=True)
def zoo_batches(stock_brian2, numpy_codegen):
    brian2_batch.install(distinct_multapse_values=True, presynaptic_order=True)


def _pops():
    spikes = [[2.0 + 3 * k + 0.5 * n for k in range(12)] for n in range(20)]
    return (sim.Population(20, sim.SpikeSourceArray(spike_times=spikes)),
            sim.Population(15, sim.IF_curr_exp(tau_m=10.0, v_thresh=-58.0)))


def from_list(pre, post):
    pairs = np.random.default_rng(1).integers(0, 15, size=(120, 2))
    return sim.Projection(pre, post, sim.FromListConnector(pairs), sim.StaticSynapse(weight=0.4, delay=0.74))


def fixed_probability(pre, post):
    weights = RandomDistribution("uniform", (0.1, 0.6), rng=NumpyRNG(2))
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(3)),
                          sim.StaticSynapse(weight=weights, delay=1.5))


def from_list_with_delays(pre, post):
    gen = np.random.default_rng(4)
    conn_list = np.column_stack([gen.integers(0, 15, size=(60, 2)), gen.uniform(0.5, 3.0, 60)])
    return sim.Projection(pre, post, sim.FromListConnector(conn_list, column_names=["delay"]),
                          sim.StaticSynapse(weight=0.3))


def random_delays(pre, post):
    delays = RandomDistribution("uniform", (0.5, 2.5), rng=NumpyRNG(5))
    return sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.2, delay=delays))


def tsodyks_markram(pre, post):
    return sim.Projection(pre, post, sim.AllToAllConnector(),
                          sim.TsodyksMarkramSynapse(U=0.5, tau_rec=100.0, weight=0.3, delay=1.0))


ONE_DELAY = {from_list: True, fixed_probability: True, from_list_with_delays: False,
             random_delays: False, tsodyks_markram: False}


def _run(make, shared):
    brian2_shared_delays.install() if shared else brian2_shared_delays.uninstall()
    sim.setup(timestep=0.1)
    try:
        pre, post = _pops()
        projection = make(pre, post)
        post.record("spikes")
        before = projection.get(["weight", "delay"], format="list")
        array = projection.get("delay", format="array", multiple_synapses="sum")
        one = shared_delay(projection._brian2_synapses[0][0]) is not None
        first = next(iter(projection.connections)).delay
        sim.run(50.0)
        spikes = [list(st.magnitude) for st in post.get_data().segments[0].spiketrains]
        return one, before, array, first, spikes
    finally:
        sim.end()


@pytest.mark.parametrize("make", list(ONE_DELAY), ids=lambda f: f.__name__)
def test_same_values_and_spikes_as_per_synapse_delays(make):
    one, values, array, first, spikes = _run(make, shared=True)
    _, stock_values, stock_array, stock_first, stock_spikes = _run(make, shared=False)
    assert one == ONE_DELAY[make]
    assert values == stock_values
    np.testing.assert_array_equal(array, stock_array)
    assert first == stock_first
    assert spikes == stock_spikes and sum(map(len, spikes)) > 0


def test_one_delay_is_set_as_one_and_different_delays_give_each_synapse_its_own():
    brian2_shared_delays.install()
    sim.setup(timestep=0.1)
    try:
        pre, post = _pops()
        projection = from_list(pre, post)
        projection.set(delay=2.0, weight=0.5)
        assert {(w, d) for w, d in projection.get(["weight", "delay"], format="list", with_address=False)} == {(0.5, 2.0)}
        assert shared_delay(projection._brian2_synapses[0][0]) is not None
        projection.set(delay=RandomDistribution("uniform", (1.0, 2.0), rng=NumpyRNG(6)))
        assert shared_delay(projection._brian2_synapses[0][0]) is None
        delays = np.array(projection.get("delay", format="list", with_address=False))
        assert len(set(np.round(delays, 6))) > 1 and np.all((delays >= 1.0) & (delays <= 2.0))
        connection = next(iter(projection.connections))
        connection.delay = 3.0
        assert connection.delay == pytest.approx(3.0)
        assert np.count_nonzero(np.isclose(projection.get("delay", format="list", with_address=False), 3.0)) == 1
    finally:
        sim.end()


def test_a_connection_delay_on_a_one_delay_projection_gives_each_synapse_its_own_and_runs():
    """Stock PyNN lets one connection get its own delay; so does the zoo, and the spike arrives then."""
    brian2_shared_delays.install()
    sim.setup(timestep=0.1)
    try:
        source = sim.Population(1, sim.SpikeSourceArray(spike_times=[3.0]))  # after the delay is set
        target = sim.Population(2, sim.IF_cond_exp())
        projection = sim.Projection(source, target, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.05, delay=1.0))
        target.record("gsyn_exc")
        sim.run(2.0)
        connection = next(c for c in projection.connections if int(c._syn_obj.j[c.index]) == 1)
        connection.delay = 5.0
        sim.run(10.0)
        g = np.asarray(target.get_data().segments[0].filter(name="gsyn_exc")[0].magnitude)
        times = np.arange(g.shape[0]) * 0.1
        rise = [times[np.argmax(g[:, k] > 0)] for k in range(2)]
        assert rise[0] == pytest.approx(4.1, abs=0.15) and rise[1] == pytest.approx(8.1, abs=0.15)
    finally:
        sim.end()
