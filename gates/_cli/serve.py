"""``gates serve``: the HTTP validation service (FastAPI on uvicorn; the ``[service]`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import err_console, user_errors

__all__ = ["register"]


def serve(
    suites: Annotated[
        Path, typer.Option("--suites", help="Folder of suite files (*.yml); only these are served.")
    ] = Path("suites"),
    host: Annotated[
        str, typer.Option(help="Interface to bind; anything but loopback needs tokens.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    ledger: Annotated[
        Path | None,
        typer.Option(
            envvar="GATES_LEDGER", help="Run ledger file.", show_default=".gates/ledger.duckdb"
        ),
    ] = None,
    tokens_file: Annotated[
        Path | None,
        typer.Option(
            "--tokens-file",
            help="File of `name:token:scope` lines (scope: read or write). Also: GATES_TOKENS.",
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest upload, in MiB (413 beyond).")
    ] = 100.0,
    max_records: Annotated[
        int, typer.Option("--max-records", help="Most records in one /records batch (413 beyond).")
    ] = 100_000,
    workers: Annotated[
        int, typer.Option(help="Validations that may run at once; more get 503 + Retry-After.")
    ] = 2,
    timeout: Annotated[
        float, typer.Option(help="Seconds a request waits for its validation (504 beyond).")
    ] = 60.0,
    graceful_timeout: Annotated[
        float,
        typer.Option(
            "--graceful-timeout", help="Seconds to let in-flight requests finish on shutdown."
        ),
    ] = 30.0,
) -> None:
    """Serve suites over HTTP: validate uploads and JSON records, list recorded runs.

    Examples:

        gates serve --suites suites/

        GATES_TOKENS="ci:$CI_SECRET:write,dash:$DASH_SECRET:read" gates serve --host 0.0.0.0 --port 8000 --suites suites/

        gates serve --suites suites/ --tokens-file tokens.txt --max-upload-mb 500 --workers 4 --timeout 120
    """
    from gates.service._settings import ServiceSettings

    with user_errors():
        settings = ServiceSettings(
            host=host,
            port=port,
            suites_dir=suites,
            ledger=ledger,
            tokens_file=tokens_file,
            max_upload_mb=max_upload_mb,
            max_records=max_records,
            workers=workers,
            timeout=timeout,
            graceful_timeout=graceful_timeout,
        )
        from gates.service._server import serve as run

        run(
            settings, announce=lambda line: err_console().print(line, markup=False, highlight=False)
        )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the app."""
    app.command()(serve)
