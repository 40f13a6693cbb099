"""The HTTP plumbing of ``create_app``: JSON answers, error mapping, request counting, OpenAPI bits.

Nothing here imports FastAPI at module level (it is the optional ``[service]`` extra); the
functions that need it import it when ``create_app`` calls them.
"""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from gates.ledger import LedgerError

from ._errors import ApiError, LedgerUnavailable
from ._metrics import Metrics
from ._models import ErrorBody, RecordsIn

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "ERRORS",
    "RECORDS_BODY",
    "UPLOAD_BODY",
    "CountRequests",
    "error_body",
    "install_error_handlers",
    "json_response",
]

_log = logging.getLogger("gates.service")

#: The error statuses every /v1 route may answer, with their body model (for OpenAPI).
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 413, 422, 503, 504)
}
UPLOAD_BODY = {
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
RECORDS_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": RecordsIn.model_json_schema()}},
    }
}
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"code": code, "message": message}}


def json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    """A compact JSON answer (no NaN: a report with one is a bug, not a number)."""
    from fastapi.responses import Response

    body = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def install_error_handlers(app: "FastAPI") -> None:
    """Every error a route raises becomes one JSON answer with its status; never a 500 page."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Any:
        return json_response(error_body(exc.code, exc.message), exc.status, exc.headers)

    @app.exception_handler(LedgerError)
    async def _ledger_error(_: Request, exc: LedgerError) -> Any:
        # a damaged or unreadable ledger file: the service keeps answering (runs are spilled)
        err = LedgerUnavailable(f"{exc}")
        return json_response(error_body(err.code, err.message), err.status, err.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return json_response(
            error_body("invalid_request", f"{where}: {first.get('msg', 'invalid request')}"), 422
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> Any:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return json_response(
            error_body(code, str(exc.detail)), exc.status_code, dict(exc.headers or {})
        )


class CountRequests:
    """Pure ASGI middleware counting answers by route and status (no body buffering).

    An exception no handler mapped (a bug) is one log line and a JSON 500, not a traceback.
    """

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

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
            body = json.dumps(error_body("internal", f"{type(exc).__name__}: {exc}")).encode()
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
            self.metrics.request(route=getattr(route, "path", "unmatched"), status=status[0])
