"""Derived quantities of the RS-FS network; pure functions, never written back into the params."""


def in_degrees(p):
    """Sources per target {pre: K}: K = int(p N_pre), as ntwk's random_connections."""
    return {"E": int(p.p_E * p.N_E), "I": int(p.p_I * p.N_I)}


def afferent_trains_per_cell(p):
    """N_aff p_aff: the afferent rate multiplier (200 in the README: 200 Faff(t) Hz per cell)."""
    return int(p.N_aff * p.p_aff)


def detection_threshold(p, population):
    """Vthre + 5 deltaV [mV]: -40 mV for RS, -47.5 mV for FS (ntwk's 'practical' threshold)."""
    delta = p.deltaV_E if population == "E" else p.deltaV_I
    return p.Vthre + p.detection_slopes * delta


def cell_parameters(p, population):
    """Parameters of EIF_cond_exp_isfa_ista in PyNN units (nF, ms, mV, nS, nA) for 'E' or 'I'."""
    rs = population == "E"
    return {
        "cm": p.Cm / 1000.0,
        "tau_m": p.Cm / p.Gl,
        "v_rest": p.El,
        "v_reset": p.Vreset,
        "v_thresh": p.Vthre,
        "delta_T": p.deltaV_E if rs else p.deltaV_I,
        "v_spike": detection_threshold(p, population),
        "tau_refrac": p.Trefrac,
        "a": p.a_E if rs else 0.0,
        "b": p.b_E / 1000.0 if rs else 0.0,
        "tau_w": p.tauw_E,
        "i_offset": 0.0,
        "tau_syn_E": p.Tsyn_E,
        "tau_syn_I": p.Tsyn_I,
        "e_rev_E": p.Erev_E,
        "e_rev_I": p.Erev_I,
    }


def adex_parameters(p, population):
    """Parameters of zoo.neurons.ADEX_COND_EXP in its units (pF, nS, mV, ms, pA) for 'E' or 'I'."""
    rs = population == "E"
    return {
        "C_m": p.Cm,
        "g_L": p.Gl,
        "E_L": p.El,
        "V_T": p.Vthre,
        "Delta_T": p.deltaV_E if rs else p.deltaV_I,
        "V_peak": detection_threshold(p, population),
        "V_reset": p.Vreset,
        "t_ref": p.Trefrac,
        "a": p.a_E if rs else 0.0,
        "b": p.b_E if rs else 0.0,
        "tau_w": p.tauw_E,
        "E_e": p.Erev_E,
        "E_i": p.Erev_I,
        "tau_e": p.Tsyn_E,
        "tau_i": p.Tsyn_I,
        "I_e": 0.0,
    }
