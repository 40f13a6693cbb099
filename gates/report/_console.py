"""The terminal report: a verdict line, a table of checks, and failing samples."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .._result import CheckResult, GateResult, Severity, Verdict
from ._files import display_name

__all__ = ["print_result", "verdict_line"]

_VERDICT_STYLE = {
    Verdict.PASS: "bold green",
    Verdict.WARN: "bold yellow",
    Verdict.BLOCK: "bold red",
}


def _status(check: CheckResult) -> Text:
    if check.passed:
        return Text("pass", style="green")
    if check.error:
        return Text("error", style="bold magenta")
    return (
        Text("FAIL", style="bold red")
        if check.severity is Severity.BLOCK
        else Text("warn", style="yellow")
    )


def _short(value: Any, width: int = 28) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _sample_table(check: CheckResult, max_rows: int, max_cols: int = 8) -> Table:
    cols: list[str] = []
    for row in check.sample[:max_rows]:
        for k in row:
            if k not in cols:
                cols.append(k)
    if check.column and check.column in cols:  # the checked column right after the row number
        cols.remove(check.column)
        cols.insert(1 if "row" in cols else 0, check.column)
    cols = cols[:max_cols]
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
    for c in cols:
        table.add_column(
            c, style="bold" if c == check.column else None, overflow="ellipsis", max_width=30
        )
    for row in check.sample[:max_rows]:
        table.add_row(*(Text(_short(row.get(c))) for c in cols))
    return table


def print_result(
    result: GateResult, console: Console, *, verbose: bool = False, max_sample_rows: int = 5
) -> None:
    """Print a run for people: the checks (failing first), samples of failing rows, the verdict."""
    ds = result.dataset
    console.print(
        f"[bold]datagates[/] · suite [cyan]{escape(result.suite.name)}[/] · data [cyan]{escape(ds.source)}[/]"
        f" · {ds.rows:,} rows · {len(ds.columns)} columns"
        if ds.rows is not None
        else "",
    )
    shown = [c for c in result.checks if verbose or not c.passed]
    # ids are never broken mid-name: the check column is as wide as the longest shown id
    # (up to 60), and the free-text column takes what is left and wraps between words
    longest = max((len(c.id) + len(display_name(c) or "") for c in shown), default=5)
    # what the other columns need at least (status, engine, severity, failing, 20 of text, rules)
    # (rich will not fold a detail narrower than its longest word, e.g. a long column name)
    word = max((len(w) for c in shown for w in (c.error or c.message or "").split()), default=10)
    id_width = max(12, min(longest, 60, console.width - 64 - min(max(word, 20), 60)))
    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column("", width=5, no_wrap=True)
    table.add_column("check", overflow="fold", min_width=id_width)
    table.add_column("engine", style="dim")
    table.add_column("severity", style="dim")
    table.add_column("failing", justify="right")
    table.add_column("observed / expected", overflow="fold", min_width=20)
    shown.sort(key=lambda c: (c.passed, c.severity is not Severity.BLOCK))
    for c in shown:
        failing = "" if c.failing_count is None else f"{c.failing_count:,}"
        if c.failing_fraction is not None and c.failing_count:
            failing += f" ({c.failing_fraction:.1%})"
        detail = c.error or c.message
        if c.expected and not c.error:
            detail += f" · expected {c.expected}"
        if c.threshold:
            detail += f" · {c.threshold}"
        # user text (regexes, values) is shown as it is, never read as rich markup
        label = display_name(c)
        shown_id = Text(c.id + (f" · {label}" if label else ""))
        table.add_row(_status(c), shown_id, c.engine, c.severity.value, failing, Text(detail))
    passed = sum(c.passed for c in result.checks)
    if shown:
        console.print(table)
    if not verbose and passed:
        console.print(
            f"[green]✓[/] {passed} of {len(result.checks)} checks passed"
            + (" (--verbose lists them)" if shown else "")
        )
    for c in result.failed_checks:
        if c.sample:
            console.print(
                Panel(
                    Group(_sample_table(c, max_sample_rows)),
                    title=f"[bold]{escape(c.id)}[/] · failing rows (first {min(len(c.sample), max_sample_rows)} of {c.failing_count if c.failing_count is not None else len(c.sample):,})",
                    title_align="left",
                    border_style="red" if c.severity is Severity.BLOCK else "yellow",
                    expand=False,
                )
            )
    v = result.verdict
    console.print(
        Text.assemble(
            ("verdict: ", "bold"),
            (v.value.upper(), _VERDICT_STYLE[v]),
            f"  {_counts(result)} in {result.duration_s:.2f}s",
        )
    )


def _counts(result: GateResult) -> str:
    if result.failed_checks:
        return f"{len(result.failed_checks)} of {len(result.checks)} checks failed"
    return f"all {len(result.checks)} checks passed"


def verdict_line(result: GateResult) -> str:
    """The last line of the full console report without its timing: what ``-q`` prints.

    ``verdict: BLOCK  7 of 20 checks failed``: the same verdict word as the full output, and
    nothing that changes from run to run, so scripts can compare it.
    """
    return f"verdict: {result.verdict.value.upper()}  {_counts(result)}"
