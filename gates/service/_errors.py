"""Errors of the validation service.

The tree::

    GateError
    └── ServiceError               base of everything the service raises on purpose
        ├── ServiceExtraMissing    FastAPI/uvicorn are not installed; also a MissingExtraError
        ├── ServiceConfigError     bad settings or tokens file (``gates serve`` exits 2);
        │                          also a ValueError
        └── ApiError               a request failed; carries the HTTP ``status`` and a ``code``
            ├── Unauthorized       401: no token or an unknown one
            ├── Forbidden          403: the token lacks the scope
            ├── NotFound           404: unknown suite or run
            ├── PayloadTooLarge    413: upload or record batch over the limit
            ├── Unprocessable      422: unreadable upload or records (an InputError)
            ├── ClientGone         400: the client hung up before its body arrived (nobody reads it)
            ├── Busy               503: every validation worker is busy; retry later
            ├── LedgerUnavailable  503: the ledger file cannot be read (runs are spilled meanwhile)
            └── RunTimeout         504: a validation took longer than the timeout

Every ``ApiError`` is answered as ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from typing import ClassVar

from gates._errors import GateError, MissingExtraError

__all__ = [
    "ApiError",
    "Busy",
    "ClientGone",
    "Forbidden",
    "LedgerUnavailable",
    "NotFound",
    "PayloadTooLarge",
    "RunTimeout",
    "ServiceConfigError",
    "ServiceError",
    "ServiceExtraMissing",
    "Unauthorized",
    "Unprocessable",
]


class ServiceError(GateError):
    """Base class of the service's errors."""


class ServiceExtraMissing(MissingExtraError, ServiceError):
    """The ``[service]`` extra (fastapi, uvicorn, python-multipart) is not installed."""

    def __init__(self) -> None:
        super().__init__("the service", "service")
        # MissingExtraError words the message for plural features ("label checks need ...")
        message = "the service needs the [service] extra: pip install 'datagates[service]'"
        self.msg = message  # ImportError.__str__ reads msg
        self.args = (message,)


class ServiceConfigError(ServiceError, ValueError):
    """The service cannot start: a bad tokens file, a non-loopback host without tokens, ..."""


class ApiError(ServiceError):
    """A request failed; answered with ``status`` and ``{"error": {"code", "message"}}``.

    Args:
        message: one line saying what went wrong and what to do.
        headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class Unauthorized(ApiError):
    """No bearer token, or one the service does not know."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="datagates"'})


class Forbidden(ApiError):
    """The token is valid but lacks the scope the endpoint needs."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """No such suite or run."""

    status = 404
    code = "not_found"


class PayloadTooLarge(ApiError):
    """The upload or the record batch is over the configured limit."""

    status = 413
    code = "payload_too_large"


class Unprocessable(ApiError):
    """The upload or the records could not be read (bad format, malformed rows)."""

    status = 422
    code = "invalid_input"


class Busy(ApiError):
    """Every validation worker is busy; the client should retry after ``Retry-After`` seconds."""

    status = 503
    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class RunTimeout(ApiError):
    """The validation did not finish within the request timeout."""

    status = 504
    code = "timeout"


class ClientGone(ApiError):
    """The client disconnected before its request body was read; logged in one line."""

    status = 400
    code = "client_disconnected"


class LedgerUnavailable(ApiError):
    """The ledger cannot be read or written right now (a damaged or missing file)."""

    status = 503
    code = "ledger_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
