"""What every command shares: consoles, exit codes, and turning errors into one line."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from .._errors import GateError, InputError, MissingExtraError, SuiteDefinitionError

if TYPE_CHECKING:
    from .._io import Dataset

__all__ = [
    "DEBUG",
    "DataArg",
    "ExitCode",
    "FormatOpt",
    "SqlOpt",
    "TableOpt",
    "err_console",
    "fail",
    "load_data",
    "out_console",
    "progress_bar",
    "user_errors",
]

#: Set by ``gates --debug``: show tracebacks instead of one-line errors.
DEBUG = {"on": bool(os.environ.get("GATES_DEBUG"))}


class ExitCode(enum.IntEnum):
    """The exit codes of every ``gates`` command (docs/cli.md)."""

    OK = 0  #: the gate passed (warnings allowed)
    FAILED = 1  #: the gate blocked (or warned, with --fail-on warn)
    INPUT = 2  #: an input or usage error: unreadable data, invalid suite, bad flag


#: DATA, as every command that reads data takes it (``gates check`` too): optional with --sql.
DataArg = Annotated[
    str | None,
    typer.Argument(
        help="File, glob or folder (Parquet, CSV/TSV, JSON/NDJSON, Arrow), or a DuckDB database"
        " file with --table or --sql (:memory: for none). Leave it out with --sql.",
        show_default=False,
        metavar="DATA",
    ),
]
TableOpt = Annotated[str | None, typer.Option(help="Table in the DuckDB database DATA.")]
SqlOpt = Annotated[
    str | None,
    typer.Option(
        help="A DuckDB query to read instead, e.g. \"SELECT * FROM 'data/*.parquet'\"; with a"
        " DuckDB database as DATA it can read its tables."
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="Force the format: parquet, csv, tsv, json, ndjson, arrow."),
]


def load_data(data: str | None, *, table: str | None, sql: str | None, fmt: str | None) -> Dataset:
    """DATA, --table, --sql and --format read as ``gates check`` reads them (``gates.load``).

    One loader for every command, so the same inputs give the same data and the same
    one-line errors: ``db.duckdb --table t``, ``--sql QUERY`` alone, ``:memory: --sql``.
    """
    from .._io import load

    if data is None and sql is None:
        fail("no data given: pass DATA (a file, glob, folder or DuckDB database) or --sql QUERY")
    return load(data, table=table, sql=sql, format=fmt)


def out_console() -> Console:
    """The console for results (stdout): the terminal's width, else ``COLUMNS``, else 120.

    Piped output (CI logs, ``| less``) gets a fixed, sane width instead of rich's 80.
    """
    return Console(highlight=False, soft_wrap=False, width=console_width())


def console_width() -> int | None:
    """None on a terminal (rich measures it); else ``$COLUMNS`` when it is a number, else 120."""
    if sys.stdout.isatty():
        return None
    text = os.environ.get("COLUMNS", "").strip()
    return int(text) if text.isdigit() and int(text) >= 40 else 120


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
