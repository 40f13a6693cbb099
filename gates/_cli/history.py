"""``gates history``: the metric series of recorded runs, their trend, export, verify, rebuild.

Mount it in the main app with ``app.add_typer(history_app, name="history")``.

Examples::

    gates history                                   # every series, with a sparkline
    gates history list --suite orders --metric "amount.*"
    gates history show row_count --suite orders --limit 30
    gates history export metrics.parquet --since 2026-11-01
    gates history page orders reports/orders-trend.html
    gates history verify
    gates history rebuild
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec

import typer

if TYPE_CHECKING:  # DuckDB loads when a history command runs, not at CLI start-up
    from gates.history import History

__all__ = ["history_app", "sparkline"]

P = ParamSpec("P")

history_app = typer.Typer(
    name="history",
    help="The metric history of recorded runs: list series, show a trend, export, verify, rebuild.",
    no_args_is_help=False,
    invoke_without_command=True,
)

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
        help="The history file itself (default: next to --ledger; or $GATES_HISTORY).",
        dir_okay=False,
        show_default=False,
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
_DEFAULT = Path(".gates/ledger.duckdb")
_BARS = "▁▂▃▄▅▆▇█"
_COLOURS = {"pass": "green", "warn": "yellow", "block": "bold red", "error": "magenta"}


def _fail(message: str) -> NoReturn:
    from ._common import fail

    fail(_escape(message))


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _guarded(func: Callable[P, None]) -> Callable[P, None]:
    """Run a command with datagates' errors (a bad time, a damaged file) as one line, exit 2."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        from ._common import user_errors

        with user_errors():
            func(*args, **kwargs)

    return run


def sparkline(values: list[float] | tuple[float, ...]) -> str:
    """``▁▂▃▅▇█``: each value as one bar between the series' min and max (flat: all ``▄``)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    lo, hi = min(finite), max(finite)
    if hi == lo:
        return "▄" * len(values)
    scale = (len(_BARS) - 1) / (hi - lo)
    return "".join(_BARS[round((v - lo) * scale)] if math.isfinite(v) else " " for v in values)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _store(ledger: Path, history: Path | None) -> History:
    from gates.history import History, HistoryError, history_path

    if history is None:
        try:
            history = history_path(ledger)
        except HistoryError as exc:
            _fail(f"{exc}, or pass --history PATH")
    if not history.exists():
        _fail(
            f"no metric history at {history}; record a run first (gates check … --ledger "
            f"{ledger}) or point --ledger / --history at one"
        )
    return History(history)


@history_app.callback()
def _default(
    ctx: typer.Context, ledger: LedgerPath = _DEFAULT, history: HistoryPath = None
) -> None:
    """The metric history of recorded runs (docs/history.md). Without a command: list."""
    if ctx.invoked_subcommand is None:
        list_series(ledger=ledger, history=history)


@history_app.command("list")
@_guarded
def list_series(
    ledger: LedgerPath = _DEFAULT,
    history: HistoryPath = None,
    suite: Suite = None,
    dataset: Dataset = None,
    check: Check = None,
    metric: Metric = None,
    since: Since = None,
    until: Until = None,
    per_dataset: Annotated[
        bool,
        typer.Option(
            "--per-dataset",
            help="One series per suite and dataset source (default: per suite, whatever the source).",
        ),
    ] = False,
    points: Annotated[
        int, typer.Option(min=1, max=200, help="Values in each sparkline (the newest).")
    ] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line instead of a table.")
    ] = False,
) -> None:
    """List every series (a metric of a suite) with its run count, last value and trend.

    Examples:

        gates history list --suite orders --metric "amount.*"

        gates history list --check "amount::*" --since 2026-11-01 --json
    """
    store = _store(ledger, history)
    found = store.list_series(
        suite=suite,
        dataset=dataset,
        check=check,
        metric=metric,
        since=since,
        until=until,
        by="dataset" if per_dataset else "suite",
        recent=points,
    )
    if as_json:
        for s in found:
            doc = {
                "suite": s.suite,
                "dataset": s.dataset,
                "metric": s.metric,
                "kind": s.kind,
                "check_id": s.check_id,
                "column": s.column,
                "runs": s.count,
                "first": s.first.isoformat(),
                "last": s.last.isoformat(),
                "last_value": s.last_value,
                "recent": list(s.recent),
            }
            typer.echo(json.dumps(doc))
        return
    from rich.table import Table

    from ._common import out_console

    console = out_console()
    if not found:
        console.print(f"no series match in {store.path}")
        return
    table = Table(title=f"metric series in {store.path}", title_justify="left")
    for name, justify in (
        ("suite", "left"),
        ("dataset", "left"),
        ("metric", "left"),
        ("runs", "right"),
        ("last", "right"),
        ("trend", "left"),
        ("last run (UTC)", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in found:
        table.add_row(
            s.suite,
            s.dataset if s.dataset is not None else "*",
            s.metric,
            f"{s.count:,}",
            _fmt(s.last_value),
            sparkline(s.recent),
            s.last.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@history_app.command("show")
@_guarded
def show(
    metric: Annotated[str, typer.Argument(help="row_count, COLUMN.STAT or '<check id>.<field>'.")],
    ledger: LedgerPath = _DEFAULT,
    history: HistoryPath = None,
    suite: Annotated[str | None, typer.Option(help="Only this suite (exact name).")] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Only this dataset source (exact, as recorded).")
    ] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, typer.Option(min=1, help="The newest this many runs.")] = 30,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line instead of the trend.")
    ] = False,
) -> None:
    """Print one metric's trend: a sparkline, then each run's value, verdict and anomaly band.

    Examples:

        gates history show row_count --suite orders

        gates history show "amount::in_range.failing_fraction" --since 2026-11-01 --json
    """
    store = _store(ledger, history)
    found = store.series(
        metric, suite=suite, dataset=dataset, since=since, until=until, limit=limit
    )
    if not found:
        known = [s.metric for s in store.list_series(suite=suite)]
        from gates.suite._catalog import did_you_mean

        hint = did_you_mean(metric, known)
        _fail(f"no values of {metric!r} in {store.path}{hint}; `gates history list` shows them")
    if as_json:
        for p in found:
            doc = {
                "seq": p.seq,
                "run_id": p.run_id,
                "started_at": p.started_at.isoformat(),
                "verdict": p.verdict,
                "value": p.value,
                "lower": p.lower if p.lower is None or math.isfinite(p.lower) else None,
                "upper": p.upper if p.upper is None or math.isfinite(p.upper) else None,
                "in_band": p.in_band,
            }
            typer.echo(json.dumps(doc))
        return
    from rich.table import Table
    from rich.text import Text

    from ._common import out_console

    console = out_console()
    line = Text()
    for p, bar in zip(found, sparkline([p.value for p in found]), strict=True):
        line.append(bar, style="bold red" if p.in_band is False else "")
    values = [p.value for p in found]
    console.print(
        f"{metric} · {len(found)} runs · min {_fmt(min(values))} · max {_fmt(max(values))} · "
        f"last {_fmt(values[-1])}"
    )
    console.print(line)
    table = Table(show_header=True)
    for name, justify in (
        ("run", "left"),
        ("started (UTC)", "left"),
        ("verdict", "left"),
        ("value", "right"),
        ("anomaly band", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for p in found:
        band = ""
        if p.lower is not None and p.upper is not None:
            band = f"[{_fmt(p.lower)}, {_fmt(p.upper)}]" + ("" if p.in_band else " outside")
        colour = _COLOURS.get(p.verdict, "")
        table.add_row(
            p.run_id[:8],
            p.started_at.strftime("%Y-%m-%d %H:%M"),
            f"[{colour}]{p.verdict}[/]" if colour else p.verdict,
            _fmt(p.value),
            f"[bold red]{band}[/]" if p.in_band is False else band,
        )
    console.print(table)


_FORMATS = {".csv": "csv", ".parquet": "parquet", ".json": "json", ".jsonl": "ndjson"}
_FORMATS[".ndjson"] = "ndjson"


@history_app.command("export")
@_guarded
def export(
    path: Annotated[
        Path,
        typer.Argument(
            help="Target file: .csv, .parquet, .json or .jsonl/.ndjson.", dir_okay=False
        ),
    ],
    ledger: LedgerPath = _DEFAULT,
    history: HistoryPath = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, parquet, json or ndjson (default: from the suffix)."),
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
        _fail(
            f"{path}: cannot tell the format from {path.suffix or 'no suffix'!r}; "
            "use .csv, .parquet, .json or .jsonl, or pass --format"
        )
    store = _store(ledger, history)
    resolved = path.resolve()
    if resolved in (store.path.resolve(), ledger.resolve()):
        _fail(f"{path} is the history or ledger being read; pick another file")
    if path.exists() and not force:
        _fail(f"{path} already exists; pass --force to replace it")
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
        _fail(f"{path.parent}: no such folder; create it first")
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
        _fail(f"cannot write {path}: {exc.strerror or exc}; pick a writable path")


def _jsonable(value: object) -> object:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@history_app.command("page")
@_guarded
def page(
    suite: Annotated[
        str, typer.Argument(help="The suite whose trend to draw.", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Argument(help="The HTML file to write.", dir_okay=False, show_default=False),
    ],
    ledger: LedgerPath = _DEFAULT,
    history: HistoryPath = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """Write a suite's trend page (the dashboard's /ui/suites/SUITE) as one HTML file.

    Row count and failing checks per run in verdict colours, then every metric series with its
    anomaly band; no script, no outside URL (docs/dashboard.md).

    Example:

        gates history page orders reports/orders-trend.html --ledger runs/ledger.duckdb
    """
    if out.exists() and not force:
        _fail(f"{out} already exists; pass --force to replace it")
    store = _store(ledger, history)
    if out.resolve() in (store.path.resolve(), ledger.resolve()):
        _fail(f"{out} is the history or ledger being read; pick another file")
    try:
        from gates.service._ui import trend_document
    except ImportError as exc:  # the dashboard's templates live with the service extra
        _fail(f"the trend page needs the service extra: pip install 'datagates[service]' ({exc})")
    from gates.report import write_text

    from ._common import out_console

    text = trend_document(suite, ledger=ledger, history=store.path)
    written = write_text(out, text, inputs=[ledger, store.path], what="trend page")
    out_console().print(f"wrote {written}")


@history_app.command("verify")
@_guarded
def verify(ledger: LedgerPath = _DEFAULT, history: HistoryPath = None) -> None:
    """Re-derive every history row from its ledger record; exit 1 when they disagree.

    Example:

        gates history verify --ledger .gates/ledger.duckdb
    """
    from gates.history import verify_history

    if not ledger.exists():
        _fail(f"no ledger at {ledger}; point --ledger (GATES_LEDGER) at one")
    store = _store(ledger, history)
    report = verify_history(ledger, store.path)
    from ._common import out_console

    console = out_console()
    for problem in report.problems:
        console.print(f"[red]✗[/] {problem}", markup=True, highlight=False)
    console.print(report.summary())
    raise typer.Exit(0 if report.ok else 1)


@history_app.command("rebuild")
@_guarded
def rebuild(ledger: LedgerPath = _DEFAULT, history: HistoryPath = None) -> None:
    """Rewrite the history from the ledger (after a failed write, or to repair an edit).

    Example:

        gates history rebuild --ledger .gates/ledger.duckdb
    """
    from gates.history import HistoryError, history_path
    from gates.history import rebuild as do_rebuild

    if not ledger.exists():
        _fail(f"no ledger at {ledger}; point --ledger (GATES_LEDGER) at one")
    try:
        target = history if history is not None else history_path(ledger)
    except HistoryError as exc:
        _fail(f"{exc}, or pass --history PATH")
    count = do_rebuild(ledger, target)
    from ._common import out_console

    out_console().print(f"rebuilt {target} from {ledger}: {count} runs")
