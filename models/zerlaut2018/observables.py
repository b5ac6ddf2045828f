"""zerlaut2018 statistics and figure curves: windowed rates, Faff(t) and the mean-field prediction."""

import numpy as np
import quantities as pq

# Windows of the README protocol [ms]: adapted baseline before the bump, the bump, after it.
README_WINDOWS = {"pre": (500.0, 800.0), "bump": (900.0, 1100.0), "post": (1200.0, 1500.0)}


def _window_rate(trains, start, stop):
    """Mean rate [Hz] of `trains` in [start, stop) ms."""
    if not trains or stop <= start:
        return None
    count = 0
    for st in trains:
        times = st.rescale(pq.ms).magnitude
        count += int(np.count_nonzero((times >= start) & (times < stop)))
    return 1000.0 * count / (len(trains) * (stop - start))


def rate_observables(model, segment):
    """Rates of E and I in the README windows that lie inside the recorded segment."""
    t0, t1 = float(segment.t_start.rescale(pq.ms)), float(segment.t_stop.rescale(pq.ms))
    by_population = {}
    for st in segment.spiketrains:
        by_population.setdefault(st.annotations["population"], []).append(st)
    found = {}
    if model.params.Faff_amp == 0 and not model.params.Faff_table_t:
        return found
    for label, (start, stop) in README_WINDOWS.items():
        if start >= t0 and stop <= t1:
            for name, trains in by_population.items():
                found[f"{name}_rate_{label}_hz"] = _window_rate(trains, start, stop)
    return found


def figure_curves(model):
    """Curves drawn on the population-rate axes: Faff(t) (and the mean field, when available)."""
    t = np.arange(model.warmup_ms, model.t_stop_ms + model.params.dt / 2, 1.0)
    return [{"label": "Faff(t)", "t_ms": t, "values": model.params.faff(t), "color": "tab:green", "linestyle": "--"}]
