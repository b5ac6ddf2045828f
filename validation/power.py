"""Power and false alarms of the backend comparison, measured with injected faults and fresh seeds.

    python -m zoo.validation.power rostami2020 --sims nest brian2 --seeds 5 [--variant V] [--json FILE]

Two verdicts are measured side by side: the seed-to-seed rule alone, row by row, as reports judged
before (**before**: a report fails when any row is flagged), and the report's verdict now (**after**:
the seed-to-seed and the paired rule, every row's p-value under false-discovery-rate control,
:mod:`validation.multiplicity`; a report fails when any row differs).

- **Detection**: each fault of :func:`validation.faults.default_faults` is injected into the first
  simulator (seeds 1..K) and compared with the unmodified second simulator (seeds 1..K).
- **False alarm, fresh seeds** (before): the first simulator with seeds K+1..2K against the second
  with seeds 1..K.
- **False alarm, seed splits of one backend** (before): the 2K unmodified runs of the first
  simulator split into two groups of K in every way (at most `max_splits`, drawn at random) and
  compared with each other; the share of splits with at least one failing comparison estimates the
  report-level false-alarm rate, the mean share of failing comparisons the per-comparison rate.
  A split of one backend has no seed pairs, so the paired rule cannot be measured this way.
- **False alarm, splits of seed pairs** (before and after): both unmodified simulators with seeds
  1..2K; every choice of K of the 2K seeds (at most `max_splits`) makes a report of the first
  against the second simulator on those seeds, as a report with other seeds would be. If the two
  backends truly agree, every report that fails is a false alarm; if they differ slightly, these
  are detections of that difference, which the per-row effects then show.

Splits reuse runs, so they are not independent trials: read the rates as estimates with that caveat.
"""

import itertools
import json
import sys
from pathlib import Path

import numpy as np

from zoo.backends import SIMULATORS
from zoo.errors import OneLineParser, ZooError

from . import arms, behaviour, checks, early, faults, measures, multiplicity, paired, runs
from .options import configure
from .runs import RunSpec


def _measured(template, sim, seeds, fault, root, jobs, force, say):
    arm = arms.parse(sim)  # 'nest', or a split such as 'nest@2x1'
    specs = [RunSpec(**template, simulator=arm.simulator, seed=s, ranks=arm.ranks, threads=arm.threads,
                     fault=runs.frozen(fault.as_dict()) if fault else ()) for s in seeds]
    outcomes = runs.ensure_runs(specs, root, jobs, force, report=say, behaviour=_FINGERPRINTS)
    measured = measures.measure_all({spec: o.path for spec, o in outcomes.items()}, jobs)
    early.attach(specs[0].create_model(faulted=False), measured, root, jobs, force, say, _FINGERPRINTS)
    return {spec.seed: measured[spec] for spec in specs}


_FINGERPRINTS = behaviour.Fingerprints()  # one set of short runs per process


def _failed(results):
    return [r.check.id for r in results if r.status == "FAIL"]


def split_false_alarm(runs_by_seed, k, model="", variant="", max_splits=200, rng_seed=1):
    """Report-level and per-comparison false-alarm rates from splits of one backend's runs."""
    seeds = sorted(runs_by_seed)
    if len(seeds) < 2 * k:
        raise ValueError(f"need at least {2 * k} runs for splits into two groups of {k}, got {len(seeds)}")
    splits = [c for c in itertools.combinations(seeds, k) if seeds[0] in c]  # each split once, not also mirrored
    if len(seeds) > 2 * k:
        splits = list(itertools.combinations(seeds, k))
    rng = np.random.default_rng(rng_seed)
    if len(splits) > max_splits:
        splits = [splits[i] for i in rng.choice(len(splits), max_splits, replace=False)]
    any_fail, shares, per_check, distances = 0, [], {}, {}
    for group in splits:
        rest = [s for s in seeds if s not in group][:k]
        a = {s: runs_by_seed[s] for s in group}
        b = {s: runs_by_seed[s] for s in rest}
        results = checks.compare(model, variant, a, b, ("A", "B"), pool_cache=distances)
        failed = _failed(results)
        any_fail += bool(failed)
        shares.append(len(failed) / len(results))
        for r in results:
            per_check[r.check.id] = per_check.get(r.check.id, 0) + (not r.passed)
    n = len(splits)
    return {"splits": n, "report_false_alarm_rate": any_fail / n, "comparison_false_alarm_rate": float(np.mean(shares)),
            "per_check": {key: count / n for key, count in per_check.items()}}


def judged(model, runs_a, runs_b, labels, pool_cache=None, pools=("", "")):
    """Both rules on two groups of runs with the same seeds (one network per seed), adjusted for
    multiplicity as a report is: (seed-null Results, every Result)."""
    seed_null = checks.compare(model.name, model.variant_name, runs_a, runs_b, labels, pool_cache, pools=pools)
    rows = seed_null + paired.compare(model.name, model.variant_name, runs_a, runs_b, labels)
    multiplicity.adjust(rows)
    return seed_null, rows


def pair_split_false_alarm(runs_a, runs_b, k, model, max_splits=200, rng_seed=1):
    """Reports of K seed pairs drawn from 2K seeds run on both backends: the share of reports that
    fail before (a seed-null row flagged) and after (a row differs after FDR control)."""
    seeds = sorted(set(runs_a) & set(runs_b))
    if len(seeds) < 2 * k:
        raise ValueError(f"need {2 * k} seeds run on both backends, got {len(seeds)}")
    splits = list(itertools.combinations(seeds, k))
    if len(splits) > max_splits:
        chosen = np.random.default_rng(rng_seed).choice(len(splits), max_splits, replace=False)
        splits = [splits[i] for i in sorted(chosen)]
    cache, before, after, flagged_rows, differ_rows, per_row = {}, 0, 0, [], [], {}
    for group in splits:
        a = {s: runs_a[s] for s in group}
        b = {s: runs_b[s] for s in group}
        seed_null, rows = judged(model, a, b, ("A", "B"), cache, pools=("A", "B"))
        before += any(r.status == "FAIL" for r in seed_null)
        after += any(r.adjusted == "DIFFER" for r in rows)
        flagged_rows.append(sum(r.status == "FAIL" for r in seed_null) / len(seed_null))
        differ_rows.append(sum(r.adjusted == "DIFFER" for r in rows) / len(rows))
        for r in rows:
            per_row[r.check.id] = per_row.get(r.check.id, 0) + (r.adjusted == "DIFFER")
    n = len(splits)
    return {"splits": n, "seeds": seeds, "report_false_alarm_rate_before": before / n,
            "comparison_false_alarm_rate_before": float(np.mean(flagged_rows)),
            "report_false_alarm_rate_after": after / n, "comparison_false_alarm_rate_after": float(np.mean(differ_rows)),
            "per_row_after": {key: value / n for key, value in per_row.items() if value}}


def measure_power(model, template, sims, k, root, jobs, all_faults, force=False, max_splits=200, say=print, pair_splits=True):
    """Detection of each Fault in `all_faults` and false-alarm rates (see the module docstring), JSON-ready."""
    first, second = sims
    base = list(range(1, k + 1))
    fresh = list(range(k + 1, 2 * k + 1))
    say(f"reference runs: {second} seeds {base[0]}-{base[-1]}")
    reference = _measured(template, second, base, None, root, jobs, force, say)
    detection = []
    for fault in all_faults:
        say(f"fault {fault.name}: {first} seeds {base[0]}-{base[-1]}")
        faulty = _measured(template, first, base, fault, root, jobs, force, say)
        seed_null, rows = judged(model, faulty, reference, (f"{first}+{fault.name}", second))
        failed = _failed(seed_null)
        differ = [r.check.id for r in rows if r.adjusted == "DIFFER"]
        detection.append({"fault": fault.name, "description": fault.description, "detected": bool(failed),
                          "failed": failed, "comparisons": len(seed_null), "detected_adjusted": bool(differ),
                          "differ": differ, "comparisons_adjusted": len(rows)})
    say(f"fresh seeds: {first} seeds {fresh[0]}-{fresh[-1]}")
    fresh_runs = _measured(template, first, fresh, None, root, jobs, force, say)
    results = checks.compare(model.name, model.variant_name, fresh_runs, reference, (f"{first} (fresh seeds)", second))
    rerun = {"first": first, "seeds_first": fresh, "second": second, "seeds_second": base, "failed": _failed(results),
             "comparisons": len(results), "false_alarm": bool(_failed(results))}
    own = _measured(template, first, base, None, root, jobs, force, say)
    splits = split_false_alarm({**own, **fresh_runs}, k, model.name, model.variant_name, max_splits)
    pairs = None
    if pair_splits and first != second:
        say(f"seed pairs: {second} seeds {fresh[0]}-{fresh[-1]}")
        second_fresh = _measured(template, second, fresh, None, root, jobs, force, say)
        pairs = pair_split_false_alarm({**own, **fresh_runs}, {**reference, **second_fresh}, k, model, max_splits)
    detected = sum(d["detected"] for d in detection)
    summary = {
        "model": model.name, "variant": model.variant_name, "sims": list(sims), "seeds": k,
        "duration_ms": model.duration_ms, "rule": checks.RULE_TEXT, "paired_rule": paired.RULE_TEXT,
        "multiplicity": f"Benjamini-Hochberg, q = {multiplicity.Q:g}",
        "detection": detection, "detection_rate": detected / len(detection) if detection else None,
        "detection_rate_adjusted": (sum(d["detected_adjusted"] for d in detection) / len(detection)) if detection else None,
        "fresh_seeds": rerun, "splits": splits, "pair_splits": pairs,
        "behaviour": _FINGERPRINTS.of(RunSpec(**template, simulator=arms.parse(second).simulator, seed=1).create_model())["sha256"],
    }
    summary["text"] = describe(summary)
    return summary


def describe(power):
    """One paragraph for reports and READMEs."""
    d = power["detection"]
    s, fresh, pairs = power["splits"], power["fresh_seeds"], power.get("pair_splits")

    def listed(names):
        return f" ({', '.join(names)})" if names else ""

    before = [x["fault"] for x in d if x["detected"]]
    text = (
        f"Measured on {power['model']} ({power['variant']}, {power['duration_ms']:g} ms recorded, K = {power['seeds']} seeds). "
        f"Before (seed-to-seed rule alone, any row flagged): {len(before)} of {len(d)} injected faults detected{listed(before)}"
        + f"; fresh seeds ({fresh['first']} seeds {fresh['seeds_first'][0]}-{fresh['seeds_first'][-1]} vs {fresh['second']} "
        f"seeds {fresh['seeds_second'][0]}-{fresh['seeds_second'][-1]}): "
        + ("no comparison failed" if not fresh["failed"] else f"{len(fresh['failed'])} of {fresh['comparisons']} failed")
        + f"; seed splits of {power['sims'][0]} ({s['splits']} splits into two groups of {power['seeds']}): "
        f"{100 * s['report_false_alarm_rate']:.1f} % of splits had at least one failing comparison, "
        f"{100 * s['comparison_false_alarm_rate']:.2f} % of comparisons failed."
    )
    if d and "detected_adjusted" in d[0]:
        after = [x["fault"] for x in d if x["detected_adjusted"]]
        text += (f" After (seed-to-seed and paired rules, false-discovery-rate control): {len(after)} of {len(d)} "
                 f"faults detected{listed(after)}")
        if pairs:
            text += (f"; {pairs['splits']} reports of {power['seeds']} seed pairs drawn from seeds {pairs['seeds'][0]}-"
                     f"{pairs['seeds'][-1]} of both unmodified backends: {100 * pairs['report_false_alarm_rate_after']:.1f} % "
                     f"differ (before: {100 * pairs['report_false_alarm_rate_before']:.1f} % had a flagged row).")
        else:
            text += "."
    return text


def main(argv=None):
    p = OneLineParser(prog="python -m zoo.validation.power", description="Detection and false-alarm rates of the backend comparison.")
    p.add_argument("model")
    p.add_argument("--sims", nargs=2, default=list(SIMULATORS), metavar="ARM", help=f"the two arms, each {arms.SYNTAX}")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--variant")
    p.add_argument("--duration", type=float)
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--runs", help="where runs are kept and reused (default: as python -m zoo.validation)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--faults", nargs="*", help="fault names (default: all of --list-faults)")
    p.add_argument("--max-splits", type=int, default=200)
    p.add_argument("--no-pair-splits", action="store_true", help="skip the second backend's seeds K+1..2K")
    p.add_argument("--json", help="write the result here")
    p.add_argument("--force", action="store_true")
    try:
        args = p.parse_args(argv)
    except SystemExit as done:
        return done.code
    args.fault = "power"  # allows --sims nest nest
    try:
        model, template = configure(args)
        power = measure_power(model, template, args.sims, args.seeds, args.runs, args.jobs, faults.select_faults(model, args.faults),
                              args.force, args.max_splits, say=lambda text: print(f"[power] {text}", file=sys.stderr, flush=True),
                              pair_splits=not args.no_pair_splits)
    except ZooError as err:
        print(f"python -m zoo.validation.power: error: {err}", file=sys.stderr)
        return 2
    for d in power["detection"]:
        print(f"{d['fault']:<24} before: {'detected' if d['detected'] else 'MISSED':<9} after: "
              f"{'detected' if d['detected_adjusted'] else 'MISSED':<9} {len(d['differ'])} of {d['comparisons_adjusted']} "
              f"rows differ: {', '.join(d['differ'])}")
    print(power["text"])
    if args.json:
        Path(args.json).write_text(json.dumps(power, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
