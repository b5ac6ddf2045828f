"""One validation run in this process: ``python -m zoo.validation.worker '<RunSpec JSON with "out">'``.

Started by :func:`zoo.validation.runs.ensure_runs`, one fresh process per run. Runs the model through
``zoo.run.runner.run`` (no figures); a fault, when given, is injected by :mod:`zoo.validation.faults` and
recorded next to the results as fault.json.
"""

import json
import logging
import sys
from pathlib import Path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m zoo.validation.worker '<run spec JSON>'", file=sys.stderr)
        return 2
    from zoo.run import runner
    from zoo.errors import ZooError

    from .runs import RunSpec

    data = json.loads(argv[0])
    spec = RunSpec.from_dict(data)
    logging.basicConfig(level=logging.WARNING)
    try:
        model = spec.create_model()
        path, _ = runner.run(
            model, spec.simulator, spec.seed, threads=1, out=data["out"], force=bool(data.get("force")), make_plots=False,
        )
        if spec.fault:
            (Path(path) / "fault.json").write_text(json.dumps(spec.fault_dict(), indent=2) + "\n")
    except ZooError as err:
        print(f"python -m zoo.validation.worker: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
