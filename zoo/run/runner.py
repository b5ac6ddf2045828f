"""One run of a model on one backend, from seed to a complete results directory.

Steps: check the seed, the costs (before anything is drawn) and the results directory, derive the
seed streams, draw what the model draws at random, open a session on the backend, check what the
model asks of it, build, fingerprint the connectivity, simulate with progress, collect the recorded
window into a Neo block; then keep what was simulated first: spikes, structure and provenance, then
the analysis (summary.json), then the figures. A failure in the analysis or a figure keeps the data
and is recorded in summary.json under "failures" (the caller decides what it means: the CLI exits 3).
"""

import contextlib
import logging
import time
import traceback
from pathlib import Path

from .. import backends, io, progress, references
from ..analysis import plots
from ..analysis.summary import format_table, summarize
from ..backends import capabilities, estimate
from ..backends.fingerprint import fingerprint
from ..errors import ZooError
from ..seeds import SeedStreams
from . import apart, costs, provenance, states
from .results import ResultsDir, check_target

log = logging.getLogger("zoo")


def default_out_dir(model, simulator, seed):
    return Path("results") / f"{model.name}-{model.variant_name}-{simulator}-seed{seed}"


def _structure(model, drawn):
    """The structure as a dict; running out of memory while drawing it is a one-line ZooError."""
    try:
        return model.structure(drawn).as_dict()
    except MemoryError as err:
        raise ZooError(f"not enough memory to draw {model.name} ({model.variant_name}): {err}") from None


def dry_run(model, simulator, seed, out=None, force=False):
    """Write structure.json (populations, projections, estimate) without touching a simulator."""
    streams = SeedStreams(seed)
    costs.check(model, simulator, dry_run=True)
    out = out or default_out_dir(model, "dry-run", seed)
    with ResultsDir(out, force) as results:
        structure = _structure(model, model.draw(streams))
        structure["estimate"] = estimate.estimate(structure, model, simulator)
        with results.writing():
            results.write_json("structure.json", structure)
            results.write_json(
                "provenance.json",
                {"model": model.name, "variant": model.variant_name, "dry_run": True, "parameters": model.params.table(),
                 "seeds": {"master": seed, "derived": streams.derived}},
            )
        return results.commit(), structure


def plan(model, simulator, seed, ranks, threads, command, out=None, force=False):
    """The plan of running `model` as `ranks` MPI processes of `threads` threads, from its size
    alone (nothing drawn, so it works for networks far larger than this machine): plan.json
    (memory per rank, build and simulate times, their basis), a SLURM script job.slurm that runs
    `command` (the zoo's command line) as planned, and provenance.json. Returns (path, plan)."""
    if not backends.distributed(simulator) and ranks > 1:
        raise ZooError(distributed_refusal(simulator, ranks))
    size = model.expected_size()
    if size is None:
        raise ZooError(f"{model.name} does not give its size before drawing; --ranks needs it (use --dry-run alone)")
    found = estimate.plan(size, model, simulator, ranks, threads)
    out = out or default_out_dir(model, f"plan-{ranks}x{threads}", seed)
    with ResultsDir(out, force) as results:
        with results.writing():
            results.write_json("plan.json", found)
            results.path("job.slurm").write_text(estimate.slurm_script(found, command, f"zoo-{model.name}"))
            results.write_json(
                "provenance.json",
                {"model": model.name, "variant": model.variant_name, "dry_run": True, "plan": True,
                 "parameters": model.params.table(), "overrides": model.overrides(), "seeds": {"master": seed},
                 "estimate_coefficients": estimate.COEFFICIENTS[simulator]},
            )
        return results.commit(), found


def run(model, simulator, seed, threads=1, out=None, force=False, make_plots=True, extra_json=None, record=(),
        record_cells=5, first_ms=None):
    """Run `model` on `simulator`; return (results path, summary dict).

    `first_ms`: simulate only the first `first_ms` ms of the protocol and keep every spike from t = 0,
    warm-up included, without analysis or figures (validation's spike-time comparison,
    :mod:`validation.early`); None: the whole protocol, recorded after the warm-up.

    `record`: state variables (e.g. "v", "gsyn_exc") sampled in `record_cells` cells per population
    (:mod:`.states`). `extra_json`: {file name: JSON-ready data} written with the results (e.g.
    validation's fault.json). Failures of the analysis or of a figure are listed in
    summary["failures"] (empty when none).

    Started as several MPI processes (``mpirun -np N``), every rank builds and simulates its part
    of the one network; the recorded data and the fingerprint are gathered onto rank 0, which
    alone writes the results directory. The other ranks return (None, None). The checks before
    the build fail on all ranks together (:meth:`zoo.backends.mpi.World.agree`).
    """
    world = backends.world()
    streams = SeedStreams(seed)
    world.agree(_check, model, simulator, world)
    target = out or default_out_dir(model, simulator, seed)
    # One process opens its results directory now. With several ranks, rank 0 only checks the
    # target now and opens it once every rank's part is gathered: a rank that fails (or is ended)
    # before then leaves nothing on disk, whatever signal the launcher ends the others with.
    early = world.agree(lambda: ResultsDir(target, force) if world.size == 1 else
                        check_target(target, force) if world.root else None)
    with early or contextlib.nullcontext():
        drawn = model.draw(streams)
        timings = {}
        # Before anything is built: what this backend cannot run, or runs differently.
        findings = world.agree(capabilities.require, model, simulator, threads=threads, drawn=drawn)
        session = world.agree(backends.setup, simulator, streams, threads=threads,
                              **model.simulation_settings(max_delay=0.0, drawn=drawn))
        with _ending(session, world) as backend:
            world.agree(_check_ranks, backend, world)
            log.info("building %s (%s) on %s%s", model.name, model.variant_name, simulator,
                     f" ({world.size} MPI processes x {threads} threads)" if world.size > 1 else "")
            start = time.perf_counter()  # build time includes drawing the connectivity
            structure = _structure(model, drawn)
            network = model.build(backend.sim, streams, drawn)
            del drawn  # what the build did not take, it holds itself
            sampled = states.record(network, record, record_cells, streams) if record else []
            timings["build"] = time.perf_counter() - start
            log.info("built in %.1f s", timings["build"])
            start = time.perf_counter()
            prints = fingerprint(network, total=structure["totals"]["synapses"] if structure["exact_counts"] else None)
            timings["fingerprint"] = time.perf_counter() - start
            window = (model.warmup_ms, model.warmup_ms + model.duration_ms) if first_ms is None else (0.0, first_ms)
            log.info("simulating %.0f ms (%.0f ms warm-up)", window[1], window[0])
            timings["simulate"] = backend.simulate(window[1])
            segment = io.collect_segment(network, *window, gather=world.gather)  # every rank's spikes, on rank 0
            signals = states.collect(sampled, *window)  # gathered by PyNN: a few cells
            if segment is not None:
                segment.analogsignals = signals
            per_rank = world.gather({"peak_memory_bytes": progress.peak_memory_bytes(), "timing_s": dict(timings)})
        if not world.root:
            return None, None
        parallel = _parallel(world, backend, per_rank)
        results = early or ResultsDir(target, force)
        return _keep(results, model, simulator, seed, backend, streams, timings, prints, window, parallel, structure,
                     segment, findings, extra_json, make_plots, analyse=first_ms is None)


def _keep(results, model, simulator, seed, backend, streams, timings, prints, window, parallel, structure, segment,
          findings, extra_json, make_plots, analyse=True):
    """Write what was simulated into `results`, then the analysis and figures; commit; print the table."""
    with results:

        def provenance_now():  # written with the spikes, and again with the analysis' time and the final peak memory
            found = provenance.record(model, backend, streams, timings, progress.peak_memory_bytes(), prints, window)
            if parallel:
                found["mpi"] = parallel
            return found

        log.info("writing spikes and provenance")
        with results.writing():
            results.need_space(io.estimated_nix_bytes(segment), "spikes.nix")
            apart.call(
                "spikes.nix", io.save_segment, segment, results.path("spikes.nix"),
                {"model": model.name, "variant": model.variant_name, "simulator": simulator, "master_seed": seed},
            )
            results.write_json("structure.json", structure)
            for name, data in (extra_json or {}).items():
                results.write_json(name, data)
            results.write_json("provenance.json", provenance_now())
        failures = []
        start = time.perf_counter()
        summary = _analyse(model, segment, findings, failures) if analyse else {}
        timings["analysis"] = time.perf_counter() - start
        if make_plots and analyse:
            _figures(model, segment, summary, simulator, seed, results, failures)
        summary["failures"] = failures
        with results.writing():
            results.write_json("summary.json", summary)
            results.write_json("provenance.json", provenance_now())
        path = results.commit()
    if "populations" in summary:
        print(format_table(summary))
    for check in summary.get("reference_checks", ()):
        verdict = "pass" if check["passed"] else "FAIL"
        measured = "-" if check["measured"] is None else f"{check['measured']:.3f}"
        print(f"{verdict}: {check['population']} {check['statistic']} = {measured}, reference "
              f"{check['value']} +/- {check['spread']} ({check['kind']}, n = {check['n']})")
    return path, summary


@contextlib.contextmanager
def _ending(backend, world):
    """End the session after the block. With several ranks, a failure only releases the zoo's
    changes: ending NEST waits for the other ranks, and the one that failed is about to end them
    all (MPI_Abort), so ending it would hang."""
    try:
        yield backend
    except BaseException:
        if world.size > 1:
            backend.release()
        else:
            backend.end()
        raise
    backend.end()


def _check(model, simulator, world):
    """The checks before anything is drawn: a simulator that can run on the ranks started, costs."""
    if world.size > 1 and not backends.distributed(simulator):
        raise ZooError(distributed_refusal(simulator, world.size))
    costs.check(model, simulator)


def distributed_refusal(simulator, size):
    """The one line for a simulator without a distributed mode, started as `size` MPI processes."""
    return (f"{simulator} has no distributed mode, but this run was started as {size} MPI processes; run it "
            f"without mpirun, or use --sim {backends.DEFAULT_SIMULATOR} (NEST with MPI)")


def _check_ranks(backend, world):
    """The simulator must see the ranks that the launcher started (else each would run the whole model)."""
    if backend.ranks != world.size:
        raise ZooError(f"{backend.name} runs as {backend.ranks} process(es), but this run was started as {world.size} "
                       f"MPI processes: this {backend.name} is built without MPI; install one with {backends.mpi.INSTALL_HINT}")


def _parallel(world, backend, per_rank):
    """Provenance of a run on several MPI processes: ranks, threads, and each rank's memory and times."""
    if world.size == 1:
        return None
    return {"processes": world.size, "threads_per_process": backend.threads,
            "virtual_processes": world.size * backend.threads, "per_rank": per_rank}


def _failure(step, err):
    """One entry of summary["failures"]: the step, the error in one line, and where it was raised."""
    where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    return {"step": step, "error": f"{type(err).__name__}: {err}".splitlines()[0],
            "where": f"{where.filename}:{where.lineno}" if where else None}


def _analyse(model, segment, findings, failures):
    """summary.json's content; a failure of the analysis leaves what it had and is listed in `failures`."""
    summary = {}
    backend_findings = [f.as_dict() for f in findings if f.level != "note"]
    try:
        summary.update(summarize(segment))
        summary["observables"] = model.observables(segment)
        summary["backend_findings"] = backend_findings
        # Reference numbers hold for the variant's parameters only, so changed parameters skip them.
        found = references.load(type(model).__module__.rsplit(".", 1)[0]) if not model.overrides() else []
        summary["reference_checks"] = references.check(summary, found, model.variant_name)
    except Exception as err:  # the spikes are saved: keep them, say what failed
        log.info("the analysis failed: %s", _failure("analysis", err)["error"])
        failures.append(_failure("analysis", err))
        summary.setdefault("backend_findings", backend_findings)
    return summary


def _figures(model, segment, summary, simulator, seed, results, failures):
    """raster.png, rates.png and the model's own figures; a figure that fails is removed and listed."""
    hints = model.figure_hints()
    title = f"{model.name} ({model.variant_name}) on {simulator}, seed {seed}"
    shade = hints.get("shade_ms", ())
    figures = [
        ("raster.png", lambda path: plots.raster(segment, path, shade=shade, title=title)),
        ("rates.png", lambda path: plots.rates(segment, path, shade=shade, group_by=hints.get("group_by"), title=title,
                                               curves=hints.get("curves", ()))),
    ]
    if segment.analogsignals:
        figures.append(("traces.png", lambda path: plots.traces(segment.analogsignals, path, title=title)))
    if "populations" in summary:  # the model's own figures may read the summary
        try:
            figures += list(model.extra_figures(segment, summary, title))
        except Exception as err:
            failures.append(_failure("extra figures", err))
    for name, draw in figures:
        try:
            with results.writing():
                draw(results.path(name))
        except ZooError:
            raise  # the disk: nothing more can be written
        except Exception as err:
            log.info("figure %s failed: %s", name, _failure(name, err)["error"])
            failures.append(_failure(name, err))
            results.path(name).unlink(missing_ok=True)
