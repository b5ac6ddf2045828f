"""The analysis of Fore et al. (2020)'s model (the authors' figures.py).

Per GrC: spike probability P in 1-ms bins of the 60-ms window around the MF burst, across
trials (analysis.trials.spike_probability), for control, GABAzine and muscarine runs of the same
network. Cells: GrCs with at least one active MF input, not silent in control, that pass the
"matches experiment" filter (max control P in bins 18-21 <= 0.6 and max in bins 28-31 <= that).
Every condition is normalised by the cell's control peak; under muscarine a cell is an
"increase" cell when its normalised peak exceeds 1 and a "decrease" cell when it is below 1.

Conductances are trial means over the window, per cell, reconstructed from the inputs instead of
recorded (exact for this feed-forward circuit: g_e is a sum of MF-triggered exponentials with
known weights, g_i one of GoC-triggered exponentials from recorded GoC spikes), so memory stays
O(synapses). They are per-cell conductances, not the reference's in-degree-scaled sums.
"""

import dataclasses

import numpy as np

from zoo.analysis.trials import spike_probability, spike_table

WINDOW_MS = (1000.0, 1060.0)
FILTER_BINS = ((18, 22), (28, 32))  # bins of the window: around the 2nd and 3rd MF spike
FILTER_MAX = 0.6


@dataclasses.dataclass
class ConditionRun:
    """One condition's spike trains (from a results directory or a segment) and its model."""

    model: object
    granule: list  # per-GrC spike trains, index order
    golgi: list  # per-GoC spike trains, index order


def from_segment(model, segment):
    trains = {name: sorted((st for st in segment.spiketrains if st.annotations["source_population"] == name),
                           key=lambda st: int(st.annotations["source_index"])) for name in ("GrC", "GoC")}
    return ConditionRun(model, trains["GrC"], trains["GoC"])


def probabilities(run, window=WINDOW_MS):
    p = run.model.params
    return spike_probability(run.granule, p.trial_ms, p.n_trials, window=window)


def selection(control, active_inputs):
    """Boolean mask of the analysed GrCs (see module docstring), from control P (cells x bins)."""
    peak = control.max(axis=1)
    second = control[:, FILTER_BINS[0][0]:FILTER_BINS[0][1]].max(axis=1)
    third = control[:, FILTER_BINS[1][0]:FILTER_BINS[1][1]].max(axis=1)
    return (active_inputs > 0) & (peak > 0) & (second <= FILTER_MAX) & (third <= second)


def normalised(probability, control):
    """Each cell's P divided by its control peak (cells with a zero control peak give NaN)."""
    peak = control.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return probability / peak


def window_mean_kernel(arrival_ms, tau_ms, window=WINDOW_MS, step_ms=1.0):
    """Mean over the window (1-ms samples) of exp(-(t - a)/tau) for t >= a, per arrival a."""
    samples = np.arange(window[0], window[1], step_ms)
    lag = samples[None, :] - np.asarray(arrival_ms, dtype=float)[:, None]
    return np.where(lag >= 0, np.exp(-np.clip(lag, 0, None) / tau_ms), 0.0).mean(axis=1)


def conductances(run, streams, window=WINDOW_MS):
    """Trial-mean (g_e, g_i) in nS per GrC over the window, reconstructed from the inputs."""
    model, p = run.model, run.model.params
    drawn = model.draw(streams)
    # excitation: each active MF's burst, scaled by its per-trial weight, into its targets
    source, post, weight = model.mf_lists(drawn, "GrC")
    burst_kernel = window_mean_kernel(np.asarray(p.burst_times) + p.d_mf, p.tau_e, window).sum()
    g_e = np.bincount(post, weights=weight * burst_kernel, minlength=p.N_grc) / p.n_trials
    # inhibition: every GoC spike of every trial, through the GoC -> GrC synapses
    cells, times = spike_table(run.golgi)
    trial = np.floor(times / p.trial_ms)
    per_goc = np.bincount(cells, weights=window_mean_kernel(times - trial * p.trial_ms + p.d_goc_grc, p.tau_i, window),
                          minlength=p.N_goc) / p.n_trials
    pre, target = drawn["connections"]["GoC_to_GrC"]
    g_i = np.bincount(target, weights=p.w_goc_grc * per_goc[pre], minlength=p.N_grc)
    return g_e, g_i


def compare(runs, streams):
    """The paper's comparison of control, GABAzine and muscarine runs of one network.

    `runs`: {"control": ConditionRun, "gabazine": ..., "muscarine": ...}. Returns per-cell arrays
    (for figures) and a summary dict of the cross-backend numbers.
    """
    control_model = runs["control"].model
    drawn = control_model.draw(streams)
    active = drawn["active_inputs"]
    P = {name: probabilities(run) for name, run in runs.items()}
    chosen = selection(P["control"], active)
    norm = {name: normalised(P[name][chosen], P["control"][chosen]) for name in P}
    cells = {"index": np.flatnonzero(chosen), "active_inputs": active[chosen]}
    summary = {"n_with_active_input": int((active > 0).sum()), "n_selected": int(chosen.sum())}
    for name, run in runs.items():
        p = run.model.params
        duration = p.n_trials * p.trial_ms
        summary[f"{name}_GoC_rate_hz"] = 1000.0 * sum(len(st) for st in run.golgi) / (len(run.golgi) * duration)
        summary[f"{name}_GrC_rate_hz"] = 1000.0 * sum(len(st) for st in run.granule) / (len(run.granule) * duration)
        summary[f"{name}_mean_peak_probability_active_input"] = float(P[name][active > 0].max(axis=1).mean())
        cells[f"{name}_peak"] = P[name][chosen].max(axis=1)
        cells[f"{name}_norm_peak"] = norm[name].max(axis=1)
    if "gabazine" in runs:
        summary["gabazine_control_peak_ratio"] = float(np.mean(cells["gabazine_norm_peak"]))
        summary["gabazine_control_mean_peak_ratio"] = (summary["gabazine_mean_peak_probability_active_input"]
                                                      / summary["control_mean_peak_probability_active_input"])
    if "muscarine" in runs:
        max_ach = cells["muscarine_norm_peak"]
        cells["increase"], cells["decrease"] = max_ach > 1, max_ach < 1
        summary["muscarine_increase"] = int(cells["increase"].sum())
        summary["muscarine_decrease"] = int(cells["decrease"].sum())
        summary["muscarine_unchanged"] = int((max_ach == 1).sum())
        g_e, g_i = conductances(runs["control"], streams)  # the initial E/I balance
        cells["g_e"], cells["g_i"] = g_e[chosen], g_i[chosen]
        cells["g_net"] = cells["g_e"] - cells["g_i"]
        cells["tonic_reduction"] = 1.0 - runs["muscarine"].model.draw(streams)["tonic_factor"][chosen]
        for group in ("increase", "decrease"):
            mask = cells[group]
            for quantity in ("g_e", "g_i", "g_net", "tonic_reduction", "active_inputs"):
                values = cells[quantity][mask]
                summary[f"{group}_{quantity}_mean"] = float(values.mean()) if values.size else None
    traces = {name: np.nanmean(norm[name], axis=0) for name in norm}
    if "muscarine" in runs:
        for group in ("increase", "decrease"):
            mask = cells[group]
            traces.update({f"{name}_{group}": (np.nanmean(norm[name][mask], axis=0) if mask.any() else None) for name in norm})
    return cells, traces, summary
