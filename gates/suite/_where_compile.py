"""``where:`` compiled: a parsed condition as a "keep this row" expression for one schema.

:func:`compile_where` runs against the data's schema before any row is read: an unknown column
or a comparison of different kinds is a :class:`~gates.suite._where.WhereError` (a suite error).
The same tree compiles to Polars or to narwhals (DuckDB, Spark), so every backend keeps the
same rows; the dialect and its parser are in :mod:`gates.suite._where`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._catalog import did_you_mean
from ._where import _TOO_DEEP, Col, In, Like, Lit, Node, WhereError, _a, parse_where

if TYPE_CHECKING:
    import polars as pl

__all__ = ["compile_where"]


# --- compiling against the schema -----------------------------------------------------------
def _kind(dtype: pl.DataType) -> str:
    import polars as pl

    if dtype.is_numeric():
        return "number"
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return "string"
    if isinstance(dtype, pl.Boolean):
        return "bool"
    if isinstance(dtype, pl.Datetime):
        return "datetime+tz" if dtype.time_zone else "datetime"
    if isinstance(dtype, pl.Date):
        return "date"
    if isinstance(dtype, pl.Null):
        return "null"
    return str(dtype)


def _lit_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime+tz" if value.tzinfo is not None else "datetime"
    if isinstance(value, dt.date):
        return "date"
    return "string"


_ORDERED = ("number", "string", "date", "datetime")
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _Compiler:
    def __init__(self, schema: pl.Schema, ns: Any) -> None:
        self.schema = schema
        self.ns = ns

    def _col(self, name: str) -> tuple[Any, str]:
        if name not in self.schema:
            raise WhereError(
                f"no column {name!r} in the data{did_you_mean(name, list(self.schema))}"
                f" (columns: {', '.join(list(self.schema)[:12])}{' …' if len(self.schema) > 12 else ''})"
            )
        dtype = self.schema[name]
        kind = _kind(dtype)
        if kind == "string" and not isinstance(dtype, self._pl().String):
            # categorical/enum: compared, matched and ordered as the text (no category order)
            return self.ns.col(name).cast(self.ns.String), kind
        return self.ns.col(name), kind

    @staticmethod
    def _pl() -> Any:
        import polars as pl

        return pl

    def _lit(self, value: Any, want: str | None = None) -> tuple[Any, str]:
        value = _python(value, want)
        return self.ns.lit(value), _lit_kind(value)

    def build(self, node: Node, want: str | None = None) -> tuple[Any, str]:
        ns = self.ns
        if isinstance(node, Col):
            return self._col(node.name)
        if isinstance(node, Lit):
            return self._lit(node.value, want)
        if isinstance(node, In):
            arg, kind = self.build(node.arg)
            raw = [_python(v.value, kind) for v in node.values]
            for value, v in zip(raw, node.values, strict=True):
                self._same(kind, _lit_kind(value), f"IN value {v.value!r}")
            member = arg.is_in(raw)
            # SQL: a null value is neither in nor not in the list (the row is left out)
            out = ns.when(~arg.is_null()).then(~member if node.negated else member)
            return out, "bool"
        if isinstance(node, Like):
            arg, kind = self.build(node.arg)
            self._same(kind, "string", "LIKE")
            p = node.pattern
            core = p.strip("%")
            if p.startswith("%") and p.endswith("%") and len(p) > 1:
                cond = arg.str.contains(core, literal=True)
            elif p.endswith("%"):
                cond = arg.str.starts_with(core)
            elif p.startswith("%"):
                cond = arg.str.ends_with(core)
            else:
                cond = arg == p
            return (~cond if node.negated else cond), "bool"
        op, args = node.op, node.args
        if op in ("and", "or"):
            left, right = (self._condition(a) for a in args)
            return (left & right if op == "and" else left | right), "bool"
        if op == "not":
            return ~self._condition(args[0]), "bool"
        if op == "is_null":
            arg, _ = self.build(args[0])
            return arg.is_null(), "bool"
        if op in ("lower", "upper", "length"):
            arg, kind = self.build(args[0])
            self._same(kind, "string", f"{op}()")
            if op == "length":
                return arg.str.len_chars(), "number"
            return (arg.str.to_lowercase() if op == "lower" else arg.str.to_uppercase()), "string"
        if op in ("abs", "neg"):
            arg, kind = self.build(args[0])
            self._same(kind, "number", "abs()" if op == "abs" else "unary -")
            return (arg.abs() if op == "abs" else -arg), "number"
        if op in ("+", "-", "*", "/"):
            (left, lk), (right, rk) = self._pair(args)
            self._same(lk, "number", f"`{op}`")
            self._same(rk, "number", f"`{op}`")
            return _ARITHMETIC[op](left, right), "number"
        # a comparison
        (left, lk), (right, rk) = self._pair(args)
        if "null" in (lk, rk):
            raise WhereError(
                "compare with null by `x is null` / `x is not null` (`= null` is never true)"
            )
        if lk != rk:
            a, b = args
            raise WhereError(
                f"`{op}` compares {self._show(a, lk)} with {self._show(b, rk)};"
                " compare like with like (a date or datetime as '2024-01-31')"
            )
        if lk.split("+")[0] not in (*_ORDERED, "bool") or (op not in ("=", "!=") and lk == "bool"):
            raise WhereError(f"`{op}` does not compare {lk} values")
        return _COMPARE[op](left, right), "bool"

    def _pair(self, args: tuple[Node, ...]) -> tuple[tuple[Any, str], tuple[Any, str]]:
        """Both sides; a literal takes the other side's kind (a string against a date column)."""
        a, b = args
        if isinstance(a, Lit) and not isinstance(b, Lit):
            right = self.build(b)
            return self.build(a, right[1]), right
        left = self.build(a)
        return left, self.build(b, left[1])

    def _condition(self, node: Node) -> Any:
        expr, kind = self.build(node)
        if kind != "bool":
            raise WhereError(f"{_show(node)} is a {kind}, not a condition (true/false)")
        return expr

    def _show(self, node: Node, kind: str) -> str:
        family = kind.split("+")[0]
        if isinstance(node, Col):
            zone = " with a time zone" if kind == "datetime+tz" else ""
            return f"column {node.name!r} ({self.schema[node.name]}, {_a(family)}{zone})"
        if isinstance(node, Lit):
            return f"{node.value!r} ({_a(family)})"
        return _a(family)

    @staticmethod
    def _same(have: str, want: str, what: str) -> None:
        if have != want and "null" not in (have, want):
            raise WhereError(
                f"{what} needs {_a(want.split('+')[0])} value, got {_a(have.split('+')[0])}"
            )


def _python(value: Any, want: str | None) -> Any:
    """A literal as a value of the kind it is compared with: ISO text as a date or datetime,
    a date as midnight, a datetime in the column's zone style (naive means UTC)."""
    if want is None or not want.startswith(("date", "datetime")):
        return value
    if isinstance(value, str):
        try:
            if want == "date":
                return dt.date.fromisoformat(value)
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise WhereError(f"{value!r} is not an ISO {want.split('+')[0]}") from None
    if want.startswith("datetime") and isinstance(value, dt.date):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        if want == "datetime+tz" and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        if want == "datetime" and value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _show(node: Node) -> str:
    if isinstance(node, Col):
        return f"column {node.name!r}"
    if isinstance(node, Lit):
        return repr(node.value)
    return "the expression"


def compile_where(text: str, schema: pl.Schema, ns: Any = None) -> Any:
    """The condition as a "keep this row" expression in ``ns`` (Polars or narwhals).

    The expression is true for the rows the check is about and false otherwise (never null).

    Raises:
        WhereError: the condition does not parse, names a column the data lacks, or compares
            values of different kinds (a number with a string column, ...).
    """
    if ns is None:
        import polars as ns_pl

        ns = ns_pl
    node = parse_where(text)
    try:
        expr = _Compiler(schema, ns).build(node)
    except RecursionError:
        raise WhereError(_TOO_DEEP) from None
    if expr[1] != "bool":
        raise WhereError(f"{text!r} is a {expr[1]}, not a condition (true/false)")
    return expr[0].fill_null(False)
