"""The suite's pandera-style column checks as Polars expressions, with pandera's semantics.

Each expression is the one pandera's polars backend builds
(``pandera/backends/polars/builtin_checks.py``): same operators, ``isin``/``notin`` over a
``frozenset``; patterns as ``gates.suite._regex`` defines them (``str_matches`` is
``^(?:pattern)``, ``$`` is the end of the string), spelled for the backend's regex engine; a null check output passes
(``ignore_na``). ``not_nullable`` also fails NaN in float columns and ``unique`` counts
every row whose value occurs more than once (nulls included), as pandera does.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

import polars as pl

from .._result import CheckResult
from ..suite._model import ColumnCheck, ColumnSpec
from ..suite._regex import anchored, backend_pattern
from ..suite._where import where_columns
from ._base import RunContext, describe_check, threshold_result
from ._items import column_check_id
from ._native_plan import Expr, Plan, count_true, is_float, is_number

__all__ = ["pandera_plans"]

_ENGINE = "native"


def _condition(check: str, kw: Mapping[str, Any], col: Expr, ns: Any = pl) -> Expr | None:
    """The row-level pass condition pandera evaluates, or None when not translated."""
    simple = {
        "equal_to": ("value", operator.eq),
        "not_equal_to": ("value", operator.ne),
        "greater_than": ("min_value", operator.gt),
        "greater_than_or_equal_to": ("min_value", operator.ge),
        "less_than": ("max_value", operator.lt),
        "less_than_or_equal_to": ("max_value", operator.le),
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
        lo = col >= kw["min_value"] if kw.get("include_min", True) else col > kw["min_value"]
        hi = col <= kw["max_value"] if kw.get("include_max", True) else col < kw["max_value"]
        return lo & hi
    if check in ("isin", "notin"):
        values = kw["allowed_values" if check == "isin" else "forbidden_values"]
        if isinstance(values, str | bytes) or not isinstance(
            values, list | tuple | set | frozenset
        ):
            return None
        try:
            members = frozenset(values)
        except TypeError:  # unhashable values: pandera refuses them too
            return None
        member = col.is_in(members if ns is pl else sorted(members, key=repr))
        return member if check == "isin" else ~member
    if check in ("str_matches", "str_contains"):
        pattern = kw["pattern"]
        if not isinstance(pattern, str):
            return None  # refused at load; a suite built in Python is left to pandera
        return col.str.contains(pattern=pattern, literal=False)
    if check == "str_startswith":
        return col.str.starts_with(kw["string"])
    if check == "str_endswith":
        return col.str.ends_with(kw["string"])
    if check == "str_length":
        n: Expr = col.str.len_chars()
        low, high = kw.get("min_value"), kw.get("max_value")
        if kw.get("exact_value") is not None:
            return n == kw["exact_value"] if low is None and high is None else None
        if low is None and high is None:
            return None  # pandera raises; its engine reports that
        if (
            low is not None
            and high is not None
            and (not is_number(low) or not is_number(high) or high < low)
        ):
            return None
        if low is None:
            return n <= high
        if high is None:
            return n >= low
        return n.is_between(low, high)
    return None


def _spelled(pattern: str, backend: str) -> str | None:
    """The pattern in the backend's regex dialect, or None (pandera then runs it on Polars)."""
    if backend == "spark":
        from ..backends._regex import RegexDialectError, java_regex

        try:
            return java_regex(pattern)
        except RegexDialectError:
            return None
    return backend_pattern(pattern, backend)


_STRING_CHECKS = {"str_matches", "str_contains", "str_startswith", "str_endswith", "str_length"}


def _check_plan(
    ctx: RunContext,
    column: str,
    spec: ColumnSpec,
    check: ColumnCheck,
    index: int,
    dtype: pl.DataType,
    ns: Any,
) -> Plan | None:
    if check.check in _STRING_CHECKS and not isinstance(dtype, pl.String):
        return None  # the pandera engine reports the dtype mismatch
    kwargs = check.kwargs
    if check.check in ("str_matches", "str_contains"):
        pattern = kwargs.get("pattern")
        if not isinstance(pattern, str):
            return None
        spelled = _spelled(anchored(check.check, pattern), ctx.dataset.backend)
        if spelled is None:
            return None  # no safe spelling in this backend's regex engine: pandera runs it
        kwargs = {**kwargs, "pattern": spelled}
    cond = _condition(check.check, kwargs, ns.col(column), ns)
    if cond is None:
        return None
    bad = ~cond.fill_null(True)
    keep = ctx.where(check, ns)  # where: the rows the check judges, a conditional count
    if keep is not None:
        bad = keep & bad
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
            rows=rows if keep is None else int(values["kept"] or 0),
            expected=expected,
            col_spec=spec,
            details={"kwargs": check.kwargs},
        )

    aggs = {"bad": count_true(bad, ns)}
    if keep is not None:
        aggs["kept"] = count_true(keep, ns)
    return Plan(
        key=("column", column, str(index)),
        aggs=aggs,
        finish=finish,
        bad=bad,
        columns=(column, *where_columns(check.where)),
    )


def _constraint_plan(
    ctx: RunContext, column: str, spec: ColumnSpec, name: str, dtype: pl.DataType, ns: Any
) -> Plan:
    col = ns.col(column)
    if name == "not_nullable":
        bad = col.is_null() | col.is_nan() if is_float(dtype) else col.is_null()
        expected = f"{column} has no nulls"
    else:
        bad = col.is_duplicated() if ns is pl else None
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

    if name == "unique" and ns is not pl:  # a group-by pass of the backend's own
        return Plan(key=("column", column, name), aggs={}, finish=finish, duplicates=(column,))
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
        aggs={"bad": count_true(bad, ns)},
        finish=finish,
        bad=bad,
        columns=(column,),
    )


def pandera_plans(ctx: RunContext, schema: pl.Schema, ns: Any = pl) -> list[Plan]:
    """Plans for every column check, nullability and uniqueness constraint that translates.

    ``ns`` is the expression namespace the plans are built in: ``polars`` or ``narwhals``.
    """
    plans: list[Plan] = []
    for column, spec in ctx.suite.suite.columns.items():
        if column not in schema:
            continue  # the schema engine reports column_exists
        dtype = schema[column]
        if not spec.nullable:
            plans.append(_constraint_plan(ctx, column, spec, "not_nullable", dtype, ns))
        if spec.unique:
            plans.append(_constraint_plan(ctx, column, spec, "unique", dtype, ns))
        for i, check in enumerate(spec.checks):
            if ("column", column, str(i)) in ctx.handled:
                continue  # already judged (an argument that does not fit the column's dtype)
            plan = _check_plan(ctx, column, spec, check, i, dtype, ns)
            if plan is not None:
                plans.append(plan)
    return plans
