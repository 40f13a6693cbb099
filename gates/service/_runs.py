"""The /v1/runs routes of ``create_app``: recorded runs read back from the ledger.

Like ``_app``, this module does not use postponed annotations, so FastAPI can read the
route signatures; FastAPI is imported when ``add_run_routes`` is called.
"""

import asyncio
import re
from typing import TYPE_CHECKING, Any

from gates.ledger import AmbiguousRunId, RunNotFound, StoredRun

from ._errors import NotFound, Unprocessable
from ._html import run_html
from ._http import ERRORS, json_response
from ._models import RunList, RunOut, RunSummary
from ._service import Service

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["add_run_routes"]

_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Seconds a read waits for queued ledger records (read your writes).
_FLUSH_WAIT = 10.0


def _summary(run: StoredRun) -> RunSummary:
    rec = run.record
    actor = rec.get("actor") or {}
    return RunSummary(
        seq=run.seq,
        run_id=run.run_id,
        suite=run.suite_name,
        verdict=run.verdict,
        started_at=str(rec.get("started_at")),
        finished_at=str(rec.get("finished_at")),
        rows=run.rows,
        source=(rec.get("dataset") or {}).get("source"),
        fingerprint=(rec.get("dataset") or {}).get("fingerprint"),
        actor=actor.get("name") or actor.get("kind"),
        hash=run.hash,
    )


def add_run_routes(app: "FastAPI", svc: Service, reader: Any) -> None:
    """``GET /v1/runs`` and ``GET /v1/runs/{run_id}`` (scope: read, through ``reader``)."""
    from fastapi import Query, Request
    from fastapi.responses import HTMLResponse

    def _flush() -> None:
        if svc.writer is not None:
            svc.writer.flush(_FLUSH_WAIT)  # read your writes: queued records land first

    @app.get("/v1/runs", response_model=RunList, responses=ERRORS, tags=["runs"])
    async def list_runs(
        suite: str | None = Query(None, max_length=64),
        verdict: str | None = Query(None, pattern="^(pass|warn|block|error)$"),
        since: str | None = Query(None, description="ISO-8601; runs started at or after"),
        until: str | None = Query(None, description="ISO-8601; runs started before"),
        limit: int = Query(50, ge=0, le=1000),
        offset: int = Query(0, ge=0, le=10**9),
        _: str | None = reader,
    ) -> RunList:
        """Recorded runs from the ledger, newest first (scope: read)."""

        def read() -> list[StoredRun]:
            _flush()
            try:
                return svc.ledger.list(
                    suite=suite,
                    verdict=verdict,
                    since=since,
                    until=until,
                    limit=limit,
                    offset=offset,
                )
            except ValueError as exc:
                raise Unprocessable(str(exc)) from None

        runs = await asyncio.to_thread(read)
        return RunList(runs=[_summary(r) for r in runs], limit=limit, offset=offset)

    @app.get(
        "/v1/runs/{run_id}",
        response_model=RunOut,
        tags=["runs"],
        responses={200: {"content": {"text/html": {}}}, **ERRORS},
    )
    async def get_run(
        request: Request,
        run_id: str,
        format: str | None = Query(None, pattern="^(json|html)$"),
        _: str | None = reader,
    ) -> Any:
        """One run by id (or a unique prefix): JSON, or the HTML report with ?format=html or Accept: text/html."""
        if not _RUN_ID.match(run_id):
            raise NotFound(
                "no run with that id; run ids are hex strings, list them with GET /v1/runs"
            )

        def read() -> StoredRun:
            _flush()
            try:
                return svc.ledger.get(run_id)
            except RunNotFound:
                raise NotFound(f"no run with id {run_id!r}; list runs with GET /v1/runs") from None
            except AmbiguousRunId as exc:
                raise Unprocessable(str(exc)) from None

        run = await asyncio.to_thread(read)
        accept = request.headers.get("accept", "")
        if format == "html" or (format is None and "text/html" in accept):
            return HTMLResponse(run_html(run.record))
        return json_response(run.to_dict())
