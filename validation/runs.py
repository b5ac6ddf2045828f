"""The runs a validation needs: where they live on disk, whether one can be reused, running the rest.

A run is one model (variant, parameter values, optional injected fault) on one arm (a simulator,
run as R MPI ranks x T threads: :mod:`.arms`) with one master seed. Its results directory is

    RUNS/<model>-<variant>-<params hash>[+<fault>]/<arm>-seed<seed>/

(<arm>: ``nest``, ``brian2``, or ``nest@2x1`` for a split other than one process of one thread; a run
of only the protocol's first W ms, every spike kept from t = 0, ends in ``-first<W>ms``:
:mod:`.early`)

where the hash covers every parameter value (``model.params.values()``), so a changed parameter
never reuses an old run. A directory found there is reused only when its provenance.json names the
same model, variant, parameter values, simulator, ranks, threads and seed (and its fault.json the same fault),
made by a zoo of the current ``zoo.RESULTS_VERSION`` whose behaviour fingerprint
(:mod:`validation.behaviour`, kept beside the run as behaviour.json) is today's: a run made by a
zoo that simulated differently is never reused, a run made before a refactoring that kept every
spike is. Anything else there is an error unless ``force`` is given, which re-runs and replaces it.
The fingerprint comes from runs in one process: a change that alters only the spikes of split runs
(how NEST shares a network between ranks) is not seen by it; such runs need ``--force``.

Each run executes in a fresh Python process (``python -m zoo.validation.worker``): NEST's kernel and
Brian2's device keep state between runs in one process; a run of R > 1 ranks is R such processes,
started by the MPI launcher (:func:`.arms.launcher`). At most `jobs` runs go at a time. RUNS is
made absolute first, so that parent and workers mean the same folder from any working directory;
by default it is a user cache (:func:`default_root`), never a folder of the installed package.
"""

import concurrent.futures
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from zoo import RESULTS_VERSION
from zoo.backends import SLOWER_FIRST
from zoo.errors import ZooError

from .arms import Arm, launcher, launcher_environment


def default_root():
    """Where runs are kept unless --runs says: $ZOO_CACHE_DIR/validation (default ~/.cache/zoo/validation)."""
    return Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo").expanduser() / "validation"


def prepare_root(root):
    """`root` as an absolute path, made if missing; a ZooError (one line) if runs cannot be kept there."""
    root = Path(os.path.abspath(Path(root).expanduser()))
    if root.exists() and not root.is_dir():
        raise ZooError(f"--runs {root} is not a directory")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".zoo-probe-{os.getpid()}"
        probe.mkdir()
        probe.rmdir()
    except OSError as err:
        raise ZooError(f"cannot keep runs in {root}: {err.strerror or err}") from None
    return root


def frozen(mapping):
    """A dict as a hashable tuple of items (lists become tuples), for RunSpec.fault."""
    return tuple((key, tuple(value) if isinstance(value, list) else value) for key, value in mapping.items())


def params_hash(model):
    """12 hex digits of SHA-256 over every parameter value of `model` (names sorted)."""
    text = json.dumps(model.params.values(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One run: model name, variant, parameter overrides, simulator, seed, optional fault (a dict),
    the split: MPI ranks x threads (one process of one thread unless said), and `first_ms`: 0 for
    the whole protocol, else only its first `first_ms` ms, recorded from t = 0."""

    model: str
    variant: str
    overrides: tuple  # ((name, value), ...), sorted: hashable and JSON-ready
    simulator: str
    seed: int
    fault: tuple = ()  # frozen(Fault.as_dict()), empty for an unmodified model
    ranks: int = 1
    threads: int = 1
    first_ms: float = 0.0

    @property
    def arm(self):
        """The arm's name: 'nest', 'brian2', 'nest@2x1' (:mod:`.arms`)."""
        return Arm(self.simulator, self.ranks, self.threads).name

    def create_model(self, faulted=True):
        """The model this run simulates; with faulted=False, the same model without its fault."""
        from zoo import registry

        model = registry.create_model(f"{self.model}.{self.variant}", **dict(self.overrides))
        if faulted and self.fault:
            from . import faults

            model = faults.inject(model, faults.Fault.from_dict(self.fault_dict()))
        return model

    def fault_dict(self):
        """The fault as written to fault.json (tuples as lists), None without a fault."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self.fault} if self.fault else None

    def as_dict(self):
        return {
            "model": self.model, "variant": self.variant, "overrides": dict(self.overrides),
            "simulator": self.simulator, "seed": self.seed, "fault": self.fault_dict(),
            "ranks": self.ranks, "threads": self.threads, "first_ms": self.first_ms,
        }

    @classmethod
    def from_dict(cls, data):
        fault = data.get("fault") or {}
        return cls(
            data["model"], data["variant"], tuple(sorted(data.get("overrides", {}).items())),
            data["simulator"], int(data["seed"]), frozen(fault), int(data.get("ranks", 1)), int(data.get("threads", 1)),
            float(data.get("first_ms", 0.0)),
        )

    def label(self):
        fault = dict(self.fault).get("name") if self.fault else None
        first = f", first {self.first_ms:g} ms" if self.first_ms else ""
        return f"{self.arm}{'+' + fault if fault else ''} seed {self.seed}{first}"


def run_dir(root, spec):
    """The results directory of `spec` under `root` (see the module docstring)."""
    model = spec.create_model(faulted=False)
    group = f"{spec.model}-{spec.variant}-{params_hash(model)}"
    if spec.fault:
        group += "+" + dict(spec.fault)["name"]
    return Path(root) / group / f"{spec.arm}-seed{spec.seed}{f'-first{spec.first_ms:g}ms' if spec.first_ms else ''}"


def _effect(fault):
    """What a fault does (its description is prose and may be reworded without a re-run)."""
    return None if fault is None else {key: value for key, value in fault.items() if key != "description"}


def _parameter_values(table):
    return {row["name"]: row["value"] for row in table}


def reuse_problem(path, spec, model=None, behaviour=None):
    """Why the results in `path` cannot stand for `spec` (None: they can be reused). `behaviour`:
    today's behaviour fingerprint (SHA-256) of the spec's model, which the run must record."""
    path = Path(path)
    needed = ("provenance.json", "summary.json", "spikes.nix")
    missing = [name for name in needed if not (path / name).is_file()]
    if missing:
        return f"missing {', '.join(missing)}"
    try:
        failures = json.loads((path / "summary.json").read_text()).get("failures")
    except (OSError, ValueError, AttributeError):
        return "unreadable summary.json"
    if failures:
        return f"its analysis failed ({failures[0].get('step')}: {failures[0].get('error')})"
    model = model or spec.create_model()
    try:
        prov = json.loads((path / "provenance.json").read_text())
    except (OSError, ValueError) as err:
        return f"unreadable provenance.json ({err})"
    expected = json.loads(json.dumps(model.params.table()))  # tuples as lists, as written
    if prov.get("results_version") != RESULTS_VERSION:
        return f"it was made by an older zoo (results version {prov.get('results_version', 1)}, now {RESULTS_VERSION})"
    if prov.get("model") != spec.model or prov.get("variant") != spec.variant:
        return f"it holds {prov.get('model')}.{prov.get('variant')}"
    backend = prov.get("backend", {})
    if backend.get("simulator") != spec.simulator:
        return f"it was run on {backend.get('simulator')}"
    split = (backend.get("mpi_processes") or 1, backend.get("threads") or 1)  # absent in runs of one process
    if split != (spec.ranks, spec.threads):
        return f"it was run as {split[0]} ranks x {split[1]} threads, not {spec.ranks} x {spec.threads}"
    window = [0.0, spec.first_ms] if spec.first_ms else [model.warmup_ms, model.warmup_ms + model.duration_ms]
    if prov.get("recorded_window_ms") != window:
        return f"it recorded {prov.get('recorded_window_ms')} ms, not {window}"
    if prov.get("seeds", {}).get("master") != spec.seed:
        return f"its master seed is {prov.get('seeds', {}).get('master')}"
    if _parameter_values(prov.get("parameters", [])) != _parameter_values(expected):
        return "its parameter values differ"
    fault_file = path / "fault.json"
    recorded = json.loads(fault_file.read_text()) if fault_file.is_file() else None
    if _effect(recorded) != _effect(spec.fault_dict()):
        return f"its injected fault is {recorded}, expected {spec.fault_dict()}"
    if behaviour is not None:
        try:
            made_by = json.loads((path / "behaviour.json").read_text()).get("sha256")
        except (OSError, ValueError, AttributeError):
            return "it records no behaviour fingerprint (made by an older zoo)"
        if made_by != behaviour:
            return f"it was made by a zoo that behaved differently (behaviour {str(made_by)[:12]}, now {behaviour[:12]})"
    return None


@dataclasses.dataclass
class RunOutcome:
    spec: RunSpec
    path: Path
    reused: bool
    seconds: float


def _worker_command(spec, path, force, behaviour=None):
    """The worker's command line; under the MPI launcher for a run of several ranks."""
    payload = json.dumps({**spec.as_dict(), "out": str(path), "force": force, "behaviour": behaviour})
    start = launcher(spec.ranks) if spec.ranks > 1 else []
    return start + [sys.executable, "-m", "zoo.validation.worker", payload]


def _execute(spec, path, force, log_path, running, behaviour=None):
    """Run `spec` in a worker process (kept in the set `running` while it runs); its wall time in s."""
    start = time.perf_counter()
    with open(log_path, "w") as log:
        worker = subprocess.Popen(_worker_command(spec, path, force, behaviour), stdout=log, stderr=subprocess.STDOUT,
                                  env=launcher_environment() if spec.ranks > 1 else None)
        running.add(worker)
        try:
            code = worker.wait()
        finally:
            running.discard(worker)
    if code != 0:
        tail = Path(log_path).read_text().strip().splitlines()[-5:]
        raise ZooError(f"run {spec.label()} failed (exit {code}); log {log_path}: " + " | ".join(tail))
    return time.perf_counter() - start


def ensure_runs(specs, root=None, jobs=2, force=False, report=None, behaviour=None):
    """Reuse or run every spec under `root` (default: :func:`default_root`); return {spec: RunOutcome}.
    `report(text)` receives progress lines. `behaviour` (a :class:`validation.behaviour.Fingerprints`)
    gives today's behaviour fingerprint of each spec's model: runs record it and are reused only
    under it; None skips that check (tests of this module).

    Runs execute `jobs` at a time, slowest simulator first. A directory that exists but does not
    match its spec raises ZooError before anything runs, unless `force`. An interruption
    (KeyboardInterrupt, or SIGTERM/SIGHUP under zoo.run.signals) stops the workers, which clean up.
    """
    report = report or (lambda text: None)
    root = prepare_root(root if root is not None else default_root())
    outcomes, todo = {}, []
    prints = {}
    for spec in specs:
        model = spec.create_model()
        path = run_dir(root, spec)
        prints[spec] = behaviour.of(spec.create_model(faulted=False)) if behaviour is not None else None
        problem = reuse_problem(path, spec, model, prints[spec] and prints[spec]["sha256"]) if path.exists() else "absent"
        if problem is None:
            outcomes[spec] = RunOutcome(spec, path, True, 0.0)
        elif problem != "absent" and not force:
            raise ZooError(f"{path} exists but cannot be reused ({problem}); use --force to re-run it")
        else:
            todo.append((spec, path, problem != "absent"))
    if outcomes:
        report(f"reusing {len(outcomes)} run(s) from {Path(root)}")
    todo.sort(key=lambda item: (SLOWER_FIRST.index(item[0].simulator), item[0].seed))
    if not todo:
        return outcomes
    report(f"running {len(todo)} run(s), {min(jobs, len(todo))} at a time")
    running, failures = set(), []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {}
        try:
            for spec, path, replace in todo:
                path.parent.mkdir(parents=True, exist_ok=True)
                log_path = path.parent / f"{path.name}.log"
                futures[pool.submit(_execute, spec, path, replace, log_path, running, prints[spec])] = (spec, path)
            for count, future in enumerate(concurrent.futures.as_completed(futures), 1):
                spec, path = futures[future]
                try:
                    seconds = future.result()
                except ZooError as err:
                    failures.append(str(err))
                    report(f"[{count}/{len(todo)}] {spec.label()}: FAILED")
                    continue
                outcomes[spec] = RunOutcome(spec, path, False, seconds)
                report(f"[{count}/{len(todo)}] {spec.label()}: done in {seconds:.0f} s")
        except BaseException:
            for future in futures:
                future.cancel()
            for worker in list(running):
                worker.terminate()  # the worker removes its staging directory and exits
            raise
    if failures:
        raise ZooError(failures[0] + (f" (and {len(failures) - 1} more failed runs)" if len(failures) > 1 else ""))
    return outcomes
