"""The read-only dashboard of ``gates serve`` (``/ui``): runs, one run, a suite's trends.

Server-rendered HTML from the ledger (runs, verdicts, checks) and, when it exists, the metric
history next to it (``gates.history``: every series with the anomaly bands it was judged
against). Self-contained: one page, inline CSS and SVG, no script, no external URL; a
``Content-Security-Policy`` forbids anything else. Every value from a run (suite names, sources,
observed values) is escaped. With tokens configured a page needs a ``read`` token, sent as
``Authorization: Bearer`` or, for browsers, kept in an HttpOnly cookie by ``/ui/login``.
"""

import datetime as dt
import html
import math
import os
import re
import string
import urllib.parse
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from gates.ledger import AmbiguousRunId, RunNotFound, StoredRun

from ._errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ._service import Service

# No postponed annotations here: FastAPI reads the route signatures defined in mount_ui.

__all__ = ["COOKIE", "chart", "mount_ui", "runs_page", "suite_page", "trend_document"]

#: The cookie that keeps a browser's token (HttpOnly, SameSite=Strict, path /ui).
COOKIE = "gates_ui_token"
#: Runs per page of the runs list.
PAGE = 50
#: Runs drawn in a suite's trend charts (the newest).
TREND_RUNS = 200
#: Metric-history series drawn per suite page.
MAX_SERIES = 48
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_VERDICTS = ("pass", "warn", "block", "error")
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
    v = verdict if verdict in _VERDICTS else "error"
    return f'<span class="verdict verdict-{v}">{e(verdict)}</span>'


def _short(value: Any, limit: int = 80) -> str:
    if value is None:
        return ""
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- CHARTS ------------------------------------------------------------------------------


def chart(
    values: Sequence[float | None],
    *,
    label: str,
    verdicts: Sequence[str] | None = None,
    bands: Sequence[tuple[float | None, float | None]] | None = None,
    anomalies: Sequence[bool] | None = None,
    times: Sequence[str] | None = None,
    width: int = 320,
    height: int = 110,
) -> str:
    """An inline SVG line chart: one point per run, coloured by verdict, with anomaly bands.

    Args:
        values: the metric per run, oldest first (``None``: not measured in that run).
        label: the chart's accessible name (``aria-label``), escaped.
        verdicts: each run's verdict (point colour).
        bands: each run's ``(lower, upper)`` anomaly band (``None``/infinite: open side).
        anomalies: whether the anomaly check flagged the run's value (a red ring).
        times: each run's time, for the points' tooltips.
        width: view-box width.
        height: view-box height.
    """
    pad_l, pad_r, pad_t, pad_b = 54, 8, 8, 16
    n = len(values)
    finite = [v for v in values if v is not None and math.isfinite(v)]
    for lo, hi in bands or ():
        finite += [b for b in (lo, hi) if b is not None and math.isfinite(b)]
    parts = [
        f'<svg class="chart" role="img" aria-label="{e(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if not finite or n == 0:
        parts.append(f'<text x="{pad_l}" y="{height / 2:.0f}">no values yet</text></svg>')
        return "".join(parts)
    low, high = min(finite), max(finite)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y(v: float) -> float:
        v = min(max(v, low), high)
        return pad_t + inner_h * (1 - (v - low) / (high - low))

    parts.append(
        f'<line class="axis" x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - pad_r}" '
        f'y2="{pad_t + inner_h}"/>'
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end">{e(_short(high, 9))}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + inner_h}" text-anchor="end">{e(_short(low, 9))}</text>'
    )
    if bands and any(b != (None, None) for b in bands):
        upper = [(x(i), y(hi if hi is not None else high)) for i, (_, hi) in enumerate(bands)]
        lower = [(x(i), y(lo if lo is not None else low)) for i, (lo, _) in enumerate(bands)]
        ring = upper + lower[::-1]
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in ring)
        parts.append(
            f'<polygon class="band" points="{points}"><title>anomaly band</title></polygon>'
        )
    line = [(x(i), y(v)) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if len(line) > 1:
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
        parts.append(f'<polyline class="line" points="{points}"/>')
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            continue
        verdict = verdicts[i] if verdicts else "none"
        flagged = bool(anomalies and anomalies[i])
        cls = f"pt v-{verdict if verdict in _VERDICTS else 'none'}" + (
            " anomaly" if flagged else ""
        )
        tip = f"{times[i] + ': ' if times else ''}{_short(v, 24)}" + (
            f" ({verdict})" if verdicts else ""
        )
        if flagged:
            tip += " anomaly"
        parts.append(
            f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.2">'
            f"<title>{e(tip)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- PAGES -------------------------------------------------------------------------------


def _page(
    title: str, body: str, *, suites: Sequence[str], current: str, ledger: str, login: bool
) -> str:
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
    for v in (None, *_VERDICTS):
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
            f'<td class="src">{e(_short(dataset, 120))}</td>'
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
            f'<td class="num">{e(_short(c.get("observed"), 40))}</td>'
            f"<td>{e(_short(c.get('expected'), 60))}</td>"
            f'<td class="num">{"" if c.get("failing_count") is None else e(str(c.get("failing_count")))}'
            + (
                f' <span class="muted">({fraction:.2%})</span>'
                if isinstance(fraction, float)
                else ""
            )
            + f"</td><td>{e(_short(c.get('error') or c.get('message'), 120))}</td></tr>"
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
                f'<span class="muted">{len(pts)} runs, last {e(_short(pts[-1][3], 16))}</span>'
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
    suite: str, *, ledger: "os.PathLike[str] | str", history: "os.PathLike[str] | str | None"
) -> str:
    """A suite's trend page (``/ui/suites/NAME``) as one self-contained HTML document.

    For ``gates history --html PATH``: the same charts, read from ``ledger`` and ``history``
    (``None``: no metric history); its links to runs point at a ``gates serve`` of that ledger.
    """
    from gates.history import History
    from gates.ledger import Ledger

    runs = Ledger(ledger).list(suite=suite, limit=TREND_RUNS)
    body = suite_page(suite, runs, None if history is None else History(history))
    return _page(
        f"Suite {suite}", body, suites=[suite], current=suite, ledger=str(ledger), login=False
    )


def _login_body(message: str = "") -> str:
    notice = f'<p class="notice">{e(message)}</p>' if message else ""
    return (
        '<div class="login"><h1>Sign in</h1>' + notice + '<form method="post" action="/ui/login">'
        '<label for="token">A read (or write) token of this service</label>'
        '<input type="password" id="token" name="token" autocomplete="current-password" required>'
        '<button type="submit">Open the dashboard</button></form></div>'
    )


# --- ROUTES ------------------------------------------------------------------------------


def mount_ui(app: "FastAPI", svc: "Service") -> None:
    """Add the ``/ui`` routes to the service's FastAPI ``app`` (read scope, escaped, no script)."""
    from fastapi import Query, Request
    from fastapi.responses import HTMLResponse, RedirectResponse, Response

    from gates.history import History, history_for

    def history() -> Any | None:
        path = history_for(svc.settings.ledger_path)
        return None if path is None else History(path)

    def suites(extra: Sequence[str] = ()) -> list[str]:
        return sorted({s.name for s in svc.catalog} | set(extra))

    def answer(
        body: str, *, status: int = 200, title: str, current: str = "", extra: Sequence[str] = ()
    ) -> Any:
        page = _page(
            title,
            body,
            suites=suites(extra),
            current=current,
            ledger=str(svc.settings.ledger_path),
            login=svc.tokens.enabled,
        )
        return HTMLResponse(page, status_code=status, headers=_headers())

    def _headers() -> dict[str, str]:
        return {
            "Content-Security-Policy": _CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        }

    def denied(request: Request) -> Any | None:
        """None when the request may read; else the sign-in page (401) or a 403 page."""
        header = request.headers.get("authorization")
        cookie = request.cookies.get(COOKIE)
        if header is None and cookie:
            header = f"Bearer {cookie}"
        try:
            svc.tokens.authenticate(header, "read")
        except Unauthorized as exc:
            message = "" if header is None else exc.message
            return answer(_login_body(message), status=401, title="Sign in")
        except Forbidden as exc:
            return answer(f'<p class="notice">{e(exc.message)}</p>', status=403, title="Forbidden")
        return None

    def flush() -> None:
        if svc.writer is not None:
            svc.writer.flush(10.0)

    @app.get("/ui", response_class=HTMLResponse, include_in_schema=False)
    def ui_runs(
        request: Request,
        suite: str | None = Query(None, max_length=200),
        verdict: str | None = Query(None, pattern="^(pass|warn|block|error)$"),
        offset: int = Query(0, ge=0, le=10**9),
    ) -> Any:
        if (no := denied(request)) is not None:
            return no
        flush()
        found = svc.ledger.list(suite=suite, verdict=verdict, limit=PAGE + 1, offset=offset)
        body = runs_page(
            found[:PAGE], suite=suite, verdict=verdict, offset=offset, more=len(found) > PAGE
        )
        return answer(body, title="Runs", extra=[r.suite_name for r in found[:PAGE]])

    def _run(run_id: str) -> StoredRun | None:
        if not _RUN_ID.match(run_id):
            return None
        flush()
        try:
            return svc.ledger.get(run_id)
        except (RunNotFound, AmbiguousRunId):
            return None

    def _missing(run_id: str) -> Any:
        body = f'<h1>No such run</h1><p>No run with id <code>{e(run_id)}</code>; <a href="/ui">see the runs</a>.</p>'
        return answer(body, status=404, title="No such run")

    @app.get("/ui/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_run(request: Request, run_id: str) -> Any:
        if (no := denied(request)) is not None:
            return no
        run = _run(run_id)
        if run is None:
            return _missing(run_id)
        return answer(
            run_page(run), title=f"Run {run.run_id[:12]}", current="run", extra=[run.suite_name]
        )

    @app.get("/ui/runs/{run_id}/report", response_class=HTMLResponse, include_in_schema=False)
    def ui_report(request: Request, run_id: str) -> Any:
        if (no := denied(request)) is not None:
            return no
        run = _run(run_id)
        if run is None:
            return _missing(run_id)
        from ._html import run_html

        return HTMLResponse(run_html(run.record), headers=_headers())

    @app.get("/ui/suites/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def ui_suite(request: Request, name: str) -> Any:
        if (no := denied(request)) is not None:
            return no
        flush()
        runs = svc.ledger.list(suite=name, limit=TREND_RUNS)
        body = suite_page(name, runs, history())
        return answer(body, title=f"Suite {name}", current=name, extra=[name] if runs else ())

    @app.get("/ui/login", response_class=HTMLResponse, include_in_schema=False)
    def ui_login_form() -> Any:
        return answer(_login_body(), title="Sign in")

    @app.post("/ui/login", include_in_schema=False)
    async def ui_login(request: Request) -> Any:
        body = (await request.body())[:4096].decode("utf-8", "replace")
        token = (urllib.parse.parse_qs(body).get("token") or [""])[0].strip()
        try:
            svc.tokens.authenticate(f"Bearer {token}" if token else None, "read")
        except (Unauthorized, Forbidden) as exc:
            return answer(_login_body(exc.message), status=401, title="Sign in")
        done = RedirectResponse("/ui", status_code=303, headers=_headers())
        if svc.tokens.enabled:
            secure = request.url.scheme == "https"
            done.set_cookie(
                COOKIE, token, httponly=True, samesite="strict", path="/ui", secure=secure
            )
        return done

    @app.post("/ui/logout", include_in_schema=False)
    def ui_logout() -> Any:
        done: Response = RedirectResponse("/ui/login", status_code=303, headers=_headers())
        done.delete_cookie(COOKIE, path="/ui")
        return done
