"""``create_app``: the FastAPI application of ``gates serve`` (routes under /v1, /ui, /healthz, /metrics).

FastAPI is imported inside :func:`create_app` (it is the optional ``[service]`` extra); the
route functions are defined there too. This module deliberately does not use postponed
annotations, so FastAPI can read the route signatures. The error mapping and request
counting are in ``_http``, the /v1/runs routes in ``_runs``, the dashboard in ``_ui``.
"""

import asyncio
import logging
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ._auth import Scope
from ._errors import Busy, ClientGone, PayloadTooLarge, ServiceExtraMissing
from ._http import (
    ERRORS,
    RECORDS_BODY,
    UPLOAD_BODY,
    CountRequests,
    install_error_handlers,
    json_response,
)
from ._models import GateResultOut, Health, SuiteList, SuiteSummary
from ._runs import add_run_routes
from ._service import Service
from ._settings import ServiceSettings
from ._upload import UPLOAD_FORMATS, receive_upload, resolve_format

__all__ = ["create_app"]

_log = logging.getLogger("gates.service")


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
        from fastapi.responses import PlainTextResponse
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

    install_error_handlers(app)
    app.add_middleware(CountRequests, metrics=svc.metrics)

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

    @app.get("/v1/suites", response_model=SuiteList, responses=ERRORS, tags=["suites"])
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
        openapi_extra=UPLOAD_BODY,
        tags=["suites"],
        responses={200: {"model": GateResultOut}, **ERRORS},
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
        return json_response(doc, headers={"X-Gates-Ledger": state})

    @app.post(
        "/v1/suites/{name}/records",
        response_model=None,
        openapi_extra=RECORDS_BODY,
        tags=["suites"],
        responses={200: {"model": GateResultOut}, **ERRORS},
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
        return json_response(result, headers={"X-Gates-Ledger": "queued"})

    @app.post(
        "/v1/profile",
        response_model=None,
        openapi_extra=UPLOAD_BODY,
        tags=["profile"],
        responses={
            200: {"description": "the profile JSON (docs/profile.md)"},
            **ERRORS,
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
        return json_response(doc)

    add_run_routes(app, svc, reader)

    # --- DASHBOARD -----------------------------------------------------------------------

    from ._ui import mount_ui

    mount_ui(app, svc)  # /ui: runs, a run, a suite's trends (read scope; docs/dashboard.md)

    return app
