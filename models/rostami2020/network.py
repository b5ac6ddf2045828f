"""The EI-clustered network of Rostami et al. (2024), built with PyNN.

Methods, as in the paper and NEST's EI_clustered_network example:
N_E excitatory and N_I inhibitory LIF neurons with exponential PSCs (IF_curr_exp = NEST
iaf_psc_exp), split into Q clusters of N_E/Q E and N_I/Q I cells. Every ordered pair of cells is
connected with the probability of its pathway, the same within and across clusters, without
autapses or multapses. Clusters are made by weights alone: within-cluster weights are J+ times,
across-cluster weights J- times the balanced-network weights (Eqs 7-10, formulas.py). Neurons are
driven by a constant current only; V starts from V_th minus a lognormal. A step current excites
the E cells of the stimulated clusters in two windows.

The two populations E and I hold the clusters as index ranges; each pathway is two projections
(within / across cluster) with homogeneous weights, drawn in NumPy from the master seed.
"""

import numpy as np

from zoo import connectivity, from_list, progress
from zoo.model import Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.network import Network, cells_held
from zoo.units import to_pynn

from . import formulas
from .variants import VARIANTS

PATHWAYS = (("E", "E"), ("I", "E"), ("E", "I"), ("I", "I"))  # (pre, post)


class Rostami2020(ZooModel):
    """EI-clustered network with metastable cluster switching (Rostami et al. 2024)."""

    name = "rostami2020"
    title = "EI-clustered network of motor cortex"
    citation = "Rostami V, Rost T, Schmitt FJ, van Albada SJ, Riehle A, Nawrot MP (2024) Nat Commun 15:6304"
    doi = "10.1038/s41467-024-49889-4"
    description = "EI-clustered LIF network, 20 clusters by weight, stimulus to clusters 2-4 (NEST example)"
    variants = VARIANTS
    nest_thread_invariant = True  # every random number comes from NumPy (tests/test_threads.py)
    coincident_start_ms = 10.0  # NEST and Brian2 share every spike of this window, seed by seed (card: Validation)

    # --- sizes and labels -------------------------------------------------------------------
    def sizes(self):
        return {"E": self.params.N_E, "I": self.params.N_I}

    def cluster_of(self, population):
        """Cluster index of every neuron of population 'E' or 'I'."""
        size = self.sizes()[population]
        return np.arange(size) // (size // self.params.Q)

    def own_simulation_settings(self):
        p = self.params
        return {"timestep": p.dt, "min_delay": p.delay, "max_delay": max(p.delay, 10 * p.dt)}

    def expected_size(self):
        """Pairwise Bernoulli: p N_pre N_post synapses per pathway; the lists hold two int32 per
        synapse, and the largest one twice while its blocks are joined; an MPI rank draws only its
        blocks of target cells."""
        sizes = self.sizes()
        synapses = {pre + post: self._probability(pre, post) * sizes[pre] * sizes[post] for pre, post in PATHWAYS}
        total = sum(synapses.values())
        return Size(sum(sizes.values()), float(total), 8.0 * (total + max(synapses.values())),
                    drawn_split=connectivity.TARGET_BLOCKS)

    # --- connectivity (pure NumPy, shared by structure() and build()) -----------------------
    def draw(self, streams):
        """'counts': the synapses of each projection (e.g. 'I_to_E_within') onto each block of target
        cells; 'pairs': the connection lists, int32 (n, 2) arrays per projection, as
        FromListConnector takes them (see :meth:`draw_pairs`)."""
        drawn = Drawn(streams.master_seed, counts=lambda: self._draw_counts(streams),
                      pairs=lambda: self.draw_pairs(streams, counts=drawn["counts"]))
        return drawn

    def connections(self, drawn):
        """(pre, post) index arrays per projection name, e.g. 'I_to_E_within'."""
        return {name: (pairs[:, 0], pairs[:, 1]) for name, pairs in drawn["pairs"].items()}

    def _probability(self, pre, post):
        """Connection probability of the pathway pre -> post (the parameters name it p_<post><pre>)."""
        return getattr(self.params, f"p_{post}{pre}")

    def _pools(self, pre, post):
        """Candidate sources per target cell within and across its cluster (no autapses)."""
        n_pre = self.sizes()[pre]
        in_cluster = n_pre // self.params.Q
        return {"within": in_cluster - (pre == post), "across": n_pre - in_cluster}

    def _draw_counts(self, streams):
        """Synapses per projection and block of target cells: Binomial(pairs in the block, p), from
        the stream 'connectivity/<pre>_to_<post>' (within, then across)."""
        counts = {}
        for pre, post in PATHWAYS:
            rng = streams.generator(f"connectivity/{pre}_to_{post}")
            for kind, pool in self._pools(pre, post).items():
                counts[f"{pre}_to_{post}_{kind}"] = connectivity.bernoulli_block_counts(
                    rng, self.sizes()[post], pool, self._probability(pre, post))
        return counts

    def draw_pairs(self, streams, local=None, counts=None):
        """Every ordered pair of cells connected with its pathway's probability, without autapses,
        split within / across clusters: {projection: int32 (n, 2) rows (pre, post)}.

        Drawn block by block of target cells (:func:`zoo.connectivity.residue_blocks`): the number
        of synapses onto a block comes from :meth:`_draw_counts`, their places from the block's own
        child of the pathway's stream (:func:`zoo.connectivity.uniform_pairs`), so a process draws
        only the blocks holding its cells (`local`: {population: sorted indices of the cells it
        holds}; default all) and gets the rows of every split; with `local`, only the rows onto
        those cells are kept. The rows come block by block, each block's by target, then source
        place (the Brian2 builder puts them in source order: zoo.connectivity.pairs_in_source_order).
        """
        counts = counts if counts is not None else self._draw_counts(streams)
        sizes, cluster = self.sizes(), {name: size // self.params.Q for name, size in self.sizes().items()}
        lists = {}
        progress.step("drawing connectivity for seed %d", streams.master_seed)
        for pre, post in PATHWAYS:
            mine = None if local is None else local[post]
            blocks = connectivity.blocks_to_draw(mine)
            rngs = streams.generators(f"connectivity/{pre}_to_{post}", connectivity.TARGET_BLOCKS, blocks)
            pools = self._pools(pre, post)
            rows = {kind: [] for kind in pools}
            for block in blocks:
                targets = connectivity.block_targets(block, sizes[post])
                first = cluster[pre] * (targets // cluster[post])  # first source of the target's cluster
                for kind, pool in pools.items():
                    which, place = connectivity.uniform_pairs(
                        rngs[block], counts[f"{pre}_to_{post}_{kind}"][block], targets.size, pool)
                    j, start = targets[which], first[which]
                    if kind == "within":
                        i = start + place
                        if pre == post:
                            i += i >= j  # the target itself is no candidate
                    else:
                        i = place + cluster[pre] * (place >= start)  # the places skip the own cluster
                    rows[kind].append(connectivity.pair_rows(*connectivity.rows_onto(i, j, mine)))
            for kind, parts in rows.items():
                lists[f"{pre}_to_{post}_{kind}"] = np.concatenate(parts) if parts else np.empty((0, 2), np.int32)
        return lists

    def structure(self, drawn):
        populations = tuple(PopulationInfo(name, size, "IF_curr_exp") for name, size in self.sizes().items())
        projections = tuple(
            ProjectionInfo(name, name[0], name.split("_")[2], int(counts.sum()), "excitatory" if name[0] == "E" else "inhibitory")
            for name, counts in drawn["counts"].items()
        )
        return Structure(populations, projections, exact_counts=True)

    # --- build ------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        drawn = self._drawn(streams, drawn)
        progress.step("creating populations E (%d) and I (%d)", self.params.N_E, self.params.N_I)
        populations = self._create_populations(sim, streams)
        projections = self._connect(sim, populations, streams, drawn)
        self._add_stimulus(sim, populations)
        self._record(populations)
        labels = {name: {"cluster": self.cluster_of(name)} for name in populations}
        return Network(populations, projections, recorded=("E", "I"), labels=labels)

    def _create_populations(self, sim, streams):
        """LIF neurons with constant drive and lognormally spread initial potentials."""
        p = self.params
        I_x = dict(zip("EI", formulas.drive_currents(p)))
        delta = {"E": p.delta_I_xE, "I": p.delta_I_xI}
        tau_m = {"E": p.tau_m_E, "I": p.tau_m_I}
        V_th = {"E": p.V_th_E, "I": p.V_th_I}
        populations = {}
        for name, size in self.sizes().items():
            drive = I_x[name] * streams.generator(f"drive/{name}").uniform(1 - delta[name] / 2, 1 + delta[name] / 2, size)
            cell = sim.IF_curr_exp(
                cm=to_pynn(p.C_m, "pF"),
                tau_m=tau_m[name],
                tau_refrac=p.t_ref,
                v_rest=p.E_L,
                v_reset=p.V_reset,
                v_thresh=V_th[name],
                tau_syn_E=p.tau_syn_E,
                tau_syn_I=p.tau_syn_I,
                i_offset=to_pynn(drive, "pA") if delta[name] else to_pynn(I_x[name], "pA"),
            )
            population = sim.Population(size, cell, label=name)
            v0 = V_th[name] - p.V_init_scale * streams.generator(f"initial_state/{name}").lognormal(0.0, p.V_init_sigma, size)
            population.initialize(v=v0)
            populations[name] = population
        return populations

    def _connect(self, sim, populations, streams, drawn):
        """Two projections per pathway, within and across clusters, with J+ and J- weights.

        A process that holds only some of the cells (NEST with MPI) draws only the rows onto them
        (:meth:`draw_pairs`). The lists are handed over one projection at a time: the connectors
        take them without a copy and the zoo's builders release them once built
        (zoo.from_list.HandedOver).
        """
        weights = formulas.clustered_weights(self.params)
        held = cells_held(populations)
        if held is None:
            lists = dict(drawn.take("pairs"))  # our own dict: the lists leave it one by one
        else:
            lists = self.draw_pairs(streams, held, drawn["counts"])
        projections = {}
        for name in list(lists):
            pairs = lists.pop(name)
            pre, _, post, kind = name.split("_")
            within, across = weights[post + pre]
            weight = within if kind == "within" else across
            progress.step("connecting %s: %d synapses", name, len(pairs))
            projections[name] = sim.Projection(
                populations[pre],
                populations[post],
                sim.FromListConnector(from_list.HandedOver(pairs)),
                sim.StaticSynapse(weight=to_pynn(weight, "pA"), delay=self.params.delay),
                receptor_type="excitatory" if pre == "E" else "inhibitory",
                label=name,
            )
        return projections

    def _add_stimulus(self, sim, populations):
        """Step current into the E cells of the stimulated clusters; times include the warm-up."""
        p = self.params
        if not p.stim_clusters or not p.stim_starts:
            return
        cells = np.flatnonzero(np.isin(self.cluster_of("E"), p.stim_clusters))
        times, amplitudes = [], []
        for start, end in zip(p.stim_starts, p.stim_ends):
            times += [p.warmup + start, p.warmup + end]
            amplitudes += [to_pynn(p.stim_amp, "pA"), 0.0]
        source = sim.StepCurrentSource(times=times, amplitudes=amplitudes)
        source.inject_into(populations["E"][cells])

    def _record(self, populations):
        for population in populations.values():
            population.record("spikes")

    def figure_hints(self):
        p = self.params
        windows = [(p.warmup + a, p.warmup + b) for a, b in zip(p.stim_starts, p.stim_ends)]
        return {"shade_ms": windows, "group_by": "cluster"}

    # --- model-specific statistics ----------------------------------------------------------
    def observables(self, segment):
        """Per-cluster E rates, and stimulated vs other E clusters inside and outside the stimulus."""
        from .observables import cluster_observables

        return cluster_observables(self, segment)

