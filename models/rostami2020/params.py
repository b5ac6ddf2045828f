"""Parameters of the EI-clustered network (Rostami et al. 2024), defaults = NEST's example.

Defaults reproduce NEST 3.10's PyNEST example ``EI_clustered_network`` (files network_params.py,
stimulus_params.py, sim_params.py); the paper's own sets are variants (variants.py).
Index convention as in the paper: ``XY`` means post X, pre Y (``p_EI`` is I -> E).

=================  ==========================================================  =====  ==========================
symbol             meaning                                                     unit   source
=================  ==========================================================  =====  ==========================
E_L, V_reset       resting and reset potential                                 mV     network_params.py
C_m                membrane capacitance                                        pF     network_params.py
tau_m_E, tau_m_I   membrane time constants                                     ms     network_params.py
t_ref              absolute refractory period                                  ms     network_params.py
V_th_E, V_th_I     firing thresholds                                           mV     network_params.py
tau_syn_E/I        exponential PSC time constants (exc./inh. synapses)        ms     network_params.py
I_th_E, I_th_I     constant drive in units of the rheobase current            1      network_params.py
delta_I_xE/xI      relative width of the uniform spread of the drive           1      network_params.py
V_init_scale/sigma V(0) = V_th - scale * LogNormal(0, sigma)                   mV, 1  network.py ("rand")
N_E, N_I, Q        neurons per type, number of clusters                        1      network_params.py
p_XY               connection probability, same within and across clusters     1      network_params.py
g_EI, g_IE, g_II   inhibition/excitation balance ratios                        1      network_params.py
s                  global weight factor                                        1      network_params.py
J_plus_E, r_J      E->E cluster factor; J_I+ = 1 + (J_E+ - 1) r_J                1      network_params.py; Eqs 7-10
delay              synaptic delay, all projections                             ms     network_params.py
stim_*             step current into the E cells of the listed clusters       pA, ms stimulus_params.py
warmup, simtime    unrecorded warm-up, then recorded time                      ms     sim_params.py
dt                 simulation time step                                        ms     sim_params.py
=================  ==========================================================  =====  ==========================
"""

import dataclasses

from zoo.params import ParamBundle, param, require

SRC = "NEST 3.10 examples/EI_clustered_network/"


@dataclasses.dataclass(frozen=True)
class NeuronParams:
    E_L: float = param(0.0, "mV", "resting potential", SRC + "network_params.py")
    C_m: float = param(1.0, "pF", "membrane capacitance", SRC + "network_params.py")
    tau_m_E: float = param(20.0, "ms", "membrane time constant, E", SRC + "network_params.py")
    tau_m_I: float = param(10.0, "ms", "membrane time constant, I", SRC + "network_params.py")
    t_ref: float = param(5.0, "ms", "refractory period", SRC + "network_params.py")
    V_th_E: float = param(20.0, "mV", "threshold, E", SRC + "network_params.py")
    V_th_I: float = param(20.0, "mV", "threshold, I", SRC + "network_params.py")
    V_reset: float = param(0.0, "mV", "reset potential", SRC + "network_params.py")
    tau_syn_E: float = param(5.0, "ms", "PSC time constant, excitatory synapses", SRC + "network_params.py")
    tau_syn_I: float = param(5.0, "ms", "PSC time constant, inhibitory synapses", SRC + "network_params.py")

    def __post_init__(self):
        for name in ("C_m", "tau_m_E", "tau_m_I", "tau_syn_E", "tau_syn_I"):
            require(getattr(self, name) > 0, f"{name} must be positive")
        require(self.t_ref >= 0, "t_ref must not be negative")
        require(self.V_th_E > self.E_L and self.V_th_I > self.E_L, "thresholds must lie above E_L")
        for tau_m in (self.tau_m_E, self.tau_m_I):
            for tau_s in (self.tau_syn_E, self.tau_syn_I):
                require(tau_m != tau_s, "tau_m must differ from tau_syn (PSP peak formula, Eq. 8)")


@dataclasses.dataclass(frozen=True)
class DriveParams:
    I_th_E: float = param(1.25, "1", "constant drive of E cells / rheobase", SRC + "network_params.py")
    I_th_I: float = param(0.78, "1", "constant drive of I cells / rheobase", SRC + "network_params.py")
    delta_I_xE: float = param(0.0, "1", "drive spread of E cells, uniform in I_x[1 -/+ delta/2]", SRC + "network_params.py")
    delta_I_xI: float = param(0.0, "1", "drive spread of I cells (the example reuses delta_I_xE here)", SRC + "network_params.py")

    def __post_init__(self):
        require(0 <= self.delta_I_xE <= 2 and 0 <= self.delta_I_xI <= 2, "delta_I_x must lie in [0, 2]")


@dataclasses.dataclass(frozen=True)
class InitialStateParams:
    V_init_scale: float = param(20.0, "mV", "V(0) = V_th - V_init_scale * LogNormal(0, V_init_sigma)", SRC + "network.py")
    V_init_sigma: float = param(1.0, "1", "sigma of the underlying normal of the V(0) lognormal", SRC + "network.py")


@dataclasses.dataclass(frozen=True)
class NetworkParams:
    N_E: int = param(4000, "1", "number of excitatory neurons", SRC + "network_params.py")
    N_I: int = param(1000, "1", "number of inhibitory neurons", SRC + "network_params.py")
    Q: int = param(20, "1", "number of E/I clusters", SRC + "network_params.py")
    p_EE: float = param(0.2, "1", "connection probability E -> E", SRC + "network_params.py")
    p_EI: float = param(0.5, "1", "connection probability I -> E", SRC + "network_params.py")
    p_IE: float = param(0.5, "1", "connection probability E -> I", SRC + "network_params.py")
    p_II: float = param(0.5, "1", "connection probability I -> I", SRC + "network_params.py")
    g_EI: float = param(1.2, "1", "I -> E balance ratio", SRC + "network_params.py")
    g_IE: float = param(1.0, "1", "E -> I scaling", SRC + "network_params.py")
    g_II: float = param(1.0, "1", "I -> I balance ratio", SRC + "network_params.py")
    s: float = param(1.0, "1", "global weight factor", SRC + "network_params.py")
    J_plus_E: float = param(6.0, "1", "E -> E within-cluster weight factor J_E+ ('rep')", SRC + "network_params.py")
    r_J: float = param(0.82, "1", "J_I+ = 1 + (J_E+ - 1) r_J ('rj'); 0 gives E-only clusters", SRC + "network_params.py")
    delay: float = param(0.1, "ms", "synaptic delay", SRC + "network_params.py")

    def __post_init__(self):
        require(self.N_E > 0 and self.N_I > 0 and self.Q > 0, "N_E, N_I and Q must be positive")
        require(self.N_E % self.Q == 0, f"N_E ({self.N_E}) must be a multiple of Q ({self.Q})")
        require(self.N_I % self.Q == 0, f"N_I ({self.N_I}) must be a multiple of Q ({self.Q})")
        for name in ("p_EE", "p_EI", "p_IE", "p_II"):
            require(0 < getattr(self, name) <= 1, f"{name} must lie in (0, 1]")
        require(self.J_plus_E >= 1, "J_plus_E must be at least 1")
        J_plus_I = 1 + (self.J_plus_E - 1) * self.r_J
        require(
            self.Q == 1 or max(self.J_plus_E, J_plus_I) <= self.Q,
            f"cluster factors J+ ({self.J_plus_E:g}, {J_plus_I:g}) must not exceed Q ({self.Q}): J- would be negative",
        )
        require(self.delay > 0, "delay must be positive")


@dataclasses.dataclass(frozen=True)
class StimulusParams:
    stim_clusters: tuple = param((2, 3, 4), "1", "clusters whose E cells get the step current; () for none", SRC + "stimulus_params.py")
    stim_amp: float = param(0.15, "pA", "step current amplitude", SRC + "stimulus_params.py")
    stim_starts: tuple = param((2000.0, 6000.0), "ms", "stimulus onsets after the warm-up", SRC + "stimulus_params.py")
    stim_ends: tuple = param((3500.0, 7500.0), "ms", "stimulus offsets after the warm-up", SRC + "stimulus_params.py")

    def __post_init__(self):
        require(len(self.stim_starts) == len(self.stim_ends), "stim_starts and stim_ends must have equal length")
        edges = [t for pair in zip(self.stim_starts, self.stim_ends) for t in pair]
        require(all(a < b for a, b in zip(edges, edges[1:])), "stimulus windows must be increasing and disjoint")
        require(all(t >= 0 for t in edges), "stimulus times must not be negative")


@dataclasses.dataclass(frozen=True)
class Protocol:
    warmup: float = param(1000.0, "ms", "warm-up, simulated but not recorded", SRC + "sim_params.py")
    simtime: float = param(10000.0, "ms", "recorded simulation time after the warm-up", SRC + "sim_params.py")
    dt: float = param(0.1, "ms", "simulation time step", SRC + "sim_params.py")

    def __post_init__(self):
        require(self.warmup >= 0, "warmup must not be negative")
        require(self.simtime > 0, "simtime must be positive")
        require(self.dt > 0, "dt must be positive")


@dataclasses.dataclass(frozen=True)
class Rostami2020Params(ParamBundle):
    neuron: NeuronParams = NeuronParams()
    drive: DriveParams = DriveParams()
    initial_state: InitialStateParams = InitialStateParams()
    network: NetworkParams = NetworkParams()
    stimulus: StimulusParams = StimulusParams()
    protocol: Protocol = Protocol()

    def __post_init__(self):
        require(
            all(0 <= q < self.network.Q for q in self.stimulus.stim_clusters),
            f"stim_clusters must lie in 0..{self.network.Q - 1}",
        )
        require(self.network.delay >= self.protocol.dt, "delay must be at least dt")
