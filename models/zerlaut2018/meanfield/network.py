"""Fixed points and time course of a network of populations described by fitted transfer functions.

First-order master equation (El Boustani & Destexhe 2009; Zerlaut et al. 2018 Eq. 8) with the
adaptation current of di Volo et al. (2019, Eq. 9):

    T d nu_p / dt = F_p(inputs(nu, Faff), W_p) - nu_p
    dW_p / dt     = -W_p / tau_w + b_p nu_p + a_p (mu_V,p - E_L) / tau_w

T = 5 ms (the papers' Markov time constant). Stationary states have W_p = b tau_w nu_p +
a (mu_V - E_L), which :func:`MeanField.fixed_point` uses directly.
"""

import dataclasses

import numpy as np
from scipy import optimize

from . import template

T_MARKOV_MS = 5.0


@dataclasses.dataclass(frozen=True)
class MeanField:
    """Populations (name -> (template.Cell, coefficients)); `inputs(nu, faff)` gives each
    population's total input rates {channel: Hz} from the population rates {name: Hz} and the
    afferent rate faff [Hz] (the same for every population here)."""

    populations: dict
    inputs: object  # callable (nu: dict, faff) -> {population: {channel: Hz}}

    def names(self):
        return list(self.populations)

    def rates(self, nu, W, faff):
        """Transfer-function output {population: Hz} for rates `nu` and adaptation currents `W` [pA]."""
        drive = self.inputs(nu, faff)
        return {p: float(template.transfer(cell, coeffs, drive[p], W[p])) for p, (cell, coeffs) in self.populations.items()}

    def _stationary_W(self, nu, faff, adaptation=True):
        if not adaptation:
            return {p: 0.0 for p in self.populations}
        W = {}
        drive = self.inputs(nu, faff)
        for p, (cell, _) in self.populations.items():
            w = template.stationary_W(cell, nu[p], cell.El)
            if cell.a:
                for _ in range(20):
                    mu_V = template.moments(cell, drive[p], w)[0]
                    w = template.stationary_W(cell, nu[p], mu_V)
            W[p] = float(w)
        return W

    def fixed_point(self, faff, start=None, settle_ms=300.0, dt=0.5, adaptation=True):
        """Stable stationary rates {population: Hz} at constant drive `faff` [Hz].

        Relaxes the master equation (with W at its stationary value, which keeps the fixed points)
        from `start` (default: all 1 Hz), then polishes the root with scipy.optimize. With
        adaptation=False, W stays 0 (the state before adaptation has built up).
        """
        names = self.names()
        nu = dict(start or {p: 1.0 for p in names})
        for _ in range(int(settle_ms / dt)):
            F = self.rates(nu, self._stationary_W(nu, faff, adaptation), faff)
            nu = {p: max(nu[p] + dt / T_MARKOV_MS * (F[p] - nu[p]), 0.0) for p in names}

        def residual(x):
            current = dict(zip(names, np.maximum(x, 0.0)))
            F = self.rates(current, self._stationary_W(current, faff, adaptation), faff)
            return [F[p] - current[p] for p in names]

        solution = optimize.root(residual, [nu[p] for p in names], method="hybr")
        if solution.success and np.all(solution.x >= 0) and np.max(np.abs(solution.fun)) < 1e-6:
            return dict(zip(names, map(float, solution.x)))
        return nu

    def time_course(self, faff, t_ms, dt=0.1, start=None, W0=None):
        """Rates {population: array} and W {population: array} at times `t_ms` for a drive `faff`
        (callable of time in ms, vectorised) integrated from `start` (default: all 0, W = W0 or 0)
        with forward Euler at step `dt` [ms] from t_ms[0]."""
        names = self.names()
        nu = dict(start or {p: 0.0 for p in names})
        W = dict(W0 or {p: 0.0 for p in names})
        t_ms = np.asarray(t_ms, dtype=float)
        grid = np.arange(t_ms[0], t_ms[-1] + dt / 2, dt)
        drive = np.asarray(faff(grid), dtype=float) * np.ones_like(grid)
        out_nu = {p: np.empty(grid.size) for p in names}
        out_W = {p: np.empty(grid.size) for p in names}
        for k, f in enumerate(drive):
            for p in names:
                out_nu[p][k], out_W[p][k] = nu[p], W[p]
            F = self.rates(nu, W, f)
            inputs = self.inputs(nu, f)
            for p, (cell, _) in self.populations.items():
                dW = -W[p] / cell.tauw + cell.b * nu[p] / 1000.0
                if cell.a:
                    dW += cell.a * (template.moments(cell, inputs[p], W[p])[0] - cell.El) / cell.tauw
                W[p] += dt * dW
                nu[p] = max(nu[p] + dt / T_MARKOV_MS * (F[p] - nu[p]), 0.0)
        return ({p: np.interp(t_ms, grid, v) for p, v in out_nu.items()},
                {p: np.interp(t_ms, grid, v) for p, v in out_W.items()})
