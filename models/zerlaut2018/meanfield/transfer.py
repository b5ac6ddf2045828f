"""Transfer functions measured on a simulator and fitted with the template (Zerlaut et al. 2018).

:func:`measure` simulates uncoupled cells on one zoo backend (NEST or Brian2, through PyNN): every
cell gets independent Poisson input on each channel at one point of a grid of total input rates
(a channel's K synapses at rate nu act as one Poisson source at K nu, since conductance jumps add
linearly; but Brian2's Poisson sources are Bernoulli per step, at most one spike per step, so a
source at K nu = 3600 Hz has 36 % less variance than Poisson at dt = 0.1 ms, while NEST's are
Poisson: `sources_per_channel` splits the rate over several sources to make the two agree), and its output rate is counted after a warm-up long enough for adaptation to settle.
Results are cached outside the package (:func:`cache_dir`), keyed by everything that shapes them.

:func:`fit` fits the 10 coefficients of the effective threshold as the paper does: first linearly,
on V_eff inverted from the measured rates, then by least squares on the rates themselves, each
weighted by its Poisson counting error. The adaptation current of each point is its stationary
value W = b tau_w nu_out (+ a (mu_V - E_L)), so the fitted template carries adaptation the way
di Volo et al. (2019) put it into the mean field.
"""

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np
from scipy import optimize, special

from zoo.io import times_ms

from . import template

log = logging.getLogger("zoo")
CACHE_VERSION = 1


def cache_dir():
    """Where measured transfer functions are kept: $ZOO_CACHE_DIR/meanfield or ~/.cache/zoo/meanfield."""
    root = os.environ.get("ZOO_CACHE_DIR")
    return (Path(root) if root else Path.home() / ".cache" / "zoo") / "meanfield"


@dataclasses.dataclass(frozen=True)
class Protocol:
    """How a transfer function is measured: grid of total input rates [Hz] per channel, cells per
    grid point, warm-up and recorded time [ms], simulator, master seed, time step [ms]."""

    grid: tuple  # ((channel, (rate, ...)), ...)
    simulator: str  # a zoo backend's name
    cells_per_point: int = 16
    warmup: float = 1500.0
    duration: float = 3000.0
    seed: int = 1
    dt: float = 0.1
    sources_per_channel: int = 1  # split a channel's rate over this many Poisson sources per cell

    def points(self):
        """{channel: array} of every grid point (the product of the channel grids)."""
        names = [name for name, _ in self.grid]
        mesh = np.meshgrid(*[np.asarray(values, dtype=float) for _, values in self.grid], indexing="ij")
        return {name: m.ravel() for name, m in zip(names, mesh)}


def _key(cell_params, cell, protocol, neuron):
    parts = [CACHE_VERSION, cell_params, dataclasses.asdict(cell), dataclasses.asdict(protocol)]
    text = json.dumps(parts + ([neuron.digest()] if neuron is not None else []), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def measure(cell_params, cell, protocol, label="cell", use_cache=True, neuron=None):
    """{channel rates..., 'rate': nu_out [Hz], 'spikes': counts, 'cells': n} per grid point.

    `neuron`: the zoo.neurons NeuronType simulated (receptors 'excitatory' and 'inhibitory', states 'V_m' and
    'w'), or None for PyNN's EIF_cond_exp_isfa_ista; `cell_params`: its parameters (in its units);
    `cell`: the template's view of it (channels give the synaptic Q, tau and E).
    """
    path = cache_dir() / f"tf-{label}-{_key(cell_params, cell, protocol, neuron)}.npz"
    if use_cache and path.exists():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    result = _simulate(cell_params, cell, protocol, neuron)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **result)
    log.info("transfer function of %s cached in %s", label, path)
    return result


def _simulate(cell_params, cell, protocol, neuron):
    from zoo import backends
    from zoo.neurons import cell_type
    from zoo.seeds import SeedStreams

    points = protocol.points()
    n_points = next(iter(points.values())).size
    n = n_points * protocol.cells_per_point
    point_of_cell = np.repeat(np.arange(n_points), protocol.cells_per_point)
    streams = SeedStreams(protocol.seed)
    b = backends.setup(protocol.simulator, streams, timestep=protocol.dt, min_delay=protocol.dt)
    try:
        sim = b.sim
        if neuron is None:
            cells = sim.Population(n, sim.EIF_cond_exp_isfa_ista(**cell_params), label="cells")
            cells.initialize(v=cell.El, w=0.0)
        else:
            cells = sim.Population(n, cell_type(neuron, sim)(**cell_params), label="cells")
            cells.initialize(V_m=cell.El, w=0.0)
        pairs = np.column_stack((np.arange(n), np.arange(n)))
        m = protocol.sources_per_channel
        fan_in = np.column_stack((np.arange(n * m), np.repeat(np.arange(n), m)))  # m sources per cell
        for name, ch in cell.channels:
            rates = np.repeat(points[name][point_of_cell], m) / m
            source = sim.Population(n * m, sim.SpikeSourcePoisson(rate=rates), label=f"input_{name}")
            receptor = "excitatory" if ch.E > cell.El else "inhibitory"
            sim.Projection(source, cells, sim.FromListConnector(pairs if m == 1 else fan_in),
                           sim.StaticSynapse(weight=ch.Q / 1000.0, delay=protocol.dt), receptor_type=receptor)
        cells.record("spikes")
        sim.run(protocol.warmup + protocol.duration)
        trains = cells.get_data("spikes").segments[0].spiketrains
        counts = np.zeros(n)
        for st in trains:
            times = times_ms(st)
            counts[int(st.annotations["source_index"])] = np.count_nonzero(times >= protocol.warmup)
    finally:
        b.end()
    spikes = np.bincount(point_of_cell, weights=counts, minlength=n_points)
    rate = spikes / (protocol.cells_per_point * protocol.duration / 1000.0)
    return {**points, "rate": rate, "spikes": spikes, "cells": np.full(n_points, protocol.cells_per_point),
            "duration_ms": np.full(n_points, protocol.duration)}


def _data_moments(cell, data):
    rates = {name: data[name] for name, _ in cell.channels}
    mu_V0, *_ = template.moments(cell, rates, 0.0)
    W = template.stationary_W(cell, data["rate"], mu_V0)
    if cell.a:  # mu_V depends on W: iterate the stationary W a few times
        for _ in range(20):
            mu_V, *_ = template.moments(cell, rates, W)
            W = template.stationary_W(cell, data["rate"], mu_V)
    return template.moments(cell, rates, W)


def fit(cell, data, max_rate=60.0, min_spikes=3, error_floor=0.03):
    """Coefficients [mV] of V_eff fitted to measured `data` (see the module docstring).

    Rates count with their Poisson error combined with a relative floor (`error_floor`), so that
    well-measured high rates do not outweigh the low rates where networks often sit.
    """
    mu_V, sigma_V, tau_V, _ = _data_moments(cell, data)
    rate = np.asarray(data["rate"], dtype=float)
    seconds = data["cells"] * data["duration_ms"] / 1000.0
    error = np.hypot(np.sqrt(np.maximum(data["spikes"], 1.0)) / seconds, error_floor * rate)  # [Hz]
    usable = (data["spikes"] >= min_spikes) & (rate < max_rate) & (2 * rate / 1000.0 * tau_V < 1.0) & (sigma_V > 0)
    if usable.sum() < template.N_COEFFS + 2:
        raise ValueError(f"only {usable.sum()} usable grid points for a {template.N_COEFFS}-coefficient fit")
    X = template.features(cell, mu_V, sigma_V, tau_V)
    v_eff = mu_V + np.sqrt(2.0) * sigma_V * special.erfcinv(2.0 * rate / 1000.0 * tau_V)
    # Error of V_eff from the rate error: dV/dnu = sqrt(2) sigma d erfcinv(2 nu tau)/dnu.
    slope = np.abs(np.sqrt(2.0) * sigma_V * np.sqrt(np.pi) / 2.0 * np.exp(special.erfcinv(2 * rate / 1000 * tau_V) ** 2)
                   * 2.0 * tau_V / 1000.0)
    weight = 1.0 / np.maximum(slope * error, 1e-3)
    u = usable
    linear, *_ = np.linalg.lstsq(X[u] * weight[u, None], v_eff[u] * weight[u], rcond=None)

    fit_points = (data["spikes"] >= 0) & (rate < max_rate) & (sigma_V > 0)

    def residuals(coeffs):
        predicted = template.rate_from_moments(cell, coeffs, mu_V[fit_points], sigma_V[fit_points], tau_V[fit_points])
        return (predicted - rate[fit_points]) / error[fit_points]

    refined = optimize.least_squares(residuals, linear, method="lm")
    return refined.x


def fit_quality(cell, coeffs, data, max_rate=60.0):
    """Median |relative error| of the fitted rates on grid points with rates in [0.5, max_rate) Hz."""
    mu_V, sigma_V, tau_V, _ = _data_moments(cell, data)
    predicted = template.rate_from_moments(cell, coeffs, mu_V, sigma_V, tau_V)
    rate = np.asarray(data["rate"])
    keep = (rate >= 0.5) & (rate < max_rate)
    return float(np.median(np.abs(predicted[keep] - rate[keep]) / rate[keep]))
