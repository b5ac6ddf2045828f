"""Neuron numbers and in-degrees of the multi-area model from the anatomical data.

The Methods of Schmidt et al. (2018, Brain Struct Funct 223:1409), step by step, with the facts
(constants, formulas, order of operations) read in the reference code, INM-6/multi-area-model at
commit 355d940 (multiarea_model/data_multiarea/VisualCortex_Data.py and Model.py,
multiarea_model/multiarea_model.py). Pure functions of the loaded data and a few parameters:
nothing is written anywhere.

Inputs (data set "multiarea", see zoo/datasets.py): the upstream aggregate of the literature data
(viscortex_raw_data.json), the upstream-committed processed data
(viscortex_processed_data_backup.json: completed SLN, neuron numbers of the full-size areas,
total and laminar thicknesses), the injection sites of Markov et al. 2014 and the stabilised
in-degree matrix K' of Schuecker et al. 2017 (K_prime_original.npy). The FLN values completed by
the exponential distance rule and the completed CoCoMac patterns are not committed upstream; they
are derived here from the raw data (:func:`complete_cortico_cortical_data`).

Conventions: populations are ordered area by area (AREAS) and within an area as POPULATIONS,
leaving out those without neurons (TH has no layer 4): 254 populations. Matrices are
[target, source]. Units: neurons, synapses, mm, mm^2, um (thickness data as published).
"""

import dataclasses
import json
import math
import re

import numpy as np
from scipy import integrate, stats

# Area order of the model (architectural types; Model.py, default_params.complete_area_list).
AREAS = ("V1", "V2", "VP", "V3", "V3A", "MT", "V4t", "V4", "VOT", "MSTd", "PIP", "PO", "DP", "MIP", "MDP",
         "VIP", "LIP", "PITv", "PITd", "MSTl", "CITv", "CITd", "FEF", "TF", "AITv", "FST", "7a", "STPp",
         "STPa", "46", "AITd", "TH")
POPULATIONS = ("23E", "23I", "4E", "4I", "5E", "5I", "6E", "6I")
LAYERS = ("1", "23", "4", "5", "6")

# Intra-area connectivity from the microcircuit (Potjans & Diesmann 2014) transferred to discs of
# the area's size: Gaussian profile of width SIGMA_MM and peak C0 (Model.py).
SIGMA_MM = 0.29653208289812366
C0 = 0.1429914097112598
LOG_SERIES_TERMS = 20  # the reference's series for the logarithm, used for areas >= 100 mm^2
LARGE_AREA_MM2 = 100.0
FLN_SUBCORTICAL = 0.013  # share of inputs from subcortical structures (Markov et al. 2011)
E_SPECIFICITY = 0.93  # share of feedback synapses on excitatory cells (Model.py)
FEEDBACK_SLN, FEEDFORWARD_SLN = 0.35, 0.65  # SLN bounds of the hierarchical relation

# Layers where cortico-cortical synapses terminate, by hierarchical relation (Felleman & Van Essen
# 1991): feedforward (F), feedback (M), lateral (C); as labels and as cortical layer numbers.
TERMINATION_LAYERS = {"F": ("4",), "M": ("1", "23", "5", "6"), "C": ("1", "23", "4", "5", "6")}
TERMINATION_LAYER_NUMBERS = {"F": (4,), "M": (1, 2, 3, 5, 6), "C": (1, 2, 3, 4, 5, 6)}
SUPRAGRANULAR_SOURCES = ("23E",)
INFRAGRANULAR_SOURCES = ("5E", "6E")

# Markov et al. (2014) source names and their keys in the overlap tables (VisualCortex_Data.py).
_M132_KEYS = {"ENTO": "Entorhinal", "POLE": "Temporal-pole", "Parainsula": "Insula", "SUB": "Subiculum",
              "PIRI": "Piriform", "PERI": "Perirhinal", "Pro.St.": "Prostriate", "INSULA": "Insula",
              "CORE": "Aud-core", "29/30": "29_30", "TEa/mp": "TEam-p", "TH/TF": "TH_TF", "TEa/ma": "TEam-a",
              "9/46v": "9_46v", "9/46d": "9_46d", "SII": "S2"}


@dataclasses.dataclass(frozen=True)
class Anatomy:
    """Full-scale structure of the model (1 mm^2 per area), as arrays over the 254 populations.

    names: "area-pop" labels; area_of: area index of each population; N: neurons (real-valued);
    K: in-degrees [target, source]; K_ext: external (Poisson) in-degrees; synapses: K * N[target];
    distances: median inter-area distances [target area, source area] in mm.
    """

    names: tuple
    area_of: np.ndarray
    N: np.ndarray
    K: np.ndarray
    K_ext: np.ndarray
    synapses: np.ndarray
    distances: np.ndarray

    def index(self, name):
        return self.names.index(name)


# --- reading the inputs ---------------------------------------------------------------------------
def read_injection_sites(path):
    """Monkey (hemisphere) -> FV91 area of the injection (Markov2014_InjectionSites.csv).

    Three header lines; tab-separated columns area, case, monkey, ..., FV91 area. A monkey listed
    twice keeps its last row, as in the reference.
    """
    sites = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()[3:]
    for line in lines:
        fields = line.split("\t")
        if len(fields) >= 9 and fields[2]:
            sites[fields[2]] = fields[8]
    return sites


def load_inputs(paths):
    """The data the pipeline reads, from {file name: path} as returned by zoo.datasets.require."""
    with open(paths["viscortex_raw_data.json"], encoding="utf-8") as f:
        raw = json.load(f)
    with open(paths["viscortex_processed_data_backup.json"], encoding="utf-8") as f:
        processed = json.load(f)
    return {
        "raw": raw,
        "processed": processed,
        "injection_sites": read_injection_sites(paths["raw_data/Markov2014_InjectionSites.csv"]),
        "K_prime": np.load(paths["K_prime_original.npy"], allow_pickle=False),
    }


# --- cortico-cortical data: FLN completed by the exponential distance rule, CoCoMac patterns ------
def _fv91_name(key):
    return re.sub("FVE.", "", re.sub("FVE_all.", "", key))


def _injections_per_area(per_monkey, injection_sites, value):
    """Mean over the injections into each model area, per source; absent sources count as 0."""
    collected = {}
    for monkey, data in per_monkey.items():
        area = injection_sites[monkey]
        if area not in AREAS:
            continue
        for source, entry in data["source_areas"].items():
            collected.setdefault(area, {}).setdefault(source, []).append(value(entry))
    means = {}
    for area, sources in collected.items():
        injections = max(len(values) for values in sources.values())
        means[area] = {source: sum(values) / injections for source, values in sources.items()}
    return means


def complete_cortico_cortical_data(raw, injection_sites):
    """(FLN_completed, cocomac_completed) as the reference pipeline derives them.

    FLN (Markov et al. 2014) is averaged over the injections into each model area, mapped from the
    M132 parcellation to FV91 with the overlap tables, and completed for the connections known
    from CoCoMac (or found by Markov et al.) by an exponential distance rule fitted to the data:
    log FLN linear in the median distance. FLN of sources outside the model are summed into
    'external'. CoCoMac laminar patterns get 'X' -> 2 and '?' -> 0 (source layers 1, 4) or -1.
    """
    distances = raw["median_distance_data"]
    overlap = raw["overlap"]["all"]
    fln = _injections_per_area(raw["FLN_Data"], injection_sites, lambda entry: entry["FLN"])
    mapped = {}
    for target, sources in fln.items():
        mapped[target] = {}
        for source, value in sources.items():
            key = _M132_KEYS.get(source, source) + "_M132"
            for fv91_key, percent in overlap[key].items():
                area = _fv91_name(fv91_key)
                if area in AREAS:
                    mapped[target][area] = mapped[target].get(area, 0.0) + percent / 100.0 * value
        mapped[target].pop(target, None)
    for area in AREAS:
        mapped.setdefault(area, {})

    cocomac = {}
    for target, sources in raw["cocomac_data"].items():
        cocomac[target] = {}
        for source, patterns in sources.items():
            sp, tp = patterns["source_pattern"], patterns["target_pattern"]
            if sp is not None:
                sp = [2 if v == "X" else (0 if i in (0, 3) else -1) if v == "?" else v for i, v in enumerate(sp)]
            if tp is not None:
                tp = [2.0 if v == "X" else -1 if v == "?" else v for v in tp]
            cocomac[target][source] = {"source_pattern": sp, "target_pattern": tp}
    for target in cocomac:
        for source, value in mapped[target].items():
            if source not in raw["cocomac_data"][target] and source != target and value > 0.0:
                cocomac[target][source] = {"target_pattern": None, "source_pattern": None}
    for area in AREAS:
        cocomac[area].setdefault(area, {"target_pattern": None, "source_pattern": None})

    thom = raw["thom_distance_data"]
    pairs = [(value, distances[target][source]) for target, sources in mapped.items() for source, value in sources.items()
             if target in thom and source in thom and value]
    fit = stats.linregress([d for _, d in pairs], np.log([v for v, _ in pairs]))

    def edr(target, source):
        return math.exp(fit.intercept + fit.slope * distances[target][source])

    completed = {}
    for target in cocomac:
        completed[target] = dict(mapped[target])
        for source in cocomac[target]:
            if source not in mapped[target] and source in distances and source != target:
                completed[target][source] = edr(target, source)
        external = 0.0
        for source in list(completed[target]):
            if source not in AREAS:
                external += completed[target].pop(source)
        completed[target]["external"] = external
    return completed, cocomac


# --- intra-area connectivity ----------------------------------------------------------------------
def _disc_integrand(r, R, sigma):
    """Gaussian connection profile averaged over pairs of points in a disc of radius R (Sheng 1985)."""
    x = np.arctan(np.sqrt((2 * R - r) / (2 * R + r)))
    return r * np.exp(-r ** 2 / (2 * sigma ** 2)) * (4 * x - np.sin(4 * x))


def _log_series(x, terms):
    """The reference's truncated series sum_k (-1)^k x^(k+1)/(k+1), used for areas >= 100 mm^2."""
    return sum(x ** (k + 1) * (-1.0) ** k / (k + 1) for k in range(terms))


def microcircuit_indegrees(surface, intrinsic, num_V1):
    """In-degrees K'[target][source] of the microcircuit on a disc of `surface` mm^2 (Model.py)."""
    r_PD14 = math.sqrt(1.0 / math.pi)
    C_mean_PD14 = 2.0 / r_PD14 ** 2 * C0 * SIGMA_MM ** 2 * (1.0 - math.exp(-r_PD14 ** 2 / (2 * SIGMA_MM ** 2)))
    R = math.sqrt(surface / math.pi)
    C_mean = 2 * C0 / surface * integrate.quad(_disc_integrand, 0, 2 * R, args=(R, SIGMA_MM))[0]
    K = {}
    for target in POPULATIONS:
        K[target] = {}
        n_target = num_V1[target]["neurons"]
        for source in POPULATIONS:
            C = intrinsic[target][source] * C_mean / C_mean_PD14
            eps = 1.0 / (n_target * num_V1[source]["neurons"] * surface ** 2)
            if surface < LARGE_AREA_MM2:
                pairs = np.log(1.0 - C) / np.log(1.0 - eps)
            else:
                pairs = _log_series(C, LOG_SERIES_TERMS) / _log_series(eps, LOG_SERIES_TERMS)
            K[target][source] = int(round(pairs)) / (n_target * surface)
    return K


# --- cortico-cortical synapses ---------------------------------------------------------------------
def _cell_layer(cell_type):
    return re.sub(r"\D", "", re.sub(r"\(.*\)", "", cell_type))


def _model_population(cell_type):
    return _cell_layer(cell_type) + ("I" if "b" in cell_type else "E")


def synapse_layer_to_population(binzegger, relative_model):
    """P(target population | CC synapse in layer v) from Binzegger et al. 2004 (Eqs 11-12 ff.).

    Cell types are weighted by the ratio of the model's to Binzegger's relative population sizes.
    """
    occurrence = {}
    for cell, data in binzegger.items():
        if _cell_layer(cell) not in ("", "1"):
            occurrence[cell] = data["occurrence"]
    total = sum(occurrence.values())
    relative_binzegger = dict.fromkeys(POPULATIONS, 0.0)
    for cell, value in occurrence.items():
        relative_binzegger[_model_population(cell)] += value / total

    def cc_synapses(cell, layer):
        population = _model_population(cell)
        data = binzegger[cell]["syn_dict"][layer]
        ratio = relative_model[population] / relative_binzegger[population]
        return data["corticocortical"] / 100.0 * data["number of synapses per neuron"] * binzegger[cell]["occurrence"] / 100.0 * ratio

    per_layer = dict.fromkeys(LAYERS, 0.0)
    contributions = []
    for cell, data in binzegger.items():
        if _model_population(cell) == "1I":
            continue
        for layer in data["syn_dict"]:
            if layer in per_layer:
                value = cc_synapses(cell, layer)
                per_layer[layer] += value
                contributions.append((layer, _model_population(cell), value))
    probability = {}
    for layer, population, value in contributions:
        row = probability.setdefault(layer, {})
        row[population] = row.get(population, 0.0) + value / per_layer[layer]
    return probability


def _without_layer_4(probability, thickness):
    """TH has no layer 4: its share goes to the other layers' E (I) cells in proportion to thickness."""
    adjusted = {layer: dict(row) for layer, row in probability.items()}
    for row in adjusted.values():
        for kind in "EI":
            pops = [f"23{kind}", f"5{kind}", f"6{kind}"]
            depth = sum(thickness[p[:-1]] for p in pops)
            if f"4{kind}" in row:
                for p in pops:
                    row[p] = row.get(p, 0.0) + row[f"4{kind}"] * thickness[p[:-1]] / depth
        row.pop("4E", None)
        row.pop("4I", None)
    return adjusted


def _relation(sln):
    """Hierarchical relation from SLN: lateral 'C' in (0.35, 0.65], feedback 'M' below, feedforward 'F' above."""
    if FEEDBACK_SLN < sln <= FEEDFORWARD_SLN:
        return "C"
    if sln < FEEDBACK_SLN:
        return "M"
    if sln > FEEDFORWARD_SLN:
        return "F"
    raise ValueError(f"SLN {sln} lies on a class boundary the reference leaves undefined")


# --- the pipeline, step by step (Schmidt et al. 2018, Brain Struct Funct, Methods) ----------------
def neuron_numbers(processed, raw, surface):
    """Neurons under `surface` mm^2 of each area, {area: {population or 'total': N}} (real-valued)."""
    real, area_surface = processed["realistic_neuronal_numbers"], raw["surface_data"]
    return {a: {p: real[a][p] / area_surface[a] * surface for p in real[a]} for a in AREAS}


def synapse_density(processed, raw, av_indegree_V1):
    """Synaptic volume density rho_syn [synapses / (mm^2 um)], the same in every area, from V1's
    mean in-degree, neuron number, surface and thickness."""
    real, thickness = processed["realistic_neuronal_numbers"], processed["total_thicknesses"]
    return av_indegree_V1 * real["V1"]["total"] / (raw["surface_data"]["V1"] * thickness["V1"])


def intrinsic_synapses(raw, processed, N, rho_syn, surface):
    """Type I (intra-area) synapses, {area: {target: {area: {source: count}}}}, and each area's
    intrinsic share FLN_i of all its synapses.

    The microcircuit's in-degrees, scaled per area so that the intrinsic share of all synapses is
    FLN_i, reduced by the ratio of the patch's to the full-size area's in-degrees.
    """
    area_surface, thickness = raw["surface_data"], processed["total_thicknesses"]
    mean_intrinsic_fln = raw["Intrinsic_FLN_Data"]["mean"]["mean"]
    K_patch = microcircuit_indegrees(surface, raw["Intrinsic_Connectivity"], raw["num_V1"])
    intrinsic_fln, synapses = {}, {}
    for a in AREAS:
        K_full = microcircuit_indegrees(area_surface[a], raw["Intrinsic_Connectivity"], raw["num_V1"])
        ratios = [K_patch[t][s] / K_full[t][s] for t in POPULATIONS for s in POPULATIONS if K_full[t][s] > 0.0]
        intrinsic_fln[a] = mean_intrinsic_fln * np.mean(ratios)
        patch_synapses = sum(K_patch[t][s] * N[a][t] for t in POPULATIONS for s in POPULATIONS)
        conversion = intrinsic_fln[a] * rho_syn * surface * thickness[a] / patch_synapses
        synapses[a] = {
            t: {a: {s: conversion * K_patch[t][s] * N[a][t] if N[a][s] and N[a][t] else 0.0 for s in POPULATIONS}}
            for t in POPULATIONS
        }
    return synapses, intrinsic_fln


def _source_shares(sp, pattern, sln_ts, real_source):
    """(X, Y) of the source side: the share X of a projection that leaves the supra- (SLN) or
    infragranular (1 - SLN) layers, and the share Y of that from population `sp`."""
    if pattern is not None:
        pattern = np.array(pattern, dtype=float)
        if np.all(pattern[:3] == 0):
            sln_ts = 0.0
        elif np.all(pattern[-2:] == 0):
            sln_ts = 1.0
        if sp in SUPRAGRANULAR_SOURCES and np.any(pattern[:3] != 0):
            return sln_ts, 1.0
        if sp in INFRAGRANULAR_SOURCES and np.any(pattern[-2:] != 0):
            layer = int(sp[:-1]) - 1
            if pattern[layer] != 0:
                infra = pattern[-2:]
                return 1.0 - sln_ts, 10 ** pattern[layer] / np.sum(10 ** infra[infra != 0])
        return 0.0, 0.0
    if sp in SUPRAGRANULAR_SOURCES:
        return sln_ts, 1.0
    return 1.0 - sln_ts, real_source[sp] / sum(real_source[p] for p in INFRAGRANULAR_SOURCES)


def _target_layer_shares(pattern, sln_ts, laminar_thickness):
    """[(layer, Z)]: the share Z of a projection's synapses that terminate in each layer, from the
    CoCoMac target pattern, else from the hierarchical relation and the layers' thicknesses."""
    if pattern is not None:
        pattern = np.array(pattern, dtype=float)
        if -1 in pattern:
            for layer in TERMINATION_LAYER_NUMBERS[_relation(sln_ts)]:
                if pattern[layer - 1] == -1:
                    pattern[layer - 1] = 2
        present = np.flatnonzero(pattern > 0.0)
        weights = 10 ** pattern[present]
        return [("23" if number in (2, 3) else str(number), weight / np.sum(weights))
                for number, weight in zip(present + 1, weights)]
    layers = TERMINATION_LAYERS[_relation(sln_ts)]
    depth = sum(laminar_thickness[layer] for layer in layers if layer != "1")
    return [(layer, 0.5 if layer == "1" else (0.5 if "1" in layers else 1.0) * laminar_thickness[layer] / depth)
            for layer in layers]


def cortico_cortical_synapses(raw, processed, N, rho_syn, fln_completed, cocomac, synapses):
    """Add type III (cortico-cortical) synapses to `synapses` (Eqs 8-12).

    A projection from area sa to ta carries the share FLN of all ta's synapses; of it, the share
    X * Y leaves population sp (:func:`_source_shares`), the share Z terminates in each layer
    (:func:`_target_layer_shares`) and reaches tp with P(tp | layer) (Binzegger et al. 2004).
    """
    sln = processed["SLN_completed"]
    real = processed["realistic_neuronal_numbers"]
    thickness, laminar_thickness = processed["total_thicknesses"], processed["laminar_thicknesses"]
    area_surface = raw["surface_data"]
    cc_share = 1.0 - raw["Intrinsic_FLN_Data"]["mean"]["mean"] - FLN_SUBCORTICAL
    fln = {t: {s: cc_share / sum(v.values()) * value for s, value in v.items()} for t, v in fln_completed.items()}
    relative_V1 = {p: N["V1"][p] / N["V1"]["total"] for p in POPULATIONS}
    layer_to_pop_all = synapse_layer_to_population(raw["Binzegger_Data"], relative_V1)
    layer_to_pop = {a: layer_to_pop_all for a in AREAS}
    layer_to_pop["TH"] = _without_layer_4(layer_to_pop_all, laminar_thickness["TH"])

    def count(ta, tp, sa, sp):
        if sa not in cocomac[ta] or sp not in SUPRAGRANULAR_SOURCES + INFRAGRANULAR_SOURCES or N[ta][tp] == 0:
            return 0.0
        total = rho_syn * area_surface[ta] * thickness[ta]  # all synapses of the full-size area
        X, Y = _source_shares(sp, cocomac[ta][sa]["source_pattern"], sln[ta][sa], real[sa])
        return sum(layer_to_pop[ta][layer][tp] * total * fln[ta][sa] * X * Y * Z
                   for layer, Z in _target_layer_shares(cocomac[ta][sa]["target_pattern"], sln[ta][sa],
                                                        laminar_thickness[ta])
                   if tp in layer_to_pop[ta][layer])

    for ta in AREAS:
        for tp in POPULATIONS:
            for sa in AREAS:
                if sa == ta:
                    continue
                synapses[ta][tp][sa] = {
                    sp: count(ta, tp, sa, sp) / real[ta][tp] * N[ta][tp] if N[ta][tp] != 0 else 0.0
                    for sp in POPULATIONS
                }


def feedback_specificity(synapses, cocomac, sln):
    """Redistribute the synapses of every feedback projection so that E_SPECIFICITY of them are on
    excitatory cells (in place)."""
    for ta in AREAS:
        for sa in AREAS:
            if ta == sa or sa not in cocomac[ta] or not sln[ta][sa] < FEEDBACK_SLN:
                continue
            on_E = sum(synapses[ta][tp][sa][sp] for tp in POPULATIONS if "E" in tp for sp in POPULATIONS)
            on_I = sum(synapses[ta][tp][sa][sp] for tp in POPULATIONS if "E" not in tp for sp in POPULATIONS)
            if on_E > 0.0 or on_I > 0.0:
                alpha_E, alpha_I = on_E / (on_E + on_I), on_I / (on_E + on_I)
                if alpha_E != 0.0 and alpha_I != 0.0:
                    for tp in POPULATIONS:
                        factor = E_SPECIFICITY / alpha_E if "E" in tp else (1.0 - E_SPECIFICITY) / alpha_I
                        for sp in POPULATIONS:
                            synapses[ta][tp][sa][sp] *= factor


def external_synapses(processed, N, rho_syn, surface, synapses, intrinsic_fln, fac_nu_ext_5E, fac_nu_ext_6E,
                      fac_nu_ext_TH):
    """{(area, population): external synapses}: all synapses of the patch minus the intrinsic and
    cortico-cortical ones, spread so that every population has the same external in-degree, then
    raised for 5E, 6E and TH's 2/3E and 5E."""
    real, thickness = processed["realistic_neuronal_numbers"], processed["total_thicknesses"]
    external = {}
    for a in AREAS:
        total = surface * thickness[a] * rho_syn
        cc = sum(synapses[a][tp][sa][sp] for tp in POPULATIONS for sa in AREAS if sa != a for sp in POPULATIONS)
        remaining = total * (1.0 - intrinsic_fln[a]) - cc
        pops = [p for p in POPULATIONS if real[a][p] > 0.0]
        n = len(pops)
        equations = np.vstack([np.eye(n) * -1.0 + 1.0 / n, [N[a][p] for p in pops]])
        solution = np.linalg.lstsq(equations, np.append(np.zeros(n), remaining), rcond=-1)[0]
        for p, k in zip(pops, solution):
            external[a, p] = k * N[a][p]
    for a in AREAS:
        external[a, "5E"] *= fac_nu_ext_5E
        external[a, "6E"] *= fac_nu_ext_6E
    external["TH", "23E"] *= fac_nu_ext_TH
    external["TH", "5E"] *= fac_nu_ext_TH
    return external


def compute(inputs, *, surface, av_indegree_V1, fac_nu_ext_5E, fac_nu_ext_6E, fac_nu_ext_TH, use_K_stable):
    """The full-scale :class:`Anatomy` from the loaded `inputs` (see :func:`load_inputs`), the
    Methods' steps in order; the parameters are params.py's (their defaults live there only)."""
    raw, processed = inputs["raw"], inputs["processed"]
    real = processed["realistic_neuronal_numbers"]
    fln_completed, cocomac = complete_cortico_cortical_data(raw, inputs["injection_sites"])
    N = neuron_numbers(processed, raw, surface)
    rho_syn = synapse_density(processed, raw, av_indegree_V1)
    synapses, intrinsic_fln = intrinsic_synapses(raw, processed, N, rho_syn, surface)
    cortico_cortical_synapses(raw, processed, N, rho_syn, fln_completed, cocomac, synapses)
    feedback_specificity(synapses, cocomac, processed["SLN_completed"])
    external = external_synapses(processed, N, rho_syn, surface, synapses, intrinsic_fln, fac_nu_ext_5E,
                                 fac_nu_ext_6E, fac_nu_ext_TH)

    structure = [(a, p) for a in AREAS for p in POPULATIONS if real[a][p] > 0.0]
    N_vec = np.array([N[a][p] for a, p in structure])
    if use_K_stable:
        K = np.array(inputs["K_prime"], dtype=float)
        if K.shape != (len(structure), len(structure)):
            raise ValueError(f"K_prime_original.npy has shape {K.shape}, expected {(len(structure),) * 2}")
        K = np.where(np.isclose(0.0, K), 0.0, K)  # the reference zeroes |K| <= 1e-8
    else:
        K = np.array([[synapses[ta][tp][sa][sp] / N[ta][tp] for sa, sp in structure] for ta, tp in structure])
    return Anatomy(
        names=tuple(f"{a}-{p}" for a, p in structure),
        area_of=np.array([AREAS.index(a) for a, _ in structure]),
        N=N_vec,
        K=K,
        K_ext=np.array([external[a, p] / N[a][p] for a, p in structure]),
        synapses=K * N_vec[:, None],
        distances=np.array([[raw["median_distance_data"][t][s] for s in AREAS] for t in AREAS]),
    )
