"""Power and false alarms of the backend comparison, measured with injected faults and fresh seeds.

    python -m zoo.validation.power rostami2020 --sims nest brian2 --seeds 5 [--variant V] [--json FILE]

- **Detection**: each fault of :func:`validation.faults.default_faults` is injected into the first
  simulator (seeds 1..K) and compared with the unmodified second simulator (seeds 1..K) under the
  report's rule; a fault is detected when at least one comparison fails.
- **False alarm, fresh seeds**: the first simulator with seeds K+1..2K against the second with
  seeds 1..K; any failing comparison is a false alarm.
- **False alarm, seed splits**: the 2K unmodified runs of the first simulator are split into two
  groups of K in every way (at most `max_splits`, drawn at random) and compared with each other;
  the share of splits with at least one failing comparison estimates the report-level false-alarm
  rate, and the mean share of failing comparisons the per-comparison rate. Splits reuse runs, so
  they are not independent trials: read the rate as an estimate with that caveat.
"""

import itertools
import json
import sys
from pathlib import Path

import numpy as np

from zoo.backends import SIMULATORS
from zoo.errors import ZooError

from . import behaviour, checks, faults, measures, runs
from .__main__ import _Parser, configure
from .runs import RunSpec


def _measured(template, sim, seeds, fault, root, jobs, force, say):
    specs = [RunSpec(**template, simulator=sim, seed=s, fault=runs.frozen(fault.as_dict()) if fault else ()) for s in seeds]
    outcomes = runs.ensure_runs(specs, root, jobs, force, report=say, behaviour=_FINGERPRINTS)
    measured = measures.measure_all({spec: o.path for spec, o in outcomes.items()}, jobs)
    return {spec.seed: measured[spec] for spec in specs}


_FINGERPRINTS = behaviour.Fingerprints()  # one set of short runs per process


def _failed(results):
    return [r.check.id for r in results if not r.passed]


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


def select_faults(model, names=None):
    """The default faults of `model`, or those of them named in `names`."""
    from zoo.seeds import SeedStreams

    found = faults.default_faults(model, SeedStreams(1))
    if names:
        unknown = set(names) - {f.name for f in found}
        if unknown:
            raise ZooError(f"unknown fault(s) {', '.join(sorted(unknown))}; known: {', '.join(f.name for f in found)}")
        found = [f for f in found if f.name in names]
    return found


def measure_power(model, template, sims, k, root, jobs, all_faults, force=False, max_splits=200, say=print):
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
        results = checks.compare(model.name, model.variant_name, faulty, reference, (f"{first}+{fault.name}", second))
        failed = _failed(results)
        detection.append({"fault": fault.name, "description": fault.description, "detected": bool(failed),
                          "failed": failed, "comparisons": len(results)})
    say(f"fresh seeds: {first} seeds {fresh[0]}-{fresh[-1]}")
    fresh_runs = _measured(template, first, fresh, None, root, jobs, force, say)
    results = checks.compare(model.name, model.variant_name, fresh_runs, reference, (f"{first} (fresh seeds)", second))
    rerun = {"first": first, "seeds_first": fresh, "second": second, "seeds_second": base, "failed": _failed(results),
             "comparisons": len(results), "false_alarm": bool(_failed(results))}
    own = _measured(template, first, base, None, root, jobs, force, say)
    splits = split_false_alarm({**own, **fresh_runs}, k, model.name, model.variant_name, max_splits)
    detected = sum(d["detected"] for d in detection)
    summary = {
        "model": model.name, "variant": model.variant_name, "sims": list(sims), "seeds": k,
        "duration_ms": model.duration_ms, "rule": checks.RULE_TEXT,
        "detection": detection, "detection_rate": detected / len(detection) if detection else None,
        "fresh_seeds": rerun, "splits": splits,
    }
    summary["text"] = describe(summary)
    return summary


def describe(power):
    """One paragraph for reports and READMEs."""
    d = power["detection"]
    detected = [x["fault"] for x in d if x["detected"]]
    missed = [x["fault"] for x in d if not x["detected"]]
    s, fresh = power["splits"], power["fresh_seeds"]
    text = (
        f"Measured on {power['model']} ({power['variant']}, {power['duration_ms']:g} ms recorded, K = {power['seeds']} seeds): "
        f"{len(detected)} of {len(d)} injected faults detected"
        + (f" ({', '.join(detected)})" if detected else "")
        + (f"; missed: {', '.join(missed)}" if missed else "")
        + f". Fresh seeds ({fresh['first']} seeds {fresh['seeds_first'][0]}-{fresh['seeds_first'][-1]} vs {fresh['second']} "
        f"seeds {fresh['seeds_second'][0]}-{fresh['seeds_second'][-1]}): "
        + ("no comparison failed" if not fresh["failed"] else f"{len(fresh['failed'])} of {fresh['comparisons']} failed")
        + f". Seed splits of {power['sims'][0]} ({s['splits']} splits into two groups of {power['seeds']}): "
        f"{100 * s['report_false_alarm_rate']:.1f} % of splits had at least one failing comparison, "
        f"{100 * s['comparison_false_alarm_rate']:.2f} % of comparisons failed."
    )
    return text


def main(argv=None):
    p = _Parser(prog="python -m zoo.validation.power", description="Detection and false-alarm rates of the backend comparison.")
    p.add_argument("model")
    p.add_argument("--sims", nargs=2, default=list(SIMULATORS), metavar="SIM")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--variant")
    p.add_argument("--duration", type=float)
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--runs", help="where runs are kept and reused (default: as python -m zoo.validation)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--faults", nargs="*", help="fault names (default: all of --list-faults)")
    p.add_argument("--max-splits", type=int, default=200)
    p.add_argument("--json", help="write the result here")
    p.add_argument("--force", action="store_true")
    try:
        args = p.parse_args(argv)
    except SystemExit as done:
        return done.code
    args.fault = "power"  # allows --sims nest nest
    try:
        model, template = configure(args)
        power = measure_power(model, template, args.sims, args.seeds, args.runs, args.jobs, select_faults(model, args.faults),
                              args.force, args.max_splits, say=lambda text: print(f"[power] {text}", file=sys.stderr, flush=True))
    except ZooError as err:
        print(f"python -m zoo.validation.power: error: {err}", file=sys.stderr)
        return 2
    for d in power["detection"]:
        print(f"{d['fault']:<24} {'detected' if d['detected'] else 'MISSED':<9} {len(d['failed'])} of {d['comparisons']} "
              f"comparisons failed: {', '.join(d['failed'])}")
    print(power["text"])
    if args.json:
        Path(args.json).write_text(json.dumps(power, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
