"""Parameters of the RS-FS AdExp network of ``ntwk`` (Zerlaut et al. 2018), defaults = its README.

Values as ``ntwk`` (yzerlaut/neural_network_dynamics at 493623c) actually simulates its README
example, read from ``ntwk/cells/cell_construct.py``, ``ntwk/build/syn_and_connec_construct.py`` and
``ntwk/stim/connect_afferent_input.py`` (see the project spec zerlaut2018.md, and
README.md here). Suffix ``_E`` = RS (excitatory) cells, ``_I`` = FS (inhibitory) cells.

=====================  ============================================================  =====  ==========================
symbol                 meaning                                                       unit   source
=====================  ============================================================  =====  ==========================
Cm, Gl, El             capacitance, leak conductance, leak reversal                  pF,nS,mV  ntwk README (cells)
Vthre, Vreset          exponential threshold, reset potential                        mV     ntwk README (cells)
deltaV_E/I             exponential slope; spikes detected at Vthre + 5 deltaV         mV     ntwk README; cell_construct.py
Trefrac                refractory period (V clamped at Vreset)                       ms     ntwk README (cells)
cell_model             integration of the cells: 'euler' (forward Euler at dt, as    -      cell_construct.py
                       ntwk) or 'aeif_cond_exp' (PyNN's cell; see cells.py)
a_E, b_E, tauw_E       adaptation of RS cells (FS cells: none)                       nS,pA,ms  ntwk README (cells)
Q_E, Q_I, Q_aff        conductance jump per spike: Exc, Inh and afferent synapses    nS     ntwk README (Q_*)
Tsyn_E/I, Erev_E/I     conductance decay time, reversal potential                    ms, mV ntwk README (Tsyn_*, Erev_*)
N_E, N_I               RS and FS cells                                               1      ntwk README
p_E, p_I               K = int(p N_pre) sources per target from Exc / from Inh       1      ntwk README (p_*)
N_aff, p_aff           afferent rate multiplier: every cell gets N_aff p_aff Faff(t)  1      connect_afferent_input.py
shared_afferents       N_aff shared trains instead of one private train per cell     -      ntwk construct_fixed_afference
Faff_*                 Faff(t) = base + amp exp(-(t - t0)^2 / (2 sigma^2)), or table   Hz, ms ntwk README (faff waveform)
delay                  synaptic delay (ntwk: none, i.e. the next step)               ms     zoo (NEST's minimum)
warmup, simtime, dt    unrecorded warm-up, recorded time, time step                  ms     ntwk README; collect_and_run
=====================  ============================================================  =====  ==========================
"""

import dataclasses

import numpy as np

from zoo.params import ParamBundle, param, require

README = "ntwk README (yzerlaut/neural_network_dynamics 493623c)"
CELLS = "ntwk/cells/cell_construct.py"


@dataclasses.dataclass(frozen=True)
class CellParams:
    Cm: float = param(200.0, "pF", "membrane capacitance (RS and FS)", README)
    Gl: float = param(10.0, "nS", "leak conductance (RS and FS)", README)
    El: float = param(-70.0, "mV", "leak reversal potential", README)
    Vthre: float = param(-50.0, "mV", "exponential threshold (PyNN v_thresh)", README)
    Vreset: float = param(-70.0, "mV", "reset potential", README)
    Trefrac: float = param(5.0, "ms", "refractory period", README)
    deltaV_E: float = param(2.0, "mV", "exponential slope of RS cells", README)
    deltaV_I: float = param(0.5, "mV", "exponential slope of FS cells", README)
    a_E: float = param(0.0, "nS", "subthreshold adaptation of RS cells", README)
    b_E: float = param(40.0, "pA", "spike-triggered adaptation of RS cells", README)
    tauw_E: float = param(500.0, "ms", "adaptation time constant of RS cells", README)
    detection_slopes: float = param(5.0, "1", "spikes are detected at Vthre + detection_slopes * deltaV", CELLS)
    cell_model: str = param("euler", "1", "'euler': zoo.neurons.ADEX_COND_EXP, forward Euler at dt on both backends "
                            "(as ntwk); 'aeif_cond_exp': PyNN's EIF_cond_exp_isfa_ista (NEST RKF45, Brian2 rk2)", CELLS)

    def __post_init__(self):
        for name in ("Cm", "Gl", "deltaV_E", "deltaV_I", "tauw_E"):
            require(getattr(self, name) > 0, f"{name} must be positive")
        require(self.Trefrac >= 0 and self.b_E >= 0 and self.a_E >= 0, "Trefrac, a_E and b_E must not be negative")
        require(self.Vreset < self.Vthre, "Vreset must lie below Vthre")
        require(self.cell_model in ("euler", "aeif_cond_exp"), "cell_model must be 'euler' or 'aeif_cond_exp'")


@dataclasses.dataclass(frozen=True)
class SynapseParams:
    Q_E: float = param(1.0, "nS", "conductance jump of Exc -> * synapses", README)
    Q_I: float = param(4.0, "nS", "conductance jump of Inh -> * synapses", README)
    Q_aff: float = param(1.0, "nS", "conductance jump of afferent synapses", README)
    Tsyn_E: float = param(5.0, "ms", "decay time of excitatory conductances", README)
    Tsyn_I: float = param(5.0, "ms", "decay time of inhibitory conductances", README)
    Erev_E: float = param(0.0, "mV", "excitatory reversal potential", README)
    Erev_I: float = param(-80.0, "mV", "inhibitory reversal potential", README)
    delay: float = param(0.1, "ms", "synaptic delay (ntwk: none; NEST's minimum)", "zoo")

    def __post_init__(self):
        for name in ("Q_E", "Q_I", "Q_aff"):
            require(getattr(self, name) >= 0, f"{name} must not be negative")
        require(self.Tsyn_E > 0 and self.Tsyn_I > 0, "Tsyn_E and Tsyn_I must be positive")
        require(self.delay > 0, "delay must be positive")


@dataclasses.dataclass(frozen=True)
class NetworkParams:
    N_E: int = param(4000, "1", "number of RS (excitatory) cells", README)
    N_I: int = param(1000, "1", "number of FS (inhibitory) cells", README)
    p_E: float = param(0.05, "1", "Exc sources per target = int(p_E N_E), drawn with replacement", README)
    p_I: float = param(0.05, "1", "Inh sources per target = int(p_I N_I), drawn with replacement", README)

    def __post_init__(self):
        require(self.N_E > 1 and self.N_I > 1, "N_E and N_I must be at least 2")
        require(0 <= self.p_E <= 1 and 0 <= self.p_I <= 1, "p_E and p_I must lie in [0, 1]")


@dataclasses.dataclass(frozen=True)
class DriveParams:
    N_aff: int = param(400, "1", "afferent Exc population size (a rate multiplier unless shared)", README)
    p_aff: float = param(0.5, "1", "afferent connection probability: N_aff p_aff trains per cell", README)
    shared_afferents: bool = param(False, "-", "N_aff shared trains, N_aff p_aff per cell drawn with replacement",
                                   "ntwk/stim/connect_afferent_input.py construct_fixed_afference")
    Faff_base: float = param(4.0, "Hz", "baseline of Faff(t)", README)
    Faff_amp: float = param(4.0, "Hz", "amplitude of the Gaussian bump of Faff(t)", README)
    Faff_t0: float = param(1000.0, "ms", "time of the bump's peak", README)
    Faff_sigma: float = param(100.0, "ms", "width (sd) of the bump", README)
    Faff_table_t: tuple = param((), "ms", "if given: Faff is the piecewise-linear table (Faff_table_t, Faff_table_rate)", "zoo")
    Faff_table_rate: tuple = param((), "Hz", "rates of the Faff table", "zoo")

    def __post_init__(self):
        require(self.N_aff > 0 and 0 < self.p_aff <= 1, "N_aff must be positive and p_aff in (0, 1]")
        require(self.Faff_base >= 0 and self.Faff_base + min(self.Faff_amp, 0) >= 0, "Faff must not be negative")
        require(self.Faff_sigma > 0, "Faff_sigma must be positive")
        require(len(self.Faff_table_t) == len(self.Faff_table_rate), "Faff_table_t and Faff_table_rate differ in length")
        require(all(r >= 0 for r in self.Faff_table_rate), "Faff table rates must not be negative")
        require(all(a < b for a, b in zip(self.Faff_table_t, self.Faff_table_t[1:])), "Faff_table_t must increase")


@dataclasses.dataclass(frozen=True)
class Protocol:
    warmup: float = param(0.0, "ms", "simulated but not recorded (t = 0 is the start)", README)
    simtime: float = param(1500.0, "ms", "recorded time after the warm-up", README)
    dt: float = param(0.1, "ms", "time step", "ntwk/build/collect_and_run")

    def __post_init__(self):
        require(self.warmup >= 0 and self.simtime > 0 and self.dt > 0, "warmup >= 0, simtime > 0 and dt > 0 required")


@dataclasses.dataclass(frozen=True)
class Zerlaut2018Params(ParamBundle):
    cells: CellParams = CellParams()
    synapses: SynapseParams = SynapseParams()
    network: NetworkParams = NetworkParams()
    drive: DriveParams = DriveParams()
    protocol: Protocol = Protocol()

    def __post_init__(self):
        require(self.synapses.delay >= self.protocol.dt, "delay must be at least dt")

    def faff(self, t_ms):
        """Faff(t) [Hz] at times `t_ms` (array): the table if one is given, else the Gaussian bump."""
        d = self.drive
        t = np.asarray(t_ms, dtype=float)
        if d.Faff_table_t:
            return np.interp(t, d.Faff_table_t, d.Faff_table_rate)
        return d.Faff_base + d.Faff_amp * np.exp(-((t - d.Faff_t0) ** 2) / (2 * d.Faff_sigma**2))
