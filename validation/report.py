"""The validation report: one JSON-ready dict, written as self-contained HTML, Markdown and JSON.

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

from . import checks
from .measures import LABELS, SETTINGS

FILES = ("report.html", "report.md", "report.json")


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


def _mean_sd(per_seed):
    values = np.array([v for v in per_seed.values() if v is not None], float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "-"
    return f"{_fmt(float(values.mean()))} ± {_fmt(float(values.std(ddof=1)) if values.size > 1 else 0.0, 2)}"


def _statistic_label(check):
    if check.kind in ("distribution", "spectrum") and check.population:
        return LABELS.get(check.statistic, check.statistic)
    if check.kind == "reference" and check.statistic.endswith("_rate_hz"):
        return check.statistic[: -len("_rate_hz")] + " rate (spikes/s)"
    name = check.statistic[:-3] + " (spikes/s)" if check.statistic.endswith("_hz") else check.statistic
    return name.replace("_", " ")


def comparison_rows(results):
    """Table rows (dicts of display strings) for the comparison results."""
    rows = []
    for r in results:
        a, b = r.check.backends
        effect = r.details.get("effect")
        diff = "-"
        if effect and isinstance(effect["difference"], float) and np.isfinite(effect["difference"]):
            lo, hi = effect["ci95"]
            diff = f"{_fmt(effect['difference'])} [{_fmt(lo)}, {_fmt(hi)}]"
        distances = "; ".join(
            f"{name.upper()} {_fmt(r.value[name])} ≤ {_fmt(r.tolerance[name])}" if r.details["distances"][name]["passed"]
            else f"{name.upper()} {_fmt(r.value[name])} > {_fmt(r.tolerance[name])}"
            for name in r.check.distances
        )
        rows.append({
            "statistic": _statistic_label(r.check),
            "population": r.check.population or "(model)",
            a: _mean_sd(r.details["per_seed"][a]),
            b: _mean_sd(r.details["per_seed"][b]),
            "difference [95% CI]": diff,
            "Hedges g": _fmt(effect["hedges_g"], 2) if effect else "-",
            "distance (median across) vs threshold": distances,
            "verdict": "pass" if r.passed else "FAIL",
        })
    return rows


def reference_rows(results):
    rows = []
    for r in results:
        d = r.details
        rows.append({
            "statistic": _statistic_label(r.check),
            "population": r.check.population,
            "backend": r.backend,
            "mean over seeds": f"{_fmt(r.value['mean'])} ({r.n_seeds[r.backend]} seeds; {d['single_runs_within']} single runs within)",
            "reference": f"{_fmt(r.target)} ± {_fmt(d['spread'])} {d['unit']} ({d['kind']}, n = {d['n']})",
            "tolerance": f"± {_fmt(r.tolerance['abs'])}",
            "source": r.source,
            "verdict": "pass" if r.passed else "FAIL",
        })
    return rows


def build(model, backends, runs_by_backend, outcomes, comparisons, references, findings, fault=None, false_alarm=None):
    """The report as a JSON-ready dict (figures are added when it is written)."""
    failed_c = sum(not r.passed for r in comparisons)
    failed_r = sum(not r.passed for r in references)
    errors = [f for f in findings if f["level"] == "error"]
    runs = []
    for outcome in outcomes:
        prov_path = Path(outcome.path) / "provenance.json"
        prov = json.loads(prov_path.read_text()) if prov_path.is_file() else {}
        backend = prov.get("backend", {})
        runs.append({
            "backend": outcome.spec.simulator, "fault": (outcome.spec.fault_dict() or {}).get("name"), "seed": outcome.spec.seed,
            "path": str(outcome.path), "reused": outcome.reused, "versions": backend.get("versions", {}),
            "brian2_codegen_target": backend.get("brian2_codegen_target"), "threads": backend.get("threads"),
            "zoo_commit": prov.get("zoo_commit"), "simulate_s": prov.get("timing_s", {}).get("simulate"),
            "fingerprint": prov.get("connectivity_fingerprint", {}).get("sha256"), "date_utc": prov.get("date_utc"),
        })
    return {
        "model": model.name, "variant": model.variant_name, "title": model.title, "citation": model.citation, "doi": model.doi,
        "backends": list(backends),
        "seeds": {b: sorted(runs_by_backend[b]) for b in backends},
        "fault": fault,
        "duration_ms": model.duration_ms, "warmup_ms": model.warmup_ms,
        "rule": {"name": checks.RULE, "text": checks.RULE_TEXT, "null_quantile": checks.NULL_QUANTILE,
                 "reference_rule": "reference_spread: |mean over seeds - reference| <= 2 * spread"},
        "settings": SETTINGS,
        "capabilities": findings,
        "comparisons": [r.as_dict() for r in comparisons],
        "references": [r.as_dict() for r in references],
        "counts": {"comparisons": len(comparisons), "comparisons_failed": failed_c,
                   "references": len(references), "references_failed": failed_r, "capability_errors": len(errors)},
        "passed": failed_c == 0 and failed_r == 0 and not errors,
        "false_alarm": false_alarm,
        "runs": runs,
        "command": "python -m zoo.validation " + " ".join(sys.argv[1:]),
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def headline(report):
    c = report["counts"]
    a, b = report["backends"]
    if report["passed"]:
        refs = (f"{c['references']} of {c['references']} reference checks pass" if c["references"]
                else "no reference values for this variant")
        return f"AGREE: {a} and {b} agree on all {c['comparisons']} comparisons (within seed-to-seed spread); {refs}"
    parts = []
    if c["comparisons_failed"]:
        parts.append(f"{c['comparisons_failed']} of {c['comparisons']} comparisons differ beyond seed-to-seed spread")
    if c["references_failed"]:
        parts.append(f"{c['references_failed']} of {c['references']} reference checks fail")
    if c["capability_errors"]:
        parts.append(f"{c['capability_errors']} capability errors")
    return "DIFFER: " + "; ".join(parts)


# --- HTML -------------------------------------------------------------------------------------
_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1180px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#555;margin-top:0}
.banner{padding:.8em 1em;border-radius:6px;font-size:1.1em;font-weight:600;margin:1em 0}
.ok{background:#e3f4e8;color:#1d6b34;border:1px solid #9fd3ae} .bad{background:#fbe6e4;color:#922b21;border:1px solid #e6a59e}
table{border-collapse:collapse;font-size:.86em;margin:.6em 0;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top} th{background:#f4f4f4}
td.pass{background:#e3f4e8;color:#1d6b34;font-weight:600} td.fail{background:#fbe6e4;color:#922b21;font-weight:600}
tr.failrow td{background:#fff5f4}
td.warning{background:#fff4d6} td.error{background:#fbe6e4} td.note{background:#eef3fb}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
.small{font-size:.85em;color:#555} code{background:#f4f4f4;padding:0 .2em}
nav a{margin-right:1em}
"""


def _table(rows, verdict_key="verdict", level_key=None):
    if not rows:
        return "<p class='small'>none</p>"
    keys = list(rows[0])
    out = ["<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in keys) + "</tr>"]
    for row in rows:
        failed = row.get(verdict_key) in ("FAIL", "MISSED")
        cells = []
        for k in keys:
            value = html.escape(str(row[k]))
            cls = ""
            if k == verdict_key:
                cls = " class='fail'" if failed else " class='pass'"
            elif level_key and k == level_key:
                cls = f" class='{row[k]}'"
            cells.append(f"<td{cls}>{value}</td>")
        out.append(f"<tr{' class=failrow' if failed else ''}>" + "".join(cells) + "</tr>")
    return "\n".join(out + ["</table>"])


def _img(png, alt):
    if png is None:
        return "<p class='small'>(no figure)</p>"
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def _finding_rows(findings):
    return [{"backend": f["simulator"], "level": f["level"], "feature": f["feature"], "where": f["where"], "message": f["message"]}
            for f in findings]


def _run_rows(runs):
    return [{
        "backend": r["backend"] + (f" + fault {r['fault']}" if r["fault"] else ""), "seed": r["seed"],
        "simulate (s)": _fmt(r["simulate_s"]), "reused": "yes" if r["reused"] else "no",
        "versions": ", ".join(f"{k} {v}" for k, v in r["versions"].items()
                              if k == "PyNN" or k.lower().startswith(r["backend"].split("+")[0].lower())),
        "codegen": r["brian2_codegen_target"] or "-", "connectivity sha256": (r["fingerprint"] or "-")[:12],
        "zoo commit": (r["zoo_commit"] or "-")[:12], "results": r["path"],
    } for r in runs]


def _power_rows(power):
    return [{"fault (injected into the first backend)": d["fault"], "what it does": d["description"],
             "verdict": "detected" if d["detected"] else "MISSED",
             "failing comparisons": f"{len(d['failed'])} of {d['comparisons']}: {', '.join(d['failed'])}"}
            for d in power.get("detection", [])]


def _false_alarm_html(power):
    if not power:
        return ("<p>The false-alarm and detection rates of this rule are measured with "
                "<code>python -m zoo.validation.power</code> (README, validation section); none were attached to this "
                "report (<code>--power FILE</code>).</p>")
    return "<p>" + html.escape(power.get("text", "")) + "</p>" + _table(_power_rows(power))


def _plain_text(docstring):
    """A reStructuredText docstring as plain text: roles and literal markers dropped."""
    text = re.sub(r":(?:mod|class|func):`([^`]*)`", r"\1", docstring.strip())
    return text.replace("``", "").replace("**", "")


def to_html(report, figures):
    a, b = report["backends"]
    ok = report["passed"]
    fault = report["fault"]
    comparisons = [_result_from_dict(d) for d in report["comparisons"]]
    references = [_result_from_dict(d) for d in report["references"]]
    title = f"{report['model']} ({report['variant']}): {a} vs {b}"
    seeds = "; ".join(f"{k}: seeds {', '.join(map(str, v))}" for k, v in report["seeds"].items())
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='sub'>{html.escape(report['title'])} — {html.escape(report['citation'])}, "
        f"doi:{html.escape(report['doi'])}<br>{html.escape(seeds)}; {report['warmup_ms']:g} ms warm-up + "
        f"{report['duration_ms']:g} ms recorded per run. Generated {html.escape(report['generated_utc'])}.</p>",
    ]
    if fault:
        parts.append(f"<p class='banner bad'>Fault injected into {html.escape(a)}: {html.escape(fault['name'])} — "
                     f"{html.escape(fault['description'])}. This report is expected to show differences.</p>")
    parts += [
        f"<div class='banner {'ok' if ok else 'bad'}'>{html.escape(headline(report))}</div>",
        "<nav class='small'><a href='#verdicts'>verdicts</a><a href='#references'>reference values</a>"
        "<a href='#distributions'>distributions</a><a href='#spectra'>spectra</a><a href='#observables'>observables</a>"
        "<a href='#rasters'>rasters</a><a href='#capabilities'>capability check</a><a href='#method'>rule</a>"
        "<a href='#runs'>runs</a></nav>",
        "<h2 id='verdicts'>Backend vs backend</h2>",
        f"<p>Rule <code>{html.escape(report['rule']['name'])}</code>: {html.escape(report['rule']['text'])}. "
        f"Values per backend are mean ± sd over seeds of each run's mean; the difference is {html.escape(a)} − "
        f"{html.escape(b)} with a 95 % t interval (paired by seed when the seeds match) and Hedges' g; these inform, "
        "the distances decide.</p>",
        _table(comparison_rows(comparisons)),
        "<p class='small'>Each row of the figure below is one distance of one comparison, divided by its threshold: "
        "the median of the coloured dots (bar) must lie left of the line.</p>",
        _img(figures.get("verdicts"), "distances over thresholds"),
        "<h2 id='references'>Against reference values</h2>",
        f"<p>Rule <code>{html.escape(report['rule']['reference_rule'])}</code>; numbers and sources from the "
        f"model's <code>reference.toml</code>.</p>",
        _table(reference_rows(references)),
        "<h2 id='distributions'>Distributions per backend</h2>",
        "<p class='small'>Per-neuron values pooled over seeds; the title says whether the comparison passed.</p>",
        _img(figures.get("distributions"), "distributions"),
        "<h2 id='spectra'>Population-rate spectra</h2>",
        _img(figures.get("spectra"), "spectra"),
        "<h2 id='observables'>Model observables</h2>",
        _img(figures.get("observables"), "observables"),
        "<h2 id='rasters'>Rasters</h2>",
        "<p class='small'>The same seed on both backends: identical connectivity, initial state and drive.</p>",
        _img(figures.get("rasters"), "rasters"),
        "<h2 id='capabilities'>Backend capability check</h2>",
        "<p class='small'>What the model uses that a backend does not support or treats differently "
        "(zoo/backends/capabilities.py).</p>",
        _table(_finding_rows(report["capabilities"]), verdict_key=None, level_key="level") if report["capabilities"]
        else "<p>No findings: the model uses nothing that either backend lacks or treats differently.</p>",
        "<h2 id='method'>The rule and its false-alarm rate</h2>",
        f"<pre class='small'>{html.escape(_plain_text(checks.__doc__))}</pre>",
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
    a, b = report["backends"]
    comparisons = [_result_from_dict(d) for d in report["comparisons"]]
    references = [_result_from_dict(d) for d in report["references"]]
    lines = [
        f"# {report['model']} ({report['variant']}): {a} vs {b}", "",
        f"{report['title']} — {report['citation']}, doi:{report['doi']}.  ",
        "; ".join(f"{k}: seeds {', '.join(map(str, v))}" for k, v in report["seeds"].items())
        + f"; {report['warmup_ms']:g} ms warm-up + {report['duration_ms']:g} ms recorded per run.", "",
    ]
    if report["fault"]:
        lines += [f"**Fault injected into {a}: {report['fault']['name']}** — {report['fault']['description']}.", ""]
    lines += [
        f"**{headline(report)}**", "",
        "## Backend vs backend", "",
        f"Rule `{report['rule']['name']}`: {report['rule']['text']}.", "",
        _md_table(comparison_rows(comparisons)),
        "## Against reference values", "",
        f"Rule `{report['rule']['reference_rule']}`.", "",
        _md_table(reference_rows(references)),
        "## Figures", "",
    ]
    for name, path in figure_files.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Backend capability check", "", _md_table(_finding_rows(report["capabilities"]))]
    if report.get("false_alarm"):
        power = report["false_alarm"]
        lines += ["## Detection and false-alarm rates of the rule", "", power.get("text", ""), "",
                  _md_table(_power_rows(power))]
    lines += ["## Runs", "", _md_table(_run_rows(report["runs"])), f"Command: `{report['command']}`", ""]
    return "\n".join(lines)


def _result_from_dict(data):
    fields = {f for f in checks.Check.__dataclass_fields__}
    check = checks.Check(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in fields})
    rest = {k: v for k, v in data.items() if k not in fields}
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
    """Write report.html, report.md, report.json and figures/ into `out`; return the directory."""
    report = _json_ready(report)
    with ResultsDir(out, force) as results:
        figure_dir = results.path("figures")
        figure_dir.mkdir()
        figure_files = {}
        for name, png in figures.items():
            if png is not None:
                (figure_dir / f"{name}.png").write_bytes(png)
                figure_files[name] = f"figures/{name}.png"
        results.path("report.html").write_text(to_html(report, figures))
        results.path("report.md").write_text(to_markdown(report, figure_files))
        results.path("report.json").write_text(json.dumps(report, indent=1) + "\n")
        results.write_json("provenance.json", {"kind": "validation report", "command": report["command"],
                                               "generated_utc": report["generated_utc"], "runs": report["runs"]})
        return results.commit()
