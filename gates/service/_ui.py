"""The read-only dashboard of ``gates serve`` (``/ui``): runs, one run, a suite's trends.

This module holds the routes; the pages and the chart are rendered by ``gates/service/ui/``
(``_pages.py``, ``_chart.py``), next to their template and stylesheet.

Server-rendered HTML from the ledger (runs, verdicts, checks) and, when it exists, the metric
history next to it (``gates.history``: every series with the anomaly bands it was judged
against). Self-contained: one page, inline CSS and SVG, no script, no external URL; a
``Content-Security-Policy`` forbids anything else. Every value from a run (suite names, sources,
observed values) is escaped. With tokens configured a page needs a ``read`` token, sent as
``Authorization: Bearer`` or, for browsers, kept in an HttpOnly cookie by ``/ui/login``.
"""

import re
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gates.ledger import AmbiguousRunId, RunNotFound, StoredRun

from ._errors import Forbidden, Unauthorized
from .ui._chart import chart
from .ui._pages import (
    PAGE,
    TREND_RUNS,
    e,
    login_body,
    page,
    run_page,
    runs_page,
    suite_page,
    trend_document,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ._service import Service

# No postponed annotations here: FastAPI reads the route signatures defined in mount_ui.

__all__ = ["COOKIE", "chart", "mount_ui", "runs_page", "suite_page", "trend_document"]

#: The cookie that keeps a browser's token (HttpOnly, SameSite=Strict, path /ui).
COOKIE = "gates_ui_token"
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


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
        doc = page(
            title,
            body,
            suites=suites(extra),
            current=current,
            ledger=str(svc.settings.ledger_path),
            login=svc.tokens.enabled,
        )
        return HTMLResponse(doc, status_code=status, headers=_headers())

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
            return answer(login_body(message), status=401, title="Sign in")
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
        return answer(login_body(), title="Sign in")

    @app.post("/ui/login", include_in_schema=False)
    async def ui_login(request: Request) -> Any:
        body = (await request.body())[:4096].decode("utf-8", "replace")
        token = (urllib.parse.parse_qs(body).get("token") or [""])[0].strip()
        try:
            svc.tokens.authenticate(f"Bearer {token}" if token else None, "read")
        except (Unauthorized, Forbidden) as exc:
            return answer(login_body(exc.message), status=401, title="Sign in")
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
