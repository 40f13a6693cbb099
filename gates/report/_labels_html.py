"""The ``gates labels --html`` review page: one self-contained file (inline CSS and JS only).

Summary and rates, the per-class table, the confusion matrix as a colour-scaled table, and the
ranked issue rows with their values, filterable by issue type and class, sortable by any
column, with a "reviewed" tick per row. Nothing is fetched from the network.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labeling import LabelReport

__all__ = ["to_labels_html"]

#: Issue rows written to the page at most (all of them are in ``--out``).
MAX_ROWS = 5000
#: Classes drawn as a matrix; more are listed as the largest mismatches.
MATRIX_CLASSES = 30

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2330;padding:0 1rem}
p.warn{background:#fff4e0;border:1px solid #e8b04a;border-radius:6px;padding:.6rem .9rem}
h1{font-size:1.4rem;margin:0 0 .3rem} h2{font-size:1.1rem;margin:1.6rem 0 .4rem} .meta{color:#5b6475;margin-bottom:1rem}
table{border-collapse:collapse;margin:.4rem 0 1rem} th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top;white-space:nowrap}
th{background:#f4f6fa;font-weight:600} td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:.8rem;flex-wrap:wrap} .card{border:1px solid #e3e6ec;border-radius:6px;padding:.6rem .9rem;min-width:160px}
.card b{display:block;font-size:1.3rem} .bar{height:8px;background:#e3e6ec;border-radius:4px;overflow:hidden;width:140px;margin-top:.3rem}
.bar>span{display:block;height:100%;background:#c62828} .cm td{text-align:right;min-width:3rem} .cm th.g{text-align:left}
.controls{display:flex;gap:.8rem;align-items:center;margin:.5rem 0;flex-wrap:wrap} .scroll{overflow-x:auto;max-height:75vh;overflow-y:auto}
#issues th[data-col]{cursor:pointer;position:sticky;top:0} #issues th[data-col]:hover{background:#e7ebf3}
#issues tr.done td{opacity:.45;text-decoration:line-through} .diff{color:#c62828;font-weight:600} .note{color:#7a5a00}
"""

_JS = """
(function(){
  var tb=document.querySelector('#issues tbody'); if(!tb) return;
  var rows=Array.prototype.slice.call(tb.rows);
  var ft=document.getElementById('f-type'), fc=document.getElementById('f-class'), fq=document.getElementById('f-text');
  var shown=document.getElementById('shown'), done=document.getElementById('done');
  function apply(){
    var t=ft.value, c=fc.value, q=fq.value.toLowerCase(), n=0;
    rows.forEach(function(r){
      var ok=(!t||r.dataset.type===t)&&(!c||r.dataset.given===c)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.hidden=!ok; if(ok) n++;
    });
    shown.textContent=n;
  }
  ft.addEventListener('change',apply); fc.addEventListener('change',apply); fq.addEventListener('input',apply);
  tb.addEventListener('change',function(e){
    if(e.target.type!=='checkbox') return;
    e.target.closest('tr').classList.toggle('done',e.target.checked);
    done.textContent=tb.querySelectorAll('input:checked').length;
  });
  document.querySelectorAll('#issues th[data-col]').forEach(function(th){
    th.addEventListener('click',function(){
      var col=+th.dataset.col, num=th.dataset.num==='1', dir=th.dataset.dir==='asc'?-1:1;
      th.dataset.dir=dir===1?'asc':'desc';
      rows.sort(function(a,b){
        var x=a.cells[col].dataset.v, y=b.cells[col].dataset.v;
        if(num){ var fx=parseFloat(x), fy=parseFloat(y);
          fx=isNaN(fx)?Infinity:fx; fy=isNaN(fy)?Infinity:fy; return (fx-fy)*dir || 0; }
        return x.localeCompare(y)*dir;
      });
      rows.forEach(function(r){ tb.appendChild(r); });
    });
  });
  apply();
})();
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _table(head: list[tuple[str, bool]], rows: list[list[Any]], css: str = "") -> str:
    th = "".join(f'<th class="num">{_e(h)}</th>' if n else f"<th>{_e(h)}</th>" for h, n in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(v)}</td>' if n else f"<td>{_e(v)}</td>"
            for v, (_, n) in zip(r, head, strict=True)
        )
        + "</tr>"
        for r in rows
    )
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _cards(report: LabelReport) -> str:
    cards = []
    for t, rate in report.rates.items():
        flagged = int(report.flags[t].sum())
        cards.append(
            f'<div class="card">{_e(t)}<b>{rate:.2%}</b>{flagged:,} of {report.n_analysed:,} rows'
            f'<div class="bar"><span style="width:{min(rate, 1.0) * 100:.1f}%"></span></div></div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _confusion(report: LabelReport) -> str:
    counts = {(g, s): int(n) for g, s, n in report.confusion.iter_rows()}
    classes = report.classes
    if len(classes) > MATRIX_CLASSES:
        off = sorted(((n, g, s) for (g, s), n in counts.items() if g != s), key=lambda x: -x[0])
        return _table(
            [("given", False), ("suggested", False), ("rows", True)],
            [[_fmt(g), _fmt(s), f"{n:,}"] for n, g, s in off[:50]],
        )
    head = "".join(f"<th>{_e(_fmt(s))}</th>" for s in classes)
    body = []
    for g in classes:
        total = sum(counts.get((g, s), 0) for s in classes) or 1
        cells = []
        for s in classes:
            n = counts.get((g, s), 0)
            share = n / total
            alpha = 0.0 if n == 0 else 0.1 + 0.8 * share
            rgb = "31,138,76" if g == s else "198,40,40"
            color = "#fff" if alpha > 0.55 else "#1d2330"
            cells.append(
                f'<td style="background:rgba({rgb},{alpha:.3f});color:{color}" '
                f'title="given {_e(_fmt(g))}, suggested {_e(_fmt(s))}: {n:,} of {total:,} rows">'
                f"{n:,}</td>"
            )
        body.append(f'<tr><th class="g">{_e(_fmt(g))}</th>{"".join(cells)}</tr>')
    return (
        '<table class="cm"><thead><tr><th>given \\ suggested</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _issues(report: LabelReport, label: str, max_rows: int) -> str:
    frame = report.issues.head(max_rows)
    cols = frame.columns
    head = ['<th title="tick rows you have reviewed">reviewed</th>']
    for i, c in enumerate(cols, start=1):
        dtype = frame.schema[c]
        num = "1" if dtype.is_numeric() else "0"
        cls = ' class="num"' if dtype.is_numeric() else ""
        head.append(f'<th data-col="{i}" data-num="{num}"{cls}>{_e(c)}</th>')
    rows = []
    for r in frame.iter_rows(named=True):
        cells = ['<td><input type="checkbox" aria-label="reviewed"></td>']
        for c in cols:
            v = r[c]
            cls = ' class="num"' if _num(v) else ""
            if c == "suggested_label" and v != r["given_label"]:
                cls = ' class="diff"'
            shown = f"{v:.4f}" if c == "score" and isinstance(v, float) else _fmt(v)
            cells.append(f'<td{cls} data-v="{_e(_fmt(v))}">{_e(shown)}</td>')
        rows.append(
            f'<tr data-type="{_e(r["issue_type"])}" data-given="{_e(_fmt(r["given_label"]))}">'
            f"{''.join(cells)}</tr>"
        )
    types = "".join(f'<option value="{_e(t)}">{_e(t)}</option>' for t in report.rates)
    classes = "".join(
        f'<option value="{_e(_fmt(c))}">{_e(_fmt(c))}</option>' for c in report.classes
    )
    more = (
        f'<p class="note">showing the first {max_rows:,} of {report.issues.height:,} issue rows; '
        "write them all with --out</p>"
        if report.issues.height > max_rows
        else ""
    )
    return (
        '<div class="controls">'
        f'<label>issue type <select id="f-type"><option value="">all</option>{types}</select></label>'
        f'<label>given {_e(label)} <select id="f-class"><option value="">all</option>{classes}</select></label>'
        '<label>search <input id="f-text" type="search" placeholder="any value"></label>'
        '<span><b id="shown">0</b> shown, <b id="done">0</b> reviewed</span></div>'
        f"{more}<p>Click a column header to sort. Scores are in [0, 1]; lower is more suspect.</p>"
        f'<div class="scroll"><table id="issues"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def to_labels_html(
    report: LabelReport,
    *,
    source: str,
    label: str,
    model: str = "ensemble",
    seed: int = 0,
    max_rows: int = MAX_ROWS,
) -> str:
    """A self-contained HTML page to review a `labeling.LabelReport`.

    Args:
        report: what ``labeling.find_issues`` returned.
        source: the data it was run on (shown in the header).
        label: the label column.
        model: the model used (shown unless the probabilities were supplied).
        seed: the seed used.
        max_rows: issue rows written to the page at most.

    Returns:
        The HTML text; inline CSS and JS, no external resources.
    """
    how = (
        "your pred_probs"
        if report.folds == 0
        else f"{_e(model)}, {report.folds}-fold cross-validation, seed {seed}"
    )
    summary = _table(
        [
            ("class", False),
            ("rows", True),
            ("share", True),
            ("label issues", True),
            ("issue rate", True),
        ],
        [
            [
                _fmt(r["class"]),
                f"{r['rows']:,}",
                f"{r['share']:.2%}",
                f"{r['label_issues']:,}",
                f"{r['issue_rate']:.2%}",
            ]
            for r in report.class_summary.iter_rows(named=True)
        ],
    )
    rates = _table(
        [("issue type", False), ("flagged rows", True), ("rate", True)],
        [[t, f"{int(report.flags[t].sum()):,}", f"{r:.2%}"] for t, r in report.rates.items()],
    )
    dropped = (
        "<h2>Dropped features</h2>"
        + _table(
            [("column", False), ("reason", False)], [[c, r] for c, r in report.dropped_features]
        )
        if report.dropped_features
        else ""
    )
    notes = (
        "<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>"
        if report.notes
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Label issues: {_e(source)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Label issues in {_e(source)}</h1>"
        f'<div class="meta">label column <code>{_e(label)}</code> · {report.n_analysed:,} of '
        f"{report.n_rows:,} rows analysed · {len(report.classes):,} classes · {how} · "
        f"{_agreement(report)}{report.issues.height:,} issue rows</div>"
        f"{_no_skill(report)}"
        f"<h2>Summary</h2>{_cards(report)}{rates}"
        f"<h2>Per class</h2>{summary}"
        f"<h2>Given vs suggested label</h2><p>Rows: the given label; columns: the model's "
        f"suggestion. Off-diagonal cells are candidate label errors.</p>{_confusion(report)}"
        f"{dropped}{notes}"
        f"<h2>Issues</h2>{_issues(report, label, max_rows)}"
        f"<script>{_JS}</script></body></html>\n"
    )


def _agreement(report: LabelReport) -> str:
    """The report's agreement summary and a separator, or "" without analysed rows."""
    text = report.agreement_summary()
    return "" if text is None else f"{_e(text)} · "


def _no_skill(report: LabelReport) -> str:
    """A warning at the top when the model cannot tell some class apart."""
    if not report.no_skill or report.class_skill is None:
        return ""
    weak = report.class_skill.filter(~report.class_skill["skilled"])
    names = ", ".join(
        f"{_e(repr(r['class']))} (out-of-fold AUC {r['auc']:.2f}, recall {r['recall']:.2f})"
        for r in weak.iter_rows(named=True)
    )
    return (
        '<p class="warn" role="alert"><strong>The model has no skill on '
        f"{'class' if weak.height == 1 else 'classes'} {names}</strong>: label issues for "
        f"{'it' if weak.height == 1 else 'them'} are not reliable and are not listed. Add "
        "features that separate the class, or pass your own out-of-sample probabilities.</p>"
    )
