"""The semi-analytic transfer function of Zerlaut et al. (2018), with adaptation as di Volo et al. (2019).

Units throughout: mV, ms, nS, pF, pA, and rates in Hz (converted to 1/ms where they meet times).

Membrane moments under shot noise (Zerlaut et al. 2018 J Comput Neurosci, Methods "Calculus of
the subthreshold membrane moments"; di Volo et al. 2019 Neural Comput, Eqs 5-8). A channel s
brings input spikes at total rate nu_s (K_s synapses times their presynaptic rate) that each
open a conductance Q_s decaying with tau_s, reversal E_s:

    mu_Gs  = nu_s tau_s Q_s,          mu_G = g_L + sum_s mu_Gs,       tau_m = C_m / mu_G
    mu_V   = (g_L E_L + sum_s mu_Gs E_s - W) / mu_G                  (W: adaptation current)
    U_s    = Q_s (E_s - mu_V) / mu_G
    sigma_V^2 = sum_s nu_s (U_s tau_s)^2 / (2 (tau_m + tau_s))
    tau_V  = sum_s nu_s (U_s tau_s)^2 / sum_s [nu_s (U_s tau_s)^2 / (tau_m + tau_s)]

Output rate (Eq. "template"): nu_out = erfc((V_eff - mu_V) / (sqrt(2) sigma_V)) / (2 tau_V), with
the effective threshold a second-order polynomial of the normalised moments

    V_eff = P0 + P1 m + P2 s + P3 t + P4 m^2 + P5 s^2 + P6 t^2 + P7 m s + P8 m t + P9 s t
    m = (mu_V + 60 mV) / 10 mV,  s = (sigma_V - 4 mV) / 6 mV,  t = (tau_V g_L / C_m - 0.5) / 1.

Adaptation enters only through W in mu_V (di Volo et al. 2019, dW/dt = -W/tau_w + b nu +
a (mu_V - E_L)/tau_w); in a stationary state W = b tau_w nu + a (mu_V - E_L).
"""

import dataclasses

import numpy as np
from scipy import special

# Normalisation of the moments (Zerlaut et al. 2018): (centre, scale).
MU_V0, D_MU_V0 = -60.0, 10.0
SIGMA_V0, D_SIGMA_V0 = 4.0, 6.0
TAU_VN0, D_TAU_VN0 = 0.5, 1.0
N_COEFFS = 10


@dataclasses.dataclass(frozen=True)
class Channel:
    """One input channel: conductance jump Q [nS], decay tau [ms], reversal E [mV]."""

    Q: float
    tau: float
    E: float


@dataclasses.dataclass(frozen=True)
class Cell:
    """A conductance-based AdExp cell as the mean field sees it.

    Cm [pF], Gl [nS], El [mV], adaptation a [nS], b [pA], tauw [ms]; `channels` maps a channel
    name (e.g. 'exc', 'inh') to its Channel.
    """

    Cm: float
    Gl: float
    El: float
    a: float
    b: float
    tauw: float
    channels: tuple  # ((name, Channel), ...)

    def channel(self, name):
        return dict(self.channels)[name]


def moments(cell, rates_hz, W=0.0):
    """(mu_V [mV], sigma_V [mV], tau_V [ms], mu_G [nS]) for total input rates {channel: Hz}.

    Rates and W broadcast as NumPy arrays.
    """
    W = np.asarray(W, dtype=float)
    terms = []
    mu_G = cell.Gl
    drive = cell.Gl * cell.El - W
    for name, ch in cell.channels:
        nu = np.asarray(rates_hz.get(name, 0.0), dtype=float) / 1000.0  # 1/ms
        mu_Gs = nu * ch.tau * ch.Q
        mu_G = mu_G + mu_Gs
        drive = drive + mu_Gs * ch.E
        terms.append((nu, ch))
    mu_V = drive / mu_G
    tau_m = cell.Cm / mu_G
    num, den = 0.0, 0.0
    for nu, ch in terms:
        U = ch.Q * (ch.E - mu_V) / mu_G
        x = nu * (U * ch.tau) ** 2
        num = num + x
        den = den + x / (tau_m + ch.tau)
    sigma_V = np.sqrt(den / 2.0) if np.ndim(den) or den else np.zeros_like(mu_V)
    with np.errstate(invalid="ignore", divide="ignore"):
        tau_V = np.where(den > 0, num / np.where(den > 0, den, 1.0), tau_m)
    return mu_V, sigma_V, tau_V, mu_G


def features(cell, mu_V, sigma_V, tau_V):
    """The 10 polynomial terms of V_eff for each point (shape (..., 10))."""
    m = (mu_V - MU_V0) / D_MU_V0
    s = (sigma_V - SIGMA_V0) / D_SIGMA_V0
    t = (tau_V * cell.Gl / cell.Cm - TAU_VN0) / D_TAU_VN0
    one = np.ones_like(m)
    return np.stack([one, m, s, t, m * m, s * s, t * t, m * s, m * t, s * t], axis=-1)


def threshold(cell, coeffs, mu_V, sigma_V, tau_V):
    """Effective threshold V_eff [mV] of the polynomial `coeffs` (10 values, mV)."""
    return features(cell, mu_V, sigma_V, tau_V) @ np.asarray(coeffs, dtype=float)


def rate_from_moments(cell, coeffs, mu_V, sigma_V, tau_V):
    """nu_out [Hz] = erfc((V_eff - mu_V) / (sqrt 2 sigma_V)) / (2 tau_V)."""
    v_eff = threshold(cell, coeffs, mu_V, sigma_V, tau_V)
    sigma = np.maximum(sigma_V, 1e-9)
    return 1000.0 * special.erfc((v_eff - mu_V) / (np.sqrt(2.0) * sigma)) / (2.0 * tau_V)


def transfer(cell, coeffs, rates_hz, W=0.0):
    """Output rate [Hz] of `cell` for total input rates {channel: Hz} and adaptation current W [pA]."""
    mu_V, sigma_V, tau_V, _ = moments(cell, rates_hz, W)
    return rate_from_moments(cell, coeffs, mu_V, sigma_V, tau_V)


def stationary_W(cell, nu_hz, mu_V):
    """Adaptation current [pA] in a stationary state: b tau_w nu + a (mu_V - E_L)."""
    return cell.b * cell.tauw * np.asarray(nu_hz) / 1000.0 + cell.a * (np.asarray(mu_V) - cell.El)
