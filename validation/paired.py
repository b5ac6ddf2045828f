"""The paired rule: one network, identical input, two backends, compared seed by seed.

For a master seed both zoo backends build the identical network: connections, weights, delays,
initial state and input spikes are drawn in NumPy from the seed (zoo.seeds), and the connectivity
fingerprint of every run shows it. What differs between the two runs of one seed is how the
simulators integrate, and the chaotic divergence that follows. A difference taken within a seed
therefore leaves out the network-to-network spread that the seed-null rule (:mod:`.checks`) has
to tolerate; a backend that does something else, even slightly, shifts it in every seed.

Per row, seed k gives one paired difference d_k (backend A - backend B):

- firing rates: the mean over neurons of rate_A(i) - rate_B(i), neuron i the same cell on both;
- CV of ISIs, Fano factor, pairwise correlation: the difference of the population means (which
  neurons have enough spikes differs between runs, so they are not paired one by one);
- population-rate spectra: log10 P_A - log10 P_B in each log-spaced band, each band a test of its
  own; the row keeps the smallest p-value times the number of bands (Bonferroni within the row);
- the model's observables: scalars as they are; per-item observables (such as the rate of every
  cluster: the same cells on both backends) as the mean over items of the paired differences.

The d_k are tested against 0 with a two-sided one-sample t-test (K - 1 degrees of freedom); the
p-value goes to the report's multiplicity control (:mod:`.multiplicity`).

Where the model gives the window over which its backends keep the same spikes
(``coincident_start_ms``, measured and written in its card), one more row compares spike times
there (:mod:`.early`): per seed, the share s_k of the spikes of that window that the other
backend fires too (same neuron, within one time step). Two correct backends give s_k near 1,
as long as their trajectories have not yet diverged; a backend that integrates another model
drifts off from the first recurrent input on. The row tests whether the trajectories still
coincide, H0: mean s >= :data:`COINCIDENT_FLOOR` (most spikes shared), one-sided t-test over
seeds; where every seed gives the same share the p-value is 1 at or above the floor, 0 below. Rows equal in every run
of both backends cannot fail (status ``constant``); with fewer than :data:`MIN_SEEDS` seeds run on
both backends the status is ``insufficient seeds``. The rule needs runs of the same seeds on both
backends of the zoo: it does not apply to the original code, which draws networks of its own.
How often it raises a false alarm is measured, not assumed (:mod:`.power`).
"""

import numpy as np
from scipy import stats

from . import early
from .checks import PSD_GROUPS, Check, Result, _seed_text, _values, constant_across
from .measures import SETTINGS

RULE = "paired_t"
RULE_TEXT = ("per seed, backend A - backend B on the identical network; two-sided t-test of the per-seed "
             "differences against 0; where the model gives the window in which its backends keep the same spikes, "
             "the share of that window's spikes both fire, one-sided t-test against 1/2")
MIN_SEEDS = 3
ALPHA = 0.05  # for the row's own verdict (`passed`); the report adjusts for multiplicity
COINCIDENT_FLOOR = 0.5  # the spike-time row: trajectories that share fewer spikes have diverged
SPIKE_TIMES = "coincident_spikes"


def t_test(differences):
    """(mean, 95 % half-width, two-sided p) of a one-sample t-test of `differences` against 0."""
    d = np.asarray(differences, float)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return float("nan"), float("nan"), float("nan")
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    if sd == 0.0:  # the same difference in every seed: certain, unless it is none
        return mean, 0.0, (1.0 if mean == 0.0 else 0.0)
    se = sd / np.sqrt(d.size)
    p = float(2 * stats.t.sf(abs(mean / se), d.size - 1))
    return mean, float(stats.t.ppf(0.975, d.size - 1) * se), p


def _difference(check, a, b):
    """The paired difference(s) of one seed: a scalar, or an array (one per band) for spectra."""
    if check.kind == "spectrum":
        a, b = np.asarray(a, float), np.asarray(b, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((a > 0) & (b > 0), np.log10(a) - np.log10(b), np.nan)
    if check.kind == "scalar":
        return float(a) - float(b)
    a, b = np.asarray(a, float), np.asarray(b, float)
    if check.statistic == "rate_hz" or (not check.population and a.shape == b.shape):
        ok = np.isfinite(a) & np.isfinite(b)  # the same neurons (or items) on both backends
        return float(np.mean(a[ok] - b[ok])) if ok.any() else float("nan")
    return (float(np.nanmean(a)) if np.isfinite(a).any() else np.nan) - (float(np.nanmean(b)) if np.isfinite(b).any() else np.nan)


def _level(check, value):
    """The number a run shows for a row (its mean; the mean log10 band power for spectra)."""
    value = np.asarray(value, float)
    if check.kind == "spectrum":
        with np.errstate(divide="ignore"):
            value = np.log10(value[value > 0])
    return float(np.nanmean(value)) if np.isfinite(value).any() else float("nan")


def paired_checks(model, variant, measures_a, backends, spike_times=False):
    """The rows of the paired rule that one run's measures allow; `spike_times`: the spike-time row too."""
    checks = []
    for pop, stats_ in measures_a.distributions.items():
        for stat in stats_:
            checks.append(Check(f"paired/{stat}/{pop}", model, variant, stat, pop, RULE, backends, ("paired_t",)))
    for pop in measures_a.spectra:
        for group in PSD_GROUPS:
            checks.append(Check(f"paired/{group}/{pop}", model, variant, group, pop, RULE, backends, ("paired_t",), "spectrum"))
    for name in measures_a.observable_distributions:
        checks.append(Check(f"paired/observable/{name}", model, variant, name, "", RULE, backends, ("paired_t",)))
    for name in measures_a.scalars:
        checks.append(Check(f"paired/observable/{name}", model, variant, name, "", RULE, backends, ("paired_t",), "scalar"))
    if spike_times:
        checks.append(Check(f"paired/{SPIKE_TIMES}", model, variant, SPIKE_TIMES, "", RULE, backends, ("one_sided_t",),
                            "spike_times"))
    return checks


def shared_spikes(runs_a, runs_b, seeds):
    """The spike-time row: per seed the share of coincident spikes; (mean share, one-sided p of H0:
    mean >= floor, details)."""
    shares = {s: early.coincident_share(runs_a[s].early, runs_b[s].early) for s in seeds}
    above, half, p_two_sided = t_test([v - COINCIDENT_FLOOR for v in shares.values()])
    p = p_two_sided / 2 if above < 0 else 1 - p_two_sided / 2  # evidence only for a share below the floor
    mean = above + COINCIDENT_FLOOR
    window = next(iter(runs_a.values())).early.window_ms if runs_a else float("nan")
    details = {"per_seed_share": shares, "window_ms": window, "floor": COINCIDENT_FLOOR,
               "effect": {"share": mean, "ci95": [mean - half, mean + half], "window_ms": window}}
    return mean, p, details


def evaluate(check, runs_a, runs_b):
    """The paired rule on one row, for {seed: RunMeasures} of the two backends."""
    seeds = sorted(set(runs_a) & set(runs_b))
    name_a, name_b = check.backends
    if check.kind == "spike_times":
        mean, p, found = shared_spikes(runs_a, runs_b, seeds)
        status = ("insufficient seeds" if len(seeds) < MIN_SEEDS or not np.isfinite(p)
                  else "pass" if not (p < ALPHA) else "FAIL")
        return Result(check, {"share": mean}, COINCIDENT_FLOOR, {"alpha": ALPHA}, {name_a: len(seeds), name_b: len(seeds)},
                      f"{name_a} vs {name_b}", status != "FAIL",
                      f"paired by seed ({_seed_text(dict.fromkeys(seeds))} on both), first {found['window_ms']:g} ms",
                      {"differences": {}, **found}, status=status, p_value=p)
    objects_a = {s: _values(runs_a[s], check) for s in seeds}
    objects_b = {s: _values(runs_b[s], check) for s in seeds}
    diffs = {s: _difference(check, objects_a[s], objects_b[s]) for s in seeds}
    details = {"per_seed": {name_a: {s: _level(check, objects_a[s]) for s in seeds},
                            name_b: {s: _level(check, objects_b[s]) for s in seeds}},
               "differences": {s: (np.asarray(d).tolist() if np.ndim(d) else d) for s, d in diffs.items()}}
    if check.kind == "spectrum" and seeds:
        stacked = np.array([diffs[s] for s in seeds], float)
        tests = [t_test(stacked[:, band]) for band in range(stacked.shape[1])]
        usable = [(k, t) for k, t in enumerate(tests) if np.isfinite(t[2])]
        lo, hi = PSD_GROUPS[check.statistic]
        edges = SETTINGS["psd_bands_hz"]
        edges = [(a, b) for a, b in zip(edges[:-1], edges[1:]) if a >= lo and b <= hi]  # the row's bands, in order
        details["bands"] = [{"band_hz": list(edges[k]), "mean_log10_ratio": t[0], "half_width": t[1], "p": t[2]}
                            for k, t in usable]
        mean, half, p, band = np.nan, np.nan, np.nan, None
        if usable:  # the band that differs most clearly stands for the row
            k, (mean, half, p_min) = min(usable, key=lambda item: item[1][2])
            p, band = min(1.0, p_min * len(usable)), list(edges[k])
        details["effect"] = {"difference": mean, "ci95": [mean - half, mean + half], "unit": "log10 ratio", "band_hz": band}
    else:
        mean, half, p = t_test([diffs[s] for s in seeds])
        reference = np.nanmean([details["per_seed"][name_b][s] for s in seeds]) if seeds else np.nan
        details["effect"] = {"difference": mean, "ci95": [mean - half, mean + half],
                             "relative": mean / reference if np.isfinite(reference) and reference != 0 else np.nan}
    if len(seeds) >= 1 and constant_across(list(objects_a.values()) + list(objects_b.values())):
        status, p = "constant", float("nan")
    elif len(seeds) < MIN_SEEDS:
        status, p = "insufficient seeds", float("nan")
    else:
        status = "pass" if not (p < ALPHA) else "FAIL"
    return Result(
        check, {"mean_difference": mean}, 0.0, {"alpha": ALPHA}, {name_a: len(seeds), name_b: len(seeds)},
        f"{name_a} vs {name_b}", status != "FAIL", f"paired by seed ({_seed_text(dict.fromkeys(seeds))} on both)",
        details, status=status, p_value=p,
    )


def compare(model, variant, runs_a, runs_b, backends):
    """Every row of the paired rule for two backends' {seed: RunMeasures}; a list of Results."""
    first = next(iter(runs_a.values()))
    spike_times = all(getattr(m, "early", None) is not None for m in (*runs_a.values(), *runs_b.values()))
    return [evaluate(check, runs_a, runs_b) for check in paired_checks(model, variant, first, backends, spike_times)]
