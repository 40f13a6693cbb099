"""GX expectations whose shared (narwhals) plan is Polars-only, planned for Spark here.

``gates.engines._translate_gx`` builds these with Polars-only operations (a sorted column's
``get``, ``unique().implode()``, ``is_duplicated`` on a struct), so on DuckDB they run in GX
on the Polars view and on Spark they were "not translated". Here they get Spark plans with
the same judges (the translator's own helpers), so the results are Polars' to the value:

- ``expect_column_median_to_be_between``: Spark's ``median`` is the exact ``percentile(0.5)``
  with linear interpolation, pandas' median (never ``percentile_approx``).
- ``expect_column_quantile_values_to_be_between``: GX's methods pick one element of the
  sorted column (``nearest``, ``lower``, ``higher`` at ``(n - 1) * q``), which Spark's
  ``percentile`` (linear only) does not. The fused pass counts the values; a second
  aggregate takes ``percentile_disc((k + 0.5) / n)``, which is exactly the ``k``-th value.
- ``expect_column_distinct_values_to_be_in_set`` / ``_contain_set`` / ``_equal_set``: which
  expected values occur is one ``bool_or`` each in the fused pass; the values outside the
  set are counted there too, and only when some exist does a second pass count how many
  distinct ones they are (a ``count(DISTINCT)`` in the fused pass would regroup all of it).
- ``expect_column_pair_values_a_to_be_greater_than_b`` / ``_to_be_equal``: a row predicate
  and two counts, as any map expectation.
- ``expect_compound_columns_to_be_unique``: the duplicated rows of the column list, by the
  backend's group-by pass (NaN grouped with null, as GX's pandas does).

A plan that needs a pass after the fused one is a :class:`SparkPlan` with ``after``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

import narwhals as nw
import polars as pl

from ..engines._base import RunContext
from ..engines._items import expectation_columns, expectation_ids, gx_items, missing_column_result
from ..engines._native_plan import Plan, count_true, gx_value, is_float, is_numeric
from ..engines._translate_gx import (
    NARWHALS_TRANSLATED,
    _aggregate,
    _bool,
    _Item,
    _map_output,
    _mostly,
    _only,
    _quantile_in_range,
    _set_values,
)

__all__ = ["SPARK_TRANSLATED", "SparkPlan", "spark_plans"]

#: ``after(df, values, rows)``: values a plan needs from one more pass over the native frame.
After = Callable[[Any, Mapping[str, Any], int], dict[str, Any]]


@dataclasses.dataclass
class SparkPlan(Plan):
    """A plan with a pass of its own after the fused one (run by the Spark backend)."""

    #: Called with the native DataFrame, this plan's fused values and the row count.
    after: After | None = None
    #: For a multi-column duplicates count: which rows take part (None: all).
    dup_keep: Any = None
    #: The key columns as the group-by sees them (NaN as null), aliased to their names.
    dup_values: tuple[Any, ...] = ()


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _median(item: _Item, dtype: pl.DataType) -> Plan | None:
    return _aggregate(item, dtype, "median")


def _quantiles(item: _Item, dtype: pl.DataType) -> Plan | None:
    qr = item.kw.get("quantile_ranges")
    method = item.kw.get("allow_relative_error", False)
    if not _only(item, "quantile_ranges", "allow_relative_error") or not is_numeric(dtype):
        return None
    if method not in (False, None, "nearest", "lower", "higher") or not isinstance(qr, Mapping):
        return None
    qs, ranges = qr.get("quantiles"), qr.get("value_ranges")
    if not isinstance(qs, list) or not isinstance(ranges, list) or len(qs) != len(ranges) or not qs:
        return None
    if not all(isinstance(q, int | float) and not isinstance(q, bool) and 0 <= q <= 1 for q in qs):
        return None
    if not all(
        isinstance(r, list | tuple)
        and len(r) == 2
        and all(b is None or (isinstance(b, int | float) and not isinstance(b, bool)) for b in r)
        for r in ranges
    ):
        return None
    column = item.spec.column or ""
    v = gx_value(column, dtype, nw)

    def after(df: Any, values: Mapping[str, Any], rows: int) -> dict[str, Any]:
        n = int(values["n"] or 0)
        if n == 0:
            return {f"q{i}": None for i in range(len(qs))}
        from pyspark.sql import functions as F

        picks = []
        for q in qs:
            # the index the Polars plan takes: pandas passes q * 100, np.percentile divides
            position = float(n - 1) * (float(q) * 100.0 / 100.0)
            if method in (False, None, "nearest"):
                k = round(position)  # half to even, as Polars' round(mode="half_to_even")
            else:
                k = math.floor(position) if method == "lower" else math.ceil(position)
            picks.append(min(max(k, 0), n - 1))
        col = _quoted(column)
        value = f"CASE WHEN isnan({col}) THEN NULL ELSE {col} END" if is_float(dtype) else col
        exprs = [  # (k + 0.5) / n falls inside the k-th value's share: exactly that value
            F.expr(f"percentile_disc({(k + 0.5) / n!r}) WITHIN GROUP (ORDER BY {value})")
            for k in picks
        ]
        row = df.agg(*exprs).first()
        integral = not is_float(dtype)
        return {
            f"q{i}": (None if row[i] is None else int(row[i]) if integral else float(row[i]))
            for i in range(len(qs))
        }

    def judge(vals: Mapping[str, Any], rows: int) -> tuple[bool, dict[str, Any]]:
        got = [vals[f"q{i}"] for i in range(len(qs))]
        if any(g is None for g in got):
            got = [math.nan if g is None else g for g in got]
        ok = all(_quantile_in_range(g, r) for g, r in zip(got, ranges, strict=True))
        return ok, {"observed_value": {"quantiles": qs, "values": got}}

    plan = item.plan({"n": count_true(~v.is_null(), nw)}, judge)
    return SparkPlan(**_fields(plan), after=after)


def _fields(plan: Plan) -> dict[str, Any]:
    return {f.name: getattr(plan, f.name) for f in dataclasses.fields(Plan)}


def _distinct(item: _Item, dtype: pl.DataType, kind: str) -> Plan | None:
    value_set = item.kw.get("value_set")
    if not _only(item, "value_set") or value_set is None:
        return None
    values = _set_values(dtype, value_set)
    if values is None:
        return None
    expected = list(dict.fromkeys(value_set))  # Python equality: 1 == 1.0, as the Polars judge
    column = item.spec.column or ""
    v = gx_value(column, dtype, nw)
    if is_numeric(dtype):
        v, values = v.cast(nw.Float64), values.cast(pl.Float64)
    outside = ~v.is_null() & ~v.is_in(values.to_list())
    aggs: dict[str, Any] = {f"has{j}": count_true(v == x, nw) for j, x in enumerate(expected)}
    aggs["outside"] = count_true(outside.fill_null(False), nw)

    def after(df: Any, vals: Mapping[str, Any], rows: int) -> dict[str, Any]:
        if not vals["outside"]:
            return {"unexpected": 0}
        frame: nw.LazyFrame[Any] = nw.from_native(df).lazy()
        got = frame.filter(outside.fill_null(False)).select(v.n_unique().alias("n"))
        return {"unexpected": int(got.collect(backend="polars").item())}

    def judge(vals: Mapping[str, Any], rows: int) -> tuple[bool, dict[str, Any]]:
        seen = {x for j, x in enumerate(expected) if vals[f"has{j}"]}
        unexpected, missing = int(vals["unexpected"]), len({*expected} - seen)
        if kind == "in_set":
            return unexpected == 0, {"observed_value": None, "unexpected_count": unexpected}
        if kind == "contain_set":
            return missing == 0, {"observed_value": None, "missing_count": missing}
        return unexpected == 0 and missing == 0, {
            "observed_value": None,
            "unexpected_count": unexpected,
            "missing_count": missing,
        }

    plan = item.plan(aggs, judge)
    return SparkPlan(**_fields(plan), after=after)


def _kept_map(
    item: _Item, keep: Any, cond: Any, columns: tuple[str, ...], *, bad_agg: bool = True
) -> Plan | None:
    """Rows failing ``cond`` among the rows ``keep`` leaves (None: all), as ``_translate_gx``."""
    mostly = _mostly(item)
    if mostly is None:
        return None
    bad = ~cond if keep is None else keep & ~cond

    def judge(v: Mapping[str, Any], rows: int) -> tuple[bool, dict[str, Any]]:
        unexpected, kept = int(v["bad"] or 0), int(v["kept"] or 0)
        success = True if rows == 0 or kept == 0 else (kept - unexpected) / kept >= mostly
        return success, _map_output(rows, kept, unexpected)

    aggs: dict[str, Any] = {"kept": nw.len() if keep is None else count_true(keep, nw)}
    if bad_agg:
        aggs["bad"] = count_true(bad, nw)
    return item.plan(aggs, judge, bad if bad_agg else None, columns)


def _pair(item: _Item, greater: bool) -> Plan | None:
    allowed = ("mostly", "column_A", "column_B", "ignore_row_if") + (
        ("or_equal",) if greater else ()
    )
    a_name, b_name = item.kw.get("column_A"), item.kw.get("column_B")
    ignore = item.kw.get("ignore_row_if", "both_values_are_missing")
    or_equal = _bool(item.kw.get("or_equal"))
    if (
        not _only(item, *allowed)
        or not isinstance(a_name, str)
        or not isinstance(b_name, str)
        or or_equal is None
    ):
        return None
    if ignore not in ("both_values_are_missing", "either_value_is_missing", "neither"):
        return None
    if not (is_numeric(item.schema[a_name]) and is_numeric(item.schema[b_name])):
        return None
    a = gx_value(a_name, item.schema[a_name], nw)
    b = gx_value(b_name, item.schema[b_name], nw)
    if ignore == "both_values_are_missing":
        keep = ~a.is_null() | ~b.is_null()
    elif ignore == "either_value_is_missing":
        keep = ~a.is_null() & ~b.is_null()
    else:
        keep = None
    cond = ((a >= b) if or_equal else (a > b)) if greater else (a == b)
    return _kept_map(item, keep, cond.fill_null(False), (a_name, b_name))


def _compound_unique(item: _Item) -> Plan | None:
    cols = item.kw.get("column_list")
    ignore = item.kw.get("ignore_row_if", "all_values_are_missing")
    if (
        not _only(item, "mostly", "column_list", "ignore_row_if")
        or not isinstance(cols, list | tuple)
        or len(cols) < 2
    ):
        return None
    if ignore not in ("all_values_are_missing", "any_value_is_missing", "never"):
        return None
    if not all(
        isinstance(c, str)
        and (is_numeric(item.schema[c]) or isinstance(item.schema[c], pl.String | pl.Boolean))
        for c in cols
    ):
        return None
    values = tuple(gx_value(c, item.schema[c], nw).alias(c) for c in cols)
    present = [~gx_value(c, item.schema[c], nw).is_null() for c in cols]
    if ignore == "all_values_are_missing":
        keep = functools.reduce(operator.or_, present)
    elif ignore == "any_value_is_missing":
        keep = functools.reduce(operator.and_, present)
    else:
        keep = None
    plan = _kept_map(item, keep, nw.lit(True), tuple(cols), bad_agg=False)
    if plan is None:
        return None
    fields = {**_fields(plan), "duplicates": tuple(cols)}
    return SparkPlan(**fields, dup_keep=keep, dup_values=values)


def _column(
    fn: Callable[[_Item, pl.DataType], Plan | None],
) -> Callable[[_Item], Plan | None]:
    return lambda item: fn(item, item.schema[item.spec.column or ""])


_TRANSLATORS: dict[str, Callable[[_Item], Plan | None]] = {
    "expect_column_median_to_be_between": _column(_median),
    "expect_column_quantile_values_to_be_between": _column(_quantiles),
    "expect_column_distinct_values_to_be_in_set": _column(lambda i, d: _distinct(i, d, "in_set")),
    "expect_column_distinct_values_to_contain_set": _column(
        lambda i, d: _distinct(i, d, "contain_set")
    ),
    "expect_column_distinct_values_to_equal_set": _column(
        lambda i, d: _distinct(i, d, "equal_set")
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": lambda i: _pair(i, greater=True),
    "expect_column_pair_values_to_be_equal": lambda i: _pair(i, greater=False),
    "expect_compound_columns_to_be_unique": _compound_unique,
}

#: The expectation types planned here (the shared translator plans the others on Spark).
SPARK_TRANSLATED = frozenset(_TRANSLATORS) - NARWHALS_TRANSLATED


def _constant(result: Any) -> Callable[[Mapping[str, Any], int], Any]:
    return lambda values, rows: result


def spark_plans(ctx: RunContext, schema: pl.Schema, planned: set[tuple[str, ...]]) -> list[Plan]:
    """Plans for the run's expectations of :data:`SPARK_TRANSLATED` not in ``planned``."""
    items = gx_items(ctx)
    ids = expectation_ids([s for _, s, _ in items])
    plans: list[Plan] = []
    for (key, spec, _), cid in zip(items, ids, strict=True):
        if spec.type not in SPARK_TRANSLATED or key in planned or key in ctx.handled:
            continue
        item = _Item(ctx=ctx, spec=spec, cid=cid, key=key, schema=schema, ns=nw)
        missing = [c for c in expectation_columns(spec) or [] if c not in schema]
        if missing:  # the result the GX engine gives, as the shared translator does
            result = missing_column_result(ctx, cid, spec, missing[0], engine="native")
            plans.append(Plan(key=key, aggs={}, finish=_constant(result)))
            continue
        try:
            plan = _TRANSLATORS[spec.type](item)
        except (TypeError, ValueError, KeyError, AttributeError):
            plan = None  # an operation narwhals lacks: "not translated", as before
        if plan is not None:
            plans.append(plan)
    return plans
