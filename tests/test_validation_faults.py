"""Injected faults change exactly what they say, on both backends, without editing the model."""

import numpy as np
import pytest

from validation import faults
from zoo import backend as backends
from zoo import registry
from zoo.errors import ZooError
from zoo.network import connection_table
from zoo.seeds import SeedStreams


def _build(simulator, model):
    streams = SeedStreams(1)
    b = backends.setup(simulator, streams, **model.simulation_settings())
    try:
        network = model.build(b.sim, streams)
        tables = {name: connection_table(p) for name, p in network.projections.items()}
        tau_m = {name: np.unique(p.get("tau_m")) for name, p in network.populations.items()}
    finally:
        b.end()
    return tables, tau_m


@pytest.fixture(scope="module")
def clean():
    return {sim: _build(sim, registry.create_model("rostami2020.tiny")) for sim in ("nest", "brian2")}


def _fault(name):
    model = registry.create_model("rostami2020.tiny")
    return model, next(f for f in faults.default_faults(model, SeedStreams(1)) if f.name == name)


def test_default_faults_of_rostami2020():
    model = registry.create_model("rostami2020.tiny")
    found = {f.name: f for f in faults.default_faults(model, SeedStreams(1))}
    assert list(found) == ["exc_weight_x1.2", "tau_m_x1.2", "drop_I_to_E_within", "delay_0.5ms"]
    assert found["exc_weight_x1.2"].targets == ("E_to_E_within", "E_to_E_across")
    assert found["tau_m_x1.2"].targets == ("E",)


def test_scaled_excitatory_weights(simulator, clean):
    model, fault = _fault("exc_weight_x1.2")
    tables, _ = _build(simulator, faults.inject(model, fault))
    base, _ = clean[simulator]
    for name in tables:
        factor = 1.2 if name.startswith("E_to_E") else 1.0
        assert np.allclose(tables[name][2], factor * base[name][2]), name
        assert np.array_equal(tables[name][0], base[name][0])


def test_dropped_projection_carries_nothing(simulator, clean):
    model, fault = _fault("drop_I_to_E_within")
    tables, _ = _build(simulator, faults.inject(model, fault))
    base, _ = clean[simulator]
    assert np.all(tables["I_to_E_within"][2] == 0)
    assert np.allclose(tables["I_to_E_across"][2], base["I_to_E_across"][2])


def test_wrong_delay(simulator):
    model, fault = _fault("delay_0.5ms")
    tables, _ = _build(simulator, faults.inject(model, fault))
    assert all(np.allclose(t[3], 0.5) for t in tables.values())


def test_changed_time_constant_leaves_drive_and_weights(simulator, clean):
    model, fault = _fault("tau_m_x1.2")
    tables, tau_m = _build(simulator, faults.inject(model, fault))
    base_tables, base_tau = clean[simulator]
    assert np.allclose(tau_m["E"], 1.2 * base_tau["E"]) and np.allclose(tau_m["I"], base_tau["I"])
    assert np.allclose(tables["E_to_E_within"][2], base_tables["E_to_E_within"][2])


def test_a_model_parameter_fault_goes_through_params_replace():
    model = registry.create_model("rostami2020.tiny")
    faulty = faults.inject(model, faults.Fault("tau_m_E_x1.2", "scale_parameter", parameter="tau_m_E", value=1.2))
    assert faulty.params.tau_m_E == pytest.approx(24.0) and faulty.params.tau_m_I == model.params.tau_m_I


def test_the_faulty_model_keeps_name_variant_and_package():
    model, fault = _fault("delay_0.5ms")
    faulty = faults.inject(model, fault)
    assert (faulty.name, faulty.variant_name, type(faulty).__module__) == (model.name, "tiny", type(model).__module__)
    assert faulty.params == model.params


def test_a_fault_that_matches_nothing_stops_the_build():
    model = registry.create_model("rostami2020.tiny")
    faulty = faults.inject(model, faults.Fault("typo", "scale_weight", ("E_to_X_*",), value=2.0))
    streams = SeedStreams(1)
    b = backends.setup("nest", streams, **model.simulation_settings())
    try:
        with pytest.raises(ZooError, match="matched no projection"):
            faulty.build(b.sim, streams)
    finally:
        b.end()


def test_unknown_fault_kind_is_rejected():
    with pytest.raises(ZooError, match="unknown fault kind"):
        faults.Fault("x", "scale_everything")
