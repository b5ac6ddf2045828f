"""The backend capability check (zoo/capabilities.py): it sees what a model uses and says so up front."""

import numpy as np
import pytest

from zoo import registry, standin
from zoo.backends import capabilities
from zoo.errors import ZooError
from zoo.model import ZooModel
from zoo.seeds import SeedStreams


class _Sketch(ZooModel):
    """A throw-away model whose build is given as a function of sim (for the cases below)."""

    name = "sketch"

    def __init__(self, build):
        super().__init__(params=object(), variant="default")
        self._build = build

    min_delay = None

    def own_simulation_settings(self):
        return {} if self.min_delay is None else {"min_delay": self.min_delay}

    def structure(self, drawn):
        raise NotImplementedError("the capability check needs no structure")

    def build(self, sim, streams, drawn=None):
        return self._build(sim)


def _findings(build, simulator, threads=1):
    return capabilities.check(capabilities.inspect(_Sketch(build)), simulator, threads)


def _levels(findings, feature):
    return [f.level for f in capabilities.matching(findings, feature)]


def test_rostami2020_runs_on_both_backends_without_errors_or_warnings():
    model = registry.create_model("rostami2020.tiny")
    usage = capabilities.inspect(model)
    assert [p["label"] for p in usage.populations] == ["E", "I"]
    assert {p["cell_type"] for p in usage.populations} == {"IF_curr_exp"}
    assert len(usage.projections) == 8 and all(p["listed_connections"] > 0 for p in usage.projections)
    assert usage.sources == [{"kind": "StepCurrentSource", "targets": ["E"]}]
    assert not usage.problems
    for simulator in ("nest", "brian2"):
        assert [f for f in capabilities.check(usage, simulator) if f.level != "note"] == []


def test_the_dry_pass_draws_the_same_connectivity_the_build_uses():
    model = registry.create_model("rostami2020.tiny")
    drawn = model.draw(SeedStreams(4))
    usage = capabilities.inspect(model, drawn)
    counts = {name: i.size for name, (i, _) in model.connections(model.draw(SeedStreams(4))).items()}
    assert {p["label"]: p["listed_connections"] for p in usage.projections} == counts


def test_the_dry_pass_is_one_process_holding_every_neuron():
    """schmidt2018 draws only the synapses onto the neurons its process holds: in the dry pass, all of them."""
    model = registry.create_model("schmidt2018.tiny")
    usage = capabilities.inspect(model)
    assert sum(p["listed_connections"] for p in usage.projections if p["label"].startswith(("excitatory", "inhibitory"))) \
        == int(model.simulated_network().counts.sum())
    for simulator in ("nest", "brian2"):
        assert [f for f in capabilities.check(usage, simulator) if f.level == "error"] == []


@pytest.mark.parametrize("name,drawn", [("schmidt2018.tiny", ("excitatory", "inhibitory")),
                                        ("rostami2020.tiny", ("E_", "I_")),
                                        ("zerlaut2018.tiny", ("E_", "I_"))])
def test_the_dry_pass_of_one_rank_draws_no_connections_and_finds_what_one_process_finds(monkeypatch, name, drawn):
    """Under mpirun the dry pass holds no cells, so a model that draws per rank draws nothing there
    (its build then draws the rank's share once), and NEST's findings are those of one process."""
    model = registry.create_model(name)

    def inspected():
        usage = capabilities.inspect(model)
        return (sum(p["listed_connections"] for p in usage.projections if p["label"].startswith(drawn)),
                capabilities.check(usage, "nest"))

    whole, alone = inspected()
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "4")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "1")
    listed, findings = inspected()
    assert whole > 0 and listed == 0
    assert findings == alone


@pytest.mark.parametrize("cell", ["SpikeSourceGamma", "SpikeSourceInhGamma", "GIF_cond_exp"])
def test_cell_types_missing_from_brian2_are_errors_there_only(cell):
    def build(sim):
        sim.Population(10, getattr(sim, cell)(), label="X")

    assert _levels(_findings(build, "brian2"), cell)[0] == "error"
    assert "error" not in _levels(_findings(build, "nest"), cell)


def test_gap_junctions_and_cond_beta_receptors_are_errors_on_brian2():
    def build(sim):
        cell = sim.PointNeuron(sim.LIF(), AMPA=sim.CondBetaPostSynapticResponse())
        a = sim.Population(5, cell, label="A")
        sim.Projection(a, a, sim.AllToAllConnector(), sim.ElectricalSynapse(), label="gap")

    findings = _findings(build, "brian2")
    assert _levels(findings, "CondBetaPostSynapticResponse") == ["error"]
    assert _levels(findings, "ElectricalSynapse") == ["error"]
    assert "gap junctions" in capabilities.matching(findings, "ElectricalSynapse")[0].message


def test_heterogeneous_tau_refrac_is_an_error_on_brian2():
    def build(sim):
        sim.Population(3, sim.IF_curr_exp(tau_refrac=[1.0, 2.0, 3.0]), label="X")

    assert _levels(_findings(build, "brian2"), "heterogeneous tau_refrac") == ["error"]
    assert _levels(_findings(build, "nest"), "heterogeneous tau_refrac") == []


def test_heterogeneity_set_after_creation_is_seen_too():
    def build(sim):
        pop = sim.Population(3, sim.IF_curr_exp(), label="X")
        pop.set(tau_refrac=np.array([1.0, 2.0, 2.0]))

    assert _levels(_findings(build, "brian2"), "heterogeneous tau_refrac") == ["error"]


def test_adexp_spike_detection_is_a_warning_unless_v_spike_matches():
    def build_with(v_spike):
        def build(sim):
            sim.Population(4, sim.EIF_cond_exp_isfa_ista(v_thresh=-50.0, delta_T=2.0, v_spike=v_spike), label="X")

        return build

    assert _levels(_findings(build_with(0.0), "brian2"), "* spike detection") == ["warning"]
    assert _levels(_findings(build_with(-40.0), "brian2"), "* spike detection") == []  # -50 + 5 * 2


def test_adexp_with_varying_reset_is_an_error_on_brian2():
    def build(sim):
        sim.Population(2, sim.EIF_cond_exp_isfa_ista(v_reset=[-70.0, -60.0]), label="X")

    assert "error" in _levels(_findings(build, "brian2"), "EIF_cond_exp_isfa_ista with varying*")


def test_stochastic_tsodyks_markram_is_an_error_on_nest():
    def build(sim):
        a = sim.Population(2, sim.IF_curr_exp(), label="A")
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StochasticTsodyksMarkramSynapse(), label="stm")

    assert _levels(_findings(build, "nest"), "StochasticTsodyksMarkramSynapse") == ["error"]


def test_stdp_and_random_sources_are_flagged_on_both_backends():
    def build(sim):
        a = sim.Population(2, sim.SpikeSourcePoisson(rate=5.0), label="noise")
        b = sim.Population(2, sim.IF_curr_exp(), label="B")
        stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(), weight_dependence=sim.AdditiveWeightDependence())
        sim.Projection(a, b, sim.AllToAllConnector(), stdp, label="plastic")

    for simulator in ("nest", "brian2"):
        findings = _findings(build, simulator)
        assert _levels(findings, "STDP dendritic delay") == ["warning"]
        assert _levels(findings, "SpikeSourcePoisson") == ["note"]


def test_an_empty_projection_is_an_error_on_brian2():
    def build(sim):
        a = sim.Population(2, sim.IF_curr_exp(), label="A")
        sim.Projection(a, a, sim.FromListConnector(np.zeros((0, 2))), sim.StaticSynapse(), label="none")

    assert _levels(_findings(build, "brian2"), "empty projection") == ["error"]
    assert _levels(_findings(build, "nest"), "empty projection") == []


def test_threads_on_brian2_are_a_warning():
    findings = _findings(lambda sim: None, "brian2", threads=4)
    assert _levels(findings, "threads") == ["warning"]


def test_a_build_the_dry_pass_cannot_follow_is_reported_not_fatal():
    def build(sim):
        raise RuntimeError("needs a real simulator")

    findings = _findings(build, "nest")
    assert _levels(findings, "capability check incomplete") == ["warning"]
    assert "needs a real simulator" in findings[0].message


def test_require_raises_one_line_naming_every_error():
    model = _Sketch(lambda sim: sim.Population(3, sim.SpikeSourceGamma(), label="G"))
    with pytest.raises(ZooError) as caught:
        capabilities.require(model, "brian2")
    message = str(caught.value)
    assert "\n" not in message and "SpikeSourceGamma" in message and "population G" in message
    assert capabilities.require(model, "nest")[0].level != "error"


def test_the_brian2_tables_match_pynn_brian2():
    """What the table says Brian2 has is in pyNN.brian2, and what it says is missing is not."""
    import pyNN.brian2 as module

    provided = set(dir(module))
    for table in (capabilities.BRIAN2_CELL_TYPES, capabilities.BRIAN2_SYNAPSE_TYPES, capabilities.BRIAN2_RECEPTORS,
                  capabilities.BRIAN2_CURRENT_SOURCES):
        assert table <= provided
    for missing in ("SpikeSourceGamma", "SpikeSourceInhGamma", "GIF_cond_exp", "ElectricalSynapse",
                    "CondBetaPostSynapticResponse", "StochasticTsodyksMarkramSynapse"):
        assert missing not in provided


def test_the_runner_checks_before_the_simulator_is_set_up(tmp_path, monkeypatch):
    from zoo import backends
    from zoo.run import runner

    opened = []
    monkeypatch.setattr(backends, "setup", lambda *args, **kwargs: opened.append(args))
    model = _Sketch(lambda sim: sim.Population(3, sim.SpikeSourceGamma(), label="G"))
    with pytest.raises(ZooError, match="cannot run as written on brian2"):
        runner.run(model, "brian2", seed=1, out=tmp_path / "out")
    assert not opened and not list(tmp_path.iterdir())


def test_cell_types_from_outside_pynns_standard_set_are_left_to_their_own_realisation():
    class Custom(standin._Anything):
        parameter_space = None

    def build(sim):
        sim.Population(2, Custom(), label="own")

    assert [f for f in _findings(build, "brian2") if f.level == "error"] == []


def test_synapse_types_without_a_delay_need_no_backend():
    """PyNN asks the backend for a synapse type's default delay; the stand-in answers."""
    def build(sim):
        a = sim.Population(2, sim.IF_curr_exp(), label="A")
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1), label="no_delay")
        sim.Projection(a, a, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(weight=0.1), label="tm")

    usage = capabilities.inspect(_Sketch(build))
    assert usage.problems == []
    assert [p["synapse_type"] for p in usage.projections] == ["StaticSynapse", "TsodyksMarkramSynapse"]


def test_a_delay_below_min_delay_is_an_error_on_nest_only():
    """NEST refuses a connection shorter than min_delay deep inside PyNN's Projection; the check says
    so in one line first. Listed delays count as well as the synapse type's."""
    def build(sim):
        cells = sim.Population(4, sim.IF_cond_exp(), label="cells")
        sim.Projection(cells, cells, sim.OneToOneConnector(), sim.StaticSynapse(delay=0.1), label="short")
        sim.Projection(cells, cells, sim.FromListConnector([(0, 1, 0.01, 0.5), (1, 2, 0.01, 2.0)]), label="listed")
        sim.Projection(cells, cells, sim.AllToAllConnector(), sim.StaticSynapse(delay=1.0), label="long")

    model = _Sketch(build)
    model.min_delay = 1.0
    usage = capabilities.inspect(model)
    nest = capabilities.matching(capabilities.check(usage, "nest"), "delay below min_delay")
    assert [(f.level, f.where) for f in nest] == [("error", "projection short"), ("error", "projection listed")]
    assert "0.1 ms" in nest[0].message and "1 ms" in nest[0].message
    assert not capabilities.matching(capabilities.check(usage, "brian2"), "delay below min_delay")


@pytest.mark.parametrize("name", sorted(registry.MODELS))
def test_every_variant_of_every_model_runs_on_nest_without_errors(name):
    """Every variant's own delays and min_delay fit, and nothing else the check knows stops it
    (peng2021's poisson variant connected its input at one time step, below min_delay, until 2026-12-07)."""
    for variant in registry.get_model(name).variants:
        if name == "schmidt2018" and variant != "tiny":  # the others draw millions of synapses
            continue
        model = registry.create_model(f"{name}.{variant}")
        errors = [f.line() for f in capabilities.check(capabilities.inspect(model), "nest") if f.level == "error"]
        assert not errors, f"{name}.{variant}: {errors}"
