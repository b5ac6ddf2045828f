"""One run of a model on one backend, from seed to a complete results directory.

Steps: check the seed, the costs (before anything is drawn) and the results directory, derive the
seed streams, draw what the model draws at random, open a session on the backend, check what the
model asks of it, build, fingerprint the connectivity, simulate with progress, collect the recorded
window into a Neo block; then keep what was simulated first: spikes, structure and provenance, then
the analysis (summary.json), then the figures. A failure in the analysis or a figure keeps the data
and is recorded in summary.json under "failures" (the caller decides what it means: the CLI exits 3).
"""

import errno
import logging
import multiprocessing
import os
import re
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
from . import provenance
from .results import ResultsDir

log = logging.getLogger("zoo")

HOUR_S = 3600.0


def default_out_dir(model, simulator, seed):
    return Path("results") / f"{model.name}-{model.variant_name}-{simulator}-seed{seed}"


def check_costs(model, simulator, dry_run=False):
    """Refuse, before anything is drawn, what this machine's memory cannot hold, and warn of a run
    estimated to take more than an hour; the estimate (dict) or None where the model gives no size."""
    size = model.expected_size()
    if size is None:
        return None
    cost = estimate.cost(size.neurons, size.synapses, model, simulator)
    memory = estimate.machine_memory_bytes()
    what = f"{size.neurons:.3g} neurons, {size.synapses:.3g} synapses"
    need = size.drawn_bytes if dry_run else max(size.drawn_bytes, cost["peak_memory_bytes"])
    doing = "to draw its network" if dry_run else f"to run on {simulator}"
    if memory and need > memory:
        raise ZooError(f"{model.name} ({model.variant_name}, {what}) needs ~{_gb(need)} of memory {doing}; "
                       f"this machine has {_gb(memory)}")
    seconds = cost["build_s"] + cost["simulate_s"]
    if seconds > HOUR_S:
        log.warning("estimated run time on %s: ~%s (build ~%.0f s, simulate ~%.0f s for %g ms; %s)", simulator,
                    _duration(seconds), cost["build_s"], cost["simulate_s"], model.warmup_ms + model.duration_ms, what)
    if dry_run and memory and cost["peak_memory_bytes"] > memory:
        log.warning("running it on %s would need ~%s of memory; this machine has %s", simulator,
                    _gb(cost["peak_memory_bytes"]), _gb(memory))
    return cost


def _gb(size):
    return f"{size / 2**30:.3g} GiB"


def _duration(seconds):
    for unit, length in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600)):
        if seconds >= length:
            return f"{seconds / length:.3g} {unit}"
    return f"{seconds:.0f} s"


def _structure(model, drawn):
    """The structure as a dict; running out of memory while drawing it is a one-line ZooError."""
    try:
        return model.structure(drawn).as_dict()
    except MemoryError as err:
        raise ZooError(f"not enough memory to draw {model.name} ({model.variant_name}): {err}") from None


def dry_run(model, simulator, seed, out=None, force=False):
    """Write structure.json (populations, projections, estimate) without touching a simulator."""
    streams = SeedStreams(seed)
    check_costs(model, simulator, dry_run=True)
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


def run(model, simulator, seed, threads=1, out=None, force=False, make_plots=True, extra_json=None):
    """Run `model` on `simulator`; return (results path, summary dict).

    `extra_json`: {file name: JSON-ready data} written with the results (e.g. validation's fault.json).
    Failures of the analysis or of a figure are listed in summary["failures"] (empty when none).
    """
    streams = SeedStreams(seed)
    check_costs(model, simulator)
    results = ResultsDir(out or default_out_dir(model, simulator, seed), force)
    with results:
        drawn = model.draw(streams)
        timings = {}
        # Before anything is built: what this backend cannot run, or runs differently.
        findings = capabilities.require(model, simulator, threads=threads, drawn=drawn)
        with backends.setup(simulator, streams, threads=threads, **model.simulation_settings(max_delay=0.0)) as backend:
            log.info("building %s (%s) on %s", model.name, model.variant_name, simulator)
            start = time.perf_counter()  # build time includes drawing the connectivity
            structure = _structure(model, drawn)
            network = model.build(backend.sim, streams, drawn)
            del drawn  # what the build did not take, it holds itself
            timings["build"] = time.perf_counter() - start
            log.info("built in %.1f s", timings["build"])
            start = time.perf_counter()
            prints = fingerprint(network, total=structure["totals"]["synapses"] if structure["exact_counts"] else None)
            timings["fingerprint"] = time.perf_counter() - start
            total = model.warmup_ms + model.duration_ms
            log.info("simulating %.0f ms (%.0f ms warm-up)", total, model.warmup_ms)
            timings["simulate"] = backend.simulate(total)
            window = (model.warmup_ms, total)
            segment = io.collect_segment(network, *window)
        peak = progress.peak_memory_bytes()

        def record():
            return provenance.record(model, backend, streams, timings, peak, prints, window)

        log.info("writing spikes and provenance")
        with results.writing():
            results.need_space(io.estimated_nix_bytes(segment), "spikes.nix")
            _apart(
                io.save_segment, segment, results.path("spikes.nix"),
                {"model": model.name, "variant": model.variant_name, "simulator": simulator, "master_seed": seed},
            )
            results.write_json("structure.json", structure)
            for name, data in (extra_json or {}).items():
                results.write_json(name, data)
            results.write_json("provenance.json", record())
        failures = []
        start = time.perf_counter()
        summary = _analyse(model, segment, findings, failures)
        timings["analysis"] = time.perf_counter() - start
        if make_plots:
            _figures(model, segment, summary, simulator, seed, results, failures)
        summary["failures"] = failures
        with results.writing():
            results.write_json("summary.json", summary)
            results.write_json("provenance.json", record())
        path = results.commit()
    if "populations" in summary:
        print(format_table(summary))
    for check in summary.get("reference_checks", ()):
        verdict = "pass" if check["passed"] else "FAIL"
        measured = "-" if check["measured"] is None else f"{check['measured']:.3f}"
        print(f"{verdict}: {check['population']} {check['statistic']} = {measured}, reference "
              f"{check['value']} +/- {check['spread']} ({check['kind']}, n = {check['n']})")
    return path, summary


def _apart(write, *args):
    """``write(*args)`` in a forked process, waited for: HDF5 can crash the process whose write hit a
    full disk (a segfault while it cleans up), and this one holds the simulation. The child's
    exception comes back as an OSError (with its errno, which h5py only names in its message)."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system
        return write(*args)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, write, args), daemon=True)
    child.start()
    send.close()
    try:
        child.join()
    except BaseException:
        child.terminate()
        child.join()
        raise
    try:
        message = receive.recv()  # the child sends None when done
    except EOFError:  # it ended without a word
        message = None
    if child.exitcode == 0 and message is None:
        return None
    if message is None:
        raise OSError(errno.EIO, f"the writer of {args[1] if len(args) > 1 else 'a file'} ended with exit code {child.exitcode}")
    number, text = message
    if number:
        raise OSError(number, os.strerror(number))
    raise RuntimeError(f"writing {Path(args[1]).name if len(args) > 1 else 'a file'} failed in a child process: {text}")


def _child(send, write, args):
    try:
        write(*args)
    except BaseException as err:  # noqa: BLE001 - everything goes back to the parent
        found = re.search(r"errno = (\d+)", str(err))
        number = getattr(err, "errno", None) or (int(found.group(1)) if found else None)
        send.send((number, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"))
        send.close()
        os._exit(1)  # no clean-up: HDF5's may crash after a failed write
    send.send(None)
    send.close()


def _failure(step, err):
    """One entry of summary["failures"]: the step, the error in one line, and where it was raised."""
    where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    return {"step": step, "error": f"{type(err).__name__}: {err}".splitlines()[0],
            "where": f"{where.filename}:{where.lineno}" if where else None}


def _analyse(model, segment, findings, failures):
    """summary.json's content; a failure of the analysis leaves what it had and is listed in `failures`."""
    summary = {"backend_findings": [f.as_dict() for f in findings if f.level != "note"]}
    try:
        summary.update(summarize(segment))
        summary["observables"] = model.observables(segment)
        # Reference numbers hold for the variant's parameters only, so changed parameters skip them.
        found = references.load(type(model).__module__.rsplit(".", 1)[0]) if not model.overrides() else []
        summary["reference_checks"] = references.check(summary, found, model.variant_name)
    except Exception as err:  # the spikes are saved: keep them, say what failed
        log.info("the analysis failed: %s", _failure("analysis", err)["error"])
        failures.append(_failure("analysis", err))
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
