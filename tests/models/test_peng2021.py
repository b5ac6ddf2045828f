"""peng2021: geometry, input maps, tuning statistics, bad input, identical networks, tiny runs.

Expected values come from geometry and theory (ellipse equation, equal areas, Bessel functions),
never from earlier runs.
"""

import json

import numpy as np
import neo
import pytest

from zoo.models.peng2021 import VARIANTS, Peng2021, geometry, maps, scan, tuning
from zoo.models.peng2021.params import Peng2021Params
from zoo import run as cli
from zoo.backends import SIMULATORS
from zoo.errors import ZooError
from zoo.io import trains_by_population
from zoo.seeds import SeedStreams

TINY = VARIANTS["tiny"].params


# --- geometry -----------------------------------------------------------------------------------
def _brute_force_inside(dx, dy, a, b, phi):
    """The ellipse equation in the ellipse's own axes: (u / a)^2 + (v / b)^2 <= 1."""
    u = dx * np.cos(phi) + dy * np.sin(phi)
    v = -dx * np.sin(phi) + dy * np.cos(phi)
    return (u / a) ** 2 + (v / b) ** 2 <= 1.0


@pytest.mark.parametrize("a, b, phi", [(100.0, 25.0, 0.0), (100.0, 25.0, 0.7), (80.0, 60.0, 2.3), (50.0, 50.0, 1.0)])
def test_ellipse_membership_matches_the_ellipse_equation(a, b, phi):
    rng = np.random.default_rng(3)
    dx, dy = rng.uniform(-120, 120, (2, 20000))
    ours = geometry.inside_ellipse(dx, dy, a, b, phi)
    truth = _brute_force_inside(dx, dy, a, b, phi)
    near_border = np.abs(np.sqrt((dx * np.cos(phi) + dy * np.sin(phi)) ** 2 / a**2
                                 + (-dx * np.sin(phi) + dy * np.cos(phi)) ** 2 / b**2) - 1) < 1e-9
    assert np.array_equal(ours[~near_border], truth[~near_border])
    assert ours.sum() > 100


def test_membership_matrix_uses_each_interneurons_orientation_and_the_torus():
    axons = geometry.Axons(np.array([10.0, 50.0]), np.array([50.0, 50.0]), 30.0, 5.0, np.array([0.0, np.pi / 2]))
    ex, ey = np.array([35.0, 50.0, 95.0]), np.array([50.0, 75.0, 50.0])
    open_sheet = geometry.membership(axons, ex, ey, 100.0, periodic=False)
    assert open_sheet.tolist() == [[True, False, False], [False, True, False]]
    torus = geometry.membership(axons, ex, ey, 100.0, periodic=True)
    assert torus[0, 2]  # 95 is 15 um left of 10 across the border


def test_circle_of_equal_area_encloses_as_many_cells():
    params = TINY.replace(L=600.0, n_side=120)  # 5 um grid: counting approximates the area
    _, ex, ey = geometry.e_grid(params)
    ix, iy = np.array([300.0]), np.array([300.0])
    polar = geometry.Axons(ix, iy, 100.0, 25.0, np.array([0.6]))
    circle = geometry.circular_axons(params.replace(axon_a=100.0, axon_b=25.0), ix, iy)
    assert circle.a == pytest.approx(50.0) and circle.area == pytest.approx(polar.area)
    counts = [geometry.membership(ax, ex, ey, params.L, False).sum() for ax in (polar, circle)]
    assert counts[0] == pytest.approx(polar.area / 25.0, rel=0.03)
    assert counts[1] == pytest.approx(counts[0], rel=0.03)


def test_entropy_rule_orients_axons_across_the_map_gradient():
    """On stripes phi = 2 pi x / 200 um an axon along x meets every direction, one along y only one."""
    params = TINY.replace(L=600.0, n_side=60, N_I=30)
    _, ex, ey = geometry.e_grid(params)
    pref = np.mod(2 * np.pi * ex / 200.0, 2 * np.pi)
    rng = np.random.default_rng(1)
    ix, iy = rng.uniform(150, 450, (2, params.N_I))
    phi, best = geometry.entropy_orientations(ix, iy, ex, ey, pref, 100.0, 25.0, 0.0, params.L, False, 36, 12, rng)
    deviation = np.abs(np.mod(phi + np.pi / 2, np.pi) - np.pi / 2)  # angle from the x axis, in [0, pi/2]
    assert np.all(deviation <= np.radians(25))
    random_phi = rng.uniform(0, np.pi, params.N_I)
    random_entropy = []
    for i, angle in enumerate(random_phi):
        dx, dy = ex - ix[i], ey - iy[i]
        random_entropy.append(geometry.direction_entropy(pref[geometry.inside_ellipse(dx, dy, 100.0, 25.0, angle)], 12))
    assert best.mean() > np.mean(random_entropy) + 0.3


def test_dendrite_pairs():
    ex, ey = np.array([0.0, 30.0, 100.0]), np.array([0.0, 0.0, 0.0])
    pre, post = geometry.dendrite_pairs(np.array([10.0]), np.array([0.0]), ex, ey, 25.0, 200.0, False)
    assert list(pre) == [0, 1] and list(post) == [0, 0]


def test_normalised_inhibition_gives_every_interneuron_the_same_total():
    pre = np.array([0, 0, 0, 1, 2, 2])
    w = geometry.inhibitory_weights(pre, np.bincount(pre), 5.0, normalise=True)
    totals = np.bincount(pre, weights=w)
    assert np.allclose(totals, totals[0]) and w.mean() == pytest.approx(5.0 * 2 / 2, rel=0.5)
    assert np.all(geometry.inhibitory_weights(pre, np.bincount(pre), 5.0, normalise=False) == 5.0)


def test_poisson_input_trains_have_their_rates_and_a_process_draws_only_its_own():
    """Each cell's train has the count r_j(theta_k) x step of its tuned rate in every direction (a
    Poisson count, within 5 SD over all cells); a process holding every 4th source draws exactly the
    whole draw's trains for them and none of the others."""
    model = Peng2021(TINY.replace(drive="poisson"), "tiny")
    sheet = model.draw(SeedStreams(1))["sheet"]
    p, trains = model.params, model.input_trains(sheet)
    rates = model.input_rates(sheet["pref"])
    edges = np.arange(p.n_directions + 1) * p.step_ms
    counts = np.array([np.histogram(train, edges)[0] for train in trains])
    expected = rates * p.step_ms / 1000.0
    expected[:, 0] -= rates[:, 0] * 2 * p.dt / 1000.0  # no spikes in the first two steps
    assert abs(counts.sum() - expected.sum()) < 5 * np.sqrt(expected.sum())
    assert np.corrcoef(counts.ravel(), expected.ravel())[0, 1] > 0.5
    assert all(np.all(np.diff(t) > 0) and np.allclose(t / p.dt, np.round(t / p.dt)) for t in trains)
    held = np.arange(1, len(trains), 4)
    part = model.input_trains(sheet, held)
    for cell, train in enumerate(part):
        np.testing.assert_array_equal(train, trains[cell] if cell % 4 == 1 else [])


@pytest.mark.parametrize("rule", ["dendrite", "transpose"])
def test_lists_drawn_by_blocks_are_the_whole_sheets_geometry(rule):
    """Found block by block of target cells, the lists are those of the whole (N_I, N_E) tables,
    in the same order: I -> E the E somata inside each axon, E -> I those within the dendrite or
    the transpose of I -> E; and structure() counts them exactly."""
    model = Peng2021(TINY.replace(E_to_I_rule=rule), "tiny")
    drawn = model.draw(SeedStreams(1))
    sheet, p = drawn["sheet"], model.params
    lists = model.connections(sheet)
    synapses = {q["name"]: q["synapses"] for q in model.structure(drawn).as_dict()["projections"]}
    for condition in ("polar", "circular"):
        pre, post = lists["I_to_E"][condition]
        expected = np.nonzero(geometry.membership(sheet["axons"][condition], sheet["ex"], sheet["ey"], p.L, p.periodic))
        np.testing.assert_array_equal(pre, expected[0])
        np.testing.assert_array_equal(post, expected[1])
        e_pre, i_post = lists["E_to_I"][condition]
        if rule == "dendrite":
            dx, dy = geometry.displacement(sheet["ex"][:, None], sheet["ey"][:, None], sheet["ix"][None, :],
                                           sheet["iy"][None, :], p.L, p.periodic)
            expected = np.nonzero(np.hypot(dx, dy) <= p.r_dend)
        else:
            expected = np.nonzero(geometry.membership(sheet["axons"][condition], sheet["ex"], sheet["ey"], p.L,
                                                      p.periodic).T)
        np.testing.assert_array_equal(e_pre, expected[0])
        np.testing.assert_array_equal(i_post, expected[1])
        assert synapses[f"I_to_E_{condition}"] == pre.size > 0 and synapses[f"E_to_I_{condition}"] == e_pre.size > 0


@pytest.mark.parametrize("overrides", [{}, {"E_to_I_rule": "transpose", "normalise_inhibition": True},
                                       {"p_I_to_E": 0.5}])
def test_a_process_gets_only_the_rows_onto_its_cells(overrides):
    """A process holding every 4th cell (NEST with MPI) gets exactly the whole lists' rows onto its
    cells, in the same order, with the same weights (normalised ones included)."""
    model = Peng2021(TINY.replace(**overrides), "tiny")
    sheet = model.draw(SeedStreams(2))["sheet"]
    whole = model.connections(sheet)
    sizes = {f"E_{c}": TINY.n_side**2 for c in model.conditions()} | {f"I_{c}": TINY.N_I for c in model.inhibited()}
    for rank in range(4):
        held = {name: np.arange(rank, size, 4) for name, size in sizes.items()}
        part = model.connections(sheet, held)
        for condition in model.inhibited():
            for projection, target in (("I_to_E", f"E_{condition}"), ("E_to_I", f"I_{condition}")):
                pre, post = whole[projection][condition]
                mine = np.isin(post, held[target])
                np.testing.assert_array_equal(part[projection][condition][0], pre[mine])
                np.testing.assert_array_equal(part[projection][condition][1], post[mine])
                if projection == "I_to_E":
                    np.testing.assert_array_equal(part["weights_nS"][condition], whole["weights_nS"][condition][mine])


def test_grid_positions_are_pynn_grid2d_positions():
    grid, ex, ey = geometry.e_grid(TINY)
    assert ex.size == TINY.n_side**2 and ex.min() == pytest.approx(7.5) and ey.max() == pytest.approx(292.5)
    assert np.array_equal(grid.generate_positions(ex.size)[:2], np.vstack((ex, ey)))


# --- input maps ---------------------------------------------------------------------------------
def test_perlin_directions_are_uniform():
    _, ex, ey = geometry.e_grid(TINY.replace(n_side=40, L=600.0))
    phi = maps.perlin_map(ex, ey, 100.0, 1, 3)
    counts = np.histogram(phi, bins=12, range=(0, 2 * np.pi))[0]
    assert counts.min() >= counts.max() - 1  # ranks: every direction equally common
    assert np.all((phi >= 0) & (phi < 2 * np.pi))


def test_perlin_correlation_length_grows_with_scale():
    _, ex, ey = geometry.e_grid(TINY.replace(n_side=40, L=600.0))
    lengths = []
    for scale in (40.0, 120.0, 360.0):
        phi = maps.perlin_map(ex, ey, scale, 1, 5)
        d, c = maps.correlation_length(ex, ey, phi, 15.0, 400.0)
        lengths.append(maps.e_folding_distance(d, c))
    assert lengths[0] < lengths[1] < lengths[2]


def test_map_seed_changes_the_perlin_map():
    _, ex, ey = geometry.e_grid(TINY)
    a, b = maps.perlin_map(ex, ey, 100.0, 1, 1), maps.perlin_map(ex, ey, 100.0, 1, 2)
    assert abs(np.mean(np.cos(a - b))) < 0.3
    assert np.array_equal(a, maps.perlin_map(ex, ey, 100.0, 1, 1))


def test_pinwheel_map_is_continuous_away_from_its_centres():
    params = TINY.replace(map_kind="pinwheel", L=600.0, n_side=120, pinwheel_spacing=200.0)
    _, ex, ey = geometry.e_grid(params)
    phi = maps.input_map(params, ex, ey).reshape(120, 120)
    jumps = np.abs(tuning.circular_difference(phi[1:, :], phi[:-1, :]))
    assert np.quantile(jumps, 0.99) < np.radians(20)  # large jumps only next to pinwheel centres
    counts = np.histogram(phi, bins=8, range=(0, 2 * np.pi))[0]
    assert counts.min() > 0.6 * counts.mean()


def test_missing_perlin_package_is_one_line(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_noise(name, *args, **kwargs):
        if name == "noise":
            raise ImportError("No module named 'noise'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_noise)
    with pytest.raises(ZooError, match=r"pip install 'noise==1.2.2'") as err:
        maps.perlin_map(np.array([1.0]), np.array([1.0]), 50.0)
    assert "\n" not in str(err.value)



def test_cli_without_perlin_package_says_what_to_install_and_writes_nothing(monkeypatch, tmp_path, capsys):
    import builtins

    real_import = builtins.__import__

    def no_noise(name, *args, **kwargs):
        if name == "noise":
            raise ImportError("No module named 'noise'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_noise)
    out = tmp_path / "run"
    assert cli.main(["peng2021.tiny", "--out", str(out), "--quiet"]) == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1 and "pip install 'noise==1.2.2'" in message
    assert not any(tmp_path.iterdir())

# --- tuning statistics --------------------------------------------------------------------------
def test_cosine_tuning_gives_the_known_resultant_length():
    theta = tuning.directions(12)
    for c, phi in ((0.5, 1.0), (1.0, 4.0), (0.2, 0.0)):
        rates = 10 * (1 + c * np.cos(theta - phi))
        assert tuning.hdi(rates, theta)[0] == pytest.approx(c / 2)
        assert tuning.preferred_direction(rates, theta)[0] == pytest.approx(phi)


def test_flat_single_and_silent_tuning():
    theta = tuning.directions(12)
    rates = np.array([np.full(12, 7.0), np.eye(12)[3] * 20, np.zeros(12)])
    h = tuning.hdi(rates, theta)
    assert h[0] == pytest.approx(0.0, abs=1e-12) and h[1] == pytest.approx(1.0) and np.isnan(h[2])
    assert tuning.preferred_direction(rates, theta)[1] == pytest.approx(theta[3])


def test_von_mises_tuning_matches_the_bessel_formula():
    theta = tuning.directions(360)
    for kappa, base in ((2.0, 0.0), (1.0, 0.3)):
        rates = base + np.exp(kappa * (np.cos(theta - 2.0) - 1))
        assert tuning.hdi(rates, theta)[0] == pytest.approx(tuning.von_mises_resultant(kappa, base), rel=1e-6)


def test_tuning_curves_count_spikes_per_window_as_elephant_does():
    rng = np.random.default_rng(2)
    trains = [neo.SpikeTrain(np.sort(rng.uniform(0, 3600, rng.integers(0, 80))), units="ms", t_start=0, t_stop=3600)
              for _ in range(40)]
    windows = tuning.windows(12, 300.0, 100.0)
    fast = tuning.tuning_curves(trains, windows)
    assert np.allclose(fast, tuning.tuning_curves_by_window(trains, windows))
    counts = [np.sum((np.asarray(t) >= 100) & (np.asarray(t) < 300)) for t in trains]
    assert np.allclose(fast[:, 0], np.array(counts) / 0.2)


# --- parameters and bad input -------------------------------------------------------------------
@pytest.mark.parametrize("changes, field", [
    ({"axon_a": 500.0}, "axon_a"), ({"axon_b": 120.0}, "axon_b"), ({"axon_b": -5.0}, "axon_b"),
    ({"axon_a": -1.0}, "axon_a"), ({"perlin_scale": 0.0}, "perlin_scale"), ({"n_directions": 0}, "n_directions"),
    ({"pinwheel_spacing": -3.0}, "pinwheel_spacing"), ({"L": -10.0}, "L"), ({"r_dend": 600.0}, "r_dend"),
    ({"map_seed": 300}, "map_seed"), ({"discard_ms": 2000.0}, "discard_ms"), ({"cell_model": "rk4"}, "cell_model"),
])
def test_impossible_values_name_the_field(changes, field):
    with pytest.raises(ZooError, match=field) as err:
        Peng2021Params().replace(**changes)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("setting", ["axon_a=600", "axon_b=200", "perlin_scale=0", "n_directions=0", "axon_b=-1"])
def test_cli_rejects_impossible_geometry_and_writes_nothing(tmp_path, capsys, setting):
    out = tmp_path / "run"
    assert cli.main(["peng2021.tiny", "--set", setting, "--out", str(out), "--quiet"]) == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1 and setting.split("=")[0] in message
    assert not out.exists() and not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_is_documented_and_builds_its_structure(name):
    variant = VARIANTS[name]
    assert variant.reason and variant.source
    if name != "tiny":
        return  # the full-size sheets are checked by tests/test_registry.py
    model = Peng2021(variant.params, name)
    structure = model.structure(model.draw(SeedStreams(1))).as_dict()
    names = [p["name"] for p in structure["populations"]]
    assert names == ["E_polar", "I_polar", "E_circular", "I_circular", "E_none"]
    counts = {p["name"]: p["synapses"] for p in structure["projections"]}
    # equal areas: polar and circular axons make about as many synapses (borders differ)
    assert counts["I_to_E_polar"] == pytest.approx(counts["I_to_E_circular"], rel=0.1)


def test_draws_depend_on_the_seed_and_the_map_seed_only():
    model = Peng2021(TINY, "tiny")
    a = model.draws(SeedStreams(1))
    b = Peng2021(TINY, "tiny").draws(SeedStreams(1))
    c = Peng2021(TINY, "tiny").draws(SeedStreams(2))
    d = Peng2021(TINY.replace(map_seed=7), "tiny").draws(SeedStreams(1))
    assert all(np.array_equal(x, y) for x, y in zip(model.connections(a)["I_to_E"]["polar"],
                                                    model.connections(b)["I_to_E"]["polar"]))
    assert np.array_equal(a["pref"], c["pref"]) and not np.array_equal(a["ix"], c["ix"])
    assert not np.array_equal(a["pref"], d["pref"]) and np.array_equal(a["ix"], d["ix"])


def test_structure_checks_match_the_geometry():
    """Within 100 um, P(I -> E) is about the axon area over the disc area, pi a b / (pi 100^2)."""
    model = Peng2021(TINY.replace(L=600.0, n_side=40, N_I=178), "tiny")
    from zoo.models.peng2021.observables import structure_checks

    checks = structure_checks(model, model.draws(SeedStreams(1)))
    expected = 100.0 * 25.0 / 100.0**2
    for condition in ("polar", "circular"):
        assert checks[f"{condition}_p_I_to_E_within_100um"] == pytest.approx(expected, rel=0.15)
    assert checks["circular_reciprocal_given_I_to_E"] == pytest.approx(1.0)  # r_circ = r_dend = 50 um
    assert 0.3 < checks["polar_reciprocal_given_I_to_E"] < 0.9


# --- the scan's bookkeeping ---------------------------------------------------------------------
def test_scan_plan_and_claims():
    args = scan._parser().parse_args(["--variant", "tiny"])
    base, overrides, runs = scan.plan(args)
    assert [(s, k) for s, k, *_ in runs] == [(50.0, 1), (50.0, 2), (150.0, 1), (150.0, 2)]
    assert all(master == k for _, k, master, *_ in runs)
    with pytest.raises(ZooError, match="perlin_scale"):
        scan.plan(scan._parser().parse_args(["--variant", "tiny", "--scales", "-5"]))
    rows = [{"scale_um": s, "map_seed": k, "delta_HDI": d, "mean_HDI_none": 0.7, "direction_error_deg_none": 1.0}
            for s, ds in ((25.0, (0.0, 0.001, -0.001)), (100.0, (0.02, 0.03, 0.025)), (900.0, (0.001, -0.002, 0.0)))
            for k, d in enumerate(ds)]
    verdict = scan.claims(rows)
    assert verdict["a_polar_better_at_intermediate_scale"]["holds"]
    assert verdict["b_effect_vanishes_at_both_ends"]["holds"]
    assert verdict["c_no_inhibition_is_input_baseline"]["holds"]
    flipped = [{**r, "delta_HDI": -r["delta_HDI"]} for r in rows]
    assert not scan.claims(flipped)["a_polar_better_at_intermediate_scale"]["holds"]


def test_scan_keeps_finished_runs_and_refuses_other_settings(tmp_path):
    base = TINY
    changes = {"perlin_scale": 50.0, "map_seed": 1}
    expected = scan._expected_parameters(base, changes)
    path = tmp_path / "scale-50_seed-1"
    assert not scan.finished(path, expected, "sim", 1)
    path.mkdir()
    params = base.replace(**changes).table()
    (path / "summary.json").write_text("{}")
    (path / "provenance.json").write_text(json.dumps({"parameters": params, "backend": {"simulator": "sim"}, "seeds": {"master": 1}}))
    assert scan.finished(path, expected, "sim", 1)
    with pytest.raises(ZooError, match="other settings"):
        scan.finished(path, scan._expected_parameters(base, {**changes, "axon_b": 30.0}), "sim", 1)


# --- on the simulators --------------------------------------------------------------------------
# A small sheet and a short protocol, for a run on each backend within the default test time:
# 14 x 14 E cells and 20 interneurons on 210 um with axons scaled down, 4 directions x 100 ms.
SHORT = TINY.replace(L=210.0, n_side=14, N_I=20, axon_a=60.0, axon_b=15.0, r_dend=30.0, perlin_scale=100.0,
                     n_directions=4, step_ms=100.0, discard_ms=25.0)


def _build(simulator, params=SHORT):
    from zoo import backends
    from zoo.backends.fingerprint import fingerprint

    model = Peng2021(params, "tiny")
    streams = SeedStreams(1)
    b = backends.setup(simulator, streams, **model.simulation_settings())
    return model, streams, b, model.build(b.sim, streams), fingerprint


def test_connectivity_is_identical_on_both_backends():
    prints = {}
    for simulator in SIMULATORS:
        model, streams, b, network, fingerprint = _build(simulator, TINY)
        try:
            prints[simulator] = fingerprint(network)
        finally:
            b.end()
    first, second = (prints[s] for s in SIMULATORS)
    assert first["sha256"] == second["sha256"]
    model = Peng2021(TINY, "tiny")
    assert first["total_connections"] == sum(
        p["synapses"] for p in model.structure(model.draw(SeedStreams(1))).as_dict()["projections"])


def _short_run(simulator):
    from zoo import io

    model, streams, b, network, _ = _build(simulator)
    try:
        b.sim.run(model.duration_ms)
        segment = io.collect_segment(network, 0.0, model.duration_ms)
    finally:
        b.end()
    return model.observables(segment), segment


@pytest.fixture(scope="module")
def short_runs():
    return {simulator: _short_run(simulator) for simulator in SIMULATORS}


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_short_run_gives_tuned_cells(short_runs, simulator):
    observables, segment = short_runs[simulator]
    for condition in ("polar", "circular", "none"):
        assert 0 < observables[f"mean_HDI_{condition}"] < 1
        assert observables[f"tuned_fraction_{condition}"] > 0.5
    # without inhibition the preferred direction is the input's (4 directions: within 45 degrees)
    assert observables["direction_error_deg_none"] < 45
    # inhibition acts: the same cells with the same drive fire fewer spikes with interneurons than
    # without (all spikes: a peak rate in a 75-ms window moves in steps of 13 spikes/s, too coarse here)
    spikes = {name: sum(len(st) for st in trains) for name, trains in trains_by_population(segment).items()}
    assert spikes["I_polar"] > 0 and spikes["I_circular"] > 0
    assert spikes["E_polar"] < spikes["E_none"] and spikes["E_circular"] < spikes["E_none"]


def test_short_runs_agree_across_backends(short_runs):
    """Statistics within loose bounds (the interneurons differ: PyNN's IF_cond_exp is integrated
    adaptively on NEST); without inhibition, where only the E cell and its drive act, the spike
    counts within 1 % (the same exponential Euler on both; PyNN's HH_cond_exp differed by 2-4 %)."""
    spikes = {s: {name: sum(len(st) for st in trains) for name, trains in trains_by_population(short_runs[s][1]).items()}
              for s in SIMULATORS}
    assert spikes["brian2"]["E_none"] == pytest.approx(spikes["nest"]["E_none"], rel=0.01)
    nest, brian2 = (short_runs[s][0] for s in SIMULATORS)
    for condition in ("polar", "circular", "none"):
        assert brian2[f"peak_rate_hz_{condition}"] == pytest.approx(nest[f"peak_rate_hz_{condition}"], rel=0.15)
        assert brian2[f"mean_HDI_{condition}"] == pytest.approx(nest[f"mean_HDI_{condition}"], abs=0.05)
    assert nest["polar_p_I_to_E_within_100um"] == brian2["polar_p_I_to_E_within_100um"]
