"""Injected faults change exactly what they say, on both backends, without editing the model."""

import os
from pathlib import Path

import numpy as np
import pytest

from zoo.validation import faults
from zoo import backends
from zoo import registry
from zoo.errors import ZooError
from zoo.backends.fingerprint import connection_table
from zoo.seeds import SeedStreams


def _build(simulator, model):
    streams = SeedStreams(1)
    b = backends.setup(simulator, streams, **model.simulation_settings())
    try:
        network = model.build(b.sim, streams)
        tables = {name: connection_table(p) for name, p in network.projections.items()}
        tau_m = {name: np.asarray(p.get("tau_m")) for name, p in network.populations.items()
                 if "tau_m" in p.celltype.get_parameter_names()}
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


# --- models whose projections merge pathways (schmidt2018) or carry weights and delays in lists --------------

needs_multiarea_data = pytest.mark.skipif(
    not (Path(os.environ.get("ZOO_DATA_DIR", "/nonexistent")) / "multiarea").is_dir(),
    reason="the multi-area data set is not in ZOO_DATA_DIR",
)


def _pathway_of(model, table):
    """The model population names of each connection's cells (schmidt2018: cells numbered in order)."""
    structure = model.structure(model.draw(SeedStreams(1)))
    names = np.array([p.name for p in structure.populations])
    ends = np.cumsum([p.size for p in structure.populations])
    return names[np.searchsorted(ends, table[0], side="right")], names[np.searchsorted(ends, table[1], side="right")]


@needs_multiarea_data
def test_faults_reach_single_pathways_of_merged_projections(simulator):
    model = registry.create_model("schmidt2018.tiny")
    found = {f.name: f for f in faults.default_faults(model, SeedStreams(1))}
    assert set(found) == {"exc_weight_x1.2", "tau_m_x1.2", "drop_V1-23I_to_V1-4E", "delay_0.5ms"}
    base, base_tau = _build(simulator, model)
    recurrent = [name for name in base if name.startswith(("excitatory", "inhibitory"))]

    scaled, _ = _build(simulator, faults.inject(model, found["exc_weight_x1.2"]))
    dropped, _ = _build(simulator, faults.inject(model, found["drop_V1-23I_to_V1-4E"]))
    changed = {"scaled": 0, "dropped": 0}
    for name in recurrent:
        pre, post = _pathway_of(model, base[name])
        assert np.array_equal(scaled[name][0], base[name][0]) and np.array_equal(dropped[name][1], base[name][1])
        in_4E = (pre == "V1-4E") & (post == "V1-4E")
        assert np.allclose(scaled[name][2], np.where(in_4E, 1.2, 1.0) * base[name][2]), name
        from_23I = (pre == "V1-23I") & (post == "V1-4E")
        assert np.array_equal(dropped[name][2], np.where(from_23I, 0.0, base[name][2])), name
        changed["scaled"] += int(in_4E.sum())
        changed["dropped"] += int(from_23I.sum())
    assert changed["scaled"] > 0 and changed["dropped"] > 0

    delayed, _ = _build(simulator, faults.inject(model, found["delay_0.5ms"]))
    assert all(np.allclose(table[3], 0.5) for table in delayed.values())  # list columns and the Poisson input

    _, tau = _build(simulator, faults.inject(model, found["tau_m_x1.2"]))
    for name in base_tau:
        assert np.allclose(tau[name], (1.2 if name == "V1-4E" else 1.0) * base_tau[name]), name


def test_a_delay_fault_changes_list_delays_and_widens_the_delay_range():
    model = registry.create_model("fore2020.tiny")
    fault = next(f for f in faults.default_faults(model, SeedStreams(1)) if f.name == "delay_0.5ms")
    faulty = faults.inject(model, fault)
    assert model.simulation_settings()["min_delay"] > 0.5 and faulty.simulation_settings()["min_delay"] == 0.5
    tables, _ = _build("nest", faulty)
    assert {"MF_to_GrC", "MF_to_GoC"} <= set(tables)  # their delays are a column of the list
    assert all(table[3].size and np.allclose(table[3], 0.5) for table in tables.values())


def test_a_fault_on_part_of_a_projection_needs_a_connection_list():
    from pyNN.connectors import FixedProbabilityConnector

    class TwoViews:
        def build(self, sim, streams):
            cells = sim.Population(20, sim.IF_curr_exp(), label="all")
            sim.PopulationView(cells, slice(0, 10), label="A")
            sim.PopulationView(cells, slice(10, 20), label="B")
            return sim.Projection(cells, cells, FixedProbabilityConnector(0.5), label="merged")

    streams = SeedStreams(1)
    b = backends.setup("nest", streams)
    try:
        with pytest.raises(ZooError, match="cannot be changed in part"):
            TwoViews().build(faults.FaultySim(b.sim, faults.Fault("w", "scale_weight", ("A_to_B",), value=2.0)), streams)
        whole = faults.FaultySim(b.sim, faults.Fault("w", "scale_weight", ("*_to_*",), value=2.0))
        projection = TwoViews().build(whole, streams)
        assert whole.matched == ["merged"] and np.allclose(connection_table(projection)[2], 0.0)  # 2 x PyNN's 0
    finally:
        b.end()


def test_a_cell_type_without_tau_m_gets_its_capacitance_scaled():
    model = registry.create_model("fore2020.tiny")
    fault = next(f for f in faults.default_faults(model, SeedStreams(1)) if f.kind == "scale_cell_parameter")
    assert (fault.name, fault.targets, fault.parameter) == ("C_m_x1.2", ("GrC",), "C_m")

    def capacitances(m):
        streams = SeedStreams(1)
        b = backends.setup("nest", streams, **m.simulation_settings())
        try:
            network = m.build(b.sim, streams)
            return {name: np.asarray(network.populations[name].get("C_m")) for name in ("GrC", "GoC")}
        finally:
            b.end()

    base, faulty = capacitances(model), capacitances(faults.inject(model, fault))
    assert np.allclose(faulty["GrC"], 1.2 * base["GrC"]) and np.allclose(faulty["GoC"], base["GoC"])
