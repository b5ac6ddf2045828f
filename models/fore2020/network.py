"""The granular-layer model of Fore et al. (2020), built with PyNN.

Methods, as in the authors' code (trfore/chatmodel run_simulation.py, v1.0):
315 mossy fibres (MF), 4096 granule cells (GrC) and 27 Golgi cells (GoC). GrCs and GoCs are
conductance-based LIF neurons with an Ornstein-Uhlenbeck noise conductance (zoo.neurons,
LIF_COND_EXP_OU); GrCs also carry a tonic GABA conductance on E_i. The circuit is feed-forward:
MF -> GrC, MF -> GoC -> GrC, independent Bernoulli connectivity (drawn only from the MFs that fire:
the others' synapses would change nothing). In each 2-s trial the same 32 MFs
fire 3 spikes at 100 Hz 1 s after the trial start, with per-trial weights; GrC spike probability
is measured across 100 trials. The drug conditions are parameter sets (variants.py).

Trials run back to back as one simulation (the 1 s before each stimulus lets every cell settle,
which the reference gets from store/restore). Per-trial weights need no Projection.set: each
(trial, active MF) pair is its own SpikeSourceArray that fires only in its trial, connected with
that trial's weight. Inactive MFs never fire and are not simulated.

MF spikes arrive d_mf after the burst times. They are sent earlier and delayed by as much as
GoC -> GrC spikes, with the same arrival times: NEST then exchanges spikes every 2 ms instead of
every time step (min_delay is set to the shortest delay), which saves about a sixth of its run time.
"""

import numpy as np

from zoo import connectivity, inputs, progress
from zoo.model import Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.network import Network, cells_held
from zoo.neurons import LIF_COND_EXP_OU, cell_type
from zoo.units import to_pynn

from . import stimulus
from .variants import VARIANTS


class Fore2020(ZooModel):
    """Cerebellar granular layer under acetylcholine (Fore et al. 2020)."""

    name = "fore2020"
    title = "Cerebellar granular layer under acetylcholine"
    citation = ("Fore TR, Taylor BN, Brunel N, Hull C (2020) Acetylcholine modulates cerebellar granule cell "
                "spiking by regulating the balance of synaptic excitation and inhibition. J Neurosci 40(14):2882-2894")
    doi = "10.1523/JNEUROSCI.2148-19.2020"
    description = "315 MF -> 4096 GrC + 27 GoC with OU-noise conductance LIF cells, MF burst x 100 trials; drug variants"
    variants = VARIANTS
    duration_param = "trial_ms"

    @property
    def warmup_ms(self):
        return 0.0

    @property
    def duration_ms(self):
        return self.params.n_trials * self.params.trial_ms

    def own_simulation_settings(self):
        p = self.params
        # NEST exchanges spikes every min_delay and PyNN's setting is final: the shortest delay used
        return {"timestep": p.dt, "min_delay": min(self._mf_delay(), p.d_goc_grc),
                "max_delay": max(p.d_goc_grc, p.d_mf, 10 * p.dt)}

    def expected_size(self):
        """Pairwise Bernoulli connections; each trial has its own copy of the active MFs and their
        synapses (source, target, weight: ~40 bytes per synapse with temporaries while expanded). An
        MPI rank draws and expands only the rows onto its blocks of target cells."""
        p = self.params
        per_trial = p.n_active_mf * (p.p_mf_grc * p.N_grc + p.p_mf_goc * p.N_goc)
        synapses = p.n_trials * per_trial + p.p_goc_grc * p.N_goc * p.N_grc
        neurons = p.n_trials * p.n_active_mf + p.N_grc + p.N_goc
        return Size(neurons, float(synapses), 40.0 * synapses, drawn_split=connectivity.TARGET_BLOCKS)

    # --- drawn quantities (NumPy only; shared by structure, build and the analysis) ------------
    def draw(self, streams):
        """Active MFs, connection counts per block of targets and the connections, per-trial weights
        (nS), tonic factors and active inputs per GrC."""
        p = self.params

        def connections():
            progress.step("drawing connectivity for seed %d", streams.master_seed)
            return stimulus.connections(p, streams, drawn["active_mf"], drawn["counts"])

        drawn = Drawn(
            streams.master_seed,
            active_mf=lambda: stimulus.active_mf(p, streams),
            counts=lambda: stimulus.connection_counts(p, streams, drawn["active_mf"]),
            connections=connections,
            weights_nS=lambda: stimulus.trial_weights(p, streams),
            tonic_factor=lambda: stimulus.tonic_factor(p, streams),
            active_inputs=lambda: stimulus.active_inputs(p, drawn["connections"], drawn["active_mf"]),
        )
        return drawn

    def mf_lists(self, drawn, target, pairs=None):
        """(source, post, weight nS) of the trial-expanded MF projection onto 'GrC' or 'GoC'.

        Source index = trial * n_active + position of the MF among the active ones. `pairs`: the
        (pre, post) rows to expand (default: the whole drawn projection).
        """
        p = self.params
        pre, post = drawn["connections"][f"MF_to_{target}"] if pairs is None else pairs
        position = np.full(p.N_mf, -1)
        position[drawn["active_mf"]] = np.arange(p.n_active_mf)
        a = position[pre]
        trials = np.arange(p.n_trials)
        scale = p.mf_scale_grc if target == "GrC" else p.mf_scale_goc
        source = (trials[:, None] * p.n_active_mf + a[None, :]).ravel()
        weight = (drawn["weights_nS"][:, a] * scale).ravel()
        return source, np.tile(post, p.n_trials), weight

    def structure(self, drawn):
        p = self.params
        populations = (
            PopulationInfo("MF", p.n_trials * p.n_active_mf, "SpikeSourceArray"),
            PopulationInfo("GrC", p.N_grc, LIF_COND_EXP_OU.name),
            PopulationInfo("GoC", p.N_goc, LIF_COND_EXP_OU.name),
        )
        synapses = {name: int(counts.sum()) for name, counts in drawn["counts"].items()}
        projections = tuple(
            ProjectionInfo(f"MF_to_{t}", "MF", t, p.n_trials * synapses[f"MF_to_{t}"], "excitatory") for t in ("GrC", "GoC")
        ) + (ProjectionInfo("GoC_to_GrC", "GoC", "GrC", synapses["GoC_to_GrC"], "inhibitory"),)
        return Structure(populations, projections, exact_counts=True)

    # --- build --------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        drawn = self._drawn(streams, drawn)
        populations = self._create_populations(sim, drawn)
        populations["MF"] = self._add_stimulus(sim)
        projections = self._connect(sim, populations, drawn, streams)
        for name in ("GrC", "GoC"):
            populations[name].record("spikes")
        labels = {"GrC": {"active_inputs": lambda: drawn["active_inputs"]}}  # drawn where the spikes are collected
        return Network(populations, projections, recorded=("GrC", "GoC"), labels=labels)

    def _create_populations(self, sim, drawn):
        """GrC and GoC: LIF with exponential conductances and OU noise conductance (run_simulation.py)."""
        p = self.params
        celltype = cell_type(LIF_COND_EXP_OU, sim)
        progress.step("creating GrC (%d) and GoC (%d)", p.N_grc, p.N_goc)
        common = dict(E_e=p.E_e, E_i=p.E_i, tau_e=p.tau_e, tau_i=p.tau_i, tau_n=p.tau_n)
        granule = sim.Population(p.N_grc, celltype(
            C_m=p.C_grc, g_L=p.g_L_grc, E_L=p.E_L_grc, V_th=p.V_th_grc, V_reset=p.E_L_grc, t_ref=p.t_ref_grc,
            g_t=p.g_tonic, sigma_n=p.sigma_grc, **common), label="GrC")
        tonic = p.g_tonic * drawn["tonic_factor"]
        if not np.all(tonic == p.g_tonic):
            granule.set(g_t=tonic)  # per-cell tonic conductance (muscarine)
        golgi = sim.Population(p.N_goc, celltype(
            C_m=p.C_goc, g_L=p.g_L_goc, E_L=p.E_L_goc, V_th=p.V_th_goc, V_reset=p.V_reset_goc, t_ref=p.t_ref_goc,
            g_t=0.0, sigma_n=p.sigma_goc, **common), label="GoC")
        granule.initialize(V_m=p.E_L_grc, g_e=0.0, g_i=0.0, g_n=0.0)
        golgi.initialize(V_m=p.V_reset_goc, g_e=0.0, g_i=0.0, g_n=0.0)
        return {"GrC": granule, "GoC": golgi}

    def _add_stimulus(self, sim):
        """One SpikeSourceArray per (trial, active MF): the 3-spike burst of that trial only."""
        p = self.params
        burst = np.asarray(p.burst_times, dtype=float) - (self._mf_delay() - p.d_mf)
        times = [t * p.trial_ms + burst for t in range(p.n_trials) for _ in range(p.n_active_mf)]
        return inputs.spike_source(sim, times, label="MF")

    def _mf_delay(self):
        """Delay given to MF synapses; their spikes are sent earlier by (this - d_mf)."""
        p = self.params
        return max(p.d_mf, p.d_goc_grc) if min(p.burst_times) >= p.d_goc_grc else p.d_mf

    def _connect(self, sim, populations, drawn, streams):
        """A process that holds only some of the cells (NEST with MPI) draws only the rows onto them
        (:func:`stimulus.connections`), and expands only those into trials."""
        p = self.params
        held = cells_held({target: populations[target] for target in ("GrC", "GoC")})
        pairs = drawn["connections"] if held is None else stimulus.connections(
            p, streams, drawn["active_mf"], drawn["counts"], held)
        projections = {}
        for target in ("GrC", "GoC"):
            source, post, weight = self.mf_lists(drawn, target, pairs[f"MF_to_{target}"])
            progress.step("connecting MF_to_%s: %d synapses (%d trials)", target, source.size, p.n_trials)
            table = np.column_stack((source, post, to_pynn(weight, "nS"), np.full(source.size, self._mf_delay())))
            projections[f"MF_to_{target}"] = sim.Projection(
                populations["MF"], populations[target], sim.FromListConnector(table, column_names=["weight", "delay"]),
                sim.StaticSynapse(weight=0.0, delay=self._mf_delay()), receptor_type="excitatory", label=f"MF_to_{target}")
        pre, post = pairs["GoC_to_GrC"]
        progress.step("connecting GoC_to_GrC: %d synapses", pre.size)
        projections["GoC_to_GrC"] = sim.Projection(
            populations["GoC"], populations["GrC"], sim.FromListConnector(np.column_stack((pre, post))),
            sim.StaticSynapse(weight=to_pynn(p.w_goc_grc, "nS"), delay=p.d_goc_grc),
            receptor_type="inhibitory", label="GoC_to_GrC")
        return projections

    def figure_hints(self):
        return {}

    # --- model-specific statistics ----------------------------------------------------------
    def observables(self, segment):
        """GoC and GrC rates, and the trial-aligned spike probability of GrCs with active input."""
        from .observables import fore2020_observables

        return fore2020_observables(self, segment)
