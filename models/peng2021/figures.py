"""Figures of one run (input map with axons, example tuning curves, HDI per condition) and of a scan
(Delta HDI against map scale). Matplotlib only; each function draws one file."""

import numpy as np

COLORS = {"polar": "tab:red", "circular": "tab:blue", "none": "0.4"}
N_AXONS_DRAWN = 40
N_EXAMPLES = 6


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def for_run(model, summary, title):
    """(file name, draw(path)) of the run figures; none when the per-cell data are missing."""
    observables = summary.get("observables", {})
    cells = observables.get("cells")
    drawn = getattr(model, "_draws", None)
    if not cells or drawn is None:
        return []
    return [
        ("input_map.png", lambda path: input_map(model, drawn, path, title)),
        ("tuning_examples.png", lambda path: tuning_examples(cells, path, title)),
        ("hdi_distributions.png", lambda path: hdi_distributions(observables, path, title)),
    ]


def input_map(model, drawn, path, title=""):
    """The preferred direction of every E cell (colour), interneuron somata, and a sample of axons:
    polar ellipses (solid) and the equal-area circles (dashed) of the same interneurons."""
    from matplotlib.patches import Ellipse

    plt = _pyplot()
    p = model.params
    n, L = p.n_side, p.L
    image = np.degrees(drawn["pref"]).reshape(n, n).T  # Grid2D fills x-major: index = ix * n + iy
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    shown = ax.imshow(image, origin="lower", extent=(0, L, 0, L), cmap="hsv", vmin=0, vmax=360, interpolation="nearest")
    fig.colorbar(shown, ax=ax, label="preferred head direction (deg)")
    ax.plot(drawn["ix"], drawn["iy"], "k.", ms=2.5, label="interneuron somata")
    sample = np.random.default_rng(0).choice(p.N_I, min(N_AXONS_DRAWN, p.N_I), replace=False)
    polar, circular = drawn["axons"]["polar"], drawn["axons"]["circular"]
    for i in sample:
        ax.add_patch(Ellipse((polar.cx[i], polar.cy[i]), 2 * polar.a, 2 * polar.b, angle=np.degrees(polar.phi[i]),
                             fill=False, lw=1.2, color="k"))
    for i in sample[: len(sample) // 4]:
        ax.add_patch(Ellipse((circular.cx[i], circular.cy[i]), 2 * circular.a, 2 * circular.b, fill=False, lw=0.8,
                             ls="--", color="w"))
    scale = f"Perlin s = {p.perlin_scale:g} um" if p.map_kind == "perlin" else f"pinwheels {p.pinwheel_spacing:g} um apart"
    ax.set(xlim=(0, L), ylim=(0, L), xlabel="x (um)", ylabel="y (um)", aspect="equal",
           title=f"{title}\n{scale}, map seed {p.map_seed}; {len(sample)} polar axons (black), circles (white)")
    ax.title.set_fontsize(8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _examples(cells, count):
    """Cells spread over the range of the polar condition's HDI (or the first condition's)."""
    key = "polar" if "polar" in cells else next(k for k in ("circular", "none") if k in cells)
    hdi = np.array([np.nan if v is None else v for v in cells[key]["hdi"]])
    valid = np.flatnonzero(np.isfinite(hdi))
    if valid.size == 0:
        return np.arange(min(count, hdi.size))
    order = valid[np.argsort(hdi[valid])]
    return order[np.linspace(0, order.size - 1, min(count, order.size)).astype(int)]


def tuning_examples(cells, path, title=""):
    """Tuning curves of example cells in every condition; the cell's input direction dotted."""
    plt = _pyplot()
    theta = np.asarray(cells["directions_deg"])
    examples = _examples(cells, N_EXAMPLES)
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), sharex=True)
    for ax, j in zip(axes.ravel(), examples):
        for condition, color in COLORS.items():
            if condition not in cells:
                continue
            rates = np.asarray(cells[condition]["rates_hz"][j])
            hdi = cells[condition]["hdi"][j]
            label = f"{condition} (HDI {hdi:.2f})" if hdi is not None else f"{condition} (silent)"
            ax.plot(np.append(theta, 360), np.append(rates, rates[0]), "-o", ms=3, color=color, label=label)
        ax.axvline(cells["input_deg"][j], color="k", ls=":", lw=1)
        ax.set_title(f"cell {j} at ({cells['x_um'][j]:.0f}, {cells['y_um'][j]:.0f}) um", fontsize=8)
        ax.legend(fontsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("head direction (deg)")
        ax.set_xticks([0, 90, 180, 270, 360])
    for ax in axes[:, 0]:
        ax.set_ylabel("rate (spikes/s)")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def hdi_distributions(observables, path, title=""):
    """HDI histograms per condition, and the per-cell difference polar - circular."""
    plt = _pyplot()
    cells = observables["cells"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    bins = np.linspace(0, 1, 41)
    values = {}
    for condition, color in COLORS.items():
        if condition not in cells:
            continue
        values[condition] = np.array([np.nan if v is None else v for v in cells[condition]["hdi"]])
        finite = values[condition][np.isfinite(values[condition])]
        left.hist(finite, bins=bins, histtype="step", lw=1.5, color=color,
                  label=f"{condition}: mean {finite.mean():.3f}" if finite.size else f"{condition}: silent")
    left.set(xlabel="head-direction index", ylabel="E cells", title="HDI per condition")
    left.legend(fontsize=8)
    if "polar" in values and "circular" in values:
        both = np.isfinite(values["polar"]) & np.isfinite(values["circular"])
        difference = values["polar"][both] - values["circular"][both]
        right.hist(difference, bins=41, color="0.5")
        right.axvline(0, color="k", lw=0.8)
        if difference.size:
            right.axvline(difference.mean(), color="tab:red", lw=1.5, label=f"mean {difference.mean():+.4f}")
        right.legend(fontsize=8)
        right.set(xlabel="HDI polar - HDI circular (same cell)", ylabel="E cells", title="paired difference")
    else:
        right.set_axis_off()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def scan_figure(rows, path, title=""):
    """Delta HDI (polar - circular) against map scale, one dot per map seed, mean +/- SD; and mean
    HDI per condition against scale. `rows`: dicts with scale_um, map_seed and the observables."""
    plt = _pyplot()
    scales = sorted({r["scale_um"] for r in rows})
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for s in scales:
        values = [r["delta_HDI"] for r in rows if r["scale_um"] == s and r.get("delta_HDI") is not None]
        left.plot([s] * len(values), values, "o", color="0.6", ms=4)
    means = [np.mean([r["delta_HDI"] for r in rows if r["scale_um"] == s and r.get("delta_HDI") is not None] or [np.nan])
             for s in scales]
    sds = [np.std([r["delta_HDI"] for r in rows if r["scale_um"] == s and r.get("delta_HDI") is not None] or [np.nan])
           for s in scales]
    left.errorbar(scales, means, yerr=sds, fmt="-", color="tab:red", capsize=3, lw=1.5, label="mean +/- SD over map seeds")
    left.axhline(0, color="k", lw=0.8)
    left.set(xscale="log", xlabel="map scale (um)", ylabel="HDI polar - HDI circular", title="Delta HDI per map")
    left.legend(fontsize=8)
    for condition, color in COLORS.items():
        key = f"mean_HDI_{condition}"
        per_scale = [[r[key] for r in rows if r["scale_um"] == s and r.get(key) is not None] for s in scales]
        if not any(per_scale):
            continue
        right.errorbar(scales, [np.mean(v) if v else np.nan for v in per_scale],
                       yerr=[np.std(v) if v else np.nan for v in per_scale], fmt="-o", ms=3, color=color, capsize=3,
                       label=condition)
    right.set(xscale="log", xlabel="map scale (um)", ylabel="mean HDI", title="HDI per condition")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.minorticks_off()
        ax.set_xticks(scales)
        ax.set_xticklabels([f"{s:g}" for s in scales], fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
