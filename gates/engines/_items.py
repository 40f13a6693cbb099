"""What the fast path, the backends and the reference engines share about check items.

Check ids (``amount::in_range``, ``table::expect_...#2``), the list of a run's expectations,
the columns an expectation reads, and a GX-shaped validation result turned into a
``CheckResult``: none of it needs pandera or GX, so it lives here, and the fast path and the
backends never import the reference engines (the import contract in pyproject.toml).
"""

from __future__ import annotations

import re
from typing import Any

from .._result import CheckResult, jsonable
from ..suite._model import ColumnCheck, ColumnSpec, ExpectationSpec
from ._base import RunContext, unrunnable

__all__ = [
    "column_check_id",
    "expectation_columns",
    "expectation_ids",
    "gx_exception_message",
    "gx_items",
    "gx_result",
    "missing_column_result",
]

_COLUMN_KWARGS = ("column", "column_A", "column_B")


def expectation_columns(spec: ExpectationSpec) -> list[str] | None:
    """Columns an expectation reads; None when it needs the whole table (table-level)."""
    if spec.type.startswith("expect_table_"):
        return None
    cols = [str(spec.kwargs[k]) for k in _COLUMN_KWARGS if k in spec.kwargs]
    cols += [str(c) for c in spec.kwargs.get("column_list", [])]
    return cols or None


def gx_exception_message(info: Any) -> str | None:
    """The first exception GX reported, top-level or per metric (GX 1.x), as one line."""
    if not isinstance(info, dict):
        return None
    found: list[tuple[str, dict[str, Any]]] = []
    if info.get("raised_exception"):
        found.append(("", info))
    for key, value in info.items():
        if isinstance(value, dict) and value.get("raised_exception"):
            metric = re.search(r"metric_name='([^']+)'", str(key))
            found.append((metric.group(1) if metric else "", value))
    if not found:
        return None
    name, detail = found[0]
    text = str(detail.get("exception_message") or "GX raised an exception").strip()
    line = text.splitlines()[0] if text else "GX raised an exception"
    return f"{name}: {line}" if name else line


def gx_items(
    ctx: RunContext,
) -> list[tuple[tuple[str, ...], ExpectationSpec, tuple[str | int, ...] | str]]:
    """Every expectation of the run: (handled-key, spec, location or source file)."""
    own = [
        (("gx", str(i)), spec, ("expectations", i))
        for i, spec in enumerate(ctx.suite.suite.expectations)
    ]
    inc = [
        (("gx-include", str(i)), spec, src)
        for i, (spec, src) in enumerate(ctx.suite.included_expectations)
    ]
    return [*own, *inc]


def missing_column_result(
    ctx: RunContext, cid: str, spec: ExpectationSpec, column: str, *, engine: str = "gx"
) -> CheckResult:
    """The result of an expectation on a column the data lacks (a failed check, not a crash)."""
    return unrunnable(
        id=cid,
        name=spec.label or spec.type,
        engine=engine,
        column=spec.column,
        severity=spec.severity or ctx.suite.suite.severity,
        observed="missing",
        error=f"column {column!r} is not in the data",
    )


def expectation_ids(specs: list[ExpectationSpec]) -> list[str]:
    """Stable check ids for expectations (``column::expect_...``, ``#2`` for repeats)."""
    seen: dict[str, int] = {}
    out = []
    for s in specs:
        base = f"{s.column or 'table'}::{s.type}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def column_check_id(column: str, spec: ColumnSpec, check: ColumnCheck, index: int) -> str:
    """Stable check id of a column check (``amount::in_range``, ``#2`` for repeats)."""
    same = [i for i, c in enumerate(spec.checks) if c.check == check.check]
    if len(same) > 1:
        return f"{column}::{check.check}#{same.index(index) + 1}"
    return f"{column}::{check.check}"


def gx_result(ctx: RunContext, cid: str, spec: ExpectationSpec, res: Any, rows: int) -> CheckResult:
    severity = spec.severity or ctx.suite.suite.severity
    msg = gx_exception_message(res.exception_info)
    if msg is not None:
        return unrunnable(
            id=cid,
            name=spec.label or spec.type,
            engine="gx",
            column=spec.column,
            severity=severity,
            error=msg,
        )
    r = dict(res.result or {})
    observed = jsonable(r.get("observed_value"))
    failing = r.get("unexpected_count")
    fraction = None
    sample: list[dict[str, Any]] = []
    if failing is not None:
        # GX's own share: unexpected values among the non-missing ones
        pct = r.get("unexpected_percent")
        fraction = float(pct) / 100 if pct is not None else 0.0
        observed = round(fraction, 6)
        idx = r.get("unexpected_index_list") or r.get("partial_unexpected_index_list") or []
        sample = [{"row": int(i)} for i in idx[: ctx.sample_size] if isinstance(i, int | float)]
    expected = ", ".join(f"{k}={v!r}" for k, v in spec.kwargs.items() if k != "column")
    mostly = spec.kwargs.get("mostly")
    among = f" among {rows:,} rows where {spec.where}" if spec.where else ""
    if res.success:
        message = (
            "passed"
            if failing in (None, 0)
            else f"{failing:,} unexpected values{among}, within mostly {mostly}"
        )
    elif failing is not None:
        message = f"{failing:,} unexpected values ({fraction:.2%}){among}"
    else:
        message = f"observed {observed!r}"
    extra: dict[str, Any] = {}
    if spec.where:
        expected = f"{expected}, where {spec.where}" if expected else f"where {spec.where}"
        if res.success and failing in (None, 0):
            message = f"passed on {rows:,} rows where {spec.where}"
        extra = {"where": spec.where, "rows_checked": rows}
    return CheckResult(
        id=cid,
        name=spec.label or spec.type,
        engine="gx",
        column=spec.column,
        severity=severity,
        passed=bool(res.success),
        observed=observed,
        expected=expected,
        failing_count=failing,
        failing_fraction=fraction,
        sample=tuple(sample),
        threshold=f"mostly {mostly}" if mostly is not None else None,
        message=message,
        details={
            **extra,
            "kwargs": spec.kwargs,
            "result": {
                k: v
                for k, v in r.items()
                if k
                not in (
                    "unexpected_list",
                    "unexpected_index_list",
                    "partial_unexpected_list",
                    "partial_unexpected_index_list",
                    "partial_unexpected_counts",
                    "unexpected_index_query",
                )
            },
        },
    )
