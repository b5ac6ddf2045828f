"""zerlaut2018 statistics and figure curves: windowed rates, Faff(t) and the mean-field prediction."""

import numpy as np

from zoo.io import segment_window, times_ms, trains_by_population

# Windows of the README protocol [ms]: adapted baseline before the bump, the bump, after it.
README_WINDOWS = {"pre": (500.0, 800.0), "bump": (900.0, 1100.0), "post": (1200.0, 1500.0)}


def _window_rate(trains, start, stop):
    """Mean rate [Hz] of `trains` in [start, stop) ms."""
    if not trains or stop <= start:
        return None
    count = 0
    for st in trains:
        times = times_ms(st)
        count += int(np.count_nonzero((times >= start) & (times < stop)))
    return 1000.0 * count / (len(trains) * (stop - start))


def _constant_drive(p):
    return not p.Faff_table_t and p.Faff_amp == 0


def rate_observables(model, segment):
    """Rates of E and I in the README windows inside the recorded segment; with constant drive,
    the mean-field fixed point (E_meanfield_rate_hz, I_meanfield_rate_hz) instead."""
    t0, t1 = (float(t) for t in segment_window(segment))
    by_population = trains_by_population(segment)
    found = {}
    if _constant_drive(model.params):
        fixed = meanfield_fixed_point(model)
        if fixed is not None:
            found.update({f"{name}_meanfield_rate_hz": value for name, value in fixed.items()})
        return found
    for label, (start, stop) in README_WINDOWS.items():
        if start >= t0 and stop <= t1:
            for name, trains in by_population.items():
                found[f"{name}_rate_{label}_hz"] = _window_rate(trains, start, stop)
    return found


def meanfield_fixed_point(model):
    """{population: Hz} of the mean field at the constant drive Faff_base, None without a fit."""
    from .meanfield import mean_field

    mf = mean_field(model.params)
    return None if mf is None else mf.fixed_point(model.params.Faff_base)


def figure_curves(model, dt_ms=0.5):
    """Curves on the population-rate axes: Faff(t) and, with a fit, the mean field's E and I rates
    from the master equation. It starts at t = 0 with W = 0, as the network does, but on its fixed
    point without adaptation: the first-order equation has no membrane dynamics, so from nu = 0 it
    would overshoot to tens of Hz in the first 20 ms, which the network (starting at rest) does not."""
    from .meanfield import mean_field

    t = np.arange(model.warmup_ms, model.t_stop_ms + model.params.dt / 2, 1.0)
    curves = [{"label": "Faff(t)", "t_ms": t, "values": model.params.faff(t), "color": "tab:green", "linestyle": "--"}]
    mf = mean_field(model.params)
    if mf is not None:
        start = mf.fixed_point(float(model.params.faff(np.array([0.0]))[0]), adaptation=False)
        nu, _ = mf.time_course(model.params.faff, np.concatenate(([0.0], t)), dt=dt_ms, start=start)
        colors = {"E": "tab:gray", "I": "tab:orange"}
        curves += [{"label": f"mean field {name}", "t_ms": t, "values": nu[name][1:], "color": colors[name],
                    "linestyle": "-"} for name in ("E", "I")]
    return curves
