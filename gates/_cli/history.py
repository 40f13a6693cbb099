"""``gates history``: the metric series of recorded runs, their trend, export, verify, rebuild.

Mount it in the main app with ``app.add_typer(history_app, name="history")``. This module has
the app and the reading commands (``list``, ``show``); ``history_files`` the ones that write
or check files (``export``, ``page``, ``verify``, ``rebuild``); ``history_common`` the shared
options and helpers.

Examples::

    gates history                                   # every series, with a sparkline
    gates history list --suite orders --metric "amount.*"
    gates history --suite orders --html reports/orders-trend.html
    gates history show row_count --suite orders --limit 30
    gates history export metrics.parquet --since 2026-11-01
    gates history page orders reports/orders-trend.html
    gates history verify
    gates history rebuild
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from . import history_files
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
    fmt,
    guarded,
    open_store,
)

__all__ = ["history_app", "sparkline"]

history_app = typer.Typer(
    name="history",
    help="The metric history of recorded runs: list series, show a trend, export, verify, rebuild.",
    no_args_is_help=False,
    invoke_without_command=True,
)

_BARS = "▁▂▃▄▅▆▇█"
_COLOURS = {"pass": "green", "warn": "yellow", "block": "bold red", "error": "magenta"}
Html = Annotated[
    Path | None,
    typer.Option(
        "--html",
        help="Write the suite's trend page (the dashboard's /ui/suites/SUITE) to this HTML file "
        "instead; --suite picks the suite when the history has several.",
        dir_okay=False,
        show_default=False,
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace the --html file if it exists.")]


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


@history_app.callback()
def _default(
    ctx: typer.Context,
    ledger: LedgerPath = DEFAULT_LEDGER,
    history: HistoryPath = None,
    suite: Suite = None,
    html: Html = None,
    force: Force = False,
) -> None:
    """The metric history of recorded runs (docs/history.md). Without a command: list."""
    if ctx.invoked_subcommand is None:
        list_series(ledger=ledger, history=history, suite=suite, html=html, force=force)
    elif html is not None or suite is not None:
        fail(f"--html and --suite go after the command: gates history {ctx.invoked_subcommand} …")


@history_app.command("list")
@guarded
def list_series(
    ledger: LedgerPath = DEFAULT_LEDGER,
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
            help="One series per suite and dataset source, instead of one per suite whatever the source.",
        ),
    ] = False,
    points: Annotated[
        int, typer.Option(min=1, max=200, help="Values in each sparkline (the newest).")
    ] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line instead of a table.")
    ] = False,
    html: Html = None,
    force: Force = False,
) -> None:
    """List every series (a metric of a suite) with its run count, last value and trend.

    Examples:

        gates history list --suite orders --metric "amount.*"

        gates history list --check "amount::*" --since 2026-11-01 --json

        gates history list --suite orders --html reports/orders-trend.html
    """
    store = open_store(ledger, history)
    if html is not None:
        history_files.write_trend(store, ledger, suite, html, force=force)
        return
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
            fmt(s.last_value),
            sparkline(s.recent),
            s.last.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@history_app.command("show")
@guarded
def show(
    metric: Annotated[str, typer.Argument(help="row_count, COLUMN.STAT or '<check id>.<field>'.")],
    ledger: LedgerPath = DEFAULT_LEDGER,
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
    store = open_store(ledger, history)
    found = store.series(
        metric, suite=suite, dataset=dataset, since=since, until=until, limit=limit
    )
    if not found:
        known = [s.metric for s in store.list_series(suite=suite)]
        from gates.suite._catalog import did_you_mean

        hint = did_you_mean(metric, known)
        fail(f"no values of {metric!r} in {store.path}{hint}; `gates history list` shows them")
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
        f"{metric} · {len(found)} runs · min {fmt(min(values))} · max {fmt(max(values))} · "
        f"last {fmt(values[-1])}"
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
            band = f"[{fmt(p.lower)}, {fmt(p.upper)}]" + ("" if p.in_band else " outside")
        colour = _COLOURS.get(p.verdict, "")
        table.add_row(
            p.run_id[:8],
            p.started_at.strftime("%Y-%m-%d %H:%M"),
            f"[{colour}]{p.verdict}[/]" if colour else p.verdict,
            fmt(p.value),
            f"[bold red]{band}[/]" if p.in_band is False else band,
        )
    console.print(table)


history_files.register(history_app)
