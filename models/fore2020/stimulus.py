"""Drawn quantities of Fore et al. (2020), in NumPy from the master seed (no simulator).

Connectivity: independent Bernoulli per pair (Brian2 ``connect(p=...)`` in the reference), drawn
block by block of target cells so that an MPI rank draws only what its cells receive.
Stimulus: the same active MFs in every trial and condition, each with a mean weight
mu_k ~ Exp(mean w_mf_mean) and a per-trial weight w_kt ~ Gamma(mean mu_k, SD w_mf_cv * mu_k).
Muscarine: a per-GrC factor r on the tonic conductance, Gamma(mean tonic_mean, SD tonic_sd).

``reference_quirks`` reproduces what the reference code really draws (run_simulation.py): the
active MFs of ``random.seed(451)``, mu_k of ``RandomState(35)``, and per trial one of two factors
shared by all MFs, from ``RandomState(seed_t)`` re-seeded for every MF with
seed_t = ``RandomState(43).randint(1, 1000, n_trials)[t]`` and a gamma shape of 1 - eps or 1 + eps
(numpy's gamma takes different algorithms on either side of 1). Which MFs got which side depended
on float rounding in sympy; here the 15/17 split is drawn from the master seed. Under muscarine
(its ACh condition) its tonic factors r come from ``RandomState(1)``, the same in every run.
"""

import numpy as np

from zoo import connectivity

# sorted(random.sample(range(315), 32)) after random.seed(451) (Python's random), as run_simulation.py draws them
REFERENCE_ACTIVE_MF = (20, 22, 26, 48, 62, 65, 76, 87, 89, 108, 109, 111, 117, 152, 169, 175, 184, 185, 193,
                       206, 220, 221, 244, 247, 248, 251, 266, 277, 289, 303, 311, 313)
REFERENCE_SHAPE_BELOW_ONE = 15  # MFs whose sympy-solved gamma shape came out < 1 (the others > 1)


PROJECTIONS = {"MF_to_GrC": "p_mf_grc", "MF_to_GoC": "p_mf_goc", "GoC_to_GrC": "p_goc_grc"}


def _sizes(params):
    return {"MF": params.N_mf, "GrC": params.N_grc, "GoC": params.N_goc}


def candidates(params, name, active):
    """The cells that may connect onto each target of projection `name`: the active MFs (the others
    never fire, so their synapses would change nothing and are not drawn), or every GoC."""
    return np.asarray(active, np.int64) if name.startswith("MF") else np.arange(params.N_goc)


def connection_counts(params, streams, active):
    """Synapses of each projection onto each block of its target cells (zoo.connectivity.residue_blocks):
    Binomial(cells in the block x candidates, p), from the stream 'connectivity/<projection>'."""
    counts = {}
    for name, probability in PROJECTIONS.items():
        post = name.split("_")[2]
        counts[name] = connectivity.bernoulli_block_counts(
            streams.generator(f"connectivity/{name}"), _sizes(params)[post], candidates(params, name, active).size,
            getattr(params, probability))
    return counts


def connections(params, streams, active, counts, held=None):
    """(pre, post) index arrays of 'MF_to_GrC', 'MF_to_GoC' and 'GoC_to_GrC': each candidate pair
    connected with its probability, drawn block by block of targets, each block from its own child
    of the projection's stream (zoo.connectivity.bernoulli_by_block), given the `counts` of
    :func:`connection_counts`. `held` ({'GrC': sorted indices, 'GoC': ...}, the cells a process
    holds): only the blocks holding them are drawn, and only the rows onto them kept."""
    pairs = {}
    for name in PROJECTIONS:
        post = name.split("_")[2]
        mine = None if held is None else held[post]
        rngs = streams.generators(f"connectivity/{name}", connectivity.TARGET_BLOCKS, connectivity.blocks_to_draw(mine))
        pool = candidates(params, name, active)
        place, target = connectivity.bernoulli_by_block(rngs, counts[name], _sizes(params)[post], pool.size, mine)
        pairs[name] = (pool[place], target)
    return pairs


def active_mf(params, streams):
    """Sorted indices of the MFs that fire in the stimulus."""
    if params.reference_quirks and params.N_mf == 315 and params.n_active_mf == len(REFERENCE_ACTIVE_MF):
        return np.array(REFERENCE_ACTIVE_MF)
    return np.sort(streams.generator("stimulus/active_mf").choice(params.N_mf, params.n_active_mf, replace=False))


def trial_weights(params, streams):
    """(n_trials, n_active_mf) MF weights in nS, before any drug scaling."""
    p = params
    n, k = p.n_trials, p.n_active_mf
    if p.reference_quirks:
        mu = np.random.RandomState(35).gamma(1.0, p.w_mf_mean, k)
        seeds = np.random.RandomState(43).randint(1, 1000, n)
        shape = 1.0 / p.w_mf_cv**2
        below = np.array([np.random.RandomState(s).gamma(shape * (1 - 1e-12), 1.0 / shape) for s in seeds])
        above = np.array([np.random.RandomState(s).gamma(shape * (1 + 1e-12), 1.0 / shape) for s in seeds])
        groups = np.zeros(k, bool)
        groups[streams.generator("stimulus/quirk_groups").choice(k, min(REFERENCE_SHAPE_BELOW_ONE, k), replace=False)] = True
        return mu[None, :] * np.where(groups[None, :], below[:, None], above[:, None])
    mu = streams.generator("stimulus/weight_means").exponential(p.w_mf_mean, k)
    shape = 1.0 / p.w_mf_cv**2
    return mu[None, :] * streams.generator("stimulus/trial_weights").gamma(shape, 1.0 / shape, (n, k))


def tonic_factor(params, streams):
    """Per-GrC factor r on the tonic conductance (ones unless tonic_sd > 0 or tonic_mean != 1)."""
    p = params
    if p.tonic_sd == 0:
        return np.full(p.N_grc, p.tonic_mean)
    shape = (p.tonic_mean / p.tonic_sd) ** 2
    generator = np.random.RandomState(1) if p.reference_quirks else streams.generator("drug/tonic_factor")
    return generator.gamma(shape, p.tonic_mean / shape, p.N_grc)


def active_inputs(params, pairs, active):
    """Number of synapses from the `active` MFs onto each GrC (0-4 typically), given the
    connections `pairs` (as :func:`connections` draws them)."""
    pre, post = pairs["MF_to_GrC"]
    keep = np.isin(pre, active)
    return np.bincount(post[keep], minlength=params.N_grc)
