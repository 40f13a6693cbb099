"""``gates suite``: validate suite files and print the JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ._common import ExitCode, out_console, user_errors

__all__ = ["register"]

suite_app = typer.Typer(
    name="suite", help="Validate suites and export their JSON Schema.", no_args_is_help=True
)


@suite_app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(help="Suite files to validate.")]) -> None:
    """Load each suite; list every problem of the first bad one with its file, line and column.

    Example:

        gates suite validate suites/*.yml
    """
    from ..suite import load_suite

    console = out_console()
    with user_errors():
        for p in paths:
            loaded = load_suite(p)
            s = loaded.suite
            n = sum(
                len(c.checks) + c.unique + (not c.nullable) + (c.dtype is not None)
                for c in s.columns.values()
            )
            console.print(
                f"[green]ok[/] {p}: suite {s.name!r}, {len(s.columns)} columns, {n} column checks, "
                f"{len(s.checks)} table checks, {len(s.expectations) + len(loaded.included_expectations)} expectations"
            )
    raise typer.Exit(int(ExitCode.OK))


@suite_app.command("schema")
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the schema here instead of stdout.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace --out if it exists (refused otherwise).")
    ] = False,
) -> None:
    """Print the JSON Schema of suite files (for editor completion and CI linting).

    Example:

        gates suite schema --out .vscode/gates-suite.schema.json --force

    An existing --out file is kept unless --force is given; the write is atomic.
    """
    from .._io._write import write_output
    from ..suite._jsonschema import suite_json_schema

    text = json.dumps(suite_json_schema(), indent=2) + "\n"
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
        return
    with user_errors():
        write_output(out, text, overwrite=force, what="schema")
    out_console().print(f"[dim]wrote {out}[/]")


def register(app: typer.Typer) -> None:
    """Add ``suite`` to the app."""
    app.add_typer(suite_app, name="suite")
