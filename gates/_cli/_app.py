"""The ``gates`` Typer app; each command lives in its own module and is registered here."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
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


def _new() -> typer.Typer:
    """The root app with its global options and no command yet."""
    new = typer.Typer(
        cls=_Gates,
        name="gates",
        help="datagates: profile, check and fix training data before you train.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
    )
    new.callback()(_root)
    return new


def _version(value: bool) -> None:
    if value:
        from importlib import metadata

        typer.echo(f"datagates {metadata.version('datagates')}")
        raise typer.Exit()


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


#: The module that adds each top-level command, in the order ``gates --help`` lists them.
COMMANDS = {
    "check": "check",
    "suite": "suite_cmd",
    "profile": "profile",
    "drift": "profile",
    "suggest": "profile",
    "labels": "labels",
    "synth": "synth",
    "serve": "serve",
    "ledger": "ledger",
    "history": "history",
}


def _register(target: typer.Typer, modules: Iterable[str]) -> None:
    """Add the commands of ``modules``; each imports its heavy libraries only when it runs."""
    for name in dict.fromkeys(modules):
        module = importlib.import_module(f".{name}", __package__)
        if name == "ledger":
            target.add_typer(module.ledger_app, name="ledger")
        elif name == "history":
            target.add_typer(module.history_app, name="history")
        else:
            module.register(target)


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app that runs ``gates ARGS``.

    When ARGS name a command, only the module of that command is imported and only its
    parameters are built: typer builds every parameter of every registered command (and
    imports pydantic for them) before it runs one, about 0.1 s. ``gates``, ``gates --help``
    and a command that does not exist get every command, so that help and "did you mean"
    list them all. The root's own options (``--debug``, ``--version``, ``--help``) take no
    value, so the first word that is not an option is the command.
    """
    if "app" in globals():  # built (or replaced) already
        built: typer.Typer = globals()["app"]
        return built
    name = next((a for a in args if a == "--" or not a.startswith("-")), None)
    if name not in COMMANDS:
        return full()
    one = _new()
    _register(one, [COMMANDS[name]])
    return one


def full() -> typer.Typer:
    """The app with every command (what ``app`` is)."""
    if "app" not in globals():
        built = _new()
        _register(built, COMMANDS.values())
        globals()["app"] = built
    got: typer.Typer = globals()["app"]
    return got


def __getattr__(name: str) -> Any:
    if name == "app":  # built on first use: ``gates CMD`` builds only CMD (app_for)
        return full()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
