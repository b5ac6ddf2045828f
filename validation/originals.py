"""The original code of a model as a third arm: run unmodified, its spikes read and measured as the zoo's.

    python -m zoo.validation rostami2020 --seeds 5 --original-seeds 5

A model whose original code runs here has a module ``original`` in its package (e.g.
``models/rostami2020/original.py``) with

- ``DESCRIPTION``: one line naming the code and its version;
- ``VARIANTS``: the zoo variants whose protocol the original code runs;
- ``REQUIRES`` (optional): {module: pip package} that the original code imports and the zoo does
  not install, checked before any run;
- ``simulate(code_dir, variant, seed, threads)``: imports the original code from `code_dir` (fetched
  and checked by :mod:`zoo.originals`), runs it unmodified with that seed (only its own arguments
  and parameter dictionaries are given, never its code changed) and returns
  ``{"populations": {name: (times in ms, neuron indices, size, {label: value per neuron})},
  "window_ms": (start, stop), "facts": {...}}``, populations named and labelled as the zoo's model
  names and labels them, times on the zoo's clock (warm-up included).

Each run executes in a fresh process (``python -m zoo.validation.originals --run ...``), like the
zoo's validation runs, and writes a results directory the zoo's measures read: ``spikes.nix``,
``summary.json`` (the zoo's summary and the model's observables, computed by the zoo from the
original's spikes) and ``provenance.json`` (the code's repository, commit and checksums, the
seed, versions). Runs live under the runs folder in ``<model>-<variant>-original-<commit>/seed<N>``
and are reused while the code, the driver and the seed are the same.

The original draws a network of its own for a seed, so it is compared with the zoo by the
seed-to-seed rule with all seed pairs (:func:`validation.checks.seed_null`, ``same_networks=False``),
never by the paired rule.
"""

import concurrent.futures
import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import json
import subprocess
import sys
import time
from pathlib import Path

from zoo.errors import ZooError

from . import checks

ARM = "original"


def driver(model):
    """The model's ``original`` module, or None when its original code does not run here."""
    package = type(model).__module__.rsplit(".", 1)[0]
    try:
        return importlib.import_module(f"{package}.original")
    except ModuleNotFoundError as err:
        if err.name != f"{package}.original":
            raise
        return None


def describe(model):
    found = driver(model)
    return found.DESCRIPTION if found else "none"


def require(model):
    """The directory of `model`'s original code; ZooError (one line) when it has none, or none for
    this variant, or the code cannot be fetched."""
    from zoo import originals

    found = driver(model)
    if found is None:
        raise ZooError(f"{model.name} has no original code that runs here (its model card says why)")
    if model.variant_name not in found.VARIANTS:
        raise ZooError(f"the original code of {model.name} runs the variants {', '.join(found.VARIANTS)}, "
                       f"not '{model.variant_name}'")
    if model.overrides():
        raise ZooError(f"the original code of {model.name} runs its own parameters; drop --set and --duration")
    for module, package in getattr(found, "REQUIRES", {}).items():
        if importlib.util.find_spec(module) is None:
            raise ZooError(f"the original code of {model.name} imports {module}, which the zoo does not install: "
                           f"pip install {package}")
    return originals.require(model.name)


NEVER = ("paired-by-seed rows (the original draws its own networks and inputs with its own generators)",
         "connectivity fingerprints (it records no connection lists)")


def coverage(comparisons, labels):
    """What the report can say about the original arm, from the comparisons made: {"compared":
    {statistic: [populations]} (seed-to-seed rows with the original, less the constant ones, which
    the parameters decide), "not_measured": the same for the zoo's seed-to-seed rows that have no
    original row (its runs do not give them), "zoo": the same for the zoo arms' own seed-to-seed
    rows (what the other two are out of), "never": what no original run can be compared on}."""
    from .report import statistic_label

    def grouped(rows):
        found = {}
        for check in rows:
            found.setdefault(statistic_label(check), []).append(check.population or "(model)")
        return {name: sorted(set(pops)) for name, pops in found.items()}

    seed_rows = [r for r in comparisons if r.check.tolerance_rule == checks.RULE]
    with_original = [r for r in seed_rows if ARM in r.check.backends]
    have = {(r.check.statistic, r.check.population) for r in with_original}
    missing = [r.check for r in seed_rows
               if r.check.backends == tuple(labels) and (r.check.statistic, r.check.population) not in have]
    compared = [r.check for r in with_original if r.status != "constant"]
    zoo = [r.check for r in seed_rows if r.check.backends == tuple(labels) and r.status != "constant"]
    return {"compared": grouped(compared), "not_measured": grouped(missing), "zoo": grouped(zoo), "never": list(NEVER)}


@dataclasses.dataclass(frozen=True)
class OriginalSpec:
    """One run of a model's original code."""

    model: str
    variant: str
    seed: int
    threads: int = 1
    arm = ARM
    simulator = ARM

    def fault_dict(self):
        return None

    def label(self):
        return f"original seed {self.seed}"


@dataclasses.dataclass
class OriginalOutcome:
    spec: OriginalSpec
    path: Path
    reused: bool
    seconds: float


def driver_digest(module):
    """SHA-256 (12 hex digits) of the driver's source: a changed driver never reuses old runs."""
    return hashlib.sha256(inspect.getsource(module).encode()).hexdigest()[:12]


def run_dir(root, spec):
    from zoo import originals

    commit = originals.original(spec.model).commit[:7]
    return Path(root) / f"{spec.model}-{spec.variant}-original-{commit}" / f"seed{spec.seed}"


def _reuse_problem(path, spec, digest):
    for name in ("spikes.nix", "summary.json", "provenance.json"):
        if not (path / name).is_file():
            return f"missing {name}"
    prov = json.loads((path / "provenance.json").read_text())
    wanted = {"model": spec.model, "variant": spec.variant, "seed": spec.seed, "threads": spec.threads, "driver_sha": digest}
    found = {key: prov.get(key) for key in wanted}
    return None if found == wanted else f"it was made for {found}, not {wanted}"


def ensure_runs(model, k, root, jobs=1, force=False, say=None):
    """Reuse or run seeds 1..k of `model`'s original code under `root`; {seed: OriginalOutcome}."""
    say = say or (lambda text: None)
    require(model)
    digest = driver_digest(driver(model))
    outcomes, todo = {}, []
    for seed in range(1, k + 1):
        spec = OriginalSpec(model.name, model.variant_name, seed)
        path = run_dir(root, spec)
        problem = _reuse_problem(path, spec, digest) if path.exists() else "absent"
        if problem is None:
            outcomes[seed] = OriginalOutcome(spec, path, True, 0.0)
        elif problem != "absent" and not force:
            raise ZooError(f"{path} exists but cannot be reused ({problem}); use --force to re-run it")
        else:
            todo.append((spec, path))
    if outcomes:
        say(f"reusing {len(outcomes)} run(s) of the original code")
    if todo:
        say(f"running the original code: {len(todo)} run(s), {min(jobs, len(todo))} at a time")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_execute, spec, path, force): (spec, path) for spec, path in todo}
        for count, future in enumerate(concurrent.futures.as_completed(futures), 1):
            spec, path = futures[future]
            seconds = future.result()
            outcomes[spec.seed] = OriginalOutcome(spec, path, False, seconds)
            say(f"[{count}/{len(todo)}] {spec.label()}: done in {seconds:.0f} s")
    return dict(sorted(outcomes.items()))


def _execute(spec, path, force):
    start = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    log_path = path.parent / f"{path.name}.log"
    command = [sys.executable, "-m", "zoo.validation.originals", "--run", json.dumps(
        {**dataclasses.asdict(spec), "out": str(path), "force": force})]
    with open(log_path, "w") as log:
        code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0:
        tail = " | ".join(Path(log_path).read_text().strip().splitlines()[-4:])
        raise ZooError(f"{spec.label()} of {spec.model} failed (exit {code}); log {log_path}: {tail}")
    return time.perf_counter() - start


def run_here(spec, out, force=False):
    """Run `spec` in this process and write its results directory `out` (see the module docstring)."""
    from zoo import io, originals, registry
    from zoo.analysis.summary import summarize
    from zoo.run import provenance
    from zoo.run.results import ResultsDir

    model = registry.create_model(f"{spec.model}.{spec.variant}")
    module = driver(model)
    code_dir = require(model)
    code = originals.original(spec.model)
    start = time.perf_counter()
    result = module.simulate(code_dir, spec.variant, spec.seed, spec.threads)
    seconds = time.perf_counter() - start
    segment = io.segment_from_spikes(result["populations"], *result["window_ms"])
    summary = {**summarize(segment), "observables": model.observables(segment), "failures": []}
    with ResultsDir(out, force) as results:
        io.save_segment(segment, results.path("spikes.nix"),
                        {"model": spec.model, "variant": spec.variant, "simulator": ARM, "master_seed": spec.seed})
        results.write_json("summary.json", summary)
        results.write_json("provenance.json", {
            "kind": "original code", "model": spec.model, "variant": spec.variant, "seed": spec.seed,
            "threads": spec.threads, "driver_sha": driver_digest(module), "description": module.DESCRIPTION,
            "code": {"repository": code.repository, "commit": code.commit, "licence": code.licence,
                     "files": {name: f.sha256 for name, f in code.files.items()}},
            "backend": {"versions": result.get("facts", {}).get("versions", {}), "threads": spec.threads},
            "facts": result.get("facts", {}), "timing_s": {"simulate": seconds},
            "zoo_commit": provenance.git_state()["zoo_commit"],
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        })
        return results.commit()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "--run":
        print("usage: python -m zoo.validation.originals --run '<spec JSON with \"out\">'", file=sys.stderr)
        return 2
    data = json.loads(argv[1])
    spec = OriginalSpec(data["model"], data["variant"], int(data["seed"]), int(data.get("threads", 1)))
    try:
        run_here(spec, data["out"], bool(data.get("force")))
    except ZooError as err:
        print(f"python -m zoo.validation.originals: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
