"""Do NEST and Brian2 agree on fore2020's protocol statistics within the seed-to-seed spread?

    python -m models.fore2020.conditions --sim nest --seed 2 --out runs/nest-2   # etc., seeds 1..n
    python -m models.fore2020.agreement runs/nest-* runs/brian2-* [--json agreement.json]

Reads each directory's comparison.json (written by ``conditions``; it names its simulator and
seed) and, per statistic, compares the backends' means over their seeds with the spread between
seeds: they agree when |mean_NEST - mean_Brian2| <= t s sqrt(2 / n), s being the seed-to-seed SD
pooled over both backends, n the seeds per backend and t Student's quantile for 2n - 2 degrees of
freedom at a 5 % family-wise false-alarm rate over the 12 statistics (Bonferroni). Few seeds make
the bound wide: it says the backends differ by no more than seeds do, not that they are equal.
A seed gives the same network and stimulus on both backends, so the paired difference (same
seed, NEST - Brian2) is listed as well: it isolates the simulators and the noise.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from zoo.errors import ZooError

STATISTICS = (
    ("control_GoC_rate_hz", "GoC rate, control (Hz)"),
    ("gabazine_GoC_rate_hz", "GoC rate, GABAzine (Hz)"),
    ("muscarine_GoC_rate_hz", "GoC rate, muscarine (Hz)"),
    ("control_GrC_rate_hz", "GrC mean rate, control (Hz)"),
    ("gabazine_GrC_rate_hz", "GrC mean rate, GABAzine (Hz)"),
    ("muscarine_GrC_rate_hz", "GrC mean rate, muscarine (Hz)"),
    ("control_mean_peak_probability_active_input", "mean peak P, control"),
    ("gabazine_mean_peak_probability_active_input", "mean peak P, GABAzine"),
    ("muscarine_mean_peak_probability_active_input", "mean peak P, muscarine"),
    ("gabazine_control_mean_peak_ratio", "GABAzine/control mean-peak ratio"),
    ("muscarine_increase", "increase cells, muscarine"),
    ("muscarine_decrease", "decrease cells, muscarine"),
)
BACKENDS = ("nest", "brian2")
FAMILY_FALSE_ALARM = 0.05


def load(directories):
    """{simulator: {seed: comparison dict}} from conditions output directories."""
    runs = {name: {} for name in BACKENDS}
    for directory in directories:
        path = Path(directory) / "comparison.json"
        try:
            summary = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise ZooError(f"cannot read {path} ({err.__class__.__name__}); run models.fore2020.conditions first")
        simulator, seed = summary.get("simulator"), summary.get("seed")
        if simulator not in runs:
            raise ZooError(f"{path} names simulator {simulator!r}, expected one of {', '.join(BACKENDS)}")
        if seed in runs[simulator]:
            raise ZooError(f"two {simulator} runs with seed {seed}: {path} and another")
        runs[simulator][seed] = summary
    for simulator, by_seed in runs.items():
        if len(by_seed) < 2:
            raise ZooError(f"{len(by_seed)} {simulator} run(s) given; the seed spread needs at least 2 per backend")
    return runs


def compare(runs):
    """One row per statistic: per-backend values by seed, means, pooled seed SD, bound, verdict."""
    from scipy import stats

    n = min(len(by_seed) for by_seed in runs.values())
    t = float(stats.t.ppf(1 - FAMILY_FALSE_ALARM / (2 * len(STATISTICS)), 2 * n - 2))
    paired_seeds = sorted(set(runs["nest"]) & set(runs["brian2"]))
    rows = []
    for key, label in STATISTICS:
        values = {b: np.array([runs[b][s][key] for s in sorted(runs[b])], dtype=float) for b in BACKENDS}
        spread = float(np.sqrt(np.mean([values[b].var(ddof=1) for b in BACKENDS])))
        difference = float(values["nest"].mean() - values["brian2"].mean())
        bound = t * spread * np.sqrt(2 / n)
        paired = [runs["nest"][s][key] - runs["brian2"][s][key] for s in paired_seeds]
        rows.append({
            "statistic": key, "label": label,
            "nest": values["nest"].tolist(), "brian2": values["brian2"].tolist(),
            "nest_mean": float(values["nest"].mean()), "brian2_mean": float(values["brian2"].mean()),
            "seed_sd": spread, "difference": difference, "bound": float(bound),
            "paired_difference_mean": float(np.mean(paired)) if paired else None,
            "paired_difference_sd": float(np.std(paired, ddof=1)) if len(paired) > 1 else None,
            "agree": bool(abs(difference) <= bound),
        })
    return {"seeds": {b: sorted(runs[b]) for b in BACKENDS}, "t_quantile": t, "rows": rows,
            "all_agree": all(row["agree"] for row in rows)}


def markdown(result):
    lines = ["| statistic | NEST mean | Brian2 mean | seed SD | NEST - Brian2 | bound | paired diff (mean +/- SD) | |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        paired = "-" if r["paired_difference_mean"] is None else (
            f"{r['paired_difference_mean']:.4g}" + ("" if r["paired_difference_sd"] is None
                                                   else f" +/- {r['paired_difference_sd']:.2g}"))
        lines.append(f"| {r['label']} | {r['nest_mean']:.4g} | {r['brian2_mean']:.4g} | {r['seed_sd']:.2g} | "
                     f"{r['difference']:.3g} | {r['bound']:.2g} | {paired} | {'agree' if r['agree'] else 'DIFFER'} |")
    seeds = "; ".join(f"{b}: {', '.join(map(str, s))}" for b, s in result["seeds"].items())
    lines.append(f"\nseeds {seeds}; bound = {result['t_quantile']:.2f} x seed SD x sqrt(2/n). " + ("All statistics agree within the seed spread." if result["all_agree"]
                                         else "Some statistics differ by more than the seed spread allows."))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m models.fore2020.agreement", description=__doc__.split("\n")[0])
    parser.add_argument("directories", nargs="+", help="output directories of models.fore2020.conditions")
    parser.add_argument("--json", help="also write the table as JSON to this file (not overwritten)")
    args = parser.parse_args(argv)
    try:
        result = compare(load(args.directories))
        if args.json:
            target = Path(args.json)
            if target.exists():
                raise ZooError(f"{target} exists; choose another --json file")
            target.write_text(json.dumps(result, indent=2))
    except ZooError as err:
        print(f"python -m models.fore2020.agreement: error: {err}", file=sys.stderr)
        return 2
    print(markdown(result))
    return 0 if result["all_agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
