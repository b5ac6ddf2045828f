"""Do NEST and Brian2 agree on fore2020's protocol statistics within the seed-to-seed spread?

    python -m zoo.models.fore2020.conditions --sim nest --seed 2 --out runs/nest-2   # etc., seeds 1..n
    python -m zoo.models.fore2020.agreement runs/nest-* runs/brian2-* [--json agreement.json]

Reads each directory's comparison.json (written by ``conditions``; it names its simulator and
seed) and pairs the runs by seed: a seed gives the same network, stimulus and tonic factors on
both backends, only the noise and the simulator differ. Per statistic:

- seed SD: the spread between seeds (network and noise), pooled over both backends;
- paired difference: NEST - Brian2 for the same seed, its mean over the seeds;
- a paired t-test on those differences tells whether an *offset* is consistent across seeds
  (p below 5 % over the 12 statistics, Bonferroni);
- verdict: *agree* when |mean paired difference| <= seed SD (switching simulator changes the
  statistic less than switching seed does); *DIFFER* when it is larger and the offset is
  significant; *inconclusive* when it is larger but not significant: the noise alone moves the
  statistic that much, and more seeds are needed to tell. A significant offset that stays within
  the seed spread is marked (a few per cent can come from the simulators' integration and spike
  timing); it is listed, not hidden.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from zoo.backends import SIMULATORS
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
BACKENDS = SIMULATORS  # (NEST, Brian2): differences are the first minus the second
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
    return runs


def compare(runs):
    """One row per statistic over the seeds both backends ran: means, seed SD, paired differences."""
    from scipy import stats

    seeds = sorted(set.intersection(*(set(runs[b]) for b in BACKENDS)))
    if len(seeds) < 2:
        raise ZooError(f"{len(seeds)} seed(s) run on both backends; the comparison needs at least 2")
    rows = []
    for key, label in STATISTICS:
        values = {b: np.array([runs[b][s][key] for s in seeds], dtype=float) for b in BACKENDS}
        spread = float(np.sqrt(np.mean([values[b].var(ddof=1) for b in BACKENDS])))
        paired = values[BACKENDS[0]] - values[BACKENDS[1]]
        mean, sd = float(paired.mean()), float(paired.std(ddof=1))
        p_offset = float(stats.ttest_1samp(paired, 0.0).pvalue) if sd > 0 else (1.0 if mean == 0 else 0.0)
        offset = p_offset < FAMILY_FALSE_ALARM / len(STATISTICS)
        rows.append({
            "statistic": key, "label": label, **{b: values[b].tolist() for b in BACKENDS},
            **{f"{b}_mean": float(values[b].mean()) for b in BACKENDS},
            "seed_sd": spread, "paired_difference_mean": mean, "paired_difference_sd": sd,
            "offset_p": p_offset, "offset": bool(offset),
            "verdict": "agree" if abs(mean) <= spread else ("DIFFER" if offset else "inconclusive"),
        })
    verdicts = {row["verdict"] for row in rows}
    overall = "DIFFER" if "DIFFER" in verdicts else ("inconclusive" if "inconclusive" in verdicts else "agree")
    return {"seeds": seeds, "rows": rows, "verdict": overall}


def markdown(result):
    lines = ["| statistic | NEST mean | Brian2 mean | seed SD | NEST - Brian2, same seed | / seed SD | offset p | |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        ratio = abs(r["paired_difference_mean"]) / r["seed_sd"] if r["seed_sd"] > 0 else float("inf")
        verdict = r["verdict"] + (" (offset)" if r["offset"] else "")
        means = " | ".join(f"{r[b + '_mean']:.4g}" for b in BACKENDS)
        lines.append(f"| {r['label']} | {means} | {r['seed_sd']:.2g} | "
                     f"{r['paired_difference_mean']:.2g} +/- {r['paired_difference_sd']:.1g} | {ratio:.2f} | "
                     f"{r['offset_p']:.2g} | {verdict} |")
    lines.append(f"\nseeds {', '.join(map(str, result['seeds']))} on both backends. " + {
        "agree": "All statistics agree within the seed spread.",
        "inconclusive": "No significant difference, but not every statistic is within the seed spread yet: run more seeds.",
        "DIFFER": "Some statistics differ by more than the seed spread, consistently across seeds.",
    }[result["verdict"]])
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m zoo.models.fore2020.agreement", description=__doc__.split("\n")[0])
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
        print(f"python -m zoo.models.fore2020.agreement: error: {err}", file=sys.stderr)
        return 2
    print(markdown(result))
    return 0 if result["verdict"] == "agree" else 1


if __name__ == "__main__":
    sys.exit(main())
