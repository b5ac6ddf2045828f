"""One run of a model on one backend, from seed to a complete results directory.

Steps: check the results directory (before anything costly), derive the seed streams, set up
the backend, build, fingerprint the connectivity, simulate with progress, collect the recorded
window into a Neo block, summarise, and write block, summary, structure, figures and provenance.
"""

import logging
import time
from pathlib import Path

from analysis import plots
from analysis.summary import format_table, summarize
from validation import reference

from . import backend as backends
from . import capabilities, io, progress, provenance
from .network import fingerprint
from .results import ResultsDir
from .seeds import SeedStreams

log = logging.getLogger("zoo")


def default_out_dir(model, simulator, seed):
    return Path("results") / f"{model.name}-{model.variant_name}-{simulator}-seed{seed}"


def dry_run(model, simulator, seed, out=None, force=False):
    """Write structure.json (populations, projections, estimate) without touching a simulator."""
    from .estimate import estimate

    out = out or default_out_dir(model, "dry-run", seed)
    with ResultsDir(out, force) as results:
        streams = SeedStreams(seed)
        structure = model.structure(streams).as_dict()
        structure["estimate"] = estimate(structure, model, simulator)
        results.write_json("structure.json", structure)
        results.write_json(
            "provenance.json",
            {"model": model.name, "variant": model.variant_name, "dry_run": True, "parameters": model.params.table(),
             "seeds": {"master": seed, "derived": streams.derived}},
        )
        return results.commit(), structure


def run(model, simulator, seed, threads=1, out=None, force=False, overrides=None, make_plots=True):
    """Run `model` on `simulator`; return (results path, summary dict)."""
    results = ResultsDir(out or default_out_dir(model, simulator, seed), force)
    with results:
        streams = SeedStreams(seed)
        backend = backends.setup(simulator, streams, threads=threads, **model.simulation_settings())
        timings = {}
        try:
            # Before anything is built: what this backend cannot run, or runs differently.
            findings = capabilities.require(model, simulator, threads=threads, streams=streams)
            log.info("building %s (%s) on %s", model.name, model.variant_name, simulator)
            start = time.perf_counter()  # build time includes drawing the connectivity
            structure = model.structure(streams).as_dict()
            network = model.build(backend.sim, streams)
            timings["build"] = time.perf_counter() - start
            log.info("built in %.1f s", timings["build"])
            start = time.perf_counter()
            prints = fingerprint(network, total=structure["totals"]["synapses"] if structure["exact_counts"] else None)
            timings["fingerprint"] = time.perf_counter() - start
            total = model.warmup_ms + model.duration_ms
            log.info("simulating %.0f ms (%.0f ms warm-up)", total, model.warmup_ms)
            timings["simulate"] = progress.simulate(backend, total)
            window = (model.warmup_ms, total)
            segment = io.collect_segment(network, *window)
        finally:
            backend.end()
        start = time.perf_counter()
        summary = summarize(segment)
        summary["observables"] = model.observables(segment)
        summary["backend_findings"] = [f.as_dict() for f in findings if f.level != "note"]
        # Reference numbers hold for the variant's parameters only, so changed parameters skip them.
        unchanged = model.params == model.variant(model.variant_name).params
        references = reference.load(type(model).__module__.rsplit(".", 1)[0]) if unchanged else []
        summary["reference_checks"] = reference.check(summary, references, model.variant_name)
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
            provenance.record(model, backend, streams, overrides or {}, timings, progress.peak_memory_bytes(), prints, window),
        )
        path = results.commit()
    print(format_table(summary))
    for check in summary["reference_checks"]:
        verdict = "pass" if check["passed"] else "FAIL"
        measured = "-" if check["measured"] is None else f"{check['measured']:.3f}"
        print(f"{verdict}: {check['population']} {check['statistic']} = {measured}, reference "
              f"{check['value']} +/- {check['spread']} ({check['kind']}, n = {check['n']})")
    return path, summary
