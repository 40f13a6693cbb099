"""``gates ledger``: list, show, verify and export recorded gate runs.

Mount it in the main app with ``app.add_typer(ledger_app)``.

Examples::

    gates ledger list --verdict block --since 2024-05-01
    gates ledger show 3f9a1c0b
    gates ledger verify
    gates ledger export runs.parquet --force
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # the ledger (and DuckDB) load when a ledger command runs, not at CLI start-up
    from gates.ledger import Ledger, StoredRun

__all__ = ["ledger_app"]

ledger_app = typer.Typer(
    name="ledger",
    help="Inspect the tamper-evident ledger of gate runs: list, show, verify, export.",
    no_args_is_help=True,
)

LedgerPath = Annotated[
    Path,
    typer.Option(
        "--ledger",
        envvar="GATES_LEDGER",
        help="The ledger file.",
        show_default=True,
        dir_okay=False,
    ),
]
_DEFAULT = Path(".gates/ledger.duckdb")
_COLOURS = {"pass": "green", "warn": "yellow", "block": "bold red", "error": "magenta"}


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _open(path: Path) -> Ledger:
    from gates.ledger import Ledger

    if not path.exists():
        _fail(f"no ledger at {path}; run a gate first or point --ledger (GATES_LEDGER) at one")
    return Ledger(path)


def _time(run: StoredRun) -> str:
    return run.started_at.strftime("%Y-%m-%d %H:%M:%S")


@ledger_app.command("list")
def list_runs(
    ledger: LedgerPath = _DEFAULT,
    suite: Annotated[str | None, typer.Option(help="Only runs of this suite.")] = None,
    verdict: Annotated[
        str | None, typer.Option(help="Only runs with this verdict: pass, warn, block, error.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only runs started at/after this ISO time (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only runs started before this ISO time (UTC).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many runs.")] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line instead of a table.")
    ] = False,
) -> None:
    """List recorded runs, newest first.

    Examples:

        gates ledger list

        gates ledger list --suite churn --verdict block --since 2024-05-01 --limit 10

        gates ledger list --json | jq .record.verdict
    """
    from gates.ledger import VERDICTS, Ledger, LedgerError

    if not ledger.exists():
        typer.echo(f"no runs recorded yet in {ledger}")
        return
    if verdict is not None and verdict not in VERDICTS:
        _fail(f"unknown verdict {verdict!r} for --verdict; use one of {', '.join(VERDICTS)}")
    try:
        runs = Ledger(ledger).list(
            suite=suite, verdict=verdict, since=since, until=until, limit=limit
        )
    except (LedgerError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        for run in runs:
            typer.echo(json.dumps(run.to_dict(), ensure_ascii=False))
        return
    if not runs:
        typer.echo(f"no runs match in {ledger}")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"gate runs in {ledger}", highlight=False, soft_wrap=True)
    table = Table()
    for column in ("seq", "run", "started (UTC)", "suite", "verdict", "rows", "actor"):
        table.add_column(column, justify="right" if column in ("seq", "rows") else "left")
    for run in runs:
        colour = _COLOURS.get(run.verdict, "white")
        table.add_row(
            str(run.seq),
            run.short_id,
            _time(run),
            run.suite_name,
            f"[{colour}]{run.verdict}[/{colour}]",
            "" if run.rows is None else f"{run.rows:,}",
            run.actor_name or "",
        )
    console.print(table)


@ledger_app.command("show")
def show(
    run_id: Annotated[str, typer.Argument(help="The run id or its first characters.")],
    ledger: LedgerPath = _DEFAULT,
    as_json: Annotated[
        bool, typer.Option("--json", help="The stored run as one line of JSON.")
    ] = False,
) -> None:
    """Show one run's full record.

    Examples:

        gates ledger show 3f9a1c0b

        gates ledger show 3f9a1c0b --json
    """
    from gates.ledger import LedgerError

    try:
        run = _open(ledger).get(run_id)
    except LedgerError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(run.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console

    console = Console()
    console.print(
        f"run {run.run_id}  seq {run.seq}  hash {run.hash[:12]}  prev {run.prev_hash[:12]}",
        highlight=False,
        soft_wrap=True,
    )
    console.print_json(json.dumps(run.record, ensure_ascii=False, sort_keys=True))


@ledger_app.command("verify")
def verify(ledger: LedgerPath = _DEFAULT) -> None:
    """Recompute the hash chain; exit 1 and list the problems if a run was edited or deleted.

    Examples:

        gates ledger verify

        GATES_LEDGER=/srv/gates/ledger.duckdb gates ledger verify
    """
    from gates.ledger import LedgerError

    try:
        report = _open(ledger).verify()
    except LedgerError as exc:
        _fail(str(exc))
    typer.echo(report.summary())
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"  - [{problem.kind}] {problem.message}")
        raise typer.Exit(1)


@ledger_app.command("export")
def export(
    path: Annotated[Path, typer.Argument(help="Target file: .jsonl or .parquet.", dir_okay=False)],
    ledger: LedgerPath = _DEFAULT,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or parquet.", show_default="from the file suffix"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Export every run, oldest first, to JSON lines or Parquet.

    Examples:

        gates ledger export runs.jsonl

        gates ledger export /tmp/audit.parquet --force

        gates ledger export runs.out --format jsonl
    """
    from gates.ledger import LedgerError

    if fmt is not None and fmt not in ("jsonl", "parquet"):
        _fail(f"unknown --format {fmt!r}; use jsonl or parquet")
    ledger_ = _open(ledger)
    try:
        count = ledger_.export(
            path,
            format="jsonl" if fmt == "jsonl" else "parquet" if fmt else None,
            overwrite=force,
        )
    except (LedgerError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"exported {count} runs to {path}")
