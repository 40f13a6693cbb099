"""What every command shares: consoles, exit codes, and turning errors into one line."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import NoReturn

import typer
from rich.console import Console

from .._errors import GateError, InputError, MissingExtraError, SuiteDefinitionError

__all__ = ["DEBUG", "ExitCode", "err_console", "fail", "out_console", "progress_bar", "user_errors"]

#: Set by ``gates --debug``: show tracebacks instead of one-line errors.
DEBUG = {"on": bool(os.environ.get("GATES_DEBUG"))}


class ExitCode(enum.IntEnum):
    """The exit codes of every ``gates`` command (docs/cli.md)."""

    OK = 0  #: the gate passed (warnings allowed)
    FAILED = 1  #: the gate blocked (or warned, with --fail-on warn)
    INPUT = 2  #: an input or usage error: unreadable data, invalid suite, bad flag


def out_console() -> Console:
    """The console for results (stdout)."""
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "140"))
    return Console(highlight=False, soft_wrap=False, width=width)


def err_console() -> Console:
    """The console for errors and progress (stderr)."""
    return Console(stderr=True, highlight=False)


def fail(message: str, code: ExitCode = ExitCode.INPUT) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    err_console().print(
        f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(int(code))


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn datagates' own errors (and a few OS ones) into one line and exit code 2."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except (InputError, SuiteDefinitionError, MissingExtraError) as exc:
        if DEBUG["on"]:
            raise
        fail(_escape(str(exc)))
    except GateError as exc:
        if DEBUG["on"]:
            raise
        fail(_escape(str(exc)))
    except (FileExistsError, PermissionError, IsADirectoryError) as exc:
        if DEBUG["on"]:
            raise
        fail(_escape(f"{exc.filename}: {exc.strerror}"))
    except KeyboardInterrupt:
        err_console().print("interrupted")
        raise typer.Exit(130) from None


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def is_tty() -> bool:
    """Whether stderr is a terminal (progress is shown only there)."""
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(
    enabled: bool, label: str, *, stages: Mapping[str, str] | None = None
) -> Iterator[Callable[[str, float], None] | None]:
    """A progress bar on stderr fed by a ``progress(stage, fraction)`` callback.

    Yields None (no bar) when ``enabled`` is false: not a terminal, or ``--quiet``.
    ``stages`` maps a library's stage names to words for people.
    """
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=1.0)

        def update(stage: str, done: float) -> None:
            words = (stages or {}).get(stage, stage)
            bar.update(
                task, description=f"{label}: {words}" if words != label else label, completed=done
            )

        yield update
