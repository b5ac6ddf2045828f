"""The validation report: one JSON-ready dict, written as self-contained HTML, Markdown and JSON.

What a reader sees first is the headline, which follows the verdict after multiplicity control
(:mod:`.multiplicity`), with the flags that chance alone would give beside the flags found; then
the rows that differ, then every row with the arms side by side (zoo on each backend and, where it
runs here, the original code), then the rows that cannot fail, apart. The report records what
made it: the zoo commit, whether the tree was clean, and the model's behaviour fingerprint
(:mod:`.behaviour`), which the tests recompute to catch a report that no longer describes the zoo.
Run paths are relative to the runs folder (``--runs``), which is no part of the report.

The HTML holds its figures inline (base64 PNG), so it can be mailed or archived as one file; the
Markdown links the same figures from ``figures/``. The report directory is written like a zoo
results directory (:class:`zoo.run.results.ResultsDir`): it appears only when complete and replaces an
earlier report only with ``force``.
"""

import base64
import datetime
import html
import json
import re
import sys
from pathlib import Path

import numpy as np

from zoo.run.results import ResultsDir

from . import checks, multiplicity, paired
from .measures import LABELS, SETTINGS, settings_hash

FILES = ("report.html", "report.md", "report.json")
# The report's format and rules: raise it when what a report says changes for the same runs (a new
# rule, another verdict), so that committed reports made before are regenerated (tests check it).
REPORT_VERSION = 2
RULE_NAMES = {checks.RULE: "seed-to-seed spread", paired.RULE: "paired by seed"}


def _fmt(value, digits=3):
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if isinstance(value, float) and np.isinf(value):
        return "inf"
    if isinstance(value, (int, np.integer)):
        return str(value)
    return f"{value:.{digits}g}"


def _p(value):
    if value is None or not np.isfinite(value):
        return "-"
    return f"{value:.2g}" if value >= 1e-4 else "<1e-4"


def _mean_sd(per_seed):
    values = np.array([v for v in (per_seed or {}).values() if v is not None], float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "-"
    return f"{_fmt(float(values.mean()))} ± {_fmt(float(values.std(ddof=1)) if values.size > 1 else 0.0, 2)}"


def statistic_label(check):
    """A row's statistic in words: 'firing rate (spikes/s)', 'cluster rates E (spikes/s)' ..."""
    if (check.kind in ("distribution", "spectrum") and check.population) or check.kind == "spike_times":
        return LABELS.get(check.statistic, check.statistic)
    if check.kind == "reference" and check.statistic.endswith("_rate_hz"):
        return check.statistic[: -len("_rate_hz")] + " rate (spikes/s)"
    name = check.statistic[:-3] + " (spikes/s)" if check.statistic.endswith("_hz") else check.statistic
    return name.replace("_", " ")


def row_label(check):
    """'E: firing rate (spikes/s)', or the observable's name for model observables."""
    return f"{check.population}: {statistic_label(check)}" if check.population else statistic_label(check)


# --- the report as data -----------------------------------------------------------------------
def _relative(path, root):
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except (ValueError, TypeError):
        return Path(path).name


def _run_entry(outcome, root):
    prov_path = Path(outcome.path) / "provenance.json"
    prov = json.loads(prov_path.read_text()) if prov_path.is_file() else {}
    backend = prov.get("backend", {})
    spec = outcome.spec
    return {
        "backend": getattr(spec, "arm", spec.simulator), "fault": (spec.fault_dict() or {}).get("name"), "seed": spec.seed,
        "path": _relative(outcome.path, root), "reused": outcome.reused, "versions": backend.get("versions", {}),
        "brian2_codegen_target": backend.get("brian2_codegen_target"), "threads": backend.get("threads"),
        "ranks": backend.get("mpi_processes") or (1 if backend.get("threads") else None),  # older runs: one process
        "zoo_commit": prov.get("zoo_commit"), "simulate_s": prov.get("timing_s", {}).get("simulate"),
        "fingerprint": prov.get("connectivity_fingerprint", {}).get("sha256"), "date_utc": prov.get("date_utc"),
    }


def count(comparisons, references, power=None):
    """The numbers the headline is made of (see :func:`headline`)."""
    judged = [r for r in comparisons if r.status in multiplicity.JUDGED]
    seed_null = [r for r in judged if r.check.tolerance_rule == checks.RULE]
    paired_rows = [r for r in judged if r.check.tolerance_rule == paired.RULE]
    measured = (power or {}).get("splits", {}).get("comparison_false_alarm_rate")
    seed_null_rate = measured if measured is not None else 0.05
    return {
        "comparisons": len(comparisons),
        "judged": len(judged),
        "differ": sum(r.adjusted == "DIFFER" for r in comparisons),
        "flagged_unadjusted": sum(r.status == "FAIL" for r in comparisons),
        "expected_unadjusted": multiplicity.expected_flags(len(seed_null), seed_null_rate)
        + multiplicity.expected_flags(len(paired_rows), paired.ALPHA),
        "expected_rate_measured": measured is not None,
        "constant": sum(r.status == "constant" for r in comparisons),
        "insufficient": sum(r.status == "insufficient seeds" for r in comparisons),
        "references": len(references),
        "references_failed": sum(not r.passed for r in references),
    }


def build(model, backends, runs_by_backend, outcomes, comparisons, references, findings, fault=None, false_alarm=None,
          arms=None, runs_root=None, made_by=None):
    """The report as a JSON-ready dict (figures are added when it is written).

    `comparisons`: Results of every rule and pair of arms, adjusted here for multiplicity;
    `arms`: {arm: description} (default: the two backends); `made_by`: {"zoo_commit", "clean",
    "behaviour"} (:func:`zoo.run.provenance.git_state`, :func:`validation.behaviour.fingerprint`).
    """
    multiplicity.adjust(comparisons)
    counts = count(comparisons, references, false_alarm)
    errors = [f for f in findings if f["level"] == "error"]
    counts["capability_errors"] = len(errors)
    arms = arms or {b: f"zoo on {b}" for b in backends}
    verdict = _verdict(counts)
    needs = {}
    if counts["insufficient"]:
        needs = {"seed_null": checks.seeds_needed(), "paired": paired.MIN_SEEDS}
    return {
        "report_version": REPORT_VERSION,
        "model": model.name, "variant": model.variant_name, "title": model.title, "citation": model.citation, "doi": model.doi,
        "backends": list(backends),
        "arms": arms,
        "seeds": {b: sorted(runs) for b, runs in runs_by_backend.items()},
        "fault": fault,
        "duration_ms": model.duration_ms, "warmup_ms": model.warmup_ms,
        "rule": {"name": checks.RULE, "text": checks.RULE_TEXT, "null_quantile": checks.NULL_QUANTILE,
                 "paired": paired.RULE, "paired_text": paired.RULE_TEXT,
                 "multiplicity": f"Benjamini-Hochberg false discovery rate, q = {multiplicity.Q:g}, over every judged row",
                 "reference_rule": "reference_spread: |mean over seeds - reference| <= 2 * spread"},
        "seeds_needed": needs,
        "settings": SETTINGS,
        "capabilities": findings,
        "comparisons": [r.as_dict() for r in comparisons],
        "references": [r.as_dict() for r in references],
        "counts": counts,
        "verdict": verdict,
        "passed": verdict == "AGREE" and counts["references_failed"] == 0 and not errors,
        "false_alarm": false_alarm,
        "runs": [_run_entry(o, runs_root) for o in outcomes],
        "made_by": {**(made_by or {}), "analysis_settings_sha": settings_hash()},
        "command": "python -m zoo.validation " + " ".join(sys.argv[1:]),
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _verdict(counts):
    if counts["differ"]:
        return "DIFFER"
    if counts["judged"] == 0:
        return "INSUFFICIENT SEEDS" if counts["insufficient"] else "NOTHING TO JUDGE"
    return "AGREE"


def headline(report):
    """One line: the verdict after multiplicity control, the flags chance would give, what was left apart."""
    c = report["counts"]
    verdict = report["verdict"]
    expected = f"{'' if c['expected_rate_measured'] else 'at most '}{c['expected_unadjusted']:.2g}"
    if verdict == "INSUFFICIENT SEEDS":
        needs = report.get("seeds_needed", {})
        seeds = ", ".join(f"{arm} {len(s)}" for arm, s in report["seeds"].items())
        text = (f"INSUFFICIENT SEEDS: no comparison can be judged with {seeds} seeds; the seed-to-seed rule needs "
                f"{needs.get('seed_null', checks.seeds_needed())} seeds per arm (20 seed pairs to place a 95th percentile), "
                f"the paired rule {needs.get('paired', paired.MIN_SEEDS)}")
    elif verdict == "DIFFER":
        text = (f"DIFFER: {c['differ']} of {c['judged']} comparisons differ after false-discovery-rate control "
                f"(Benjamini-Hochberg, q = {multiplicity.Q:g}: at most {multiplicity.Q * c['differ']:.2g} of them expected "
                f"to be false); {c['flagged_unadjusted']} flagged one by one, {expected} expected by chance")
    elif verdict == "AGREE":
        text = (f"AGREE: none of {c['judged']} comparisons differs after false-discovery-rate control (Benjamini-Hochberg, "
                f"q = {multiplicity.Q:g}); {c['flagged_unadjusted']} flagged one by one, {expected} expected by chance")
    else:
        text = "NOTHING TO JUDGE: no comparison could be made"
    extras = []
    if verdict != "INSUFFICIENT SEEDS" and c["insufficient"]:
        extras.append(f"{c['insufficient']} comparisons lack seeds")
    if c["constant"]:
        extras.append(f"{c['constant']} cannot fail (equal by construction) and are not counted")
    if c["references"]:
        extras.append(f"{c['references'] - c['references_failed']} of {c['references']} reference checks pass")
    if c.get("capability_errors"):
        extras.append(f"{c['capability_errors']} capability errors")
    return text + ("; " + "; ".join(extras) if extras else "")


# --- tables -----------------------------------------------------------------------------------
def _distance_text(r):
    if r.status == "constant":
        return "the same value in every run"
    if r.check.kind == "spike_times":
        effect = r.details.get("effect", {})
        share, (lo, hi) = effect.get("share"), effect.get("ci95", (None, None))
        if share is None or not np.isfinite(share):
            return "-"
        return (f"{_fmt(share)} [{_fmt(lo)}, {_fmt(hi)}] of the spikes of the first {effect['window_ms']:g} ms "
                f"coincide (floor {_fmt(r.target)})")
    if r.check.tolerance_rule == paired.RULE:
        effect = r.details.get("effect", {})
        diff = effect.get("difference")
        if diff is None or not np.isfinite(diff):
            return "-"
        lo, hi = effect["ci95"]
        band = effect.get("band_hz")
        where = f" at {band[0]:g}-{band[1]:g} Hz" if band else ""
        unit = " (log10 power ratio)" if effect.get("unit") else ""
        return f"{_fmt(diff)} [{_fmt(lo)}, {_fmt(hi)}]{unit}{where}"
    return "; ".join(
        f"{name.upper()} {_fmt(r.value[name])} {'≤' if r.details['distances'][name]['passed'] else '>'} {_fmt(r.tolerance[name])}"
        for name in r.check.distances
    )


def _cell(r):
    """One rule on one pair of arms, for the side-by-side table."""
    text = _distance_text(r)
    if r.status in multiplicity.JUDGED:
        mark = {"DIFFER": "DIFFER", "agree": "agree"}.get(r.adjusted, r.adjusted)
        flagged = " (flagged alone)" if r.status == "FAIL" and r.adjusted != "DIFFER" else ""
        return f"{mark}{flagged}: {text}, p {_p(r.p_value)}"
    return f"{r.status}: {text}"


def _columns(results):
    """(arm a, arm b, rule) of every column, in the order they first appear."""
    return list(dict.fromkeys((r.check.backends[0], r.check.backends[1], r.check.tolerance_rule) for r in results))


def _column_name(column, arms):
    a, b, rule = column
    return f"{a} vs {b}: {RULE_NAMES.get(rule, rule)}"


def grouped(results):
    """{(statistic, population): {column: Result}}, rows that differ first, then rows flagged alone."""
    rows = {}
    for r in results:
        rows.setdefault((r.check.statistic, r.check.population, r.check.kind if r.check.kind != "scalar" else ""), {})[
            (r.check.backends[0], r.check.backends[1], r.check.tolerance_rule)] = r

    def order(item):
        values = item[1].values()
        return (not any(r.adjusted == "DIFFER" for r in values), not any(r.status == "FAIL" for r in values))

    return dict(sorted(rows.items(), key=order))


def arm_table_rows(results, arms, constant=False):
    """Rows of the side-by-side table: per arm mean ± sd over seeds, one column per rule and pair of arms.
    `constant`: the rows that cannot fail (else: every other row)."""
    chosen = [r for r in results if (r.status == "constant") == constant]
    columns = _columns(chosen)
    rows = []
    for (stat, pop, _), cells in grouped(chosen).items():
        first = next(iter(cells.values()))
        per_seed = {}
        for r in cells.values():
            for arm, values in r.details.get("per_seed", {}).items():
                if r.check.tolerance_rule == checks.RULE or arm not in per_seed:
                    per_seed.setdefault(arm, values)
        row = {"statistic": statistic_label(first.check), "population": pop or "(model)"}
        row.update({arm: _mean_sd(per_seed.get(arm)) for arm in arms})
        for column in columns:
            row[_column_name(column, arms)] = _cell(cells[column]) if column in cells else "-"
        adjusted = [r.adjusted for r in cells.values()]
        row["verdict"] = ("DIFFER" if "DIFFER" in adjusted else "agree" if "agree" in adjusted
                          else "constant" if constant else "insufficient seeds")
        rows.append(row)
    return rows


def reference_rows(results):
    rows = []
    for r in results:
        d = r.details
        rows.append({
            "statistic": statistic_label(r.check),
            "population": r.check.population,
            "arm": r.backend,
            "mean over seeds": f"{_fmt(r.value['mean'])} ({r.n_seeds[r.backend]} seeds; {d['single_runs_within']} single runs within)",
            "reference": f"{_fmt(r.target)} ± {_fmt(d['spread'])} {d['unit']} ({d['kind']}, n = {d['n']})",
            "tolerance": f"± {_fmt(r.tolerance['abs'])}",
            "source": r.source,
            "verdict": "pass" if r.passed else "FAIL",
        })
    return rows


def _finding_rows(findings):
    return [{"backend": f["simulator"], "level": f["level"], "feature": f["feature"], "where": f["where"], "message": f["message"]}
            for f in findings]


def _versions(run):
    """PyNN and the arm's simulator; every version for an arm that is no simulator (the original)."""
    arm = run["backend"].split("+")[0].split("@")[0].lower()
    shown = {k: v for k, v in run["versions"].items() if k == "PyNN" or k.lower().startswith(arm)}
    return ", ".join(f"{k} {v}" for k, v in (shown or run["versions"]).items())


def _run_rows(runs):
    return [{
        "arm": r["backend"] + (f" + fault {r['fault']}" if r["fault"] else ""), "seed": r["seed"],
        "ranks x threads": f"{r.get('ranks') or 1} x {r['threads']}" if r.get("threads") else "-",
        "simulate (s)": _fmt(r["simulate_s"]), "reused": "yes" if r["reused"] else "no",
        "versions": _versions(r),
        "codegen": r["brian2_codegen_target"] or "-", "connectivity sha256": (r["fingerprint"] or "-")[:12],
        "zoo commit": (r["zoo_commit"] or "-")[:12] + ("+dirty" if (r["zoo_commit"] or "").endswith("+dirty") else ""),
        "results (under --runs)": r["path"],
    } for r in runs]


def _power_rows(power):
    rows = []
    for d in power.get("detection", []):
        row = {"fault (injected into the first backend)": d["fault"], "what it does": d["description"],
               "seed-to-seed rule alone": "detected" if d["detected"] else "MISSED"}
        if "detected_adjusted" in d:
            row["both rules, after FDR control"] = "detected" if d["detected_adjusted"] else "MISSED"
            row["comparisons that differ"] = f"{len(d['differ'])} of {d['comparisons_adjusted']}: {', '.join(d['differ'][:8])}" + (
                " ..." if len(d["differ"]) > 8 else "")
        else:
            row["failing comparisons"] = f"{len(d['failed'])} of {d['comparisons']}: {', '.join(d['failed'])}"
        rows.append(row)
    return rows


def _made_by_text(report):
    made = report.get("made_by", {})
    commit = made.get("zoo_commit") or "unknown"
    clean = {True: "clean tree", False: "tree with uncommitted changes", None: "tree state unknown"}[made.get("clean")]
    behaviour = (made.get("behaviour") or {}).get("sha256")
    return (f"Made by zoo commit {commit[:12]} ({clean}); behaviour fingerprint "
            f"{behaviour[:16] if behaviour else 'not recorded'} (python -m zoo.validation.behaviour {report['model']}"
            f"{'' if report['variant'] == 'default' else '.' + report['variant']}); analysis settings {made.get('analysis_settings_sha', '-')}.")


# --- HTML -------------------------------------------------------------------------------------
_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1180px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#555;margin-top:0}
.banner{padding:.8em 1em;border-radius:6px;font-size:1.05em;font-weight:600;margin:1em 0}
.ok{background:#e3f4e8;color:#1d6b34;border:1px solid #9fd3ae} .bad{background:#fbe6e4;color:#922b21;border:1px solid #e6a59e}
.unsure{background:#fff4d6;color:#7a5b00;border:1px solid #e8cf87}
table{border-collapse:collapse;font-size:.82em;margin:.6em 0;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top} th{background:#f4f4f4}
td.pass{background:#e3f4e8;color:#1d6b34;font-weight:600} td.fail{background:#fbe6e4;color:#922b21;font-weight:600}
td.unsure{background:#fff4d6;color:#7a5b00;font-weight:600}
tr.failrow td{background:#fff5f4}
td.warning{background:#fff4d6} td.error{background:#fbe6e4} td.note{background:#eef3fb}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
.small{font-size:.85em;color:#555} code{background:#f4f4f4;padding:0 .2em}
nav a{margin-right:1em}
"""
_FAILING = ("FAIL", "MISSED", "DIFFER")
_UNSURE = ("insufficient seeds", "constant")


def _table(rows, verdict_key="verdict", level_key=None):
    if not rows:
        return "<p class='small'>none</p>"
    keys = list(rows[0])
    out = ["<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in keys) + "</tr>"]
    for row in rows:
        failed = row.get(verdict_key) in _FAILING
        cells = []
        for k in keys:
            value = html.escape(str(row[k]))
            cls = ""
            if k == verdict_key:
                cls = " class='fail'" if failed else (" class='unsure'" if row[k] in _UNSURE else " class='pass'")
            elif level_key and k == level_key:
                cls = f" class='{row[k]}'"
            cells.append(f"<td{cls}>{value}</td>")
        out.append(f"<tr{' class=failrow' if failed else ''}>" + "".join(cells) + "</tr>")
    return "\n".join(out + ["</table>"])


def _imgs(pngs, alt):
    if not pngs:
        return "<p class='small'>(no figure)</p>"
    pngs = pngs if isinstance(pngs, list) else [pngs]
    return "\n".join(f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
                     for png in pngs if png is not None)


def _false_alarm_html(power):
    if not power:
        return ("<p>The false-alarm and detection rates of these rules are measured with "
                "<code>python -m zoo.validation.power</code> (README, validation section); none were attached to this "
                "report (<code>--power FILE</code>).</p>")
    return "<p>" + html.escape(power.get("text", "")) + "</p>" + _table(_power_rows(power), verdict_key="seed-to-seed rule alone")


def _plain_text(docstring):
    """A reStructuredText docstring as plain text: roles and literal markers dropped."""
    text = re.sub(r":(?:mod|class|func|data|cite):`([^`]*)`", r"\1", docstring.strip())
    return text.replace("``", "").replace("**", "")


def _banner_class(report):
    if report["passed"]:
        return "ok"
    return "unsure" if report["verdict"] in ("INSUFFICIENT SEEDS", "NOTHING TO JUDGE") else "bad"


def _title(report):
    arms = list(report.get("arms") or report["backends"])
    return f"{report['model']} ({report['variant']}): {' vs '.join(arms)}"


def _arms_text(report):
    """Each arm with its seeds, and what splitting one simulator two ways means for the pairing."""
    text = "; ".join(f"{arm}: {what} (seeds {', '.join(map(str, report['seeds'].get(arm, [])))})"
                     for arm, what in report.get("arms", {}).items())
    return text + (f". {report['pairing_note']}" if report.get("pairing_note") else "")


LISTED = 12  # longer lists of populations are said as a count and what they leave out


def coverage_text(report):
    """One sentence on what the original arm is compared on (empty without one)."""
    found = report.get("original_coverage")
    if not found:
        return ""

    zoo = found.get("zoo", {})

    def populations(name, pops):
        """The populations; a long list as the zoo arms' rows for that statistic, less or plus a few."""
        whole = zoo.get(name, [])
        if len(pops) <= LISTED or not whole:
            return ", ".join(pops)
        left, extra = [p for p in whole if p not in pops], [p for p in pops if p not in whole]
        if not left and not extra:
            return f"all {len(whole)} populations of the zoo arms' rows"

        def few(names):
            return ", ".join(names) if len(names) <= LISTED else f"{len(names)} others"

        return (f"{len(pops)} populations: the zoo arms' {len(whole)}" + (f" less {few(left)}" if left else "")
                + (f" and {few(extra)}, whose zoo rows cannot fail" if extra else ""))

    def listed(groups):
        return "; ".join(f"{name} ({populations(name, pops)})" for name, pops in groups.items()) or "none"

    return (f"The original arm is compared on: {listed(found['compared'])}. Not measured from its runs: "
            f"{listed(found['not_measured'])}. Never compared: {'; '.join(found['never'])}.")


def to_html(report, figures):
    fault = report["fault"]
    comparisons = [_result_from_dict(d) for d in report["comparisons"]]
    references = [_result_from_dict(d) for d in report["references"]]
    arms = list(report.get("arms") or report["backends"])
    title = _title(report)
    differ = [r for r in comparisons if r.adjusted == "DIFFER"]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='sub'>{html.escape(report['title'])} — {html.escape(report['citation'])}, "
        f"doi:{html.escape(report['doi'])}<br>{html.escape(_arms_text(report))}; {report['warmup_ms']:g} ms warm-up + "
        f"{report['duration_ms']:g} ms recorded per run. Generated {html.escape(report['generated_utc'])}.<br>"
        f"{html.escape(_made_by_text(report))}</p>",
    ]
    if fault:
        parts.append(f"<p class='banner bad'>Fault injected into {html.escape(arms[0])}: {html.escape(fault['name'])} — "
                     f"{html.escape(fault['description'])}. This report is expected to show differences.</p>")
    parts += [
        f"<div class='banner {_banner_class(report)}'>{html.escape(headline(report))}</div>",
        "<nav class='small'><a href='#differ'>differences</a><a href='#verdicts'>all comparisons</a>"
        "<a href='#constant'>cannot fail</a><a href='#references'>reference values</a>"
        "<a href='#figures'>figures</a><a href='#capabilities'>capability check</a><a href='#method'>rules</a>"
        "<a href='#runs'>runs</a></nav>",
        "<h2 id='differ'>Comparisons that differ</h2>",
        _table(arm_table_rows(differ, arms)) if differ else
        "<p>None after false-discovery-rate control. Rows flagged one by one are marked “flagged alone” below.</p>",
        "<h2 id='verdicts'>All comparisons, arms side by side</h2>",
        f"<p>Values per arm are mean ± sd over seeds of each run's mean. Seed-to-seed rule "
        f"<code>{html.escape(report['rule']['name'])}</code>: {html.escape(report['rule']['text'])}. Paired rule "
        f"<code>{html.escape(report['rule'].get('paired', '-'))}</code>: {html.escape(report['rule'].get('paired_text', '-'))} "
        f"(mean difference [95 % interval]). Verdicts after {html.escape(report['rule'].get('multiplicity', '-'))}; "
        "p: the row's own p-value. Rows that differ come first.</p>",
        f"<p class='small'>{html.escape(coverage_text(report))}</p>" if coverage_text(report) else "",
        _table(arm_table_rows(comparisons, arms)),
        "<h2 id='constant'>Comparisons that cannot fail</h2>",
        "<p class='small'>The same value in every run of every arm (computed from the parameters alone): shown for "
        "completeness, counted neither as agreement nor as difference.</p>",
        _table(arm_table_rows(comparisons, arms, constant=True)),
        "<h2 id='references'>Against reference values</h2>",
        f"<p>Rule <code>{html.escape(report['rule']['reference_rule'])}</code>; numbers and sources from the "
        f"model's <code>reference.toml</code>{html.escape(report.get('references_note', ''))}.</p>",
        _table(reference_rows(references)),
        "<h2 id='figures'>Figures</h2>",
        "<p class='small'>Each row: one distance of one comparison divided by its threshold; the median of the "
        "coloured dots (bar) must lie left of the line.</p>",
        _imgs(figures.get("verdicts"), "distances over thresholds"),
        "<h3>Distributions per arm</h3><p class='small'>Per-neuron values pooled over seeds; the title says the verdict.</p>",
        _imgs(figures.get("distributions"), "distributions"),
        "<h3>Population-rate spectra</h3>", _imgs(figures.get("spectra"), "spectra"),
        "<h3>Model observables</h3>", _imgs(figures.get("observables"), "observables"),
        "<h3>Rasters</h3><p class='small'>The same seed on each arm (the zoo's backends: identical connectivity, "
        "initial state and drive).</p>",
        _imgs(figures.get("rasters"), "rasters"),
        "<h2 id='capabilities'>Backend capability check</h2>",
        "<p class='small'>What the model uses that a backend does not support or treats differently "
        "(zoo/backends/capabilities.py).</p>",
        _table(_finding_rows(report["capabilities"]), verdict_key=None, level_key="level") if report["capabilities"]
        else "<p>No findings: the model uses nothing that either backend lacks or treats differently.</p>",
        "<h2 id='method'>The rules and their false-alarm rates</h2>",
        f"<pre class='small'>{html.escape(_plain_text(checks.__doc__))}</pre>",
        f"<pre class='small'>{html.escape(_plain_text(paired.__doc__))}</pre>",
        f"<pre class='small'>{html.escape(_plain_text(multiplicity.__doc__))}</pre>",
        _false_alarm_html(report.get("false_alarm")),
        "<h2 id='runs'>Runs</h2>",
        _table(_run_rows(report["runs"]), verdict_key=None),
        f"<p class='small'>Command: <code>{html.escape(report['command'])}</code>. Settings: "
        f"<code>{html.escape(json.dumps(report['settings']))}</code></p>",
        "</body></html>",
    ]
    return "\n".join(parts)


# --- Markdown ---------------------------------------------------------------------------------
def _md_table(rows):
    if not rows:
        return "none\n"
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[k]).replace("|", "\\|") for k in keys) + " |")
    return "\n".join(lines) + "\n"


def to_markdown(report, figure_files):
    comparisons = [_result_from_dict(d) for d in report["comparisons"]]
    references = [_result_from_dict(d) for d in report["references"]]
    arms = list(report.get("arms") or report["backends"])
    differ = [r for r in comparisons if r.adjusted == "DIFFER"]
    lines = [
        f"# {_title(report)}", "",
        f"{report['title']} — {report['citation']}, doi:{report['doi']}.  ",
        _arms_text(report) + f"; {report['warmup_ms']:g} ms warm-up + {report['duration_ms']:g} ms recorded per run.  ",
        _made_by_text(report), "",
    ]
    if report["fault"]:
        lines += [f"**Fault injected into {arms[0]}: {report['fault']['name']}** — {report['fault']['description']}.", ""]
    lines += [
        f"**{headline(report)}**", "",
        "## Comparisons that differ", "",
        _md_table(arm_table_rows(differ, arms)) if differ else "None after false-discovery-rate control.\n",
        "## All comparisons, arms side by side", "",
        f"Seed-to-seed rule `{report['rule']['name']}`: {report['rule']['text']}. Paired rule "
        f"`{report['rule'].get('paired', '-')}`: {report['rule'].get('paired_text', '-')}. Verdicts after "
        f"{report['rule'].get('multiplicity', '-')}; rows that differ come first.", "",
        *([coverage_text(report), ""] if coverage_text(report) else []),
        _md_table(arm_table_rows(comparisons, arms)),
        "## Comparisons that cannot fail", "",
        "The same value in every run (computed from the parameters alone); counted neither as agreement nor as difference.", "",
        _md_table(arm_table_rows(comparisons, arms, constant=True)),
        "## Against reference values", "",
        f"Rule `{report['rule']['reference_rule']}`{report.get('references_note', '')}.", "",
        _md_table(reference_rows(references)),
        "## Figures", "",
    ]
    for name, path in figure_files.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Backend capability check", "", _md_table(_finding_rows(report["capabilities"]))]
    if report.get("false_alarm"):
        power = report["false_alarm"]
        lines += ["## Detection and false-alarm rates of the rules", "", power.get("text", ""), "",
                  _md_table(_power_rows(power))]
    lines += ["## Runs", "", _md_table(_run_rows(report["runs"])), f"Command: `{report['command']}`", ""]
    return "\n".join(lines)


def _result_from_dict(data):
    fields = {f for f in checks.Check.__dataclass_fields__}
    check = checks.Check(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in fields})
    rest = {k: v for k, v in data.items() if k not in fields}
    if rest.get("p_value") is None:
        rest["p_value"] = float("nan")
    return checks.Result(check=check, **rest)


def _json_ready(value):
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def write(report, figures, out, force=False):
    """Write report.html, report.md, report.json and figures/ into `out`; return the directory.
    A figure may be a list of PNGs (a wide figure split in parts): NAME-1.png, NAME-2.png ..."""
    report = _json_ready(report)
    with ResultsDir(out, force) as results:
        figure_dir = results.path("figures")
        figure_dir.mkdir()
        figure_files = {}
        for name, pngs in figures.items():
            parts = [p for p in (pngs if isinstance(pngs, list) else [pngs]) if p is not None]
            for k, png in enumerate(parts, 1):
                file = f"{name}.png" if len(parts) == 1 else f"{name}-{k}.png"
                (figure_dir / file).write_bytes(png)
                figure_files[file[:-4]] = f"figures/{file}"
        results.path("report.html").write_text(to_html(report, figures))
        results.path("report.md").write_text(to_markdown(report, figure_files))
        results.path("report.json").write_text(json.dumps(report, indent=1) + "\n")
        results.write_json("provenance.json", {"kind": "validation report", "command": report["command"],
                                               "generated_utc": report["generated_utc"], "made_by": report["made_by"],
                                               "runs": report["runs"]})
        return results.commit()
