"""Parameters of the cerebellar granular-layer model of Fore et al. (2020).

Source of every value: the authors' code, trfore/chatmodel ``run_simulation.py`` (tag v1.0,
unchanged in main @ e5aea56). "GrC" granule
cell, "GoC" Golgi cell, "MF" mossy fibre. Conductances in nS, capacitances in pF, potentials in
mV, times in ms, as in the code.

=====================  ================================================================  ======
symbol                 meaning                                                           unit
=====================  ================================================================  ======
C_grc, g_L_grc         GrC capacitance and leak conductance                              pF, nS
E_L_grc, V_th_grc      GrC leak reversal (= reset, = E_i) and threshold                  mV
t_ref_grc              GrC absolute refractory period (V frozen)                         ms
g_tonic                GrC tonic GABA conductance on E_i (x r per cell under muscarine)  nS
C_goc, g_L_goc         GoC capacitance and leak conductance (tau_m 20 ms)                pF, nS
E_L_goc                GoC leak reversal: -51 mV, -55 mV under muscarine                 mV
V_th_goc, V_reset_goc  GoC threshold and reset                                           mV
t_ref_goc              GoC refractory period                                             ms
E_e, E_i               excitatory and inhibitory reversal potentials                     mV
tau_e, tau_i           decay of excitatory (MF) and inhibitory (GoC) conductances        ms
tau_n                  correlation time of the Ornstein-Uhlenbeck noise conductance      ms
sigma_grc, sigma_goc   noise amplitude (stationary SD sigma / sqrt(2))                   nS
N_mf, N_grc, N_goc     population sizes (a 100 um cube of granular layer)                1
n_active_mf            MFs that fire in the stimulus (round(N_mf / 10))                  1
p_mf_grc, p_mf_goc,    Bernoulli connection probabilities (4/315, 10/315, 4/27)          1
p_goc_grc
w_goc_grc              GoC -> GrC weight (0 under GABAzine)                              nS
d_goc_grc, d_mf        delays GoC -> GrC (the code reuses t_ref_grc) and MF -> targets   ms
w_mf_mean              mean of the per-MF weight means mu_k ~ Exp(mean w_mf_mean)         nS
w_mf_cv                per-trial weights w_kt ~ Gamma(mean mu_k, SD w_mf_cv * mu_k)       1
mf_scale_grc/goc       presynaptic muscarinic scaling of MF -> GrC / GoC weights         1
tonic_mean, tonic_sd   per-GrC factor r on g_tonic, Gamma(mean, SD); (1, 0) = none       1
burst_times            MF spike times within a trial (3 at 100 Hz after 1 s settling)    ms
n_trials, trial_ms     trials and trial length (run back to back)                        1, ms
dt                     time step (Brian2's default in the reference)                     ms
reference_quirks       reproduce the reference's correlated per-trial weights            bool
=====================  ================================================================  ======
"""

import dataclasses

from zoo.params import ParamBundle, param, require

SRC = "trfore/chatmodel run_simulation.py"


@dataclasses.dataclass(frozen=True)
class GranuleParams:
    C_grc: float = param(3.1, "pF", "GrC membrane capacitance", SRC)
    g_L_grc: float = param(0.2, "nS", "GrC leak conductance", SRC)
    E_L_grc: float = param(-75.0, "mV", "GrC leak reversal and reset potential", SRC)
    V_th_grc: float = param(-55.0, "mV", "GrC threshold", SRC)
    t_ref_grc: float = param(2.0, "ms", "GrC refractory period", SRC)
    g_tonic: float = param(1.0, "nS", "GrC tonic GABA conductance", SRC)
    sigma_grc: float = param(0.05, "nS", "GrC noise amplitude", SRC)

    def __post_init__(self):
        require(self.C_grc > 0 and self.g_L_grc > 0, "C_grc and g_L_grc must be positive")
        require(self.V_th_grc > self.E_L_grc, "V_th_grc must lie above E_L_grc")
        require(self.g_tonic >= 0 and self.sigma_grc >= 0, "g_tonic and sigma_grc must not be negative")


@dataclasses.dataclass(frozen=True)
class GolgiParams:
    C_goc: float = param(60.0, "pF", "GoC membrane capacitance", SRC)
    g_L_goc: float = param(3.0, "nS", "GoC leak conductance", SRC)
    E_L_goc: float = param(-51.0, "mV", "GoC leak reversal potential", SRC)
    V_th_goc: float = param(-50.0, "mV", "GoC threshold", SRC)
    V_reset_goc: float = param(-55.0, "mV", "GoC reset and initial potential", SRC)
    t_ref_goc: float = param(10.0, "ms", "GoC refractory period", SRC)
    sigma_goc: float = param(0.1, "nS", "GoC noise amplitude", SRC)

    def __post_init__(self):
        require(self.C_goc > 0 and self.g_L_goc > 0, "C_goc and g_L_goc must be positive")
        require(self.V_th_goc > self.V_reset_goc, "V_th_goc must lie above V_reset_goc")


@dataclasses.dataclass(frozen=True)
class SynapseParams:
    E_e: float = param(0.0, "mV", "excitatory reversal potential (MF and noise)", SRC)
    E_i: float = param(-75.0, "mV", "inhibitory reversal potential (phasic and tonic)", SRC)
    tau_e: float = param(12.0, "ms", "decay of the excitatory conductance", SRC)
    tau_i: float = param(20.0, "ms", "decay of the inhibitory conductance", SRC)
    tau_n: float = param(20.0, "ms", "correlation time of the noise conductance", SRC)
    w_goc_grc: float = param(0.17, "nS", "GoC -> GrC weight", SRC)
    d_goc_grc: float = param(2.0, "ms", "GoC -> GrC delay", SRC)
    d_mf: float = param(0.1, "ms", "MF -> GrC/GoC delay (0 in the reference; one time step here)", "zoo")

    def __post_init__(self):
        require(min(self.tau_e, self.tau_i, self.tau_n) > 0, "synaptic and noise time constants must be positive")
        require(self.w_goc_grc >= 0, "w_goc_grc must not be negative")


@dataclasses.dataclass(frozen=True)
class NetworkParams:
    N_mf: int = param(315, "1", "number of mossy fibres", SRC)
    N_grc: int = param(4096, "1", "number of granule cells", SRC)
    N_goc: int = param(27, "1", "number of Golgi cells", SRC)
    n_active_mf: int = param(32, "1", "mossy fibres active in the stimulus", SRC)
    p_mf_grc: float = param(4 / 315, "1", "connection probability MF -> GrC", SRC)
    p_mf_goc: float = param(10 / 315, "1", "connection probability MF -> GoC", SRC)
    p_goc_grc: float = param(4 / 27, "1", "connection probability GoC -> GrC", SRC)

    def __post_init__(self):
        require(min(self.N_mf, self.N_grc, self.N_goc) > 0, "population sizes must be positive")
        require(0 < self.n_active_mf <= self.N_mf, "n_active_mf must lie in 1..N_mf")
        for name in ("p_mf_grc", "p_mf_goc", "p_goc_grc"):
            require(0 <= getattr(self, name) <= 1, f"{name} must lie in [0, 1]")


@dataclasses.dataclass(frozen=True)
class StimulusParams:
    w_mf_mean: float = param(0.1, "nS", "mean of the per-MF mean weights (exponential)", SRC)
    w_mf_cv: float = param(1.0, "1", "SD / mean of the per-trial gamma weights", SRC)
    burst_times: tuple = param((1010.0, 1020.0, 1030.0), "ms", "MF spike times within a trial", SRC)

    def __post_init__(self):
        require(self.w_mf_mean > 0 and self.w_mf_cv > 0, "w_mf_mean and w_mf_cv must be positive")


@dataclasses.dataclass(frozen=True)
class DrugParams:
    mf_scale_grc: float = param(1.0, "1", "scaling of MF -> GrC weights (muscarine 0.4521)", SRC)
    mf_scale_goc: float = param(1.0, "1", "scaling of MF -> GoC weights (muscarine 0.4578)", SRC)
    tonic_mean: float = param(1.0, "1", "mean of the per-GrC factor r on g_tonic (muscarine 0.4)", SRC)
    tonic_sd: float = param(0.0, "1", "SD of r (muscarine 0.07)", SRC)

    def __post_init__(self):
        require(self.mf_scale_grc >= 0 and self.mf_scale_goc >= 0, "MF weight scales must not be negative")
        require(self.tonic_mean >= 0 and self.tonic_sd >= 0, "tonic_mean and tonic_sd must not be negative")
        require(self.tonic_sd == 0 or self.tonic_mean > 0, "tonic_sd > 0 needs tonic_mean > 0")


@dataclasses.dataclass(frozen=True)
class Protocol:
    n_trials: int = param(100, "1", "trials, simulated back to back", SRC)
    trial_ms: float = param(2000.0, "ms", "trial length", SRC)
    dt: float = param(0.1, "ms", "time step", SRC)
    reference_quirks: bool = param(False, "1", "correlated per-trial MF weights as in the reference code", SRC)

    def __post_init__(self):
        require(self.n_trials > 0, "n_trials must be positive")
        require(self.trial_ms > 0 and self.dt > 0, "trial_ms and dt must be positive")


@dataclasses.dataclass(frozen=True)
class Fore2020Params(ParamBundle):
    granule: GranuleParams = GranuleParams()
    golgi: GolgiParams = GolgiParams()
    synapses: SynapseParams = SynapseParams()
    network: NetworkParams = NetworkParams()
    stimulus: StimulusParams = StimulusParams()
    drug: DrugParams = DrugParams()
    protocol: Protocol = Protocol()

    def __post_init__(self):
        require(all(0 <= t < self.protocol.trial_ms for t in self.stimulus.burst_times),
                "burst_times must lie within a trial")
        require(self.synapses.d_mf >= self.protocol.dt, "d_mf must be at least dt")
