"""Neuron types defined once for both backends (see zoo.neurons.definition for the format)."""

from .definition import NeuronType, Parameter, StateVariable

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
