"""The RS-FS AdExp network of ``ntwk`` (Zerlaut et al. 2018 J Comput Neurosci), built with PyNN.

Methods, as ntwk simulates its README example (the project spec zerlaut2018.md):
N_E regular-spiking and N_I fast-spiking adaptive exponential integrate-and-fire cells with
conductance-based exponential synapses, integrated with forward Euler at dt as ntwk does
(zoo.neurons.ADEX_COND_EXP; or PyNN's EIF_cond_exp_isfa_ista with cell_model='aeif_cond_exp', cells.py).
Spikes are detected at Vthre + 5 deltaV (v_spike set explicitly, which PyNN-Brian2 hard-codes); reset to
Vreset with V clamped for Trefrac; RS cells add b to w at each spike. Every target cell gets a
fixed number of sources from each population, K = int(p N_pre) = 200 Exc and 50 Inh, drawn
with replacement (multapses) and without autapses. Each cell is driven by its own afferent
train, an inhomogeneous Poisson process at N_aff p_aff Faff(t) = 200 Faff(t) Hz; or, in the
shared variant, by 200 of N_aff = 400 shared trains at Faff(t) (drawn with replacement). All
cells start at rest (V = El, w = 0, g = 0). Connectivity and input trains are drawn in NumPy
from the master seed, so NEST and Brian2 simulate the same network with the same input spikes;
they are drawn block by block of 64 cells, each block from a stream of its own, so that an MPI
rank draws only what its cells receive and send, and every split gets the same network.
"""

import numpy as np

from zoo import connectivity, inputs, progress
from zoo.model import Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.network import Network, cells_held
from zoo.units import to_pynn

from . import cells, formulas
from .variants import VARIANTS

POPULATIONS = ("E", "I")


class Zerlaut2018(ZooModel):
    """RS-FS AdExp network with time-varying afferent drive (ntwk, Zerlaut et al. 2018)."""

    name = "zerlaut2018"
    title = "RS-FS adaptive exponential network with time-varying drive"
    citation = "Zerlaut Y, Chemla S, Chavane F, Destexhe A (2018) J Comput Neurosci 44:45-61"
    doi = "10.1007/s10827-017-0668-2"
    description = "4000 RS + 1000 FS AdExp cells, fixed in-degrees, Poisson drive 200*Faff(t) (ntwk README)"
    variants = VARIANTS
    nest_thread_invariant = True  # every random number comes from NumPy (tests/test_threads.py)

    def sizes(self):
        return {"E": self.params.N_E, "I": self.params.N_I}

    @property
    def building_blocks(self):
        return () if self.params.shared_afferents else ("private_trains",)

    def own_simulation_settings(self):
        p = self.params
        return {"timestep": p.dt, "min_delay": p.delay, "max_delay": max(p.delay, 10 * p.dt)}

    @property
    def t_stop_ms(self):
        return self.warmup_ms + self.duration_ms

    def expected_size(self):
        """Fixed in-degrees K_E + K_I per cell (two int64 per synapse and a temporary); afferent
        trains of N_aff p_aff Faff(t) per cell (or N_aff shared ones), drawn on the time grid: a
        rate per step, and ~32 bytes per input spike while they are drawn and sorted. An MPI rank
        draws only the blocks of cells it holds (the shared variant's few trains whole)."""
        p, sizes, K = self.params, self.sizes(), formulas.in_degrees(self.params)
        cells = sum(sizes.values())
        synapses = cells * (K["E"] + K["I"])
        trains = p.N_aff if p.shared_afferents else cells
        per_train = (1 if p.shared_afferents else formulas.afferent_trains_per_cell(p))
        mean_rate = float(np.mean(p.faff(np.linspace(0.0, self.t_stop_ms, 1001))))
        spikes = trains * per_train * mean_rate * self.t_stop_ms / 1000.0
        afferent = cells * formulas.afferent_trains_per_cell(p) if p.shared_afferents else cells  # private: one each
        steps = self.t_stop_ms / p.dt
        return Size(cells + trains, float(synapses + afferent), 24.0 * (synapses + afferent) + 8.0 * steps + 32.0 * spikes,
                    drawn_split=connectivity.TARGET_BLOCKS)

    # --- connectivity and input trains (pure NumPy, shared by structure() and build()) -------
    def draw(self, streams):
        """'connections': (pre, post) index arrays per projection 'E_to_E', ... (and 'aff_to_E'
        when the afferents are shared); 'afferent_trains': spike-time arrays [ms] per afferent
        source, {'E': [...], 'I': [...]} or {'aff': [...]} (~60 MB for the default)."""
        return Drawn(streams.master_seed, connections=lambda: self.draw_connections(streams),
                     afferent_trains=lambda: self.draw_afferent_trains(streams))

    def _pathways(self):
        """(pre, post, sources to draw from, sources per target, autapses allowed) per projection."""
        p, sizes, K = self.params, self.sizes(), formulas.in_degrees(self.params)
        pathways = [(pre, post, sizes[pre], K[pre], pre != post) for pre in POPULATIONS for post in POPULATIONS]
        if p.shared_afferents:
            pathways += [("aff", post, p.N_aff, formulas.afferent_trains_per_cell(p), True) for post in POPULATIONS]
        return pathways

    def draw_connections(self, streams, held=None):
        """K sources per target cell from each population, drawn block by block of target cells
        (zoo.connectivity.residue_blocks), each block from its own child of the stream
        'connectivity/<pre>_to_<post>': a process draws only the blocks holding its cells (`held`:
        {population: sorted indices of the cells it holds}; default all) and keeps the rows onto
        them, and gets the rows of every split."""
        progress.step("drawing fixed in-degree connectivity for seed %d", streams.master_seed)
        lists = {}
        for pre, post, n_pre, k, autapses in self._pathways():
            mine = None if held is None else held[post]
            rngs = streams.generators(f"connectivity/{pre}_to_{post}", connectivity.TARGET_BLOCKS,
                                      connectivity.blocks_to_draw(mine))
            lists[f"{pre}_to_{post}"] = connectivity.fixed_in_degree_by_block(
                rngs, n_pre, self.sizes()[post], k, allow_autapses=autapses, held=mine)
        return lists

    def draw_afferent_trains(self, streams):
        """Shared: N_aff trains at Faff(t) from the stream 'input/aff'; private: one train per cell
        at m Faff(t) (:meth:`private_trains`)."""
        p = self.params
        if p.shared_afferents:
            progress.step("drawing %d afferent Poisson trains (aff)", p.N_aff)
            return {"aff": inputs.poisson_trains(streams.generator("input/aff"), p.faff, p.N_aff, self.t_stop_ms, p.dt)}
        return {post: self.private_trains(streams, post) for post in POPULATIONS}

    def private_trains(self, streams, post, held=None):
        """The private afferent train of every cell of `post`, at m Faff(t) with m N_aff p_aff trains
        merged into one, drawn block by block of cells (zoo.connectivity.residue_blocks) from children
        of the stream 'input/<post>'. With `held` (sorted indices of the afferent sources a process
        holds), only their trains are drawn; the others are empty."""
        p, size = self.params, self.sizes()[post]
        m = formulas.afferent_trains_per_cell(p)
        progress.step("drawing %d afferent Poisson trains (%s)", size if held is None else held.size, post)
        rngs = streams.generators(f"input/{post}", connectivity.TARGET_BLOCKS, connectivity.blocks_to_draw(held))
        return inputs.trains_by_block(
            rngs, size, lambda rng, cells: inputs.poisson_trains(rng, lambda t: m * p.faff(t), cells.size,
                                                                  self.t_stop_ms, p.dt), held)

    def structure(self, drawn):
        p = self.params
        populations = [PopulationInfo(name, size, cells.type_name(p)) for name, size in self.sizes().items()]
        if p.shared_afferents:
            populations.append(PopulationInfo("aff", p.N_aff, "SpikeSourceArray"))
        else:
            populations += [PopulationInfo(f"aff_{name}", size, "SpikeSourceArray") for name, size in self.sizes().items()]
        projections = [  # fixed in-degrees: exact without the lists
            ProjectionInfo(f"{pre}_to_{post}", pre, post, self.sizes()[post] * k,
                           "inhibitory" if pre == "I" else "excitatory")
            for pre, post, _, k, _ in self._pathways()
        ]
        if not p.shared_afferents:
            projections += [ProjectionInfo(f"aff_to_{name}", f"aff_{name}", name, size, "excitatory")
                            for name, size in self.sizes().items()]
        return Structure(tuple(populations), tuple(projections), exact_counts=True)

    # --- build ------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        drawn = self._drawn(streams, drawn)
        populations = self._create_populations(sim)
        held = cells_held(populations)
        if held is None:  # one process: the draws made already
            connections, trains = drawn.take("connections"), drawn.take("afferent_trains")
        else:  # one of several (NEST with MPI): only what this process's cells receive and send
            connections = self.draw_connections(streams, held)
            trains = drawn.take("afferent_trains") if self.params.shared_afferents else None
        projections = self._connect(sim, populations, connections)
        projections.update(self._add_drive(sim, populations, connections, trains, streams))
        for name in POPULATIONS:
            populations[name].record("spikes")
        return Network(populations, projections, recorded=POPULATIONS)

    def _create_populations(self, sim):
        """AdExp cells at rest: V = El, w = 0 (conductances start at 0)."""
        p = self.params
        populations = {}
        for name, size in self.sizes().items():
            progress.step("creating population %s (%d)", name, size)
            population = sim.Population(size, cells.create(sim, p, name), label=name)
            population.initialize(**cells.rest(p))
            populations[name] = population
        return populations

    def _weight(self, pre):
        p = self.params
        return to_pynn({"E": p.Q_E, "I": p.Q_I, "aff": p.Q_aff}[pre], "nS")

    def _connect(self, sim, populations, connections):
        projections = {}
        for name, (i, j) in connections.items():
            pre, post = name.split("_")[0], name.split("_")[2]
            if pre == "aff":
                continue
            progress.step("connecting %s: %d synapses", name, i.size)
            projections[name] = sim.Projection(
                populations[pre], populations[post], sim.FromListConnector(connectivity.pair_rows(i, j)),
                sim.StaticSynapse(weight=self._weight(pre), delay=self.params.delay),
                receptor_type="inhibitory" if pre == "I" else "excitatory", label=name,
            )
        return projections

    def _add_drive(self, sim, populations, connections, trains, streams):
        """Afferent trains: one private train per cell, or shared trains (variant). Private trains
        not drawn yet (`trains` None) are drawn for the cells this process holds."""
        projections, weight, delay = {}, self._weight("aff"), self.params.delay
        for post in POPULATIONS:
            name = f"aff_to_{post}"
            if not self.params.shared_afferents:
                own = trains[post] if trains is not None else (
                    lambda held, post=post: self.private_trains(streams, post, held))
                populations[f"aff_{post}"], projections[name] = inputs.private_trains(
                    sim, populations[post], own, weight, delay, "excitatory", label=f"aff_{post}", projection_label=name)
                continue
            if "aff" not in populations:
                populations["aff"] = inputs.spike_source(sim, trains["aff"], label="aff")
            projections[name] = sim.Projection(
                populations["aff"], populations[post], sim.FromListConnector(connectivity.pair_rows(*connections[name])),
                sim.StaticSynapse(weight=weight, delay=delay), receptor_type="excitatory", label=name,
            )
        return projections

    # --- figures and model-specific statistics ------------------------------------------------
    def figure_hints(self):
        from .observables import figure_curves

        return {"curves": figure_curves(self)}

    def observables(self, segment):
        from .observables import rate_observables

        return rate_observables(self, segment)
