"""One validation run in this process: ``python -m zoo.validation.worker '<RunSpec JSON with "out">'``.

Started by :func:`zoo.validation.runs.ensure_runs`, one fresh process per run. Runs the model through
``zoo.run.runner.run`` (no figures); a fault, when given, is injected by :mod:`zoo.validation.faults` and
recorded with the results as fault.json, and the behaviour fingerprint of the zoo that made the
run (given by the parent) as behaviour.json. Exit status as ``python -m zoo.run``'s: 0 done, 2 bad input
or environment, 3 analysis failed (the run is kept but never reused), 128 + N ended by signal N.
"""

import json
import logging
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m zoo.validation.worker '<run spec JSON>'", file=sys.stderr)
        return 2
    from zoo.errors import ZooError
    from zoo.run import runner, signals

    from .runs import RunSpec

    data = json.loads(argv[0])
    spec = RunSpec.from_dict(data)
    logging.basicConfig(level=logging.WARNING)
    extra = {"fault.json": spec.fault_dict()} if spec.fault else {}
    if data.get("behaviour"):
        extra["behaviour.json"] = data["behaviour"]
    try:
        with signals.as_interrupts():
            model = spec.create_model()
            path, summary = runner.run(
                model, spec.simulator, spec.seed, threads=1, out=data["out"], force=bool(data.get("force")), make_plots=False,
                extra_json=extra or None,
            )
    except ZooError as err:
        print(f"python -m zoo.validation.worker: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print(f"python -m zoo.validation.worker: interrupted{signals.by(interrupt)}; no results were written", file=sys.stderr)
        return signals.exit_status(interrupt)
    if summary["failures"]:
        first = summary["failures"][0]
        print(f"python -m zoo.validation.worker: error: {first['step']} failed: {first['error']} (kept in {path})",
              file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
