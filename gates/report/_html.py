"""A self-contained HTML report (inline CSS, no scripts or fonts from the network)."""

from __future__ import annotations

import html
from typing import Any

from .._result import CheckResult, GateResult, Severity
from ._files import display_name

__all__ = ["to_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .3rem} .meta{color:#5b6475;margin-bottom:1.2rem}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:4px;font-weight:700;color:#fff}
.v-pass{background:#1f8a4c}.v-warn{background:#c98a00}.v-block{background:#c62828}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1.2rem} th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top;overflow-wrap:anywhere}
.checks td:nth-child(2){max-width:22rem} .samples{overflow-x:auto}
.checks td:nth-child(1),.checks td:nth-child(3),.checks td:nth-child(4),.checks td:nth-child(5),.checks th{white-space:nowrap;overflow-wrap:normal}
th{background:#f4f6fa;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
.s-pass{color:#1f8a4c;font-weight:600}.s-fail{color:#c62828;font-weight:700}.s-warn{color:#a06d00;font-weight:700}.s-error{color:#8e24aa;font-weight:700}
details{margin:.4rem 0 1rem} summary{cursor:pointer;font-weight:600} code{background:#f4f6fa;padding:0 .25rem;border-radius:3px}
.bar{height:8px;background:#e3e6ec;border-radius:4px;overflow:hidden;width:120px;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;background:#c62828}
"""


def _name(c: CheckResult) -> str:
    """The check's ``name:`` under its id, when it has one."""
    label = display_name(c)
    return f'<br><span class="name">{_e(label)}</span>' if label else ""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _status(c: CheckResult) -> tuple[str, str]:
    if c.passed:
        return "pass", "s-pass"
    if c.error:
        return "error", "s-error"
    return ("FAIL", "s-fail") if c.severity is Severity.BLOCK else ("warn", "s-warn")


def _sample(c: CheckResult) -> str:
    cols = list(dict.fromkeys(k for row in c.sample for k in row))[:12]
    head = "".join(f"<th>{_e(k)}</th>" for k in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(row.get(k))}</td>" for k in cols) + "</tr>" for row in c.sample
    )
    return f'<div class="samples"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def to_html(result: GateResult) -> str:
    """The run as one HTML page: verdict, every check, failing rows per failed check."""
    v = result.verdict.value
    ds = result.dataset
    rows = []
    for c in sorted(result.checks, key=lambda c: (c.passed, c.severity is not Severity.BLOCK)):
        label, css = _status(c)
        frac = c.failing_fraction or 0.0
        bar = (
            f'<span class="bar"><span style="width:{min(frac, 1) * 100:.1f}%"></span></span>'
            if c.failing_count
            else ""
        )
        failing = "" if c.failing_count is None else f"{c.failing_count:,} {bar}"
        rows.append(
            f'<tr><td class="{css}">{label}</td><td><code>{_e(c.id)}</code>{_name(c)}</td><td>{_e(c.engine)}</td>'
            f"<td>{_e(c.severity.value)}</td><td class=num>{failing}</td><td>{_e(c.error or c.message)}</td>"
            f"<td>{_e(c.expected)}{' · ' + _e(c.threshold) if c.threshold else ''}</td></tr>"
        )
    samples = "".join(
        f"<details open><summary><code>{_e(c.id)}</code> — failing rows ({len(c.sample)} of {c.failing_count if c.failing_count is not None else len(c.sample):,})</summary>{_sample(c)}</details>"
        for c in result.failed_checks
        if c.sample
    )
    failed = len(result.failed_checks)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagates · {_e(result.suite.name)} · {v}</title><style>{_CSS}</style></head>
<body>
<h1>datagates · suite <code>{_e(result.suite.name)}</code> <span class="verdict v-{v}">{v.upper()}</span></h1>
<div class="meta">data <code>{_e(ds.source)}</code> · {ds.rows if ds.rows is not None else "?":,} rows · {len(ds.columns)} columns ·
fingerprint <code>{_e(ds.fingerprint)}</code><br>{failed} of {len(result.checks)} checks failed · {result.duration_s:.2f}s ·
run <code>{_e(result.run_id)}</code> · {_e(result.started_at.isoformat(timespec="seconds"))} · suite hash <code>{_e(result.suite.hash[:16])}</code></div>
<table class="checks"><thead><tr><th></th><th>check</th><th>engine</th><th>severity</th><th>failing</th><th>result</th><th>expected</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{samples}
<div class="meta">versions: {_e(", ".join(f"{k} {val}" for k, val in result.versions.items()))}</div>
</body></html>
"""
