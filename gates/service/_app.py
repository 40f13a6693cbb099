"""``create_app``: the FastAPI application of ``gates serve`` (routes under /v1, /ui, /healthz, /metrics).

FastAPI is imported inside :func:`create_app` (it is the optional ``[service]`` extra); the
route functions are defined there too. This module deliberately does not use postponed
annotations, so FastAPI can read the route signatures.
"""

import asyncio
import json
import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gates.ledger import AmbiguousRunId, LedgerError, RunNotFound, StoredRun

from ._auth import Scope
from ._errors import (
    ApiError,
    Busy,
    ClientGone,
    LedgerUnavailable,
    NotFound,
    PayloadTooLarge,
    ServiceExtraMissing,
    Unprocessable,
)
from ._html import run_html
from ._models import (
    ErrorBody,
    GateResultOut,
    Health,
    RecordsIn,
    RunList,
    RunOut,
    RunSummary,
    SuiteList,
    SuiteSummary,
)
from ._service import Service
from ._settings import ServiceSettings
from ._upload import UPLOAD_FORMATS, receive_upload, resolve_format

__all__ = ["create_app"]

_log = logging.getLogger("gates.service")
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FLUSH_WAIT = 10.0
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 413, 422, 503, 504)
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Parquet, CSV or NDJSON; the format comes from the file name or ?format=",
                        }
                    },
                }
            }
        },
    }
}
_RECORDS_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": RecordsIn.model_json_schema()}},
    }
}
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


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


def create_app(settings: ServiceSettings, *, service: Service | None = None) -> Any:
    """Build the FastAPI app for ``settings``; suites and tokens are loaded now, once.

    Args:
        settings: how the service runs (see docs/service.md).
        service: an already built :class:`Service` (tests); built from ``settings`` otherwise.

    Returns:
        A ``fastapi.FastAPI`` application; uvicorn runs it.

    Raises:
        MissingExtraError: FastAPI is not installed (the ``[service]`` extra).
        ServiceConfigError: bad settings or tokens.
        SuiteDefinitionError: a suite in the folder is invalid.
    """
    try:
        from fastapi import Depends, FastAPI, Query, Request
        from fastapi.exceptions import RequestValidationError
        from fastapi.responses import HTMLResponse, PlainTextResponse, Response
        from starlette.exceptions import HTTPException
        from starlette.requests import ClientDisconnect
    except ImportError as exc:
        raise ServiceExtraMissing() from exc
    from gates import __version__

    svc = service or Service(settings)

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        await asyncio.to_thread(svc.start)
        try:
            yield
        finally:
            await asyncio.to_thread(svc.stop)

    app = FastAPI(
        title="datagates",
        version=__version__,
        lifespan=lifespan,
        description="Validate data against datagates suites over HTTP; every run is recorded in the ledger.",
    )
    app.state.service = svc

    def _json(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
        body = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Any:
        return _json(_error_body(exc.code, exc.message), exc.status, exc.headers)

    @app.exception_handler(LedgerError)
    async def _ledger_error(_: Request, exc: LedgerError) -> Any:
        # a damaged or unreadable ledger file: the service keeps answering (runs are spilled)
        err = LedgerUnavailable(f"{exc}")
        return _json(_error_body(err.code, err.message), err.status, err.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _json(
            _error_body("invalid_request", f"{where}: {first.get('msg', 'invalid request')}"), 422
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> Any:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _json(_error_body(code, str(exc.detail)), exc.status_code, dict(exc.headers or {}))

    class _CountRequests:
        """Pure ASGI middleware counting answers by route and status (no body buffering)."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Send) -> None:
            if scope["type"] != "http":
                await self.inner(scope, receive, send)
                return
            status = [0]

            async def send_counted(message: MutableMapping[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    status[0] = int(message["status"])
                await send(message)

            try:
                await self.inner(scope, receive, send_counted)
            except Exception as exc:  # a bug: one log line and a JSON answer, not a traceback
                _log.error(
                    "internal error on %s %s: %s: %s",
                    scope.get("method"),
                    scope.get("path"),
                    type(exc).__name__,
                    exc,
                )
                if status[0]:
                    return  # the answer was already on its way; nothing more can be sent
                status[0] = 500
                body = json.dumps(_error_body("internal", f"{type(exc).__name__}: {exc}")).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            finally:
                route = scope.get("route")
                svc.metrics.request(route=getattr(route, "path", "unmatched"), status=status[0])

    app.add_middleware(_CountRequests)

    async def _body(request: Request, what: str) -> bytes:
        """The whole request body, or ``ClientGone`` (one log line) when the client hangs up."""
        limit = svc.settings.max_upload_bytes
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise PayloadTooLarge(
                        f"the JSON body is over the {limit / 1048576:g} MiB limit; send smaller batches"
                    )
        except ClientDisconnect:
            raise _gone(request, what, len(body)) from None
        return bytes(body)

    def _gone(request: Request, what: str, received: int) -> ClientGone:
        svc.metrics.client_disconnected()
        client = request.client.host if request.client else "client"
        _log.warning(
            "%s disconnected during %s %s after %d bytes; nothing was validated",
            client,
            what,
            request.url.path,
            received,
        )
        return ClientGone("the client disconnected before the request body arrived")

    def needs(scope: Scope) -> Callable[[Request], Awaitable[str | None]]:
        async def check(request: Request) -> str | None:  # async: no thread-pool hop per request
            token = svc.tokens.authenticate(request.headers.get("authorization"), scope)
            return token.name if token else None

        return check

    reader = Depends(needs("read"))
    writer = Depends(needs("write"))

    # --- OPEN ----------------------------------------------------------------------------

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        """Liveness: the suites are loaded and the server answers. No token needed.

        ``status`` is ``degraded`` (still 200) while runs cannot be written to the ledger and
        go to the spill file instead; ``ledger`` says where and why.
        """
        ledger = svc.ledger_health()
        return Health(
            status=ledger.status,
            version=__version__,
            suites=len(svc.catalog),
            auth=svc.tokens.enabled,
            ledger=ledger,
        )

    @app.get("/metrics", response_class=PlainTextResponse, tags=["ops"])
    def metrics() -> Any:
        """Prometheus metrics (text format 0.0.4). No token needed."""
        svc.metrics.in_flight = svc.pool.in_flight
        return PlainTextResponse(
            svc.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    # --- SUITES & VALIDATION -------------------------------------------------------------

    @app.get("/v1/suites", response_model=SuiteList, responses=_ERRORS, tags=["suites"])
    def list_suites(_: str | None = reader) -> SuiteList:
        """The suites this service validates against (scope: read)."""
        return SuiteList(
            suites=[
                SuiteSummary(
                    name=s.name,
                    description=s.loaded.suite.description,
                    hash=s.loaded.hash,
                    checks=s.checks,
                    columns=list(s.loaded.suite.columns),
                )
                for s in svc.catalog
            ]
        )

    async def _upload(request: Request, fmt: str | None) -> tuple[Path, str, str]:
        svc.pool.refuse_if_full()  # 503 before reading the body
        folder = Path(tempfile.mkdtemp(prefix="gates-upload-"))
        try:
            try:
                upload = await receive_upload(
                    request, folder / "data", max_bytes=svc.settings.max_upload_bytes
                )
            except ClientDisconnect:
                size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
                raise _gone(request, "upload", size) from None
            return upload.path, resolve_format(upload.filename, fmt), upload.filename
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    @app.post(
        "/v1/suites/{name}/validate",
        response_model=None,
        openapi_extra=_UPLOAD_BODY,
        tags=["suites"],
        responses={200: {"model": GateResultOut}, **_ERRORS},
    )
    async def validate(
        request: Request,
        name: str,
        format: str | None = Query(
            None, description=f"one of {', '.join(UPLOAD_FORMATS)}; default: from the file name"
        ),
        token: str | None = writer,
    ) -> Any:
        """Validate an uploaded file (multipart field ``file``) against suite NAME (scope: write).

        The upload is streamed to a temporary file; the answer waits (up to 10 s) for the run
        to reach the ledger. The ``X-Gates-Ledger`` header says what happened to it:
        ``recorded``, ``spilled`` (to the spill file; the ledger is damaged) or ``queued``.
        """
        served = svc.catalog.get(name)
        path, fmt, filename = await _upload(request, format)
        run_id = uuid.uuid4().hex
        try:
            doc, state = await svc.pool.run(
                lambda: svc.validate_file(
                    served, path, fmt=fmt, filename=filename, token_name=token, run_id=run_id
                ),
                timeout=svc.settings.timeout,
            )
        except Busy:
            shutil.rmtree(
                path.parent, ignore_errors=True
            )  # never started; a started job cleans up itself
            raise
        return _json(doc, headers={"X-Gates-Ledger": state})

    @app.post(
        "/v1/suites/{name}/records",
        response_model=None,
        openapi_extra=_RECORDS_BODY,
        tags=["suites"],
        responses={200: {"model": GateResultOut}, **_ERRORS},
    )
    async def records(request: Request, name: str, token: str | None = writer) -> Any:
        """Validate a batch of JSON records ``{"records": [...]}`` against suite NAME (scope: write).

        The real-time path: the suite is cached, the frame is typed by the suite's dtypes, and
        the ledger record is written by a background writer (in order, never dropped).
        """
        served = svc.catalog.get(name)
        # the body is read even when every worker is busy: answering 503 mid-upload would
        # reset a keep-alive client's connection instead of giving it the Retry-After
        limit = svc.settings.max_upload_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise PayloadTooLarge(
                f"the JSON body is over the {limit / 1048576:g} MiB limit; send smaller batches"
            )
        body = await _body(request, "records")
        result = await svc.pool.run(
            lambda: svc.validate_records(served, body, token), timeout=svc.settings.timeout
        )
        return _json(result, headers={"X-Gates-Ledger": "queued"})

    @app.post(
        "/v1/profile",
        response_model=None,
        openapi_extra=_UPLOAD_BODY,
        tags=["profile"],
        responses={
            200: {"description": "the profile JSON (docs/profile.md)"},
            **_ERRORS,
        },
    )
    async def profile(
        request: Request,
        format: str | None = Query(None, description=f"one of {', '.join(UPLOAD_FORMATS)}"),
        _: str | None = writer,
    ) -> Any:
        """Profile an uploaded file (multipart field ``file``) (scope: write)."""
        path, fmt, filename = await _upload(request, format)
        try:
            doc = await svc.pool.run(
                lambda: svc.profile_file(path, fmt=fmt, filename=filename),
                timeout=svc.settings.timeout,
            )
        except Busy:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        return _json(doc)

    # --- RUNS ----------------------------------------------------------------------------

    def _flush() -> None:
        if svc.writer is not None:
            svc.writer.flush(_FLUSH_WAIT)  # read your writes: queued records land first

    @app.get("/v1/runs", response_model=RunList, responses=_ERRORS, tags=["runs"])
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
        responses={200: {"content": {"text/html": {}}}, **_ERRORS},
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
        return _json(run.to_dict())

    # --- DASHBOARD -----------------------------------------------------------------------

    from ._ui import mount_ui

    mount_ui(app, svc)  # /ui: runs, a run, a suite's trends (read scope; docs/dashboard.md)

    return app
