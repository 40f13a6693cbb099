"""What every ``gates history`` command shares: its options, one-line errors, finding the files.

DuckDB (and so ``gates.history``) is imported when a command runs, never at CLI start-up.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec

import typer

if TYPE_CHECKING:
    from gates.history import History

__all__ = [
    "DEFAULT_LEDGER",
    "Check",
    "Dataset",
    "HistoryPath",
    "LedgerPath",
    "Metric",
    "Since",
    "Suite",
    "Until",
    "fail",
    "fmt",
    "guarded",
    "history_file",
    "not_an_input",
    "open_store",
]

P = ParamSpec("P")

LedgerPath = Annotated[
    Path,
    typer.Option(
        "--ledger",
        envvar="GATES_LEDGER",
        help="The ledger whose history to read (the history is <ledger>.history.duckdb next to it).",
        dir_okay=False,
    ),
]
HistoryPath = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="The history file itself.",
        dir_okay=False,
        show_default="$GATES_HISTORY, else <ledger>.history.duckdb next to --ledger",
    ),
]
Suite = Annotated[str | None, typer.Option(help="Only this suite (a glob: 'ord*').")]
Dataset = Annotated[
    str | None, typer.Option(help="Only this dataset source, as recorded (a glob: '*.parquet').")
]
Check = Annotated[
    str | None, typer.Option(help="Only metrics of this check id (a glob: 'amount::*').")
]
Metric = Annotated[
    str | None,
    typer.Option(help="Only this metric (a glob: row_count, 'amount.*', '*.failing_fraction')."),
]
Since = Annotated[str | None, typer.Option(help="Only runs started at/after this ISO time (UTC).")]
Until = Annotated[str | None, typer.Option(help="Only runs started before this ISO time (UTC).")]
DEFAULT_LEDGER = Path(".gates/ledger.duckdb")


def fail(message: str) -> NoReturn:
    """One line on stderr (markup escaped: paths and globs may hold ``[``), exit 2."""
    from rich.markup import escape

    from ._common import fail as common_fail

    common_fail(escape(message))


def guarded(func: Callable[P, None]) -> Callable[P, None]:
    """Run a command with datagates' errors (a bad time, a damaged file) as one line, exit 2."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        from ._common import user_errors

        with user_errors():
            func(*args, **kwargs)

    return run


def fmt(value: float | None) -> str:
    """A value for people: ``1,963``, ``0.0213``, ``∞``; empty for None."""
    if value is None:
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def history_file(
    ledger: Path, history: Path | None, *, need_ledger: bool = False, must_exist: bool = True
) -> Path:
    """The history file a command reads: ``--history``, else the one next to ``--ledger``.

    Args:
        ledger: ``--ledger``.
        history: ``--history`` (None: next to the ledger, or ``GATES_HISTORY``).
        need_ledger: The command reads the ledger too (verify, rebuild): it must exist.
        must_exist: The history must exist already (every command but rebuild).
    """
    from gates.history import HistoryError, history_path

    if need_ledger and not ledger.exists():
        fail(f"no ledger at {ledger}; point --ledger (GATES_LEDGER) at one")
    if history is None:
        try:
            history = history_path(ledger)
        except HistoryError as exc:
            fail(f"{exc}, or pass --history PATH")
    if must_exist and not history.exists():
        fail(
            f"no metric history at {history}; record a run first (gates check … --ledger "
            f"{ledger}) or point --ledger / --history at one"
        )
    return history


def open_store(ledger: Path, history: Path | None) -> History:
    """The :class:`~gates.history.History` a reading command uses (it must exist)."""
    from gates.history import History

    return History(history_file(ledger, history))


def not_an_input(target: Path, store: History, ledger: Path, *, force: bool) -> None:
    """Refuse to write ``target`` onto the files being read, or onto a file without ``--force``."""
    if target.resolve() in (store.path.resolve(), ledger.resolve()):
        fail(f"{target} is the history or ledger being read; pick another file")
    if target.exists() and not force:
        fail(f"{target} already exists; pass --force to replace it")
