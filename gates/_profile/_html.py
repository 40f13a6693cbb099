"""A profile (and its drift) as ONE self-contained HTML file: inline CSS and SVG, no scripts, no network."""

from __future__ import annotations

import html
import math
from typing import Any

from ._drift import DriftReport
from ._model import ColumnProfile, Profile, quantile_how, quantile_note

__all__ = ["to_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2430;background:#f7f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}.muted{color:#667085}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border-bottom:1px solid #e4e7ec;padding:5px 8px;text-align:left;font-variant-numeric:tabular-nums}
th{background:#eef1f6;font-weight:600}td.n{text-align:right}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:14px}
.card{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:12px 14px}
.card h3{margin:0 0 2px;font-size:15px}.tag{display:inline-block;padding:1px 7px;border-radius:9px;
background:#e0eaff;color:#2845a8;font-size:12px;margin-left:6px}
.kv{display:grid;grid-template-columns:auto 1fr auto 1fr;gap:1px 10px;font-size:12.5px;margin-top:6px}
.kv span:nth-child(odd){color:#667085}.bad{color:#b42318;font-weight:600}.ok{color:#067647}
"""
_BLUE, _ORANGE = "#4f7cff", "#f79009"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:.3e}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _e(value: Any) -> str:
    return html.escape(_fmt(value))


def _histogram_svg(col: ColumnProfile, width: int = 340, height: int = 120) -> str:
    h = col.histogram
    if h is None or not h.counts:
        return ""
    top = max(h.counts) or 1
    n = len(h.counts)
    bw = (width - 8) / n
    bars = []
    for k, c in enumerate(h.counts):
        bh = (height - 22) * c / top
        x = 4 + k * bw
        label = f"[{_fmt(h.edges[k])}, {_fmt(h.edges[k + 1])}): {c:,}"
        bars.append(
            f'<rect x="{x:.1f}" y="{height - 18 - bh:.1f}" width="{max(bw - 1, 1):.1f}" height="{bh:.1f}" '
            f'fill="{_BLUE}"><title>{html.escape(label)}</title></rect>'
        )
    lo, hi = (col.min, col.max) if col.min is not None else (h.edges[0], h.edges[-1])
    axis = (
        f'<text x="4" y="{height - 4}" font-size="11" fill="#667085">{_e(lo)}</text>'
        f'<text x="{width - 4}" y="{height - 4}" font-size="11" fill="#667085" text-anchor="end">{_e(hi)}</text>'
    )
    return (
        f'<svg role="img" aria-label="histogram of {html.escape(col.name)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(bars)}{axis}</svg>'
    )


def _top_svg(col: ColumnProfile, width: int = 340, rows: int = 8) -> str:
    tv = col.top_values
    if tv is None or not tv.values:
        return ""
    items = list(zip(tv.values, tv.counts, strict=True))[:rows]
    if tv.other:
        items.append(("(other)", tv.other))
    top = max(n for _, n in items) or 1
    line, label_w = 18, 120
    parts = []
    for k, (v, n) in enumerate(items):
        y = k * line
        bw = (width - label_w - 60) * n / top
        color = "#98a2b3" if v == "(other)" and k == len(items) - 1 and tv.other else _BLUE
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11.5" text-anchor="end">{_e(v if isinstance(v, str) else _fmt(v))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{max(bw, 1):.1f}" height="{line - 5}" fill="{color}"></rect>'
            f'<text x="{label_w + bw + 4:.1f}" y="{y + 13}" font-size="11" fill="#667085">{n:,}</text>'
        )
    h = line * len(items)
    return (
        f'<svg role="img" aria-label="top values of {html.escape(col.name)}" width="{width}" height="{h}" '
        f'viewBox="0 0 {width} {h}">{"".join(parts)}</svg>'
    )


def _card(col: ColumnProfile) -> str:
    listy = col.semantic in ("id-like", "free text")
    chart = (
        _top_svg(col)
        if col.top_values is not None and col.semantic != "numeric" and not listy
        else ""
    )
    chart = chart or _histogram_svg(col) or ("" if listy else _top_svg(col))
    if not chart and col.samples:
        chart = '<div class="muted">samples: ' + ", ".join(_e(s) for s in col.samples) + "</div>"
    null_cls = ' class="bad"' if col.null_fraction > 0.5 else ""
    kv = [
        ("rows", col.count + col.null_count),
        ("nulls", f"{col.null_count:,} ({col.null_fraction:.1%})"),
        (
            "distinct",
            col.distinct
            if col.distinct_method == "exact"
            else f"≈{_fmt(col.distinct)}"
            + (f" ±{col.distinct_rse:.1%} (HyperLogLog)" if col.distinct_rse else " (estimated)"),
        ),
        ("min", col.min),
        ("max", col.max),
        ("mean", col.mean),
        ("std", col.std),
    ]
    if col.quantiles:
        mark = "" if col.quantile_method in (None, "exact") else "≈"
        for key in ("p50", "p99"):
            value = col.quantiles.get(key)
            kv.append((key, value if not mark or value is None else f"{mark}{_fmt(value)}"))
        kv.append(("quantiles", quantile_how(col)))
    if col.length_mean is not None:
        kv += [("length", f"{col.length_min}–{col.length_max}"), ("mean length", col.length_mean)]
    if col.text:
        t = col.text
        approx = "" if t.get("method") == "exact" else f" (of {t['values']:,} sampled)"
        kv += [
            ("empty / blank", f"{t['empty']:,} / {t['blank']:,}"),
            ("padded" + approx, t["padded"]),
            (
                "has" + approx,
                ", ".join(f"{k} {n:,}" for k, n in t["classes"].items() if n) or "–",
            ),
        ]
        lq = t.get("length_quantiles") or {}
        if lq:
            kv.append(
                (
                    "length p5–p50–p95",
                    f"{_fmt(lq.get('p5'))}–{_fmt(lq.get('p50'))}–{_fmt(lq.get('p95'))}",
                )
            )
        if t.get("words") and t["words"]["values"]:
            kv.append(("words", ", ".join(t["words"]["values"][:6])))
    if col.time:
        tm = col.time
        kv += [
            (
                "days",
                f"{tm['days_covered']:,} of {tm['days_in_span']:,} ({tm['missing_days']:,} missing)",
            ),
            ("top weekday", tm["top_weekday"]),
        ]
        if tm.get("gaps"):
            g = tm["gaps"][0]
            kv.append(("longest gap", f"{g['first']} – {g['last']} ({g['days']} days)"))
        if tm.get("top_hour") is not None:
            kv.append(("top hour", f"{tm['top_hour']:02d}:00"))
    for key in ("zeros", "negatives", "nan_count", "inf_count", "true_count"):
        if getattr(col, key):
            kv.append((key.replace("_count", ""), getattr(col, key)))
    kv = [(k, v) for k, v in kv if v is not None]
    cells = "".join(
        f"<span>{html.escape(k)}</span><span{null_cls if k == 'nulls' else ''}>{_e(v) if not isinstance(v, str) else html.escape(v)}</span>"
        for k, v in kv
    )
    return (
        f'<div class="card"><h3>{html.escape(col.name)}<span class="tag">{html.escape(col.semantic)}</span></h3>'
        f'<div class="muted">{html.escape(col.dtype)}</div>{chart}<div class="kv">{cells}</div></div>'
    )


def _drift_table(drift: DriftReport) -> str:
    rows = []
    for c in drift.columns:
        m = c.metrics
        cls = "bad" if c.drifted else "ok"
        status = ", ".join(c.drifted) if c.drifted else "ok"
        rows.append(
            f"<tr><td>{html.escape(c.column)}</td><td>{html.escape(c.kind)}</td>"
            + "".join(
                f'<td class="n">{_e(m.get(k))}</td>'
                for k in ("psi", "js", "ks", "null_rate_change", "distinct_change")
            )
            + f'<td>{_e(", ".join(map(str, c.new_categories[:5])) or None)}</td><td class="{cls}">{html.escape(status)}</td></tr>'
        )
    limits = ", ".join(f"{k} ≤ {v:g}" for k, v in drift.thresholds.items())
    return (
        f'<h2>Drift against {html.escape(drift.baseline)}</h2><div class="muted">thresholds: {html.escape(limits)}; '
        f"{len(drift.drifted)} of {len(drift.columns)} columns drifted, most drifted first</div>"
        "<table><tr><th>column</th><th>kind</th><th>PSI</th><th>JS</th><th>KS</th><th>Δ null rate</th>"
        f"<th>Δ distinct</th><th>new categories</th><th>status</th></tr>{''.join(rows)}</table>"
    )


def _distinct(c: ColumnProfile) -> str:
    """The distinct count, marked as an estimate with its bound when it is one."""
    if c.distinct_method == "exact":
        return _e(c.distinct)
    bound = f" ±{c.distinct_rse:.1%}" if c.distinct_rse else ""
    return f"≈{_e(c.distinct)}{bound}"


def to_html(profile: Profile, *, drift: DriftReport | None = None) -> str:
    """The profile as one self-contained HTML page: overview table, one chart per column, drift."""
    p = profile
    overview = "".join(
        f"<tr><td>{html.escape(c.name)}</td><td>{html.escape(c.dtype)}</td><td>{html.escape(c.semantic)}</td>"
        f'<td class="n">{c.null_fraction:.1%}</td><td class="n">{_distinct(c)}</td><td class="n">{_e(c.min)}</td>'
        f'<td class="n">{_e(c.max)}</td><td class="n">{_e(c.mean)}</td></tr>'
        for c in p.columns
    )
    facts = [f"{p.rows:,} rows", f"{len(p.columns)} columns"]
    if p.duplicate_rows is not None:
        facts.append(f"{p.duplicate_rows:,} duplicate rows")
    if p.file_bytes is not None:
        facts.append(f"{p.file_bytes / 1e6:,.1f} MB on disk")
    if p.memory_bytes is not None:
        facts.append(f"≈{p.memory_bytes / 1e6:,.1f} MB in memory")
    if p.sample:
        facts.append(f"sampled ({p.sample['method']} {p.sample['value']}, seed {p.sample['seed']})")
    corr = ""
    if p.correlations:

        def score(r: dict[str, Any]) -> float:
            keys = ("pearson", "spearman", "cramers_v_corrected")
            return max(abs(float(r.get(k) or 0.0)) for k in keys)

        strongest = sorted(p.correlations, key=lambda r: -score(r))[:15]
        corr = (
            "<h2>Strongest correlations</h2><table><tr><th>a</th><th>b</th><th>Pearson</th><th>Spearman</th>"
            "<th>Cramér's V</th><th>V (bias-corrected)</th></tr>"
            + "".join(
                f'<tr><td>{html.escape(r["a"])}</td><td>{html.escape(r["b"])}</td><td class="n">{_e(r["pearson"])}</td>'
                f'<td class="n">{_e(r.get("spearman"))}</td><td class="n">{_e(r.get("cramers_v"))}</td>'
                f'<td class="n">{_e(r.get("cramers_v_corrected"))}</td></tr>'
                for r in strongest
            )
            + "</table>"
        )
    if p.alerts:
        corr += (
            "<h2>Alerts</h2><table><tr><th>column</th><th>alert</th><th>detail</th></tr>"
            + "".join(
                f"<tr><td>{html.escape(a['column'] or '(table)')}</td><td>{html.escape(a['alert'])}</td>"
                f"<td>{html.escape(a['detail'])}</td></tr>"
                for a in p.alerts
            )
            + "</table>"
        )
    note = quantile_note(p)
    if note:
        facts.append(note)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Profile of {html.escape(p.source)}</title><style>{_CSS}</style></head><body>"
        f'<h1>Profile of {html.escape(p.source)}</h1><div class="muted">{" · ".join(facts)} · '
        f"datagates {html.escape(p.gates_version)} · profile schema {html.escape(p.schema_version)}</div>"
        + (_drift_table(drift) if drift is not None else "")
        + "<h2>Columns</h2><table><tr><th>column</th><th>dtype</th><th>semantic</th><th>null</th><th>distinct</th>"
        f"<th>min</th><th>max</th><th>mean</th></tr>{overview}</table>{corr}"
        f'<h2>Column details</h2><div class="cards">{"".join(_card(c) for c in p.columns)}</div>'
        "</body></html>\n"
    )
