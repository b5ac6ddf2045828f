"""rostami2020: the weight formulas against the NEST example's numbers, parameters, variants, structure."""

import numpy as np
import pytest

from zoo.models.rostami2020 import VARIANTS, Rostami2020, Rostami2020Params, formulas
from zoo.seeds import SeedStreams
from zoo.units import to_pynn

P = Rostami2020Params()


def test_psp_peaks_match_the_spec():
    A = formulas.psp_peaks(P)
    assert A["EE"] == pytest.approx(3.1498, abs=1e-4)
    assert A["II"] == pytest.approx(2.5000, abs=1e-4)


def test_drive_is_I_th_times_rheobase():
    assert formulas.rheobase(20.0, 20.0, 0.0, 1.0) == pytest.approx(1.0)
    assert formulas.drive_currents(P) == pytest.approx((1.25, 1.56))


def test_base_weights_match_the_spec():
    J = formulas.base_weights(P)
    expected = {"EE": 0.22449, "EI": -0.43103, "IE": 0.17889, "II": -0.71554}
    for key, value in expected.items():
        assert J[key] == pytest.approx(value, abs=1e-5)


def test_clustered_weights_match_the_spec_table():
    W = formulas.clustered_weights(P)
    expected = {
        "EE": (1.34695, 0.16542),
        "EI": (-2.19823, -0.33801),
        "IE": (0.91232, 0.14028),
        "II": (-3.64926, -0.56114),
    }
    for key, (within, across) in expected.items():
        assert W[key][0] == pytest.approx(within, abs=1e-5)
        assert W[key][1] == pytest.approx(across, abs=1e-5)


def test_weights_in_pynn_units_are_nanoampere():
    assert to_pynn(formulas.clustered_weights(P)["EE"][0], "pA") == pytest.approx(0.00134695, abs=1e-8)
    assert to_pynn(P.C_m, "pF") == pytest.approx(0.001)
    assert to_pynn(formulas.drive_currents(P)[1], "pA") == pytest.approx(0.00156)


def test_sqrt_K_coincident_EPSPs_span_rest_to_threshold():
    """J_EE A_EE sqrt(K_EE) = V_th - E_L (Eq. 7), for any size."""
    for params in (P, P.replace(N_E=800, N_I=200, Q=10)):
        J = formulas.base_weights(params)["EE"]
        assert J * formulas.psp_peaks(params)["EE"] * np.sqrt(params.p_EE * params.N_E) == pytest.approx(20.0)


def test_cluster_factors_keep_row_sums():
    for key, (plus, minus) in formulas.cluster_factors(P).items():
        assert (plus + (P.Q - 1) * minus) / P.Q == pytest.approx(1.0)
    assert formulas.cluster_factors(P)["EI"][0] == pytest.approx(5.1)
    assert formulas.cluster_factors(P.replace(r_J=0.0))["II"] == (1.0, 1.0)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_is_valid_and_documented(name):
    variant = VARIANTS[name]
    assert variant.reason and variant.source
    model = Rostami2020(variant.params, variant=name)
    assert model.params.N_E % model.params.Q == 0


def test_tiny_structure_is_exact_and_clusters_split_by_index():
    model = Rostami2020(VARIANTS["tiny"].params, "tiny")
    structure = model.structure(model.draw(SeedStreams(1))).as_dict()
    counts = {p["name"]: p["synapses"] for p in structure["projections"]}
    assert len(counts) == 8
    p = model.params
    expected_EE = p.p_EE * p.N_E * (p.N_E - 1)
    assert counts["E_to_E_within"] + counts["E_to_E_across"] == pytest.approx(expected_EE, abs=5 * np.sqrt(expected_EE))
    within_share = counts["E_to_E_within"] / (counts["E_to_E_within"] + counts["E_to_E_across"])
    assert within_share == pytest.approx(1 / p.Q, abs=0.01)
    connections = model.connections(model.draw(SeedStreams(1)))
    i, j = connections["E_to_E_within"]
    assert np.array_equal(model.cluster_of("E")[i], model.cluster_of("E")[j])
    assert not np.any(i == j)


def test_a_process_draws_only_the_rows_onto_its_own_cells():
    """What a process holding every 4th cell draws (NEST with MPI) is exactly the whole draw's rows
    onto those cells, in the same order, and the counts the structure gives need no lists."""
    model = Rostami2020(VARIANTS["tiny"].params, "tiny")
    drawn = model.draw(SeedStreams(1))
    whole = drawn["pairs"]
    assert {name: len(rows) for name, rows in whole.items()} == \
        {name: int(counts.sum()) for name, counts in drawn["counts"].items()}
    for rank in range(4):
        local = {name: np.arange(rank, size, 4) for name, size in model.sizes().items()}
        part = model.draw_pairs(SeedStreams(1), local)
        for name, rows in whole.items():
            mine = rows[np.isin(rows[:, 1], local[name.split("_")[2]])]
            np.testing.assert_array_equal(part[name], mine)  # the same rows, in the same order
    for rows in whole.values():
        key = rows[:, 0].astype(np.int64) * 10_000 + rows[:, 1]
        assert np.unique(key).size == key.size  # no pair twice


def test_in_degrees_are_binomial_within_and_across_clusters():
    model = Rostami2020(VARIANTS["tiny"].params, "tiny")
    p, sizes = model.params, model.sizes()
    pairs = model.draw(SeedStreams(2))["pairs"]
    probability = {"EE": p.p_EE, "EI": p.p_EI, "IE": p.p_IE, "II": p.p_II}
    for name, rows in pairs.items():
        pre, _, post, kind = name.split("_")
        in_cluster = sizes[pre] // p.Q
        pool = in_cluster - (pre == post) if kind == "within" else sizes[pre] - in_cluster
        degree = np.bincount(rows[:, 1], minlength=sizes[post])
        q = probability[post + pre]
        mean, var = pool * q, pool * q * (1 - q)
        assert abs(degree.mean() - mean) < 4 * np.sqrt(var / degree.size), name
        assert abs(degree.var(ddof=1) - var) < 4 * var * np.sqrt(2 / degree.size) + 4 * np.sqrt(var / degree.size), name


def test_connections_depend_on_the_seed_only():
    model = Rostami2020(VARIANTS["tiny"].params, "tiny")
    a = model.connections(model.draw(SeedStreams(1)))["I_to_E_across"]
    other = Rostami2020(VARIANTS["tiny"].params, "tiny")
    b = other.connections(other.draw(SeedStreams(1)))["I_to_E_across"]
    c = model.connections(model.draw(SeedStreams(2)))["I_to_E_across"]
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert a[0].size != c[0].size or not np.array_equal(a[0], c[0])
