"""schmidt2018: structure from the published data against the reference code's numbers, scaling, dry run.

Expected numbers come from runs of the reference code (INM-6/multi-area-model 355d940), recorded by the developers
(INM-6/multi-area-model 355d940) and NEST's own connection count of the full-scale network.
The data are read from the shared copy; tests that need them skip when it is absent.
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from zoo.models.schmidt2018 import VARIANTS, Schmidt2018, Schmidt2018Params, anatomy, formulas
from zoo import registry
from zoo.errors import ZooError
from zoo.model import Drawn
from zoo.seeds import SeedStreams

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "multiarea"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared copy of the multi-area data not found at {SHARED}")
FULL = {"N_scaling": 1.0, "K_scaling": 1.0}


@pytest.fixture
def data(monkeypatch):
    """Point the data loader at the shared copy."""
    monkeypatch.setenv("ZOO_DATA_DIR", str(SHARED.parent))


def full_scale(variant="default", **overrides):
    return registry.create_model(f"schmidt2018.{variant}", **FULL, **overrides)


# --- formulas that need no data ---------------------------------------------------------------------
def test_psc_per_psp_matches_the_spec():
    p = Schmidt2018Params()
    factor = formulas.psc_per_psp(p.C_m, p.tau_m, p.tau_syn_ex)
    assert factor == pytest.approx(585.39, abs=0.01)
    assert factor * 0.15 == pytest.approx(87.81, abs=0.01)
    assert factor * 0.3 == pytest.approx(175.62, abs=0.01)
    assert factor * 0.15 * -11 == pytest.approx(-965.89, abs=0.01)
    # Mean-field J = W tau_s / C_m: 0.1756 mV per 87.81 pA.
    assert factor * 0.15 * p.tau_syn_ex / p.C_m == pytest.approx(0.1756, abs=1e-4)


def test_psp_of_the_converted_psc_peaks_at_the_requested_height():
    """Integrate the exp-PSC LIF response numerically: its peak is PSP_e."""
    p = Schmidt2018Params()
    W = formulas.psc_per_psp(p.C_m, p.tau_m, p.tau_syn_ex) * p.PSP_e
    t = np.arange(0.0, 20.0, 1e-4)
    # V(t) for I(t) = W exp(-t/tau_s): closed form of tau_m dV/dt = -V + I tau_m / C_m.
    v = W / p.C_m * p.tau_m * p.tau_syn_ex / (p.tau_m - p.tau_syn_ex) * (np.exp(-t / p.tau_m) - np.exp(-t / p.tau_syn_ex))
    assert v.max() == pytest.approx(p.PSP_e, rel=1e-6)


@pytest.mark.parametrize("field, value, message", [
    ("N_scaling", 0.0, "N_scaling must lie in"), ("K_scaling", 1.5, "K_scaling must lie in"),
    ("chi", 0.0, "chi and chi_I must be positive"), ("g", 11.0, "g must not be positive"),
    ("tau_syn_ex", 10.0, "must differ from tau_m"), ("simtime", 0.0, "simtime must be positive"),
])
def test_impossible_parameters_are_refused(field, value, message):
    with pytest.raises(ZooError, match=message):
        Schmidt2018Params().replace(**{field: value})


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_is_documented(name):
    variant = VARIANTS[name]
    assert variant.reason and variant.source
    assert Schmidt2018(variant.params, name).params.dt == 0.1


def test_states_differ_only_in_the_cortico_cortical_factors():
    ground, meta = VARIANTS["default"].params, VARIANTS["metastable"].params
    assert (ground.chi, ground.chi_I) == (1.0, 1.0) and (meta.chi, meta.chi_I) == (1.9, 2.0)
    assert {k for k, v in ground.values().items() if meta.values()[k] != v} == {"chi", "chi_I"}


# --- the full-scale structure -------------------------------------------------------------------------
@needs_data
def test_totals_match_the_reference_and_nest(data):
    net = full_scale().network()
    assert len(net.names) == 254 and net.names[0] == "V1-23E" and net.names[-1] == "TH-6I"
    assert not any(name.startswith("TH-4") for name in net.names)
    assert round(net.N.sum()) == 4_130_057
    assert round(net.synapses.sum()) == 24_126_520_949
    # NEST's fixed_total_number connects int(K N) per pair onto int(N) neurons; its full-scale runs
    # report 24,134,776,576 connections = these synapses + one generator and one recorder per neuron.
    assert net.sizes.sum() == 4_129_924 and net.counts.sum() == 24_126_516_728
    assert net.counts.sum() + 2 * net.sizes.sum() == 24_134_776_576
    assert int((net.counts > 0).sum()) == 8344
    local = net.local
    assert net.synapses[local].sum() == pytest.approx(19.67e9, rel=1e-3)
    assert net.synapses[~local].sum() == pytest.approx(4.46e9, rel=1e-3)
    assert net.synapses[~local].sum() / net.synapses.sum() == pytest.approx(0.185, abs=5e-4)
    assert np.dot(net.K_ext, net.N) == pytest.approx(13.86e9, rel=1e-3)


@needs_data
def test_V1_per_population(data):
    net = full_scale().network()
    expected_N = {"23E": 47387, "23I": 13366, "4E": 70387, "4I": 17598, "5E": 20741, "5I": 4554, "6E": 19840, "6I": 4063}
    for i, (pop, n) in enumerate(expected_N.items()):
        assert net.names[i] == f"V1-{pop}" and round(net.N[i]) == n
    v1 = net.area_of == 0
    assert round(net.K[0, v1].sum()) == 2422 and round(net.K[0, ~v1].sum()) == 979
    assert [round(k) for k in net.K_ext[:8]] == [1246, 1246, 1246, 1246, 1402, 1246, 1765, 1246]
    assert net.synapses[v1][:, v1].sum() == pytest.approx(3.80e8, abs=0.005e8)
    assert net.synapses[v1][:, ~v1].sum() == pytest.approx(1.22e8, abs=0.005e8)
    assert np.dot(net.K_ext[v1], net.N[v1]) == pytest.approx(2.60e8, abs=0.005e8)
    per_area = np.bincount(net.area_of, net.N)
    assert round(per_area.max()) == 197_936 and per_area.argmax() == 0
    assert round(per_area.min()) == 73_251 and per_area.argmin() == anatomy.AREAS.index("TH")


@needs_data
def test_published_K_prime_replaces_the_pipeline_in_degrees(data):
    published, raw = full_scale().anatomy(), full_scale(K_stable=False).anatomy()
    K_prime = np.load(SHARED / "K_prime_original.npy")
    assert np.array_equal(published.K, np.where(np.abs(K_prime) <= 1e-8, 0.0, K_prime))
    assert published.K[0, 0] == pytest.approx(1062.06, abs=0.01)  # V1 2/3E -> 2/3E
    # The data pipeline's own K: 27.69e9 synapses, 13,824 entries differ from K' by up to 973.
    assert raw.synapses.sum() == pytest.approx(27.69e9, rel=1e-3)
    differ = np.abs(published.K - raw.K)
    assert int((differ > 1e-6).sum()) == 13_824 and differ.max() == pytest.approx(973.10, abs=0.01)
    # The external in-degrees always come from the pipeline.
    assert np.array_equal(published.K_ext, raw.K_ext) and np.array_equal(published.N, raw.N)


@needs_data
def test_external_in_degrees_are_equal_within_an_area_but_for_5E_6E_and_TH(data):
    net = full_scale().network()
    factors = {"5E": 1.125, "6E": 1.41666667}
    for area_index, area in enumerate(anatomy.AREAS):
        members = [i for i in range(254) if net.area_of[i] == area_index]
        base = net.K_ext[members[1]]  # 2/3I
        for i in members:
            pop = net.names[i].split("-")[1]
            factor = factors.get(pop, 1.0) * (1.2 if area == "TH" and pop in ("23E", "5E") else 1.0)
            assert net.K_ext[i] == pytest.approx(base * factor, rel=1e-9), net.names[i]


@needs_data
def test_derived_FLN_and_CoCoMac_equal_the_reference_pipeline_output(data):
    """FLN and CoCoMac patterns derived here equal the upstream pipeline's (generated, not upstream)."""
    generated_file = SHARED / "viscortex_processed_data.generated.json"
    if not generated_file.is_file():
        pytest.skip(f"{generated_file} not found")
    generated = json.loads(generated_file.read_text())
    inputs = anatomy.load_inputs({name: SHARED / name for name in
                                  ("viscortex_raw_data.json", "viscortex_processed_data_backup.json",
                                   "raw_data/Markov2014_InjectionSites.csv", "K_prime_original.npy")})
    fln, cocomac = anatomy.complete_cortico_cortical_data(inputs["raw"], inputs["injection_sites"])
    assert fln.keys() == generated["FLN_completed"].keys()
    for target, sources in generated["FLN_completed"].items():
        assert fln[target].keys() == sources.keys(), target
        for source, value in sources.items():
            assert fln[target][source] == pytest.approx(value, rel=1e-12, abs=1e-300), (target, source)
    assert cocomac == generated["cocomac_completed"]


@needs_data
def test_weights_of_both_states(data):
    ground, meta = full_scale().network(), full_scale("metastable").network()
    i = ground.names.index
    E_to_E_cc, E_to_I_cc = (i("V1-23E"), i("V2-23E")), (i("V1-23I"), i("V2-23E"))
    assert ground.W[E_to_E_cc] == pytest.approx(87.81, abs=0.01) and ground.W[E_to_I_cc] == pytest.approx(87.81, abs=0.01)
    assert meta.W[E_to_E_cc] == pytest.approx(166.84, abs=0.01) and meta.W[E_to_I_cc] == pytest.approx(333.67, abs=0.01)
    assert meta.W_sd[E_to_I_cc] == pytest.approx(0.1 * meta.W[E_to_I_cc])
    for net in (ground, meta):
        assert net.W[i("V1-23E"), i("V1-4E")] == pytest.approx(175.62, abs=0.01)
        assert net.W[i("V1-5E"), i("V1-6I")] == pytest.approx(-965.89, abs=0.01)
        assert net.W[i("V1-4I"), i("V1-4E")] == pytest.approx(87.81, abs=0.01)
        assert net.W_ext == pytest.approx(87.81, abs=0.01)  # never scaled by chi
        assert np.allclose(net.W_sd, 0.1 * np.abs(net.W))


@needs_data
def test_delays(data):
    net = full_scale().network()
    i = net.names.index
    assert net.delay[i("V1-23E"), i("V1-4E")] == 1.5 and net.delay[i("V1-23E"), i("V1-23I")] == 0.75
    assert net.delay[i("V2-4E"), i("V1-23E")] == pytest.approx(17.86 / 3.5, abs=0.01)
    between = net.delay[~net.local & (net.counts > 0)]
    assert between.min() == pytest.approx(1.7, abs=0.01) and between.max() == pytest.approx(18.0, abs=0.05)
    assert np.allclose(net.delay_sd, 0.5 * net.delay)
    distances = full_scale().anatomy().distances
    off_diagonal = distances[~np.eye(32, dtype=bool)]
    assert off_diagonal.min() == pytest.approx(5.97, abs=0.01) and off_diagonal.max() == pytest.approx(62.9, abs=0.05)
    assert np.median(off_diagonal) == pytest.approx(23.9, abs=0.05) and distances[0, 1] == pytest.approx(17.9, abs=0.05)


# --- down-scaling ---------------------------------------------------------------------------------------
@needs_data
@pytest.mark.parametrize("n, k", [(0.01, 0.01), (0.1, 0.5), (1.0, 0.1)])
def test_scaling_keeps_mean_and_variance_of_the_input(data, n, k):
    full_model = full_scale()
    full = full_model.network()
    scaled = registry.create_model("schmidt2018", N_scaling=n, K_scaling=k).network()
    p, rates = full_model.params, full_model.fullscale_rates()
    assert np.allclose(scaled.N, n * full.N, rtol=1e-14) and np.allclose(scaled.K, k * full.K, rtol=1e-14)
    assert np.allclose(scaled.K_ext, k * full.K_ext, rtol=1e-14)
    assert np.allclose(scaled.synapses, n * k * full.synapses, rtol=1e-14)
    assert np.allclose(scaled.W, full.W / math.sqrt(k), rtol=1e-14) and scaled.W_ext == pytest.approx(full.W_ext / math.sqrt(k))
    assert np.array_equal(scaled.W_sd, full.W_sd)  # the reference leaves the SDs unscaled
    mu_full = formulas.mean_input(p, full.K, full.W, full.K_ext, full.W_ext, rates, full.DC)
    mu = formulas.mean_input(p, scaled.K, scaled.W, scaled.K_ext, scaled.W_ext, rates, scaled.DC)
    assert np.allclose(mu, mu_full, rtol=1e-10, atol=1e-10)
    variance_full = formulas.input_variance(p, full.K, full.W, full.K_ext, full.W_ext, rates)
    variance = formulas.input_variance(p, scaled.K, scaled.W, scaled.K_ext, scaled.W_ext, rates)
    assert np.allclose(variance, variance_full, rtol=1e-12)
    # Without the DC the mean input would drop: the compensation is doing the work.
    assert not np.allclose(mu - p.tau_m / p.C_m * scaled.DC, mu_full)


@needs_data
def test_DC_and_weights_at_one_percent(data):
    ground = registry.create_model("schmidt2018").network()
    meta = registry.create_model("schmidt2018.metastable").network()
    assert ground.DC.min() == pytest.approx(74.6, abs=0.1) and ground.DC.max() == pytest.approx(657.1, abs=0.1)
    assert meta.DC.min() == pytest.approx(75.8, abs=0.1) and meta.DC.max() == pytest.approx(781.7, abs=0.1)
    assert ground.W_ext == pytest.approx(878.08, abs=0.01)  # 1.5 mV PSP
    assert ground.W.min() == pytest.approx(-9658.9, abs=0.1)
    assert ground.sizes.sum() == 41_174 and ground.counts.sum() == 2_409_156
    assert round(ground.N.sum()) == 41_301


@needs_data
def test_full_in_degrees_need_no_rates(data, monkeypatch):
    """K_scaling = 1 needs no full-scale rates and adds no DC."""
    import zoo.models.schmidt2018.network as network

    monkeypatch.setattr(network, "_fullscale_rates", lambda root: pytest.fail("rates read"))
    net = registry.create_model("schmidt2018", N_scaling=0.1, K_scaling=1.0).network()
    assert not net.DC.any()


# --- structure and dry run ------------------------------------------------------------------------------
@needs_data
def test_structure_lists_every_connected_pair_and_the_external_drive(data):
    structure = full_scale().structure(Drawn(1)).as_dict()
    assert len(structure["populations"]) == 254 and len(structure["projections"]) == 8344
    assert structure["totals"]["neurons"] == 4_129_924 and structure["totals"]["synapses"] == 24_126_516_728
    assert round(structure["totals"]["neurons_real_valued"]) == 4_130_057
    assert round(structure["totals"]["synapses_real_valued"]) == 24_126_520_949
    first = next(p for p in structure["projections"] if p["name"] == "V1-23E_to_V1-23E")
    assert first["in_degree"] == pytest.approx(1062.06, abs=0.01) and first["receptor"] == "excitatory"
    assert first["mean_in_degree"] == pytest.approx(first["in_degree"], rel=1e-4)
    external = {e["population"]: e for e in structure["external_inputs"]}
    assert len(external) == 254 and round(external["V1-6E"]["in_degree"]) == 1765
    assert external["V1-6E"]["rate_per_input_hz"] == 10.0 and external["V1-6E"]["dc_pA"] == 0.0


@needs_data
def test_dry_run_writes_the_full_scale_structure_quickly_without_a_simulator(tmp_path):
    out = tmp_path / "dry"
    code = (
        "import sys; from zoo.run import main; rc = main(['schmidt2018', '--dry-run', '--set', 'N_scaling=1', "
        f"'--set', 'K_scaling=1', '--out', r'{out}', '--quiet']); "
        "print(rc, 'pyNN.nest' in sys.modules or 'brian2' in sys.modules or 'nest' in sys.modules)"
    )
    env = {**os.environ, "ZOO_DATA_DIR": str(SHARED.parent)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
    assert time.perf_counter() - start < 60
    structure = json.loads((out / "structure.json").read_text())
    assert len(structure["populations"]) == 254 and len(structure["projections"]) == 8344
    assert structure["totals"]["synapses"] == 24_126_516_728 and len(structure["external_inputs"]) == 254
    assert structure["estimate"]["peak_memory_bytes"] > 1e12


@needs_data
def test_structure_writes_nothing(data, tmp_path, monkeypatch):
    """Building the structure reads the data and writes no file (run from an empty directory)."""
    monkeypatch.chdir(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "models" / "schmidt2018").rglob("*")}
    registry.create_model("schmidt2018.tiny").structure(Drawn(1))
    assert not list(tmp_path.iterdir())
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "models" / "schmidt2018").rglob("*")} == before


def test_missing_data_is_a_one_line_error(monkeypatch, tmp_path):
    from zoo import datasets

    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(datasets, "_download", lambda *args: (_ for _ in ()).throw(datasets._Unreachable("offline")))
    with pytest.raises(ZooError, match="cannot download data set 'multiarea'.*without network, copy viscortex_raw_data.json"):
        registry.create_model("schmidt2018.tiny").structure(Drawn(1))


# --- connectivity drawn for build() -------------------------------------------------------------------
@needs_data
def test_drawn_connections_follow_fixed_total_number_and_the_redraw_rules(data):
    model = registry.create_model("schmidt2018.tiny")
    net, p = model.network(), model.params
    target = "V1-23E"
    t = net.names.index(target)
    drawn = model.connections(SeedStreams(1), target)
    assert set(drawn) == {net.names[s] for s in np.flatnonzero(net.counts[t])}
    for source, (pre, post, weight, delay) in drawn.items():
        s = net.names.index(source)
        assert pre.size == net.counts[t, s] and pre.max() < net.sizes[s] and post.max() < net.sizes[t]
        assert np.all(weight >= 0) if source.endswith("E") else np.all(weight <= 0)
        assert np.all(delay >= p.dt) and np.allclose(delay / p.dt, np.round(delay / p.dt))
        assert delay.max() <= net.delay[t, s] + 6 * net.delay_sd[t, s] + p.dt
    pre, post, weight, delay = drawn["V1-23I"]
    assert weight.mean() == pytest.approx(net.W[t, net.names.index("V1-23I")], rel=0.01)
    pre, post, weight, delay = drawn["V2-23E"]  # cortico-cortical: distance / 3.5 mm/ms, SD half of it
    from scipy import stats

    mean, sd = net.delay[t, net.names.index("V2-23E")], net.delay_sd[t, net.names.index("V2-23E")]
    truncated = stats.truncnorm((p.dt - mean) / sd, 6.0, loc=mean, scale=sd)
    assert delay.mean() == pytest.approx(truncated.mean(), abs=4 * truncated.std() / np.sqrt(delay.size) + p.dt / 2)
    # Multapses are allowed: with more synapses than pairs some pairs repeat.
    pre, post, _, _ = drawn["V1-23E"]
    pairs = net.sizes[t] * net.sizes[t]
    assert pre.size > pairs or len(set(zip(pre, post))) <= pre.size


@needs_data
def test_drawn_connections_depend_on_the_seed_only(data):
    a = registry.create_model("schmidt2018.tiny").connections(SeedStreams(1), "V4-5E")
    b = registry.create_model("schmidt2018.tiny").connections(SeedStreams(1), "V4-5E")
    c = registry.create_model("schmidt2018.tiny").connections(SeedStreams(2), "V4-5E")
    assert all(np.array_equal(x, y) for source in a for x, y in zip(a[source], b[source]))
    assert any(not np.array_equal(a[s][0], c[s][0]) for s in a)


def _rows(columns):
    """Synapses (source, pre, post, weight, delay) as a sorted list: equal lists are equal networks."""
    return sorted(zip(*(np.asarray(column).tolist() for column in columns)))


@needs_data
def test_blocks_drawn_apart_give_the_network_drawn_whole(data):
    """A process draws only its blocks of target neurons; any split of the blocks gives the same synapses."""
    from zoo.models.schmidt2018.network import TARGET_BLOCKS

    model = registry.create_model("schmidt2018.tiny")
    net = model.simulated_network()
    target = "V1-4E"
    first = int(np.sum(net.sizes[:net.names.index(target)]))
    whole = model.draw_onto(SeedStreams(1), target, net)
    blocks = np.random.default_rng(0).permutation(TARGET_BLOCKS)
    parts = [model.draw_onto(SeedStreams(1), target, net, np.sort(chosen)) for chosen in np.split(blocks, [5, 30])]
    for chosen, part in zip(np.split(blocks, [5, 30]), parts):
        assert set(np.unique((first + part[2]) % TARGET_BLOCKS)) <= set(chosen)
    assert _rows(whole) == sorted(row for part in parts for row in _rows(part))
    assert len(_rows(whole)) == net.counts[net.names.index(target)].sum()


class _FakeSim:
    """What schmidt2018's _connect asks of a PyNN module: the connection lists it hands over."""

    class FromListConnector:
        def __init__(self, table, column_names):
            self.table = table

    class StaticSynapse:
        pass

    def __init__(self):
        self.tables = {}

    def Projection(self, pre, post, connector, synapse, receptor_type, label):
        self.tables[label] = connector.table
        return label


class _FakeCells:
    """All neurons, of which this process holds those with index % processes == rank (NEST's round robin)."""

    def __init__(self, size, rank, processes):
        self.all_cells = np.arange(size) + 10
        self.local_cells = self.all_cells[(np.arange(size) % processes) == rank]

    def id_to_index(self, ids):
        return np.asarray(ids) - 10


@needs_data
@pytest.mark.parametrize("processes", [2, 3])
def test_each_process_draws_only_what_its_neurons_receive(data, processes):
    """The connection lists of P processes hold each its own neurons' synapses (1/P of them), the
    same projections on every process, and together the network of one process."""
    model = registry.create_model("schmidt2018.tiny")
    net = model.simulated_network()
    size = int(net.sizes.sum())
    one = _FakeSim()
    model._connect(one, _FakeCells(size, 0, 1), net, SeedStreams(1))
    split = []
    for rank in range(processes):
        sim = _FakeSim()
        model._connect(sim, _FakeCells(size, rank, processes), net, SeedStreams(1))
        assert sim.tables.keys() == one.tables.keys()
        for table in sim.tables.values():
            assert np.all(table[:, 1] % processes == rank)
        held = sum(len(table) for table in sim.tables.values())
        assert held == pytest.approx(net.counts.sum() / processes, rel=0.05)
        split.append(sim)
    for name, table in one.tables.items():
        assert sorted(map(tuple, table.tolist())) == sorted(row for sim in split for row in map(tuple, sim.tables[name].tolist()))


@needs_data
def test_the_longest_delay_is_that_of_the_synapses_built(data):
    from zoo.model import LONGEST_DELAY

    model = registry.create_model("schmidt2018.tiny")
    net = model.simulated_network()
    longest = max(model.draw_onto(SeedStreams(4), target, net)[4].max(initial=0.0) for target in net.names)
    assert model.draw(SeedStreams(4))[LONGEST_DELAY] == max(longest, 1.0)


@needs_data
def test_too_small_N_scaling_is_refused(data):
    with pytest.raises(ZooError, match="leaves .* populations without neurons"):
        registry.create_model("schmidt2018", N_scaling=0.0005).structure(Drawn(1))


def _pair_counts(model, network):
    """Synapses per [target, source] population pair as the simulator holds them."""
    from zoo.backends.fingerprint import connection_table

    net = model.simulated_network()
    first = np.concatenate(([0], np.cumsum(net.sizes)))
    population_of = np.repeat(np.arange(len(net.sizes)), net.sizes)
    counts = np.zeros_like(net.counts)
    for name, projection in network.projections.items():
        if name in ("external", "replaced areas"):
            continue
        pre, post, weight, delay = connection_table(projection)
        pre, post = np.asarray(pre, dtype=np.int64), np.asarray(post, dtype=np.int64)
        assert pre.max() < first[-1] and post.max() < first[-1]
        np.add.at(counts, (population_of[post], population_of[pre]), 1)
        sign = 1 if name.startswith("excitatory") else -1
        assert np.all(sign * np.asarray(weight) >= 0), name
    return counts


@needs_data
@pytest.mark.parametrize("simulator, areas", [
    ("nest", "V1,V2"), ("brian2", "V1,V2"),
    pytest.param("nest", "all", marks=pytest.mark.slow), pytest.param("brian2", "all", marks=pytest.mark.slow),
])
def test_tiny_creates_int_N_neurons_and_int_synapses_per_pair(data, simulator, areas):
    """Creation counts on the simulator: int(n N) neurons per population, int(n k K N) synapses per
    population pair, one Poisson source per neuron (and one for the replaced areas); a few
    projections, not one per pair. Two areas by default (~10 s), all 32 under -m slow (~1 min)."""
    from zoo import backends

    model = registry.create_model("schmidt2018.tiny", areas=areas)
    streams = SeedStreams(1)
    b = backends.setup(simulator, streams, **model.simulation_settings())
    try:
        network = model.build(b.sim, streams)
        net = model.simulated_network()
        assert [network.populations[name].size for name in net.names] == [int(n) for n in net.N]
        assert len(network.projections) <= 4
        assert np.array_equal(_pair_counts(model, network), np.floor(net.synapses).astype(np.int64))
        assert network.projections["external"].size() == int(net.sizes.sum())
        replaced = network.projections.get("replaced areas")
        assert (replaced is not None and replaced.size() == int(net.sizes.sum())) == (areas != "all")
    finally:
        b.end()


@needs_data
@pytest.mark.slow
def test_tiny_builds_and_runs_on_nest(data):
    """The tiny variant on NEST: every drawn synapse exists, and the network fires at a few spikes/s."""
    from zoo import backends

    model = registry.create_model("schmidt2018.tiny")
    streams = SeedStreams(1)
    b = backends.setup("nest", streams, **model.simulation_settings())
    try:
        network = model.build(b.sim, streams)
        import nest

        structure = model.structure(model.draw(streams)).as_dict()
        neurons = structure["totals"]["neurons"]
        # every drawn synapse, plus one Poisson input per neuron (recorders connect at run time)
        assert nest.GetKernelStatus("num_connections") == structure["totals"]["synapses"] + neurons
        b.sim.run(200.0)
        spikes = 0
        for name in network.recorded:
            spikes += sum(len(st) for st in network.populations[name].get_data("spikes").segments[-1].spiketrains)
        rate = spikes / neurons / 0.2
        assert 0.5 < rate < 60
    finally:
        b.end()


# --- a subset of areas, the others replaced by Poisson input -------------------------------------------
@needs_data
def test_area_subset_keeps_its_structure_and_replaces_the_other_areas(data):
    full_model = registry.create_model("schmidt2018")
    model = registry.create_model("schmidt2018", areas="V2, V1")
    full, sub = full_model.network(), model.simulated_network()
    keep = [full.names.index(name) for name in sub.names]
    assert sub.names[:8] == full.names[:8] and len(sub.names) == 16  # model order, whatever the order given
    assert np.array_equal(sub.synapses, full.synapses[np.ix_(keep, keep)]) and np.array_equal(sub.N, full.N[keep])
    assert np.array_equal(sub.DC, full.DC[keep]) and np.array_equal(sub.K_ext, full.K_ext[keep])
    rates = full_model.fullscale_rates()
    # V1-4E receives from every other area at K x full-scale rate, with the cortico-cortical weight.
    t = full.names.index("V1-4E")
    others = [s for s, name in enumerate(full.names) if name.split("-")[0] not in ("V1", "V2")]
    expected = sum(full.K[t, s] * rates[s] for s in others)
    assert sub.replaced_rate[2] == pytest.approx(expected, rel=1e-12) and expected > 0
    assert sub.replaced_weight[2] == pytest.approx(full.W[t, full.names.index("V3-23E")])
    # The mean and variance of every simulated population's input stay those of the whole network
    # when the other areas fire at the replacement rates.
    p = model.params
    mu_full = formulas.mean_input(p, full.K, full.W, full.K_ext, full.W_ext, rates, full.DC)[keep]
    var_full = formulas.input_variance(p, full.K, full.W, full.K_ext, full.W_ext, rates)[keep]
    J_cc = sub.replaced_weight * p.tau_syn_ex / p.C_m
    mu = formulas.mean_input(p, sub.K, sub.W, sub.K_ext, sub.W_ext, rates[keep], sub.DC) + 1e-3 * p.tau_m * J_cc * sub.replaced_rate
    var = formulas.input_variance(p, sub.K, sub.W, sub.K_ext, sub.W_ext, rates[keep]) + 1e-3 * p.tau_m * J_cc ** 2 * sub.replaced_rate
    assert np.allclose(mu, mu_full, rtol=1e-12) and np.allclose(var, var_full, rtol=1e-12)
    # Homogeneous replacement: every replaced population at rate_ext; the metastable weights onto I are x chi_I.
    hom = registry.create_model("schmidt2018.metastable", areas="V1", replacement="hom_poisson_stat").simulated_network()
    meta = registry.create_model("schmidt2018.metastable").network()
    assert hom.replaced_rate[0] == pytest.approx(10.0 * meta.K[0, 8:].sum(), rel=1e-12)
    assert hom.replaced_weight[1] == pytest.approx(2.0 * hom.replaced_weight[0])


@needs_data
def test_area_subset_structure_and_bad_area_names(data):
    structure = registry.create_model("schmidt2018", areas="TH").structure(Drawn(1)).as_dict()
    assert [p["name"] for p in structure["populations"]] == ["TH-23E", "TH-23I", "TH-5E", "TH-5I", "TH-6E", "TH-6I"]
    assert all(p["pre"].startswith("TH-") and p["post"].startswith("TH-") for p in structure["projections"])
    assert all(e["replaced_areas_rate_hz"] > 0 for e in structure["external_inputs"])
    with pytest.raises(ZooError, match="unknown area"):
        registry.create_model("schmidt2018", areas="V1,V9")
    with pytest.raises(ZooError, match="replacement must be one of"):
        registry.create_model("schmidt2018", replacement="current")


# --- mean-field theory -------------------------------------------------------------------------------------
def test_siegert_formula_against_direct_integration():
    from scipy import integrate, special

    from zoo.models.schmidt2018 import meanfield

    p = Schmidt2018Params()
    shift = meanfield.ALPHA / 2 * math.sqrt(p.tau_syn_ex / p.tau_m)
    assert meanfield.ALPHA == pytest.approx(2.0652, abs=1e-4)
    for mu, sigma in [(10.0, 5.0), (14.0, 0.5), (20.0, 3.0), (12.0, 1.0), (30.0, 10.0), (5.0, 8.0)]:
        upper, lower = (15.0 - mu) / sigma + shift, -mu / sigma + shift
        integral, _ = integrate.quad(lambda u: special.erfcx(-u), lower, upper, limit=500)
        expected = 1e3 / (p.t_ref + p.tau_m * math.sqrt(math.pi) * integral)
        assert meanfield.siegert(mu, sigma, p.tau_m, p.tau_syn_ex, p.t_ref, 15.0, 0.0) == pytest.approx(expected, rel=1e-10)
    # Suprathreshold drift without noise: the deterministic LIF rate 1 / (t_ref + tau_m ln(mu / (mu - theta))).
    assert meanfield.siegert(30.0, 1e-3, p.tau_m, p.tau_syn_ex, p.t_ref, 15.0, 0.0) == pytest.approx(
        1e3 / (p.t_ref + p.tau_m * math.log(30.0 / 15.0)), rel=1e-3)


@needs_data
def test_mean_field_of_one_area_is_a_fixed_point(data):
    """V1 alone, the other areas at their full-scale rates: a fixed point of the Siegert map, with
    the rates that reach V1 from the replaced areas in its input."""
    from zoo.models.schmidt2018 import meanfield

    model = registry.create_model("schmidt2018", areas="V1", N_scaling=1.0, K_scaling=1.0)
    sub, p = model.simulated_network(), model.params
    rates = model.mean_field_rates()
    assert rates.shape == (8,) and np.all(np.isfinite(rates)) and np.all(rates > 0)
    J_cc = sub.replaced_weight * p.tau_syn_ex / p.C_m
    mu = formulas.mean_input(p, sub.K, sub.W, sub.K_ext, sub.W_ext, rates, sub.DC) + 1e-3 * p.tau_m * J_cc * sub.replaced_rate
    var = formulas.input_variance(p, sub.K, sub.W, sub.K_ext, sub.W_ext, rates) + 1e-3 * p.tau_m * J_cc ** 2 * sub.replaced_rate
    again = meanfield.siegert(mu, np.sqrt(var), p.tau_m, p.tau_syn_ex, p.t_ref, p.V_th - p.E_L, p.V_reset - p.E_L)
    assert np.allclose(again, rates, rtol=1e-6)
    # Without the input from the other areas V1 fires differently: the replacement is doing the work.
    unreplaced = meanfield.siegert(mu - 1e-3 * p.tau_m * J_cc * sub.replaced_rate, np.sqrt(var), p.tau_m, p.tau_syn_ex,
                                   p.t_ref, p.V_th - p.E_L, p.V_reset - p.E_L)
    assert not np.allclose(unreplaced, rates, rtol=1e-2)


@needs_data
@pytest.mark.slow
def test_mean_field_ground_state_at_full_scale_matches_the_reference_theory(data):
    """Spec 5.2: the reference's Theory (NEST siegert_neuron, zero initial rates) gives 2.61 spikes/s
    neuron-weighted, 3.73 averaged over the 254 populations, range 0.05-11.0. (~15 s, more on a busy machine.)"""
    model = full_scale()
    net = model.network()
    rates = model.mean_field_rates()
    assert np.dot(rates, net.N) / net.N.sum() == pytest.approx(2.61, abs=0.005)
    assert rates.mean() == pytest.approx(3.73, abs=0.005)
    assert rates.min() == pytest.approx(0.05, abs=0.005) and rates.max() == pytest.approx(11.0, abs=0.05)
    # A fixed point: the rates reproduce themselves through the Siegert formula.
    from zoo.models.schmidt2018 import meanfield

    p = model.params
    mu = formulas.mean_input(p, net.K, net.W, net.K_ext, net.W_ext, rates, net.DC)
    sigma = np.sqrt(formulas.input_variance(p, net.K, net.W, net.K_ext, net.W_ext, rates))
    again = meanfield.siegert(mu, sigma, p.tau_m, p.tau_syn_ex, p.t_ref, p.V_th - p.E_L, p.V_reset - p.E_L)
    assert np.allclose(again, rates, rtol=1e-6, atol=1e-9)
    # Areas replaced by Poisson input at the mean-field rates leave the simulated areas' rates unchanged
    # (the reference's test_het_poisson_stat_mf).
    keep = [i for i, name in enumerate(net.names) if name.split("-")[0] in ("V1", "V2")]
    fixed = rates.copy()
    fixed[keep] = np.nan
    sub, _ = meanfield.stationary_rates(p, net.K, net.W, net.K_ext, net.W_ext, net.DC, fixed=fixed)
    assert np.allclose(sub[keep], rates[keep], rtol=1e-6)


def test_extra_figures_rate_matrix_and_rasters_of_a_few_areas(tmp_path):
    import neo
    import quantities as pq

    from zoo.analysis import plots

    segment = neo.Segment()
    for population in ("V1-23E", "V1-4I", "V2-5E", "MT-6E", "FEF-23E"):
        for index in range(3):
            segment.spiketrains.append(neo.SpikeTrain([1.0 + index, 5.0] * pq.ms, t_start=0 * pq.ms, t_stop=10 * pq.ms,
                                                      source_population=population, source_index=index))
    summary = {"observables": {"population_rate_hz": {"V1-23E": 2.0, "V1-4I": 5.0, "V2-5E": 1.0, "MT-6E": 3.0,
                                                      "FEF-23E": 0.5}}}
    figures = dict(registry.create_model("schmidt2018.tiny").extra_figures(segment, summary, "test"))
    assert set(figures) == {"area_rates.png", "raster_areas.png"}
    for name, draw in figures.items():
        draw(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 0
    shown = plots.subset(segment, lambda population: population.split("-")[0] in ("V1", "V2", "FEF"))
    assert {st.annotations["source_population"] for st in shown.spiketrains} == {"V1-23E", "V1-4I", "V2-5E", "FEF-23E"}
