"""Regenerate every committed validation report from a clean tree at HEAD.

    python -m zoo.validation.regenerate                  # every report under validation_reports/
    python -m zoo.validation.regenerate rostami2020      # only these report folders
    python -m zoo.validation.regenerate --stale          # only reports whose behaviour fingerprint changed
    python -m zoo.validation.regenerate --list           # what would be run, and whether it is stale

Each report folder's ``report.json`` records the arguments that made it (``invocation``: model,
simulators, seeds, original seeds ...); this reruns ``python -m zoo.validation`` with them into
the same folder (``--force``), reusing runs under ``--runs`` that the current behaviour fingerprint
allows (validation/runs.py) and running the rest. The tree must be clean, so that each report can
say which commit made it; ``--allow-dirty`` is for trying this command out, and such reports say so
(and fail tests/test_validation_reports.py). Detection and false-alarm rates a report carries are
kept when they were measured under the current behaviour fingerprint, and dropped otherwise (the
command then says how to measure them again: ``python -m zoo.validation.power ...``).
A report with an arm of several MPI ranks (``nest@2x1``) needs NEST built with MPI, mpi4py and a
launcher (validation/arms.py); where they are missing it is not remade: one ``NAME: NOT RUN: ...``
line says why, and the others go on.
Exit status: 0 every report regenerated (or NOT RUN), 1 a report could not be made, 2 bad input or a dirty tree.
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from zoo.errors import ZooError

REPORTS = Path("validation_reports")
_WHERE = {"--out", "--runs", "--power", "--jobs"}
_FLAGS = {"--force", "--quiet"}


def invocation(report):
    """The arguments a report records (older reports: its command line, with output options removed)."""
    if report.get("invocation"):
        return list(report["invocation"])
    words = shlex.split(report["command"])[3:]  # after "python -m zoo.validation"
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _WHERE:
            skip = True
        elif word not in _FLAGS:
            kept.append(word)
    return kept


def found(root=REPORTS, names=None):
    """{folder name: report dict} of the committed reports under `root` (only `names`, if given)."""
    reports = {}
    for path in sorted(Path(root).glob("*/report.json")):
        if names and path.parent.name not in names:
            continue
        reports[path.parent.name] = json.loads(path.read_text())
    if names:
        missing = sorted(set(names) - set(reports))
        if missing:
            raise ZooError(f"no report under {root}/ called {', '.join(missing)}; found: {', '.join(sorted(reports)) or 'none'}")
    return reports


def current_behaviour(report, fingerprints):
    """Today's behaviour fingerprint (SHA-256) of the model and variant a report is about."""
    from zoo import registry

    from .__main__ import parser

    args = parser().parse_args(invocation(report))
    model = registry.create_model(args.model, args.variant, args.assignments, args.duration)
    return fingerprints.of(model)["sha256"]


def needs_mpi(report):
    """Why this machine cannot remake `report` (None: it can): an arm of several ranks without MPI here."""
    from . import arms
    from .__main__ import parser

    chosen = [arms.parse(text) for text in parser().parse_args(invocation(report)).sims]
    if any(arm.ranks > 1 for arm in chosen):
        why = arms.missing_mpi()
        if why:
            return f"arm {' and '.join(a.name for a in chosen if a.ranks > 1)} runs under MPI, but {why}"
    return None


def recorded_behaviour(report):
    return ((report.get("made_by") or {}).get("behaviour") or {}).get("sha256")


def tree_state(root="."):
    """(commit, clean) of the git tree holding `root`; the reports themselves do not make it unclean."""
    from zoo.run import provenance

    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(provenance.status_command(root), capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise ZooError("python -m zoo.validation.regenerate runs in a git checkout of the zoo") from None
    return commit, not dirty.strip()


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m zoo.validation.regenerate", description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", help="report folders under validation_reports/ (default: all)")
    p.add_argument("--reports", default=str(REPORTS), help="where the committed reports are (default: validation_reports)")
    p.add_argument("--runs", help="where runs are kept and reused (default: as python -m zoo.validation)")
    p.add_argument("--jobs", type=int, default=1, help="runs at a time (default: 1)")
    p.add_argument("--stale", action="store_true", help="only reports whose behaviour fingerprint changed")
    p.add_argument("--list", action="store_true", help="print what would be run and exit")
    p.add_argument("--allow-dirty", action="store_true", help="run from a tree with uncommitted changes (reports say so)")
    args = p.parse_args(argv)
    from . import behaviour
    from .__main__ import main as validate_main

    try:
        reports = found(args.reports, args.names)
        commit, clean = tree_state(args.reports if Path(args.reports).exists() else ".")
        if not clean and not (args.allow_dirty or args.list):
            raise ZooError("the tree has uncommitted changes: commit them first, so that every report can say which "
                           "commit made it (or --allow-dirty to try this out)")
        fingerprints = behaviour.Fingerprints(lambda text: print(f"[regenerate] {text}", file=sys.stderr, flush=True))
        plan = []
        for name, report in reports.items():
            now = current_behaviour(report, fingerprints)
            stale = recorded_behaviour(report) != now
            if args.stale and not stale:
                continue
            plan.append((name, report, now, stale))
    except ZooError as err:
        print(f"python -m zoo.validation.regenerate: error: {err}", file=sys.stderr)
        return 2
    failures = 0
    for name, report, now, stale in plan:
        words = invocation(report) + ["--out", str(Path(args.reports) / name), "--force", "--jobs", str(args.jobs)]
        if args.runs:
            words += ["--runs", args.runs]
        power = report.get("false_alarm")
        print(f"{name}: {'stale' if stale else 'current'} behaviour; python -m zoo.validation {shlex.join(words)}", flush=True)
        why_not = needs_mpi(report)
        if why_not:
            print(f"{name}: NOT RUN: {why_not}", flush=True)
            continue
        if args.list:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            if power and power.get("behaviour") == now:
                (Path(tmp) / "power.json").write_text(json.dumps(power))
                words += ["--power", str(Path(tmp) / "power.json")]
            elif power:
                print(f"{name}: its detection and false-alarm rates were measured under another behaviour and are dropped; "
                      f"measure them again with python -m zoo.validation.power", file=sys.stderr)
            code = validate_main(words)
        if code not in (0, 1, 3):  # 1 and 3 are reports too: they differ, or lack seeds, and say so
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
