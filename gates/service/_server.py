"""``serve``: check the settings, build the app, and run it on uvicorn with graceful shutdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._auth import TokenStore
from ._errors import ServiceConfigError, ServiceExtraMissing
from ._settings import ServiceSettings, is_loopback

__all__ = ["build_service", "serve"]


def build_service(settings: ServiceSettings, *, ledger_in_process: bool = True) -> Any:
    """Check ``settings`` and build the app (suites and tokens loaded), without binding.

    ``ledger_in_process=False`` appends to the ledger from a child process (as ``serve`` does).

    Raises:
        MissingExtraError: FastAPI/uvicorn are not installed.
        ServiceConfigError: no tokens on a non-loopback host, bad tokens or limits.
        SuiteDefinitionError: a suite in the folder is invalid.
    """
    import os

    try:
        import fastapi  # noqa: F401
        import python_multipart  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ServiceExtraMissing() from exc
    from ._app import create_app
    from ._service import Service

    env = settings.tokens_env if settings.tokens_env is not None else os.environ.get("GATES_TOKENS")
    tokens = TokenStore.load(file=settings.tokens_file, env=env)
    if not tokens.enabled and not is_loopback(settings.host):
        raise ServiceConfigError(
            f"refusing to serve on {settings.host} without tokens: anyone who can reach it could run "
            "validations; pass --tokens-file FILE or set GATES_TOKENS, or bind 127.0.0.1"
        )
    return create_app(
        settings,
        service=Service(settings, tokens=tokens, ledger_in_process=ledger_in_process),
    )


def serve(settings: ServiceSettings, *, announce: Callable[[str], None] | None = None) -> None:
    """Run the service until SIGINT/SIGTERM; in-flight requests finish first.

    On a signal uvicorn stops accepting connections, waits up to ``settings.graceful_timeout``
    seconds for running requests, then the app's shutdown waits for running validations and
    writes every queued ledger record.

    Raises:
        MissingExtraError, ServiceConfigError, SuiteDefinitionError: see :func:`build_service`.
    """
    app = build_service(settings, ledger_in_process=False)
    import uvicorn

    svc = app.state.service
    if announce is not None:
        mode = (
            f"{len(svc.tokens)} token(s)"
            if svc.tokens.enabled
            else "NO authentication (loopback only)"
        )
        announce(
            f"serving {len(svc.catalog)} suite(s) from {settings.suites_dir} on "
            f"http://{settings.host}:{settings.port} · {mode} · ledger {svc.ledger.path} · "
            f"{settings.workers} worker(s)"
        )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=int(settings.graceful_timeout),
        lifespan="on",
    )
