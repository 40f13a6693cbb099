"""The ``gates`` Typer app; each command lives in its own module and is registered here."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from ._common import DEBUG


class _Gates(TyperGroup):
    """The root group; ``--debug`` is a global flag wherever it is written.

    ``gates check data.csv -s s.yml --debug`` means ``gates --debug check ...`` (tokens after
    ``--`` are left alone).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _plain_flags(self)
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[1:end]:
            head = [a for a in args[:end] if a != "--debug"]
            args = ["--debug", *head, *args[end:]]
        out: list[str] = super().parse_args(ctx, args)
        return out


def _plain_flags(command: Any) -> None:
    """One spelling in ``--help``: no type beside on/off flags (typer would print ``<bool>``),
    positional arguments in capitals (``CURRENT BASELINE``, not ``{current} {baseline}``)."""
    for param in command.params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.param_type_name == "argument" and param.metavar is None and param.name:
            param.metavar = param.name.upper()
        shown = getattr(param, "show_default", None)
        if isinstance(shown, str) and hasattr(param, "_extract_default_help_str"):
            # a described default (".gates/ledger.duckdb", "the suite's data:") reads like a
            # value one: typer would put it in parentheses, "[default: (.gates/ledger.duckdb)]"
            param.show_default = True
            param._extract_default_help_str = lambda ctx, text=shown: text
    if not getattr(command, "_gates_plain_help", False):
        own = command.get_help_option  # click builds --help anew for every context

        def help_option(ctx: Any) -> Any:
            option = own(ctx)
            if option is not None and option.metavar is None:
                option.metavar = ""
            return option

        command.get_help_option = help_option
        command._gates_plain_help = True
    for sub in getattr(command, "commands", {}).values():
        _plain_flags(sub)


app = typer.Typer(
    cls=_Gates,
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
    """Add every command; each module imports its heavy libraries only when it runs."""
    from . import check, labels, profile, serve, suite_cmd, synth
    from .history import history_app
    from .ledger import ledger_app

    for module in (check, suite_cmd, profile, labels, synth, serve):
        module.register(app)
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(history_app, name="history")


_register()
