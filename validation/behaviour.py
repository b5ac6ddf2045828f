"""A model's behaviour in one hash, so that reports and cached runs can tell when they are stale.

    python -m zoo.validation.behaviour rostami2020            # the fingerprint as JSON (seconds)
    python -m zoo.validation.behaviour zerlaut2018.const4

The fingerprint of a model (and of the variant a report is about) hashes

- the spikes of a short run of the model's ``tiny`` variant with master seed :data:`SEED` on every
  backend, each in a fresh process (NEST on one thread; Brian2 on its ``numpy`` code target, which
  compiles nothing), recorded for at most :data:`RECORDED_MS` after the tiny variant's warm-up:
  every spike as (population, neuron, time step), so the hash is independent of how times print;
- the report variant's parameter table (names, values, units), which the tiny run does not see.

A refactoring that leaves every spike and parameter as it was keeps the fingerprint; a change of
behaviour (a model, a backend patch, a simulator version) changes it. Reports record it
(:mod:`validation.report`), and so do validation runs (``behaviour.json``), which are reused only
while it holds (:mod:`validation.runs`). It is exact: another CPU or library build may round
differently, so it is computed and compared on one kind of machine (the tests recompute it).
"""

import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys

import numpy as np

VERSION = 1
SEED = 1
RECORDED_MS = 300.0
CODEGEN_ENV = {"ZOO_BRIAN2_CODEGEN": "numpy"}


def spikes_digest(segment, timestep_ms):
    """(SHA-256, spike count) of a per-neuron segment: per population (by name), every spike as
    (time step, neuron index), sorted."""
    from zoo import io

    digest, count = hashlib.sha256(), 0
    t_start, _ = io.segment_window(segment)
    for name, trains in sorted(io.trains_by_population(segment).items()):
        steps, neurons = [], []
        for st in trains:
            times = io.times_ms(st)
            steps.append(np.rint((times - float(t_start.magnitude)) / timestep_ms).astype(np.int64))
            neurons.append(np.full(times.size, int(st.annotations["source_index"]), dtype=np.int64))
        steps = np.concatenate(steps) if steps else np.array([], np.int64)
        neurons = np.concatenate(neurons) if neurons else np.array([], np.int64)
        order = np.lexsort((neurons, steps))
        digest.update(f"{name}:{len(trains)}:{steps.size}\n".encode())
        digest.update(np.ascontiguousarray(np.stack([steps[order], neurons[order]])).tobytes())
        count += int(steps.size)
    return digest.hexdigest(), count


def tiny_model(name):
    """The model the fingerprint runs: `name`'s tiny variant, recorded for at most RECORDED_MS."""
    from zoo import registry
    from zoo.errors import ZooError

    model = registry.create_model(f"{name}.tiny")
    if model.duration_ms > RECORDED_MS:
        try:
            model = registry.create_model(f"{name}.tiny", duration=RECORDED_MS)
        except ZooError:  # a model whose recorded time is fixed by its protocol (fore2020: whole trials)
            pass
    return model


def run_here(name, simulator):
    """The spikes of the fingerprint run of model `name` on `simulator`, in this process (JSON-ready)."""
    from zoo import backends, io
    from zoo.seeds import SeedStreams

    model = tiny_model(name)
    streams = SeedStreams(SEED)
    settings = model.simulation_settings(max_delay=0.0)
    with backends.setup(simulator, streams, threads=1, **settings) as backend:
        network = model.build(backend.sim, streams)
        total = model.warmup_ms + model.duration_ms
        backend.simulate(total, every_s=1e9)
        segment = io.collect_segment(network, model.warmup_ms, total)
        facts = backend.info()
    sha, count = spikes_digest(segment, settings["timestep"])
    return {"variant": model.variant_name, "seed": SEED, "recorded_ms": [model.warmup_ms, total], "spikes": count,
            "sha256": sha, "codegen": facts.get("brian2_codegen_target"), "versions": facts.get("versions", {})}


def parameters_digest(model):
    """SHA-256 of `model`'s parameter table (name, value, unit of every parameter)."""
    table = [{key: row.get(key) for key in ("name", "value", "unit")} for row in model.params.table()]
    return hashlib.sha256(json.dumps(table, sort_keys=True, default=str).encode()).hexdigest()


def _run_process(name, simulator):
    from zoo.errors import ZooError

    command = [sys.executable, "-m", "zoo.validation.behaviour", "--run", name, simulator]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **CODEGEN_ENV})
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise ZooError(f"the behaviour run of {name} on {simulator} failed (exit {done.returncode}): {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fingerprint(model, simulators=None, runs=None):
    """The behaviour fingerprint of `model` (a ZooModel: its name and parameters count), JSON-ready;
    its "sha256" is what reports and runs compare. `runs`: the spike runs of the model's name, when
    already made (:class:`Fingerprints`)."""
    from zoo.backends import SIMULATORS

    simulators = tuple(simulators or SIMULATORS)
    if runs is None:
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(simulators)) as pool:  # one process each
            runs = dict(zip(simulators, pool.map(lambda sim: _run_process(model.name, sim), simulators)))
    hashed = {"version": VERSION, "model": model.name, "parameters_sha256": parameters_digest(model),
              "spikes_sha256": {sim: runs[sim]["sha256"] for sim in simulators}}
    sha = hashlib.sha256(json.dumps(hashed, sort_keys=True).encode()).hexdigest()
    return {**hashed, "variant": model.variant_name, "runs": runs, "sha256": sha}


class Fingerprints:
    """Fingerprints of several models, the short runs made once per model name (variants and
    parameter changes share them: only the parameter digest differs)."""

    def __init__(self, say=None):
        self._runs = {}
        self._say = say or (lambda text: None)

    def of(self, model):
        if model.name not in self._runs:
            self._say(f"behaviour fingerprint of {model.name}: short fixed-seed runs on every backend")
            self._runs[model.name] = fingerprint(model)["runs"]
        return fingerprint(model, runs=self._runs[model.name])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[0] == "--run":
        import logging

        logging.disable(logging.WARNING)
        print(json.dumps(run_here(argv[1], argv[2])))
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m zoo.validation.behaviour MODEL[.VARIANT]", file=sys.stderr)
        return 2
    from zoo import registry
    from zoo.errors import ZooError

    try:
        print(json.dumps(fingerprint(registry.create_model(argv[0])), indent=1))
    except ZooError as err:
        print(f"python -m zoo.validation.behaviour: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
