"""The suite's table checks ``row_count`` and ``unique`` (compound key) as fused aggregates.

``expression``, ``query``, ``no_duplicate_rows`` and ``columns_present`` stay with the table
engine. Ids, messages and pass rules are the table engine's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from .._result import CheckResult
from ..suite._model import TableCheck
from ..suite._where import where_columns
from ._base import RunContext, row_count_message, threshold_result
from ._native_plan import Plan, count_true

__all__ = ["table_plans"]

_ENGINE = "native"


def _row_count(ctx: RunContext, spec: TableCheck, cid: str, ns: Any) -> Plan | None:
    lo, hi, eq = spec.kwargs.get("min"), spec.kwargs.get("max"), spec.kwargs.get("equal")
    expected = (
        f"rows == {eq}"
        if eq is not None
        else f"{lo if lo is not None else 0} <= rows" + (f" <= {hi}" if hi is not None else "")
    )

    bounds = expected
    keep = ctx.where(spec, ns)
    if keep is not None:
        expected += f", where {spec.where}"

    def finish(values: Mapping[str, Any], rows: int) -> CheckResult:
        if keep is not None:
            rows = int(values["kept"] or 0)
        ok = (
            (lo is None or rows >= lo) and (hi is None or rows <= hi) and (eq is None or rows == eq)
        )
        return CheckResult(
            id=cid,
            name=spec.label or "row_count",
            engine=_ENGINE,
            column=None,
            severity=ctx.suite.suite.severity_of(spec),
            passed=ok,
            observed=rows,
            expected=expected,
            message=row_count_message(rows, spec.where, ok, bounds),
        )

    aggs = {} if keep is None else {"kept": count_true(keep, ns)}
    return Plan(key=(), aggs=aggs, finish=finish, columns=where_columns(spec.where))


def _unique(ctx: RunContext, spec: TableCheck, cid: str, schema: pl.Schema, ns: Any) -> Plan | None:
    cols = spec.kwargs["columns"]
    columns = [cols] if isinstance(cols, str) else list(cols)
    if not columns or any(not isinstance(c, str) or c not in schema for c in columns):
        return None  # the table engine reports missing columns

    def finish(values: Mapping[str, Any], rows: int) -> CheckResult:
        return threshold_result(
            ctx=ctx,
            spec=spec,
            id=cid,
            name="unique",
            engine=_ENGINE,
            column=None,
            failing=int(values["bad"] or 0),
            rows=rows,
            expected=f"no two rows share ({', '.join(columns)})",
        )

    keep = ctx.where(spec, ns)
    if keep is not None:  # duplicates among the kept rows only: the filter joins the key
        if ns is not pl:
            return None  # the group-by pass has no filter: the table engine runs it
        flag = "__gates_where" + "_" * max(len(c) for c in columns)
        bad = pl.struct([*columns, keep.alias(flag)]).is_duplicated() & keep
        return Plan(
            key=(),
            aggs={"bad": bad.sum(), "kept": keep.sum()},
            finish=lambda values, rows: finish(values, int(values["kept"] or 0)),
            bad=bad,
            columns=(*columns, *where_columns(spec.where)),
        )
    if ns is not pl:  # a group-by pass of the backend's own
        return Plan(key=(), aggs={}, finish=finish, duplicates=tuple(columns))
    bad = pl.struct(columns).is_duplicated()
    return Plan(
        key=(),
        aggs={},
        finish=finish,
        bad=bad,
        columns=tuple(columns),
        costly={"bad": (bad.sum(), 0)},
        probe=pl.struct(columns).n_unique() == pl.len(),
    )


def table_plans(ctx: RunContext, schema: pl.Schema, ns: Any = pl) -> list[Plan]:
    """Plans for the ``row_count`` and ``unique`` table checks (``ns``: polars or narwhals)."""
    plans: list[Plan] = []
    seen: dict[str, int] = {}
    for i, spec in enumerate(ctx.suite.suite.checks):
        n = seen[spec.check] = seen.get(spec.check, 0) + 1
        cid = f"table::{spec.check}" + (f"#{n}" if n > 1 else "")
        plan = None
        if spec.check == "row_count":
            plan = _row_count(ctx, spec, cid, ns)
        elif spec.check == "unique":
            plan = _unique(ctx, spec, cid, schema, ns)
        if plan is not None:
            plan.key = ("table", str(i))
            plans.append(plan)
    return plans
