"""Parameters of the polarized-interneuron sheet (Peng et al. 2021), a reconstruction.

Tags in the sources name how sure each number is (the tags of the zoo developers' notes on this paper, which are not distributed; see README.md):
[C] read in the authors' code fragments, [D] computed from their experimental data, [A] assumed for
this reconstruction (the authors' network script was not readable; every [A] is argued in README.md).

=======================  ==========================================================  =======
symbol                   meaning                                                     unit
=======================  ==========================================================  =======
C_E, g_L_E, E_L_E        E membrane capacitance, leak, leak reversal (Traub-Miles)   pF, nS, mV
g_Na, E_Na, g_K, E_K     sodium and potassium conductances and reversals             uS, mV
V_T                      Traub voltage offset of the gates                           mV
V_init_cv                V(0) = E_L_E * N(1, V_init_cv)                               1
cell_model               E cell: 'exp_euler' (zoo.neurons.HH_COND_EXP_TRAUB, the same
                         fixed-step exponential Euler on both backends) or
                         'HH_cond_exp' (PyNN's: NEST's adaptive RKF45)
E_i, tau_i_E             inhibitory reversal and conductance decay on E cells        mV, ms
E_e, tau_e_E             excitatory reversal and conductance decay on E (Poisson)    mV, ms
C_I, tau_m_I             interneuron capacitance and membrane time constant          pF, ms
V_rest_I                 interneuron rest (= u_ext, the subthreshold drive)          mV
V_th_I, V_reset_I        interneuron threshold and reset                             mV
t_ref_I                  interneuron refractory period (0 in the code; >= dt here)   ms
tau_e_I                  E -> I conductance decay                                    ms
L, n_side                sheet side; E cells on an n_side x n_side grid              um, 1
N_I, I_placement         interneurons and how they are placed                        1
periodic                 distances on a torus (geometry only; maps do not tile)      bool
axon_a, axon_b           polar axon ellipse semi-axes                                um
axon_offset              centre of the ellipse shifted from the soma along phi      um
orientation_rule         'entropy' (maximise entropy of enclosed preferences)
                         or 'random'
n_orientations           orientations scanned in [0, pi) for the entropy rule        1
entropy_bins             histogram bins of enclosed preferred directions             1
E_to_I_rule              'dendrite' (soma within r_dend) or 'transpose' (of I -> E)
r_dend                   dendrite radius of an interneuron                           um
p_I_to_E                 Bernoulli thinning of the ellipse-membership I -> E          1
g_I_to_E, g_E_to_I       peak conductances I -> E and E -> I                         nS
delay                    synaptic delay, all projections                             ms
normalise_inhibition     scale each interneuron's weights to equal total conductance bool
map_kind                 'perlin' or 'pinwheel' input map
perlin_scale             Perlin lattice spacing (the map's correlation length ~ s/2) um
perlin_octaves           Perlin octaves                                              1
map_seed                 Perlin base (0..255) / pinwheel offset and rotation seed    1
map_transform            Perlin value -> direction: 'rank' or 'cdf' (maps.py)
pinwheel_spacing         distance between pinwheel centres                           um
drive                    'current' (step currents) or 'poisson' (input spike trains)
I_0, I_1, kappa          current drive I_0 + I_1 exp(kappa (cos(theta - phi) - 1))   nA, nA, 1
r_0, r_1, w_input        Poisson drive rates and weight onto E                       Hz, Hz, nS
n_directions             head directions stepped through, equally spaced             1
step_ms, discard_ms      time per direction; start of each step left out             ms
dt                       simulation time step                                        ms
=======================  ==========================================================  =======
"""

import dataclasses
import math

from zoo.params import ParamBundle, param, require

SPEC = "shared/specs/peng2021.md"
CODE = "GIN structured_inhibition_spatial_network_model, scripts/models.py + ring script (spec 3.2-3.3)"
ZOO = "zoo reconstruction [A], see README.md"


@dataclasses.dataclass(frozen=True)
class ExcitatoryParams:
    C_E: float = param(200.0, "pF", "E membrane capacitance (1 uF/cm2, 20,000 um2)", CODE)
    g_L_E: float = param(10.0, "nS", "E leak conductance", CODE)
    E_L_E: float = param(-65.0, "mV", "E leak reversal potential", CODE)
    g_Na: float = param(20.0, "uS", "sodium peak conductance", CODE)
    E_Na: float = param(50.0, "mV", "sodium reversal potential", CODE)
    g_K: float = param(6.0, "uS", "potassium peak conductance", CODE)
    E_K: float = param(-90.0, "mV", "potassium reversal potential", CODE)
    V_T: float = param(-63.0, "mV", "Traub voltage offset of the gating functions", CODE)
    V_init_cv: float = param(0.1, "1", "V(0) = E_L_E * N(1, V_init_cv), drawn per E cell", CODE)
    E_i: float = param(-80.0, "mV", "inhibitory reversal potential", CODE)
    tau_i_E: float = param(5.0, "ms", "decay of the inhibitory conductance on E cells", ZOO)
    E_e: float = param(0.0, "mV", "excitatory reversal potential (E and I cells)", ZOO)
    tau_e_E: float = param(2.0, "ms", "decay of the excitatory conductance on E cells (Poisson drive)", ZOO)
    cell_model: str = param("exp_euler", "1", "E cell: 'exp_euler' (zoo.neurons.HH_COND_EXP_TRAUB, exponential Euler at dt "
                            "on both backends) or 'HH_cond_exp' (PyNN's; NEST integrates it adaptively)", ZOO + ", 'Decisions on the cells'")

    def __post_init__(self):
        for name in ("C_E", "g_L_E", "g_Na", "g_K", "tau_i_E", "tau_e_E"):
            require(getattr(self, name) > 0, f"{name} must be positive")
        require(self.V_init_cv >= 0, "V_init_cv must not be negative")
        require(self.cell_model in ("exp_euler", "HH_cond_exp"), f"cell_model must be 'exp_euler' or 'HH_cond_exp', got '{self.cell_model}'")


@dataclasses.dataclass(frozen=True)
class InhibitoryParams:
    C_I: float = param(200.0, "pF", "interneuron capacitance", ZOO)
    tau_m_I: float = param(7.0, "ms", "interneuron membrane time constant", CODE)
    V_rest_I: float = param(-50.0, "mV", "interneuron rest = u_ext, a subthreshold drive", CODE)
    V_th_I: float = param(-40.0, "mV", "interneuron threshold", CODE)
    V_reset_I: float = param(-60.0, "mV", "interneuron reset", CODE)
    t_ref_I: float = param(0.1, "ms", "interneuron refractory period (0 in the code; one step here)", CODE)
    tau_e_I: float = param(2.0, "ms", "decay of the E -> I conductance", ZOO)

    def __post_init__(self):
        for name in ("C_I", "tau_m_I", "tau_e_I"):
            require(getattr(self, name) > 0, f"{name} must be positive")
        require(self.V_th_I > self.V_reset_I, "V_th_I must lie above V_reset_I")
        require(self.t_ref_I >= 0, "t_ref_I must not be negative")


@dataclasses.dataclass(frozen=True)
class SheetParams:
    L: float = param(900.0, "um", "side of the square sheet", ZOO)
    n_side: int = param(60, "1", "E cells per side of the grid (N_E = n_side**2, spacing L / n_side)", ZOO)
    N_I: int = param(400, "1", "number of interneurons (~10 % of the cells)", ZOO)
    I_placement: str = param("uniform", "1", "interneuron positions: 'uniform' or 'jittered_grid'", ZOO)
    periodic: bool = param(False, "1", "distances on a torus (geometry only; the input maps do not tile)", ZOO)

    def __post_init__(self):
        require(self.L > 0, f"L must be positive, got {self.L:g}")
        require(self.n_side > 0, f"n_side must be positive, got {self.n_side}")
        require(self.N_I > 0, f"N_I must be positive, got {self.N_I}")
        require(self.I_placement in ("uniform", "jittered_grid"), f"I_placement must be 'uniform' or 'jittered_grid', got '{self.I_placement}'")
        if self.I_placement == "jittered_grid":
            side = math.isqrt(self.N_I)
            require(side * side == self.N_I, f"N_I must be a square number for I_placement='jittered_grid', got {self.N_I}")


@dataclasses.dataclass(frozen=True)
class AxonParams:
    axon_a: float = param(100.0, "um", "semi-major axis of the polar axon ellipse", ZOO)
    axon_b: float = param(25.0, "um", "semi-minor axis of the polar axon ellipse (circle: sqrt(a b))", ZOO)
    axon_offset: float = param(0.0, "um", "ellipse centre shifted from the soma along its orientation", ZOO)
    orientation_rule: str = param("entropy", "1", "'entropy': maximise the entropy of enclosed preferred directions; 'random'",
                                  "interneuron_placement.py (function name only) [I]")
    n_orientations: int = param(36, "1", "orientations scanned in [0, pi) by the entropy rule", SPEC + " 5.3")
    entropy_bins: int = param(12, "1", "histogram bins of enclosed preferred directions (entropy rule)", SPEC + " 5.3")

    def __post_init__(self):
        require(self.axon_a > 0, f"axon_a must be positive, got {self.axon_a:g}")
        require(self.axon_b > 0, f"axon_b must be positive, got {self.axon_b:g}")
        require(self.axon_b <= self.axon_a, f"axon_b ({self.axon_b:g} um) must not exceed axon_a ({self.axon_a:g} um)")
        require(self.axon_offset >= 0, f"axon_offset must not be negative, got {self.axon_offset:g}")
        require(self.orientation_rule in ("entropy", "random"), f"orientation_rule must be 'entropy' or 'random', got '{self.orientation_rule}'")
        require(self.n_orientations > 0, f"n_orientations must be positive, got {self.n_orientations}")
        require(self.entropy_bins > 1, f"entropy_bins must be at least 2, got {self.entropy_bins}")


@dataclasses.dataclass(frozen=True)
class ConnectivityParams:
    E_to_I_rule: str = param("dendrite", "1", "E -> I: 'dendrite' (soma within r_dend) or 'transpose' of I -> E", ZOO)
    r_dend: float = param(50.0, "um", "radius of an interneuron's circular dendrite", ZOO)
    p_I_to_E: float = param(1.0, "1", "probability that an E soma inside an axon is contacted", ZOO)
    g_I_to_E: float = param(5.0, "nS", "I -> E peak conductance", ZOO)
    g_E_to_I: float = param(8.0, "nS", "E -> I peak conductance (tuned, see README)", ZOO)
    delay: float = param(1.0, "ms", "synaptic delay, all projections", ZOO)
    normalise_inhibition: bool = param(False, "1", "scale each interneuron's I -> E weights to the mean total of its condition", ZOO)

    def __post_init__(self):
        require(self.E_to_I_rule in ("dendrite", "transpose"), f"E_to_I_rule must be 'dendrite' or 'transpose', got '{self.E_to_I_rule}'")
        require(self.r_dend > 0, f"r_dend must be positive, got {self.r_dend:g}")
        require(0 < self.p_I_to_E <= 1, f"p_I_to_E must lie in (0, 1], got {self.p_I_to_E:g}")
        require(self.g_I_to_E >= 0 and self.g_E_to_I >= 0, "g_I_to_E and g_E_to_I must not be negative")
        require(self.delay > 0, f"delay must be positive, got {self.delay:g}")


@dataclasses.dataclass(frozen=True)
class MapParams:
    map_kind: str = param("perlin", "1", "input map: 'perlin' (noise.pnoise2) or 'pinwheel'", "README of the GIN repository [C]")
    perlin_scale: float = param(200.0, "um", "Perlin lattice spacing s: noise at (x/s, y/s)", ZOO)
    perlin_octaves: int = param(1, "1", "Perlin octaves", ZOO)
    map_seed: int = param(1, "1", "Perlin base (0..255); pinwheel lattice offset and rotation", "README of the GIN repository [C]")
    map_transform: str = param("rank", "1", "Perlin value -> direction: 'rank' (uniform in every map) or 'cdf' (of pnoise2)", SPEC + " 3.4 [A]")
    pinwheel_spacing: float = param(300.0, "um", "distance between neighbouring pinwheel centres", ZOO)

    def __post_init__(self):
        require(self.map_kind in ("perlin", "pinwheel"), f"map_kind must be 'perlin' or 'pinwheel', got '{self.map_kind}'")
        require(self.perlin_scale > 0, f"perlin_scale must be positive, got {self.perlin_scale:g}")
        require(self.perlin_octaves > 0, f"perlin_octaves must be positive, got {self.perlin_octaves}")
        require(0 <= self.map_seed <= 255, f"map_seed must lie in 0..255 (the Perlin base), got {self.map_seed}")
        require(self.map_transform in ("rank", "cdf"), f"map_transform must be 'rank' or 'cdf', got '{self.map_transform}'")
        require(self.pinwheel_spacing > 0, f"pinwheel_spacing must be positive, got {self.pinwheel_spacing:g}")


@dataclasses.dataclass(frozen=True)
class StimulusParams:
    drive: str = param("current", "1", "'current' (per-cell step currents) or 'poisson' (per-cell input trains)", ZOO)
    I_0: float = param(0.01, "nA", "direction-independent current (below the ~0.018 nA rheobase)", ZOO)
    I_1: float = param(0.10, "nA", "direction-tuned current at the preferred direction (25 spikes/s alone)", ZOO)
    kappa: float = param(2.0, "1", "von Mises concentration of the drive", ZOO)
    r_0: float = param(20.0, "Hz", "direction-independent input rate (poisson drive)", ZOO)
    r_1: float = param(400.0, "Hz", "direction-tuned input rate at the preferred direction (poisson drive)", ZOO)
    w_input: float = param(2.0, "nS", "input -> E peak conductance (poisson drive; ~0.26 pC per spike at rest)", ZOO)
    n_directions: int = param(12, "1", "head directions, equally spaced from 0", ZOO)
    step_ms: float = param(1000.0, "ms", "time spent at each head direction", ZOO)
    discard_ms: float = param(200.0, "ms", "start of each step left out of the tuning curves", ZOO)

    def __post_init__(self):
        require(self.drive in ("current", "poisson"), f"drive must be 'current' or 'poisson', got '{self.drive}'")
        require(self.n_directions > 0, f"n_directions must be positive, got {self.n_directions}")
        require(self.step_ms > 0, f"step_ms must be positive, got {self.step_ms:g}")
        require(0 <= self.discard_ms < self.step_ms, f"discard_ms must lie in [0, step_ms), got {self.discard_ms:g}")
        require(self.kappa >= 0, f"kappa must not be negative, got {self.kappa:g}")
        require(min(self.r_0, self.r_1, self.w_input) >= 0, "r_0, r_1 and w_input must not be negative")


@dataclasses.dataclass(frozen=True)
class Protocol:
    dt: float = param(0.1, "ms", "simulation time step (see README: dt 0.1 vs 0.05 ms)", ZOO)
    conditions: tuple = param(("polar", "circular", "none"), "1", "inhibition conditions simulated side by side", SPEC + " 3.6")

    def __post_init__(self):
        require(self.dt > 0, f"dt must be positive, got {self.dt:g}")
        require(len(self.conditions) > 0, "conditions must name at least one condition")
        for name in self.conditions:
            require(name in ("polar", "circular", "none"), f"conditions: unknown condition '{name}' (polar, circular, none)")
        require(len(set(self.conditions)) == len(self.conditions), "conditions must not repeat")


@dataclasses.dataclass(frozen=True)
class Peng2021Params(ParamBundle):
    excitatory: ExcitatoryParams = ExcitatoryParams()
    inhibitory: InhibitoryParams = InhibitoryParams()
    sheet: SheetParams = SheetParams()
    axons: AxonParams = AxonParams()
    connectivity: ConnectivityParams = ConnectivityParams()
    maps: MapParams = MapParams()
    stimulus: StimulusParams = StimulusParams()
    protocol: Protocol = Protocol()

    def __post_init__(self):
        L = self.sheet.L
        require(2 * (self.axons.axon_a + self.axons.axon_offset) <= L,
                f"axon_a: the axon (2 (a + offset) = {2 * (self.axons.axon_a + self.axons.axon_offset):g} um) is larger than the sheet (L = {L:g} um)")
        require(2 * self.connectivity.r_dend <= L, f"r_dend: the dendrite (2 r = {2 * self.connectivity.r_dend:g} um) is larger than the sheet (L = {L:g} um)")
        require(self.connectivity.delay >= self.protocol.dt, "delay must be at least dt")
        require((self.stimulus.r_0 + self.stimulus.r_1) * self.protocol.dt / 1000.0 <= 1,
                "r_0 + r_1 must not exceed one input spike per time step")
        require(self.inhibitory.t_ref_I >= self.protocol.dt, f"t_ref_I ({self.inhibitory.t_ref_I:g} ms) must be at least dt ({self.protocol.dt:g} ms)")
        for name in ("step_ms", "discard_ms"):
            steps = getattr(self.stimulus, name) / self.protocol.dt
            require(abs(steps - round(steps)) < 1e-6, f"{name} must be a multiple of dt")
