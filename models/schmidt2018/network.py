"""The multi-area model of macaque visual cortex (Schmidt et al. 2018), built with PyNN.

Methods, as in Schmidt et al. 2018 (Brain Struct Funct 223:1409; PLOS Comput Biol 14:e1006359)
and the reference code (INM-6/multi-area-model 355d940):
32 areas of macaque vision-related cortex, each a 1 mm^2 patch of 8 populations of LIF neurons
with exponential PSCs (2/3E, 2/3I, 4E, 4I, 5E, 5I, 6E, 6I; TH has no layer 4): 254 populations.
Neuron numbers and in-degrees come from the anatomical data (anatomy.py); the published network
uses the stabilised in-degrees K' of Schuecker et al. 2017 between the 254 populations and the
data pipeline's external in-degrees. Every population pair is connected with a fixed total number
of synapses, int(K N), with random sources and targets (multapses and autapses allowed, NEST's
'fixed_total_number'); weights ~ Normal(W, 0.1 W) redrawn until their sign is right, delays ~
Normal(d, d/2) redrawn until >= dt, with d = 1.5 ms (E) / 0.75 ms (I) within an area and
distance / 3.5 mm/ms between areas. Each neuron receives independent Poisson input at
K_ext x 10 spikes/s. Down-scaled networks (N_scaling, K_scaling) keep the mean and variance of the
input with weights x 1/sqrt(K_scaling) and a DC current (formulas.scale).

Everything random is drawn in NumPy from the master seed, so every backend builds the same network.
"""

import dataclasses
import functools
import json
import math

import numpy as np

from zoo import connectivity, datasets, inputs, progress
from zoo.errors import ZooError
from zoo.model import LONGEST_DELAY, Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.connectivity import TARGET_BLOCKS
from zoo.network import Network, local_indices
from zoo.units import to_pynn

from . import anatomy, formulas, meanfield
from .formulas import is_excitatory
from .variants import VARIANTS

DATASET = "multiarea"
ANATOMY_FILES = ("viscortex_raw_data.json", "viscortex_processed_data_backup.json",
                 "raw_data/Markov2014_InjectionSites.csv", "K_prime_original.npy")
RATES_FILE = "fullscale_rates.json"
EXTERNAL_DELAY_MS = 1.0  # the reference connects its poisson_generators with NEST's default delay
DELAY_TAIL_SD = 6.0  # delays are restricted to mean + 6 SD too (bounds max_delay; p < 1e-9 per draw)
DRAWN_BYTES_PER_SYNAPSE = 40.0  # what drawing the synapses onto one population keeps (tracemalloc: 40 B) ...
DRAWN_BYTES_PER_GROUP_SYNAPSE = 170.0  # ... and its temporaries per synapse of a group (95 B/synapse at 785 k)
PROJECTION_CHUNK = 20_000_000  # synapses per projection at most (bounds the connection lists in memory)
DRAW_GROUP = 1 << 18  # synapses drawn and transformed together (bounds the drawing's temporaries)


@functools.lru_cache(maxsize=8)
def _full_scale(root, surface, av_indegree_V1, fac_5E, fac_6E, fac_TH, K_stable):
    paths = datasets.require(DATASET, ANATOMY_FILES, root=root)
    return anatomy.compute(anatomy.load_inputs(paths), surface=surface, av_indegree_V1=av_indegree_V1,
                           fac_nu_ext_5E=fac_5E, fac_nu_ext_6E=fac_6E, fac_nu_ext_TH=fac_TH, use_K_stable=K_stable)


@functools.lru_cache(maxsize=2)
def _fullscale_rates(root):
    path = datasets.require(DATASET, [RATES_FILE], root=root)[RATES_FILE]
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=4)
def _mean_field(params, root):
    model = Schmidt2018(params)
    net, keep = model.network(), model.simulated()
    fixed = model.replacement_rates()
    fixed[keep] = np.nan
    rates, _ = meanfield.stationary_rates(params, net.K, net.W, net.K_ext, net.W_ext, net.DC, fixed=fixed)
    return rates[keep]


@dataclasses.dataclass(frozen=True)
class MultiAreaStructure(Structure):
    """Structure plus what a multi-area network needs besides counts.

    in_degrees: real-valued in-degree of each projection (same order as projections);
    external: per population (name, external in-degree, rate per input [1/s], weight [pA], DC [pA],
    rate [1/s] and weight [pA] of the Poisson input replacing non-simulated areas);
    model_totals: (name, value) pairs of the real-valued totals (before int() truncation).
    """

    in_degrees: tuple = ()
    external: tuple = ()
    model_totals: tuple = ()

    def as_dict(self):
        data = super().as_dict()
        for projection, in_degree in zip(data["projections"], self.in_degrees):
            projection["in_degree"] = in_degree
        data["external_inputs"] = [
            {"population": name, "in_degree": k, "rate_per_input_hz": rate, "weight_pA": weight, "dc_pA": dc,
             "replaced_areas_rate_hz": replaced_rate, "replaced_areas_weight_pA": replaced_weight}
            for name, k, rate, weight, dc, replaced_rate, replaced_weight in self.external
        ]
        data["totals"].update(dict(self.model_totals))
        return data


class Schmidt2018(ZooModel):
    """Multi-area model of macaque visual cortex, 32 areas x 8 populations (Schmidt et al. 2018)."""

    name = "schmidt2018"
    title = "Multi-area model of macaque visual cortex"
    citation = ("Schmidt M, Bakker R, Shen K, Bezgin G, Diesmann M, van Albada SJ (2018) PLOS Comput Biol 14:e1006359; "
                "Schmidt M, Bakker R, Hilgetag CC, Diesmann M, van Albada SJ (2018) Brain Struct Funct 223:1409")
    doi = "10.1371/journal.pcbi.1006359"
    description = "32 areas of macaque visual cortex, 254 LIF populations, data-derived connectivity (1 % scale)"
    variants = VARIANTS

    # --- the network as numbers (no simulator) -----------------------------------------------
    def anatomy(self):
        """Full-scale :class:`~.anatomy.Anatomy` (1 mm^2 per area), cached per data root and parameters."""
        p = self.params
        return _full_scale(str(datasets.data_root()), p.surface, p.av_indegree_V1, p.fac_nu_ext_5E, p.fac_nu_ext_6E,
                           p.fac_nu_ext_TH, p.K_stable)

    def fullscale_rates(self):
        """Population rates [spikes/s] of the full-scale network used for the DC compensation."""
        return formulas.rates_vector(self.anatomy(), _fullscale_rates(str(datasets.data_root())))

    def network(self):
        """The :class:`~.formulas.ScaledNetwork` at this model's N_scaling and K_scaling."""
        rates = self.fullscale_rates() if self.params.K_scaling != 1.0 else None
        return formulas.scale(self.anatomy(), self.params, rates)

    def mean_field_rates(self):
        """Stationary mean-field rates [spikes/s] of the simulated populations at this model's scale
        (:mod:`.meanfield`; replaced areas held at their replacement rates)."""
        return _mean_field(self.params, str(datasets.data_root()))

    def simulated(self):
        """Indices of the simulated populations: all, or those of the areas named in `areas`."""
        areas = self.params.scaling.area_list()
        return np.flatnonzero(np.isin(np.array(anatomy.AREAS)[self.anatomy().area_of], areas))

    def replacement_rates(self):
        """Rates [spikes/s] at which the populations of non-simulated areas fire in the Poisson input
        that replaces them: the full-scale rates ('het_poisson_stat') or rate_ext ('hom_poisson_stat')."""
        if self.params.replacement == "hom_poisson_stat":
            return np.full(len(self.anatomy().names), self.params.rate_ext)
        return formulas.rates_vector(self.anatomy(), _fullscale_rates(str(datasets.data_root())))

    def simulated_network(self):
        """The :class:`~.formulas.ScaledNetwork` of the simulated areas, with the input from the other
        areas replaced by Poisson input (formulas.replace_areas); the whole network if all areas run."""
        net = self.network()
        keep = self.simulated()
        if keep.size == len(net.names):
            return net
        return formulas.replace_areas(net, keep, self.replacement_rates())

    def own_simulation_settings(self):
        p = self.params
        net = self.simulated_network()
        longest = np.max((net.delay + DELAY_TAIL_SD * net.delay_sd)[net.counts > 0], initial=EXTERNAL_DELAY_MS)
        return {"timestep": p.dt, "min_delay": p.dt, "max_delay": math.ceil(longest / p.dt) * p.dt}

    def draw(self, streams):
        """The longest delay this seed draws (``LONGEST_DELAY``, ms), drawn when asked for: it sizes
        NEST's input buffers (ZooModel.simulation_settings) on every process before any synapse
        exists. The delays are drawn as the build draws them (:meth:`draw_onto`), a group of blocks
        of target neurons at a time, and only the maximum is kept."""
        net = self.simulated_network()

        def longest():
            return max([EXTERNAL_DELAY_MS] + [
                float(self._delays(net, target, source, uniform[0]).max(initial=0.0))
                for target in net.names for _, source, _, uniform in self._groups(streams, target, net, rows=(3,))[1]])

        return Drawn(streams.master_seed, **{LONGEST_DELAY: longest})

    def expected_size(self):
        """The exact sizes, from the anatomy. Nothing is drawn before the build, which draws the
        synapses onto one population at a time: its drawing holds the largest population's incoming
        synapses at its peak, 40 B each (source, pre, post, weight and delay), and the temporaries of
        a group of them (:meth:`draw_onto`); an MPI rank only its own blocks of these (whole blocks up
        to ``TARGET_BLOCKS`` ranks)."""
        totals = self.structure(None).as_dict()["totals"]
        largest_target = float(self.simulated_network().counts.sum(axis=1).max(initial=0))
        drawing = DRAWN_BYTES_PER_SYNAPSE * largest_target + DRAWN_BYTES_PER_GROUP_SYNAPSE * min(largest_target, DRAW_GROUP)
        return Size(totals["neurons"], float(totals["synapses"]), 0.0, drawing, drawn_split=TARGET_BLOCKS)

    def structure(self, drawn):
        net = self.simulated_network()
        self._check_sizes(net)
        sizes, counts = net.sizes, net.counts
        populations = tuple(PopulationInfo(name, int(size), "IF_curr_exp") for name, size in zip(net.names, sizes))
        targets, sources = np.nonzero(counts)
        projections = tuple(
            ProjectionInfo(f"{net.names[s]}_to_{net.names[t]}", net.names[s], net.names[t], int(counts[t, s]),
                           "excitatory" if net.names[s].endswith("E") else "inhibitory")
            for t, s in zip(targets, sources)
        )
        external = tuple(
            (name, float(k), self.params.rate_ext, float(net.W_ext), float(dc), float(rate), float(weight))
            for name, k, dc, rate, weight in zip(net.names, net.K_ext, net.DC, net.replaced_rate, net.replaced_weight)
        )
        totals = (
            ("neurons_real_valued", float(net.N.sum())),
            ("synapses_real_valued", float(net.synapses.sum())),
            ("external_synapses", float(np.dot(net.K_ext, net.N))),
        )
        return MultiAreaStructure(populations, projections, exact_counts=True,
                                  in_degrees=tuple(float(net.K[t, s]) for t, s in zip(targets, sources)),
                                  external=external, model_totals=totals)

    # --- build ---------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        """All neurons of the simulated areas in one population (one NEST node range, one Brian2 NeuronGroup), the paper's
        254 populations as views of it, and the synapses merged into a few projections per receptor.

        Simulators pay per projection (a NEST connection query, a Brian2 ``Synapses`` object
        updated every time step), not per population pair, so the 6,006 connected pairs at 1 %
        are created as one projection per receptor type (split into chunks of at most
        ``PROJECTION_CHUNK`` synapses); every synapse keeps its own weight and delay.
        """
        net = self.simulated_network()
        self._check_sizes(net)
        progress.step("creating %d populations (%d neurons)", len(net.names), int(net.sizes.sum()))
        cells, populations = self._create_populations(sim, net, streams)
        projections = self._connect(sim, cells, net, streams)
        projections.update(self._add_external_drive(sim, cells, net))
        projections.update(self._add_replaced_areas(sim, cells, net))
        cells.record("spikes")
        return Network(populations, projections, recorded=tuple(net.names))

    def _check_sizes(self, net):
        empty = [name for name, size in zip(net.names, net.sizes) if size == 0]
        if empty:
            raise ZooError(f"N_scaling = {self.params.N_scaling:g} leaves {len(empty)} populations without neurons "
                           f"(e.g. {empty[0]}); use a larger N_scaling")

    def _create_populations(self, sim, net, streams):
        """LIF neurons (IF_curr_exp = NEST iaf_psc_exp) with the scaling DC, V(0) ~ Normal(V0_mean, V0_sd).

        Returns the population of all neurons and {name: view} of the model's populations.
        """
        p = self.params
        drive = net.DC.copy()
        if not p.poisson_input:  # the external input's mean as a current instead of spikes
            drive += net.K_ext * net.W_ext * p.tau_syn_ex * 1e-3 * p.rate_ext
        sizes = net.sizes
        cell = sim.IF_curr_exp(
            cm=to_pynn(p.C_m, "pF"), tau_m=p.tau_m, tau_refrac=p.t_ref, v_rest=p.E_L, v_reset=p.V_reset,
            v_thresh=p.V_th, tau_syn_E=p.tau_syn_ex, tau_syn_I=p.tau_syn_in,
            i_offset=to_pynn(np.repeat(drive, sizes), "pA"),
        )
        cells = sim.Population(int(sizes.sum()), cell, label="neurons")
        rng = streams.generator("initial_state")
        cells.initialize(v=rng.normal(p.V0_mean, p.V0_sd, int(sizes.sum())))
        first = _offsets(sizes)
        populations = {name: sim.PopulationView(cells, slice(int(a), int(a + n)), label=name)
                       for name, a, n in zip(net.names, first, sizes)}
        return cells, populations

    def draw_onto(self, streams, target, net=None, blocks=None):
        """The synapses onto population `target`, drawn in NumPy: (source population index, pre, post,
        weight [pA], delay [ms]), one entry per synapse, block after block of target neurons.

        NEST's 'fixed_total_number' per source population: int(K N) synapses with uniformly random
        sources and targets (multapses, autapses allowed); weights Normal(W, W_sd) restricted to
        E >= 0, I <= 0 (and cortico-cortical >= 0), delays Normal(d, d_sd) restricted to
        [dt, d + 6 d_sd] and put on the time grid: the laws of NEST's 'redraw', drawn here by
        inverting the truncated normal's distribution function (one uniform number per value).

        The target neurons are dealt into ``TARGET_BLOCKS`` blocks by their index in the network
        (:func:`zoo.connectivity.residue_blocks`), so that a process of a distributed simulator
        draws only its own neurons' synapses (`blocks`: the blocks to draw; default all). The
        stream 'connectivity/<target>' splits each source population's synapses over the blocks
        (multinomial, in proportion to their neurons: the same law as uniform targets); block b
        then draws four uniform numbers per synapse (source, target, weight, delay) from its own
        child of that stream (:meth:`zoo.seeds.SeedStreams.generators`).
        """
        net = net if net is not None else self.simulated_network()
        t = net.names.index(target)
        start, length = self._blocks(net, t)
        n, groups = self._groups(streams, target, net, blocks)
        source, pre, post = (np.empty(n, np.int64) for _ in range(3))
        weight, delay = np.empty(n), np.empty(n)
        for rows, group_source, block, uniform in groups:  # the temporaries are a group's, not the population's
            source[rows] = group_source
            size = net.sizes[group_source]
            pre[rows] = np.minimum((uniform[0] * size).astype(np.int64), size - 1)
            post[rows] = start[block] + TARGET_BLOCKS * np.minimum((uniform[1] * length[block]).astype(np.int64),
                                                                   length[block] - 1)
            mean_w, sd_w = net.W[t, group_source], net.W_sd[t, group_source]
            inhibitory = (mean_w < 0) & net.local[t, group_source]
            weight[rows] = _truncated_normal(uniform[2], mean_w, sd_w, np.where(inhibitory, -np.inf, 0.0),
                                             np.where(inhibitory, 0.0, np.inf))
            delay[rows] = self._delays(net, target, group_source, uniform[3])
        return source, pre, post, weight, delay

    def _blocks(self, net, t):
        """(start, length) of the blocks of population `t` (:func:`zoo.connectivity.residue_blocks`)."""
        return connectivity.residue_blocks(_offsets(net.sizes)[t], net.sizes[t], TARGET_BLOCKS)

    def _groups(self, streams, target, net, blocks=None, rows=(0, 1, 2, 3)):
        """(number, groups) of the synapses onto `target` in the blocks `blocks` (default all), in
        :meth:`draw_onto`'s order: an iterator over groups of consecutive blocks with about
        ``DRAW_GROUP`` synapses each, drawn when reached, as (slice of the synapses, source
        population, block, uniform numbers [row, synapse]); `rows`: which of the four numbers per
        synapse to keep."""
        t = net.names.index(target)
        sources = np.flatnonzero(net.counts[t])
        _, length = self._blocks(net, t)
        counts = streams.generator(f"connectivity/{target}").multinomial(net.counts[t, sources], length / length.sum())
        counts = counts.reshape(sources.size, TARGET_BLOCKS)
        chosen = np.flatnonzero(length) if blocks is None else np.intersect1d(blocks, np.flatnonzero(length))
        synapses = counts[:, chosen].sum(axis=0)
        rngs = streams.generators(f"connectivity/{target}", TARGET_BLOCKS, chosen)
        ends = np.cumsum(synapses)
        return int(ends[-1]) if ends.size else 0, self._drawn_groups(sources, counts, chosen, synapses, ends, rngs, rows)

    @staticmethod
    def _drawn_groups(sources, counts, chosen, synapses, ends, rngs, rows):
        """The groups of :meth:`_groups`, each drawn when asked for."""
        first = 0
        while first < chosen.size:
            last = min(int(np.searchsorted(ends, ends[first] - synapses[first] + DRAW_GROUP)), chosen.size - 1) + 1
            group, begin = chosen[first:last], int(ends[first] - synapses[first])
            uniform = np.concatenate([rngs[b].random((4, k))[list(rows)] for b, k in zip(group, synapses[first:last])],
                                     axis=1)
            per_block = counts[:, group]
            yield (slice(begin, int(ends[last - 1])), np.repeat(np.tile(sources, group.size), per_block.T.ravel()),
                   np.repeat(group, synapses[first:last]), uniform)
            first = last

    def _delays(self, net, target, source, uniform):
        """Delays [ms] of synapses from populations `source`, from their uniform numbers (:meth:`draw_onto`)."""
        p, t = self.params, net.names.index(target)
        mean_d, sd_d = net.delay[t, source], net.delay_sd[t, source]
        delay = _truncated_normal(uniform, mean_d, sd_d, p.dt, mean_d + DELAY_TAIL_SD * sd_d)
        return np.maximum(np.round(delay / p.dt), 1.0) * p.dt

    def connections(self, streams, target):
        """{source: (pre, post, weight [pA], delay [ms])} onto population `target` (see :meth:`draw_onto`)."""
        net = self.simulated_network()
        source, pre, post, weight, delay = self.draw_onto(streams, target, net)
        order = np.argsort(source, kind="stable")
        source, pre, post, weight, delay = (x[order] for x in (source, pre, post, weight, delay))
        bounds = np.flatnonzero(np.diff(source)) + 1
        return {net.names[s[0]]: (a, b, c, d) for s, a, b, c, d in
                zip(*(np.split(x, bounds) for x in (source, pre, post, weight, delay))) if s.size}

    def _connect(self, sim, cells, net, streams):
        """The drawn synapses, merged per receptor type into projections of all neurons onto all
        neurons, each named after the target populations it covers, e.g.
        'excitatory onto V1-23E..TH-6I'.

        Each process draws only the blocks of target neurons it holds (:meth:`draw_onto`) and keeps
        only the synapses onto its own neurons; where the projections end is set by the network's
        synapse counts, so every process creates the same projections.
        """
        first = _offsets(net.sizes)
        excitatory = is_excitatory(net.names)
        local = local_indices(cells)
        pending = {"excitatory": [], "inhibitory": []}  # (target name, rows)
        pending_synapses = {"excitatory": 0, "inhibitory": 0}  # in the whole network
        projections = {}

        def flush(receptor):
            parts = pending[receptor]
            if not parts:
                return
            table = np.concatenate([rows for _, rows in parts])
            name = f"{receptor} onto {parts[0][0]}..{parts[-1][0]}"
            progress.step("creating projection %s (%d synapses)", name, pending_synapses[receptor])
            projections[name] = sim.Projection(
                cells, cells, sim.FromListConnector(table, column_names=["weight", "delay"]), sim.StaticSynapse(),
                receptor_type=receptor, label=name,
            )
            pending[receptor], pending_synapses[receptor] = [], 0

        for t, target in enumerate(net.names):
            here = local[(local >= first[t]) & (local < first[t] + net.sizes[t])] - first[t]
            everything = here.size == net.sizes[t]
            blocks = None if everything else connectivity.blocks_holding(here, first=first[t])
            source, pre, post, weight, delay = self.draw_onto(streams, target, net, blocks)
            if not everything:  # a block may hold other processes' neurons too
                mine = np.zeros(net.sizes[t], bool)
                mine[here] = True
                keep = mine[post]
                source, pre, post, weight, delay = (x[keep] for x in (source, pre, post, weight, delay))
            from_E = excitatory[source]
            for receptor, keep in (("excitatory", from_E), ("inhibitory", ~from_E)):
                total = int(net.counts[t][excitatory == (receptor == "excitatory")].sum())
                if total:
                    pending[receptor].append((target, np.column_stack((
                        first[source[keep]] + pre[keep], first[t] + post[keep],
                        to_pynn(weight[keep], "pA"), delay[keep]))))
                    pending_synapses[receptor] += total
                    if pending_synapses[receptor] >= PROJECTION_CHUNK:
                        flush(receptor)
        progress.step("connecting %d synapses", int(net.counts.sum()))
        for receptor in pending:
            flush(receptor)
        return projections

    def _add_external_drive(self, sim, cells, net):
        """Independent Poisson input to every neuron at K_ext x rate_ext, weight W_ext, delay 1 ms."""
        p = self.params
        if not p.poisson_input:
            return {}
        rates = np.repeat(net.K_ext * p.rate_ext, net.sizes)
        _, projection = inputs.private_poisson(sim, cells, rates, to_pynn(net.W_ext, "pA"), EXTERNAL_DELAY_MS,
                                               "excitatory", label="external")
        return {"external": projection}

    def _add_replaced_areas(self, sim, cells, net):
        """Poisson input in place of the non-simulated areas: one source per neuron at
        sum_s K_ts nu_s over the replaced source populations s, weight W_ts (the same for all of them).

        The reference gives each target population one Poisson generator per replaced source
        population, delayed by distance / v_cc; a stationary Poisson train delayed is the same
        process and a sum of Poisson trains is one, so a single source per neuron is equivalent.
        """
        if not np.any(net.replaced_rate > 0):
            return {}
        rates = np.repeat(net.replaced_rate, net.sizes)
        weights = to_pynn(np.repeat(net.replaced_weight, net.sizes), "pA")
        _, projection = inputs.private_poisson(sim, cells, rates, weights, EXTERNAL_DELAY_MS, "excitatory",
                                               label="replaced areas")
        return {"replaced areas": projection}

    # --- model-specific statistics ----------------------------------------------------------
    def observables(self, segment):
        """Neuron-weighted mean rate of the network and of each area, and per-layer medians across areas."""
        from .observables import multi_area_observables

        return multi_area_observables(self, segment)

    def extra_figures(self, segment, summary, title):
        """Area x population rate matrix, and rasters of V1, V2 and FEF where they are simulated."""
        from zoo.analysis import plots

        rates = summary["observables"].get("population_rate_hz", {})
        matrix = {tuple(name.split("-")): rate for name, rate in rates.items()}
        areas = [area for area in anatomy.AREAS if any(key[0] == area for key in matrix)]
        shown = [area for area in ("V1", "V2", "FEF") if area in areas] or areas[:3]
        return [
            ("area_rates.png", lambda path: plots.table(matrix, areas, anatomy.POPULATIONS, path, title=title)),
            ("raster_areas.png", lambda path: plots.raster(
                plots.subset(segment, lambda population: population.split("-")[0] in shown), path,
                title=f"{title}: {', '.join(shown)}")),
        ]


def _offsets(sizes):
    """Index of each population's first neuron in the population of all neurons."""
    return np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)


def _truncated_normal(uniform, mean, sd, low, high):
    """Normal(mean, sd) restricted to [low, high], one value per uniform number in [0, 1), by
    inversion: mean + sd Phi^-1(Phi(a) + u (Phi(b) - Phi(a))) with a, b the bounds in SDs from the
    mean (the law of NEST's redraw). Intervals above the mean are inverted from the other side, where
    Phi keeps its precision. `low` and `high` are scalars or arrays like `mean`."""
    from scipy.special import ndtr, ndtri

    a, b = (low - mean) / sd, (high - mean) / sd
    above = a > 0
    lower, upper = np.where(above, -b, a), np.where(above, -a, b)
    phi_a = ndtr(lower)
    z = ndtri(phi_a + uniform * (ndtr(upper) - phi_a))
    return np.clip(mean + sd * np.where(above, -z, z), low, high)
