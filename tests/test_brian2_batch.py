"""zoo.backends.brian2.batch: batched Brian2 projections must equal stock PyNN's, synapse for synapse.

Every comparison builds the same network twice in one process -- once with the
stock ``pyNN.brian2.Projection`` (``uninstall()``), once batched (``install()``) --
with fresh, identically seeded random number generators, and compares

* ``proj.get([...], format="list")``, sorted, exactly (no tolerance), and
* the raw Brian2 arrays (``i``, ``j``, every parameter), which must be equal in
  creation order, not just as sets.
"""

import logging
import subprocess
import sys
from pathlib import Path

import brian2
import numpy as np
import pyNN.brian2 as sim
import pytest
from pyNN.connectors import Connector
from pyNN.random import NumpyRNG

from zoo.backends.brian2 import batch as brian2_batch

from projection_cases import ProjectionCases, uniform

ROOT = Path(__file__).resolve().parents[1]

DT = 0.1  # ms
STATIC = ("weight", "delay")
TSODYKS = ("weight", "delay", "U", "tau_rec", "tau_facil")
TSODYKS_RAW = TSODYKS + ("tau_syn", "u", "y", "z")

# Brian2 warns about every object of a finished PyNN simulation when it is garbage collected.
brian2.BrianLogger.suppress_name("unused_brian_object")


pytestmark = pytest.mark.usefixtures("stock_brian2")  # each test installs the patch it compares


# -- helpers ------------------------------------------------------------------

def build(batched, make, names=STATIC, raw_names=None, **install_options):
    """Build the projection returned by `make()` stock or batched; return what it contains."""
    if batched:
        brian2_batch.install(**install_options)
    else:
        brian2_batch.uninstall()
    sim.setup(timestep=DT)
    try:
        proj = make()
        result = {"n": len(proj), "raw": raw_arrays(proj, raw_names or names)}
        if not isinstance(proj.pre, sim.Assembly):  # stock `get` cannot read assemblies
            result["list"] = sorted(proj.get(list(names), format="list"))
        return result
    finally:
        sim.end()


def raw_arrays(proj, names):
    """{(i_group, j_group): {variable: values in creation order}} straight from Brian2."""
    arrays = {}
    for i_group, row in proj._brian2_synapses.items():
        for j_group, syn_obj in row.items():
            arrays[i_group, j_group] = {name: np.asarray(getattr(syn_obj, name)[:])
                                        for name in ("i", "j") + tuple(names)}
    return arrays


def assert_same(stock, batched):
    assert batched["n"] == stock["n"] > 0
    if "list" in stock:
        assert batched["list"] == stock["list"]
    assert batched["raw"].keys() == stock["raw"].keys()
    for group, arrays in stock["raw"].items():
        for name, values in arrays.items():
            np.testing.assert_array_equal(batched["raw"][group][name], values,
                                          err_msg=f"{name} in Synapses {group}")


def compare(make, names=STATIC, raw_names=None):
    stock = build(False, make, names, raw_names)
    batched = build(True, make, names, raw_names)
    assert_same(stock, batched)
    return stock, batched


cases = ProjectionCases(sim)
pops, static = cases.pops, cases.static


# -- connectors beyond the shared cases ---------------------------------------------

def from_list_sorted_by_target():
    """Ordered by target (a shortcut in the presynaptic order)."""
    pre, post = pops()
    pairs = np.random.default_rng(5).integers(0, 30, size=(150, 2))  # contains repeated pairs
    pairs = pairs[np.argsort(pairs[:, 1], kind="stable")]
    return sim.Projection(pre, post, sim.FromListConnector(pairs), static(0.3, 0.7))


def from_list_sorted_by_source():
    """Distinct pairs by source, then target, as zoo.connectivity draws lists (already in the
    presynaptic order: no sort)."""
    pre, post = pops()
    pairs = np.argwhere(np.random.default_rng(6).random((40, 30)) < 0.2)
    return sim.Projection(pre, post, sim.FromListConnector(pairs), static(0.3, 0.7))


def fixed_probability_random_parameters():
    pre, post = pops(celltype=sim.IF_cond_exp)
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.15, rng=NumpyRNG(seed=5)),
                          static(uniform(0.001, 0.01, 6), uniform(0.1, 3.0, 7)))


def views_on_both_sides():
    pop = sim.Population(50, sim.IF_curr_exp())
    return sim.Projection(pop[10:40], pop[np.array([1, 3, 7, 9, 20, 31, 44])],
                          sim.AllToAllConnector(), static(uniform(0.1, 1.0, 24), 0.6))


CASES = cases.all() + [from_list_sorted_by_target, from_list_sorted_by_source, fixed_probability_random_parameters,
                       views_on_both_sides]


def from_list_between_views():
    pop = sim.Population(60, sim.IF_cond_exp())
    gen = np.random.default_rng(31)
    pairs = np.column_stack([gen.integers(0, 20, 200), gen.integers(0, 15, 200)])  # with repeats
    conn_list = np.column_stack([pairs, gen.uniform(0.001, 0.01, 200)])
    return sim.Projection(pop[20:40], pop[np.arange(30, 60, 2)],
                          sim.FromListConnector(conn_list, column_names=["weight"]), static(0.1, 0.4))


CASES = CASES + [from_list_between_views]
RAW = STATIC + ("synapse_number", "N_incoming", "N_outgoing")  # the counts per neuron, read per synapse


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_same_connections_as_stock(make):
    """Includes Brian2's multapse numbering, which the batch computes itself."""
    compare(make, raw_names=RAW)


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_presynaptic_order_changes_the_order_only(make):
    stock = build(False, make, raw_names=RAW)
    ordered = build(True, make, raw_names=RAW, presynaptic_order=True)
    assert ordered["n"] == stock["n"] and ordered.get("list") == stock.get("list")
    for group, arrays in ordered["raw"].items():
        assert np.all(np.diff(arrays["i"]) >= 0), f"Synapses {group} not in presynaptic order"
        before, after = stock["raw"][group], arrays
        key = lambda a: np.lexsort((a["j"], a["i"]))  # pair order; stable keeps multapse order
        for name in ("i", "j", "synapse_number"):
            np.testing.assert_array_equal(after[name], before[name][key(before)], err_msg=name)


def tsodyks_markram():
    pre, post = pops()
    synapse = sim.TsodyksMarkramSynapse(weight=uniform(0.1, 1.0, 25), delay=uniform(0.1, 3.0, 26),
                                        U=uniform(0.1, 0.9, 27), tau_rec=uniform(50, 800, 28),
                                        tau_facil=20.0)
    return sim.Projection(pre, post, sim.FixedNumberPreConnector(45, rng=NumpyRNG(seed=29)),
                          synapse)


def tsodyks_markram_from_list():
    pre, post = pops(celltype=sim.IF_cond_exp)
    gen = np.random.default_rng(30)
    n = 120
    conn_list = np.column_stack([gen.integers(0, 30, size=(n, 2)), gen.uniform(0.001, 0.01, n),
                                 gen.uniform(0.1, 3, n), gen.uniform(0.1, 0.9, n),
                                 gen.uniform(50, 800, n)])
    connector = sim.FromListConnector(conn_list, column_names=["weight", "delay", "U", "tau_rec"])
    return sim.Projection(pre, post, connector,
                          sim.TsodyksMarkramSynapse(U=0.5, tau_rec=100.0, tau_facil=5.0))


@pytest.mark.parametrize("make", [tsodyks_markram, tsodyks_markram_from_list],
                         ids=lambda f: f.__name__)
def test_tsodyks_markram_same_as_stock(make):
    stock, _ = compare(make, TSODYKS, TSODYKS_RAW)
    for name in TSODYKS + ("tau_syn",):  # the values compared are not just defaults
        assert np.all(stock["raw"][0, 0][name] > 0), name
    weights, delays, u, tau_rec, tau_facil = np.array([c[2:] for c in stock["list"]]).T
    assert np.unique(u).size > 10 and np.unique(tau_rec).size > 10


class PrimedTsodyksMarkramSynapse(sim.TsodyksMarkramSynapse):
    """Non-zero initial values, so that setting them is visible."""
    initial_conditions = {"u": 0.25, "x": 1.0, "y": 0.125, "z": 0.0625}


def tsodyks_markram_primed():
    pre, post = pops(celltype=sim.IF_cond_exp)
    synapse = PrimedTsodyksMarkramSynapse(weight=0.004, delay=0.8, U=0.6, tau_rec=300.0,
                                          tau_facil=15.0)
    return sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=NumpyRNG(seed=39)),
                          synapse)


def test_initial_conditions_same_as_stock():
    stock, _ = compare(tsodyks_markram_primed, TSODYKS, TSODYKS_RAW)
    for name in ("u", "y", "z"):
        expected = PrimedTsodyksMarkramSynapse.initial_conditions[name]
        assert set(stock["raw"][0, 0][name]) == {expected}


def test_read_only_initial_condition_is_logged_like_stock(caplog):
    """The Tsodyks-Markram `x` is a subexpression: stock logs that it cannot be set."""
    caplog.set_level(logging.INFO, logger="PyNN")
    message = "Cannot set synaptic initial value for variable x"
    for batched in (False, True):
        caplog.clear()
        build(batched, tsodyks_markram, TSODYKS)
        assert message in caplog.messages


# -- assemblies ---------------------------------------------------------------

def assembly_as_pre(weight, delay):
    def make():
        a = sim.Population(12, sim.IF_curr_exp())
        b = sim.Population(9, sim.IF_curr_exp())
        post = sim.Population(10, sim.IF_curr_exp())
        connector = sim.FixedProbabilityConnector(0.4, rng=NumpyRNG(seed=31))
        return sim.Projection(a + b[2:8], post, connector, static(weight, delay))
    return make


def test_assembly_as_pre_same_as_stock():
    stock, _ = compare(assembly_as_pre(0.25, 1.3), STATIC)
    assert set(stock["raw"]) == {(0, 0), (1, 0)}
    assert all(len(arrays["i"]) > 0 for arrays in stock["raw"].values())


def test_assembly_as_pre_gets_its_own_parameter_values():
    """Stock PyNN gives every population of a presynaptic Assembly the values of the
    first neurons of the whole assembly; the batched build gives each synapse the
    value the connector computed for its own presynaptic neuron."""
    gen = np.random.default_rng(33)
    weights = gen.uniform(0.1, 1.0, (18, 10))
    delays = np.round(gen.uniform(0.1, 2.0, (18, 10)), 1)
    make = assembly_as_pre(weights, delays)
    stock = build(False, make)
    batched = build(True, make)
    for group in stock["raw"]:
        for name in ("i", "j"):
            np.testing.assert_array_equal(batched["raw"][group][name], stock["raw"][group][name])
    a, b = batched["raw"][0, 0], batched["raw"][1, 0]
    row_a = a["i"]               # population a: assembly index = i
    row_b = 12 + b["i"] - 2      # view b[2:8]: assembly index = 12 + (i - 2)
    np.testing.assert_allclose(a["weight"], weights[row_a, a["j"]] * 1e-9, rtol=1e-15)
    np.testing.assert_allclose(b["weight"], weights[row_b, b["j"]] * 1e-9, rtol=1e-15)
    np.testing.assert_allclose(a["delay"], delays[row_a, a["j"]] * 1e-3, rtol=1e-12)
    np.testing.assert_allclose(b["delay"], delays[row_b, b["j"]] * 1e-3, rtol=1e-12)
    # the first population is where stock gets it right
    for name in ("weight", "delay"):
        np.testing.assert_array_equal(stock["raw"][0, 0][name], a[name])


# -- multapses ----------------------------------------------------------------

def last_value_per_pair(i, j, values):
    """What stock's ``var[i, j] = v`` does to repeated pairs: the last value wins."""
    last = {}
    for pre, post, value in zip(i, j, values):
        last[pre, post] = value
    return np.array([last[pre, post] for pre, post in zip(i, j)])


@pytest.mark.parametrize("make", [cases.fixed_number_pre_with_multapses,
                                  cases.from_list_with_weight_and_delay],
                         ids=lambda f: f.__name__)
def test_distinct_multapse_values(make):
    stock = build(False, make)
    distinct = build(True, make, distinct_multapse_values=True)
    s, d = stock["raw"][0, 0], distinct["raw"][0, 0]
    np.testing.assert_array_equal(d["i"], s["i"])
    np.testing.assert_array_equal(d["j"], s["j"])
    for name in ("weight", "delay"):
        np.testing.assert_array_equal(last_value_per_pair(d["i"], d["j"], d[name]), s[name])
    assert not np.array_equal(d["weight"], s["weight"])  # the case really has multapses


# -- after the build ----------------------------------------------------------

def test_set_and_get_after_batched_build():
    new_weights = np.random.default_rng(34).uniform(0.1, 1.0, (40, 30))

    def make():
        proj = fixed_probability_random_parameters()
        proj.set(delay=1.5)
        proj.set(weight=new_weights * 0.01)
        return proj

    stock, batched = compare(make)
    i, j, weight, delay = np.array(batched["list"]).T
    np.testing.assert_allclose(weight, new_weights[i.astype(int), j.astype(int)] * 0.01)
    assert set(delay) == {1.5}


def test_get_as_array_after_batched_build():
    def weights_and_delays_as_arrays(batched):
        if batched:
            brian2_batch.install()
        sim.setup(timestep=DT)
        try:
            proj = cases.fixed_number_pre_with_multapses()
            return proj.get(["weight", "delay"], format="array", multiple_synapses="sum")
        finally:
            sim.end()

    stock = weights_and_delays_as_arrays(False)
    batched = weights_and_delays_as_arrays(True)
    for got, want in zip(batched, stock):
        np.testing.assert_array_equal(got, want)


def test_simulation_gives_identical_spikes(numpy_codegen):
    """Fixed input spikes, deterministic network: the spike trains must match exactly."""

    def run(batched):
        if batched:
            brian2_batch.install()
        else:
            brian2_batch.uninstall()
        sim.setup(timestep=DT)
        try:
            spike_times = [[5.0 + 3 * k + 0.7 * n for k in range(25)] for n in range(8)]
            source = sim.Population(8, sim.SpikeSourceArray(spike_times=spike_times))
            exc = sim.Population(20, sim.IF_curr_exp())
            inh = sim.Population(5, sim.IF_cond_exp())
            sim.Projection(source, exc, sim.FixedProbabilityConnector(0.5, rng=NumpyRNG(seed=35)),
                           static(uniform(0.5, 2.5, 36), uniform(0.5, 3.0, 37)))
            sim.Projection(exc, inh, sim.FixedNumberPreConnector(6, rng=NumpyRNG(seed=38)),
                           sim.TsodyksMarkramSynapse(weight=0.05, delay=1.2, U=0.5,
                                                     tau_rec=80.0, tau_facil=10.0))
            sim.Projection(inh, exc, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=-0.5, delay=0.8), receptor_type="inhibitory")
            exc.record("spikes")
            inh.record("spikes")
            sim.run(100.0)
            return [[np.asarray(st).tolist() for st in pop.get_data().segments[0].spiketrains]
                    for pop in (exc, inh)]
        finally:
            sim.end()

    stock, batched = run(False), run(True)
    assert batched == stock
    assert sum(len(train) for trains in stock for train in trains) > 20
    assert sum(len(train) for train in stock[1]) > 0  # the Tsodyks-Markram synapses matter


# -- installation -------------------------------------------------------------

def test_install_is_idempotent_and_uninstall_restores_stock():
    from pyNN.brian2.projections import Projection

    stock_init, stock_connect = Projection.__init__, Projection._convergent_connect
    brian2_batch.install()
    patched = Projection.__init__, Projection._convergent_connect
    assert patched != (stock_init, stock_connect) and brian2_batch.is_installed()
    brian2_batch.install()
    assert (Projection.__init__, Projection._convergent_connect) == patched
    brian2_batch.uninstall()
    brian2_batch.uninstall()
    assert (Projection.__init__, Projection._convergent_connect) == (stock_init, stock_connect)
    assert not brian2_batch.is_installed()


def test_importing_does_not_import_brian2():
    code = "import sys, zoo.backends.brian2.batch; assert 'brian2' not in sys.modules, 'brian2 imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_connect_outside_a_connector_is_immediate():
    brian2_batch.install()
    sim.setup(timestep=DT)
    try:
        pre, post = pops(5, 5)
        proj = sim.Projection(pre, post, sim.OneToOneConnector(), static(0.5, 1.0))
        weight = 0.7 * brian2.nA
        proj._convergent_connect(np.array([0, 1]), 3, weight=weight, delay=1.0 * brian2.ms)
        assert len(proj) == 7 == len(proj._brian2_synapses[0][0])
        assert (3, 3, 0.5) in proj.get("weight", format="list")
        assert (1, 3, 0.7) in [tuple(np.round(c, 9)) for c in proj.get("weight", format="list")]
    finally:
        sim.end()


class ChangingParametersConnector(Connector):
    """Calls `_convergent_connect` with different parameter sets and repeats pairs."""

    def connect(self, projection):
        nA, ms = brian2.nA, brian2.ms
        projection._convergent_connect(np.array([0, 1, 2]), 0,
                                       weight=np.array([0.1, 0.2, 0.3]) * nA, delay=1.0 * ms)
        projection._convergent_connect(np.array([1, 3]), 1, weight=0.4 * nA, delay=2.04 * ms)
        projection._convergent_connect(np.array([2, 0]), 0, weight=np.array([0.5, 0.6]) * nA)
        projection._convergent_connect(np.array([3]), 1, delay=np.array([0.5]) * ms)


def test_parameter_sets_that_change_between_calls():
    def make():
        pre, post = pops(5, 3)
        return sim.Projection(pre, post, ChangingParametersConnector(), static(0.0, 0.1))

    stock, _ = compare(make)
    assert stock["n"] == 8


class FailingConnector(Connector):
    def connect(self, projection):
        projection._convergent_connect(np.array([0, 1]), 0, weight=0.5 * brian2.nA)
        raise RuntimeError("connector failed")


def test_failing_connector_leaves_nothing_behind():
    brian2_batch.install()
    sim.setup(timestep=DT)
    try:
        pre, post = pops(5, 5)
        connector = FailingConnector()
        with pytest.raises(RuntimeError, match="connector failed"):
            sim.Projection(pre, post, connector, static(0.5, 1.0))
        assert "connect" not in vars(connector)
        proj = sim.Projection(pre, post, sim.OneToOneConnector(), static(0.5, 1.0))
        assert len(proj) == 5 and "_pending_connections" not in vars(proj)
    finally:
        sim.end()


@pytest.mark.parametrize("make", [cases.from_list_with_weight_and_delay, cases.fixed_number_pre_with_multapses],
                         ids=lambda f: f.__name__)
def test_presynaptic_order_with_distinct_multapse_values(make):
    """The zoo's setting: each synapse keeps its own value, synapses in presynaptic order."""
    distinct = build(True, make, raw_names=RAW, distinct_multapse_values=True)
    both = build(True, make, raw_names=RAW, distinct_multapse_values=True, presynaptic_order=True)
    assert both["list"] == distinct["list"]
    raw = both["raw"][0, 0]
    assert np.all(np.diff(raw["i"]) >= 0)
    pairs = raw["i"].astype(np.int64) * 1000 + raw["j"]
    for key in np.unique(pairs):  # multapses numbered 0, 1, ... within each pair
        np.testing.assert_array_equal(raw["synapse_number"][pairs == key], np.arange(np.sum(pairs == key)))


# -- index helpers ----------------------------------------------------------------

def test_repeated_pair_found_across_a_block_boundary():
    sources = np.array([0, 1, 1, 1, 2], dtype=np.int32)
    targets = np.array([1, 2, 3, 5, 0], dtype=np.int32)
    assert brian2_batch._strictly_increasing_pairs(sources, targets, 6, block=2)
    targets[2] = 2  # pair (1, 2) twice, as elements 1 and 2: the last of one block, the first of the next
    assert not brian2_batch._strictly_increasing_pairs(sources, targets, 6, block=2)
    assert brian2_batch._multapse_numbers(sources, targets, 6).tolist() == [0, 0, 1, 0, 0]


def test_synapses_per_neuron_counted_in_blocks_as_brian2_counts_them(numpy_codegen):
    source, target = brian2.NeuronGroup(9, "v : 1"), brian2.NeuronGroup(11, "v : 1")
    gen = np.random.default_rng(4)
    sources, targets = (gen.integers(0, n, 50).astype(np.int32) for n in (9, 11))
    counted = {}
    for how in ("brian2", "blocks of 7"):
        syn = brian2.Synapses(source, target)
        if how == "brian2":
            syn.connect(i=sources, j=targets)
        else:
            syn._resize(sources.size)
            brian2_batch._count_synapses_per_neuron(syn, sources, targets, block=7)
        counted[how] = [syn.variables[name].get_value().copy() for name in ("N_outgoing", "N_incoming")]
    for brian2_counts, block_counts in zip(*counted.values()):
        assert brian2_counts.sum() == 50
        np.testing.assert_array_equal(block_counts, brian2_counts)
