"""The protocol's first milliseconds, run apart, for the paired rule's spike-time row.

    python -m zoo.validation.early rostami2020 --ms 60 --seeds 3     # how long the backends agree
    python -m zoo.validation.early rostami2020 --ms 60 --fault delay_0.5ms

For one master seed the two zoo backends start from the identical network, initial state and
input. Until rounding differences have grown (chaotic networks amplify them within tens of ms),
a correct pair of simulators gives the same spikes, to within a time step; a backend that
integrates another model (a wrong time constant, weight or delay) does not, from the first
recurrent input on. The recorded window starts after the warm-up, long after that, so the
validation makes, for each run it compares, a second short run of the same spec that simulates
only the first ``coincident_start_ms`` ms of the protocol (the model's measured window,
:class:`zoo.model.ZooModel`) and keeps every spike from t = 0 (``RunSpec.first_ms``). Such a run
takes seconds.

The measure (:func:`coincident_share`): of all spikes both runs of a seed fire in that window,
the share that has a spike of the same neuron in the other run within one time step.
:mod:`.paired` tests it over seeds.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from . import runs


@dataclasses.dataclass
class EarlySpikes:
    """The spikes of a run of the protocol's first `window_ms` ms: {(population, neuron): times in ms}."""

    trains: dict
    window_ms: float
    timestep_ms: float


def load(path):
    """EarlySpikes of the results directory of a `first_ms` run."""
    from zoo import io

    provenance = json.loads((Path(path) / "provenance.json").read_text())
    segment, _ = io.load_segment(Path(path) / "spikes.nix")
    trains = {(st.annotations["source_population"], int(st.annotations["source_index"])): io.times_ms(st)
              for st in segment.spiketrains}
    return EarlySpikes(trains, float(provenance["recorded_window_ms"][1]), float(provenance["backend"]["timestep_ms"]))


def _matched(times, other, tolerance):
    """How many of `times` have a spike in `other` (sorted) within `tolerance`."""
    if times.size == 0 or other.size == 0:
        return 0
    after = np.clip(np.searchsorted(other, times), 0, other.size - 1)
    before = np.clip(after - 1, 0, other.size - 1)
    nearest = np.minimum(np.abs(other[after] - times), np.abs(other[before] - times))
    return int(np.count_nonzero(nearest <= tolerance))


def coincident_share(a, b, until_ms=None):
    """Share of the spikes of two EarlySpikes (both runs pooled) that the other run fires too: the same
    neuron, within one time step (plus a rounding margin). Counted are the spikes before `until_ms`
    (default: one step before the end of the shorter run, so that every counted spike could have
    its partner recorded); partners are looked for in the whole other run. NaN when none is counted."""
    step = max(a.timestep_ms, b.timestep_ms)
    tolerance = step * (1 + 1e-6)
    until_ms = min(a.window_ms, b.window_ms) - step if until_ms is None else until_ms
    total = matched = 0
    for neuron in a.trains.keys() | b.trains.keys():
        x, y = a.trains.get(neuron, np.empty(0)), b.trains.get(neuron, np.empty(0))
        x_counted, y_counted = x[x < until_ms], y[y < until_ms]
        total += x_counted.size + y_counted.size
        matched += _matched(x_counted, y, tolerance) + _matched(y_counted, x, tolerance)
    return matched / total if total else float("nan")


def attach(model, measured, root, jobs=2, force=False, say=print, behaviour=None):
    """Run (or reuse) the first-window twin of every zoo run in `measured` ({RunSpec: RunMeasures})
    and set each RunMeasures' ``early`` to its EarlySpikes; nothing where the model has no window.
    Entries that are no zoo run (the original's) get ``early = None``."""
    window = model.coincident_start_ms
    twins = {spec: dataclasses.replace(spec, first_ms=float(window)) for spec in measured
             if window and isinstance(spec, runs.RunSpec)}
    for measures in measured.values():
        measures.early = None
    if not twins:
        return
    say(f"the first {window:g} ms of every run, recorded from t = 0, for the spike-time row")
    outcomes = runs.ensure_runs(list(twins.values()), root, jobs, force, report=say, behaviour=behaviour)
    for spec, twin in twins.items():
        measured[spec].early = load(outcomes[twin].path)


def main(argv=None):
    """Shares of coincident spikes over growing windows from t = 0, seed by seed: where a model's
    backends part (to choose its ``coincident_start_ms``), or how soon a fault shows."""
    import sys

    from zoo.backends import SIMULATORS
    from zoo.errors import OneLineParser, ZooError

    from . import behaviour
    from .options import configure

    p = OneLineParser(prog="python -m zoo.validation.early", description=main.__doc__.split(":")[0])
    p.add_argument("model")
    p.add_argument("--sims", nargs=2, default=list(SIMULATORS), metavar="ARM")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--ms", type=float, default=60.0, help="simulated from t = 0 (default: 60)")
    p.add_argument("--fault", help="inject this fault (python -m zoo.validation --list-faults) into the first arm")
    p.add_argument("--variant")
    p.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--runs", help="where runs are kept and reused (default: as python -m zoo.validation)")
    p.add_argument("--jobs", type=int, default=2)
    try:
        args = p.parse_args(argv)
    except SystemExit as done:
        return done.code
    args.duration = None
    try:
        if args.ms <= 0:
            raise ZooError(f"--ms must be positive, got {args.ms}")
        model, template = configure(args)
        from . import arms, faults

        fault = faults.select_faults(model, [args.fault])[0] if args.fault else None
        chosen = [arms.parse(text) for text in args.sims]
        specs = [[runs.RunSpec(**template, simulator=arm.simulator, seed=seed, ranks=arm.ranks, threads=arm.threads,
                               first_ms=args.ms, fault=runs.frozen(fault.as_dict()) if fault and k == 0 else ())
                  for seed in range(1, args.seeds + 1)] for k, arm in enumerate(chosen)]
        done = runs.ensure_runs(specs[0] + specs[1], args.runs, args.jobs,
                                report=lambda text: print(f"[early] {text}", file=sys.stderr, flush=True),
                                behaviour=behaviour.Fingerprints())
    except ZooError as err:
        print(f"python -m zoo.validation.early: error: {err}", file=sys.stderr)
        return 2
    pairs = [(a.seed, load(done[a].path), load(done[b].path)) for a, b in zip(*specs)]
    last = args.ms - max(pairs[0][1].timestep_ms, pairs[0][2].timestep_ms)  # as coincident_share counts by default
    ends = [e for e in (2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 250, 500, 1000) if e < last] + [last]
    print(f"share of the spikes fired from t = 0 to each time that {args.sims[0]}{'+' + fault.name if fault else ''} "
          f"and {args.sims[1]} both fire (same neuron, within one time step)")
    print("seed  " + " ".join(f"{e:>7g}ms" for e in ends))
    for seed, a, b in pairs:
        print(f"{seed:<5} " + " ".join(f"{coincident_share(a, b, e):>9.3f}" for e in ends))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
