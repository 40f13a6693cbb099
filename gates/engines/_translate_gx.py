"""Great Expectations expectations as Polars expressions, with GX 1.x semantics on pandas.

The GX engine runs on a pandas copy of the data, so "missing" means null, and NaN in a
float column. Map expectations drop missing values first and pass when
``(nonnull - unexpected) / nonnull >= mostly`` (vacuously when nothing is left);
``expect_column_values_to_(not_)be_null`` divide by every row instead. Aggregates are
compared to ``min_value``/``max_value`` with ``strict_min``/``strict_max``; a missing
aggregate (an empty column) fails with observed None. Results are built by the GX engine's
own ``gx_result`` from a GX-shaped result dict, so ids, messages and observed values match.
Anything with kwargs not listed here (``row_condition``, ``condition_parser``, ...), odd types or
an unsafe regex stays with GX.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping
from itertools import zip_longest
from types import SimpleNamespace
from typing import Any

import polars as pl

from .._result import CheckResult
from ..suite._model import ExpectationSpec
from ..suite._where import where_columns
from ._base import RunContext
from ._items import (
    expectation_columns,
    expectation_ids,
    gx_items,
    gx_result,
    missing_column_result,
)
from ._native_plan import Expr, Plan, count_true, gx_value, is_number, is_numeric, rust_regex

__all__ = ["NARWHALS_TRANSLATED", "WHERE_TRANSLATED", "gx_plans"]

_ENGINE = "native"
_ALWAYS = {"column", "result_format", "catch_exceptions", "meta"}
Outcome = tuple[bool, dict[str, Any]]


@dataclasses.dataclass
class _Item:
    ctx: RunContext
    spec: ExpectationSpec
    cid: str
    key: tuple[str, ...]
    schema: pl.Schema
    #: The expression namespace: polars, or narwhals for DuckDB and Spark.
    ns: Any = pl
    #: ``where:``: the rows the expectation sees (GX's view of a filtered frame), or None.
    keep: Expr | None = None

    @property
    def kw(self) -> dict[str, Any]:
        return self.spec.kwargs

    def result(self, success: bool, r: dict[str, Any], rows: int) -> CheckResult:
        res = SimpleNamespace(exception_info={}, result=r, success=success)
        out = gx_result(self.ctx, self.cid, self.spec, res, rows)
        return dataclasses.replace(out, engine=_ENGINE)

    def plan(
        self,
        aggs: dict[str, pl.Expr],
        judge: Callable[[Mapping[str, Any], int], Outcome],
        bad: Expr | None = None,
        columns: tuple[str, ...] = (),
    ) -> Plan:
        keep = self.keep
        if keep is not None:
            aggs = {**aggs, "__kept": count_true(keep, self.ns)}

        def finish(values: Mapping[str, Any], rows: int) -> CheckResult:
            if keep is not None:
                rows = int(values["__kept"] or 0)
            success, r = judge(values, rows)
            return self.result(success, r, rows)

        return Plan(
            key=self.key,
            aggs=aggs,
            finish=finish,
            bad=bad,
            columns=(
                *(columns or tuple(expectation_columns(self.spec) or ())),
                *where_columns(self.spec.where),
            ),
        )


def _only(item: _Item, *allowed: str) -> bool:
    return all(k in _ALWAYS or k in allowed for k in item.kw)


def _mostly(item: _Item) -> float | None:
    m = item.kw.get("mostly", 1)
    return float(m) if is_number(m) and 0 <= m <= 1 else None


def _bool(value: Any, default: bool = False) -> bool | None:
    if value is None:
        return default
    return value if isinstance(value, bool) else None


# --- column map expectations ---------------------------------------------------------------
def _map(item: _Item, cond: Expr, value: Expr, *, over_rows: bool = False) -> Plan | None:
    """Rows failing ``cond`` among non-missing ``value`` rows (every row when ``over_rows``)."""
    mostly = _mostly(item)
    if mostly is None:
        return None
    considered = item.ns.lit(True) if over_rows else ~value.is_null()
    present = ~value.is_null()
    if item.keep is not None:
        considered, present = considered & item.keep, present & item.keep
    bad = (considered & ~cond).fill_null(False)

    def judge(v: Mapping[str, Any], rows: int) -> Outcome:
        unexpected = int(v["bad"] or 0)
        base = rows if over_rows else int(v["nonnull"] or 0)
        success = True if rows == 0 or base == 0 else (base - unexpected) / base >= mostly
        return success, _map_output(rows, None if over_rows else base, unexpected)

    ns = item.ns
    aggs = {"bad": count_true(bad, ns), "nonnull": count_true(present, ns)}
    return item.plan(aggs, judge, bad)


def _map_output(rows: int, nonnull: int | None, unexpected: int) -> dict[str, Any]:
    """The counts of GX's ``_format_map_output`` (``unexpected_percent`` is among non-missing rows)."""
    percent: float | None = None
    if rows > 0:
        if nonnull is None:
            percent = unexpected / rows * 100
        elif nonnull > 0:
            percent = unexpected / nonnull * 100
    return {"element_count": rows, "unexpected_count": unexpected, "unexpected_percent": percent}


def _bounds(item: _Item, numeric: bool = True) -> tuple[Any, Any, bool, bool] | None:
    lo, hi = item.kw.get("min_value"), item.kw.get("max_value")
    smin, smax = _bool(item.kw.get("strict_min")), _bool(item.kw.get("strict_max"))
    if smin is None or smax is None:
        return None
    if numeric and not all(b is None or is_number(b) for b in (lo, hi)):
        return None
    return lo, hi, smin, smax


def _between(expr: Expr, lo: Any, hi: Any, smin: bool, smax: bool) -> Expr:
    conds = []
    if lo is not None:
        conds.append(expr > lo if smin else expr >= lo)
    if hi is not None:
        conds.append(expr < hi if smax else expr <= hi)
    return conds[0] & conds[1] if len(conds) > 1 else conds[0]


def _null_map(item: _Item, dtype: pl.DataType, want_null: bool) -> Plan | None:
    if not _only(item, "mostly"):
        return None
    v = gx_value(item.spec.column or "", dtype, item.ns)
    return _map(item, v.is_null() if want_null else ~v.is_null(), v, over_rows=True)


def _values_between(item: _Item, dtype: pl.DataType) -> Plan | None:
    b = _bounds(item)
    if not _only(item, "mostly", "min_value", "max_value", "strict_min", "strict_max") or b is None:
        return None
    lo, hi, smin, smax = b
    if (
        not is_numeric(dtype)
        or (lo is None and hi is None)
        or (lo is not None and hi is not None and lo > hi)
    ):
        return None  # GX raises for these; its engine reports it
    v = gx_value(item.spec.column or "", dtype, item.ns)
    return _map(item, _between(v, lo, hi, smin, smax), v)


def _set_values(dtype: pl.DataType, values: Any) -> pl.Series | None:
    """``values`` as a Series of the column's type, when pandas ``isin`` would compare them alike."""
    if not isinstance(values, list | tuple | set) or not values:
        return None
    values = list(values)
    if isinstance(dtype, pl.String) and all(isinstance(x, str) for x in values):
        return pl.Series(values, dtype=pl.String)
    if is_numeric(dtype) and all(
        is_number(x) and not (isinstance(x, float) and math.isnan(x)) for x in values
    ):
        if all(isinstance(x, int) for x in values):
            return pl.Series(values, dtype=pl.Int64)
        return pl.Series([float(x) for x in values], dtype=pl.Float64)
    return None


def _in_set(item: _Item, dtype: pl.DataType, negate: bool) -> Plan | None:
    if not _only(item, "mostly", "value_set"):
        return None
    values = _set_values(dtype, item.kw.get("value_set"))
    if values is None:
        return None
    v = gx_value(item.spec.column or "", dtype, item.ns)
    if is_numeric(dtype):  # pandas compares numbers by value: 1 == 1.0
        v, values = v.cast(item.ns.Float64), values.cast(pl.Float64)
    cond = v.is_in(values.implode() if item.ns is pl else values.to_list())
    return _map(item, ~cond if negate else cond, v)


def _unique(item: _Item, dtype: pl.DataType) -> Plan | None:
    if not _only(item, "mostly") or not (is_numeric(dtype) or isinstance(dtype, pl.String)):
        return None
    v = gx_value(item.spec.column or "", dtype, item.ns)
    if item.ns is not pl:  # the backend counts duplicated non-missing values in a group-by
        plan = _map(item, item.ns.lit(True), v)
        if plan is not None:
            del plan.aggs["bad"]
            plan.bad, plan.duplicates, plan.dup_skip_nulls = None, (item.spec.column or "",), True
        return plan
    plan = _map(item, ~v.is_duplicated(), v)
    if plan is not None:
        _make_costly(plan, v.drop_nulls().n_unique() == v.count())
    return plan


def _make_costly(plan: Plan, probe: Expr) -> None:
    """Count duplicated rows only when the cheap distinct-count ``probe`` finds some."""
    plan.costly = {"bad": (plan.aggs.pop("bad"), 0)}
    plan.probe = probe


def _regex(item: _Item, dtype: pl.DataType, negate: bool) -> Plan | None:
    pattern = rust_regex(item.kw.get("regex"))
    if not _only(item, "mostly", "regex") or pattern is None or not isinstance(dtype, pl.String):
        return None
    v = item.ns.col(item.spec.column or "")
    cond = v.str.contains(pattern)
    return _map(item, ~cond if negate else cond, v)


def _lengths_between(item: _Item, dtype: pl.DataType) -> Plan | None:
    b = _bounds(item)
    if not _only(item, "mostly", "min_value", "max_value", "strict_min", "strict_max") or b is None:
        return None
    lo, hi, smin, smax = b
    if (
        not isinstance(dtype, pl.String)
        or (lo is None and hi is None)
        or not all(b is None or isinstance(b, int) for b in (lo, hi))
    ):
        return None
    v = item.ns.col(item.spec.column or "")
    return _map(item, _between(v.str.len_chars(), lo, hi, smin, smax), v)


def _lengths_equal(item: _Item, dtype: pl.DataType) -> Plan | None:
    value = item.kw.get("value")
    if (
        not _only(item, "mostly", "value")
        or not isinstance(dtype, pl.String)
        or not is_number(value)
    ):
        return None
    v = item.ns.col(item.spec.column or "")
    return _map(item, v.str.len_chars() == value, v)


# --- aggregates ----------------------------------------------------------------------------
def _judge_between(item: _Item, observed: Any) -> Outcome:
    """GX's ``_validate_metric_value_between`` for numbers."""
    lo, hi = item.kw.get("min_value"), item.kw.get("max_value")
    smin, smax = bool(item.kw.get("strict_min")), bool(item.kw.get("strict_max"))
    if observed is None or (isinstance(observed, float) and math.isnan(observed)):
        return False, {"observed_value": None}
    above = True if lo is None else (observed > lo if smin else observed >= lo)
    below = True if hi is None else (observed < hi if smax else observed <= hi)
    return bool(above and below), {"observed_value": observed}


def _aggregate(item: _Item, dtype: pl.DataType, stat: str) -> Plan | None:
    if (
        not _only(item, "min_value", "max_value", "strict_min", "strict_max")
        or _bounds(item) is None
    ):
        return None
    if not is_numeric(dtype):
        return None
    v = gx_value(item.spec.column or "", dtype, item.ns)
    exprs = {
        "mean": v.mean(),
        "median": v.median(),
        "min": v.min(),
        "max": v.max(),
        "sum": v.sum(),
        "stdev": v.std(ddof=1),
    }

    def judge(vals: Mapping[str, Any], rows: int) -> Outcome:
        value = vals["value"]
        if isinstance(value, int) and vals["nulls"]:
            value = float(value)  # pandas holds an integer column with nulls as float64
        return _judge_between(item, value)

    return item.plan({"value": exprs[stat], "nulls": v.null_count()}, judge)


def _aggregate_of(stat: str, item: _Item, dtype: pl.DataType) -> Plan | None:
    return _aggregate(item, dtype, stat)


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
    if not all(is_number(q) and 0 <= q <= 1 for q in qs):
        return None
    if not all(
        isinstance(r, list | tuple) and len(r) == 2 and all(b is None or is_number(b) for b in r)
        for r in ranges
    ):
        return None
    v = gx_value(item.spec.column or "", dtype)
    n = v.count()
    ordered = v.drop_nulls().sort()
    aggs = {}
    for i, q in enumerate(qs):
        # pandas passes q * 100 to np.percentile, which divides by 100 again
        position = (n - 1).cast(pl.Float64) * (float(q) * 100.0 / 100.0)
        if method in (False, None, "nearest"):
            idx = position.round(0, mode="half_to_even")
        else:
            idx = position.floor() if method == "lower" else position.ceil()
        aggs[f"q{i}"] = ordered.get(idx.cast(pl.Int64), null_on_oob=True)

    def judge(vals: Mapping[str, Any], rows: int) -> Outcome:
        got = [vals[f"q{i}"] for i in range(len(qs))]
        if any(g is None for g in got):
            got = [math.nan if g is None else g for g in got]
        ok = all(_quantile_in_range(g, r) for g, r in zip(got, ranges, strict=True))
        return ok, {"observed_value": {"quantiles": qs, "values": got}}

    return item.plan(aggs, judge)


def _isclose(a: float, b: float, rtol: float = 1e-4, atol: float = 1e-8) -> bool:
    if math.isinf(b) or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def _quantile_in_range(value: Any, range_: Any) -> bool:
    lo = -math.inf if range_[0] is None else range_[0]
    hi = math.inf if range_[1] is None else range_[1]
    if value is None or math.isnan(value):
        return False
    return _isclose(value, lo) or _isclose(value, hi) or lo <= value <= hi


def _unique_proportion(item: _Item, dtype: pl.DataType) -> Plan | None:
    b = _bounds(item)
    if not _only(item, "min_value", "max_value", "strict_min", "strict_max") or b is None:
        return None
    if not (is_numeric(dtype) or isinstance(dtype, pl.String)):
        return None
    v = gx_value(item.spec.column or "", dtype, item.ns)

    def judge(vals: Mapping[str, Any], rows: int) -> Outcome:
        nulls = int(vals["nulls"] or 0)
        distinct = int(vals["distinct"] or 0) - (1 if nulls else 0)  # n_unique counts null
        proportion = distinct / (rows - nulls) if rows > 0 and rows != nulls else 0
        return _judge_between(item, proportion)

    return item.plan({"nulls": count_true(v.is_null(), item.ns), "distinct": v.n_unique()}, judge)


def _distinct(item: _Item, dtype: pl.DataType, kind: str) -> Plan | None:
    value_set = item.kw.get("value_set")
    if not _only(item, "value_set") or value_set is None or _set_values(dtype, value_set) is None:
        return None
    expected = set(value_set)
    v = gx_value(item.spec.column or "", dtype)

    def judge(vals: Mapping[str, Any], rows: int) -> Outcome:
        seen = set(vals["distinct"] or [])
        unexpected, missing = len(seen - expected), len(expected - seen)
        if kind == "in_set":
            return unexpected == 0, {"observed_value": None, "unexpected_count": unexpected}
        if kind == "contain_set":
            return missing == 0, {"observed_value": None, "missing_count": missing}
        return unexpected == 0 and missing == 0, {
            "observed_value": None,
            "unexpected_count": unexpected,
            "missing_count": missing,
        }

    return item.plan({"distinct": v.drop_nulls().unique().implode()}, judge)


# --- several columns -------------------------------------------------------------------------
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
    a, b = gx_value(a_name, item.schema[a_name]), gx_value(b_name, item.schema[b_name])
    if ignore == "both_values_are_missing":
        keep = a.is_not_null() | b.is_not_null()
    elif ignore == "either_value_is_missing":
        keep = a.is_not_null() & b.is_not_null()
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
    values = [gx_value(c, item.schema[c]).alias(c) for c in cols]
    present = [v.is_not_null() for v in values]
    if ignore == "all_values_are_missing":
        keep = pl.any_horizontal(present)
    elif ignore == "any_value_is_missing":
        keep = pl.all_horizontal(present)
    else:
        keep = None
    struct = pl.struct(values)
    # dropped rows become null structs: they never equal a kept row, so only kept rows count
    dup = (struct if keep is None else pl.when(keep).then(struct)).is_duplicated()
    plan = _kept_map(item, keep, dup.not_(), tuple(cols))
    if plan is not None:
        kept = struct if keep is None else struct.filter(keep)
        _make_costly(plan, kept.n_unique() == kept.len())
    return plan


def _kept_map(
    item: _Item, keep: pl.Expr | None, cond: pl.Expr, columns: tuple[str, ...]
) -> Plan | None:
    """Multi-column map expectation: rows failing ``cond`` among the rows ``keep`` leaves (None: all)."""
    mostly = _mostly(item)
    if mostly is None:
        return None
    bad = cond.not_() if keep is None else keep & cond.not_()

    def judge(v: Mapping[str, Any], rows: int) -> Outcome:
        unexpected, kept = int(v["bad"] or 0), int(v["kept"] or 0)
        success = True if rows == 0 or kept == 0 else (kept - unexpected) / kept >= mostly
        return success, _map_output(rows, kept, unexpected)

    return item.plan(
        {"bad": bad.sum(), "kept": pl.len() if keep is None else keep.sum()}, judge, bad, columns
    )


# --- table ---------------------------------------------------------------------------------
def _row_count(item: _Item, equal: bool) -> Plan | None:
    if equal:
        value = item.kw.get("value")
        if not _only(item, "value") or not is_number(value):
            return None
        return item.plan({}, lambda vals, rows: (rows == value, {"observed_value": rows}))
    b = _bounds(item)
    if (
        not _only(item, "min_value", "max_value", "strict_min", "strict_max")
        or b is None
        or b[:2] == (None, None)
    ):
        return None
    return item.plan({}, lambda vals, rows: _judge_between(item, rows))


def _table_columns(item: _Item, ordered: bool) -> Plan | None:
    actual = list(item.ctx.dataset.columns)
    if ordered:
        expected = item.kw.get("column_list")
        if not _only(item, "column_list") or not isinstance(expected, list | tuple):
            return None
        ok = list(actual) == list(expected)
        r: dict[str, Any] = {"observed_value": actual}
        if not ok:
            r["details"] = {
                "mismatched": [
                    {"Expected Column Position": i, "Expected": k, "Found": f}
                    for i, k, f in zip_longest(
                        range(max(len(expected), len(actual))), expected, actual
                    )
                    if k != f
                ]
            }
        return item.plan({}, lambda vals, rows: (ok, r))
    column_set = item.kw.get("column_set")
    exact = item.kw.get("exact_match", True)
    if (
        not _only(item, "column_set", "exact_match")
        or not isinstance(column_set, list | tuple | set)
        or not isinstance(exact, bool)
    ):
        return None
    have, want = set(actual), set(column_set)
    extra, missing = sorted(map(str, have - want)), sorted(map(str, want - have))
    ok = not missing and (not extra or not exact)
    return item.plan({}, lambda vals, rows: (ok, {"observed_value": sorted(map(str, have))}))


def _column_exists(item: _Item) -> Plan | None:
    if not _only(item):
        return None  # column_index: GX sees only the selected columns; leave it to GX
    return item.plan({}, lambda vals, rows: (True, {}))


# --- dispatch ------------------------------------------------------------------------------
def _column(fn: Callable[[_Item, pl.DataType], Plan | None]) -> Callable[[_Item], Plan | None]:
    return lambda item: fn(item, item.schema[item.spec.column or ""])


_TRANSLATORS: dict[str, Callable[[_Item], Plan | None]] = {
    "expect_column_values_to_not_be_null": _column(lambda i, d: _null_map(i, d, want_null=False)),
    "expect_column_values_to_be_null": _column(lambda i, d: _null_map(i, d, want_null=True)),
    "expect_column_values_to_be_between": _column(_values_between),
    "expect_column_values_to_be_in_set": _column(lambda i, d: _in_set(i, d, negate=False)),
    "expect_column_values_to_not_be_in_set": _column(lambda i, d: _in_set(i, d, negate=True)),
    "expect_column_values_to_be_unique": _column(_unique),
    "expect_column_values_to_match_regex": _column(lambda i, d: _regex(i, d, negate=False)),
    "expect_column_values_to_not_match_regex": _column(lambda i, d: _regex(i, d, negate=True)),
    "expect_column_value_lengths_to_be_between": _column(_lengths_between),
    "expect_column_value_lengths_to_equal": _column(_lengths_equal),
    **{
        f"expect_column_{stat}_to_be_between": _column(functools.partial(_aggregate_of, stat))
        for stat in ("mean", "median", "min", "max", "sum")
    },
    "expect_column_stdev_to_be_between": _column(lambda i, d: _aggregate(i, d, "stdev")),
    "expect_column_quantile_values_to_be_between": _column(_quantiles),
    "expect_column_proportion_of_unique_values_to_be_between": _column(_unique_proportion),
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
    "expect_column_to_exist": _column_exists,
    "expect_table_row_count_to_be_between": lambda i: _row_count(i, equal=False),
    "expect_table_row_count_to_equal": lambda i: _row_count(i, equal=True),
    "expect_table_columns_to_match_ordered_list": lambda i: _table_columns(i, ordered=True),
    "expect_table_columns_to_match_set": lambda i: _table_columns(i, ordered=False),
}

#: The expectation types the native engine translates (others always run in GX).
TRANSLATED = frozenset(_TRANSLATORS)

#: What translates with a ``where:`` (a conditional count); the rest runs in GX on the kept rows.
WHERE_TRANSLATED = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
    }
)


def _constant(result: CheckResult) -> Callable[[Mapping[str, Any], int], CheckResult]:
    return lambda values, rows: result


#: What translates to narwhals expressions (DuckDB, Spark); the rest needs Polars-only operations.
NARWHALS_TRANSLATED = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_mean_to_be_between",
        "expect_column_min_to_be_between",
        "expect_column_max_to_be_between",
        "expect_column_sum_to_be_between",
        "expect_column_stdev_to_be_between",
        "expect_column_proportion_of_unique_values_to_be_between",
        "expect_column_to_exist",
        "expect_table_row_count_to_be_between",
        "expect_table_row_count_to_equal",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_columns_to_match_set",
    }
)


def gx_plans(ctx: RunContext, schema: pl.Schema, ns: Any = pl) -> list[Plan]:
    """Plans for every expectation (own and included) that translates (``ns``: polars or narwhals)."""
    items = gx_items(ctx)
    ids = expectation_ids([s for _, s, _ in items])
    plans: list[Plan] = []
    for (key, spec, _), cid in zip(items, ids, strict=True):
        translate = _TRANSLATORS.get(spec.type)
        if translate is None or (ns is not pl and spec.type not in NARWHALS_TRANSLATED):
            continue
        if spec.where is not None and spec.type not in WHERE_TRANSLATED:
            continue
        item = _Item(ctx=ctx, spec=spec, cid=cid, key=key, schema=schema, ns=ns)
        if spec.where is not None and all(c in schema for c in expectation_columns(spec) or []):
            item.keep = ctx.where(spec, ns)
        missing = [c for c in expectation_columns(spec) or [] if c not in schema]
        if missing:  # the result GX's engine gives before it runs GX, without importing GX
            plans.append(
                Plan(
                    key=key,
                    aggs={},
                    finish=_constant(
                        missing_column_result(
                            item.ctx, item.cid, item.spec, missing[0], engine=_ENGINE
                        )
                    ),
                )
            )
            continue
        try:
            plan = translate(item)
        except (TypeError, ValueError, KeyError, AttributeError):
            plan = None  # AttributeError: an operation narwhals lacks; the reference runs it
        if plan is not None:
            plans.append(plan)
    return plans
