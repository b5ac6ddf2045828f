"""Derived quantities of the EI-clustered network: drive and weights (Rostami et al. 2024, Eqs 7-10).

Pure functions of the parameters; nothing here is written back into them. Units: mV, ms, pF, pA.
Pathway keys follow the paper's [post, pre] convention: "EI" is I -> E.
"""

import math


def rheobase(tau_m, V_th, E_L, C_m):
    """Constant current that holds V at threshold: (V_th - E_L) C_m / tau_m [pA]."""
    return (V_th - E_L) * C_m / tau_m


def drive_currents(p):
    """Constant drive I_x = I_th * rheobase of E and I cells, (I_xE, I_xI) in pA."""
    I_xE = p.I_th_E * rheobase(p.tau_m_E, p.V_th_E, p.E_L, p.C_m)
    I_xI = p.I_th_I * rheobase(p.tau_m_I, p.V_th_I, p.E_L, p.C_m)
    return I_xE, I_xI


def psp_peak_per_pA(tau_m, tau_s, C_m):
    """Peak PSP [mV] of an exponential PSC of 1 pA (the paper's A, Eq. 8).

    t_max = ln(tau_s/tau_m) / (1/tau_m - 1/tau_s),  B = tau_m tau_s / (C_m (tau_s - tau_m)),
    A = -B exp(-t_max/tau_m) + B exp(-t_max/tau_s)   (potential measured from E_L).
    """
    t_max = math.log(tau_s / tau_m) / (1 / tau_m - 1 / tau_s)
    B = tau_m * tau_s / (C_m * (tau_s - tau_m))
    return -B * math.exp(-t_max / tau_m) + B * math.exp(-t_max / tau_s)


def psp_peaks(p):
    """A_XY for each pathway [mV/pA]: membrane of the post type, synapse of the pre type."""
    tau_m = {"E": p.tau_m_E, "I": p.tau_m_I}
    tau_s = {"E": p.tau_syn_E, "I": p.tau_syn_I}
    return {post + pre: psp_peak_per_pA(tau_m[post], tau_s[pre], p.C_m) for post in "EI" for pre in "EI"}


def base_weights(p):
    """Unclustered weights J_XY [pA] of the random balanced network (Eqs 7-10).

    J_EE A_EE sqrt(K_EE) = V_th,E - E_L, and the inhibitory rows balance the excitatory charge
    scaled by g; J_IE uses the I threshold. The example's js * N^(1/2) and J = js / N^(1/2)
    cancel, so N enters only through K = p N_E.
    """
    A = psp_peaks(p)
    K_EE = p.p_EE * p.N_E
    K_IE = p.p_IE * p.N_E
    J_EE = (p.V_th_E - p.E_L) / (math.sqrt(K_EE) * A["EE"])
    J_EI = -p.g_EI * J_EE * p.p_EE * p.N_E * A["EE"] / (p.p_EI * p.N_I * A["EI"])
    J_IE = p.g_IE * (p.V_th_I - p.E_L) / (math.sqrt(K_IE) * A["IE"])
    J_II = -p.g_II * J_IE * p.p_IE * p.N_E * A["IE"] / (p.p_II * p.N_I * A["II"])
    return {key: p.s * value for key, value in {"EE": J_EE, "EI": J_EI, "IE": J_IE, "II": J_II}.items()}


def cluster_factors(p):
    """(J+, J-) per pathway: J_E+ on E->E, J_I+ = 1 + (J_E+ - 1) r_J on the three I pathways.

    J- = (Q - J+) / (Q - 1) keeps every row's mean input unchanged; with Q = 1 both are 1.
    """
    if p.Q == 1:
        return {key: (1.0, 1.0) for key in ("EE", "EI", "IE", "II")}
    J_plus_I = 1 + (p.J_plus_E - 1) * p.r_J
    plus = {"EE": p.J_plus_E, "EI": J_plus_I, "IE": J_plus_I, "II": J_plus_I}
    return {key: (jp, (p.Q - jp) / (p.Q - 1)) for key, jp in plus.items()}


def clustered_weights(p):
    """(within-cluster, across-cluster) weight [pA] per pathway."""
    base = base_weights(p)
    factors = cluster_factors(p)
    return {key: (base[key] * factors[key][0], base[key] * factors[key][1]) for key in base}
