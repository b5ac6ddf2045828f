"""Parameters of the multi-area model of macaque visual cortex (Schmidt et al. 2018).

Defaults are the reference code's (INM-6/multi-area-model 355d940, multiarea_model/default_params.py)
for the ground state of Schmidt et al. 2018 PLOS CB (chi = chi_I = 1; the repository's own default is
the metastable state, variant ``metastable``), down-scaled to 1 % of the neurons and in-degrees
(N_scaling = K_scaling = 0.01) so that it runs on a workstation. Index convention: [target, source].

=====================  =============================================================  =======  ===================
symbol                 meaning                                                        unit     source
=====================  =============================================================  =======  ===================
E_L, V_th, V_reset     resting, threshold and reset potential                         mV       default_params.py
C_m, tau_m, t_ref      capacitance, membrane time constant, refractory period         pF, ms   default_params.py
tau_syn_ex/in          exponential PSC time constants                                 ms       default_params.py
V0_mean, V0_sd         initial membrane potentials ~ Normal(V0_mean, V0_sd)           mV       default_params.py
surface                modelled patch of every area                                   mm^2     default_params.py
av_indegree_V1         mean total in-degree of V1 (mean of Cragg 1967, O'Kusky 1982)  1        default_params.py
fac_nu_ext_5E/6E/TH    factors on the external in-degree of 5E, 6E, TH 2/3E and 5E    1        default_params.py
K_stable               use the stabilised K' of Schuecker et al. 2017 (published)     1        default_params.py
PSP_e, PSP_e_23_4      PSP peak of E synapses, of intra-area 4E -> 2/3E synapses      mV       default_params.py
PSP_ext                PSP peak of the external Poisson input                         mV       default_params.py
g                      relative strength of inhibitory synapses                       1        default_params.py
PSC_rel_sd             SD of the weights relative to their mean                       1        default_params.py
chi, chi_I             cortico-cortical weight factor, extra factor onto I cells      1        PLOS CB 2018, Fig 4
delay_e, delay_i       mean intra-area delay of E and I synapses                      ms       default_params.py
delay_rel              SD of every delay relative to its mean                         1        default_params.py
v_cc                   conduction speed between areas                                 mm/ms    default_params.py
rate_ext               rate of each external Poisson input                            1/s      default_params.py
poisson_input          Poisson drive (True) or its mean as DC (False)                 1        default_params.py
N_scaling, K_scaling   fraction of neurons and of in-degrees simulated                1        multiarea_model.py
areas                  simulated areas ("all" or a comma-separated list)              -        default_params.py
replacement            input replacing the other areas: rates of fullscale_rates.json -        default_params.py
                       ("het_poisson_stat") or rate_ext ("hom_poisson_stat")
warmup, simtime, dt    warm-up (not recorded), recorded time, time step               ms       zoo / sim_params
=====================  =============================================================  =======  ===================
"""

import dataclasses

from zoo.params import ParamBundle, param, require

from .anatomy import AREAS

REPLACEMENTS = ("het_poisson_stat", "hom_poisson_stat")

SRC = "INM-6/multi-area-model 355d940 multiarea_model/"


@dataclasses.dataclass(frozen=True)
class NeuronParams:
    E_L: float = param(-65.0, "mV", "leak (resting) potential", SRC + "default_params.py")
    V_th: float = param(-50.0, "mV", "firing threshold", SRC + "default_params.py")
    V_reset: float = param(-65.0, "mV", "reset potential", SRC + "default_params.py")
    C_m: float = param(250.0, "pF", "membrane capacitance", SRC + "default_params.py")
    tau_m: float = param(10.0, "ms", "membrane time constant", SRC + "default_params.py")
    tau_syn_ex: float = param(0.5, "ms", "excitatory PSC time constant", SRC + "default_params.py")
    tau_syn_in: float = param(0.5, "ms", "inhibitory PSC time constant", SRC + "default_params.py")
    t_ref: float = param(2.0, "ms", "absolute refractory period", SRC + "default_params.py")
    V0_mean: float = param(-150.0, "mV", "mean initial membrane potential (hyperpolarised on purpose)", SRC + "default_params.py")
    V0_sd: float = param(50.0, "mV", "SD of the initial membrane potentials", SRC + "default_params.py")

    def __post_init__(self):
        require(self.V_th > self.V_reset, "V_th must lie above V_reset")
        for name in ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in"):
            require(getattr(self, name) > 0, f"{name} must be positive")
        require(self.tau_syn_ex != self.tau_m and self.tau_syn_in != self.tau_m,
                "tau_syn_ex and tau_syn_in must differ from tau_m (PSP-to-PSC conversion)")
        require(self.t_ref >= 0 and self.V0_sd >= 0, "t_ref and V0_sd must not be negative")


@dataclasses.dataclass(frozen=True)
class AnatomyParams:
    surface: float = param(1.0, "mm**2", "modelled surface of every area", SRC + "default_params.py")
    av_indegree_V1: float = param(3950.0, "1", "mean total in-degree in V1, mean of Cragg (5600) and O'Kusky (2300)",
                                  SRC + "default_params.py; raw_data/SynapticDensity_*.csv")
    fac_nu_ext_5E: float = param(1.125, "1", "factor on the external in-degree of 5E", SRC + "default_params.py")
    fac_nu_ext_6E: float = param(1.41666667, "1", "factor on the external in-degree of 6E", SRC + "default_params.py")
    fac_nu_ext_TH: float = param(1.2, "1", "factor on the external in-degree of TH 2/3E and 5E", SRC + "default_params.py")
    K_stable: bool = param(True, "1", "use the stabilised in-degrees K' (K_prime_original.npy) as published; "
                           "False: the data pipeline's raw K", SRC + "default_params.py")

    def __post_init__(self):
        require(self.surface > 0, "surface must be positive")
        require(self.av_indegree_V1 > 0, "av_indegree_V1 must be positive")
        for name in ("fac_nu_ext_5E", "fac_nu_ext_6E", "fac_nu_ext_TH"):
            require(getattr(self, name) >= 0, f"{name} must not be negative")


@dataclasses.dataclass(frozen=True)
class SynapseParams:
    PSP_e: float = param(0.15, "mV", "PSP peak of excitatory synapses", SRC + "default_params.py")
    PSP_e_23_4: float = param(0.3, "mV", "PSP peak of intra-area 4E -> 2/3E synapses", SRC + "default_params.py")
    PSP_ext: float = param(0.15, "mV", "PSP peak of the external Poisson input", SRC + "default_params.py")
    g: float = param(-11.0, "1", "inhibitory weight relative to excitatory (negative)", SRC + "default_params.py")
    PSC_rel_sd: float = param(0.1, "1", "SD of the weights relative to their mean", SRC + "default_params.py")
    chi: float = param(1.0, "1", "cortico-cortical weight factor (cc_weights_factor); 1 ground state, 1.9 metastable",
                       "Schmidt et al. 2018 PLOS CB; " + SRC + "default_params.py")
    chi_I: float = param(1.0, "1", "extra cortico-cortical weight factor onto I cells (cc_weights_I_factor)",
                         "Schmidt et al. 2018 PLOS CB; " + SRC + "default_params.py")
    delay_e: float = param(1.5, "ms", "mean intra-area delay of excitatory synapses", SRC + "default_params.py")
    delay_i: float = param(0.75, "ms", "mean intra-area delay of inhibitory synapses", SRC + "default_params.py")
    delay_rel: float = param(0.5, "1", "SD of the delays relative to their mean", SRC + "default_params.py")
    v_cc: float = param(3.5, "mm/ms", "conduction speed of cortico-cortical axons", SRC + "default_params.py")

    def __post_init__(self):
        require(self.g <= 0, "g must not be positive (it multiplies excitatory weights into inhibitory ones)")
        require(self.chi > 0 and self.chi_I > 0, "chi and chi_I must be positive")
        require(self.PSC_rel_sd >= 0 and self.delay_rel >= 0, "PSC_rel_sd and delay_rel must not be negative")
        require(self.delay_e > 0 and self.delay_i > 0 and self.v_cc > 0, "delays and v_cc must be positive")


@dataclasses.dataclass(frozen=True)
class InputParams:
    rate_ext: float = param(10.0, "1/s", "rate of every external Poisson input", SRC + "default_params.py")
    poisson_input: bool = param(True, "1", "external drive as Poisson spikes (True) or as its mean current (False)",
                                SRC + "default_params.py")

    def __post_init__(self):
        require(self.rate_ext >= 0, "rate_ext must not be negative")


@dataclasses.dataclass(frozen=True)
class ScalingParams:
    N_scaling: float = param(0.01, "1", "fraction of the neurons simulated", SRC + "multiarea_model.py")
    K_scaling: float = param(0.01, "1", "fraction of the in-degrees simulated; weights x 1/sqrt(K_scaling) plus DC",
                             SRC + "multiarea_model.py")

    areas: str = param("all", "1", "simulated areas: 'all' or a comma-separated list such as 'V1,V2'; the others are "
                       "replaced by Poisson input (replace_non_simulated_areas)", SRC + "default_params.py (areas_simulated)")
    replacement: str = param("het_poisson_stat", "1", "Poisson input replacing the non-simulated areas at their full-scale "
                             "rates (het_poisson_stat, fullscale_rates.json) or at rate_ext (hom_poisson_stat)",
                             SRC + "default_params.py (replace_non_simulated_areas)")

    def __post_init__(self):
        require(0 < self.N_scaling <= 1, "N_scaling must lie in (0, 1]")
        require(0 < self.K_scaling <= 1, "K_scaling must lie in (0, 1]")
        unknown_areas = [a for a in self.area_list() if a not in AREAS]
        require(not unknown_areas, f"unknown area(s) {', '.join(unknown_areas)} in areas; known: {', '.join(AREAS)}")
        require(len(self.area_list()) > 0, "areas names no area")
        require(self.replacement in REPLACEMENTS, f"replacement must be one of {', '.join(REPLACEMENTS)}")

    def area_list(self):
        """The simulated areas in model order."""
        if self.areas.strip().lower() == "all":
            return AREAS
        named = {a.strip() for a in self.areas.split(",") if a.strip()}
        return tuple(a for a in AREAS if a in named) + tuple(sorted(named - set(AREAS)))


@dataclasses.dataclass(frozen=True)
class Protocol:
    warmup: float = param(500.0, "ms", "warm-up, simulated but not recorded (the paper's statistics start at 500 ms)",
                          "Schmidt et al. 2018 PLOS CB, Methods")
    simtime: float = param(1000.0, "ms", "recorded simulation time after the warm-up", "zoo")
    dt: float = param(0.1, "ms", "simulation time step", SRC + "default_params.py")

    def __post_init__(self):
        require(self.warmup >= 0, "warmup must not be negative")
        require(self.simtime > 0, "simtime must be positive")
        require(self.dt > 0, "dt must be positive")


@dataclasses.dataclass(frozen=True)
class Schmidt2018Params(ParamBundle):
    neuron: NeuronParams = NeuronParams()
    anatomy: AnatomyParams = AnatomyParams()
    synapse: SynapseParams = SynapseParams()
    input: InputParams = InputParams()
    scaling: ScalingParams = ScalingParams()
    protocol: Protocol = Protocol()
