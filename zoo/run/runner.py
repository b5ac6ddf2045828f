"""One run of a model on one backend, from seed to a complete results directory.

Steps: check the results directory (before anything costly), derive the seed streams, draw what
the model draws at random, open a session on the backend, check what the model asks of it, build,
fingerprint the connectivity, simulate with progress, collect the recorded window into a Neo block,
summarise, and write block, summary, structure, figures and provenance.
"""

import logging
import time
from pathlib import Path

from .. import backends, io, progress, references
from ..analysis import plots
from ..analysis.summary import format_table, summarize
from ..backends import capabilities
from ..backends.estimate import estimate
from ..backends.fingerprint import fingerprint
from ..seeds import SeedStreams
from . import provenance
from .results import ResultsDir

log = logging.getLogger("zoo")


def default_out_dir(model, simulator, seed):
    return Path("results") / f"{model.name}-{model.variant_name}-{simulator}-seed{seed}"


def dry_run(model, simulator, seed, out=None, force=False):
    """Write structure.json (populations, projections, estimate) without touching a simulator."""
    out = out or default_out_dir(model, "dry-run", seed)
    with ResultsDir(out, force) as results:
        streams = SeedStreams(seed)
        structure = model.structure(model.draw(streams)).as_dict()
        structure["estimate"] = estimate(structure, model, simulator)
        results.write_json("structure.json", structure)
        results.write_json(
            "provenance.json",
            {"model": model.name, "variant": model.variant_name, "dry_run": True, "parameters": model.params.table(),
             "seeds": {"master": seed, "derived": streams.derived}},
        )
        return results.commit(), structure


def run(model, simulator, seed, threads=1, out=None, force=False, make_plots=True):
    """Run `model` on `simulator`; return (results path, summary dict)."""
    results = ResultsDir(out or default_out_dir(model, simulator, seed), force)
    with results:
        streams = SeedStreams(seed)
        drawn = model.draw(streams)
        timings = {}
        # Before anything is built: what this backend cannot run, or runs differently.
        findings = capabilities.require(model, simulator, threads=threads, drawn=drawn)
        with backends.setup(simulator, streams, threads=threads, **model.simulation_settings()) as backend:
            log.info("building %s (%s) on %s", model.name, model.variant_name, simulator)
            start = time.perf_counter()  # build time includes drawing the connectivity
            structure = model.structure(drawn).as_dict()
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
        start = time.perf_counter()
        summary = summarize(segment)
        summary["observables"] = model.observables(segment)
        summary["backend_findings"] = [f.as_dict() for f in findings if f.level != "note"]
        # Reference numbers hold for the variant's parameters only, so changed parameters skip them.
        found = references.load(type(model).__module__.rsplit(".", 1)[0]) if not model.overrides() else []
        summary["reference_checks"] = references.check(summary, found, model.variant_name)
        timings["analysis"] = time.perf_counter() - start
        log.info("writing results")
        io.save_segment(
            segment, results.path("spikes.nix"),
            {"model": model.name, "variant": model.variant_name, "simulator": simulator, "master_seed": seed},
        )
        results.write_json("summary.json", summary)
        results.write_json("structure.json", structure)
        if make_plots:
            hints = model.figure_hints()
            title = f"{model.name} ({model.variant_name}) on {simulator}, seed {seed}"
            plots.raster(segment, results.path("raster.png"), shade=hints.get("shade_ms", ()), title=title)
            plots.rates(segment, results.path("rates.png"), shade=hints.get("shade_ms", ()), group_by=hints.get("group_by"), title=title,
                        curves=hints.get("curves", ()))
            for name, draw in model.extra_figures(segment, summary, title):
                draw(results.path(name))
        results.write_json(
            "provenance.json",
            provenance.record(model, backend, streams, timings, progress.peak_memory_bytes(), prints, window),
        )
        path = results.commit()
    print(format_table(summary))
    for check in summary["reference_checks"]:
        verdict = "pass" if check["passed"] else "FAIL"
        measured = "-" if check["measured"] is None else f"{check['measured']:.3f}"
        print(f"{verdict}: {check['population']} {check['statistic']} = {measured}, reference "
              f"{check['value']} +/- {check['spread']} ({check['kind']}, n = {check['n']})")
    return path, summary
