"""One validation run in this process: ``python -m zoo.validation.worker '<RunSpec JSON with "out">'``.

Started by :func:`zoo.validation.runs.ensure_runs`, one fresh process per run. Runs the model through
``zoo.run.runner.run`` (no figures); a fault, when given, is injected by :mod:`zoo.validation.faults` and
recorded with the results as fault.json, and the behaviour fingerprint of the zoo that made the
run (given by the parent) as behaviour.json. A spec of R > 1 ranks is started under the MPI launcher
(``mpirun -np R``): every rank runs this, rank 0 alone writes the results and prints, as with
``python -m zoo.run`` under mpirun. Exit status as ``python -m zoo.run``'s: 0 done, 2 bad input
or environment, 3 analysis failed (the run is kept but never reused), 128 + N ended by signal N.
"""

import contextlib
import io
import json
import logging
import sys


PROG = "python -m zoo.validation.worker"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(f"usage: {PROG} '<run spec JSON>'", file=sys.stderr)
        return 2
    from zoo import backends
    from zoo.errors import ZooError

    try:
        ranks, rank = backends.launched()
    except ZooError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    mute = contextlib.redirect_stdout(io.StringIO()) if rank != 0 else contextlib.nullcontext()
    with mute:  # under mpirun only rank 0 speaks
        return _run(json.loads(argv[0]), ranks, rank)


def _run(data, ranks, rank):
    from zoo import backends
    from zoo.errors import ZooError
    from zoo.run import cli, runner, signals

    from .runs import RunSpec

    spec = RunSpec.from_dict(data)
    logging.basicConfig(level=logging.WARNING if rank == 0 else logging.CRITICAL + 1)
    extra = {"fault.json": spec.fault_dict()} if spec.fault else {}
    if data.get("behaviour"):
        extra["behaviour.json"] = data["behaviour"]
    world = None
    try:
        with signals.as_interrupts():
            if ranks != spec.ranks:
                raise ZooError(f"the run {spec.label()} needs {spec.ranks} MPI processes, but was started as {ranks}")
            world = backends.world()
            model = spec.create_model()
            path, summary = runner.run(
                model, spec.simulator, spec.seed, threads=spec.threads, out=data["out"], force=bool(data.get("force")),
                make_plots=False, extra_json=extra or None, first_ms=spec.first_ms or None,
            )
    except ZooError as err:
        return cli.failed_on(world, rank, str(err), 2, agreed=ranks == 1 or isinstance(err, backends.mpi.Agreed), prog=PROG)
    except KeyboardInterrupt as interrupt:
        if rank == 0:
            print(f"{PROG}: interrupted{signals.by(interrupt)}; no results were written", file=sys.stderr)
        return cli.end_all(world, signals.exit_status(interrupt))
    if path is None:  # a rank other than 0: rank 0 has the results
        return 0
    if summary["failures"]:
        first = summary["failures"][0]
        print(f"{PROG}: error: {first['step']} failed: {first['error']} (kept in {path})", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    from zoo.run.huge_pages import restart

    restart()  # on huge memory pages, as python -m zoo.run runs (zoo/run/huge_pages.py)
    sys.exit(main())
