"""zoo.models.zerlaut2018.meanfield: moments against closed forms, fits that recover known coefficients, fixed points."""

import numpy as np
import pytest

from zoo.models.zerlaut2018.meanfield import network, template, transfer

EXC = template.Channel(Q=1.0, tau=5.0, E=0.0)
INH = template.Channel(Q=4.0, tau=5.0, E=-80.0)
CELL = template.Cell(Cm=200.0, Gl=10.0, El=-70.0, a=0.0, b=40.0, tauw=500.0, channels=(("exc", EXC), ("inh", INH)))
FS = template.Cell(Cm=200.0, Gl=10.0, El=-70.0, a=0.0, b=0.0, tauw=500.0, channels=(("exc", EXC), ("inh", INH)))
# di Volo et al. 2019 RS coefficients (TVB Zerlaut.py), converted from V to mV: a plausible template.
RS_COEFFS = 1000 * np.array([-4.98e-2, 5.06e-3, -2.5e-2, 1.4e-3, -4.1e-4, 1.05e-2, -3.6e-2, 7.4e-3, 1.2e-3, -4.07e-2])
FS_COEFFS = 1000 * np.array([-5.14e-2, 4.0e-3, -8.3e-3, 2.0e-4, -5.0e-4, 1.4e-3, -1.46e-2, 4.5e-3, 2.8e-3, -1.53e-2])


def test_mean_potential_is_the_conductance_weighted_reversal():
    nu = 1000.0  # Hz, so mu_G_exc = 1 /ms * 5 ms * 1 nS = 5 nS
    mu_V, sigma_V, tau_V, mu_G = template.moments(CELL, {"exc": nu})
    assert mu_G == pytest.approx(15.0)
    assert mu_V == pytest.approx((10.0 * -70.0 + 5.0 * 0.0) / 15.0)
    assert sigma_V > 0 and tau_V > 0


def test_single_channel_variance_and_time_constant_match_campbell():
    """One channel: sigma^2 = nu (U tau)^2 / (2 (tau_m + tau)), tau_V = tau_m + tau."""
    nu = 800.0
    mu_V, sigma_V, tau_V, mu_G = template.moments(CELL, {"exc": nu})
    tau_m = 200.0 / mu_G
    U = 1.0 * (0.0 - mu_V) / mu_G
    assert sigma_V**2 == pytest.approx(nu / 1000 * (U * 5.0) ** 2 / (2 * (tau_m + 5.0)))
    assert tau_V == pytest.approx(tau_m + 5.0)


def test_adaptation_current_lowers_the_mean_potential():
    mu_0 = template.moments(CELL, {"exc": 1000.0, "inh": 200.0}, 0.0)[0]
    mu_W = template.moments(CELL, {"exc": 1000.0, "inh": 200.0}, 30.0)[0]
    mu_G = template.moments(CELL, {"exc": 1000.0, "inh": 200.0}, 0.0)[3]
    assert mu_0 - mu_W == pytest.approx(30.0 / mu_G)
    assert template.stationary_W(CELL, 2.0, -60.0) == pytest.approx(40.0 * 500.0 * 2.0 / 1000.0)


def test_rate_rises_with_excitation_and_falls_with_inhibition():
    exc = np.linspace(800, 3000, 5)
    rates = template.transfer(CELL, RS_COEFFS, {"exc": exc, "inh": 300.0 + 0 * exc})
    assert np.all(np.diff(rates) > 0)
    inh = np.linspace(100, 1500, 5)
    assert np.all(np.diff(template.transfer(CELL, RS_COEFFS, {"exc": 2000.0 + 0 * inh, "inh": inh})) < 0)


def _synthetic_data(rng, coeffs, cells=20, duration_ms=3000.0):
    exc, inh = np.meshgrid(np.linspace(600, 3600, 13), np.linspace(0, 1500, 11), indexing="ij")
    exc, inh = exc.ravel(), inh.ravel()
    seconds = cells * duration_ms / 1000.0
    # Rates solve nu = F(W = b tau_w nu) by iteration, as a cell with adaptation would settle.
    nu = np.ones_like(exc)
    for _ in range(200):
        nu = 0.5 * nu + 0.5 * template.transfer(CELL, coeffs, {"exc": exc, "inh": inh}, CELL.b * CELL.tauw * nu / 1000)
    spikes = rng.poisson(nu * seconds).astype(float)
    return {"exc": exc, "inh": inh, "rate": spikes / seconds, "spikes": spikes,
            "cells": np.full(exc.size, cells), "duration_ms": np.full(exc.size, duration_ms)}, nu


def test_fit_recovers_the_rates_of_a_known_template():
    data, truth = _synthetic_data(np.random.default_rng(1), RS_COEFFS)
    coeffs = transfer.fit(CELL, data)
    truth_W = {"exc": data["exc"], "inh": data["inh"]}
    fitted = template.transfer(CELL, coeffs, truth_W, CELL.b * CELL.tauw * truth / 1000)
    keep = (truth > 1.0) & (truth < 40.0)
    assert keep.sum() > 20
    assert np.median(np.abs(fitted[keep] / truth[keep] - 1)) < 0.05
    assert transfer.fit_quality(CELL, coeffs, data) < 0.15


def test_fit_refuses_data_without_enough_points():
    data, _ = _synthetic_data(np.random.default_rng(2), RS_COEFFS)
    silent = {**data, "rate": 0 * data["rate"], "spikes": 0 * data["spikes"]}
    with pytest.raises(ValueError, match="usable grid points"):
        transfer.fit(CELL, silent)


def _two_populations():
    def inputs(nu, faff):
        drive = {"exc": 200 * nu["E"] + 200 * faff, "inh": 50 * nu["I"]}
        return {"E": drive, "I": drive}

    return network.MeanField({"E": (CELL, RS_COEFFS), "I": (FS, FS_COEFFS)}, inputs)


def test_fixed_point_is_self_consistent_and_rises_with_drive():
    mf = _two_populations()
    low, high = mf.fixed_point(4.0), mf.fixed_point(8.0)
    for faff, fp in ((4.0, low), (8.0, high)):
        W = {"E": CELL.b * CELL.tauw * fp["E"] / 1000, "I": 0.0}
        F = mf.rates(fp, W, faff)
        assert F["E"] == pytest.approx(fp["E"], rel=1e-4, abs=1e-6) and F["I"] == pytest.approx(fp["I"], rel=1e-4, abs=1e-6)
    assert high["E"] > low["E"] and high["I"] > low["I"]


def test_time_course_settles_on_the_fixed_point():
    mf = _two_populations()
    fp = mf.fixed_point(8.0)
    t = np.arange(0.0, 2500.0, 1.0)  # 5 tau_w
    nu, W = mf.time_course(lambda s: 8.0 + 0 * s, t, dt=1.0)
    assert nu["E"][-1] == pytest.approx(fp["E"], rel=0.02) and nu["I"][-1] == pytest.approx(fp["I"], rel=0.02)
    assert W["E"][-1] == pytest.approx(CELL.b * CELL.tauw * fp["E"] / 1000, rel=0.05)
    assert W["I"][-1] == 0.0
