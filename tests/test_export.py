"""zoo.export: SONATA read back by libsonata gives the simulator's fingerprint; NWB holds every spike."""

import json

import numpy as np
import pytest

from zoo import backends, io, registry
from zoo.backends.fingerprint import fingerprint
from zoo.export import __main__ as cli
from zoo.export import nwb, sonata
from zoo.seeds import SeedStreams


def _simulator_fingerprint(model, simulator, seed):
    streams = SeedStreams(seed)
    drawn = model.draw(streams)
    structure = model.structure(drawn).as_dict()
    with backends.setup(simulator, streams, **model.simulation_settings()) as backend:
        network = model.build(backend.sim, streams, drawn)
        return fingerprint(network, total=structure["totals"]["synapses"])


@pytest.mark.parametrize("spec", ["rostami2020.tiny", "zerlaut2018.tiny"])
def test_sonata_read_back_by_libsonata_is_the_network_nest_builds(spec, tmp_path):
    model = registry.create_model(spec)
    config = sonata.export(model, SeedStreams(3), tmp_path / "net")
    read = sonata.read_fingerprint(config)
    built = _simulator_fingerprint(model, "nest", 3)
    assert read["sha256"] == built["sha256"] and read["projections"] == built["projections"]
    other = sonata.read_fingerprint(sonata.export(model, SeedStreams(4), tmp_path / "other"))
    assert other["sha256"] != read["sha256"]


def test_sonata_nodes_edges_and_inputs_are_what_the_model_draws(tmp_path):
    import libsonata

    model = registry.create_model("zerlaut2018.tiny")
    drawn = model.draw(SeedStreams(1))
    structure = model.structure(drawn).as_dict()
    config = sonata.export(model, SeedStreams(1), tmp_path / "net")
    nodes = libsonata.NodeStorage(str(tmp_path / "net" / "network" / "nodes.h5"))
    sizes = {name: nodes.open_population(name).size for name in nodes.population_names}
    assert sizes == {p["name"]: p["size"] for p in structure["populations"]}
    edges = libsonata.EdgeStorage(str(tmp_path / "net" / "network" / "edges.h5"))
    counts = {name: edges.open_population(name).size for name in edges.population_names}
    assert counts == {p["name"]: p["synapses"] for p in structure["projections"]}
    population = edges.open_population("E_to_I")
    assert population.source == "E" and population.target == "I"
    assert np.allclose(population.get_attribute("delay", libsonata.Selection([(0, population.size)])), model.params.delay)
    trains = drawn["afferent_trains"]
    spikes = libsonata.SpikeReader(str(tmp_path / "net" / "inputs" / "aff_E_spikes.h5"))["aff_E"]
    assert len(spikes.get()) == sum(len(t) for t in trains["E"])
    settings = json.loads(config.read_text())["zoo"]
    assert settings["master_seed"] == 1 and settings["model"] == "zerlaut2018"


def test_the_sonata_command_never_overwrites(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    assert cli.main(["sonata", "rostami2020.tiny", "--out", str(tmp_path / "taken")]) == 2
    assert "exists" in capsys.readouterr().err
    assert cli.main(["sonata", "nosuchmodel", "--out", str(tmp_path / "new")]) == 2
    assert not (tmp_path / "new").exists()


def test_nwb_holds_every_neuron_and_spike_and_passes_nwbinspector(tmp_path):
    import pynwb
    from nwbinspector import inspect_nwbfile

    from zoo.run import runner

    model = registry.create_model("rostami2020.tiny", duration=300.0)
    results, _ = runner.run(model, "nest", 2, out=tmp_path / "run", make_plots=False)
    path = nwb.export(results)
    segment, _ = io.load_segment(results / "spikes.nix")
    with pynwb.NWBHDF5IO(str(path), "r") as reader:
        units = reader.read().units.to_dataframe()
    assert len(units) == len(segment.spiketrains) == model.params.N_E + model.params.N_I
    by_neuron = {(row.population, row.index): np.asarray(row.spike_times) for row in units.itertuples()}
    for st in segment.spiketrains:
        assert np.allclose(by_neuron[st.annotations["source_population"], st.annotations["source_index"]], io.times_ms(st) / 1000.0)
    assert set(units["cluster"]) == set(range(model.params.Q))
    messages = {message.check_function_name for message in inspect_nwbfile(nwbfile_path=str(path))}
    # a simulation has no animal, experimenter or institution to name; nothing else may be reported
    assert messages <= {"check_subject_exists", "check_experimenter_exists", "check_institution"}
    assert cli.main(["nwb", str(results)]) == 2  # spikes.nwb exists: never replaced
