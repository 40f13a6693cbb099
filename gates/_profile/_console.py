"""Rich tables for the terminal: the profile summary and the ranked drift table."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._drift import DriftReport
from ._model import ColumnProfile, Profile, quantile_note, strongest_pairs

__all__ = ["print_drift", "print_profile"]


def _f(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    text = str(value)
    return escape(text if len(text) <= 24 else text[:23] + "…")


def print_profile(profile: Profile, console: Console) -> None:
    """A one-row-per-column summary of ``profile``."""
    p = profile
    extra = f", {p.duplicate_rows:,} duplicate rows" if p.duplicate_rows is not None else ""
    table = Table(
        title=f"{escape(p.source)}: {p.rows:,} rows × {len(p.columns)} columns{extra}",
        title_justify="left",
    )
    for head in (
        "column",
        "dtype",
        "semantic",
        "null %",
        "distinct",
        "min",
        "max",
        "mean",
        "top / p50",
    ):
        table.add_column(
            head, justify="right" if head in ("null %", "distinct", "mean") else "left"
        )
    for c in p.columns:
        if c.top_values is not None and c.top_values.values:
            mark = "" if c.top_values.exact else "≥"
            top = f"{_f(c.top_values.values[0])} ({mark}{c.top_values.counts[0]:,})"
        else:
            p50 = (c.quantiles or {}).get("p50")
            mark = "≈" if p50 is not None and c.quantile_method not in (None, "exact") else ""
            top = mark + _f(p50)
        distinct = (
            _f(c.distinct) if c.distinct_method == "exact" else f"≈{_f(c.distinct)}{_bound(c)}"
        )
        table.add_row(
            escape(c.name),
            c.dtype,
            c.semantic,
            f"{c.null_fraction:.1%}",
            distinct,
            _f(c.min),
            _f(c.max),
            _f(c.mean),
            top,
        )
    console.print(table)
    note = quantile_note(p)
    if note:
        console.print(f"[dim]{escape(note)}[/]")
    strongest = strongest_pairs(p, 3)
    if strongest:
        shown = ", ".join(f"{a} ~ {b} {label}" for a, b, label in strongest)
        console.print(f"[dim]strongest correlations: {escape(shown)}[/]")
    if p.alerts:
        shown = ", ".join(f"{a['column'] or 'table'}: {a['alert']}" for a in p.alerts[:6])
        more = f", +{len(p.alerts) - 6} more" if len(p.alerts) > 6 else ""
        console.print(f"[dim]alerts: {escape(shown)}{more}[/]")
    if p.incremental is not None:
        inc = p.incremental
        console.print(
            f"[dim]incremental: profiled {len(inc['profiled'])} file(s) "
            f"({inc['bytes_read']:,} bytes), reused {inc['reused']}, removed {len(inc['removed'])}[/]"
        )


def print_drift(drift: DriftReport, console: Console, *, limit: int | None = None) -> None:
    """The ranked drift table (most drifted first)."""
    table = Table(
        title=f"drift against {escape(drift.baseline)}: {len(drift.drifted)} of {len(drift.columns)} columns drifted",
        title_justify="left",
    )
    for head in ("column", "kind", "PSI", "JS", "KS", "Δ null", "Δ distinct", "status"):
        table.add_column(head, justify="left" if head in ("column", "kind", "status") else "right")
    for c in drift.columns[:limit]:
        m = c.metrics
        status = f"[red]{escape(', '.join(c.drifted))}[/]" if c.drifted else "[green]ok[/]"
        table.add_row(
            escape(c.column),
            c.kind,
            _f(m.get("psi")),
            _f(m.get("js")),
            _f(m.get("ks")),
            _f(m.get("null_rate_change")),
            _f(m.get("distinct_change")),
            status,
        )
    console.print(table)


def _bound(c: ColumnProfile) -> str:
    """`` ±0.8%`` for an estimate with a stated relative standard error."""
    return f" ±{c.distinct_rse:.1%}" if c.distinct_rse else ""
