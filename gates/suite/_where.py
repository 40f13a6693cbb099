"""``where:``: the rows a check is about, as a SQL condition every backend reads alike.

A check's ``where: "status = 'hurricane' and wind >= 64"`` keeps the rows for which the
condition is true (false and null rows are left out, as in SQL's ``WHERE``); the check then
judges only those rows, and its failing fraction is over them. The condition is read by
DuckDB's own SQL parser (``json_serialize_sql`` of ``SELECT * FROM t WHERE <condition>``, no
binding and no data), and its parse tree is mapped onto the small tree below, which is compiled
to the same expression operations in each backend's namespace (Polars, or narwhals for DuckDB
and Spark), so it has one meaning on Polars, DuckDB and Spark. The dialect is this subset of
DuckDB's SQL:

- column names (``wind``, ``größe``, ``"two words"`` or ```two words```; ``date`` too), numbers,
  ``'strings'`` (``''`` is a quote), ``true``/``false``, ``date '2024-01-31'``,
  ``timestamp '2024-01-31 08:00'``;
- ``= == != <> < <= > >=``, ``+ - * /``, ``and or not``, parentheses;
- ``x is [not] null``, ``x [not] in (1, 2)``, ``x [not] between a and b``,
  ``x [not] like 'abc%'`` (``%`` at the start and/or end only);
- ``lower(s)``, ``upper(s)``, ``length(s)`` (characters), ``abs(n)``.

Anything else DuckDB parses (a subquery, another function, ``ilike``, ``~``, a cast, ``case``,
a window, ...) is refused with its position and this list, and so is anything that is not one
condition: a ``;``, a comment, or a clause after it (``order by``, ``limit``, ``window``, ...).
Nulls follow SQL's three-valued logic on every backend. A string compared with a date or
datetime column is read as one (ISO format). :func:`parse_where` runs when the suite loads (a
bad condition is a suite error with its line); ``compile_where`` (in ``_where_compile.py``)
runs against the data's schema before any row is read (an unknown column or a type mismatch
is a suite error too).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._catalog import did_you_mean

if TYPE_CHECKING:
    import duckdb

__all__ = ["WhereError", "parse_where", "where_columns"]


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

# --- DuckDB's parser -------------------------------------------------------------------------
#: The statement a condition is parsed in; DuckDB's offsets count UTF-8 bytes of it.
_PREFIX = "SELECT * FROM t WHERE "
_START = len(_PREFIX.encode())
_NO_LOCATION = 2**64 - 1  # DuckDB's "no position" (a typed literal's string, implicit casts)
_SUPPORTED = (
    "comparisons (= != <> < <= > >=), + - * /, and, or, not, parentheses, is [not] null,"
    " [not] in (…), [not] between … and …, [not] like ('abc%', '%abc', '%abc%'),"
    " lower(), upper(), length(), abs(), date '…' and timestamp '…'"
)
_FUNCTIONS = {"lower": 1, "upper": 1, "length": 1, "abs": 1}
_COMPARISONS = {
    "COMPARE_EQUAL": "=",
    "COMPARE_NOTEQUAL": "!=",
    "COMPARE_LESSTHAN": "<",
    "COMPARE_LESSTHANOREQUALTO": "<=",
    "COMPARE_GREATERTHAN": ">",
    "COMPARE_GREATERTHANOREQUALTO": ">=",
}
#: What a user wrote, for the parse-tree classes and operators the dialect refuses.
_CONSTRUCTS = {
    "SUBQUERY": "a subquery",
    "WINDOW": "a window function",
    "CASE": "CASE",
    "CAST": "a cast (cast(… as …) or ::)",
    "COLLATE": "COLLATE",
    "PARAMETER": "a parameter (? or $1)",
    "LAMBDA": "a lambda",
    "STAR": "* or COLUMNS(…)",
    "POSITIONAL_REFERENCE": "a positional reference (#1)",
    "COMPARE_DISTINCT_FROM": "IS DISTINCT FROM",
    "COMPARE_NOT_DISTINCT_FROM": "IS NOT DISTINCT FROM (or IS TRUE/IS FALSE)",
    "~~*": "ILIKE",
    "!~~*": "NOT ILIKE",
    "~~~": "GLOB",
    "!~~~": "NOT GLOB",
    "like_escape": "LIKE … ESCAPE",
    "not_like_escape": "NOT LIKE … ESCAPE",
    "ilike_escape": "ILIKE … ESCAPE",
    "not_ilike_escape": "NOT ILIKE … ESCAPE",
    "regexp_full_match": "SIMILAR TO",
    "regexp_matches": "a regular expression (~ or regexp_matches())",
    "row": "a row value (a, b)",
    "list_value": "a list [...]",
    "struct_pack": "a struct {...}",
    "contains": "IN () or IN [...]",
}
_HINTS = {
    "ILIKE": "write lower(s) like 'abc%'",
    "NOT ILIKE": "write lower(s) not like 'abc%'",
    "SIMILAR TO": "use a str_matches check for patterns",
    "a regular expression (~ or regexp_matches())": "use a str_matches check for patterns",
    "a cast (cast(… as …) or ::)": (
        "a date is date '2024-01-31', and text compared with a date column is read as a date"
    ),
    "IS NOT DISTINCT FROM (or IS TRUE/IS FALSE)": "write x = true, or x is null",
    "IN () or IN [...]": "IN takes a parenthesised list of values, as in `x in (1, 2)`",
}
_TOO_DEEP = "the condition nests too deeply (hundreds of levels of not, - or parentheses)"


@functools.cache
def _connection(pid: int) -> tuple[duckdb.DuckDBPyConnection, threading.Lock]:
    """One in-memory DuckDB per process (a forked child opens its own), for parsing only,
    and the lock that keeps its use to one thread at a time.

    It runs one constant query, so it needs no worker threads, no optimizer and no files.
    """
    import duckdb

    con = duckdb.connect(config={"threads": 1, "enable_external_access": False})
    con.execute("pragma disable_optimizer")  # about a third less CPU per parse
    return con, threading.Lock()


def _serialize(sql: str) -> dict[str, Any]:
    con, lock = _connection(os.getpid())
    with lock:  # held for the parse only (well under a millisecond)
        row = con.execute("select json_serialize_sql(?)", [sql]).fetchone()
    assert row is not None
    out: dict[str, Any] = json.loads(row[0])
    return out


@functools.cache
def _bare_select() -> dict[str, Any]:
    """The parsed ``SELECT * FROM t`` with no WHERE: a condition may add a where clause only."""
    node: dict[str, Any] = _serialize(_PREFIX.removesuffix(" WHERE "))["statements"][0]["node"]
    return node


class _Reader:
    """DuckDB's parse tree of one condition → the tree above, refusing what the subset lacks."""

    def __init__(self, text: str) -> None:
        import duckdb

        self.text = text
        self.raw = text.encode()
        #: (byte offset, is a comment) of each token; DuckDB's tokenizer never fails
        self.tokens = [
            (start, kind == duckdb.token_type.comment) for start, kind in duckdb.tokenize(text)
        ]

    def place(self, offset: int) -> str:
        """``character N`` of the condition at a byte offset of the whole statement, with its
        line and column when the condition has several lines (a YAML block scalar)."""
        offset = min(max(offset - _START, 0), len(self.raw))
        before = self.raw[:offset].decode(errors="ignore")
        if "\n" not in self.text:
            return f"character {len(before) + 1}"
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return f"character {len(before) + 1} (line {line}, column {column})"

    def at(self, node: dict[str, Any], fallback: int) -> int:
        loc = node.get("query_location", _NO_LOCATION)
        return fallback if not isinstance(loc, int) or loc == _NO_LOCATION else loc

    def refuse(self, what: str, offset: int) -> WhereError:
        hint = _HINTS.get(what)
        return WhereError(
            f"{what} at {self.place(offset)} is not in the where: dialect,"
            f" which has {_SUPPORTED}{'; ' + hint if hint else ''}"
        )

    def syntax_error(self, out: dict[str, Any]) -> WhereError:
        offset = int(out.get("position") or _START)
        message = str(out.get("error_message", "syntax error"))
        at = f"at {self.place(offset)}"
        if message.startswith("Max expression depth"):
            return WhereError(_TOO_DEEP)
        if message.startswith("unterminated string"):
            return WhereError(f"unclosed quote ' {at}")
        if message.startswith("unterminated quoted identifier"):
            return WhereError(f'unclosed quote " {at}')
        if message.startswith("unterminated /*"):
            return WhereError(f"unclosed /* comment {at}")
        near = message.removeprefix("syntax error at or near ")
        if near != message:
            # DuckDB names the last token when the text stops short; with one more word the
            # error then moves past the end (or goes away): the condition is incomplete
            more = _serialize(f"{_PREFIX}{self.text} x")
            if not more.get("error") or int(more.get("position") or 0) >= _START + len(self.raw):
                return WhereError(f"the condition is incomplete: it ends after {near} {at}")
            word = near.strip('"')
            if word.lower() in _RESERVED_HINT_SKIP or not _is_keyword(word):
                return WhereError(f"syntax error {at}, near {near}")
            return WhereError(
                f"syntax error {at}, near {near}: {word} is a reserved SQL word; write a column"
                f' of that name in double quotes, "{word}"'
            )
        return WhereError(f"{message} {at}")

    # --- the statement around the condition ---------------------------------------------------
    def check_tokens(self) -> None:
        """No ``;`` (a second statement) and no comment (it would hide text from the reader)."""
        for start, comment in self.tokens:
            if comment:
                raise WhereError(
                    f"a comment at {self.place(_START + start)}: a where: condition"
                    " holds no SQL comments (-- or /* */); put a YAML # comment after the value"
                )
            if self.raw[start : start + 1] == b";":
                raise WhereError(
                    f"`;` at {self.place(_START + start)}: a where: is one"
                    " condition, not statements"
                )

    def condition(self, out: dict[str, Any]) -> dict[str, Any]:
        """The where clause of the only statement, if that is all the text added to ``SELECT``."""
        statements = out.get("statements", [])
        if len(statements) != 1:
            raise WhereError(f"a where: is one condition, got {len(statements)} statements")
        node = statements[0].get("node", {})
        bare = _bare_select()
        if node.get("type") != "SELECT_NODE":
            clause = str(node.get("setop_type", node.get("type", "a query"))).replace("_", " ")
            raise WhereError(f"{clause} after the condition: a where: is one condition")
        extra = [k for k, v in node.items() if k != "where_clause" and v != bare.get(k)]
        if extra:
            raise WhereError(
                f"{self._clause(node, extra)} after the condition: a where: is one condition"
                " (no order by, limit, group by, having, qualify, sample or window)"
            )
        where: dict[str, Any] = node["where_clause"]
        # a clause DuckDB drops from the tree (an unused ``window w as (...)``) still leaves
        # tokens after the condition's last node: only closing parentheses may follow it
        end = _end(where)
        for start, _ in self.tokens:
            if _START + start >= end and self.raw[start : start + 1] != b")":
                word = self.raw[start:].split(maxsplit=1)[0].decode(errors="replace")
                raise WhereError(
                    f"{word!r} at {self.place(_START + start)} follows the"
                    " condition: a where: is one condition (no order by, limit, window, ...)"
                )
        return where

    @staticmethod
    def _clause(node: dict[str, Any], keys: list[str]) -> str:
        names = {
            "group_expressions": "GROUP BY",
            "group_sets": "GROUP BY",
            "having": "HAVING",
            "qualify": "QUALIFY",
            "sample": "USING SAMPLE",
        }
        for key in keys:
            if key == "modifiers":
                kinds = [m.get("type") for m in node["modifiers"]]
                if "ORDER_MODIFIER" in kinds:
                    return "ORDER BY"
                if "LIMIT_MODIFIER" in kinds or "LIMIT_PERCENT_MODIFIER" in kinds:
                    return "LIMIT/OFFSET"
                return "a clause"
            if key in names:
                return names[key]
        return "a clause"

    # --- expressions ---------------------------------------------------------------------------
    def expr(self, n: dict[str, Any], fallback: int = _START) -> Node:
        at = self.at(n, fallback)
        cls, kind = n.get("class"), n.get("type")
        if n.get("alias"):
            raise self.refuse("an alias (AS)", at)
        if cls == "COLUMN_REF":
            names = n["column_names"]
            if len(names) != 1:
                dotted = ".".join(names)
                raise WhereError(
                    f"{dotted!r} at {self.place(at)}: a column is named alone;"
                    f' quote a name with a dot in it: "{dotted}"'
                )
            return Col(str(names[0]))
        if cls == "CONSTANT":
            return self.constant(n, at)
        if cls == "CAST":
            return self.typed_literal(n, at)
        if cls == "CONJUNCTION" and kind in ("CONJUNCTION_AND", "CONJUNCTION_OR"):
            op = "and" if kind == "CONJUNCTION_AND" else "or"
            return _balanced(op, [self.expr(c, at) for c in n["children"]])
        if cls == "COMPARISON" and kind in _COMPARISONS:
            return Op(_COMPARISONS[kind], (self.expr(n["left"], at), self.expr(n["right"], at)))
        if cls == "BETWEEN":
            x, lo, hi = (self.expr(n[k], at) for k in ("input", "lower", "upper"))
            return Op("and", (Op(">=", (x, lo)), Op("<=", (x, hi))))
        if cls == "OPERATOR":
            return self.operator(n, str(kind), at)
        if cls == "FUNCTION":
            return self.function(n, at)
        raise self.refuse(_CONSTRUCTS.get(str(kind), _CONSTRUCTS.get(str(cls), str(cls))), at)

    def operator(self, n: dict[str, Any], kind: str, at: int) -> Node:
        children = n.get("children", [])
        if kind == "OPERATOR_NOT" and len(children) == 1:
            inner = self.expr(children[0], at)
            if isinstance(inner, In):
                return In(inner.arg, inner.values, not inner.negated)
            return Op("not", (inner,))
        if kind in ("OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL") and len(children) == 1:
            node: Node = Op("is_null", (self.expr(children[0], at),))
            return Op("not", (node,)) if kind == "OPERATOR_IS_NOT_NULL" else node
        if kind in ("COMPARE_IN", "COMPARE_NOT_IN") and len(children) >= 2:
            values = []
            for child in children[1:]:
                value = self.expr(child, at)
                if not isinstance(value, Lit) or value.value is None:
                    raise WhereError(
                        f"IN at {self.place(at)} takes a list of literal values"
                        " (numbers, strings, dates), as in `x in (1, 2)`"
                    )
                values.append(value)
            return In(self.expr(children[0], at), tuple(values), kind == "COMPARE_NOT_IN")
        what = kind.removeprefix("OPERATOR_").replace("_", " ")
        raise self.refuse(_CONSTRUCTS.get(kind, what), at)

    def function(self, n: dict[str, Any], at: int) -> Node:
        name = str(n.get("function_name", "")).lower()
        args = n.get("arguments", [])
        if n.get("is_operator"):
            shown = _CONSTRUCTS.get(name, f"the {name} operator")
        else:
            shown = _CONSTRUCTS.get(name, f"{name}()")
        plain = not (
            n.get("schema")
            or n.get("catalog")
            or n.get("distinct")
            or n.get("filter")
            or n.get("export_state")
            or (n.get("order_bys") or {}).get("orders")
            or any(v for a in args for k, v in a.items() if k != "expression")
        )
        if not plain:
            raise self.refuse(f"{shown} with a qualifier (schema., DISTINCT, FILTER, ORDER BY)", at)
        exprs = [a["expression"] for a in args]
        if n.get("is_operator"):
            if name in ("+", "-", "*", "/") and len(exprs) == 2:
                return Op(name, (self.expr(exprs[0], at), self.expr(exprs[1], at)))
            if name == "-" and len(exprs) == 1:
                inner = self.expr(exprs[0], at)
                if isinstance(inner, Lit) and type(inner.value) in (int, float):
                    return Lit(-inner.value)
                return Op("neg", (inner,))
            if name in ("~~", "!~~") and len(exprs) == 2:
                return self.like(exprs, name == "!~~", at)
            raise self.refuse("unary +" if name == "+" else shown, at)
        if name in _FUNCTIONS:
            if len(exprs) != _FUNCTIONS[name]:
                raise WhereError(
                    f"{name}() at {self.place(at)} takes one argument, got {len(exprs)}"
                )
            return Op(name, (self.expr(exprs[0], at),))
        if name in _CONSTRUCTS:
            raise self.refuse(_CONSTRUCTS[name], at)
        raise WhereError(
            f"unknown function {name!r} at {self.place(at)}"
            f"{did_you_mean(name, _FUNCTIONS)}; the functions are {', '.join(_FUNCTIONS)}"
        )

    def like(self, exprs: list[dict[str, Any]], negated: bool, at: int) -> Like:
        pattern = exprs[1]
        literal = pattern.get("literal", {}) if pattern.get("class") == "CONSTANT" else {}
        if literal.get("kind") != "STRING":
            raise WhereError(
                f"LIKE at {self.place(at)} takes a quoted pattern, as in `s like 'abc%'`"
            )
        text = str(literal.get("text", ""))
        if "_" in text or "%" in text.strip("%"):
            raise WhereError(
                f"LIKE {text!r}: only `%` at the start and/or end is supported"
                " ('abc%', '%abc', '%abc%'); use a str_matches check for other patterns"
            )
        return Like(self.expr(exprs[0], at), text, negated)

    def constant(self, n: dict[str, Any], at: int) -> Lit:
        literal = n.get("literal", {})
        kind, text = literal.get("kind"), str(literal.get("text", ""))
        if kind == "STRING":
            return Lit(text)
        if kind == "INTEGER":
            return Lit(int(text))
        if kind == "NUMERIC":
            return Lit(float(text))
        if kind == "BOOLEAN":
            return Lit(text.lower() == "true")
        if kind == "NULL_LITERAL":
            return Lit(None)
        raise self.refuse(f"a {str(kind).lower()} literal", at)

    def typed_literal(self, n: dict[str, Any], at: int) -> Lit:
        """``date '…'`` / ``timestamp '…'``: DuckDB's cast of a string it gives no position."""
        child, type_expr = n.get("child", {}), n.get("type_expr", {})
        literal = child.get("literal", {}) if child.get("class") == "CONSTANT" else {}
        name = str(type_expr.get("type_name", "")).lower()
        typed = (
            literal.get("kind") == "STRING"
            and child.get("query_location") == _NO_LOCATION
            and not (n.get("try_cast") or type_expr.get("schema") or type_expr.get("catalog"))
            and not type_expr.get("children")
        )
        if name == "interval" or (typed and name not in ("date", "timestamp")):
            # (DuckDB gives an interval's string a position, so it is named by its type)
            raise self.refuse(f"{_a(name)} literal ({name} '…')", at)
        if not typed:
            raise self.refuse(_CONSTRUCTS["CAST"], at)
        raw = str(literal["text"])
        try:
            value: Any = (
                dt.date.fromisoformat(raw) if name == "date" else dt.datetime.fromisoformat(raw)
            )
        except ValueError:
            raise WhereError(f"{name} {raw!r} is not an ISO {name}") from None
        return Lit(value)


#: The dialect's own keywords: a syntax error near one of them is not about a column's name.
_RESERVED_HINT_SKIP = {"and", "or", "not", "is", "null", "in", "between", "like", "true", "false"}


def _is_keyword(word: str) -> bool:
    import duckdb

    tokens = duckdb.tokenize(word)
    return len(tokens) == 1 and tokens[0][1] == duckdb.token_type.keyword


def _balanced(op: str, parts: list[Node]) -> Node:
    """``a and b and c ...`` as a balanced tree (as deep as log2 of the parts, not their number)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return Op(op, (_balanced(op, parts[:half]), _balanced(op, parts[half:])))


def _end(tree: dict[str, Any]) -> int:
    """The byte offset just past the last node of a parse tree that DuckDB located."""
    best = 0
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
            continue
        loc = node.get("query_location")
        if isinstance(loc, int) and loc != _NO_LOCATION:
            best = max(best, loc + int(node.get("query_location_length") or 0))
        stack.extend(v for k, v in node.items() if isinstance(v, dict | list) and k != "literal")
    return best


@functools.lru_cache(maxsize=4096)
def parse_where(text: str) -> Node:
    """The condition's syntax tree; ``WhereError`` (saying where and what) when it is not one.

    DuckDB's SQL parser reads ``SELECT * FROM t WHERE <text>``; its tree must be that statement
    with a where clause and nothing else, built only of the dialect's constructs.
    """
    if not isinstance(text, str) or not text.strip():
        raise WhereError("where is a condition written as a string, e.g. \"status = 'open'\"")
    reader = _Reader(text)
    reader.check_tokens()
    try:
        out = _serialize(_PREFIX + text)
        if out.get("error"):
            raise reader.syntax_error(out)
        node = reader.expr(reader.condition(out))
    except RecursionError:
        raise WhereError(_TOO_DEEP) from None
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


def _a(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind
