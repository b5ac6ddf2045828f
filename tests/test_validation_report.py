"""The report (HTML, Markdown, JSON) from measured runs: self-contained, and its verdicts follow the rule."""

import json
import re
from pathlib import Path

import neo
import numpy as np
import pytest
import quantities as pq

from zoo.validation import checks, figures, report
from zoo.validation.measures import RunMeasures
from zoo.validation.runs import RunOutcome, RunSpec
from zoo import registry
from zoo.errors import ZooError


def _run(rng, shift=0.0):
    rates = rng.gamma(2.0, 1.0 + shift, 400)
    distributions = {pop: {"rate_hz": rates, "cv_isi": rng.normal(1, 0.2, 300), "fano_factor": rng.gamma(3, 0.5, 300),
                           "correlation": rng.normal(0.002, 0.02, 1000)} for pop in ("E", "I")}
    freqs = np.linspace(0, 500, 513)
    power = 1.0 / (1 + freqs) * rng.lognormal(0, 0.1, freqs.size)
    spectra = {pop: {"freqs": freqs, "power": power, "bands": np.array([power[(freqs >= lo) & (freqs < 2 * lo)].mean()
                                                                           for lo in (1, 2, 4, 8, 16, 32, 64, 128)])}
               for pop in ("E", "I")}
    scalars = {"stimulated_E_rate_in_stimulus_hz": 8.0 + rng.normal(0, 1) + 5 * shift}
    summary = {"populations": {"E": {"mean_rate_hz": float(rates.mean())}, "I": {"mean_rate_hz": float(rates.mean())}}}
    return RunMeasures(distributions, spectra, scalars, {"cluster_rates_E_hz": rng.gamma(2, 1, 20)}, summary)


def _segment(rng):
    segment = neo.Segment(t_start=0 * pq.ms, t_stop=1000 * pq.ms)
    for pop, n in (("E", 8), ("I", 2)):
        for k in range(n):
            st = neo.SpikeTrain(np.sort(rng.uniform(0, 1000, 20)), units="ms", t_start=0, t_stop=1000)
            st.annotate(source_population=pop, source_index=k)
            segment.spiketrains.append(st)
    return segment


def _report(shift, tmp_path, name):
    rng = np.random.default_rng(5)
    model = registry.create_model("rostami2020.tiny")
    runs = {"nest": {s: _run(rng) for s in range(1, 6)}, "brian2": {s: _run(rng, shift) for s in range(1, 6)}}
    comparisons = checks.compare(model.name, model.variant_name, runs["nest"], runs["brian2"], ("nest", "brian2"))
    outcomes = [RunOutcome(RunSpec("rostami2020", "tiny", (), b, s), tmp_path / "none", True, 0.0) for b in runs for s in runs[b]]
    findings = [{"simulator": "brian2", "level": "warning", "feature": "threads", "where": "4 requested", "message": "one thread"}]
    data = report.build(model, ("nest", "brian2"), runs, outcomes, comparisons, [], findings)
    figs = {"verdicts": figures.verdicts(comparisons), "distributions": figures.distributions(runs),
            "spectra": figures.spectra(runs), "observables": figures.observables(runs),
            "rasters": figures.rasters({"nest, seed 1": _segment(rng), "brian2, seed 1": _segment(rng)}, [(200, 400)])}
    return data, report.write(data, figs, tmp_path / name)


def test_agreeing_backends_give_a_passing_self_contained_report(tmp_path):
    data, out = _report(0.0, tmp_path, "same")
    assert data["passed"] and report.headline(data).startswith("AGREE")
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 5
    assert not re.search(r"src=['\"](?!data:)", page)  # nothing loaded from elsewhere
    assert "AGREE" in page and "threads" in page
    stored = json.loads((out / "report.json").read_text())
    assert stored["counts"]["comparisons"] == len(stored["comparisons"]) == 14  # 4 statistics x 2 populations, 2 x 2 spectra, 2 observables
    markdown = (out / "report.md").read_text()
    assert "| firing rate (spikes/s) | E |" in markdown and "figures/distributions.png" in markdown
    assert all((out / "figures" / f"{name}.png").is_file() for name in ("verdicts", "distributions", "rasters"))


def test_a_shifted_backend_fails_and_every_verdict_follows_the_rule(tmp_path):
    data, out = _report(1.0, tmp_path, "shifted")
    assert not data["passed"] and report.headline(data).startswith("DIFFER")
    stored = json.loads((out / "report.json").read_text())
    failed = [c["id"] for c in stored["comparisons"] if not c["passed"]]
    assert "rate_hz/E" in failed and "cv_isi/E" not in failed
    for c in stored["comparisons"]:
        for name, distance in c["details"]["distances"].items():
            cross, null = np.array(distance["cross"], float), np.array(distance["null"], float)
            assert distance["passed"] == (np.median(cross) <= np.percentile(null, 95))
        assert c["passed"] == all(d["passed"] for d in c["details"]["distances"].values())
    assert "FAIL" in (out / "report.html").read_text()


def test_an_existing_report_is_replaced_only_with_force(tmp_path):
    data, out = _report(0.0, tmp_path, "again")
    with pytest.raises(ZooError, match="--force"):
        report.write(data, {}, out)
    assert report.write(data, {}, out, force=True) == Path(out).resolve()
