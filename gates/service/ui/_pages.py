"""The dashboard's pages as HTML bodies: the runs list, one run, a suite's trends.

Server-rendered from ledger records and the metric history; every value from a run is
escaped. :func:`page` wraps a body in ``page.html`` with the inline ``style.css``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import string
import urllib.parse
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from gates.ledger import StoredRun

from ._chart import VERDICTS, chart, short

__all__ = [
    "MAX_SERIES",
    "PAGE",
    "TREND_RUNS",
    "login_body",
    "page",
    "run_page",
    "runs_page",
    "suite_page",
    "trend_document",
]

#: Runs per page of the runs list.
PAGE = 50
#: Runs drawn in a suite's trend charts (the newest).
TREND_RUNS = 200
#: Metric-history series drawn per suite page.
MAX_SERIES = 48
e = html.escape


@cache
def _asset(name: str) -> str:
    return resources.files("gates.service").joinpath("ui", name).read_text(encoding="utf-8")


def _q(value: str) -> str:
    """``value`` as one URL path segment."""
    return urllib.parse.quote(value, safe="")


def _time(value: Any) -> str:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC)
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def _badge(verdict: str) -> str:
    v = verdict if verdict in VERDICTS else "error"
    return f'<span class="verdict verdict-{v}">{e(verdict)}</span>'


def page(
    title: str, body: str, *, suites: Sequence[str], current: str, ledger: str, login: bool
) -> str:
    """A whole HTML document: ``body`` in the page template, the suites in the navigation."""
    from gates import __version__

    nav = " ".join(
        f'<a href="/ui/suites/{_q(s)}"'
        + (' aria-current="page"' if current == s else "")
        + f">{e(s)}</a>"
        for s in suites
    )
    logout = (
        '<form method="post" action="/ui/logout"><button type="submit">Sign out</button></form>'
        if login
        else ""
    )
    return string.Template(_asset("page.html")).substitute(
        title=e(title),
        css=_asset("style.css"),
        body=body,
        suites=nav,
        runs_current=' aria-current="page"' if current == "" else "",
        logout=logout,
        version=e(__version__),
        ledger=f"<code>{e(ledger)}</code>",
    )


def _failing(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in record.get("checks") or () if isinstance(c, Mapping) and not c.get("passed")]


def _backend(record: Mapping[str, Any]) -> str:
    backend = record.get("backend")
    if isinstance(backend, Mapping):
        name = str(backend.get("name") or "polars")
        return f"{name} ({backend['master']})" if backend.get("master") else name
    return str(backend or "polars")


def runs_page(
    runs: Sequence[StoredRun], *, suite: str | None, verdict: str | None, offset: int, more: bool
) -> str:
    """The body of the runs list: filters, one row per run, paging links."""

    def link(**changes: Any) -> str:
        params = {"suite": suite, "verdict": verdict, "offset": offset or None, **changes}
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
        return "/ui" + (f"?{query}" if query else "")

    filters = [
        '<div class="filters" aria-label="verdict filter"><span class="muted">verdict</span>'
    ]
    for v in (None, *VERDICTS):
        here = ' aria-current="true"' if v == verdict else ""
        filters.append(f'<a href="{e(link(verdict=v, offset=None))}"{here}>{e(v or "all")}</a>')
    if suite:
        filters.append(
            f'<span class="muted">suite</span> <code>{e(suite)}</code> '
            f'<a href="{e(link(suite=None, offset=None))}">all suites</a>'
        )
    filters.append("</div>")
    rows = []
    for run in runs:
        rec = run.record
        failing = _failing(rec)
        names = ", ".join(e(str(c.get("id"))) for c in failing[:3]) + (
            " …" if len(failing) > 3 else ""
        )
        dataset = (rec.get("dataset") or {}).get("source") or ""
        rows.append(
            f'<tr class="run" data-verdict="{e(run.verdict)}">'
            f'<td class="mono">{e(_time(rec.get("started_at")))}</td>'
            f'<td><a href="/ui/suites/{_q(run.suite_name)}">{e(run.suite_name)}</a></td>'
            f'<td class="src">{e(short(dataset, 120))}</td>'
            f"<td>{_badge(run.verdict)}</td>"
            f'<td class="num">{"" if run.rows is None else f"{run.rows:,}"}</td>'
            f'<td class="failing"><span class="num">{len(failing)}</span>'
            + (f' <span class="muted">{names}</span>' if failing else "")
            + "</td>"
            f"<td>{e(_backend(rec))}</td>"
            f'<td><a class="mono" href="/ui/runs/{_q(run.run_id)}">{e(run.run_id[:12])}</a></td></tr>'
        )
    table = (
        '<table id="runs"><thead><tr><th>started (UTC)</th><th>suite</th><th>dataset</th>'
        '<th>verdict</th><th class="num">rows</th><th>failing checks</th><th>backend</th>'
        "<th>run</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else '<p class="muted" id="runs">No runs recorded yet.</p>'
    )
    pager = ['<div class="pager">']
    if offset > 0:
        pager.append(
            f'<a href="{e(link(offset=max(0, offset - PAGE) or None))}" rel="prev">newer</a>'
        )
    if more:
        pager.append(f'<a href="{e(link(offset=offset + PAGE))}" rel="next">older</a>')
    pager.append("</div>")
    return "<h1>Runs</h1>" + "".join(filters) + table + "".join(pager)


def run_page(run: StoredRun) -> str:
    """The body of one run's page: what ran on what, and every check."""
    rec = run.record
    dataset = rec.get("dataset") or {}
    actor = rec.get("actor") or {}
    who = actor.get("name") or actor.get("kind") if isinstance(actor, Mapping) else None
    meta = [
        ("suite", f'<a href="/ui/suites/{_q(run.suite_name)}">{e(run.suite_name)}</a>'),
        ("verdict", _badge(run.verdict)),
        ("started", e(_time(rec.get("started_at"))) + " UTC"),
        ("finished", e(_time(rec.get("finished_at"))) + " UTC"),
        ("dataset", f"<code>{e(str(dataset.get('source') or ''))}</code>"),
        ("fingerprint", f"<code>{e(str(dataset.get('fingerprint') or ''))}</code>"),
        ("rows", "" if run.rows is None else f"{run.rows:,}"),
        ("backend", e(_backend(rec))),
        ("recorded by", e(str(who or ""))),
        ("ledger", f"#{run.seq} <code>{e(run.hash[:16])}</code>"),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta)
    checks = []
    for c in rec.get("checks") or ():
        if not isinstance(c, Mapping):
            continue
        ok = bool(c.get("passed"))
        fraction = c.get("failing_fraction")
        checks.append(
            f'<tr class="check {"passed" if ok else "failed"}">'
            f'<td class="mono">{e(str(c.get("id")))}</td><td>{e(str(c.get("column") or ""))}</td>'
            f"<td>{e(str(c.get('engine') or ''))}</td><td>{e(str(c.get('severity') or ''))}</td>"
            f'<td class="{"passed" if ok else "failed"}">{"passed" if ok else "failed"}</td>'
            f'<td class="num">{e(short(c.get("observed"), 40))}</td>'
            f"<td>{e(short(c.get('expected'), 60))}</td>"
            f'<td class="num">{"" if c.get("failing_count") is None else e(str(c.get("failing_count")))}'
            + (
                f' <span class="muted">({fraction:.2%})</span>'
                if isinstance(fraction, float)
                else ""
            )
            + f"</td><td>{e(short(c.get('error') or c.get('message'), 120))}</td></tr>"
        )
    table = (
        '<table id="checks"><thead><tr><th>check</th><th>column</th><th>engine</th>'
        '<th>severity</th><th>result</th><th class="num">observed</th><th>expected</th>'
        '<th class="num">failing</th><th>message</th></tr></thead><tbody>'
        + "".join(checks)
        + "</tbody></table>"
    )
    rid = _q(run.run_id)
    links = (
        f'<p><a id="report" href="/ui/runs/{rid}/report">full HTML report</a> · '
        f'<a href="/v1/runs/{rid}?format=html">the same at /v1/runs/{e(run.run_id[:12])}</a> · '
        f'<a href="/v1/runs/{rid}">ledger record (JSON)</a></p>'
    )
    return f'<h1>Run <code>{e(run.run_id[:12])}</code></h1><dl class="meta">{dl}</dl>{links}<h2>Checks</h2>{table}'


_SERIES_SQL = """
WITH recent AS (
    SELECT ledger_seq, started_at, verdict FROM history_runs WHERE suite_name = ?
    ORDER BY started_at DESC, ledger_seq DESC LIMIT ?
)
SELECT m.metric, r.ledger_seq, r.started_at, r.verdict, m.value, b.lower, b.upper, b.passed, m.kind
FROM recent r JOIN history_metrics m USING (ledger_seq)
LEFT JOIN history_bands b ON b.ledger_seq = m.ledger_seq AND b.metric = m.metric
ORDER BY m.metric, r.started_at, r.ledger_seq
"""


def _history_series(history: Any, suite: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every metric of the suite's newest runs, in one query: metric → points oldest first,
    each ``(seq, started_at, verdict, value, lower, upper, passed, kind)``."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for metric, *point in history.query(_SERIES_SQL, [suite, TREND_RUNS]):
        out.setdefault(str(metric), []).append(tuple(point))
    return out


def suite_page(name: str, runs: Sequence[StoredRun], history: Any | None) -> str:
    """The body of a suite's trend page: row count and failing checks per run, then every
    metric series of the history with its anomaly bands.

    Args:
        name: the suite.
        runs: its recorded runs, newest first (the ledger's order).
        history: a :class:`gates.history.History`, or ``None`` when there is none.
    """
    ordered = list(reversed(runs))
    times = [_time(r.record.get("started_at")) for r in ordered]
    verdicts = [r.verdict for r in ordered]
    rows: list[float | None] = [None if r.rows is None else float(r.rows) for r in ordered]
    failing: list[float | None] = [float(len(_failing(r.record))) for r in ordered]
    row_bands: list[tuple[float | None, float | None]] | None = None
    row_flags: list[bool] | None = None
    series_html = []
    note = ""
    if history is not None:
        series = _history_series(history, name)
        rows_points = {
            seq: (lo, hi, ok) for seq, _, _, _, lo, hi, ok, _ in series.pop("row_count", [])
        }
        if any(lo is not None for lo, _, _ in rows_points.values()):
            row_bands = [rows_points.get(r.seq, (None, None, None))[:2] for r in ordered]
            row_flags = [rows_points.get(r.seq, (None, None, None))[2] is False for r in ordered]
        # failing fractions, column statistics and whatever an anomaly check judges; the
        # other per-check numbers stay in `gates history`
        listed = sorted(
            (
                (metric, pts)
                for metric, pts in series.items()
                if metric.endswith(".failing_fraction")
                or pts[0][7] == "column"
                or any(p[4] is not None for p in pts)
            ),
            key=lambda mp: (
                not any(p[4] is not None for p in mp[1]),
                mp[1][0][7] != "column",
                mp[0],
            ),
        )
        for metric, pts in listed[:MAX_SERIES]:
            series_html.append(
                f'<figure class="series"><figcaption><code>{e(metric)}</code> '
                f'<span class="muted">{len(pts)} runs, last {e(short(pts[-1][3], 16))}</span>'
                "</figcaption>"
                + chart(
                    [p[3] for p in pts],
                    label=f"{metric} over time",
                    verdicts=[p[2] for p in pts],
                    bands=[(p[4], p[5]) for p in pts],
                    anomalies=[p[6] is False for p in pts],
                    times=[_time(p[1]) for p in pts],
                )
                + "</figure>"
            )
        if len(listed) > MAX_SERIES:
            note = (
                f'<p class="muted">{len(listed) - MAX_SERIES} more series: '
                "gates history list --suite NAME</p>"
            )
    else:
        note = '<p class="muted">No metric history next to this ledger (GATES_HISTORY is off).</p>'
    head = (
        f"<h1>Suite <code>{e(name)}</code></h1>"
        f'<p class="muted">{len(runs)} newest runs · <a href="/ui?{urllib.parse.urlencode({"suite": name})}">'
        "list them</a></p>"
    )
    charts = (
        '<div class="charts">'
        '<figure id="trend-rows"><figcaption>row count</figcaption>'
        + chart(
            rows,
            label="row count over time",
            verdicts=verdicts,
            bands=row_bands,
            anomalies=row_flags,
            times=times,
        )
        + '</figure><figure id="trend-failing"><figcaption>failing checks</figcaption>'
        + chart(failing, label="failing checks over time", verdicts=verdicts, times=times)
        + "</figure></div>"
    )
    history_part = (
        '<h2>Metric history</h2><div class="charts" id="series">'
        + "".join(series_html)
        + "</div>"
        + note
    )
    return head + charts + history_part


def trend_document(
    suite: str, *, ledger: os.PathLike[str] | str, history: os.PathLike[str] | str | None
) -> str:
    """A suite's trend page (``/ui/suites/NAME``) as one self-contained HTML document.

    For ``gates history --html PATH``: the same charts, read from ``ledger`` and ``history``
    (``None``: no metric history); its links to runs point at a ``gates serve`` of that ledger.
    """
    from gates.history import History
    from gates.ledger import Ledger

    runs = Ledger(ledger).list(suite=suite, limit=TREND_RUNS)
    body = suite_page(suite, runs, None if history is None else History(history))
    return page(
        f"Suite {suite}", body, suites=[suite], current=suite, ledger=str(ledger), login=False
    )


def login_body(message: str = "") -> str:
    """The sign-in form (a token, kept in a cookie by ``POST /ui/login``)."""
    notice = f'<p class="notice">{e(message)}</p>' if message else ""
    return (
        '<div class="login"><h1>Sign in</h1>' + notice + '<form method="post" action="/ui/login">'
        '<label for="token">A read (or write) token of this service</label>'
        '<input type="password" id="token" name="token" autocomplete="current-password" required>'
        '<button type="submit">Open the dashboard</button></form></div>'
    )
