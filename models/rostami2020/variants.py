"""Named parameter sets of the EI-clustered network; each says why it exists and its source.

Paper sets come from the authors' code (nawrotlab/ClusteredNetwork_pub, src/defaultSimulate.py and
the figure scripts; nawrotlab/SNN_GeNN_Nest, Simulate_NEST/NEST3_Simulation.py). They share
tau_syn 3 ms (E) / 2 ms (I) and Bernoulli connectivity with clustering by weight.
"""

from zoo.model import Variant

from .params import Rostami2020Params

DEFAULT = Rostami2020Params()

# What the authors' code sets in common for the paper and the benchmark, unlike NEST's example:
# PSC time constants 3 / 2 ms and drive I_th 2.13 / 1.24 (defaultSimulate.py), no stimulus.
_AUTHORS_CODE = DEFAULT.replace(
    tau_syn_E=3.0, tau_syn_I=2.0, I_th_E=2.13, I_th_I=1.24, stim_clusters=(), stim_starts=(), stim_ends=()
)

# Figs 1, 2, 4 of Rostami et al. 2024: Q = 50, V_th 15 mV, spontaneous activity as in Fig 2
# (warm-up 200 ms, then 20 x 400 ms).
_PAPER_Q50 = _AUTHORS_CODE.replace(Q=50, V_th_E=15.0, V_th_I=15.0, warmup=200.0, simtime=8000.0)

VARIANTS = {
    "default": Variant(
        DEFAULT,
        "NEST's EI_clustered_network example: 4000 E + 1000 I, Q = 20, J_E+ = 6, 1 s warm-up + 10 s",
        "nest-simulator 3.10 pynest/examples/EI_clustered_network",
    ),
    "paper_q50": Variant(
        _PAPER_Q50.replace(J_plus_E=11.0, r_J=0.75),
        "Rostami 2024 Figs 1, 2, 4 E/I clustering (J_E+ = 11, J_I+ = 8.5), spontaneous activity of Fig 2",
        "ClusteredNetwork_pub src/defaultSimulate.py, fig1.py, fig2.py",
    ),
    "paper_q50_e_only": Variant(
        _PAPER_Q50.replace(J_plus_E=3.45, r_J=0.0),
        "Rostami 2024 E-only clustering (J_E+ = 3.45, inhibition unclustered), spontaneous activity of Fig 2",
        "ClusteredNetwork_pub fig4.py, fig2.py",
    ),
    "schmitt2023": Variant(
        _AUTHORS_CODE.replace(J_plus_E=10.0, r_J=0.75, warmup=1000.0, simtime=9000.0),
        "Schmitt et al. 2023 GeNN/NEST benchmark at N = 5000 (k = 50), no stimulus, 1 s warm-up + 9 s",
        "SNN_GeNN_Nest Simulate_NEST/NEST3_Simulation.py; Front Neuroinform 17:941696",
    ),
    "tiny": Variant(
        DEFAULT.replace(
            N_E=400, N_I=100, Q=10, warmup=200.0, simtime=1000.0, stim_starts=(200.0, 600.0), stim_ends=(350.0, 750.0)
        ),
        "for tests: 500 neurons (10 clusters of 40 E + 10 I), 0.2 s warm-up + 1 s; weights rescale with K",
        "zoo (test scale of the default)",
    ),
}
