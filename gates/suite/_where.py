"""``where:``: the rows a check is about, as a small SQL condition every backend reads alike.

A check's ``where: "status = 'hurricane' and wind >= 64"`` keeps the rows for which the
condition is true (false and null rows are left out, as in SQL's ``WHERE``); the check then
judges only those rows, and its failing fraction is over them. The dialect is a subset of SQL
that has one meaning on Polars, DuckDB and Spark, because it is parsed here (not by one of the
engines) and compiled to the same expression operations in each backend's namespace (Polars,
or narwhals for DuckDB and Spark):

- column names (``wind``, ``"two words"`` or ```two words```; ``date`` too), numbers, ``'strings'`` (``''``
  is a quote), ``true``/``false``, ``date '2024-01-31'``, ``timestamp '2024-01-31 08:00'``;
- ``= == != <> < <= > >=``, ``+ - * /``, ``and or not``, parentheses;
- ``x is [not] null``, ``x [not] in (1, 2)``, ``x [not] between a and b``,
  ``x [not] like 'abc%'`` (``%`` at the start and/or end only);
- ``lower(s)``, ``upper(s)``, ``length(s)`` (characters), ``abs(n)``.

Nulls follow SQL's three-valued logic on every backend. A string compared with a date or
datetime column is read as one (ISO format). :func:`parse_where` runs when the suite loads (a
bad condition is a suite error with its line); :func:`compile_where` runs against the data's
schema before any row is read (an unknown column or a type mismatch is a suite error too).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._catalog import did_you_mean

if TYPE_CHECKING:
    import polars as pl

__all__ = ["WhereError", "compile_where", "parse_where", "where_columns"]


class WhereError(ValueError):
    """A ``where:`` condition that does not parse, or does not fit the data's columns."""


# --- the syntax tree --------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    name: str


@dataclass(frozen=True)
class Lit:
    value: Any  # None, bool, int, float, str, date, datetime


@dataclass(frozen=True)
class Op:
    """An operator or function applied to its arguments (``and``, ``=``, ``lower``, ...)."""

    op: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class In:
    arg: Node
    values: tuple[Lit, ...]
    negated: bool


@dataclass(frozen=True)
class Like:
    arg: Node
    pattern: str
    negated: bool


Node = Col | Lit | Op | In | Like

_KEYWORDS = {
    "and",
    "or",
    "not",
    "is",
    "null",
    "in",
    "between",
    "like",
    "true",
    "false",
    "date",
    "timestamp",
}
_FUNCTIONS = {"lower": 1, "upper": 1, "length": 1, "abs": 1}
_COMPARISONS = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
    | (?P<str>'(?:[^']|'')*')
    | (?P<qid>"(?:[^"]|"")*"|`(?:[^`]|``)*`)
    | (?P<id>[^\W\d]\w*)
    | (?P<op><=|>=|<>|!=|==|[=<>+\-*/(),])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # num str id kw op end
    text: str
    value: Any
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            out.append(_Tok("end", "", None, pos))
            return out
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos] in "'\"`":
                raise WhereError(f"unclosed quote {text[pos]} at character {pos + 1}")
            raise WhereError(f"unexpected {text[pos]!r} at character {pos + 1}")
        start = m.start(m.lastgroup or 0)
        kind, raw = m.lastgroup or "", m.group(m.lastgroup or 0)
        if kind == "num":
            number: float = float(raw)
            value: Any = int(raw) if re.fullmatch(r"\d+", raw) else number
            out.append(_Tok("num", raw, value, start))
        elif kind == "str":
            out.append(_Tok("str", raw, raw[1:-1].replace("''", "'"), start))
        elif kind == "qid":
            q = raw[0]
            out.append(_Tok("id", raw, raw[1:-1].replace(q + q, q), start))
        elif kind == "id" and raw.lower() in _KEYWORDS:
            out.append(_Tok("kw", raw.lower(), raw, start))
        else:
            out.append(_Tok(kind, raw, raw, start))
        pos = m.end()


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def at(self, kind: str, *texts: str) -> bool:
        t = self.tok
        return t.kind == kind and (not texts or t.text in texts)

    def expect(self, kind: str, text: str, what: str) -> None:
        if not self.at(kind, text):
            raise self.error(f"expected {what}")
        self.take()

    def error(self, message: str) -> WhereError:
        t = self.tok
        found = "the end" if t.kind == "end" else repr(t.text)
        return WhereError(f"{message} at character {t.pos + 1}, found {found}")

    def parse(self) -> Node:
        node = self.or_()
        if not self.at("end"):
            raise self.error("expected and/or or the end of the condition")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.at("kw", "or"):
            self.take()
            node = Op("or", (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.at("kw", "and"):
            self.take()
            node = Op("and", (node, self.not_()))
        return node

    def not_(self) -> Node:
        if self.at("kw", "not"):
            self.take()
            return Op("not", (self.not_(),))
        return self.predicate()

    def predicate(self) -> Node:
        left = self.sum_()
        if self.tok.kind == "op" and self.tok.text in _COMPARISONS:
            op = _COMPARISONS[self.take().text]
            return Op(op, (left, self.sum_()))
        if self.at("kw", "is"):
            self.take()
            negated = self.at("kw", "not")
            if negated:
                self.take()
            self.expect("kw", "null", "NULL after IS (write `x is null` or `x is not null`)")
            node: Node = Op("is_null", (left,))
            return Op("not", (node,)) if negated else node
        negated = self.at("kw", "not")
        if negated:
            self.take()
            if not self.at("kw", "in", "between", "like"):
                raise self.error("expected IN, BETWEEN or LIKE after NOT")
        if self.at("kw", "in"):
            self.take()
            return In(left, self.literal_list(), negated)
        if self.at("kw", "between"):
            self.take()
            lo = self.sum_()
            self.expect("kw", "and", "AND between the bounds (`x between 1 and 9`)")
            hi = self.sum_()
            node = Op("and", (Op(">=", (left, lo)), Op("<=", (left, hi))))
            return Op("not", (node,)) if negated else node
        if self.at("kw", "like"):
            self.take()
            if not self.at("str"):
                raise self.error("expected a quoted pattern after LIKE")
            pattern = str(self.take().value)
            if "_" in pattern or "%" in pattern.strip("%"):
                raise WhereError(
                    f"LIKE {pattern!r}: only `%` at the start and/or end is supported"
                    " ('abc%', '%abc', '%abc%'); use a str_matches check for other patterns"
                )
            return Like(left, pattern, negated)
        return left

    def literal_list(self) -> tuple[Lit, ...]:
        self.expect("op", "(", "a parenthesised list after IN, as in `x in (1, 2)`")
        values: list[Lit] = []
        while True:
            node = self.unary()
            if not isinstance(node, Lit) or node.value is None:
                raise self.error("IN takes a list of literal values (numbers, strings, dates)")
            values.append(node)
            if self.at("op", ","):
                self.take()
                continue
            self.expect("op", ")", "`,` or `)` in the IN list")
            return tuple(values)

    def sum_(self) -> Node:
        node = self.product()
        while self.at("op", "+", "-"):
            node = Op(self.take().text, (node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("op", "*", "/"):
            node = Op(self.take().text, (node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            self.take()
            inner = self.unary()
            if isinstance(inner, Lit) and isinstance(inner.value, int | float):
                return Lit(-inner.value)
            return Op("neg", (inner,))
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            return Lit(t.value)
        if t.kind == "str":
            self.take()
            return Lit(t.value)
        if t.kind == "kw" and t.text in ("true", "false", "null"):
            self.take()
            return Lit({"true": True, "false": False, "null": None}[t.text])
        if t.kind == "kw" and t.text in ("date", "timestamp"):
            self.take()
            if not self.at("str"):  # a column called date (as SQL engines allow)
                return Col(str(t.value))
            raw = str(self.take().value)
            try:
                value: Any = (
                    dt.date.fromisoformat(raw)
                    if t.text == "date"
                    else dt.datetime.fromisoformat(raw)
                )
            except ValueError:
                raise WhereError(f"{t.text} {raw!r} is not an ISO {t.text}") from None
            return Lit(value)
        if t.kind == "id":
            self.take()
            if self.at("op", "(") and t.text == t.value:
                name = t.text.lower()
                if name not in _FUNCTIONS:
                    raise WhereError(
                        f"unknown function {t.text!r}{did_you_mean(name, _FUNCTIONS)};"
                        f" the functions are {', '.join(_FUNCTIONS)}"
                    )
                self.take()
                arg = self.or_()
                self.expect("op", ")", f"`)` closing {name}(")
                return Op(name, (arg,))
            return Col(str(t.value))
        if t.kind == "op" and t.text == "(":
            self.take()
            node = self.or_()
            self.expect("op", ")", "`)`")
            return node
        raise self.error("expected a column, a value or `(`")


@functools.lru_cache(maxsize=4096)
def parse_where(text: str) -> Node:
    """The condition's syntax tree; ``WhereError`` (saying where and what) when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise WhereError("where is a condition written as a string, e.g. \"status = 'open'\"")
    node = _Parser(text).parse()
    if not _columns(node):
        raise WhereError(f"{text!r} mentions no column; a filter keeps rows by their values")
    return node


def where_columns(text: str | None) -> tuple[str, ...]:
    """The columns a ``where:`` condition reads, in order of first mention (none for None)."""
    return () if text is None else tuple(_columns(parse_where(text)))


def _columns(node: Node) -> list[str]:
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Col):
            if n.name not in out:
                out.append(n.name)
        elif isinstance(n, Op):
            for a in n.args:
                walk(a)
        elif isinstance(n, In | Like):
            walk(n.arg)

    walk(node)
    return out


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


def _a(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


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
    expr = _Compiler(schema, ns).build(node)
    if expr[1] != "bool":
        raise WhereError(f"{text!r} is a {expr[1]}, not a condition (true/false)")
    return expr[0].fill_null(False)
