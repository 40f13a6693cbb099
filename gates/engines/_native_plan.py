"""A translated check: the aggregates it needs from the one fused pass, and how to judge them.

Translators (``_translate_pandera``, ``_translate_gx``, ``_translate_table``) turn a suite
item into a :class:`Plan`; the native engine puts every plan's aggregates into one
``select`` and calls each plan's ``finish`` with the values it asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .._result import CheckResult

__all__ = [
    "Expr",
    "Plan",
    "compiling_plans",
    "count_true",
    "gx_value",
    "is_float",
    "is_number",
    "is_numeric",
    "plan_compiles",
    "rust_regex",
]

#: A ``polars.Expr`` or a ``narwhals.Expr`` (the two mirror each other; the plan is built in one).
Expr = Any

#: ``finish(values, rows)``: the plan's aggregate values by the names it gave them, and the row count.
Finish = Callable[[Mapping[str, Any], int], CheckResult]


@dataclass
class Plan:
    """One check compiled to expressions: Polars ones, or narwhals ones that DuckDB and Spark lower."""

    #: The ``ctx.handled`` key, so the reference engine skips the check.
    key: tuple[str, ...]
    #: Named aggregate expressions (each reduces to one value) evaluated in the fused pass.
    aggs: dict[str, Expr]
    finish: Finish
    #: Row-level "this row fails" predicate, for fetching failing-row samples.
    bad: Expr | None = None
    #: Columns the expressions read (for the compile check on an empty frame).
    columns: tuple[str, ...] = field(default_factory=tuple)
    #: Costly aggregates skipped when the cheap ``probe`` says they are known: ``{name: (expr,
    #: value if the probe is true)}``. Uniqueness probes ``n_unique() == count``; only when
    #: there are duplicates does a second pass count the rows involved (``is_duplicated``).
    costly: dict[str, tuple[Expr, Any]] = field(default_factory=dict)
    probe: Expr | None = None
    #: For backends without window functions in aggregates (DuckDB, Spark): the key columns
    #: whose duplicated rows ``bad`` counts, in a group-by pass of its own (nulls skipped when
    #: ``dup_skip_nulls``). Empty on Polars, where ``costly``/``probe`` do it in the fused pass.
    duplicates: tuple[str, ...] = ()
    dup_skip_nulls: bool = False


_INTS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def is_float(dtype: pl.DataType) -> bool:
    """Float32/Float64."""
    return isinstance(dtype, pl.Float32 | pl.Float64)


def is_numeric(dtype: pl.DataType) -> bool:
    """Integers and floats (not booleans, decimals or temporals)."""
    return is_float(dtype) or isinstance(dtype, _INTS)


def is_number(value: Any) -> bool:
    """An int or float literal, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def gx_value(column: str, dtype: pl.DataType, ns: Any = pl) -> Any:
    """The column as GX sees it on pandas: NaN in a float column is a missing value.

    ``ns`` is the expression namespace: ``polars`` or ``narwhals`` (for DuckDB and Spark).
    """
    expr = ns.col(column)
    return expr.fill_nan(None) if is_float(dtype) else expr


def count_true(expr: Expr, ns: Any = pl) -> Expr:
    """How many rows ``expr`` is true for (Spark sums no booleans: cast first)."""
    return expr.sum() if ns is pl else expr.cast(ns.Int64).sum()


def _probe_exprs(plan: Plan, tag: str = "") -> list[pl.Expr]:
    exprs = [
        e.alias(f"{tag}a{i}")
        for i, e in enumerate([*plan.aggs.values(), *(e for e, _ in plan.costly.values())])
    ]
    if plan.probe is not None:
        exprs.append(plan.probe.alias(f"{tag}probe"))
    if plan.bad is not None:
        exprs.append(plan.bad.sum().alias(f"{tag}bad"))
    return exprs


def _type_checks(exprs: list[pl.Expr], schema: pl.Schema, columns: Any) -> bool:
    if not exprs:
        return True
    empty = pl.DataFrame(schema={c: schema[c] for c in columns if c in schema}).lazy()
    try:
        empty.select(exprs).collect()
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
        return False
    return True


def plan_compiles(plan: Plan, schema: pl.Schema) -> bool:
    """Whether the plan's expressions type-check against the schema (run on an empty frame).

    Only for Polars expressions; a narwhals backend checks its plans on its own empty frame.
    """
    return _type_checks(_probe_exprs(plan), schema, plan.columns)


def compiling_plans(plans: list[Plan], schema: pl.Schema) -> list[Plan]:
    """The plans that type-check: all of them in one empty-frame select, one by one only when
    that fails (the usual run pays one Polars plan, not one per check: /records latency)."""
    exprs = [e for i, p in enumerate(plans) for e in _probe_exprs(p, f"p{i}_")]
    if _type_checks(exprs, schema, {c for p in plans for c in p.columns}):
        return plans
    return [p for p in plans if plan_compiles(p, schema)]


# --- regex: Python ``re`` (GX on pandas) vs Rust ``regex`` (Polars) --------------------------
_NOT_RUST_SAFE = re.compile(
    r"\(\?[=!]|\(\?<[=!]|\(\?P=|\(\?>|\\[1-9]|\\[ZzGafv0]|\(\?[a-zA-Z]*[mxuaL]|[*+?}]\+|&&|--|~~|\[:|\\[pPNhHRXKe]"
)


def rust_regex(pattern: Any) -> str | None:
    """``pattern`` rewritten for Polars with Python ``re.search`` semantics, or None if unsafe.

    Patterns using constructs the two engines read differently (look-arounds, back-references,
    possessive quantifiers, POSIX classes, set operations, nested classes, verbose/multiline
    flags) are refused, so the reference engine runs them. ``$`` (end, or before a final
    newline in Python) becomes ``\\n?\\z``, which gives the same match/no-match answer.
    """
    if not isinstance(pattern, str):
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None
    if _NOT_RUST_SAFE.search(pattern):
        return None
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "[":
                return None  # Rust nests classes; Python reads a literal "["
            if ch == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                if pattern[i : i + 1] == "]":  # "[^]...]": a leading "]" is literal
                    out.append("\\]")
                    i += 1
                continue
            out.append("[")
            if pattern[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
        elif ch == "$":
            out.append(r"(?:\n?\z)")
        else:
            out.append(ch)
        i += 1
    rewritten = "".join(out)
    try:
        pl.select(pl.lit("").str.contains(rewritten)).item()
    except pl.exceptions.PolarsError:
        return None
    return rewritten
