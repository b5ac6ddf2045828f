"""Figures of a validation report, each returned as PNG bytes (matplotlib, Agg backend).

- :func:`distributions`: per-neuron distributions per backend, pooled over seeds, overlaid;
- :func:`spectra`: population-rate spectra, one thin line per seed, bold mean per backend;
- :func:`rasters`: one seed of each backend side by side (same seed: the identical network);
- :func:`observables`: the model's scalar observables (one dot per seed) and its distributions;
- :func:`verdicts`: every comparison's cross and null distances over its threshold, the picture of the rule.

Figures with a panel per population are wrapped at :data:`COLUMNS` panels a row and split into
several PNGs of at most :data:`POPULATIONS_PER_FIGURE` populations (a list of PNGs), so that each
stays readable at the report's width (~1200 px). Histograms of values on a lattice (rates of spike
counts in a fixed window: multiples of 1/T) get bins aligned to the lattice, so that no bin falls
between two lattice points and the histogram does not comb.
"""

import io as _io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import quantities as pq  # noqa: E402

from zoo import io  # noqa: E402

from .measures import DISTRIBUTIONS, LABELS  # noqa: E402

COLORS = ("#1f5fa8", "#e07b00", "#2a9d4b", "#8e44ad")
SKEWED = {"rate_hz", "fano_factor"}  # drawn on a log(1 + x) axis: most cells fire slowly, a few fast
PASS, FAIL = "#2a9d4b", "#c0392b"


def pretty(name):
    """An observable's name for a figure: 'stimulated_E_rate_in_stimulus_hz' -> 'stimulated E rate in stimulus (spikes/s)'."""
    if name.endswith("_hz"):
        name = name[: -len("_hz")] + " (spikes/s)"
    return name.replace("_", " ")


# Beyond this many populations (schmidt2018 has 254) the per-population figures show those whose
# comparisons differ first, then the first ones (every comparison is still in the tables).
MAX_POPULATIONS_DRAWN = 16
POPULATIONS_PER_FIGURE = 3
COLUMNS = 3
MAX_VERDICT_ROWS = 150


def drawn_populations(populations, verdicts=None):
    """The populations given panels in the per-population figures: those with a comparison that
    differs first, then the others, MAX_POPULATIONS_DRAWN in all, in their own order."""
    verdicts = verdicts or {}
    failing = {key.split("/", 1)[1] for key, ok in verdicts.items() if not ok and "/" in key}
    chosen = [p for p in populations if p in failing] + [p for p in populations if p not in failing]
    chosen = set(chosen[:MAX_POPULATIONS_DRAWN])
    return [p for p in populations if p in chosen]


def _chunks(items, size):
    return [items[k:k + size] for k in range(0, len(items), size)] or [[]]


def _one_or_list(pngs):
    return pngs[0] if len(pngs) == 1 else pngs


def lattice_step(values, max_points=400):
    """The step of the lattice all `values` lie on (e.g. 1/T for rates of counts in T), or None."""
    u = np.unique(np.asarray(values, float)[np.isfinite(values)])
    if u.size < 2:
        return None
    step = float(np.min(np.diff(u)))
    if step <= 0 or (u[-1] - u[0]) / step > 1e6:
        return None
    k = (u - u[0]) / step
    if not np.allclose(k, np.rint(k), atol=1e-6):
        return None
    return step if (u[-1] - u[0]) / step >= 1 else None


def lattice_bins(edges, values):
    """`edges` moved to the midpoints between lattice points of `values` (repeats dropped), so that
    every bin holds whole lattice points; `edges` unchanged when the values lie on no lattice."""
    step = lattice_step(values)
    if step is None:
        return edges
    origin = float(np.nanmin(values))
    snapped = origin + (np.round((np.asarray(edges) - origin) / step - 0.5) + 0.5) * step
    snapped = np.unique(snapped)
    return snapped if snapped.size >= 2 else edges


def color_of(index):
    return COLORS[index % len(COLORS)]


def _png(fig):
    buffer = _io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def distributions(runs_by_backend, verdicts=None):
    """Rows = statistics, columns = populations (POPULATIONS_PER_FIGURE a figure); step histograms
    (density) per arm, pooled over seeds. One PNG, or a list of them."""
    verdicts = verdicts or {}
    backends = list(runs_by_backend)
    first = next(iter(runs_by_backend[backends[0]].values()))
    populations = drawn_populations(list(first.distributions), verdicts)
    return _one_or_list([_distribution_figure(runs_by_backend, chunk, verdicts)
                         for chunk in _chunks(populations, POPULATIONS_PER_FIGURE)])


def _distribution_figure(runs_by_backend, populations, verdicts):
    backends = list(runs_by_backend)
    fig, axes = plt.subplots(len(DISTRIBUTIONS), max(1, len(populations)),
                             figsize=(4.2 * max(1, len(populations)), 2.6 * len(DISTRIBUTIONS)), squeeze=False)
    for col, pop in enumerate(populations):
        for row, stat in enumerate(DISTRIBUTIONS):
            ax = axes[row, col]
            pooled = {b: np.concatenate([m.distributions.get(pop, {}).get(stat, np.array([])) for m in runs_by_backend[b].values()])
                      for b in backends}
            values = np.concatenate(list(pooled.values()))
            values = values[np.isfinite(values)]
            if values.size == 0:
                ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
                continue
            lo, hi = np.percentile(values, [0.5, 99.5])
            if hi <= lo:
                lo, hi = lo - 0.5, hi + 0.5
            bins = np.linspace(lo, hi, 50)
            if stat in SKEWED and lo >= 0:
                forward = lambda x: np.log10(1 + np.clip(x, 0, None))  # noqa: E731
                bins = 10 ** np.linspace(forward(lo), forward(hi), 50) - 1
                ax.set_xscale("function", functions=(forward, lambda y: 10**y - 1))
                ticks = [t for t in (0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if lo <= t <= hi]
                ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            bins = lattice_bins(bins, values)
            for k, b in enumerate(backends):
                ax.hist(np.clip(pooled[b], bins[0], bins[-1]), bins=bins, density=True, histtype="step", lw=1.6,
                        color=color_of(k), label=f"{b} ({len(runs_by_backend[b])} seeds, n = {pooled[b].size})")
            verdict = verdicts.get(f"{stat}/{pop}")
            mark = "" if verdict is None else ("  agree" if verdict else "  DIFFER")
            ax.set_title(f"{pop}: {LABELS[stat]}{mark}", fontsize=10,
                         color="black" if verdict is None else (PASS if verdict else FAIL))
            ax.set_yticks([])
            ax.legend(fontsize=7, frameon=False, loc="upper right")
    fig.tight_layout()
    return _png(fig)


def spectra(runs_by_backend, verdicts=None):
    """Population-rate spectra, COLUMNS panels a row, POPULATIONS_PER_FIGURE x 2 panels a figure."""
    verdicts = verdicts or {}
    backends = list(runs_by_backend)
    populations = drawn_populations(list(next(iter(runs_by_backend[backends[0]].values())).spectra), verdicts)
    return _one_or_list([_spectrum_figure(runs_by_backend, chunk, verdicts)
                         for chunk in _chunks(populations, 2 * POPULATIONS_PER_FIGURE)])


def _spectrum_figure(runs_by_backend, populations, verdicts):
    backends = list(runs_by_backend)
    columns = min(COLUMNS, max(1, len(populations)))
    rows = int(np.ceil(max(1, len(populations)) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 3.1 * rows), squeeze=False)
    for ax in axes.flat[len(populations):]:
        ax.set_visible(False)
    for pop, ax in zip(populations, axes.flat):
        for k, b in enumerate(backends):
            powers = []
            for m in runs_by_backend[b].values():
                if pop not in m.spectra:
                    continue
                f, p = m.spectra[pop]["freqs"], m.spectra[pop]["power"]
                keep = f > 0
                ax.loglog(f[keep], p[keep], color=color_of(k), lw=0.5, alpha=0.35)
                powers.append(p[keep])
            if powers and all(len(p) == len(powers[0]) for p in powers):
                ax.loglog(f[keep], np.mean(powers, axis=0), color=color_of(k), lw=1.8, label=f"{b} (mean of {len(powers)})")
        marks = {g: verdicts.get(f"psd_{g}/{pop}") for g in ("slow", "fast")}
        known = [v for v in marks.values() if v is not None]
        text = ", ".join(f"{g} {'agree' if v else 'DIFFER'}" for g, v in marks.items() if v is not None)
        ax.set_title(f"{pop}: population-rate spectrum" + (f"\n({text})" if text else ""), fontsize=9.5,
                     color="black" if not known else (PASS if all(known) else FAIL))
        ax.axvline(16.0, color="#bbbbbb", lw=0.8, ls=":")
        ax.set_xlabel("frequency (Hz)")
        ax.set_ylabel("PSD ((spikes/s)$^2$/Hz)")
        ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return _png(fig)


def rasters(segments, shade=(), max_neurons=1000):
    """Rasters of {label: per-neuron segment}, two a row; at most `max_neurons` rows each."""
    labels = list(segments)
    columns = min(2, len(labels))
    rows = int(np.ceil(len(labels) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(6.2 * columns, 4.2 * rows), squeeze=False, sharey=True)
    for ax in axes.flat[len(labels):]:
        ax.set_visible(False)
    pop_colors = {}
    for label, ax in zip(labels, axes.flat):
        segment = segments[label]
        trains = segment.spiketrains
        stride = max(1, int(np.ceil(len(trains) / max_neurons)))
        row = 0
        for k, st in enumerate(trains):
            if k % stride:
                continue
            pop = st.annotations["source_population"]
            color = pop_colors.setdefault(pop, ("black", "#c0392b", "#1f5fa8", "#2a9d4b")[len(pop_colors) % 4])
            times = st.rescale(pq.s).magnitude
            ax.plot(times, np.full(times.size, row), ",", color=color, ms=1, rasterized=True)
            row += 1
        for start, stop in shade:
            ax.axvspan(start / 1000.0, stop / 1000.0, color="#f4d03f", alpha=0.25, lw=0)
        ax.set_xlim(*(float(t.rescale(pq.s)) for t in io.segment_window(segment)))
        ax.set_ylim(-1, row + 1)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("time (s)")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"neuron (every {stride}-th)" if stride > 1 else "neuron")
    handles = [plt.Line2D([], [], ls="", marker="s", color=c, label=p) for p, c in pop_colors.items()]
    if shade:
        handles.append(plt.Rectangle((0, 0), 1, 1, color="#f4d03f", alpha=0.4, label="stimulus"))
    fig.tight_layout(rect=(0, 0.06 / rows, 1, 1))
    fig.legend(handles=handles, fontsize=8, loc="lower center", ncol=len(handles), frameon=False)
    return _png(fig)


def observables(runs_by_backend):
    """Scalar observables as dots per seed, and observable distributions as mean +/- sd per item;
    two panels a row."""
    backends = list(runs_by_backend)
    first = next(iter(runs_by_backend[backends[0]].values()))
    scalars, dists = list(first.scalars), list(first.observable_distributions)
    panels = (1 if scalars else 0) + len(dists)
    if panels == 0:
        return None
    columns = min(2, panels)
    rows = int(np.ceil(panels / columns))
    height = 0.45 * max(len(scalars), 5) + 1.2
    fig, axes = plt.subplots(rows, columns, figsize=(6.0 * columns, height * rows), squeeze=False)
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    panel = iter(axes.flat)
    if scalars:
        ax = next(panel)
        for k, b in enumerate(backends):
            for row, name in enumerate(scalars):
                vals = [m.scalars.get(name, np.nan) for m in runs_by_backend[b].values()]
                ax.plot(vals, np.full(len(vals), row + 0.15 * (k - (len(backends) - 1) / 2)), "o", ms=4,
                        color=color_of(k), alpha=0.8, label=b if row == 0 else None)
        ax.set_yticks(range(len(scalars)))
        ax.set_yticklabels([pretty(s) for s in scalars], fontsize=8)
        ax.invert_yaxis()
        ax.set_title("model observables (one dot per seed)", fontsize=10)
        ax.legend(fontsize=8, frameon=False)
        ax.grid(axis="x", alpha=0.3)
    for name in dists:
        ax = next(panel)
        for k, b in enumerate(backends):
            stack = [m.observable_distributions.get(name, np.array([])) for m in runs_by_backend[b].values()]
            if not stack or any(len(s) != len(stack[0]) for s in stack) or not len(stack[0]):
                continue
            stack = np.array(stack)
            x = np.arange(stack.shape[1]) + 0.15 * (k - (len(backends) - 1) / 2)
            ax.errorbar(x, np.nanmean(stack, 0), yerr=np.nanstd(stack, 0), fmt="o", ms=3, color=color_of(k), label=f"{b}: mean +/- sd over seeds")
        ax.set_title(pretty(name), fontsize=10)
        ax.set_xlabel("cluster" if "cluster" in name else "item")
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return _png(fig)


DISTANCE_NAMES = {"ks": "KS distance", "emd": "earth mover's distance", "log_psd": "mean |log10 power ratio|",
                  "abs_diff": "absolute difference"}


def verdict_label(result, distance):
    """'E: firing rate (spikes/s), KS distance' (+ '  DIFFER' when the report's verdict says so)."""
    from .report import row_label

    mark = "  DIFFER" if result.adjusted == "DIFFER" else ""
    return f"{row_label(result.check)}, {DISTANCE_NAMES.get(distance, distance)}{mark}"


def verdicts(results):
    """Per pair of arms one figure (a list when there are several): one row per (comparison,
    distance) of the seed-to-seed rule: null distances (grey), cross distances (colour), threshold = 1."""
    pairs = list(dict.fromkeys(r.check.backends for r in results if r.details.get("distances")))
    pngs = [_verdict_figure([r for r in results if r.check.backends == pair], pair) for pair in pairs]
    pngs = [p for p in pngs if p is not None]
    return None if not pngs else _one_or_list(pngs)


def _verdict_figure(results, pair):
    rows = []
    for result in results:
        for name, data in result.details.get("distances", {}).items():
            threshold = result.tolerance[name]
            if not np.isfinite(threshold) or threshold <= 0:
                continue
            rows.append((verdict_label(result, name), np.array(data["null"]) / threshold, np.array(data["cross"]) / threshold,
                         result.value[name] / threshold, data["passed"]))
    if not rows:
        return None
    note = ""
    if len(rows) > MAX_VERDICT_ROWS:  # too tall to render: the failing rows first, then passing ones
        note = f"; {MAX_VERDICT_ROWS} of {len(rows)} rows shown, failing first"
        rows = ([r for r in rows if not r[4]] + [r for r in rows if r[4]])[:MAX_VERDICT_ROWS]
    fig, ax = plt.subplots(figsize=(9.5, 0.3 * len(rows) + 1.6))
    for y, (label, null, cross, median, ok) in enumerate(rows):
        ax.plot(np.clip(null, 1e-3, 1e3), np.full(len(null), y - 0.17), "o", ms=3, mfc="none", mec="#888888", mew=0.8)
        ax.plot(np.clip(cross, 1e-3, 1e3), np.full(len(cross), y + 0.17), "o", ms=3, color=PASS if ok else FAIL, alpha=0.7)
        ax.plot(np.clip(median, 1e-3, 1e3), y + 0.17, "|", ms=13, mew=2.5, color=PASS if ok else FAIL)
        if y:
            ax.axhline(y - 0.5, color="#eeeeee", lw=0.6)
    ax.axvline(1.0, color="black", lw=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in rows], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel("distance / threshold (threshold = 95th percentile of seed-pair distances within each arm)")
    ax.set_title(f"{pair[0]} vs {pair[1]}, seed-to-seed rule. Open grey: seed pairs within one arm (the null); "
                 "filled: seed pairs across;\n"
                 f"bar: median across, which must lie left of 1 to pass alone (green pass, red flagged){note}", fontsize=8.5)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return _png(fig)
