"""The ``gates`` command line (typer + rich); one module per command."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Entry point of the ``gates`` console script."""
    from ._app import app

    app()
