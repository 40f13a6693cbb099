"""The ``gates`` Typer app; each command lives in its own module and is registered here."""

from __future__ import annotations

import typer

from ._common import DEBUG

app = typer.Typer(
    name="gates",
    help="datagates: profile, check and fix training data before you train.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib import metadata

        typer.echo(f"datagates {metadata.version('datagates')}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show full tracebacks instead of one-line errors."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """datagates: profile, check and fix training data before you train."""
    if debug:
        DEBUG["on"] = True


def _register() -> None:
    from . import check, suite_cmd

    check.register(app)
    suite_cmd.register(app)
    for module_name, attr in (
        ("profile", "register"),
        ("labels", "register"),
        ("synth", "register"),
        ("serve", "register"),
    ):
        try:
            module = __import__(f"gates._cli.{module_name}", fromlist=[attr])
        except ModuleNotFoundError as exc:
            if exc.name == f"gates._cli.{module_name}":
                continue
            raise
        getattr(module, attr)(app)
    try:
        from .ledger import ledger_app
    except ModuleNotFoundError as exc:
        if exc.name != "gates._cli.ledger":
            raise
    else:
        app.add_typer(ledger_app, name="ledger")


_register()
