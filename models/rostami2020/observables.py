"""Rostami-specific statistics: cluster rates and the response of stimulated clusters."""

import numpy as np

from zoo.io import segment_window, times_ms


def _rate(trains, windows):
    """Mean rate [spikes/s] of `trains` over the union of `windows` [(start, stop) in ms]."""
    total = sum(stop - start for start, stop in windows)
    if not trains or total <= 0:
        return None
    edges = np.array(windows, dtype=float).ravel()
    count = 0
    for st in trains:
        bounds = np.searchsorted(times_ms(st), edges)
        count += int(np.sum(bounds[1::2] - bounds[0::2]))
    return 1000.0 * count / (len(trains) * total)


def cluster_observables(model, segment):
    """Per-cluster E rates and stimulated vs non-stimulated E rates in and out of the stimulus."""
    p = model.params
    t0, t1 = (float(t) for t in segment_window(segment))
    excitatory = [st for st in segment.spiketrains if st.annotations["source_population"] == "E"]
    by_cluster = {}
    for st in excitatory:
        by_cluster.setdefault(int(st.annotations["cluster"]), []).append(st)
    inside = [
        (max(t0, p.warmup + a), min(t1, p.warmup + b))
        for a, b in zip(p.stim_starts, p.stim_ends)
        if p.warmup + a < t1 and p.warmup + b > t0
    ]
    edges = [t0] + [t for window in inside for t in window] + [t1]
    outside = [(a, b) for a, b in zip(edges[0::2], edges[1::2]) if b > a]
    stimulated = [st for q in p.stim_clusters for st in by_cluster.get(q, [])]
    others = [st for q, trains in by_cluster.items() if q not in p.stim_clusters for st in trains]
    return {
        "cluster_rates_E_hz": {str(q): _rate(by_cluster[q], [(t0, t1)]) for q in sorted(by_cluster)},
        "stimulus_windows_ms": [list(w) for w in inside],
        "stimulated_E_rate_in_stimulus_hz": _rate(stimulated, inside),
        "stimulated_E_rate_outside_stimulus_hz": _rate(stimulated, outside),
        "other_E_rate_in_stimulus_hz": _rate(others, inside),
        "other_E_rate_outside_stimulus_hz": _rate(others, outside),
        "cluster_rate_spread_E_hz": float(np.std([_rate(t, [(t0, t1)]) for t in by_cluster.values()])) if by_cluster else None,
    }
