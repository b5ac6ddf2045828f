"""The drug conditions of Fore et al. (2020) as parameter sets; each says why and its source.

A condition is a change of the control parameters (``DRUGS``), so the same change applies to any
base (``condition(params, name)``), e.g. to ``reference_quirks`` or a shorter test run.
"""

from zoo.model import Variant

from .params import Fore2020Params

SRC = "trfore/chatmodel run_simulation.py (v1.0)"

DRUGS = {
    "control": {},
    # GABA-A block: no tonic conductance, GoC -> GrC synapses kept but add 0 nS.
    "gabazine": {"g_tonic": 0.0, "w_goc_grc": 0.0},
    # Muscarine: MF release scaled to the measured EPSC ratios, GoCs hyperpolarised by 4 mV,
    # tonic GrC inhibition reduced to r ~ Gamma(mean 0.4, SD 0.07) per cell.
    "muscarine": {"mf_scale_grc": 0.4521, "mf_scale_goc": 0.4578, "E_L_goc": -55.0, "tonic_mean": 0.4, "tonic_sd": 0.07},
}
CONDITIONS = tuple(DRUGS)


def condition(params, name):
    """`params` (a control parameter set) under drug condition `name`."""
    return params.replace(**DRUGS[name])


CONTROL = Fore2020Params()
QUIRKS = CONTROL.replace(reference_quirks=True)
# The original code's third arm at full size: its Control protocol with 10 trials (its 100 take
# ~10 CPU min per condition here on top of a ~15-min analysis, which validation skips).
QUIRKS_10 = QUIRKS.replace(n_trials=10)  # its GABAzine and ACh conditions below, likewise
# Test scale: 1/8 of the GrCs, 4 trials; MF -> GrC probability kept, so per-GrC statistics hold.
TINY = CONTROL.replace(N_grc=512, n_trials=4)

VARIANTS = {
    "default": Variant(CONTROL, "control condition, 100 trials (same as 'control')", SRC),
    "control": Variant(CONTROL, "control: tonic 1 nS, GoC -> GrC 0.17 nS, GoC E_L -51 mV, 100 trials", SRC),
    "gabazine": Variant(condition(CONTROL, "gabazine"), "GABAzine: no tonic or phasic GrC inhibition", SRC),
    "muscarine": Variant(condition(CONTROL, "muscarine"),
                         "muscarine (ACh): MF weights x0.452/x0.458, GoC E_L -55 mV, tonic x Gamma(0.4, 0.07)", SRC),
    "reference_quirks": Variant(QUIRKS, "control with the reference code's correlated per-trial MF weights "
                                        "(two shared factors per trial; its active MFs and mean weights)", SRC),
    "reference_quirks_10": Variant(QUIRKS_10, "reference_quirks with 10 trials: full size, the original code's "
                                              "Control as a third arm in affordable time", SRC),
    "gabazine_quirks_10": Variant(condition(QUIRKS_10, "gabazine"), "reference_quirks_10 under GABAzine: the "
                                  "original code's GABAzine condition as a third arm", SRC),
    "muscarine_quirks_10": Variant(condition(QUIRKS_10, "muscarine"), "reference_quirks_10 under muscarine, with "
                                   "the reference code's fixed tonic factors: its ACh condition as a third arm", SRC),
    "tiny": Variant(TINY, "for tests: control with 512 GrCs and 4 trials", "zoo (test scale)"),
}
