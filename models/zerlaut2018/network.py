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
from the master seed, so NEST and Brian2 simulate the same network with the same input spikes.
"""

import numpy as np

from zoo import connectivity, inputs, progress
from zoo.model import Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.network import Network
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

    def own_simulation_settings(self):
        p = self.params
        return {"timestep": p.dt, "min_delay": p.delay, "max_delay": max(p.delay, 10 * p.dt)}

    @property
    def t_stop_ms(self):
        return self.warmup_ms + self.duration_ms

    def expected_size(self):
        """Fixed in-degrees K_E + K_I per cell (two int64 per synapse and a temporary); afferent
        trains of N_aff p_aff Faff(t) per cell (or N_aff shared ones), drawn on the time grid: a
        rate per step, and ~32 bytes per input spike while they are drawn and sorted."""
        p, sizes, K = self.params, self.sizes(), formulas.in_degrees(self.params)
        cells = sum(sizes.values())
        synapses = cells * (K["E"] + K["I"])
        trains = p.N_aff if p.shared_afferents else cells
        per_train = (1 if p.shared_afferents else formulas.afferent_trains_per_cell(p))
        mean_rate = float(np.mean(p.faff(np.linspace(0.0, self.t_stop_ms, 1001))))
        spikes = trains * per_train * mean_rate * self.t_stop_ms / 1000.0
        afferent = cells * formulas.afferent_trains_per_cell(p) if p.shared_afferents else cells  # private: one each
        steps = self.t_stop_ms / p.dt
        return Size(cells + trains, float(synapses + afferent), 24.0 * (synapses + afferent) + 8.0 * steps + 32.0 * spikes)

    # --- connectivity and input trains (pure NumPy, shared by structure() and build()) -------
    def draw(self, streams):
        """'connections': (pre, post) index arrays per projection 'E_to_E', ... (and 'aff_to_E'
        when the afferents are shared); 'afferent_trains': spike-time arrays [ms] per afferent
        source, {'E': [...], 'I': [...]} or {'aff': [...]} (~60 MB for the default)."""
        return Drawn(streams.master_seed, connections=lambda: self._draw_connections(streams),
                     afferent_trains=lambda: self._draw_afferent_trains(streams))

    def _draw_connections(self, streams):
        p, sizes, K = self.params, self.sizes(), formulas.in_degrees(self.params)
        lists = {}
        progress.step("drawing fixed in-degree connectivity for seed %d", streams.master_seed)
        for pre in POPULATIONS:
            for post in POPULATIONS:
                rng = streams.generator(f"connectivity/{pre}_to_{post}")
                lists[f"{pre}_to_{post}"] = connectivity.fixed_in_degree(
                    rng, sizes[pre], sizes[post], K[pre], allow_autapses=pre != post
                )
        if p.shared_afferents:
            for post in POPULATIONS:
                rng = streams.generator(f"connectivity/aff_to_{post}")
                lists[f"aff_to_{post}"] = connectivity.fixed_in_degree(
                    rng, p.N_aff, sizes[post], formulas.afferent_trains_per_cell(p)
                )
        return lists

    def _draw_afferent_trains(self, streams):
        p = self.params
        if p.shared_afferents:
            sources = {"aff": (p.N_aff, p.faff)}
        else:
            m = formulas.afferent_trains_per_cell(p)
            sources = {post: (size, lambda t: m * p.faff(t)) for post, size in self.sizes().items()}
        trains = {}
        for name, (count, profile) in sources.items():
            progress.step("drawing %d afferent Poisson trains (%s)", count, name)
            rng = streams.generator(f"input/{name}")
            trains[name] = inputs.poisson_trains(rng, profile, count, self.t_stop_ms, p.dt)
        return trains

    def structure(self, drawn):
        p = self.params
        populations = [PopulationInfo(name, size, cells.type_name(p)) for name, size in self.sizes().items()]
        if p.shared_afferents:
            populations.append(PopulationInfo("aff", p.N_aff, "SpikeSourceArray"))
        else:
            populations += [PopulationInfo(f"aff_{name}", size, "SpikeSourceArray") for name, size in self.sizes().items()]
        projections = [
            ProjectionInfo(name, name.split("_")[0], name.split("_")[2], int(i.size),
                           "inhibitory" if name.startswith("I") else "excitatory")
            for name, (i, _) in drawn["connections"].items()
        ]
        if not p.shared_afferents:
            projections += [ProjectionInfo(f"aff_to_{name}", f"aff_{name}", name, size, "excitatory")
                            for name, size in self.sizes().items()]
        return Structure(tuple(populations), tuple(projections), exact_counts=True)

    # --- build ------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        drawn = self._drawn(streams, drawn)
        populations = self._create_populations(sim)
        connections = drawn.take("connections")
        projections = self._connect(sim, populations, connections)
        projections.update(self._add_drive(sim, populations, connections, drawn.take("afferent_trains")))
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
                populations[pre], populations[post], sim.FromListConnector(np.column_stack((i, j))),
                sim.StaticSynapse(weight=self._weight(pre), delay=self.params.delay),
                receptor_type="inhibitory" if pre == "I" else "excitatory", label=name,
            )
        return projections

    def _add_drive(self, sim, populations, connections, trains):
        """Afferent SpikeSourceArrays: one private train per cell, or shared trains (variant)."""
        projections = {}
        for post in POPULATIONS:
            if self.params.shared_afferents:
                key = "aff"
                if key not in populations:
                    populations[key] = inputs.spike_source(sim, trains[key], label=key)
                i, j = connections[f"aff_to_{post}"]
            else:
                key = f"aff_{post}"
                populations[key] = inputs.spike_source(sim, trains[post], label=key)
                i = j = np.arange(self.sizes()[post])
            projections[f"aff_to_{post}"] = sim.Projection(
                populations[key], populations[post], sim.FromListConnector(np.column_stack((i, j))),
                sim.StaticSynapse(weight=self._weight("aff"), delay=self.params.delay),
                receptor_type="excitatory", label=f"aff_to_{post}",
            )
        return projections

    # --- figures and model-specific statistics ------------------------------------------------
    def figure_hints(self):
        from .observables import figure_curves

        return {"curves": figure_curves(self)}

    def observables(self, segment):
        from .observables import rate_observables

        return rate_observables(self, segment)
