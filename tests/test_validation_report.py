"""The report (HTML, Markdown, JSON) from measured runs: self-contained, its verdicts follow the rules and
the false-discovery-rate control, rows that cannot fail stand apart, and too few seeds judge nothing."""

import json
import re
from pathlib import Path

import neo
import numpy as np
import pytest
import quantities as pq

from scipy import stats

from zoo.validation import checks, figures, paired, report
from zoo.validation.__main__ import exit_status
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
    scalars = {"stimulated_E_rate_in_stimulus_hz": 8.0 + rng.normal(0, 1) + 5 * shift, "meanfield_E_rate_hz": 1.65}
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


def _report(shift, tmp_path, name, seeds=5):
    rng = np.random.default_rng(5)
    model = registry.create_model("rostami2020.tiny")
    runs = {"nest": {s: _run(rng) for s in range(1, seeds + 1)}, "brian2": {s: _run(rng, shift) for s in range(1, seeds + 1)}}
    comparisons = checks.compare(model.name, model.variant_name, runs["nest"], runs["brian2"], ("nest", "brian2"))
    comparisons += paired.compare(model.name, model.variant_name, runs["nest"], runs["brian2"], ("nest", "brian2"))
    outcomes = [RunOutcome(RunSpec("rostami2020", "tiny", (), b, s), tmp_path / "none", True, 0.0) for b in runs for s in runs[b]]
    findings = [{"simulator": "brian2", "level": "warning", "feature": "threads", "where": "4 requested", "message": "one thread"}]
    data = report.build(model, ("nest", "brian2"), runs, outcomes, comparisons, [], findings)
    figs = {"verdicts": figures.verdicts(comparisons), "distributions": figures.distributions(runs),
            "spectra": figures.spectra(runs), "observables": figures.observables(runs),
            "rasters": figures.rasters({"nest, seed 1": _segment(rng), "brian2, seed 1": _segment(rng)}, [(200, 400)])}
    return data, report.write(data, figs, tmp_path / name)


def test_agreeing_backends_give_a_passing_self_contained_report(tmp_path):
    data, out = _report(0.0, tmp_path, "same")
    assert data["passed"] and report.headline(data).startswith("AGREE") and exit_status(data) == 0
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 5
    assert not re.search(r"src=['\"](?!data:)", page)  # nothing loaded from elsewhere
    assert "AGREE" in page and "threads" in page
    stored = json.loads((out / "report.json").read_text())
    # per rule: 4 statistics x 2 populations, 2 x 2 spectra, 3 observables
    assert stored["counts"]["comparisons"] == len(stored["comparisons"]) == 2 * 15
    markdown = (out / "report.md").read_text()
    assert "| firing rate (spikes/s) | E |" in markdown and "figures/distributions.png" in markdown
    assert all((out / "figures" / f"{name}.png").is_file() for name in ("verdicts", "distributions", "rasters"))


def test_a_value_equal_by_construction_stands_apart_and_is_not_counted(tmp_path):
    data, out = _report(0.0, tmp_path, "constant")
    constant = [c for c in data["comparisons"] if c["statistic"] == "meanfield_E_rate_hz"]
    assert {c["status"] for c in constant} == {"constant"} and len(constant) == 2  # one per rule
    assert data["counts"]["constant"] == 2 and data["counts"]["judged"] == 2 * 14
    assert "2 cannot fail" in report.headline(data)
    markdown = (out / "report.md").read_text()
    apart = markdown[markdown.index("## Comparisons that cannot fail"):markdown.index("## Against reference values")]
    assert "meanfield E rate" in apart
    everything = markdown[markdown.index("## All comparisons"):markdown.index("## Comparisons that cannot fail")]
    assert "meanfield E rate" not in everything


def test_a_shifted_backend_differs_and_every_verdict_follows_the_rules(tmp_path):
    data, out = _report(1.0, tmp_path, "shifted")
    assert not data["passed"] and report.headline(data).startswith("DIFFER") and exit_status(data) == 1
    stored = json.loads((out / "report.json").read_text())
    differ = [c["id"] for c in stored["comparisons"] if c["adjusted"] == "DIFFER"]
    assert "paired/rate_hz/E" in differ and "rate_hz/E" in [c["id"] for c in stored["comparisons"] if not c["passed"]]
    for c in stored["comparisons"]:
        for name, distance in c["details"].get("distances", {}).items():
            cross, null = np.array(distance["cross"], float), np.array(distance["null"], float)
            assert distance["passed"] == (np.median(cross) <= np.percentile(null, 95))
            assert distance["p_value"] == (1 + np.sum(null >= np.median(cross))) / (1 + null.size)
    judged = [c for c in stored["comparisons"] if c["status"] in ("pass", "FAIL")]
    adjusted = stats.false_discovery_control([c["p_value"] for c in judged])
    assert [c["adjusted"] == "DIFFER" for c in judged] == list(adjusted <= 0.05)
    markdown = (out / "report.md").read_text()
    first_row = markdown[markdown.index("## All comparisons"):].split("\n|---")[1].split("\n")[1]
    assert "DIFFER" in first_row  # rows that differ come first
    assert "DIFFER" in (out / "report.html").read_text()


def test_flags_that_chance_gives_do_not_turn_the_headline_red():
    """Agreeing backends, 15 rows per rule: rows are flagged one by one in many reports, but after the
    false-discovery-rate control at most about 5 % of reports say DIFFER (measured here: see the assert)."""
    rng = np.random.default_rng(11)
    model = registry.create_model("rostami2020.tiny")
    flagged = differ = 0
    trials = 100
    for _ in range(trials):
        runs = {arm: {s: _run(rng) for s in range(1, 6)} for arm in ("nest", "brian2")}
        comparisons = checks.compare(model.name, model.variant_name, runs["nest"], runs["brian2"], ("nest", "brian2"))
        comparisons += paired.compare(model.name, model.variant_name, runs["nest"], runs["brian2"], ("nest", "brian2"))
        data = report.build(model, ("nest", "brian2"), runs, [], comparisons, [], [])
        flagged += data["counts"]["flagged_unadjusted"] > 0
        differ += data["verdict"] == "DIFFER"
    assert flagged / trials > 0.3  # one by one, some row flags in many reports
    assert differ / trials <= 0.08  # family-wise: q = 0.05, plus sampling error of 100 trials
    assert "expected by chance" in report.headline(data)


def test_too_few_seeds_judge_nothing_and_say_how_many_are_needed(tmp_path):
    data, out = _report(1.0, tmp_path, "two", seeds=2)
    assert data["verdict"] == "INSUFFICIENT SEEDS" and exit_status(data) == 3
    assert {c["status"] for c in data["comparisons"]} <= {"insufficient seeds", "constant"}
    text = report.headline(data)
    assert text.startswith("INSUFFICIENT SEEDS") and "needs 5 seeds" in text and "FAIL" not in text


def test_an_existing_report_is_replaced_only_with_force(tmp_path):
    data, out = _report(0.0, tmp_path, "again")
    with pytest.raises(ZooError, match="--force"):
        report.write(data, {}, out)
    assert report.write(data, {}, out, force=True) == Path(out).resolve()


# --- readable figures ---------------------------------------------------------------------------
def _png_size(png):
    import struct

    return struct.unpack(">II", png[16:24])  # PNG IHDR: width, height


def test_many_populations_are_split_into_figures_of_report_width():
    """schmidt2018's figures were 7,381 px wide: with many populations each PNG stays near the page width."""
    rng = np.random.default_rng(8)
    runs = {"nest": {}, "brian2": {}}
    for b in runs:
        for s in range(1, 3):
            m = _run(rng)
            m.distributions = {f"P{k}": m.distributions["E"] for k in range(8)}
            m.spectra = {f"P{k}": m.spectra["E"] for k in range(8)}
            runs[b][s] = m
    for name in ("distributions", "spectra"):
        pngs = getattr(figures, name)(runs)
        assert isinstance(pngs, list) and len(pngs) >= 2
        assert all(_png_size(png)[0] <= 1500 for png in pngs), [_png_size(png) for png in pngs]


def test_rates_of_spike_counts_get_bins_that_do_not_comb():
    """Rates of counts in T = 2 s lie on multiples of 0.5 spikes/s: 40 bins over 0-10 spikes/s would
    put every other bin between two lattice points, empty (a comb); lattice-aligned bins never do."""
    rng = np.random.default_rng(9)
    rates = rng.poisson(6.0, 5000) / 2.0
    edges = np.linspace(0, 10, 41)
    counts_naive, _ = np.histogram(rates, edges)
    assert (counts_naive[1:-1] == 0).any()  # the comb that the old bins drew
    bins = figures.lattice_bins(edges, rates)
    counts, _ = np.histogram(rates, bins)
    inside = (bins[:-1] >= rates.min()) & (bins[1:] <= rates.max())
    assert (counts[inside] > 0).all()
    assert figures.lattice_step(rates) == pytest.approx(0.5)
    assert figures.lattice_step(rng.gamma(2, 1, 100)) is None  # continuous values keep their bins
