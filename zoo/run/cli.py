"""Command line: run a zoo model on a simulator.

    python -m zoo.run rostami2020 --sim nest
    python -m zoo.run rostami2020 --sim brian2 --variant tiny --seed 3 --set Q=10 --duration 2000
    python -m zoo.run --list

Exit status:

- 0: the results directory is complete;
- 2: bad input or an unusable environment, in one line: an unknown model, simulator, variant or
  parameter; a wrong type or unit; a value that is not finite; a seed outside 0..2**63-1; a network
  that this machine's memory cannot hold; a missing simulator; an existing results directory
  without --force; an --out that cannot be written; a full disk (partial files are removed); a
  results directory that appeared at --out during the run (the results are kept under the name
  printed);
- 3: simulated and saved (spikes, structure, provenance), but the analysis or a figure failed: the
  failures are listed in summary.json;
- 128 + N when ended by signal N (130 Ctrl-C/SIGINT, 143 SIGTERM, 129 SIGHUP): nothing is left behind.

Under ``mpirun -np N`` (NEST with MPI; see tools/install-nest-mpi) the N processes run one
simulation: rank 0 alone prints and writes the results directory. A failure that every rank
meets (bad input, an existing results directory, a simulator without MPI, ``--sim brian2``) is
printed once by rank 0 and every rank exits 2. A failure that one rank meets on its own is
printed by that rank, in one line naming it, and ends every rank (MPI_Abort) with the status
above. Rank 0 opens its results directory only once every rank's data are gathered, so a rank
that fails before leaves nothing on disk; a failure of rank 0 while writing removes what it wrote.
"""

import contextlib
import io
import logging
import signal
import sys

from .. import backends, registry
from ..errors import OneLineParser, ZooError
from ..seeds import MAX_SEED
from . import signals

PROG = "python -m zoo.run"
ANALYSIS_FAILED = 3


def _parser():
    parser = OneLineParser(prog=PROG, description="Run a published spiking-network model on NEST or Brian2.",
                     epilog="Exit status: 0 done; 2 bad input or unusable environment (one line); 3 simulated and "
                            "saved, but the analysis or a figure failed (see summary.json); 128+N ended by signal N.")
    parser.add_argument("model", nargs="?", help="model name, optionally name.variant (see --list)")
    parser.add_argument("--list", action="store_true", help="list the models with descriptions, citations and variants")
    parser.add_argument("--sim", choices=backends.SIMULATORS, default=backends.DEFAULT_SIMULATOR,
                        help=f"simulator (default: {backends.DEFAULT_SIMULATOR})")
    parser.add_argument("--variant", help="named parameter set (default: default)")
    parser.add_argument("--seed", type=int, default=1,
                        help="master seed of every random stream, 0 to 2**63-1 (default: 1)")
    parser.add_argument("--duration", type=float, help="recorded biological time after the warm-up, ms")
    parser.add_argument("--threads", type=int, help="NEST threads (default: all available cores for models whose "
                        "results do not depend on the thread count, otherwise 1; Brian2 runs one)")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter, e.g. --set Q=50 or --set tau_m_E=20ms (repeatable)")
    parser.add_argument("--out", help="results directory (default: results/MODEL-VARIANT-SIM-seedSEED)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing zoo results directory (never one holding other files)")
    parser.add_argument("--dry-run", action="store_true", help="write structure.json only; build nothing on a simulator")
    parser.add_argument("--ranks", type=int, metavar="R",
                        help="with --dry-run: plan a run on R MPI processes of --threads threads from the model's "
                             "size alone (nothing drawn): memory per rank, times, and a SLURM script (job.slurm)")
    parser.add_argument("--no-plots", action="store_true", help="skip the figures")
    parser.add_argument("--record", action="append", default=[], metavar="VARIABLE",
                        help="also record this state variable (v, gsyn_exc, gsyn_inh, w ... as the cell type has "
                             "them) in a few cells per population, drawn from the seed (repeatable)")
    parser.add_argument("--record-cells", type=int, default=5, metavar="N",
                        help="cells per population for --record (default: 5)")
    parser.add_argument("--params", action="store_true",
                        help="print the model's parameters (name, value, unit, meaning, source) and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.add_argument("--version", action="version", version=_version())
    return parser


def _version():
    from .. import __version__
    from ..backends import versions

    found = versions()
    return (f"zoo {__version__} (PyNN {found['PyNN']}, NEST {found['nest-simulator']}, Brian2 {found['Brian2']}, "
            f"Python {found['python']})")


def parameter_table(model):
    """The model's parameters as a text table: name, value, unit, meaning, source."""
    rows = [(r["name"], str(r["value"]), r["unit"], r["meaning"], r["source"]) for r in model.params.table()]
    changed = set(model.overrides())
    heads = ("name", "value", "unit", "meaning", "source")
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(heads[:3])]
    lines = [f"{model.name} ({model.variant_name}); values in the unit given, which is what a bare number means "
             f"in --set and create_model; * changed from the variant"]
    lines.append("  ".join(h.ljust(w) for h, w in zip(heads[:3], widths)) + "  meaning [source]")
    for row in rows:
        mark = "*" if row[0] in changed else " "
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + f" {mark}{row[3]} [{row[4]}]")
    return "\n".join(lines)


def list_models():
    lines = []
    for name in registry.list_models():
        cls = registry.get_model(name)
        lines.append(f"{name:<14} {cls.description}")
        lines.append(f"{'':<14} {cls.citation}, doi:{cls.doi}")
        lines.append(f"{'':<14} variants: {', '.join(cls.variants)}")
    return "\n".join(lines)


def configure(args):
    """The model instance that the arguments ask for."""
    if not 0 <= args.seed <= MAX_SEED:
        raise ZooError(f"--seed must be an integer from 0 to 2**63-1, got {args.seed}")
    if args.threads is not None and args.threads < 1:
        raise ZooError(f"--threads must be a positive integer, got {args.threads}")
    if args.record_cells < 1:
        raise ZooError(f"--record-cells must be a positive integer, got {args.record_cells}")
    return registry.create_model(args.model, args.variant, args.assignments, args.duration)


def _job_command(args, model, threads):
    """The command line that runs what a plan (--dry-run --ranks) planned, for its batch script."""
    command = ["python", "-m", "zoo.run", model.name, "--variant", model.variant_name, "--sim", args.sim,
               "--seed", str(args.seed), "--threads", str(threads), "--quiet"]
    for assignment in args.assignments:
        command += ["--set", assignment]
    if args.duration is not None:
        command += ["--duration", f"{args.duration:g}"]
    return command + ["--out", f"results/{model.name}-{model.variant_name}-{args.sim}-{args.ranks}x{threads}-seed{args.seed}"]


def _failed(path, failures):
    """The one line for results whose analysis or figures failed."""
    first = failures[0]
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    return (f"{PROG}: error: {first['step']} failed: {first['error']}{more}; the simulation is saved in {path} "
            f"(spikes.nix, provenance.json; failures in summary.json)")


def main(argv=None):
    try:
        ranks, rank = backends.launched()
    except ZooError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    # Under mpirun only rank 0 speaks: the others would repeat every line (help, progress, tables).
    mute = contextlib.ExitStack()
    if rank != 0:
        mute.enter_context(contextlib.redirect_stdout(io.StringIO()))
    with mute:
        return _main(argv, ranks, rank)


def _main(argv, ranks, rank):
    try:
        with contextlib.redirect_stderr(io.StringIO()) if rank != 0 else contextlib.nullcontext():
            args = _parser().parse_args(argv)
    except SystemExit as done:  # --help, or an argparse error already printed as one line (by rank 0)
        return done.code
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[zoo %(asctime)s] %(message)s", datefmt="%H:%M:%S"))
    log = logging.getLogger("zoo")
    log.addHandler(handler)
    log.setLevel(logging.CRITICAL + 1 if rank != 0 else logging.WARNING if args.quiet else logging.INFO)
    from . import runner

    world = None
    try:
        with signals.as_interrupts():
            if args.list:
                print(list_models())
                return 0
            model = configure(args)
            if args.params:
                print(parameter_table(model))
                return 0
            if args.ranks is not None and not args.dry_run:
                raise ZooError("--ranks plans a run with --dry-run; to run on R processes use mpirun -np R")
            if args.dry_run and rank != 0:
                return 0  # a dry run builds nothing: rank 0 alone writes it
            if args.ranks is not None:
                if args.ranks < 1:
                    raise ZooError(f"--ranks must be a positive integer, got {args.ranks}")
                threads = args.threads or 1
                path, found = runner.plan(model, args.sim, args.seed, args.ranks, threads,
                                          _job_command(args, model, threads), args.out, args.force)
                print(f"{model.name} ({model.variant_name}): {found['neurons']:.4g} neurons, {found['synapses']:.4g} "
                      f"synapses on {args.ranks} ranks x {threads} threads ({args.sim}): "
                      f"~{found['memory_per_rank_bytes'] / 1e9:.1f} GB per rank ({found['memory_total_bytes'] / 1e12:.2f} TB "
                      f"in all), build ~{found['build_s']:.0f} s, simulate ~{found['simulate_s']:.0f} s for "
                      f"{found['biological_s']:g} s of biological time")
                print(f"plan and SLURM script written to {path} (plan.json, job.slurm)")
                return 0
            if args.dry_run:
                path, structure = runner.dry_run(model, args.sim, args.seed, args.out, args.force)
                totals, cost = structure["totals"], structure["estimate"]
                print(f"{model.name} ({model.variant_name}): {totals['neurons']} neurons, {totals['synapses']:.0f} synapses; "
                      f"on {args.sim} ~{cost['peak_memory_bytes'] / 1e9:.1f} GB, build ~{cost['build_s']:.0f} s, "
                      f"simulate ~{cost['simulate_s']:.0f} s")
                print(f"structure written to {path / 'structure.json'}")
                return 0
            if ranks > 1 and not backends.distributed(args.sim):
                raise ZooError(runner.distributed_refusal(args.sim, ranks))
            world = backends.world()
            path, summary = runner.run(
                model, args.sim, args.seed, threads=args.threads or backends.default_threads(model, args.sim), out=args.out,
                force=args.force, make_plots=not args.no_plots, record=tuple(dict.fromkeys(args.record)),
                record_cells=args.record_cells,
            )
            if path is None:  # a rank other than 0: rank 0 has the results
                return 0
            if summary["failures"]:
                print(_failed(path, summary["failures"]), file=sys.stderr)
                return ANALYSIS_FAILED
            print(f"results written to {path}")
            return 0
    except ZooError as err:
        return failed_on(world, rank, f"{err}", 2, agreed=isinstance(err, backends.mpi.Agreed))
    except MemoryError as err:
        return failed_on(world, rank, f"out of memory ({err or 'an allocation failed'}); nothing was written", 2)
    except KeyboardInterrupt as interrupt:
        # Under mpirun, SIGTERM is how the launcher ends the other ranks when one fails (that rank
        # printed why) or when the user stops mpirun (mpirun says so): no line of ours.
        if rank == 0 and (ranks == 1 or getattr(interrupt, "signum", None) != signal.SIGTERM):
            print(f"{PROG}: interrupted{signals.by(interrupt)}; no results were written", file=sys.stderr)
        return end_all(world, signals.exit_status(interrupt))
    except Exception as err:  # a bug: with several ranks, one line and the end of every rank
        if world is None or world.size == 1:
            raise
        return failed_on(world, rank, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", 1)
    finally:
        log.removeHandler(handler)  # main() may be called again in one process (tests, notebooks)


def failed_on(world, rank, message, status, agreed=False, prog=PROG):
    """Print the failure once, as `prog`, and return `status`; a failure of one rank only (not
    `agreed`) is printed by that rank and ends every rank (also used by zoo.validation.worker)."""
    if world is None or world.size == 1 or agreed:
        if rank == 0:
            print(f"{prog}: error: {message}", file=sys.stderr)
        return status
    print(f"{prog}: error on rank {rank} of {world.size}: {message}", file=sys.stderr, flush=True)
    return end_all(world, status)


def end_all(world, status):
    """End every rank with `status` (MPI_Abort) when there are several; else return it."""
    if world is not None and world.size > 1:
        sys.stderr.flush()
        world.abort(status)
    return status


if __name__ == "__main__":
    sys.exit(main())
