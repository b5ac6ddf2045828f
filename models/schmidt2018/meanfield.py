"""Mean-field stationary rates of the multi-area model (Schuecker et al. 2017, Eq. 3 ff.).

Every population is a LIF neuron in the diffusion approximation: its input has mean
mu_i = tau_m sum_j K_ij J_ij nu_j + (external, DC) and variance sigma_i^2 = tau_m sum_j K_ij J_ij^2 nu_j
(+ external), with J = W tau_s / C_m (formulas.mean_input, formulas.input_variance; the weights'
spread is left out, as in the reference). Its rate is the Siegert formula with the threshold and
reset shifted for exponentially decaying PSCs (Fourcaud & Brunel 2002):

    1/nu = t_ref + tau_m sqrt(pi) int_{y_r}^{y_th} exp(u^2) (1 + erf u) du,
    y = (V - mu) / sigma + (alpha / 2) sqrt(tau_s / tau_m),   alpha = sqrt(2) |zeta(1/2)|,

with V_th and V_reset relative to E_L. The stationary rates are found as the reference code
(INM-6/multi-area-model 355d940, theory.py) finds them: the rate dynamics
tau d nu / dt = -nu + Phi(mu(nu), sigma(nu)), tau = 1 ms, integrated from nu = 0 with Euler
steps of 0.01 ms for 50 ms (there with NEST's siegert_neuron; here in NumPy).
"""

import math

import numpy as np
from scipy import special

from . import formulas

ALPHA = math.sqrt(2.0) * abs(float(special.zeta(0.5)))  # 2.0652...
RATE_TAU_MS = 1.0  # time constant of the rate dynamics (theory.py: NP['tau'])
STEP_MS = 0.01  # Euler step (default_params.theory_params['dt'])
DURATION_MS = 50.0  # integration time (default_params.theory_params['T'])
TOLERANCE = 1e-9  # stop earlier once no rate changes faster than this [spikes/s per ms]
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)  # 2e-13 relative to scipy quad


def siegert(mu, sigma, tau_m, tau_s, t_ref, theta, V_reset):
    """Stationary rate [spikes/s] of LIF neurons with exponential PSCs for input mean `mu` and
    standard deviation `sigma` [mV] (arrays); times in ms, voltages relative to E_L in mV."""
    mu, sigma = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float))
    sigma = np.maximum(sigma, 1e-12)
    shift = ALPHA / 2.0 * math.sqrt(tau_s / tau_m)
    y_th = (theta - mu) / sigma + shift
    y_r = (V_reset - mu) / sigma + shift
    # Gauss-Legendre on [y_r, y_th] of erfcx(-u) = exp(u^2) (1 + erf u); beyond u ~ 26 it overflows
    # to inf, which gives the rate 0 it is by then.
    half, middle = (y_th - y_r) / 2.0, (y_th + y_r) / 2.0
    u = middle[..., None] + half[..., None] * _NODES
    with np.errstate(over="ignore"):
        integral = half * np.sum(_WEIGHTS * special.erfcx(-u), axis=-1)
        rate = 1.0 / (t_ref + tau_m * math.sqrt(math.pi) * integral)
    return 1e3 * rate  # 1/ms -> 1/s


def stationary_rates(p, K, W, K_ext, W_ext, DC, fixed=None, duration_ms=DURATION_MS, step_ms=STEP_MS):
    """Rates [spikes/s] of all populations at the end of the mean-field rate dynamics, from zero.

    K, W [target, source], K_ext, W_ext, DC as in :class:`~.formulas.ScaledNetwork`; `fixed`:
    optional array of rates, NaN for populations whose rates evolve, a number for populations
    held at that rate (areas replaced by Poisson input). Returns (rates, largest |d nu| of the last step).
    """
    n = K.shape[0]
    fixed = np.full(n, np.nan) if fixed is None else np.asarray(fixed, dtype=float)
    free = np.isnan(fixed)
    rates = np.where(free, 0.0, fixed)
    theta, V_reset = p.V_th - p.E_L, p.V_reset - p.E_L
    K_ext_noise = K_ext if p.poisson_input else np.zeros_like(K_ext)
    mean_ext = formulas.mean_input(p, np.zeros_like(K), W, K_ext, W_ext, np.zeros(n), DC)
    # with poisson_input=False the external drive is a current of the same mean and no variance
    J = W * p.tau_syn_ex / p.C_m
    drift, diffusion = 1e-3 * p.tau_m * K * J, 1e-3 * p.tau_m * K * J ** 2
    var_ext = formulas.input_variance(p, np.zeros_like(K), W, K_ext_noise, W_ext, np.zeros(n))
    drift, diffusion, mean_ext, var_ext = drift[free], diffusion[free], mean_ext[free], var_ext[free]
    factor = step_ms / RATE_TAU_MS
    change = np.inf
    for _ in range(int(round(duration_ms / step_ms))):
        mu = drift @ rates + mean_ext
        sigma = np.sqrt(np.maximum(diffusion @ rates + var_ext, 0.0))
        target = siegert(mu, sigma, p.tau_m, p.tau_syn_ex, p.t_ref, theta, V_reset)
        step = factor * (target - rates[free])
        rates[free] += step
        change = float(np.max(np.abs(step))) / factor
        if change < TOLERANCE:
            break
    return rates, change
