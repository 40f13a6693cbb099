"""``gates history export``, ``page``, ``verify`` and ``rebuild``: the commands that write or check files.

Registered on ``history_app`` by :func:`register` (``gates/_cli/history.py``), after ``list``
and ``show``, so ``--help`` lists them in that order.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .history_common import (
    DEFAULT_LEDGER,
    Check,
    Dataset,
    HistoryPath,
    LedgerPath,
    Metric,
    Since,
    Suite,
    Until,
    fail,
    guarded,
    history_file,
    not_an_input,
    open_store,
)

if TYPE_CHECKING:
    from gates.history import History

__all__ = ["register", "write_trend"]


def register(app: typer.Typer) -> None:
    """Add ``export``, ``page``, ``verify`` and ``rebuild`` to the ``gates history`` app."""
    app.command("export")(export)
    app.command("page")(page)
    app.command("verify")(verify)
    app.command("rebuild")(rebuild)


_FORMATS = {".csv": "csv", ".parquet": "parquet", ".json": "json", ".jsonl": "ndjson"}
_FORMATS[".ndjson"] = "ndjson"


@guarded
def export(
    path: Annotated[
        Path,
        typer.Argument(
            help="Target file: .csv, .parquet, .json or .jsonl/.ndjson.", dir_okay=False
        ),
    ],
    ledger: LedgerPath = DEFAULT_LEDGER,
    history: HistoryPath = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv, parquet, json or ndjson.", show_default="from the suffix"
        ),
    ] = None,
    suite: Suite = None,
    dataset: Dataset = None,
    check: Check = None,
    metric: Metric = None,
    since: Since = None,
    until: Until = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Write every matching value (one row per run and metric, oldest first) to a file.

    Columns: ledger_seq, run_id, started_at, suite, suite_hash, dataset, fingerprint, verdict,
    metric, kind, check_id, column, value, lower, upper, in_band. The file is written next to
    PATH and renamed into place, so a reader never sees half of it.

    Examples:

        gates history export metrics.parquet --suite orders

        gates history export row_counts.csv --metric row_count --force
    """
    kind = fmt.lower() if fmt else _FORMATS.get(path.suffix.lower())
    if kind not in ("csv", "parquet", "json", "ndjson"):
        fail(
            f"{path}: cannot tell the format from {path.suffix or 'no suffix'!r}; "
            "use .csv, .parquet, .json or .jsonl, or pass --format"
        )
    store = open_store(ledger, history)
    not_an_input(path, store, ledger, force=force)
    columns, rows = store.export_rows(
        suite=suite, dataset=dataset, check=check, metric=metric, since=since, until=until
    )
    _write(path, kind, columns, rows)
    from ._common import out_console

    out_console().print(f"wrote {len(rows):,} values to {path}")


def _write(path: Path, kind: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """Write via a temporary file in the same folder and an atomic rename."""
    import polars as pl

    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "ledger_seq": pl.Int64,
        "started_at": pl.Datetime("us"),
        "value": pl.Float64,
        "lower": pl.Float64,
        "upper": pl.Float64,
        "in_band": pl.Boolean,
    }
    types: dict[str, pl.DataType | type[pl.DataType]] = {
        c: schema.get(c, pl.String) for c in columns
    }
    frame = pl.DataFrame(rows, schema=types, orient="row")
    if not path.parent.exists():
        fail(f"{path.parent}: no such folder; create it first")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if kind == "parquet":
            frame.write_parquet(tmp)
        elif kind == "csv":
            frame.write_csv(tmp)
        else:
            docs = [
                {k: _jsonable(v) for k, v in zip(columns, row, strict=True)} for row in frame.rows()
            ]
            text = (
                json.dumps(docs, indent=1)
                if kind == "json"
                else "".join(json.dumps(d) + "\n" for d in docs)
            )
            tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {path}: {exc.strerror or exc}; pick a writable path")


def _jsonable(value: object) -> object:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@guarded
def page(
    suite: Annotated[
        str, typer.Argument(help="The suite whose trend to draw.", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Argument(help="The HTML file to write.", dir_okay=False, show_default=False),
    ],
    ledger: LedgerPath = DEFAULT_LEDGER,
    history: HistoryPath = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """Write a suite's trend page (the dashboard's /ui/suites/SUITE) as one HTML file.

    Row count and failing checks per run in verdict colours, then every metric series with its
    anomaly band; no script, no outside URL (docs/dashboard.md).

    Example:

        gates history page orders reports/orders-trend.html --ledger runs/ledger.duckdb
    """
    write_trend(open_store(ledger, history), ledger, suite, out, force=force, exact=True)


def write_trend(
    store: History, ledger: Path, suite: str | None, out: Path, *, force: bool, exact: bool = False
) -> None:
    """Write one suite's trend page to ``out`` (atomic; never onto an input or without --force).

    ``suite`` is a glob that must match exactly one suite of the history (None: the history's
    only suite); ``exact``: it is a name, drawn even when the history has no run of it yet.
    """
    not_an_input(out, store, ledger, force=force)
    if not exact:
        suite = _one_suite(store, suite)
    from gates.report import write_text
    from gates.service.ui._pages import trend_document  # no FastAPI: only the templates

    from ._common import out_console

    assert suite is not None
    text = trend_document(suite, ledger=ledger, history=store.path)
    written = write_text(out, text, inputs=[ledger, store.path], what="trend page")
    out_console().print(f"wrote {written}")


def _one_suite(store: History, pattern: str | None) -> str:
    names = [
        row[0]
        for row in store.query(
            "SELECT DISTINCT suite_name FROM history_runs WHERE suite_name GLOB ? ORDER BY 1",
            [pattern or "*"],
        )
    ]
    if len(names) == 1:
        return str(names[0])
    if not names:
        fail(f"no suite matches {pattern!r} in {store.path}; `gates history list` shows them")
    shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
    fail(f"{len(names)} suites match {pattern or '*'!r} ({shown}); pick one with --suite NAME")


@guarded
def verify(ledger: LedgerPath = DEFAULT_LEDGER, history: HistoryPath = None) -> None:
    """Re-derive every history row from its ledger record; exit 1 when they disagree.

    Example:

        gates history verify --ledger .gates/ledger.duckdb
    """
    from gates.history import verify_history

    report = verify_history(ledger, history_file(ledger, history, need_ledger=True))
    from ._common import out_console

    console = out_console()
    for problem in report.problems:
        console.print(f"[red]✗[/] {problem}", markup=True, highlight=False)
    console.print(report.summary())
    raise typer.Exit(0 if report.ok else 1)


@guarded
def rebuild(ledger: LedgerPath = DEFAULT_LEDGER, history: HistoryPath = None) -> None:
    """Rewrite the history from the ledger (after a failed write, or to repair an edit).

    Example:

        gates history rebuild --ledger .gates/ledger.duckdb
    """
    from gates.history import rebuild as do_rebuild

    target = history_file(ledger, history, need_ledger=True, must_exist=False)
    count = do_rebuild(ledger, target)
    from ._common import out_console

    out_console().print(f"rebuilt {target} from {ledger}: {count} runs")
