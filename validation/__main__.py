"""Command line: validate a model across simulators and write an HTML, Markdown and JSON report.

    python -m zoo.validation rostami2020 --sims nest brian2
    python -m zoo.validation rostami2020 --sims nest brian2 --seeds 5 --variant tiny --out reports/rostami2020
    python -m zoo.validation rostami2020.tiny --sims nest brian2 --fault exc_weight_x1.2   # see it fail
    python -m zoo.validation schmidt2018.tiny --sims nest nest@2x1      # NEST on 1 process vs 2 MPI ranks

Runs K seeds (1..K) of the model on each of two arms, reusing results already under --runs for the
same model, parameters, seed, arm and behaviour. An arm is a simulator, optionally split as
SIM@RxT: R MPI ranks (started by mpirun, mpiexec or $ZOO_MPIEXEC) x T threads; ``nest`` is
``nest@1x1`` (validation/arms.py). Compares the arms under the seed-to-seed
rule of validation/checks.py and the paired rule of validation/paired.py, with --original-seeds N
also with N runs of the model's original code (validation/originals.py), and checks the model's
reference values; the verdict is taken after false-discovery-rate control (validation/multiplicity.py).
Works from any directory: runs are kept under --runs (default: a user cache, $ZOO_CACHE_DIR/validation
or ~/.cache/zoo/validation), and every output path is checked before the first run. Exit status: 0
all agree, 1 something differs or a reference check fails, 2 bad input, an unusable output path or
a capability error (the model cannot run as written on a simulator), 3 insufficient seeds (no rule
can judge: the headline says how many are needed), 128 + N when ended by signal N (130 Ctrl-C, 143 SIGTERM).
"""

import json
import os
import sys
from pathlib import Path

from zoo.backends import SIMULATORS
from zoo.errors import OneLineParser, ZooError
from zoo.run import results, signals

from . import arms, behaviour, checks, early, faults, figures, measures, originals, paired, report, runs
from .options import configure
from .runs import RunSpec


def parser():
    p = OneLineParser(prog="python -m zoo.validation", description="Compare a zoo model across simulators and with its reference values.")
    p.add_argument("model", help="model name, optionally name.variant")
    p.add_argument("--sims", nargs=2, default=list(SIMULATORS), metavar="ARM",
                   help=f"the two arms, each {arms.SYNTAX}; an arm of R > 1 ranks runs under mpirun, mpiexec or "
                   f"${arms.LAUNCHER_VARIABLE} and needs NEST built with MPI (default: {' '.join(SIMULATORS)})")
    p.add_argument("--seeds", type=int, default=5, help="seeds per arm, master seeds 1..K (default: 5)")
    p.add_argument("--variant", help="named parameter set (default: default)")
    p.add_argument("--duration", type=float, help="recorded time after the warm-up, ms (default: the variant's)")
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE", help="override a parameter")
    p.add_argument("--out", help="report directory (default: validation_reports/MODEL[.VARIANT])")
    p.add_argument("--runs", help="where runs are kept and reused (default: $ZOO_CACHE_DIR/validation, "
                   "else ~/.cache/zoo/validation)")
    p.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)), help="runs at a time (default: 2)")
    p.add_argument("--original-seeds", type=int, default=0, metavar="N",
                   help="also run the model's original code with N seeds, as a third arm (default: 0, none)")
    p.add_argument("--fault", help="inject a fault (a name from --list-faults) into the first simulator's runs")
    p.add_argument("--list-faults", action="store_true", help="list the injectable faults of the model and exit")
    p.add_argument("--power", metavar="JSON", help="attach detection and false-alarm rates (from python -m zoo.validation.power --json)")
    p.add_argument("--force", action="store_true", help="replace an existing report, and re-run runs that cannot be reused")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    return p


def default_out(model):
    suffix = "" if model.variant_name == "default" else f".{model.variant_name}"
    return Path("validation_reports") / f"{model.name}{suffix}"


def validate(model, template, sims, seeds, root, jobs, force=False, fault=None, say=print, power=None, original_seeds=0):
    """Run (or reuse), measure and compare; returns (report dict, figures dict).

    `sims`: the two arms, as :func:`.arms.parse` reads them ('nest', 'nest@2x1' ...);
    `original_seeds`: runs of the model's original code (:mod:`.originals`) as a third arm, 0 for none.
    """
    from zoo import io
    from zoo.backends import capabilities
    from zoo.run import provenance

    chosen = [arms.parse(text) for text in sims]
    usage = capabilities.inspect(model)
    findings = []
    for arm in dict.fromkeys(chosen):
        findings += capabilities.check(usage, arm.simulator, arm.threads)
    for finding in findings:
        if finding.level != "note":
            say(finding.line())
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ZooError(f"{model.name} cannot run as written: " + "; ".join(f.line() for f in errors))
    names = [arm.name for arm in chosen]
    labels = [f"{names[0]}+{fault.name}" if fault else names[0], names[1]]
    specs = {}
    for label, arm in zip(labels, chosen):
        for seed in range(1, seeds + 1):
            spec = RunSpec(**template, simulator=arm.simulator, seed=seed, ranks=arm.ranks, threads=arm.threads,
                           fault=runs.frozen(fault.as_dict()) if fault and label != labels[1] else ())
            specs[spec] = label
    fingerprints = behaviour.Fingerprints(say)
    outcomes = runs.ensure_runs(list(specs), root, jobs, force, report=say, behaviour=fingerprints)
    ordered = [outcomes[spec] for spec in specs]
    paths = {spec: o.path for spec, o in outcomes.items()}
    described = {label: f"the zoo on {arm.describe()}" + (f" with fault {fault.name}" if fault and label != labels[1] else "")
                 for label, arm in zip(labels, chosen)}
    if original_seeds:
        original = originals.ensure_runs(model, original_seeds, root, jobs, force, say)
        described[originals.ARM] = originals.describe(model)
        ordered += list(original.values())
        paths.update({o.spec: o.path for o in original.values()})
        specs.update({o.spec: originals.ARM for o in original.values()})
    say("measuring runs")
    measured = measures.measure_all(paths, jobs)
    early.attach(model, measured, root, jobs, force, say, fingerprints)
    runs_by_backend = {label: {} for label in described}
    for spec, label in specs.items():
        runs_by_backend[label][spec.seed] = measured[spec]
    a, b = (runs_by_backend[label] for label in labels)
    comparisons = checks.compare(model.name, model.variant_name, a, b, tuple(labels))
    comparisons += paired.compare(model.name, model.variant_name, a, b, tuple(labels))
    for label in labels if original_seeds else ():
        comparisons += checks.compare(model.name, model.variant_name, runs_by_backend[label], runs_by_backend[originals.ARM],
                                      (label, originals.ARM), same_networks=False)
    unchanged = model.params == model.variant(model.variant_name).params
    package = type(model).__module__.rsplit(".", 1)[0]
    kinds = ("published", "figure-read") if original_seeds else None  # the original's own runs replace reference runs
    references = (checks.reference_results(model.name, model.variant_name, package, runs_by_backend, kinds)
                  if unchanged and not fault else [])
    made_by = {**provenance.git_state(),
               "behaviour": fingerprints.of(RunSpec(**template, simulator=chosen[1].simulator, seed=1).create_model())}
    data = report.build(model, labels, runs_by_backend, ordered, comparisons, references,
                        [f.as_dict() for f in findings], fault.as_dict() if fault else None, power,
                        arms=described, runs_root=root, made_by=made_by)
    if arms.pairing_note(*chosen):
        both = sorted(set(a) & set(b))
        same = [seed for seed in both if len({_spikes_sha(paths[spec]) for spec, label in specs.items()
                                              if spec.seed == seed and label in labels}) == 1]
        data["pairing_note"] = f"{arms.pairing_note(*chosen)}. Spikes identical in {len(same)} of {len(both)} seeds"
    if original_seeds:
        data["original_coverage"] = originals.coverage(comparisons, labels)
        data["references_note"] = ("; values from runs of the reference code are replaced by the original arm above, "
                                   "published values stay")
    say("drawing figures")
    passed = {r.check.id: r.adjusted != "DIFFER" for r in comparisons if r.check.backends == tuple(labels)
              and r.check.tolerance_rule == checks.RULE}
    first_seed = min(set(a) & set(b))
    segments = {}
    for spec, label in specs.items():
        if spec.seed == (first_seed if label != originals.ARM else min(runs_by_backend[label])):
            segments[f"{label}, seed {spec.seed}"] = io.load_segment(paths[spec] / "spikes.nix")[0]
    shade = model.figure_hints().get("shade_ms", ())
    figs = {
        "verdicts": figures.verdicts(comparisons),
        "distributions": figures.distributions(runs_by_backend, passed),
        "spectra": figures.spectra(runs_by_backend, passed),
        "observables": figures.observables(runs_by_backend),
        "rasters": figures.rasters(segments, shade),
    }
    return data, figs


def _spikes_sha(path):
    """SHA-256 of every spike of a run, as (population, neuron, time step) (:func:`.behaviour.spikes_digest`)."""
    from zoo import io

    step = json.loads((Path(path) / "provenance.json").read_text())["backend"]["timestep_ms"]
    return behaviour.spikes_digest(io.load_segment(Path(path) / "spikes.nix")[0], step)[0]


def main(argv=None):
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:
        return done.code

    def say(text):
        if not args.quiet:
            print(f"[validation] {text}", file=sys.stderr, flush=True)

    try:
        with signals.as_interrupts():
            return _main(args, say)
    except ZooError as err:
        print(f"python -m zoo.validation: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print(f"python -m zoo.validation: interrupted{signals.by(interrupt)}; no report was written", file=sys.stderr)
        return signals.exit_status(interrupt)


def _main(args, say):
    """Validate as `args` ask; the exit status. Every output path is checked before the first run."""
    model, template = configure(args)
    from zoo.seeds import SeedStreams

    known = {f.name: f for f in faults.default_faults(model, SeedStreams(1))} if (args.fault or args.list_faults) else {}
    if args.list_faults:
        for fault in known.values():
            print(f"{fault.name:<24} {fault.description}")
        return 0
    fault = None
    if args.fault:
        if args.fault not in known:
            raise ZooError(f"unknown fault '{args.fault}'; known: {', '.join(known)}")
        fault = known[args.fault]
    out = Path(args.out) if args.out else default_out(model)
    results.check_target(out, args.force)  # before hours of runs, not after
    root = runs.prepare_root(args.runs if args.runs else runs.default_root())
    power = None
    if args.power:
        try:
            power = json.loads(Path(args.power).read_text())
        except (OSError, ValueError) as err:
            raise ZooError(f"cannot read --power {args.power}: {err}") from None
    if args.original_seeds:
        originals.require(model)  # before the zoo's runs: a missing original is a one-line error now, not later
    data, figs = validate(model, template, args.sims, args.seeds, root, args.jobs, args.force, fault, say, power,
                          args.original_seeds)
    data["invocation"] = invocation(args)
    data["command"] = "python -m zoo.validation " + " ".join(data["invocation"] + ["--out", str(out)])
    path = report.write(data, figs, out, force=args.force)
    print(report.headline(data))
    for result in data["comparisons"]:
        if result["adjusted"] == "DIFFER":
            print(f"  DIFFER {result['id']} ({result['backend']})")
    for result in data["references"]:
        if not result["passed"]:
            print(f"  FAIL {result['id']} ({result['backend']})")
    print(f"report written to {path / 'report.html'} (also report.md, report.json)")
    return exit_status(data)


def invocation(args):
    """The arguments that say what a report compares (not where things go): what regenerates it."""
    words = [args.model, "--sims", *args.sims, "--seeds", str(args.seeds)]
    if args.variant:
        words += ["--variant", args.variant]
    if args.duration is not None:
        words += ["--duration", f"{args.duration:g}"]
    for assignment in args.assignments:
        words += ["--set", assignment]
    if args.original_seeds:
        words += ["--original-seeds", str(args.original_seeds)]
    if args.fault:
        words += ["--fault", args.fault]
    return words


def exit_status(data):
    """0 agree, 1 differ (or a reference check fails), 3 insufficient seeds."""
    if data["passed"]:
        return 0
    if data["verdict"] in ("INSUFFICIENT SEEDS", "NOTHING TO JUDGE") and not data["counts"]["references_failed"]:
        return 3
    return 1


if __name__ == "__main__":
    sys.exit(main())
