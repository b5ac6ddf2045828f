"""Many comparisons in one report: control of false discoveries, and what chance alone would flag.

A report makes dozens (rostami2020) to thousands (schmidt2018: 254 populations) of comparisons.
Judged one by one, some flag by chance even when the backends agree: at 0.26 % per comparison,
schmidt2018's 1,531 seed-null rows give 4 flags on average. The report's verdict is therefore
taken on the p-values of all its rows at once, by the Benjamini-Hochberg procedure
(:cite:`Benjamini1995`: Benjamini Y, Hochberg Y (1995) J R Stat Soc B 57:289-300): the rows
with the k smallest p-values differ, for the largest k with p_(k) <= q k / m. Where every backend
agrees, the chance of any flag is then at most q (the family-wise error); where some differ, the
expected share of false ones among the flagged rows is at most q. BH assumes independent or
positively dependent p-values (the rows of one report share runs, which makes them positively
dependent). Rows the rules cannot judge (``constant``, ``insufficient seeds``) take no part.
"""

import numpy as np

Q = 0.05
JUDGED = ("pass", "FAIL")


def benjamini_hochberg(p_values, q=Q):
    """(rejected mask, BH-adjusted p-values) of an array of p-values (NaN: never rejected)."""
    p = np.asarray(p_values, float)
    rejected = np.zeros(p.size, dtype=bool)
    adjusted = np.full(p.size, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = finite.size
    if m == 0:
        return rejected, adjusted
    order = finite[np.argsort(p[finite], kind="stable")]
    ranked = p[order]
    below = np.flatnonzero(ranked <= q * np.arange(1, m + 1) / m)
    if below.size:
        rejected[order[: below[-1] + 1]] = True
    scaled = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    adjusted[order] = np.minimum(scaled, 1.0)
    return rejected, adjusted


def adjust(results, q=Q):
    """Set each Result's `adjusted` verdict ('agree' / 'DIFFER', or its status where no rule can
    judge) and its BH-adjusted p-value (details['p_adjusted']); return the number that differ."""
    judged = [r for r in results if r.status in JUDGED]
    rejected, adjusted = benjamini_hochberg([r.p_value for r in judged], q)
    for r, differs, p_adj in zip(judged, rejected, adjusted):
        r.adjusted = "DIFFER" if differs else "agree"
        r.details["p_adjusted"] = float(p_adj)
    for r in results:
        if r.status not in JUDGED:
            r.adjusted = r.status
    return int(rejected.sum())


def expected_flags(n_rows, rate):
    """Flags expected by chance alone among `n_rows` rows judged one by one at `rate` each."""
    return n_rows * rate
