"""Weights, delays, external drive and down-scaling of the multi-area model.

Pure functions of the parameters and the full-scale :class:`~.anatomy.Anatomy`; nothing is written
back. Formulas as in Schmidt et al. (2018, PLOS Comput Biol 14:e1006359, Methods) and the reference
code (INM-6/multi-area-model 355d940: data_multiarea/Model.py, multiarea_model.py). Matrices are
[target, source]; units pA, mV, ms, pF, spikes/s.
"""

import dataclasses
import math

import numpy as np


def psc_per_psp(C_m, tau_m, tau_s):
    """PSC amplitude [pA] that gives a PSP peak of 1 mV in a LIF neuron with exponential PSCs.

    W / PSP = [ (1/C_m) tau_m tau_s / (tau_s - tau_m)
               ((tau_m/tau_s)^(-tau_m/(tau_m - tau_s)) - (tau_m/tau_s)^(-tau_s/(tau_m - tau_s))) ]^-1
    """
    ratio = tau_m / tau_s
    peak = (1.0 / C_m * tau_m * tau_s / (tau_s - tau_m)
            * (ratio ** (-tau_m / (tau_m - tau_s)) - ratio ** (-tau_s / (tau_m - tau_s))))
    return 1.0 / peak


def is_excitatory(names):
    """Boolean array: population name ends in 'E'."""
    return np.array([name.endswith("E") for name in names])


def same_area(anatomy):
    """Boolean matrix [target, source]: both populations in the same area."""
    return anatomy.area_of[:, None] == anatomy.area_of[None, :]


def full_scale_weights(anatomy, p):
    """Mean and SD [pA] of every connection's weight at full scale, and the external weight.

    E sources: PSP_e (intra-area 4E -> 2/3E: PSP_e_23_4); I sources: g PSP_e; SD = PSC_rel_sd |mean|.
    Cortico-cortical weights (and SDs) are multiplied by chi, those onto I cells also by chi_I.
    Returns (W, W_sd, W_ext).
    """
    psc_e = psc_per_psp(p.C_m, p.tau_m, p.tau_syn_ex)
    psc_i = psc_per_psp(p.C_m, p.tau_m, p.tau_syn_in)
    source_E = is_excitatory(anatomy.names)
    n = len(anatomy.names)
    W = np.where(source_E[None, :], psc_e * p.PSP_e, psc_i * p.g * p.PSP_e) * np.ones((n, 1))
    W_sd = p.PSC_rel_sd * np.abs(W)
    local = same_area(anatomy)
    pop = np.array([name.split("-")[1] for name in anatomy.names])
    thalamo = local & (pop[:, None] == "23E") & (pop[None, :] == "4E")
    W[thalamo] = p.PSP_e_23_4 * psc_e
    W_sd[thalamo] = p.PSC_rel_sd * p.PSP_e_23_4 * psc_e
    cc_factor = np.where(local, 1.0, p.chi) * np.where(~local & ~source_E[:, None], p.chi_I, 1.0)
    W, W_sd = W * cc_factor, W_sd * cc_factor
    return W, W_sd, psc_e * p.PSP_ext


def mean_delays(anatomy, p):
    """Mean delay [ms] per connection: delay_e / delay_i within an area, distance / v_cc between areas."""
    source_E = is_excitatory(anatomy.names)
    local = np.where(source_E, p.delay_e, p.delay_i)[None, :] * np.ones((len(anatomy.names), 1))
    between = anatomy.distances[anatomy.area_of[:, None], anatomy.area_of[None, :]] / p.v_cc
    return np.where(same_area(anatomy), local, between)


def rates_vector(anatomy, rates):
    """Rates [spikes/s] from the {area: {pop: rate}} JSON layout as an array over the populations."""
    values = []
    for name in anatomy.names:
        area, pop = name.split("-")
        value = rates[area][pop]
        values.append(value[0] if isinstance(value, (list, tuple)) else value)
    return np.array(values, dtype=float)


@dataclasses.dataclass(frozen=True)
class ScaledNetwork:
    """The network at N_scaling n and K_scaling k, real-valued (counts are truncated when built).

    N, K, K_ext, synapses: n N, k K, k K_ext, n k synapses; W, W_ext: W / sqrt(k), the SDs unchanged
    (as in the reference); DC [pA] per population; delays [ms] and their SDs; replaced_rate [1/s]
    and replaced_weight [pA]: Poisson input per neuron in place of non-simulated areas (see
    :func:`replace_areas`; zero when every area is simulated).
    """

    names: tuple
    area_of: np.ndarray
    N: np.ndarray
    K: np.ndarray
    K_ext: np.ndarray
    synapses: np.ndarray
    W: np.ndarray
    W_sd: np.ndarray
    W_ext: float
    DC: np.ndarray
    delay: np.ndarray
    delay_sd: np.ndarray
    local: np.ndarray
    replaced_rate: np.ndarray = None
    replaced_weight: np.ndarray = None

    def __post_init__(self):
        for name in ("replaced_rate", "replaced_weight"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(len(self.names)))

    @property
    def sizes(self):
        """Neurons created per population: int(n N), as the reference (NEST Create)."""
        return self.N.astype(np.int64)

    @property
    def counts(self):
        """Synapses created per population pair: int(n k K N), NEST's fixed_total_number."""
        return self.synapses.astype(np.int64)


def mean_input(p, K, W, K_ext, W_ext, rates, DC):
    """Mean membrane input mu [mV] of each population at the given rates (mean-field, Eq. of Schuecker 2017)."""
    J, J_ext = W * p.tau_syn_ex / p.C_m, W_ext * p.tau_syn_ex / p.C_m
    return 1e-3 * p.tau_m * (K * J) @ rates + 1e-3 * p.tau_m * J_ext * K_ext * p.rate_ext + p.tau_m / p.C_m * DC


def input_variance(p, K, W, K_ext, W_ext, rates):
    """Variance sigma^2 [mV^2] of the membrane input at the given rates (mean-field)."""
    J, J_ext = W * p.tau_syn_ex / p.C_m, W_ext * p.tau_syn_ex / p.C_m
    return 1e-3 * p.tau_m * (K * J ** 2) @ rates + 1e-3 * p.tau_m * J_ext ** 2 * K_ext * p.rate_ext


def scale(anatomy, p, fullscale_rates=None):
    """Down-scale `anatomy` by p.N_scaling and p.K_scaling with the reference's compensation.

    Weights grow by 1/sqrt(k) so that the input variance K J^2 is kept; a DC current
    I_DC = (C_m / tau_m) (1 - sqrt(k)) (x1 + x1_ext), with x1 = 1e-3 tau_m sum_j J_ij K_ij nu_j and
    x1_ext = 1e-3 tau_m J_ext K_ext nu_ext at the full-scale rates nu, restores the mean input.
    `fullscale_rates` (array over the populations) is needed whenever k != 1.
    """
    n, k = p.N_scaling, p.K_scaling
    W, W_sd, W_ext = full_scale_weights(anatomy, p)
    DC = np.zeros(len(anatomy.names))
    if k != 1.0:
        if fullscale_rates is None:
            raise ValueError("down-scaling the in-degrees needs the full-scale rates")
        J, J_ext = W * p.tau_syn_ex / p.C_m, W_ext * p.tau_syn_ex / p.C_m
        x1 = 1e-3 * p.tau_m * np.dot(J * anatomy.K, fullscale_rates)
        x1_ext = 1e-3 * p.tau_m * J_ext * anatomy.K_ext * p.rate_ext
        DC = p.C_m / p.tau_m * ((1.0 - math.sqrt(k)) * (x1 + x1_ext))
    delay = mean_delays(anatomy, p)
    return ScaledNetwork(
        names=anatomy.names,
        area_of=anatomy.area_of,
        N=anatomy.N * n,
        K=anatomy.K * k,
        K_ext=anatomy.K_ext * k,
        synapses=anatomy.synapses * (k * n),
        W=W / math.sqrt(k),
        W_sd=W_sd,
        W_ext=W_ext / math.sqrt(k),
        DC=DC,
        delay=delay,
        delay_sd=delay * p.delay_rel,
        local=same_area(anatomy),
    )


def replace_areas(net, keep, rates):
    """The network of the populations `keep` (indices), the input from all others replaced by Poisson input.

    As the reference's replace_non_simulated_areas ('het_poisson_stat' / 'hom_poisson_stat'): each
    target population t receives, from every replaced source population s, Poisson input at
    K_ts nu_s with weight W_ts (no spread, as there). Only excitatory sources project between areas,
    so W_ts is the same for every replaced source of t; the inputs add up to one Poisson input at
    sum_s K_ts nu_s. `rates`: nu over all populations [spikes/s].
    """
    keep = np.asarray(keep)
    replaced = np.setdiff1d(np.arange(len(net.names)), keep)
    K, W = net.K[np.ix_(keep, replaced)], net.W[np.ix_(keep, replaced)]
    drive = K * rates[replaced]
    rate = drive.sum(axis=1)
    weight = np.divide((drive * W).sum(axis=1), rate, out=np.zeros_like(rate), where=rate > 0)
    connected = drive > 0
    if not np.allclose(np.where(connected, W, weight[:, None]), weight[:, None], rtol=1e-12):
        raise ValueError("replaced inputs onto one population have different weights")
    square = np.ix_(keep, keep)
    return dataclasses.replace(
        net, names=tuple(net.names[i] for i in keep), area_of=net.area_of[keep], N=net.N[keep], K=net.K[square],
        K_ext=net.K_ext[keep], synapses=net.synapses[square], W=net.W[square], W_sd=net.W_sd[square],
        DC=net.DC[keep], delay=net.delay[square], delay_sd=net.delay_sd[square], local=net.local[square],
        replaced_rate=rate, replaced_weight=weight,
    )
