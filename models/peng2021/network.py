"""The polarized-interneuron sheet of Peng et al. (2021), reconstructed and built with PyNN.

Methods (spec sections 3 and 5; the authors' network script was not readable, so every number not
tagged [C] in params.py is an assumption, argued in README.md):
a square sheet of side L holds E cells on a regular grid (Traub-Miles Hodgkin-Huxley: PyNN's
``HH_cond_exp`` integrated with exponential Euler at dt on both backends, zoo.neurons.HH_COND_EXP_TRAUB;
or PyNN's cell itself, cell_model) and interneurons scattered over it (LIF with exponential conductances,
``IF_cond_exp``). Each E cell has a preferred head direction from an input map (Perlin noise or
pinwheels, maps.py) and receives a current tuned to it; the head direction steps through
n_directions values. Interneurons are excited by the E cells within their dendrite radius and
inhibit the E cells inside their axon: a polarized ellipse oriented to enclose the most diverse
preferred directions, or the circle of the same area. There is no E -> E and no I -> I coupling.

The three inhibition conditions run side by side in one simulation, as independent copies of the
sheet with the same map, the same input and the same E initial state: E_polar/I_polar,
E_circular/I_circular, and E_none (input only: no interneuron would have any effect, so none are
simulated). Every random draw (positions, orientation ties, thinning, initial state, input spikes)
comes from NumPy streams of the master seed, and the connectivity is handed to PyNN as lists, so
every backend builds the identical network.
"""

import math

import numpy as np

from zoo import connectivity, from_list, inputs, progress
from zoo.model import Drawn, PopulationInfo, ProjectionInfo, Size, Structure, ZooModel
from zoo.network import Network, cells_held
from zoo.neurons import HH_COND_EXP_TRAUB, cell_type
from zoo.units import to_pynn

from . import geometry, maps
from .variants import VARIANTS

CONDITIONS = ("polar", "circular", "none")
E_CELL_NAMES = {"exp_euler": HH_COND_EXP_TRAUB.name, "HH_cond_exp": "HH_cond_exp"}
INHIBITED = ("polar", "circular")


class Peng2021(ZooModel):
    """Polarized interneuron axons and head-direction tuning on a 2-D sheet (Peng et al. 2021)."""

    name = "peng2021"
    title = "Polarized interneuron axons and head-direction tuning"
    citation = ("Peng Y, Barreda Tomás FJ, Pfeiffer P, Drangmeister M, Schreiber S, Vida I, Geiger JRP (2021) "
                "Spatially structured inhibition defined by polarized parvalbumin interneuron axons promotes "
                "head direction tuning. Sci Adv 7(25):eabg4693")
    doi = "10.1126/sciadv.abg4693"
    description = ("2-D sheet, 3600 HH E cells on an input map + 400 LIF interneurons with polar or circular axons; "
                   "12 head directions, three inhibition conditions side by side (reconstruction)")
    variants = VARIANTS
    duration_param = "step_ms"
    nest_thread_invariant = True  # every random number comes from NumPy

    @property
    def warmup_ms(self):
        return 0.0

    @property
    def duration_ms(self):
        return self.params.n_directions * self.params.step_ms

    def own_simulation_settings(self):
        p = self.params
        return {"timestep": p.dt, "min_delay": p.delay, "max_delay": max(p.delay, 10 * p.dt)}

    def expected_size(self):
        """Neurons of every condition; synapses from the axon area and the dendrite disc (mean over the
        sheet, ignoring edges); the drawing holds the lists and the distance tables of one block of
        target cells (a few float64 per pair); an MPI rank keeps only its blocks' rows."""
        p = self.params
        n_e, inhibited = p.n_side**2, sum(c in INHIBITED for c in self.conditions())
        density_e = n_e / p.L**2
        i_to_e = p.N_I * math.pi * p.axon_a * p.axon_b * density_e * p.p_I_to_E
        e_to_i = p.N_I * math.pi * p.r_dend**2 * density_e if p.E_to_I_rule == "dendrite" else i_to_e
        synapses = inhibited * (i_to_e + e_to_i) + (len(self.conditions()) * n_e if p.drive == "poisson" else 0)
        neurons = len(self.conditions()) * n_e + inhibited * p.N_I + (n_e if p.drive == "poisson" else 0)
        return Size(int(neurons), float(synapses), 48.0 * p.N_I * n_e / connectivity.TARGET_BLOCKS + 32.0 * synapses,
                    drawn_split=connectivity.TARGET_BLOCKS)

    def conditions(self):
        return tuple(self.params.conditions)

    def populations(self):
        """Population names in build order: E_<condition>, and I_<condition> where inhibited."""
        names = []
        for condition in self.conditions():
            names.append(f"E_{condition}")
            if condition in INHIBITED:
                names.append(f"I_{condition}")
        return tuple(names)

    # --- drawn quantities (NumPy only; shared by structure, build, observables and figures) -----
    def draw(self, streams):
        """Everything drawn, under 'sheet' (see :meth:`draws`)."""
        return Drawn(streams.master_seed, sheet=lambda: self.draws(streams))

    def draws(self, streams):
        """Positions, map, axons and initial state as a dict; kept on the model per seed, since the
        observables and figures need the map and the axons. The connection lists:
        :meth:`connections`; the input trains: :meth:`input_trains`."""
        cache = getattr(self, "_draws", None)
        if cache is not None and cache["seed"] == streams.master_seed:
            return cache
        p = self.params
        progress.step("drawing the sheet for seed %d (%s map)", streams.master_seed, p.map_kind)
        grid, ex, ey = geometry.e_grid(p)
        ix, iy = geometry.interneuron_positions(p, streams.generator("positions/I"))
        pref = maps.input_map(p, ex, ey)
        drawn = {"seed": streams.master_seed, "streams": streams, "grid": grid, "ex": ex, "ey": ey, "ix": ix, "iy": iy,
                 "pref": pref, "axons": {}}
        progress.step("orienting %d axons (%s rule)", p.N_I, p.orientation_rule)
        drawn["axons"]["polar"] = geometry.polar_axons(p, ix, iy, ex, ey, pref, streams.generator("axons/orientation"))
        drawn["axons"]["circular"] = geometry.circular_axons(p, ix, iy)
        drawn["v0"] = p.E_L_E * streams.generator("initial_state/E").normal(1.0, p.V_init_cv, p.n_side**2)
        self._draws = drawn
        return drawn

    def inhibited(self):
        """The conditions with interneurons, in build order."""
        return tuple(c for c in self.conditions() if c in INHIBITED)

    def connections(self, sheet, held=None):
        """{"I_to_E": {condition: (pre, post)}, "E_to_I": {...}, "weights_nS": {condition: I -> E weights}}
        of the inhibited conditions, each list sorted by pre, then post.

        I -> E is found block by block of E cells (zoo.connectivity.residue_blocks; the thinning of
        p_I_to_E < 1 takes each block's numbers from its own child of 'connectivity/I_to_E_<c>'),
        and E -> I by the dendrite rule block by block of interneurons, so no (N_I, N_E) distance
        table is held whole. `held` ({population: sorted indices of the cells a process holds}):
        only the rows onto those cells are kept, and only the blocks holding them read, except
        where a total per interneuron needs every E cell (normalised weights, the transpose rule).
        The whole lists are kept in the sheet.
        """
        if held is None and "lists" in sheet:
            return sheet["lists"]
        p, n_e = self.params, self.params.n_side**2
        lists = {"I_to_E": {}, "E_to_I": {}, "weights_nS": {}}
        every_block = p.normalise_inhibition or p.E_to_I_rule == "transpose"
        for condition in self.inhibited():
            mine_e = None if held is None else held[f"E_{condition}"]
            mine_i = None if held is None else held[f"I_{condition}"]
            kept, sent, per_interneuron = [], [], np.zeros(p.N_I, np.int64)
            for pre, post in self._i_to_e_blocks(sheet, condition, None if every_block else mine_e):
                per_interneuron += np.bincount(pre, minlength=p.N_I)
                kept.append(connectivity.rows_onto(pre, post, mine_e))
                if p.E_to_I_rule == "transpose":
                    sent.append(connectivity.rows_onto(post, pre, mine_i, by=pre))  # (E, I): every inhibited E cell excites its interneuron
            pre, post = _in_source_order(kept, p.N_I, n_e)
            lists["I_to_E"][condition] = (pre, post)
            lists["weights_nS"][condition] = geometry.inhibitory_weights(pre, per_interneuron, p.g_I_to_E,
                                                                         p.normalise_inhibition)
            if p.E_to_I_rule == "transpose":
                lists["E_to_I"][condition] = _in_source_order(sent, n_e, p.N_I)
            else:
                lists["E_to_I"][condition] = _in_source_order(list(self._dendrite_blocks(sheet, mine_i)), n_e, p.N_I)
        if held is None:
            sheet["lists"] = lists
        return lists

    def _i_to_e_blocks(self, sheet, condition, held_e=None):
        """(pre I, post E) of `condition`'s I -> E synapses onto each block of E cells that holds a
        cell of `held_e` (default: every block): E somata inside the axon, thinned to p_I_to_E."""
        p, n_e = self.params, self.params.n_side**2
        blocks = connectivity.blocks_to_draw(held_e)
        rngs = sheet["streams"].generators(f"connectivity/I_to_E_{condition}", connectivity.TARGET_BLOCKS, blocks)
        for block in blocks:
            targets = connectivity.block_targets(block, n_e)
            pre, which = geometry.i_to_e_pairs(sheet["axons"][condition], sheet["ex"][targets], sheet["ey"][targets],
                                               p.L, p.periodic, p.p_I_to_E, rngs[block])
            yield pre, targets[which]

    def _dendrite_blocks(self, sheet, held_i=None):
        """(pre E, post I) of the dendrite rule onto each block of interneurons that holds a cell of
        `held_i` (default: every block), only the rows onto those cells."""
        p = self.params
        for block in connectivity.blocks_to_draw(held_i):
            targets = connectivity.block_targets(block, p.N_I)
            pre, which = geometry.dendrite_pairs(sheet["ix"][targets], sheet["iy"][targets], sheet["ex"], sheet["ey"],
                                                 p.r_dend, p.L, p.periodic)
            yield connectivity.rows_onto(pre, targets[which], held_i)

    def synapse_counts(self, sheet):
        """{projection: synapses} of the inhibited conditions, counted block by block (nothing kept)."""
        p, counts = self.params, {}
        for condition in self.inhibited():
            counts[f"I_to_E_{condition}"] = sum(pre.size for pre, _ in self._i_to_e_blocks(sheet, condition))
            counts[f"E_to_I_{condition}"] = (counts[f"I_to_E_{condition}"] if p.E_to_I_rule == "transpose" else
                                             sum(pre.size for pre, _ in self._dendrite_blocks(sheet)))
        return counts

    def drive_currents(self, pref):
        """(N_E, n_directions) current in nA: I_0 + I_1 exp(kappa (cos(theta - phi) - 1))."""
        p = self.params
        theta = 2 * np.pi * np.arange(p.n_directions) / p.n_directions
        return p.I_0 + p.I_1 * np.exp(p.kappa * (np.cos(theta[None, :] - pref[:, None]) - 1))

    def input_rates(self, pref):
        """(N_E, n_directions) Poisson input rate in Hz: r_0 + r_1 exp(kappa (cos(theta - phi) - 1))."""
        p = self.params
        theta = 2 * np.pi * np.arange(p.n_directions) / p.n_directions
        return p.r_0 + p.r_1 * np.exp(p.kappa * (np.cos(theta[None, :] - pref[:, None]) - 1))

    def input_trains(self, sheet, held=None):
        """One spike train per E cell (shared by the conditions): in every time step of direction k,
        cell j spikes with probability r_j(theta_k) dt (zoo.inputs' Bernoulli-discretised Poisson
        process, no spikes in the first two steps). Drawn block by block of cells
        (zoo.connectivity.residue_blocks), each block from its own child of 'input/poisson', in
        chunks of steps. With `held` (sorted indices of the sources a process holds) only the blocks
        holding them are drawn and only their trains kept; the others are empty."""
        p, pref = self.params, sheet["pref"]
        rates = self.input_rates(pref)
        steps = int(round(p.step_ms / p.dt))
        rngs = sheet["streams"].generators("input/poisson", connectivity.TARGET_BLOCKS, connectivity.blocks_to_draw(held))

        def draw(rng, cells):
            chunk = max(1, 2_000_000 // cells.size)
            which, when = [], []
            for k in range(p.n_directions):
                probability = (rates[cells, k] * p.dt / 1000.0).astype(np.float32)
                for first in range(0, steps, chunk):
                    count = min(chunk, steps - first)
                    step, cell = np.nonzero(rng.random((count, cells.size), dtype=np.float32) < probability[None, :])
                    which.append(cell)
                    when.append(step + k * steps + first)
            which, when = np.concatenate(which), np.concatenate(when)
            keep = when >= 2
            return inputs.spike_trains(which[keep], when[keep], cells.size, p.dt)

        return inputs.trains_by_block(rngs, pref.size, draw, held)

    def structure(self, drawn):
        p, n_e = self.params, self.params.n_side**2
        synapses = self.synapse_counts(drawn["sheet"])
        populations, projections = [], []
        if p.drive == "poisson":
            populations.append(PopulationInfo("input", n_e, "SpikeSourceArray"))
        for condition in self.conditions():
            populations.append(PopulationInfo(f"E_{condition}", n_e, E_CELL_NAMES[p.cell_model]))
            if p.drive == "poisson":
                projections.append(ProjectionInfo(f"input_to_E_{condition}", "input", f"E_{condition}", n_e, "excitatory"))
            if condition in INHIBITED:
                populations.append(PopulationInfo(f"I_{condition}", p.N_I, "IF_cond_exp"))
                projections.append(ProjectionInfo(f"E_to_I_{condition}", f"E_{condition}", f"I_{condition}",
                                                  int(synapses[f"E_to_I_{condition}"]), "excitatory"))
                projections.append(ProjectionInfo(f"I_to_E_{condition}", f"I_{condition}", f"E_{condition}",
                                                  int(synapses[f"I_to_E_{condition}"]), "inhibitory"))
        return Structure(tuple(populations), tuple(projections), exact_counts=True)

    # --- build --------------------------------------------------------------------------------
    def build(self, sim, streams, drawn=None):
        drawn = self._drawn(streams, drawn)["sheet"]
        populations = self._create_populations(sim, drawn)
        held = cells_held({name: populations[name] for name in self.populations()})
        projections = self._connect(sim, populations, self.connections(drawn, held))
        projections.update(self._add_input(sim, populations, drawn))
        recorded = self.populations()
        for name in recorded:
            populations[name].record("spikes")
        labels = {f"E_{c}": {"pref_deg": np.round(np.degrees(drawn["pref"])).astype(int) % 360} for c in self.conditions()}
        return Network(populations, projections, recorded=recorded, labels=labels)

    def _excitatory_type(self, sim):
        """The Traub-Miles E cell: zoo.neurons.HH_COND_EXP_TRAUB (cell_model 'exp_euler', its units: pF,
        nS, mV, ms, pA) or PyNN's HH_cond_exp (PyNN's units); the same equations and parameters."""
        p = self.params
        if p.cell_model == "exp_euler":
            return cell_type(HH_COND_EXP_TRAUB, sim)(
                C_m=p.C_E, g_L=p.g_L_E, E_L=p.E_L_E, g_Na=p.g_Na * 1000.0, g_K=p.g_K * 1000.0,  # uS -> nS
                E_Na=p.E_Na, E_K=p.E_K, V_T=p.V_T, E_e=p.E_e, E_i=p.E_i, tau_e=p.tau_e_E, tau_i=p.tau_i_E, I_e=0.0)
        return sim.HH_cond_exp(
            gbar_Na=to_pynn(p.g_Na, "uS"), gbar_K=to_pynn(p.g_K, "uS"), g_leak=to_pynn(p.g_L_E, "nS"),
            cm=to_pynn(p.C_E, "pF"), v_offset=p.V_T, e_rev_Na=p.E_Na, e_rev_K=p.E_K, e_rev_leak=p.E_L_E,
            e_rev_E=p.E_e, e_rev_I=p.E_i, tau_syn_E=p.tau_e_E, tau_syn_I=p.tau_i_E, i_offset=0.0)

    def _create_populations(self, sim, drawn):
        """E: Traub-Miles HH on the grid (:meth:`_excitatory_type`), V(0) drawn once and shared;
        I: IF_cond_exp at drawn positions."""
        p = self.params
        populations = {}
        voltage = "V_m" if p.cell_model == "exp_euler" else "v"
        inhibitory = dict(
            cm=to_pynn(p.C_I, "pF"), tau_m=p.tau_m_I, v_rest=p.V_rest_I, v_thresh=p.V_th_I, v_reset=p.V_reset_I,
            tau_refrac=p.t_ref_I, e_rev_E=p.E_e, e_rev_I=p.E_i, tau_syn_E=p.tau_e_I, tau_syn_I=p.tau_i_E, i_offset=0.0,
        )
        positions_I = np.vstack((drawn["ix"], drawn["iy"], np.zeros(p.N_I)))
        for condition in self.conditions():
            progress.step("creating E_%s (%d HH cells)%s", condition, p.n_side**2,
                          f" and I_{condition} ({p.N_I} LIF cells)" if condition in INHIBITED else "")
            cells = sim.Population(p.n_side**2, self._excitatory_type(sim), structure=drawn["grid"], label=f"E_{condition}")
            cells.initialize(**{voltage: drawn["v0"]})
            populations[f"E_{condition}"] = cells
            if condition in INHIBITED:
                interneurons = sim.Population(p.N_I, sim.IF_cond_exp(**inhibitory), label=f"I_{condition}")
                interneurons.positions = positions_I
                interneurons.initialize(v=p.V_rest_I)
                populations[f"I_{condition}"] = interneurons
        return populations

    def _connect(self, sim, populations, lists):
        """E -> I and I -> E of each inhibited condition, as handed-over (pre, post, weight) lists
        (:meth:`connections`: on one of several MPI processes, only the rows onto its cells)."""
        p = self.params
        projections = {}
        for condition in self.inhibited():
            pre, post = lists["E_to_I"][condition]
            progress.step("connecting E_to_I_%s: %d synapses", condition, pre.size)
            projections[f"E_to_I_{condition}"] = sim.Projection(
                populations[f"E_{condition}"], populations[f"I_{condition}"],
                sim.FromListConnector(from_list.HandedOver(np.column_stack((pre, post)))),
                sim.StaticSynapse(weight=to_pynn(p.g_E_to_I, "nS"), delay=p.delay),
                receptor_type="excitatory", label=f"E_to_I_{condition}")
            pre, post = lists["I_to_E"][condition]
            weights = lists["weights_nS"][condition]
            progress.step("connecting I_to_E_%s: %d synapses", condition, pre.size)
            if p.normalise_inhibition:
                rows = np.column_stack((pre, post, to_pynn(weights, "nS")))
                connector = sim.FromListConnector(from_list.HandedOver(rows), column_names=["weight"])
            else:
                connector = sim.FromListConnector(from_list.HandedOver(np.column_stack((pre, post))))
            projections[f"I_to_E_{condition}"] = sim.Projection(
                populations[f"I_{condition}"], populations[f"E_{condition}"], connector,
                sim.StaticSynapse(weight=to_pynn(p.g_I_to_E, "nS"), delay=p.delay),
                receptor_type="inhibitory", label=f"I_to_E_{condition}")
        return projections

    def _add_input(self, sim, populations, drawn):
        """The head-direction drive, identical for every condition.

        current: one StepCurrentSource per E cell, injected into that cell in every condition, stepping
        through the cell's current at each direction (one source for three cells costs NEST a third
        of the generators: 0.73x the simulation time and 0.25x the creation time measured); poisson: one drawn spike train per E cell (a SpikeSourceArray,
        the same spikes on every backend) connected one-to-one to the cell in every condition, with
        the delay of every projection (``delay``; NEST's min_delay).
        """
        p = self.params
        times = list(np.arange(p.n_directions) * p.step_ms)
        if p.drive == "current":
            currents = self.drive_currents(drawn["pref"])
            progress.step("injecting step currents into %d cells x %d conditions", currents.shape[0], len(self.conditions()))
            copies = [populations[f"E_{condition}"] for condition in self.conditions()]
            for j in range(currents.shape[0]):
                source = sim.StepCurrentSource(times=times, amplitudes=list(currents[j]))
                source.inject_into([cells[j] for cells in copies])  # one source: the same current in every condition
            return {}
        progress.step("creating %d input spike trains", p.n_side**2)
        source = inputs.spike_source(sim, lambda held: self.input_trains(drawn, held), label="input", size=p.n_side**2)
        populations["input"] = source
        projections = {}
        for condition in self.conditions():
            projections[f"input_to_E_{condition}"] = sim.Projection(
                source, populations[f"E_{condition}"], sim.OneToOneConnector(),
                sim.StaticSynapse(weight=to_pynn(p.w_input, "nS"), delay=p.delay),
                receptor_type="excitatory", label=f"input_to_E_{condition}")
        return projections

    def figure_hints(self):
        p = self.params
        return {"shade_ms": [(k * p.step_ms, k * p.step_ms + p.discard_ms) for k in range(p.n_directions)]}

    # --- model-specific statistics and figures -------------------------------------------------
    def observables(self, segment):
        """Tuning curves, HDI and preferred direction per cell and condition; Delta HDI; structure."""
        from .observables import peng2021_observables

        return peng2021_observables(self, segment)

    def extra_figures(self, segment, summary, title):
        from . import figures

        return figures.for_run(self, summary, title)


def _in_source_order(parts, n_pre, n_post):
    """The (pre, post) parts joined and sorted by pre, then post, as int64 arrays."""
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pre, post, _ = connectivity.pairs_in_source_order(np.concatenate([a for a, _ in parts]),
                                                      np.concatenate([b for _, b in parts]), n_pre, n_post, np.int64)
    return pre, post
