"""The original code, run unmodified: ntwk (yzerlaut/neural_network_dynamics at 493623c) on Brian2.

Fetched by zoo.originals (pinned commit, checksums; its utils/plot_tools submodule as a part of its
own) and run by validation/originals.py in a process of its own. The driver makes the calls of
ntwk's README example (``ntwk.build.populations``, ``ntwk.build.recurrent_connections``,
``ntwk.stim.construct_feedforward_input`` for Exc and Inh, ``ntwk.build.initialize_to_rest``,
``ntwk.collect_and_run``), with the variant's parameters in ntwk's own ``Model`` dictionary (its
key names: ``Erev_Exc``/``Tsyn_Exc`` ..., which ntwk reads, not the README's ``Ee``/``Tse``), the
variant's Faff(t) as the rate array and its duration (warm-up + recorded) as ``tstop``. The shared
variants call ``ntwk.stim.construct_fixed_afference`` instead (N_aff shared trains, N_aff p_aff per
cell drawn with replacement). Every zoo variant is expressible this way; what ntwk cannot be told
(it hard-codes them) is the same in every variant: spike detection at Vthre + 5 deltaV, forward
Euler, no synaptic delay (the zoo's 0.1 ms is NEST's minimum), FS cells without adaptation.

Seeds. ntwk seeds NumPy's global generator itself, twice: ``recurrent_connections(SEED=s)`` calls
``np.random.seed(s)``; ``construct_feedforward_input(SEED=a)`` calls
``np.random.seed((a + 2)**2 % 100)`` at each of its two calls (Exc, then Inh: the same stream
restarted, drawing N_Exc or N_Inh numbers per step), ``construct_fixed_afference(SEED=a)``
``np.random.seed((a + 6)**2 % 100)``. Brian2's own generator is never used (no release
probabilities). The zoo's master seed s gives ``SEED = s`` for the connectivity and ``SEED = s + 10``
for the afferents, as the reference runs paired them (1/11, 2/12, 3/13). The afferent seed is
folded into (a + 2)^2 mod 100 (private trains) or (a + 6)^2 mod 100 (shared), one of 22 values:
master seeds 1-12 get distinct private trains (seed 13 repeats seed 3's, on another network), 1-9
distinct shared ones (seed 10 repeats seed 8's); the folded seeds are recorded with each run.

Spikes come back as ntwk's ``SpikeMonitor`` holds them (``NTWK['RASTER']``: Exc, then Inh; times
from t = 0, the zoo's clock), read as populations E and I.
"""

import importlib.metadata
import sys

import numpy as np

from zoo import progress

DESCRIPTION = "ntwk (yzerlaut/neural_network_dynamics 493623c) on Brian2, unmodified, with the variant's parameters"
VARIANTS = ("default", "const4", "const8", "shared", "shared_const4", "shared_const8", "tiny")
REQUIRES = {"sklearn": "scikit-learn"}  # `import ntwk` imports ntwk.theory.fitting_tf, which imports sklearn
AFFERENT_SEED_OFFSET = 10  # SEED of the afferent trains = master seed + 10 (the reference runs' pairs)
NTWK_DETECTION_SLOPES = 5.0  # ntwk/cells/cell_construct.py: threshold 'V > Vthre + 5 deltaV'
NTWK_INH_TAUW = 1e9  # ms, the README's Inh_tauw (FS cells: a = b = 0, so ntwk creates no adaptation)


def ntwk_model(params, seed):
    """ntwk's ``Model`` dictionary (units ms, mV, pF, nS, pA, Hz) for the zoo parameters `params`."""
    if params.detection_slopes != NTWK_DETECTION_SLOPES:
        raise ValueError(f"ntwk detects spikes at Vthre + 5 deltaV; the variant sets {params.detection_slopes}")
    model = {"N_Exc": params.N_E, "N_Inh": params.N_I, "N_AffExc": params.N_aff,
             "Tsyn_Exc": params.Tsyn_E, "Tsyn_Inh": params.Tsyn_I, "Erev_Exc": params.Erev_E, "Erev_Inh": params.Erev_I,
             "dt": params.dt, "tstop": params.warmup + params.simtime, "SEED": int(seed)}
    for post in ("Exc", "Inh"):
        model.update({f"Q_Exc_{post}": params.Q_E, f"Q_Inh_{post}": params.Q_I, f"Q_AffExc_{post}": params.Q_aff,
                      f"p_Exc_{post}": params.p_E, f"p_Inh_{post}": params.p_I, f"p_AffExc_{post}": params.p_aff})
    cells = {"Gl": params.Gl, "Cm": params.Cm, "Trefrac": params.Trefrac, "El": params.El,
             "Vthre": params.Vthre, "Vreset": params.Vreset}
    own = {"Exc": {"deltaV": params.deltaV_E, "a": params.a_E, "b": params.b_E, "tauw": params.tauw_E},
           "Inh": {"deltaV": params.deltaV_I, "a": 0.0, "b": 0.0, "tauw": NTWK_INH_TAUW}}
    for pop, values in own.items():
        model.update({f"{pop}_{key}": value for key, value in {**cells, **values}.items()})
    return model


def seeds(seed):
    """The SEED arguments ntwk gets for master seed `seed`, and what it seeds NumPy with."""
    afferent = int(seed) + AFFERENT_SEED_OFFSET
    return {"recurrent_connections": int(seed), "afferents": afferent,
            "numpy_seed_feedforward": (afferent + 2) ** 2 % 100, "numpy_seed_fixed_afference": (afferent + 6) ** 2 % 100}


def simulate(code_dir, variant, seed, threads=1):
    """Run ntwk for the zoo variant `variant` with master seed `seed`; spikes per population."""
    from zoo import registry

    params = registry.create_model(f"zerlaut2018.{variant}").params
    model = ntwk_model(params, seed)
    chosen = seeds(seed)
    sys.path.insert(0, str(code_dir))
    import ntwk

    clock = progress.Laps()
    t_array = ntwk.arange(int(model["tstop"] / model["dt"])) * model["dt"]
    net = ntwk.build.populations(model, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"], with_raster=True)
    ntwk.build.recurrent_connections(net, SEED=chosen["recurrent_connections"])
    clock.lap("populations and connections")
    faff = params.faff(t_array)
    if params.shared_afferents:
        ntwk.stim.construct_fixed_afference(net, "AffExc", ["Exc", "Inh"], t_array, rate_array=faff,
                                            SEED=chosen["afferents"])
    else:
        for target in ("Exc", "Inh"):
            ntwk.stim.construct_feedforward_input(net, target, "AffExc", t_array, faff, SEED=chosen["afferents"])
    clock.lap("afferent trains")
    ntwk.build.initialize_to_rest(net)
    ntwk.collect_and_run(net)
    clock.lap("run")
    populations = {}
    for name, neurons, monitor in zip(("E", "I"), net["NEURONS"], net["RASTER"]):
        populations[name] = (np.asarray(monitor.t / ntwk.ms, float), np.asarray(monitor.i, np.int64), int(neurons["N"]), {})
    versions = {name: importlib.metadata.version(name) for name in ("Brian2", "numpy")}
    return {"populations": populations, "window_ms": (params.warmup, params.warmup + params.simtime),
            "facts": {"versions": versions, "seeds": chosen, "codegen_target": str(ntwk.prefs.codegen.target),
                      "timing_s": clock.laps}}
