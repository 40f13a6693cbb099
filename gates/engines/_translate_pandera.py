"""The suite's pandera-style column checks as Polars expressions, with pandera's semantics.

Each expression is the one pandera's polars backend builds
(``pandera/backends/polars/builtin_checks.py``): same operators, ``str_matches`` anchored
with ``^``, ``isin``/``notin`` over a ``frozenset``; a null check output passes
(``ignore_na``). ``not_nullable`` also fails NaN in float columns and ``unique`` counts
every row whose value occurs more than once (nulls included), as pandera does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from .._result import CheckResult
from ..suite._model import ColumnCheck, ColumnSpec
from ._base import RunContext, describe_check, threshold_result
from ._native_plan import Plan, is_float, is_number
from ._pandera import column_check_id

__all__ = ["pandera_plans"]

_ENGINE = "native"


def _condition(check: str, kw: Mapping[str, Any], col: pl.Expr) -> pl.Expr | None:
    """The row-level pass condition pandera evaluates, or None when not translated."""
    simple = {
        "equal_to": ("value", pl.Expr.eq),
        "not_equal_to": ("value", pl.Expr.ne),
        "greater_than": ("min_value", pl.Expr.gt),
        "greater_than_or_equal_to": ("min_value", pl.Expr.ge),
        "less_than": ("max_value", pl.Expr.lt),
        "less_than_or_equal_to": ("max_value", pl.Expr.le),
    }
    if check in simple:
        arg, op = simple[check]
        if kw[arg] is None and check not in ("equal_to", "not_equal_to"):
            return None  # pandera raises "must not be None"
        return op(col, kw[arg])
    if check == "in_range":
        mn, mx, inc = (
            kw["min_value"],
            kw["max_value"],
            (kw.get("include_min", True), kw.get("include_max", True)),
        )
        try:
            if mn is None or mx is None or mx < mn or (mn == mx and not all(inc)):
                return None  # pandera raises: an empty interval
        except TypeError:
            return None
        lo = col.ge(kw["min_value"]) if kw.get("include_min", True) else col.gt(kw["min_value"])
        hi = col.le(kw["max_value"]) if kw.get("include_max", True) else col.lt(kw["max_value"])
        return lo.and_(hi)
    if check in ("isin", "notin"):
        values = kw["allowed_values" if check == "isin" else "forbidden_values"]
        if isinstance(values, str | bytes) or not isinstance(
            values, list | tuple | set | frozenset
        ):
            return None
        try:
            member = col.is_in(frozenset(values))
        except TypeError:  # unhashable values: pandera refuses them too
            return None
        return member if check == "isin" else member.not_()
    if check == "str_matches":
        pattern = str(kw["pattern"])
        return col.str.contains(pattern=pattern if pattern.startswith("^") else f"^{pattern}")
    if check == "str_contains":
        return col.str.contains(pattern=str(kw["pattern"]), literal=False)
    if check == "str_startswith":
        return col.str.starts_with(kw["string"])
    if check == "str_endswith":
        return col.str.ends_with(kw["string"])
    if check == "str_length":
        n: pl.Expr = col.str.len_chars()
        low, high = kw.get("min_value"), kw.get("max_value")
        if kw.get("exact_value") is not None:
            return n.eq(kw["exact_value"]) if low is None and high is None else None
        if low is None and high is None:
            return None  # pandera raises; its engine reports that
        if (
            low is not None
            and high is not None
            and (not is_number(low) or not is_number(high) or high < low)
        ):
            return None
        if low is None:
            return n.le(high)
        if high is None:
            return n.ge(low)
        return n.is_between(low, high)
    return None


_STRING_CHECKS = {"str_matches", "str_contains", "str_startswith", "str_endswith", "str_length"}


def _check_plan(
    ctx: RunContext,
    column: str,
    spec: ColumnSpec,
    check: ColumnCheck,
    index: int,
    dtype: pl.DataType,
) -> Plan | None:
    if check.check in _STRING_CHECKS and not isinstance(dtype, pl.String):
        return None  # the pandera engine reports the dtype mismatch
    cond = _condition(check.check, check.kwargs, pl.col(column))
    if cond is None:
        return None
    bad = cond.fill_null(True).not_()
    cid = column_check_id(column, spec, check, index)
    expected = describe_check(column, check.check, check.kwargs)

    def finish(values: Mapping[str, Any], rows: int) -> CheckResult:
        return threshold_result(
            ctx=ctx,
            spec=check,
            id=cid,
            name=check.check,
            engine=_ENGINE,
            column=column,
            failing=int(values["bad"] or 0),
            rows=rows,
            expected=expected,
            col_spec=spec,
            details={"kwargs": check.kwargs},
        )

    return Plan(
        key=("column", column, str(index)),
        aggs={"bad": bad.sum()},
        finish=finish,
        bad=bad,
        columns=(column,),
    )


def _constraint_plan(
    ctx: RunContext, column: str, spec: ColumnSpec, name: str, dtype: pl.DataType
) -> Plan:
    col = pl.col(column)
    if name == "not_nullable":
        bad = col.is_null() | col.is_nan() if is_float(dtype) else col.is_null()
        expected = f"{column} has no nulls"
    else:
        bad = col.is_duplicated()
        expected = f"{column} values are unique"
    thresholds = ColumnCheck.model_validate({"check": name, "kwargs": {}})

    def finish(values: Mapping[str, Any], rows: int) -> CheckResult:
        return threshold_result(
            ctx=ctx,
            spec=thresholds,
            id=f"{column}::{name}",
            name=name,
            engine=_ENGINE,
            column=column,
            failing=int(values["bad"] or 0),
            rows=rows,
            expected=expected,
            col_spec=spec,
        )

    if name == "unique":  # nulls count as a value, as in pandera
        return Plan(
            key=("column", column, name),
            aggs={},
            finish=finish,
            bad=bad,
            columns=(column,),
            costly={"bad": (bad.sum(), 0)},
            probe=col.n_unique() == pl.len(),
        )
    return Plan(
        key=("column", column, name),
        aggs={"bad": bad.sum()},
        finish=finish,
        bad=bad,
        columns=(column,),
    )


def pandera_plans(ctx: RunContext, schema: pl.Schema) -> list[Plan]:
    """Plans for every column check, nullability and uniqueness constraint that translates."""
    plans: list[Plan] = []
    for column, spec in ctx.suite.suite.columns.items():
        if column not in schema:
            continue  # the schema engine reports column_exists
        dtype = schema[column]
        if not spec.nullable:
            plans.append(_constraint_plan(ctx, column, spec, "not_nullable", dtype))
        if spec.unique:
            plans.append(_constraint_plan(ctx, column, spec, "unique", dtype))
        for i, check in enumerate(spec.checks):
            plan = _check_plan(ctx, column, spec, check, i, dtype)
            if plan is not None:
                plans.append(plan)
    return plans
