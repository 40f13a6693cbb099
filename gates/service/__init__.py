"""The HTTP validation service behind ``gates serve`` (docs/service.md).

FastAPI, uvicorn and python-multipart (the ``[service]`` extra) are imported only when an app
is built; everything here can be imported without them.
"""

from ._app import create_app as create_app
from ._auth import Token as Token
from ._auth import TokenStore as TokenStore
from ._errors import ApiError as ApiError
from ._errors import Busy as Busy
from ._errors import ClientGone as ClientGone
from ._errors import Forbidden as Forbidden
from ._errors import LedgerUnavailable as LedgerUnavailable
from ._errors import NotFound as NotFound
from ._errors import PayloadTooLarge as PayloadTooLarge
from ._errors import RunTimeout as RunTimeout
from ._errors import ServiceConfigError as ServiceConfigError
from ._errors import ServiceError as ServiceError
from ._errors import ServiceExtraMissing as ServiceExtraMissing
from ._errors import Unauthorized as Unauthorized
from ._errors import Unprocessable as Unprocessable
from ._html import result_from_record as result_from_record
from ._html import run_html as run_html
from ._ledger_writer import LedgerWriter as LedgerWriter
from ._ledger_writer import append_batch as append_batch
from ._limits import WorkerPool as WorkerPool
from ._metrics import Metrics as Metrics
from ._server import build_service as build_service
from ._server import serve as serve
from ._service import Service as Service
from ._settings import ServiceSettings as ServiceSettings
from ._settings import is_loopback as is_loopback

__all__ = [
    "ApiError",
    "Busy",
    "ClientGone",
    "Forbidden",
    "LedgerUnavailable",
    "LedgerWriter",
    "Metrics",
    "NotFound",
    "PayloadTooLarge",
    "RunTimeout",
    "Service",
    "ServiceConfigError",
    "ServiceError",
    "ServiceExtraMissing",
    "ServiceSettings",
    "Token",
    "TokenStore",
    "Unauthorized",
    "Unprocessable",
    "WorkerPool",
    "append_batch",
    "build_service",
    "create_app",
    "is_loopback",
    "result_from_record",
    "run_html",
    "serve",
]
