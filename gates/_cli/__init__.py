"""The ``gates`` command line (typer + rich); one module per command."""

from __future__ import annotations

import sys

__all__ = ["INTERNAL_ERROR", "main"]

#: Exit code of an unexpected error: a bug in datagates, never "the gate blocked" (1).
INTERNAL_ERROR = 3


def main() -> None:
    """Entry point of the ``gates`` console script.

    A datagates bug must not look like a verdict: without ``--debug`` an unexpected exception
    is one line on stderr and exit code 3 (1 means "blocked" to CI, 2 "bad input").
    """
    from ._app import app_for
    from ._common import DEBUG

    try:
        app_for(sys.argv[1:])()
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        if DEBUG["on"]:
            raise
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        print(
            f"internal error: {type(exc).__name__}: {exc}{where}; this is a bug in datagates, "
            "not a verdict on your data: rerun with --debug for the traceback and report it",
            file=sys.stderr,
        )
        raise SystemExit(INTERNAL_ERROR) from None
