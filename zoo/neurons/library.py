"""Neuron types defined once for both backends (see zoo.neurons.definition for the format)."""

from .definition import NeuronType, Parameter, StateVariable, Subexpression

LIF_COND_EXP_OU = NeuronType(
    name="zoo_lif_cond_exp_ou",
    doc=(
        "Leaky integrate-and-fire neuron with exponential excitatory and inhibitory conductances, a tonic "
        "conductance on the inhibitory reversal potential, and a zero-mean Ornstein-Uhlenbeck conductance "
        "g_n on the excitatory reversal potential (Fore et al. 2020, trfore/chatmodel run_simulation.py):\n"
        "C_m dV/dt = g_L (E_L - V) + (g_e + g_n)(E_e - V) + (g_i + g_t)(E_i - V) + I_e,\n"
        "dg_n/dt = -g_n / tau_n + sigma_n / sqrt(tau_n) xi(t)  (stationary SD sigma_n / sqrt(2))."
    ),
    parameters=(
        Parameter("C_m", 250.0, "pF", "membrane capacitance"),
        Parameter("g_L", 10.0, "nS", "leak conductance"),
        Parameter("E_L", -70.0, "mV", "leak reversal potential"),
        Parameter("V_th", -55.0, "mV", "spike threshold (spike when V_m > V_th)"),
        Parameter("V_reset", -70.0, "mV", "reset potential"),
        Parameter("t_ref", 2.0, "ms", "absolute refractory period (V_m clamped to V_reset)"),
        Parameter("E_e", 0.0, "mV", "excitatory reversal potential (synaptic and noise conductance)"),
        Parameter("E_i", -75.0, "mV", "inhibitory reversal potential (synaptic and tonic conductance)"),
        Parameter("tau_e", 5.0, "ms", "decay time constant of the excitatory conductance"),
        Parameter("tau_i", 10.0, "ms", "decay time constant of the inhibitory conductance"),
        Parameter("g_t", 0.0, "nS", "tonic inhibitory conductance"),
        Parameter("tau_n", 20.0, "ms", "correlation time of the noise conductance"),
        Parameter("sigma_n", 0.0, "nS", "noise amplitude; stationary SD of g_n is sigma_n / sqrt(2)"),
        Parameter("I_e", 0.0, "pA", "constant injected current"),
    ),
    state=(
        StateVariable("V_m", -70.0, "mV",
                      "(g_L * (E_L - V_m) + (g_e + g_n) * (E_e - V_m) + (g_i + g_t) * (E_i - V_m) + I_e) / C_m",
                      "membrane potential"),
        StateVariable("g_e", 0.0, "nS", "-g_e / tau_e", "excitatory synaptic conductance"),
        StateVariable("g_i", 0.0, "nS", "-g_i / tau_i", "inhibitory synaptic conductance"),
        StateVariable("g_n", 0.0, "nS", "-g_n / tau_n", "noise conductance (Ornstein-Uhlenbeck, may go negative)"),
    ),
    threshold="V_m > V_th",
    reset=(("V_m", "V_reset"),),
    refractory="t_ref",
    frozen=("V_m",),
    receptors=(("excitatory", "g_e"), ("inhibitory", "g_i")),
    noise=(("g_n", ("sigma_n", "tau_n")),),
)

ADEX_COND_EXP = NeuronType(
    name="zoo_adex_cond_exp",
    doc=(
        "Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with exponential excitatory and "
        "inhibitory conductances, integrated with the zoo's forward Euler at the time step (as ntwk's Brian2 "
        "NeuronGroup, method='euler'):\n"
        "C_m dV/dt = g_L (E_L - V) + g_L Delta_T exp((V - V_T) / Delta_T) + g_e (E_e - V) + g_i (E_i - V) + I_e - w,\n"
        "tau_w dw/dt = a (V - E_L) - w;  spike when V > V_peak: V <- V_reset (held for t_ref), w <- w + b.\n"
        "Euler evaluates the exponential on the state at the start of a step, which lies below V_peak "
        "(V_peak = V_T + 5 Delta_T gives exp(5) at most): no overflow. Defaults are PyNN's EIF_cond_exp_isfa_ista "
        "(Brette & Gerstner 2005) in the zoo's units."
    ),
    parameters=(
        Parameter("C_m", 281.0, "pF", "membrane capacitance"),
        Parameter("g_L", 30.0, "nS", "leak conductance"),
        Parameter("E_L", -70.6, "mV", "leak reversal potential"),
        Parameter("V_T", -50.4, "mV", "threshold of the exponential term"),
        Parameter("Delta_T", 2.0, "mV", "slope factor of the exponential term (> 0)"),
        Parameter("V_peak", -40.0, "mV", "spike detection: spike when V_m > V_peak (keep it a few Delta_T above V_T)"),
        Parameter("V_reset", -70.6, "mV", "reset potential"),
        Parameter("t_ref", 0.1, "ms", "absolute refractory period (V_m held at V_reset)"),
        Parameter("a", 4.0, "nS", "subthreshold adaptation conductance"),
        Parameter("b", 80.5, "pA", "spike-triggered adaptation increment"),
        Parameter("tau_w", 144.0, "ms", "adaptation time constant"),
        Parameter("E_e", 0.0, "mV", "excitatory reversal potential"),
        Parameter("E_i", -80.0, "mV", "inhibitory reversal potential"),
        Parameter("tau_e", 5.0, "ms", "decay time constant of the excitatory conductance"),
        Parameter("tau_i", 5.0, "ms", "decay time constant of the inhibitory conductance"),
        Parameter("I_e", 0.0, "pA", "constant injected current"),
    ),
    state=(
        StateVariable("V_m", -70.6, "mV",
                      "(g_L * (E_L - V_m) + g_L * Delta_T * exp((V_m - V_T) / Delta_T) + g_e * (E_e - V_m)"
                      " + g_i * (E_i - V_m) + I_e - w) / C_m",
                      "membrane potential"),
        StateVariable("w", 0.0, "pA", "(a * (V_m - E_L) - w) / tau_w", "adaptation current"),
        StateVariable("g_e", 0.0, "nS", "-g_e / tau_e", "excitatory synaptic conductance"),
        StateVariable("g_i", 0.0, "nS", "-g_i / tau_i", "inhibitory synaptic conductance"),
    ),
    threshold="V_m > V_peak",
    reset=(("V_m", "V_reset"), ("w", "w + b")),
    refractory="t_ref",
    frozen=("V_m",),
    receptors=(("excitatory", "g_e"), ("inhibitory", "g_i")),
)

# Traub-Miles rate functions of PyNN's HH_cond_exp (pyNN.brian2's equations; NEST's hh_cond_exp_traub),
# in 1/ms with the voltage in mV, shifted by V_T.
_TRAUB_RATES = (
    Subexpression("alpha_m", "1/ms", "0.32 / (mV * ms) * (13 * mV - V_m + V_T) / (exp((13 * mV - V_m + V_T) / (4 * mV)) - 1)",
                  "sodium activation rate"),
    Subexpression("beta_m", "1/ms", "0.28 / (mV * ms) * (V_m - V_T - 40 * mV) / (exp((V_m - V_T - 40 * mV) / (5 * mV)) - 1)",
                  "sodium deactivation rate"),
    Subexpression("alpha_h", "1/ms", "0.128 / ms * exp((17 * mV - V_m + V_T) / (18 * mV))", "sodium deinactivation rate"),
    Subexpression("beta_h", "1/ms", "4 / ms / (1 + exp((40 * mV - V_m + V_T) / (5 * mV)))", "sodium inactivation rate"),
    Subexpression("alpha_n", "1/ms", "0.032 / (mV * ms) * (15 * mV - V_m + V_T) / (exp((15 * mV - V_m + V_T) / (5 * mV)) - 1)",
                  "potassium activation rate"),
    Subexpression("beta_n", "1/ms", "0.5 / ms * exp((10 * mV - V_m + V_T) / (40 * mV))", "potassium deactivation rate"),
)

HH_COND_EXP_TRAUB = NeuronType(
    name="zoo_hh_cond_exp_traub",
    doc=(
        "Traub-Miles Hodgkin-Huxley neuron with exponential excitatory and inhibitory conductances: the equations and "
        "defaults of PyNN's HH_cond_exp (NEST's hh_cond_exp_traub), in the zoo's units, integrated with exponential "
        "Euler at the time step on both backends (Brian2's method for HH; stable at dt = 0.1 ms):\n"
        "C_m dV/dt = g_L (E_L - V) - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) + g_e (E_e - V) + g_i (E_i - V) + I_e + I_stim,\n"
        "dx/dt = alpha_x(V) (1 - x) - beta_x(V) x for x = m, h, n (Traub-Miles rates, V - V_T).\n"
        "A spike is the step in which V_m crosses V_spike from below (the upstroke of an action potential); t_ref is "
        "only a dead time for detection, longer than the part of an action potential above V_spike, so each action "
        "potential gives one spike. Nothing is reset or frozen. I_stim is what PyNN current sources inject."
    ),
    parameters=(
        Parameter("C_m", 200.0, "pF", "membrane capacitance"),
        Parameter("g_L", 10.0, "nS", "leak conductance"),
        Parameter("E_L", -65.0, "mV", "leak reversal potential"),
        Parameter("g_Na", 20000.0, "nS", "sodium peak conductance"),
        Parameter("E_Na", 50.0, "mV", "sodium reversal potential"),
        Parameter("g_K", 6000.0, "nS", "potassium peak conductance"),
        Parameter("E_K", -90.0, "mV", "potassium reversal potential"),
        Parameter("V_T", -63.0, "mV", "voltage offset of the rate functions"),
        Parameter("E_e", 0.0, "mV", "excitatory reversal potential"),
        Parameter("E_i", -80.0, "mV", "inhibitory reversal potential"),
        Parameter("tau_e", 0.2, "ms", "decay time constant of the excitatory conductance"),
        Parameter("tau_i", 2.0, "ms", "decay time constant of the inhibitory conductance"),
        Parameter("I_e", 0.0, "pA", "constant injected current"),
        Parameter("V_spike", -40.0, "mV", "spike detection: V_m crosses it from below"),
        Parameter("t_ref", 2.0, "ms", "dead time of spike detection (nothing is clamped)"),
    ),
    state=(
        StateVariable("V_m", -65.0, "mV",
                      "(g_L * (E_L - V_m) - g_Na * m * m * m * h * (V_m - E_Na) - g_K * n * n * n * n * (V_m - E_K)"
                      " + g_e * (E_e - V_m) + g_i * (E_i - V_m) + I_e + I_stim) / C_m",
                      "membrane potential"),
        StateVariable("m", 0.0, "1", "alpha_m * (1 - m) - beta_m * m", "sodium activation"),
        StateVariable("h", 1.0, "1", "alpha_h * (1 - h) - beta_h * h", "sodium inactivation"),
        StateVariable("n", 0.0, "1", "alpha_n * (1 - n) - beta_n * n", "potassium activation"),
        StateVariable("g_e", 0.0, "nS", "-g_e / tau_e", "excitatory synaptic conductance"),
        StateVariable("g_i", 0.0, "nS", "-g_i / tau_i", "inhibitory synaptic conductance"),
    ),
    subexpressions=_TRAUB_RATES,
    threshold="V_m > V_spike",
    reset=(),
    refractory="t_ref",
    receptors=(("excitatory", "g_e"), ("inhibitory", "g_i")),
    method="exponential_euler",
    injectable=True,
)
