"""Check arguments validated when the suite loads: types, bounds, regexes and SQL.

Each argument of a check has a kind (a bound, a list of values, a flag, a length, a regex, ...);
:func:`check_arguments` returns every problem with the check's arguments, each as a sentence
that says what was given and what to write instead. Nothing here reads data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from ._regex import regex_problem

__all__ = ["ARG_KINDS", "TABLE_ARG_KINDS", "check_arguments", "describe_value"]

#: The kind of every column-check argument (pandera's names).
ARG_KINDS: dict[str, str] = {
    "value": "value",
    "min_value": "bound",
    "max_value": "bound",
    "include_min": "flag",
    "include_max": "flag",
    "allowed_values": "values",
    "forbidden_values": "values",
    "pattern": "regex",
    "string": "text",
    "values": "set",
}
#: Table-check arguments, by check (``min`` of ``row_count`` is a count).
TABLE_ARG_KINDS: dict[str, dict[str, str]] = {
    "row_count": {"min": "count", "max": "count", "equal": "count"},
    "unique": {"columns": "columns"},
    "columns_present": {"columns": "columns"},
    "expression": {"sql": "polars_sql"},
    "query": {"sql": "duckdb_sql"},
    "freshness": {"column": "column", "max_age": "duration", "now": "instant"},
}
_LENGTH_ARGS = {"min_value": "length", "max_value": "length", "exact_value": "length"}

_SCALARS = (str, int, float, bool, bytes, dt.date, dt.datetime, dt.time)


def describe_value(value: Any) -> str:
    """``'zero' (a string)``-style: the value and its YAML kind, for messages."""
    kind = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        bytes: "binary",
        list: "a list",
        dict: "a mapping",
        type(None): "empty (null)",
    }.get(type(value), type(value).__name__)
    if isinstance(value, dt.datetime):
        kind = "a datetime"
    elif isinstance(value, dt.date):
        kind = "a date"
    text = repr(value)
    return f"{text if len(text) <= 40 else text[:37] + '...'} ({kind})"


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _family(value: Any) -> str:
    """What a bound compares as: number, string, date, datetime, ..."""
    if _is_number(value):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


class _Described:
    """``describe_value(value)``, worked out only when a message prints it (most values pass)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(describe_value(self.value), spec)


def _kind_problem(check: str, arg: str, kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be ``arg`` of ``check``, or None."""
    got = _Described(value)
    if kind == "value":
        if isinstance(value, list | dict):
            return f"{check}: {arg} is one value, got {got}; use isin for a list of values"
        return None
    if kind == "bound":
        if value is None:
            return f"{check}: {arg} is empty; give a number, a date or a string to compare with"
        if isinstance(value, list | dict):
            return f"{check}: {arg} is one value, got {got}; write a number such as 0"
        if isinstance(value, bool):
            return f"{check}: {arg} is {got}; write a number such as 0 (true/false are not bounds)"
        return None
    if kind == "flag":
        if not isinstance(value, bool):
            return f"{check}: {arg} is true or false, got {got}"
        return None
    if kind in ("values", "set"):
        if isinstance(value, str):
            return (
                f"{check}: {arg} is a list of values, got {got}; write `[{value}]` for that one"
                " value (a string is not read as a set of its characters)"
            )
        if isinstance(value, dict):
            return f"{check}: {arg} is a list of values, got {got}"
        if not isinstance(value, list):
            if kind == "set":  # pandera: "Argument values must be iterable"
                return f"{check}: {arg} is a list of values, got {got}; write `[{value!r}]`"
            return None  # isin: 5 is the set {5}: normalised by the caller
        bad = [v for v in value if v is not None and not isinstance(v, _SCALARS)]
        if bad:
            return f"{check}: {arg} holds plain values (numbers, strings, dates), got {describe_value(bad[0])}"
        return None
    if kind == "regex":
        if not isinstance(value, str):
            return (
                f"{check}: pattern is a regular expression written as a string, got {got};"
                f" quote it: '{value}'"
            )
        return regex_problem(check, value)
    if kind == "text":
        if not isinstance(value, str):
            return f"{check}: {arg} is a string, got {got}; quote it: '{value}'"
        return None
    if kind in ("length", "count"):
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            what = "a length" if kind == "length" else "a number of rows"
            return f"{check}: {arg} is {what}: a whole number >= 0, got {got}"
        return None
    if kind == "columns":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(c, str) for c in names):
            return f"{check}: {arg} is a column name or a list of column names, got {got}"
        return None
    if kind == "column":
        if not isinstance(value, str) or not value:
            return f"{check}: {arg} is one column name, got {got}"
        return None
    if kind in ("duration", "instant"):
        from ._duration import parse_duration, parse_instant

        try:
            (parse_duration if kind == "duration" else parse_instant)(value)
        except ValueError as exc:
            return f"{check}: {arg}: {exc}"
        return None
    if kind == "polars_sql":
        return _sql_problem(check, value, _polars_sql)
    if kind == "duckdb_sql":
        return _sql_problem(check, value, _duckdb_sql)
    return None


def _sql_problem(check: str, value: Any, parse: Callable[[str], str | None]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{check}: sql is SQL text, got {describe_value(value)}"
    reason = parse(value)
    return f"{check}: invalid SQL {value!r}: {reason}" if reason else None


def _polars_sql(text: str) -> str | None:
    import polars as pl

    try:
        pl.sql_expr(text)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        return str(exc).strip().splitlines()[0] + "; fix the expression (Polars SQL)"
    return None


def _duckdb_sql(text: str) -> str | None:
    import duckdb

    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        return f"{first}; fix the query (DuckDB SQL over the table `data`)"
    if len(statements) != 1:
        return f"a query check is one SELECT statement, got {len(statements)} statements"
    if statements[0].type.name != "SELECT":
        return f"a query check is one SELECT statement over `data`, got {statements[0].type.name}"
    return None


def _cross_problems(check: str, kw: Mapping[str, Any]) -> list[str]:
    """Problems between arguments: min > max, an empty interval, contradictory lengths."""
    out: list[str] = []
    if check == "in_range":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        if lo is not None and hi is not None and not isinstance(lo, bool | list | dict):
            if _family(lo) != _family(hi):
                out.append(
                    f"in_range: min_value {describe_value(lo)} and max_value {describe_value(hi)}"
                    " are not the same kind of value; write both as numbers, dates or strings"
                )
            else:
                try:
                    if lo > hi:
                        out.append(
                            f"in_range: min_value {lo!r} is greater than max_value {hi!r};"
                            " swap them"
                        )
                except TypeError:
                    pass
    if check == "str_length":
        lo, hi, eq = kw.get("min_value"), kw.get("max_value"), kw.get("exact_value")
        if eq is not None and (lo is not None or hi is not None):
            out.append("str_length: give exact_value or min_value/max_value, not both")
        elif lo is None and hi is None and eq is None:
            out.append(
                "str_length needs a length: `str_length: 5` (exactly 5), "
                "`str_length: {min_value: 1}` or `str_length: [1, 9]` (from 1 to 9)"
            )
        elif _is_number(lo) and _is_number(hi) and lo > hi:
            out.append(f"str_length: min_value {lo} is greater than max_value {hi}; swap them")
    if check == "row_count":
        lo, hi, eq = kw.get("min"), kw.get("max"), kw.get("equal")
        if _is_number(lo) and _is_number(hi) and lo > hi:
            out.append(f"row_count: min {lo} is greater than max {hi}; swap them")
        if _is_number(eq) and ((_is_number(lo) and eq < lo) or (_is_number(hi) and eq > hi)):
            out.append(f"row_count: equal {eq} is outside min/max; keep one of them")
    return out


def check_arguments(check: str, kwargs: Mapping[str, Any], *, table: bool = False) -> list[str]:
    """Every problem with one check's arguments (empty when they are fine)."""
    kinds = (
        TABLE_ARG_KINDS.get(check, {})
        if table
        else (_LENGTH_ARGS if check == "str_length" else ARG_KINDS)
    )
    out = [
        p
        for arg, value in kwargs.items()
        if arg in kinds and (p := _kind_problem(check, arg, kinds[arg], value)) is not None
    ]
    if not out:
        out = _cross_problems(check, kwargs)
    return out
