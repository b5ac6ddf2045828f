"""The zoo's figures of a run: a raster and population rates, written as PNG."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import quantities as pq  # noqa: E402

from zoo.io import segment_window, spike_arrays, trains_by_population  # noqa: E402

from . import statistics  # noqa: E402

COLORS = {"E": "black", "I": "tab:red"}
_CYCLE = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def _color(name, position):
    return COLORS.get(name, _CYCLE[position % len(_CYCLE)])


def _shade(ax, windows, label="stimulus"):
    """Mark `windows` (ms), named once in the axes' legend."""
    for k, (start, stop) in enumerate(windows):
        ax.axvspan(start, stop, color="tab:blue", alpha=0.12, lw=0, label=label if k == 0 else None)


def raster(segment, path, shade=(), title=""):
    """Spike raster, populations stacked in recording order and coloured; `shade` marks windows (ms)."""
    times, populations, indices = spike_arrays(segment)
    fig, ax = plt.subplots(figsize=(10, 5), dpi=120)
    offset = 0
    for position, (name, trains) in enumerate(trains_by_population(segment).items()):
        mask = populations == name
        size = len(trains)
        ax.plot(times[mask], indices[mask] + offset, ",", color=_color(name, position), rasterized=True)
        ax.text(1.005, (offset + size / 2), name, transform=ax.get_yaxis_transform(), va="center")
        offset += size
    _shade(ax, shade)
    if shade:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    ax.set_xlim(*(float(t) for t in segment_window(segment)))
    ax.set_ylim(0, max(offset, 1))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def rates(segment, path, shade=(), group_by=None, bin_ms=50.0, title="", curves=()):
    """Population rates over time; with `group_by` (an annotation such as 'cluster') also a
    heat map of the rate of each group of the first population; bins of `bin_ms`, shorter in a window
of less than ten bins. `curves` are extra lines on the
    rate axes, dicts with 't_ms', 'values', 'label' and optional 'color' and 'linestyle' (e.g. a
    model's input rate or a theoretical prediction, in 1/s)."""
    t0, t1 = segment_window(segment)
    bin_ms = min(bin_ms, float(t1 - t0) / 10)  # at least 10 bins: a window shorter than one bin has none
    trains = trains_by_population(segment)  # one pass: per-name filtering of 41,000 trains took 5 s
    names = list(trains)
    groups = {}
    if group_by and names:
        for st in trains[names[0]]:
            groups.setdefault(st.annotations.get(group_by), []).append(st)
        groups.pop(None, None)
    rows = 2 if groups else 1
    fig, axes = plt.subplots(rows, 1, figsize=(10, 3 + 2.5 * (rows - 1)), dpi=120, sharex=True, squeeze=False)
    ax = axes[0, 0]
    for position, name in enumerate(names):
        edges, rate = statistics.population_rate(trains[name], bin_ms * pq.ms, t0, t1)
        ax.step(edges, rate, where="post", color=_color(name, position), label=f"{name} ({np.mean(rate):.2f}/s)")
    for curve in curves:
        ax.plot(curve["t_ms"], curve["values"], color=curve.get("color"), linestyle=curve.get("linestyle", "-"),
                label=curve["label"])
    _shade(ax, shade)
    ax.set_ylabel(f"rate (1/s, {bin_ms:g} ms bins)")
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(title)
    if groups:
        ax = axes[1, 0]
        keys = sorted(groups)
        image = np.array([statistics.population_rate(groups[k], bin_ms * pq.ms, t0, t1)[1] for k in keys])
        mesh = ax.imshow(
            image, aspect="auto", origin="lower", cmap="viridis", extent=(float(t0), float(t1), -0.5, len(keys) - 0.5)
        )
        # Colour bar in an inset, so that both panels keep the same width and time axis.
        fig.colorbar(mesh, cax=ax.inset_axes([1.005, 0.0, 0.012, 1.0]), label="rate (1/s)")
        ax.set_ylabel(f"{names[0]} {group_by}")
    axes[-1, 0].set_xlabel("time (ms)")
    axes[-1, 0].set_xlim(float(t0), float(t1))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(values, rows, columns, path, label="rate (1/s)", title=""):
    """Heat map of a table: `values` maps (row, column) to a number; missing cells stay blank."""
    image = np.array([[values.get((r, c), np.nan) for c in columns] for r in rows], float)
    fig, ax = plt.subplots(figsize=(1.2 + 0.55 * len(columns), 1.2 + 0.28 * len(rows)), dpi=120)
    mesh = ax.imshow(image, aspect="auto", cmap="viridis", interpolation="nearest")
    fig.colorbar(mesh, ax=ax, label=label)
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_title(title, fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def subset(segment, keep):
    """A segment holding the spike trains of `segment` whose population name satisfies `keep`."""
    import neo

    part = neo.Segment(name=segment.name)
    part.spiketrains.extend([st for st in segment.spiketrains if keep(st.annotations["source_population"])])  # a list: neo 0.14 mishandles generators
    return part


def traces(signals, path, title=""):
    """Sampled states (AnalogSignals of zoo.run.states): one panel per variable, a line per cell,
    coloured by population."""
    variables = list(dict.fromkeys(s.annotations["variable"] for s in signals))
    fig, axes = plt.subplots(len(variables), 1, figsize=(10, 2.4 * len(variables) + 0.6), dpi=120, sharex=True,
                             squeeze=False)
    populations = list(dict.fromkeys(s.annotations["source_population"] for s in signals))
    for ax, variable in zip(axes[:, 0], variables):
        for signal in (s for s in signals if s.annotations["variable"] == variable):
            name = signal.annotations["source_population"]
            color = _color(name, populations.index(name))
            times = signal.times.rescale(pq.ms).magnitude
            for channel, cell in enumerate(signal.array_annotations["source_index"]):
                ax.plot(times, signal.magnitude[:, channel], lw=0.6, color=color, alpha=0.8,
                        label=name if channel == 0 else None)
        ax.set_ylabel(f"{variable} ({_unit(signals, variable)})")
        ax.legend(loc="upper right", fontsize="small", frameon=False)
    axes[-1, 0].set_xlabel("time (ms)")
    axes[0, 0].set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _unit(signals, variable):
    return next(s.units.dimensionality.string for s in signals if s.annotations["variable"] == variable)
