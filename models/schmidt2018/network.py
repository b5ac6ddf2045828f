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

from zoo import datasets, progress
from zoo.errors import ZooError
from zoo.model import PopulationInfo, ProjectionInfo, Structure, ZooModel
from zoo.network import Network
from zoo.units import to_pynn

from . import anatomy, formulas
from .variants import VARIANTS

DATASET = "multiarea"
ANATOMY_FILES = ("viscortex_raw_data.json", "viscortex_processed_data_backup.json",
                 "raw_data/Markov2014_InjectionSites.csv", "K_prime_original.npy")
RATES_FILE = "fullscale_rates.json"
EXTERNAL_DELAY_MS = 1.0  # the reference connects its poisson_generators with NEST's default delay
DELAY_TAIL_SD = 6.0  # delays are redrawn above mean + 6 SD too (bounds max_delay; p < 1e-9 per draw)


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


@dataclasses.dataclass(frozen=True)
class MultiAreaStructure(Structure):
    """Structure plus what a multi-area network needs besides counts.

    in_degrees: real-valued in-degree of each projection (same order as projections);
    external: per population (name, external in-degree, rate per input [1/s], weight [pA], DC [pA]);
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
            {"population": name, "in_degree": k, "rate_per_input_hz": rate, "weight_pA": weight, "dc_pA": dc}
            for name, k, rate, weight, dc in self.external
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

    def simulation_settings(self):
        p = self.params
        net = self.network()
        longest = np.max((net.delay + DELAY_TAIL_SD * net.delay_sd)[net.counts > 0], initial=EXTERNAL_DELAY_MS)
        return {"timestep": p.dt, "min_delay": p.dt, "max_delay": math.ceil(longest / p.dt) * p.dt}

    def structure(self, streams):
        net = self.network()
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
            (name, float(k), self.params.rate_ext, float(net.W_ext), float(dc))
            for name, k, dc in zip(net.names, net.K_ext, net.DC)
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
    def build(self, sim, streams):
        net = self.network()
        self._check_sizes(net)
        progress.step("creating %d populations (%d neurons)", len(net.names), int(net.sizes.sum()))
        populations = self._create_populations(sim, net, streams)
        projections = self._connect(sim, populations, net, streams)
        projections.update(self._add_external_drive(sim, populations, net))
        self._record(populations)
        return Network(populations, projections, recorded=tuple(net.names))

    def _check_sizes(self, net):
        empty = [name for name, size in zip(net.names, net.sizes) if size == 0]
        if empty:
            raise ZooError(f"N_scaling = {self.params.N_scaling:g} leaves {len(empty)} populations without neurons "
                           f"(e.g. {empty[0]}); use a larger N_scaling")

    def _create_populations(self, sim, net, streams):
        """LIF neurons (IF_curr_exp = NEST iaf_psc_exp) with the scaling DC, V(0) ~ Normal(V0_mean, V0_sd)."""
        p = self.params
        drive = net.DC.copy()
        if not p.poisson_input:  # the external input's mean as a current instead of spikes
            drive += net.K_ext * net.W_ext * p.tau_syn_ex * 1e-3 * p.rate_ext
        rng = streams.generator("initial_state")
        populations = {}
        for name, size, current in zip(net.names, net.sizes, drive):
            cell = sim.IF_curr_exp(
                cm=to_pynn(p.C_m, "pF"), tau_m=p.tau_m, tau_refrac=p.t_ref, v_rest=p.E_L, v_reset=p.V_reset,
                v_thresh=p.V_th, tau_syn_E=p.tau_syn_ex, tau_syn_I=p.tau_syn_in, i_offset=to_pynn(current, "pA"),
            )
            population = sim.Population(int(size), cell, label=name)
            population.initialize(v=rng.normal(p.V0_mean, p.V0_sd, int(size)))
            populations[name] = population
        return populations

    def connections(self, streams, target):
        """{source: (pre, post, weight [pA], delay [ms])} onto population `target`, drawn in NumPy.

        NEST's 'fixed_total_number': int(K N) synapses with uniformly random sources and targets
        (multapses, autapses allowed); weights Normal(W, W_sd) redrawn until E >= 0, I <= 0 (and
        cortico-cortical >= 0); delays Normal(d, d_sd) redrawn outside [dt, d + 6 d_sd], put on the
        time grid. One stream per target population: 'connectivity/<target>'.
        """
        net, p = self.network(), self.params
        t = net.names.index(target)
        rng = streams.generator(f"connectivity/{target}")
        drawn = {}
        for s in np.flatnonzero(net.counts[t]):
            count, mean_w = int(net.counts[t, s]), net.W[t, s]
            pre = rng.integers(0, net.sizes[s], count)
            post = rng.integers(0, net.sizes[t], count)
            low, high = (0.0, np.inf) if mean_w >= 0 or not net.local[t, s] else (-np.inf, 0.0)
            weight = _redrawn_normal(rng, mean_w, net.W_sd[t, s], count, low, high)
            mean_d, sd_d = net.delay[t, s], net.delay_sd[t, s]
            delay = _redrawn_normal(rng, mean_d, sd_d, count, p.dt, mean_d + DELAY_TAIL_SD * sd_d)
            drawn[net.names[s]] = (pre, post, weight, np.maximum(np.round(delay / p.dt), 1.0) * p.dt)
        return drawn

    def _connect(self, sim, populations, net, streams):
        """One projection per connected population pair, from explicit (pre, post, weight, delay) lists."""
        projections = {}
        for target in net.names:
            progress.step("connecting onto %s", target)
            for source, (pre, post, weight, delay) in self.connections(streams, target).items():
                connections = np.column_stack((pre, post, to_pynn(weight, "pA"), delay))
                projections[f"{source}_to_{target}"] = sim.Projection(
                    populations[source], populations[target],
                    sim.FromListConnector(connections, column_names=["weight", "delay"]),
                    sim.StaticSynapse(),
                    receptor_type="excitatory" if source.endswith("E") else "inhibitory",
                    label=f"{source}_to_{target}",
                )
        return projections

    def _add_external_drive(self, sim, populations, net):
        """Independent Poisson input to every neuron at K_ext x rate_ext, weight W_ext, delay 1 ms."""
        p = self.params
        if not p.poisson_input:
            return {}
        projections = {}
        for name, k_ext in zip(net.names, net.K_ext):
            target = populations[name]
            source = sim.Population(target.size, sim.SpikeSourcePoisson(rate=float(k_ext * p.rate_ext)), label=f"{name}-ext")
            projections[f"{name}-ext"] = sim.Projection(
                source, target, sim.FromListConnector(np.column_stack((np.arange(target.size),) * 2)),
                sim.StaticSynapse(weight=to_pynn(net.W_ext, "pA"), delay=EXTERNAL_DELAY_MS),
                receptor_type="excitatory", label=f"{name}-ext",
            )
        return projections

    def _record(self, populations):
        for population in populations.values():
            population.record("spikes")

    # --- model-specific statistics ----------------------------------------------------------
    def observables(self, segment):
        """Neuron-weighted mean rate of the network and of each area, and per-layer medians across areas."""
        from .observables import multi_area_observables

        return multi_area_observables(self, segment)


def _redrawn_normal(rng, mean, sd, size, low, high):
    """Normal(mean, sd) samples, each redrawn until it lies in [low, high] (NEST's redraw)."""
    values = rng.normal(mean, sd, size)
    bad = np.flatnonzero((values < low) | (values > high))
    while bad.size:
        values[bad] = rng.normal(mean, sd, bad.size)
        bad = bad[(values[bad] < low) | (values[bad] > high)]
    return values
