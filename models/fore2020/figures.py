"""Figures like the model panels of Fore et al. (2020), from zoo.models.fore2020.analysis.compare output."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLORS = {"control": "k", "gabazine": "tab:green", "muscarine": "tab:purple"}
GROUPS = {"increase": "tab:red", "decrease": "tab:blue"}


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def probability_traces(cells, traces, path):
    """Mean normalised spike probability of increase and decrease cells, three conditions."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    for ax, group in zip(axes, GROUPS):
        n = int(cells[group].sum()) if group in cells else 0
        for condition, color in COLORS.items():
            trace = traces.get(f"{condition}_{group}")
            if trace is not None:
                ax.plot(np.arange(trace.size) + 0.5, trace, color=color, label=condition)
        for t in (10, 20, 30):
            ax.axvline(t, color="0.8", lw=0.8, zorder=0)
        ax.set(title=f"{group} under muscarine (n = {n})", xlabel="time from window start (ms)")
    axes[0].set_ylabel("spike probability / control peak")
    axes[0].legend(frameon=False)
    return _save(fig, path)


def peak_scatter(cells, path):
    """Control vs muscarine peak spike probability per cell (unnormalised)."""
    fig, ax = plt.subplots(figsize=(4, 4))
    for group, color in GROUPS.items():
        mask = cells[group]
        ax.scatter(cells["control_peak"][mask], cells["muscarine_peak"][mask], s=8, color=color, label=group)
    top = max(cells["control_peak"].max(), cells["muscarine_peak"].max(), 0.05)
    ax.plot([0, top], [0, top], color="0.5", lw=0.8)
    ax.set(xlabel="control peak P", ylabel="muscarine peak P")
    ax.legend(frameon=False)
    return _save(fig, path)


def change_vs_inputs(cells, path):
    """log(muscarine peak / control peak) against active inputs, net conductance, tonic reduction."""
    with np.errstate(divide="ignore"):
        change = np.log(cells["muscarine_norm_peak"])
    finite = np.isfinite(change)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, change.size)
    panels = (("active_inputs", "active MF inputs", jitter), ("g_net", "mean g_e - g_i (nS), control", 0.0),
              ("tonic_reduction", "tonic reduction 1 - r", 0.0))
    for ax, (key, label, shift) in zip(axes, panels):
        x = cells[key] + shift
        colors = np.where(cells["increase"], GROUPS["increase"], np.where(cells["decrease"], GROUPS["decrease"], "0.6"))
        ax.scatter(x[finite], change[finite], s=8, c=colors[finite])
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xlabel(label)
    axes[0].set_ylabel("log(max P muscarine / max P control)")
    axes[0].set_title("red: increase, blue: decrease, grey: unchanged", fontsize=8, loc="left")
    return _save(fig, path)


def conductance_scatter(cells, path):
    """Mean g_e vs g_i in the window (control), coloured by the muscarine change."""
    with np.errstate(divide="ignore"):
        change = np.log(cells["muscarine_norm_peak"])
    finite = np.isfinite(change)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    limit = max(np.abs(change[finite]).max(), 1e-3) if finite.any() else 1.0
    points = ax.scatter(cells["g_e"][finite], cells["g_i"][finite], c=change[finite], cmap="coolwarm", s=10,
                        vmin=-limit, vmax=limit)
    fig.colorbar(points, label="log change under muscarine")
    ax.set(xlabel="mean g_e (nS)", ylabel="mean g_i (nS)")
    return _save(fig, path)


def group_histograms(cells, path):
    """Distributions of g_e, g_i, g_net and tonic reduction for increase vs decrease cells."""
    keys = (("g_e", "g_e (nS)"), ("g_i", "g_i (nS)"), ("g_net", "g_e - g_i (nS)"), ("tonic_reduction", "1 - r"))
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
    for ax, (key, label) in zip(axes, keys):
        values = cells[key]
        bins = np.linspace(values.min(), values.max() + 1e-12, 25) if values.size else 10
        for group, color in GROUPS.items():
            mask = cells[group]
            if mask.any():
                ax.hist(values[mask], bins=bins, density=True, histtype="step", color=color,
                        label=f"{group}: {values[mask].mean():.3g} +/- {values[mask].std(ddof=1) / np.sqrt(mask.sum()) if mask.sum() > 1 else 0:.2g}")
        ax.set_xlabel(label)
        ax.legend(frameon=False, fontsize=7)
    return _save(fig, path)


def all_figures(cells, traces, out):
    """Write every panel into directory `out`; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [
        probability_traces(cells, traces, out / "probability_traces.png"),
        peak_scatter(cells, out / "peak_control_vs_muscarine.png"),
        change_vs_inputs(cells, out / "change_vs_inputs.png"),
        conductance_scatter(cells, out / "conductances.png"),
        group_histograms(cells, out / "group_histograms.png"),
    ]
