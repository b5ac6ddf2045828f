"""Scenarios run on every backend, PyNN-scenario style: each takes only the set-up `backend`.

Run one backend as a script: python tests/test_backends.py --sim brian2
"""

import math

import numpy as np
import pytest

from zoo.models.rostami2020 import VARIANTS, Rostami2020
from zoo import backends
from zoo import io
from zoo.backends.fingerprint import fingerprint
from zoo.seeds import SeedStreams

TINY = VARIANTS["tiny"].params.replace(warmup=100.0, simtime=300.0)


def test_first_spike_time_of_a_driven_lif_matches_the_closed_form(backend):
    """T = tau_m ln(I tau_m / (I tau_m - theta C_m)) for V(0) = v_rest, theta = v_thresh - v_rest.

    Both backends integrate the membrane exactly and stamp the spike on the step grid, so the
    first spike lies within two steps of T.
    """
    sim = backend.sim
    cm, tau_m, theta, current = 0.25, 20.0, 15.0, 1.0  # nF, ms, mV, nA
    cell = sim.Population(1, sim.IF_curr_exp(cm=cm, tau_m=tau_m, v_rest=-65.0, v_thresh=-65.0 + theta, i_offset=current))
    cell.initialize(v=-65.0)
    cell.record("spikes")
    sim.run(20.0)
    first = float(cell.get_data().segments[0].spiketrains[0][0])
    expected = tau_m * math.log(current * tau_m / (current * tau_m - theta * cm))
    assert abs(first - expected) <= 2 * backend.timestep


def _build_tiny(backend, seed=1):
    streams = SeedStreams(seed)
    model = Rostami2020(TINY, "tiny")
    return model, model.build(backend.sim, streams)


def test_tiny_network_builds_what_the_model_drew(backend):
    model, network = _build_tiny(backend)
    drawn = model.connections(model.draw(SeedStreams(1)))
    for name, projection in network.projections.items():
        assert projection.size() == drawn[name][0].size
    assert network.populations["E"].size == TINY.N_E


def _fingerprint_on(simulator, seed):
    b = backends.setup(simulator, SeedStreams(seed), **Rostami2020(TINY).simulation_settings())
    try:
        return fingerprint(_build_tiny(b, seed)[1])
    finally:
        b.end()


def test_fingerprints_identical_across_backends_and_seed_sensitive():
    nest_print = _fingerprint_on("nest", 1)
    brian2_print = _fingerprint_on("brian2", 1)
    assert nest_print["scope"] == "all connections"
    assert nest_print == brian2_print
    assert _fingerprint_on("nest", 2)["sha256"] != nest_print["sha256"]


def _run_tiny(simulator, seed, threads=1):
    streams = SeedStreams(seed)
    model = Rostami2020(TINY, "tiny")
    b = backends.setup(simulator, streams, threads=threads, **model.simulation_settings())
    try:
        network = model.build(b.sim, streams)
        b.simulate(model.warmup_ms + model.duration_ms)
        return io.collect_segment(network, model.warmup_ms, model.warmup_ms + model.duration_ms)
    finally:
        b.end()


def _spikes(segment):
    return [(st.annotations["source_population"], st.annotations["source_index"], tuple(np.round(st.magnitude, 6))) for st in segment.spiketrains]


def test_same_seed_same_spikes_and_network_is_active(simulator):
    first, second = _run_tiny(simulator, 3), _run_tiny(simulator, 3)
    assert _spikes(first) == _spikes(second)
    counts = sum(len(st) for st in first.spiketrains)
    rate = counts / (len(first.spiketrains) * TINY.simtime / 1000.0)
    assert 0.5 < rate < 100.0
    assert {st.annotations["cluster"] for st in first.spiketrains} == set(range(TINY.Q))


def test_nest_thread_count_does_not_change_the_result():
    """Every random number of the model is drawn in NumPy, so NEST's per-thread streams play no part."""
    assert _spikes(_run_tiny("nest", 5, threads=1)) == _spikes(_run_tiny("nest", 5, threads=2))


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--sim", choices=backends.SIMULATORS, default="nest")
    sys.exit(pytest.main([__file__, "-k", f"{parser.parse_args().sim} or across", "-q"]))
