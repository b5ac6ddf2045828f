"""Checks as data, and the rules that turn measured runs into pass/fail.

A :class:`Check` names what is compared; evaluating it gives a :class:`Result`. Two kinds:

**Backend vs backend** (rule ``seed_null_p95``). For every statistic and population, a distance
``d(run, run)`` is computed between runs: Kolmogorov-Smirnov (``ks``) and earth mover's distance
(``emd``, in the statistic's unit) for per-neuron distributions; mean absolute difference of
log10 band power (``log_psd``) for spectra, separately for slow (1-16 Hz: cluster switching)
and fast bands (16-256 Hz: the E-I loop, where delays show); absolute difference (``abs_diff``)
for scalar observables. Then

- null distances: every pair of different seeds *within* each backend (K seeds: 2 x K(K-1)/2);
- cross distances: every (seed i of backend A, seed j of backend B) with i != j, K(K-1) of them
  (i = j is left out: both backends get the identical network for a seed, which would make
  cross pairs look closer than the within-backend pairs they are judged against);
- the comparison **passes when the median cross distance is at most the 95th percentile of the
  null distances** (linear interpolation), i.e. the backends differ by no more than seeds of one
  backend differ among themselves.

A statistic/population row passes when all its distances pass. Under the null hypothesis (both
backends draw runs from the same distribution) the median of the cross distances behaves like the
median of the null distances, so a false alarm needs the typical cross distance to exceed almost
all null distances; its rate is measured, not assumed (:mod:`validation.power`, README).
The effect size of the mean (difference of per-seed means, 95 % t interval, and Hedges' g in units
of the seed-to-seed standard deviation) is reported beside each row but does not decide it.

Each row also gets a p-value, for the report's multiplicity control (:mod:`validation.multiplicity`):
per distance the rank of the median cross distance among the null distances,
p = (1 + #{null >= median cross}) / (1 + #null), which is conservative (a median of many cross
distances exceeds a given null distance less often than a single cross distance would) and cannot
go below 1 / (1 + #null) (0.048 with 5 seeds per backend); and Welch's t-test on the per-seed
means, which can, where the means differ by much more than the seed-to-seed spread. The row's
p-value is the smallest of these times their number (Bonferroni within the row). Rows whose
value is the same in every run of both backends (a number computed from the parameters alone) cannot
fail: their status is ``constant`` and they count neither as agreement nor as difference. With fewer
than :data:`MIN_NULL_PAIRS` null distances (5 seeds per backend) a 95th percentile cannot be placed:
the status is ``insufficient seeds``.

**Against reference values** (rule ``reference_spread``, :mod:`zoo.references`): the mean
over a backend's seeds must lie within 2 x spread of the reference value (spread: the reference's
seed-to-seed standard deviation, or the stated allowance for a published number).
"""

import dataclasses
import itertools

import numpy as np
from scipy import stats

from zoo import references
from .measures import DISTRIBUTIONS, SETTINGS

NULL_QUANTILE = 95.0
MIN_NULL_PAIRS = 20  # 1 / (1 - 0.95): fewer null distances than this cannot place a 95th percentile
RULE = "seed_null_p95"
RULE_TEXT = ("median cross-backend distance <= 95th percentile of within-backend seed-pair distances; p-value: the "
             "smallest of the distances' rank p-values and Welch's t-test on per-seed means, times their number")
# Spectra are compared in two band groups, [lo, hi) Hz, over the bands of measures.SETTINGS["psd_bands_hz"].
PSD_GROUPS = {"psd_slow": (1.0, 16.0), "psd_fast": (16.0, 256.0)}


# --- distances between two runs ---------------------------------------------------------------
def ks_distance(a, b):
    """Two-sample Kolmogorov-Smirnov statistic (sup |F_a - F_b|, as scipy.stats.ks_2samp gives it,
    without its per-call overhead: power studies take millions); 0 when both are empty, 1 when only one is."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    if a.size == 0 or b.size == 0:
        return 0.0 if a.size == b.size else 1.0
    points = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, points, side="right") / a.size
                               - np.searchsorted(b, points, side="right") / b.size)))


def emd_distance(a, b):
    """Earth mover's (Wasserstein-1) distance between the two samples, in their unit."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size == 0 or b.size == 0:
        return 0.0 if a.size == b.size else np.inf
    return float(stats.wasserstein_distance(a, b))


def log_psd_distance(a, b):
    """Mean |log10 Pa - log10 Pb| over the bands where both spectra have power (decades)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if not ok.any():
        return 0.0 if not (np.isfinite(a) & (a > 0)).any() and not (np.isfinite(b) & (b > 0)).any() else np.inf
    return float(np.mean(np.abs(np.log10(a[ok]) - np.log10(b[ok]))))


def abs_difference(a, b):
    if np.isnan(a) and np.isnan(b):
        return 0.0
    if np.isnan(a) or np.isnan(b):
        return np.inf
    return float(abs(a - b))


DISTANCES = {"ks": ks_distance, "emd": emd_distance, "log_psd": log_psd_distance, "abs_diff": abs_difference}


# --- checks and results -----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Check:
    """What is compared. `statistic` is a measure name; `population` is '' for model observables."""

    id: str
    model: str
    variant: str
    statistic: str
    population: str
    tolerance_rule: str
    backends: tuple
    distances: tuple = ()
    kind: str = "distribution"  # distribution | spectrum | scalar | reference


STATUSES = ("pass", "FAIL", "constant", "insufficient seeds")


@dataclasses.dataclass
class Result:
    """A check evaluated. For comparisons: value = median cross distance per distance name,
    tolerance = threshold per distance name; for references: the seed mean and 2 x spread.

    `passed` is the rule's own verdict on this row alone; `status` is one of :data:`STATUSES`
    (``constant``, ``insufficient seeds``: the rule cannot judge); `p_value` feeds the report's
    multiplicity control, which sets `adjusted` (``agree`` or ``DIFFER``, or the status where
    the rule cannot judge)."""

    check: Check
    value: dict
    target: object
    tolerance: dict
    n_seeds: dict
    backend: str
    passed: bool
    source: str
    details: dict = dataclasses.field(default_factory=dict)
    status: str = ""
    p_value: float = float("nan")
    adjusted: str = ""

    def as_dict(self):
        return {**dataclasses.asdict(self.check), **{k: v for k, v in dataclasses.asdict(self).items() if k != "check"}}


def _values(measures, check):
    """The per-run object a check's distances apply to."""
    if check.kind == "distribution":
        if check.population:
            return measures.distributions.get(check.population, {}).get(check.statistic, np.array([]))
        return measures.observable_distributions.get(check.statistic, np.array([]))
    if check.kind == "spectrum":
        bands = measures.spectra.get(check.population, {}).get("bands", np.array([]))
        lo, hi = PSD_GROUPS[check.statistic]
        edges = np.asarray(SETTINGS["psd_bands_hz"])
        keep = (edges[:-1] >= lo) & (edges[1:] <= hi)
        return np.asarray(bands)[keep[: len(bands)]] if len(bands) else bands
    return measures.scalars.get(check.statistic, np.nan)


def _summary_value(obj):
    """The number a run contributes to the 'value per backend' column: a distribution's mean."""
    if np.isscalar(obj):
        return float(obj)
    obj = np.asarray(obj, float)
    return float(np.nanmean(obj)) if np.isfinite(obj).any() else np.nan


def seed_null(group_a, group_b, distance, cache=None, same_networks=True, pools=("", "")):
    """(cross distances, null distances) of two {seed: value} groups under the rule above.

    `cache` ({(seed, seed): distance}) is only for groups drawn from one pool of runs, where a
    seed names the same run in both groups (splits of one backend's runs): the distances are
    symmetric, so each pair of seeds is computed once however many splits use it.
    `same_networks`: a seed gives the same network in both groups (two zoo backends), so pairs of
    equal seeds are left out of the cross distances; False for groups whose seeds are unrelated
    (the zoo against the original code), where every pair counts. `pools`: the names of the pools
    the two groups come from, for the cache (equal names: one pool, as above; different names:
    groups drawn from two pools of runs, e.g. splits of seed pairs of two backends).
    """
    def d(pool_i, i, x, pool_j, j, y):
        if cache is None:
            return distance(x, y)
        key = min((pool_i, i), (pool_j, j)), max((pool_i, i), (pool_j, j))
        if key not in cache:
            cache[key] = distance(x, y)
        return cache[key]

    null = [d(pool, i, x, pool, j, y) for pool, group in zip(pools, (group_a, group_b))
            for (i, x), (j, y) in itertools.combinations(sorted(group.items()), 2)]
    cross = [d(pools[0], i, x, pools[1], j, y) for i, x in sorted(group_a.items()) for j, y in sorted(group_b.items())
             if i != j or not same_networks]
    return np.array(cross, float), np.array(null, float)


def rank_p_value(median_cross, null):
    """(1 + #{null >= median cross}) / (1 + #null): the conservative p-value of one distance."""
    null = np.asarray(null, float)
    if not np.isfinite(median_cross) or null.size == 0:
        return float("nan") if null.size == 0 else (1.0 / (1 + null.size) if median_cross > 0 else 1.0)
    return float((1 + np.sum(null >= median_cross)) / (1 + null.size))


def welch_p(a, b):
    """Two-sided p-value of Welch's t-test on two samples of per-seed values (NaN with < 2 each)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size < 2 or b.size < 2:
        return float("nan")
    if a.var() == 0 and b.var() == 0:
        return 1.0 if a.mean() == b.mean() else 0.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def constant_across(objects):
    """True when every run's value is the same (NaN equal to NaN): a number from the parameters alone."""
    values = [np.atleast_1d(np.asarray(v, float)) for v in objects]
    return bool(values) and all(v.shape == values[0].shape and np.array_equal(v, values[0], equal_nan=True) for v in values)


def judge(cross, null, quantile=NULL_QUANTILE):
    """(median cross, threshold, passed) for arrays of cross and null distances."""
    if cross.size == 0 or null.size == 0:
        return np.nan, np.nan, False
    threshold = float(np.percentile(null, quantile)) if np.all(np.isfinite(null)) else float(np.max(null))
    median = float(np.median(cross))
    return median, threshold, bool(median <= threshold)


def effect_size(a, b, paired):
    """Difference of per-seed means (a - b) with a 95 % t interval, and Hedges' g."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    out = {"difference": np.nan, "ci95": [np.nan, np.nan], "hedges_g": np.nan, "paired": paired}
    if a.size < 2 or b.size < 2:
        return out
    if paired and a.size == b.size:
        d = a - b
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
        diff = d.mean()
    else:
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else a.size + b.size - 2
        diff, half = a.mean() - b.mean(), stats.t.ppf(0.975, df) * se
    pooled = np.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
    correction = 1 - 3 / (4 * (a.size + b.size) - 9)
    g = diff / pooled * correction if pooled > 0 else (0.0 if diff == 0 else np.inf * np.sign(diff))
    return {"difference": float(diff), "ci95": [float(diff - half), float(diff + half)], "hedges_g": float(g), "paired": paired}


def comparison_checks(model, variant, measures_a, backends):
    """The comparison checks that one run's measures allow (every run of a model has the same)."""
    checks = []
    for pop, stats_ in measures_a.distributions.items():
        for stat in DISTRIBUTIONS:
            if stat in stats_:
                checks.append(Check(f"{stat}/{pop}", model, variant, stat, pop, RULE, backends, ("ks", "emd")))
    for pop in measures_a.spectra:
        for group in PSD_GROUPS:
            checks.append(Check(f"{group}/{pop}", model, variant, group, pop, RULE, backends, ("log_psd",), "spectrum"))
    for name in measures_a.observable_distributions:
        checks.append(Check(f"observable/{name}", model, variant, name, "", RULE, backends, ("ks", "emd")))
    for name in measures_a.scalars:
        checks.append(Check(f"observable/{name}", model, variant, name, "", RULE, backends, ("abs_diff",), "scalar"))
    return checks


def evaluate_comparison(check, runs_a, runs_b, pool_cache=None, same_networks=True, pools=("", "")):
    """Evaluate `check` on {seed: RunMeasures} of the two backends (labels in check.backends).

    `pool_cache` (a dict kept by the caller) reuses seed-pair distances when the groups are drawn
    from pools of runs named by `pools` (see :func:`seed_null`); `same_networks` as there.
    """
    objects_a = {seed: _values(m, check) for seed, m in runs_a.items()}
    objects_b = {seed: _values(m, check) for seed, m in runs_b.items()}
    values, thresholds, details, passed, p_values = {}, {}, {"distances": {}}, True, []
    n_null = 0
    for name in check.distances:
        cache = None if pool_cache is None else pool_cache.setdefault((check.id, name), {})
        cross, null = seed_null(objects_a, objects_b, DISTANCES[name], cache, same_networks, pools)
        median, threshold, ok = judge(cross, null)
        values[name], thresholds[name] = median, threshold
        p = rank_p_value(median, null)
        details["distances"][name] = {"cross": cross.tolist(), "null": null.tolist(), "passed": ok, "p_value": p}
        passed &= ok
        p_values.append(p)
        n_null = null.size
    per_seed_a = {seed: _summary_value(v) for seed, v in objects_a.items()}
    per_seed_b = {seed: _summary_value(v) for seed, v in objects_b.items()}
    details["per_seed"] = {check.backends[0]: per_seed_a, check.backends[1]: per_seed_b}
    log = check.kind == "spectrum"  # band powers are compared as log10, as the distance does
    details["welch_p"] = welch_p(*[[np.log10(v) if log and v > 0 else (np.nan if log else v) for v in group.values()]
                                   for group in (per_seed_a, per_seed_b)])
    p_values.append(details["welch_p"])
    if check.kind != "spectrum":
        paired = sorted(runs_a) == sorted(runs_b)
        details["effect"] = effect_size(
            [per_seed_a[s] for s in sorted(per_seed_a)], [per_seed_b[s] for s in sorted(per_seed_b)], paired
        )
    name_a, name_b = check.backends
    seeds = f"seeds {_seed_text(runs_a)} and {_seed_text(runs_b)}"
    if constant_across(list(objects_a.values()) + list(objects_b.values())):
        status = "constant"
    elif n_null < MIN_NULL_PAIRS:
        status = "insufficient seeds"
    else:
        status = "pass" if passed else "FAIL"
    finite = [p for p in p_values if np.isfinite(p)]
    p_row = min(1.0, len(finite) * min(finite)) if finite and status in ("pass", "FAIL") else float("nan")
    return Result(
        check, values, None, thresholds, {name_a: len(runs_a), name_b: len(runs_b)}, f"{name_a} vs {name_b}",
        bool(passed), f"seed-to-seed spread within {name_a} and within {name_b} ({seeds})", details,
        status=status, p_value=p_row,
    )


def seeds_needed(quantile=NULL_QUANTILE):
    """Seeds per backend for at least 1 / (1 - quantile) null distances (5 for the 95th percentile)."""
    k = 2
    while k * (k - 1) < int(np.ceil(1.0 / (1.0 - quantile / 100.0) - 1e-9)):
        k += 1
    return k


def _seed_text(runs):
    seeds = sorted(runs)
    if seeds and seeds == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2:
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def compare(model, variant, runs_a, runs_b, backends, pool_cache=None, same_networks=True, pools=("", "")):
    """Every comparison check of two groups of runs ({seed: RunMeasures}); a list of Results.
    Checks are those the first group's runs allow (the original code may measure fewer)."""
    first = next(iter(runs_a.values()))
    return [evaluate_comparison(check, runs_a, runs_b, pool_cache, same_networks, pools)
            for check in comparison_checks(model, variant, first, backends)]


def _reference_value(summary, ref):
    """A run's value for a reference: a population statistic, else the model observable
    population_statistic (as zoo.references.check reads it, e.g. network_mean_rate_hz)."""
    value = summary["populations"].get(ref.population, {}).get(ref.statistic)
    if value is None:
        value = summary.get("observables", {}).get(f"{ref.population}_{ref.statistic}")
    return value


def reference_results(model, variant, package, runs_by_backend, kinds=None):
    """Each reference value of `variant` (of the given `kinds`, default all) checked on the seed mean
    of every backend."""
    results = []
    for ref in references.load(package):
        if ref.variant != variant or (kinds is not None and ref.kind not in kinds):
            continue
        check = Check(f"reference/{ref.statistic}/{ref.population}", model, variant, ref.statistic, ref.population,
                      "reference_spread", tuple(runs_by_backend), kind="reference")
        for backend, runs in runs_by_backend.items():
            per_seed = {seed: _reference_value(m.summary, ref) for seed, m in runs.items()}
            values = [v for v in per_seed.values() if v is not None]
            mean = float(np.mean(values)) if values else None
            tolerance = references.TOLERANCE_SPREADS * ref.spread
            passed = mean is not None and abs(mean - ref.value) <= tolerance
            single = sum(v is not None and abs(v - ref.value) <= tolerance for v in per_seed.values())
            results.append(Result(
                check, {"mean": mean}, ref.value, {"abs": tolerance}, {backend: len(values)}, backend, bool(passed),
                ref.source,
                {"per_seed": per_seed, "single_runs_within": int(single), "kind": ref.kind, "unit": ref.unit,
                 "spread": ref.spread, "n": ref.n, "note": ref.note,
                 "rule": f"|mean over seeds - value| <= {references.TOLERANCE_SPREADS:g} * spread"},
                status="pass" if passed else "FAIL",
            ))
    return results
