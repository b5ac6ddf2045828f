"""zoo.backends.nest.batch: batched NEST projections must equal stock PyNN's, connection for connection.

Every comparison builds the same network twice in one process, each inside its own
``sim.setup()``/``sim.end()`` -- once with the stock ``pyNN.nest.Projection``
(``uninstall()``), once batched (``install()``) -- with fresh, identically seeded
random number generators, and compares exactly (no tolerance), after sorting:

* ``proj.get([...], format="list")`` (indices, weight, delay, other parameters);
* the raw NEST connections (node ids, weight, delay, receptor port, synapse model
  and every parameter of the model), which catches what PyNN's ``get`` translates
  or hides (sign of inhibitory conductances, tau_psc, ...); the synapse label
  must be the projection's;
* the projection's bookkeeping (``_sources``, common synapse property names and
  values) and the synapse model's common properties.

The batched build must also have used at most two ``nest.Connect`` calls per
projection, and the recorder's entry points tell which path a connector took.
"""

import numpy as np
import pytest

from zoo.backends import import_simulator

sim = import_simulator("nest")  # NEST is a required dependency: no skip

import nest  # noqa: E402
from pyNN.random import NumpyRNG  # noqa: E402

from zoo.backends.nest import batch as nest_batch  # noqa: E402

from projection_cases import ProjectionCases, random_pairs, uniform  # noqa: E402

SETUP = dict(timestep=0.1, min_delay=0.1, spike_precision="on_grid", threads=1, rng_seed=1)
STATIC = ("weight", "delay")
TSODYKS = ("weight", "delay", "U", "tau_rec", "tau_facil")
# NEST connection attributes left out of the comparison: those that depend on creation
# order, and the synapse label, PyNN's projection counter, which sim.setup() does not reset
NOT_COMPARED = ("port", "synapse_id", "target_thread", "sizeof", "synapse_label")


@pytest.fixture(autouse=True)
def stock_after_each_test():
    # every test finds out anew which synapse parameters are common
    nest_batch._common_names_by_model.clear()
    yield
    nest_batch.uninstall()


# -- helpers ------------------------------------------------------------------

class CallCounter:
    """Counts calls of nest.Connect and of the batch recorder's entry points."""

    targets = ((nest, "Connect"), (nest_batch._PendingConnections, "add"),
               (nest_batch._PendingConnections, "add_many"))

    def __init__(self):
        self.counts = {name: 0 for _, name in self.targets}
        self.originals = []

    def __enter__(self):
        for owner, name in self.targets:
            original = getattr(owner, name)
            self.originals.append((owner, name, original))
            self._set(owner, name, self._counting(name, original))
        return self.counts

    @staticmethod
    def _set(owner, name, value):
        if owner is nest:  # the nest module refuses setattr
            vars(nest)[name] = value
        else:
            setattr(owner, name, value)

    def _counting(self, name, original):
        def counted(*args, **kwargs):
            self.counts[name] += 1
            return original(*args, **kwargs)
        return counted

    def __exit__(self, *exc_info):
        for owner, name, original in self.originals:
            self._set(owner, name, original)


def build(batched, make, names=STATIC, **install_options):
    """Build the projection(s) returned by `make()`, stock or batched.

    Returns (the contents of each projection, call counts during the build)."""
    if batched:
        nest_batch.install(**install_options)
    else:
        nest_batch.uninstall()
    sim.setup(**SETUP)
    try:
        with CallCounter() as calls:
            projections = make()
        if not isinstance(projections, (list, tuple)):
            projections = [projections]
        return [contents(proj, names) for proj in projections], calls
    finally:
        sim.end()


def contents(proj, names):
    return {
        "n": len(proj.nest_connections),  # len(proj) fails for an Assembly as post (PyNN bug)
        "list": sorted(proj.get(list(names), format="list")),
        "raw": raw_connections(proj),
        "sources": sorted(proj._sources),
        "common": proj._common_synapse_property_names,
        "common_values": dict(proj._common_synapse_properties),
        "model_defaults": {name: nest.GetDefaults(proj.nest_synapse_model, name)
                           for name in proj._common_synapse_properties},
    }


def raw_connections(proj):
    """Every connection of `proj` as a sorted list of (name, value) tuples, from NEST."""
    connections = proj.nest_connections
    if len(connections) == 0:
        return []
    status = connections.get()
    assert set(status["synapse_label"]) == {proj.nest_synapse_label}
    keys = sorted(key for key in status if key not in NOT_COMPARED)
    return sorted(tuple((key, status[key][i]) for key in keys) for i in range(len(connections)))


def compare(make, names=STATIC, **install_options):
    """Build stock and batched; they must agree, and the batched build must have used
    few nest.Connect calls.  Returns the batched contents and call counts."""
    stock, _ = build(False, make, names)
    batched, calls = build(True, make, names, **install_options)
    assert len(batched) == len(stock)
    for s, b in zip(stock, batched):
        assert s["n"] > 0
        assert b["n"] == s["n"]
        assert b["list"] == s["list"]
        assert b["raw"] == s["raw"]
        assert b["sources"] == s["sources"]
        assert b["common"] == s["common"]
        assert b["common_values"] == s["common_values"]
        assert b["model_defaults"] == s["model_defaults"]
    if "chunk_size" not in install_options:
        # one per projection, plus one for the first connection of each synapse model
        assert calls["Connect"] <= 2 * len(batched)
    return batched, calls


cases = ProjectionCases(sim)
pops, static = cases.pops, cases.static


# -- FromListConnector ------------------------------------------------------------

def from_list_with_out_of_range_targets():
    """Stock silently skips targets beyond the population; the batched path falls back."""
    pre, post = pops()
    pairs = np.vstack([random_pairs(8, 80), [[3, 30], [5, 31]]])
    return sim.Projection(pre, post, sim.FromListConnector(pairs), static(0.2, 0.4))


def from_list_tsodyks_markram_with_columns():
    pre, post = pops(celltype=sim.IF_cond_exp)
    gen = np.random.default_rng(9)
    conn_list = np.column_stack([random_pairs(10, 90), gen.uniform(0.001, 0.01, 90),
                                 gen.uniform(0.1, 0.9, 90), gen.uniform(50, 500, 90)])
    connector = sim.FromListConnector(conn_list, column_names=["weight", "U", "tau_rec"])
    return sim.Projection(pre, post, connector,
                          sim.TsodyksMarkramSynapse(delay=0.3, tau_facil=20.0))


def from_list_onto_izhikevich():
    pre = sim.Population(20, sim.IF_curr_exp())
    post = sim.Population(15, sim.Izhikevich())
    conn_list = np.column_stack([random_pairs(74, 60, 20, 15),
                                 np.random.default_rng(75).uniform(0.1, 1.0, 60)])
    return sim.Projection(pre, post, sim.FromListConnector(conn_list, column_names=["weight"]),
                          static(0.5, 1.0))


@pytest.mark.parametrize("make, whole_list", [
    (cases.from_list_without_parameters, True),
    (cases.from_list_with_weight_and_delay, True),
    (cases.from_list_with_weight_only, True),
    (cases.from_list_with_random_delays, False),  # recorded one postsynaptic neuron at a time
    (from_list_with_out_of_range_targets, False),
    (from_list_onto_izhikevich, True),
])
def test_from_list(make, whole_list):
    _, calls = compare(make)
    assert (calls["add_many"] > 0, calls["add"] > 0) == (whole_list, not whole_list)


def test_from_list_tsodyks_markram_with_columns():
    _, calls = compare(from_list_tsodyks_markram_with_columns, TSODYKS)
    assert calls["add_many"] == 1


def test_from_list_in_small_chunks():
    _, calls = compare(cases.from_list_with_weight_and_delay, chunk_size=7)
    assert calls["add_many"] == 150 // 7 + 1
    assert calls["Connect"] >= 150 // 7 + 1


def test_from_list_gives_the_listed_connections():
    """Independent of stock PyNN: exactly the listed pairs, weights and delays."""
    def make():
        return sim.Projection(*pops(celltype=sim.IF_cond_exp),
                              sim.FromListConnector(conn_list), static(0.1, 0.5),
                              receptor_type="inhibitory")

    gen = np.random.default_rng(11)
    steps = gen.integers(1, 30, 60)
    conn_list = np.column_stack([random_pairs(12, 60), gen.uniform(0.001, 0.01, 60),
                                 steps * 0.1])
    (batched,), _ = build(True, make)
    # NEST keeps weights in pA/nS and delays in time steps
    expected = np.column_stack([conn_list[:, :2], conn_list[:, 2] * 1000.0 * 0.001,
                                steps * SETUP["timestep"]])
    assert batched["list"] == sorted(map(tuple, expected.tolist()))


# -- other connectors -----------------------------------------------------------------

def fixed_probability_inhibitory_conductances():
    pre, post = pops(celltype=sim.IF_cond_exp)
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.15, rng=NumpyRNG(seed=14)),
                          static(uniform(0.001, 0.01, 15), uniform(0.1, 3.0, 16)),
                          receptor_type="inhibitory")


def scalars_onto_izhikevich():
    """receptor_scale: Izhikevich weights are in mV, not nA."""
    pre = sim.Population(20, sim.IF_curr_exp())
    post = sim.Population(15, sim.Izhikevich())
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=28)),
                          static(0.5, 1.0))


@pytest.mark.parametrize("make", [
    cases.array_connector, fixed_probability_inhibitory_conductances, cases.fixed_number_pre_with_multapses,
    cases.fixed_number_pre_with_replacement, cases.fixed_number_post, cases.distance_dependent,
    cases.one_to_one_with_arrays, cases.all_to_all_with_arrays, cases.all_to_all_without_self_connections,
    scalars_onto_izhikevich,
])
def test_connector(make):
    _, calls = compare(make)
    assert calls["add"] > 0  # recorded, not connected one postsynaptic neuron at a time


# -- synapse types and receptors --------------------------------------------------------

def tsodyks_markram(receptor_type):
    def make():
        pre = sim.Population(30, sim.IF_cond_exp())
        # a different tau_syn for every cell, E and I apart: tau_psc must follow the target
        post = sim.Population(25, sim.IF_cond_exp(tau_syn_E=uniform(1.0, 5.0, 29),
                                                   tau_syn_I=uniform(6.0, 12.0, 30)))
        synapse = sim.TsodyksMarkramSynapse(weight=uniform(0.001, 0.01, 31), delay=0.5,
                                            U=uniform(0.1, 0.9, 32),
                                            tau_rec=uniform(50.0, 800.0, 33),
                                            tau_facil=uniform(0.0, 100.0, 34))
        connector = sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=35))
        return sim.Projection(pre, post, connector, synapse, receptor_type=receptor_type)
    return make


@pytest.mark.parametrize("receptor_type", ["excitatory", "inhibitory"])
def test_tsodyks_markram(receptor_type):
    batched, _ = compare(tsodyks_markram(receptor_type), TSODYKS)
    taus = {dict(row)["tau_psc"] for row in batched[0]["raw"]}
    assert len(taus) > 1  # taken from each target, not one value for all


def test_non_standard_receptors():
    """ht_neuron has named receptors: NEST receptor_type per connection."""
    def make():
        ht_neuron = sim.native_cell_type("ht_neuron")
        pre = sim.Population(20, sim.IF_curr_exp())
        post = sim.Population(12, ht_neuron())
        connector = sim.FixedProbabilityConnector(0.4, rng=NumpyRNG(seed=36))
        return [sim.Projection(pre, post, connector, static(uniform(0.1, 1.0, 37 + i), 1.0),
                               receptor_type=receptor)
                for i, receptor in enumerate(["AMPA", "GABA_A", "NMDA"])]

    batched, _ = compare(make)
    receptors = [{dict(row)["receptor"] for row in proj["raw"]} for proj in batched]
    assert all(len(r) == 1 for r in receptors) and len(set.union(*receptors)) == 3


def other_synapse_types():
    """An integer parameter (n) and a renamed one (p -> p_transmit)."""
    pre, post = pops()
    rng = NumpyRNG(seed=69)
    return [
        sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=rng),
                       sim.MultiQuantalSynapse(weight=uniform(0.1, 1.0, 70), delay=0.5,
                                               U=uniform(0.1, 0.9, 71), n=3, tau_rec=200.0)),
        sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=rng),
                       sim.SimpleStochasticSynapse(weight=uniform(0.1, 1.0, 72), delay=0.5,
                                                   p=uniform(0.1, 0.9, 73))),
    ]


def test_other_synapse_types():
    batched, _ = compare(other_synapse_types)
    assert {dict(row)["n"] for row in batched[0]["raw"]} == {3}
    assert len({dict(row)["p_transmit"] for row in batched[1]["raw"]}) > 1


def stdp_inhibitory_conductances():
    pre, post = pops(celltype=sim.IF_cond_exp)
    synapse = sim.STDPMechanism(
        timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0,
                                            A_plus=0.01, A_minus=0.012),
        weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=uniform(0.02, 0.05, 38)),
        weight=uniform(0.001, 0.01, 39), delay=uniform(0.2, 2.0, 40))
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=NumpyRNG(seed=41)),
                          synapse, receptor_type="inhibitory")


def test_stdp_inhibitory_conductances():
    """Wmax changes sign with the weight (and stock's provisional Wmax must not survive)."""
    batched, _ = compare(stdp_inhibitory_conductances)
    assert all(dict(row)["Wmax"] < -1000.0 * 0.019 for row in batched[0]["raw"])
    assert all(dict(row)["Wmax"] > -1000.0 * 0.051 for row in batched[0]["raw"])


def common_property_synapses():
    """stdp_synapse_hom: its plasticity parameters are common (model-wide) properties;
    the second projection finds them known."""
    synapse_type = sim.native_synapse_type("stdp_synapse_hom")
    pre, post = pops()
    return [sim.Projection(pre, post, sim.FixedProbabilityConnector(p, rng=NumpyRNG(seed=42 + i)),
                           synapse_type(weight=uniform(1.0, 10.0, 44 + i), delay=1.0,
                                        tau_plus=15.0, Wmax=100.0))
            for i, p in enumerate([0.2, 0.3])]


def test_common_synapse_properties():
    batched, _ = compare(common_property_synapses)
    assert "tau_plus" in batched[0]["common"]
    defaults = batched[1]["model_defaults"]
    assert (defaults["tau_plus"], defaults["Wmax"]) == (15.0, 100.0)


def test_heterogeneous_common_property_is_refused():
    def make():
        synapse_type = sim.native_synapse_type("stdp_synapse_hom")
        pre, post = pops()
        return sim.Projection(pre, post, sim.AllToAllConnector(),
                              synapse_type(weight=1.0, delay=1.0,
                                           tau_plus=uniform(10.0, 20.0, 46)))

    for batched in (False, True):
        with pytest.raises(ValueError, match="cannot be heterogeneous"):
            build(batched, make)


# -- views and assemblies ---------------------------------------------------------------

def views_on_both_sides_from_list():
    pop = sim.Population(50, sim.IF_curr_exp())
    pairs = random_pairs(52, 60, n_pre=30, n_post=7)
    return sim.Projection(pop[10:40], pop[np.array([1, 3, 7, 9, 20, 31, 44])],
                          sim.FromListConnector(pairs), static(0.25, 0.6))


def assembly_as_pre():
    a, b = pops(15, 25)
    post = sim.Population(20, sim.IF_curr_exp())
    return sim.Projection(a + b, post, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=53)),
                          static(uniform(0.1, 1.0, 54), uniform(0.1, 2.0, 55)))


def assembly_as_post():
    """Two cell types after one another (an Assembly needs the same kind of synapses)."""
    pre = sim.Population(30, sim.IF_curr_exp())
    a = sim.Population(10, sim.IF_cond_exp(tau_syn_E=2.0))
    b = sim.Population(12, sim.IF_cond_alpha(tau_syn_E=4.0))
    return [
        sim.Projection(pre, a + b, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=56)),
                       static(uniform(0.001, 0.01, 57), 1.0), receptor_type="inhibitory"),
        sim.Projection(pre, a + b, sim.FromListConnector(random_pairs(58, 80, 30, 22)),
                       static(0.004, 0.8)),
        sim.Projection(pre, a + b, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=59)),
                       sim.TsodyksMarkramSynapse(weight=0.002, delay=0.5, U=uniform(0.1, 0.9, 60))),
    ]


@pytest.mark.parametrize("make", [
    cases.view_as_pre, cases.view_as_post, views_on_both_sides_from_list, assembly_as_pre, assembly_as_post,
])
def test_views_and_assemblies(make):
    compare(make)


def test_assembly_out_of_node_order_as_pre():
    """Batched, an Assembly whose second population was created first still maps index i
    to its i-th cell (stock PyNN maps it through the id-sorted NodeCollection)."""
    def make():
        late = sim.Population(5, sim.IF_curr_exp())
        early = sim.Population(8, sim.IF_curr_exp())
        post = sim.Population(6, sim.IF_curr_exp())
        assembly = sim.Assembly(early, late)  # later ids first
        proj = sim.Projection(assembly, post, sim.FromListConnector(conn_list), static(0.3, 0.7))
        sources = [int(assembly[int(i)]) for i in conn_list[:, 0]]
        return proj, sources

    conn_list = random_pairs(61, 30, n_pre=13, n_post=6)
    nest_batch.install()
    sim.setup(**SETUP)
    try:
        proj, sources = make()
        found = sorted(proj.nest_connections.get("source"))
        listed = sorted(proj.get(["weight"], format="list"))
    finally:
        sim.end()
    assert found == sorted(sources)
    assert [row[:2] for row in listed] == sorted(map(tuple, conn_list.astype(float).tolist()))


# -- options, bookkeeping, installation ---------------------------------------------------

def test_chunks_and_label_in_syn_spec():
    make = fixed_probability_inhibitory_conductances
    _, calls = compare(make, chunk_size=5)
    assert calls["Connect"] > 20
    compare(make, label_through_defaults=False)


def test_bookkeeping_after_build():
    nest_batch.install()
    sim.setup(**SETUP)
    try:
        proj = cases.fixed_number_pre_with_multapses()
        assert proj._connections is None
        assert proj._simulator.state.stale_connection_cache
        assert len(proj.nest_connections) == 50 * 30
        assert not hasattr(proj, "_pending_connections")
        # connecting again outside the constructor goes the stock way and adds up
        sim.FromListConnector([[0, 0], [1, 0]]).connect(proj)
        assert len(proj) == 50 * 30 + 2
    finally:
        sim.end()


def test_install_and_uninstall_are_idempotent():
    from pyNN.connectors import FromListConnector
    from pyNN.nest.projections import Projection

    stock = (Projection.__init__, Projection._convergent_connect, FromListConnector.connect)
    nest_batch.uninstall()
    nest_batch.install()
    patched = (Projection.__init__, Projection._convergent_connect, FromListConnector.connect)
    nest_batch.install()
    assert nest_batch.is_installed()
    assert (Projection.__init__, Projection._convergent_connect,
            FromListConnector.connect) == patched
    assert all(p is not s for p, s in zip(patched, stock))
    nest_batch.uninstall()
    nest_batch.uninstall()
    assert not nest_batch.is_installed()
    assert (Projection.__init__, Projection._convergent_connect,
            FromListConnector.connect) == stock


class FailingConnector(sim.AllToAllConnector):
    """Hands over the connections of two postsynaptic neurons, then fails."""

    def connect(self, projection):
        for post in (0, 1):
            projection._convergent_connect(np.arange(5), post, weight=100.0, delay=1.0)
        raise RuntimeError("connector failed")


def test_failing_connector_creates_nothing():
    nest_batch.install()
    sim.setup(**SETUP)
    try:
        pre, post = pops()
        before = nest.num_connections
        with pytest.raises(RuntimeError, match="connector failed"):
            sim.Projection(pre, post, FailingConnector(), static(0.1, 1.0))
        assert nest.num_connections == before  # (stock would have made 10 connections)
        proj = sim.Projection(pre, post, sim.FromListConnector([[1, 0]]), static(0.1, 1.0))
        assert len(proj) == 1
    finally:
        sim.end()


# -- simulation --------------------------------------------------------------------------

def simulate(batched):
    if batched:
        nest_batch.install()
    else:
        nest_batch.uninstall()
    sim.setup(**SETUP)
    try:
        gen = np.random.default_rng(62)
        times = [sorted(set(np.round(gen.uniform(1.0, 180.0, 12), 1))) for _ in range(20)]
        stimulus = sim.Population(20, sim.SpikeSourceArray(spike_times=times))
        exc = sim.Population(40, sim.IF_cond_exp())
        inh = sim.Population(10, sim.IF_cond_exp())
        sim.Projection(stimulus, exc, sim.FixedProbabilityConnector(0.5, rng=NumpyRNG(seed=63)),
                       static(uniform(0.01, 0.03, 64), uniform(0.5, 2.0, 65)))
        sim.Projection(exc, exc, sim.FromListConnector(random_pairs(66, 300, 40, 40)),
                       static(0.004, 1.5))
        sim.Projection(exc, inh, sim.FixedNumberPreConnector(8, rng=NumpyRNG(seed=67)),
                       sim.TsodyksMarkramSynapse(weight=0.01, delay=1.0, U=0.5))
        sim.Projection(inh, exc, sim.AllToAllConnector(),
                       static(uniform(0.005, 0.02, 68), 0.8), receptor_type="inhibitory")
        (exc + inh).record("spikes")
        sim.run(200.0)
        trains = (exc + inh).get_data("spikes").segments[0].spiketrains
        return [np.asarray(train.magnitude).tolist() for train in trains]
    finally:
        sim.end()


def test_simulated_spikes_are_identical():
    stock = simulate(False)
    batched = simulate(True)
    assert sum(len(train) for train in stock) > 20  # the network does fire
    assert batched == stock
