"""Named parameter sets of the multi-area model; each says why it exists and its source.

Both states of Schmidt et al. 2018 (PLOS CB) differ only in the cortico-cortical weight factors.
The zoo's variants run at 1 % of the neurons and in-degrees; full scale (4.13 million neurons,
24.1e9 synapses) needs a supercomputer, but its structure is available without a simulator:
``python -m zoo.run schmidt2018 --dry-run --set N_scaling=1 --set K_scaling=1``.
"""

from zoo.model import Variant

from .params import Schmidt2018Params

DEFAULT = Schmidt2018Params()

VARIANTS = {
    "default": Variant(
        DEFAULT,
        "ground state (chi = chi_I = 1) at N_scaling = K_scaling = 0.01 (41,174 neurons, 2.41 M synapses), "
        "0.5 s warm-up + 1 s",
        "Schmidt et al. 2018 PLOS CB Figs 2, 3 (full scale); figures/Schmidt2018_dyn/network_simulations.py",
    ),
    "metastable": Variant(
        DEFAULT.replace(chi=1.9, chi_I=2.0),
        "metastable state (chi = 1.9, chi_I = 2) at N_scaling = K_scaling = 0.01, 0.5 s warm-up + 1 s",
        "Schmidt et al. 2018 PLOS CB Figs 4-9; multiarea_model/default_params.py (repository default since 2024)",
    ),
    "tiny": Variant(
        DEFAULT.replace(N_scaling=0.001, K_scaling=0.01, warmup=100.0, simtime=200.0),
        "for tests: ground state at N_scaling = 0.001, K_scaling = 0.01 (4,002 neurons, 238 k synapses in 4,122 projections), "
        "0.1 s warm-up + 0.2 s",
        "zoo (test scale of the default)",
    ),
}
