"""Check a suite's column-check arguments against the data's schema, before any row is read.

``isin: [1, 2, 3]`` on a Float64 column, ``in_range: {min_value: "2024-01-01"}`` on a Date
column, ``greater_than: 5`` on a String column: Polars refuses these only while scanning, with
its own words. The schema is known without reading rows, so each argument is compared with
its column's dtype first:

- where the argument converts to the column's type without losing anything (an int for a
  float column, an integral float for an int column, an ISO date text for a Date column, a
  date for a Datetime column, ``"true"`` for a Boolean column, a YAML date for a String
  column), it is converted and the check runs as meant;
- otherwise the check is a misfit: the engines still report it as a check that could not run
  (an error result, so the gate blocks), but its error is one line naming the data column, its
  dtype, the argument, how to fix it, and where in the suite file it is, instead of Polars'
  or pandera's words.

Entry point: :func:`typecheck_args` (called by :func:`gates.check` once the data is loaded);
``Typecheck.explain`` puts the lines on the results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import polars as pl

from ._result import CheckResult, Severity

if TYPE_CHECKING:
    from .suite import LoadedSuite
    from .suite._model import ColumnCheck

__all__ = ["ArgProblem", "Typecheck", "typecheck_args"]

#: Column checks whose arguments are values of the column, by argument name.
VALUE_ARGS: dict[str, tuple[str, ...]] = {
    "equal_to": ("value",),
    "not_equal_to": ("value",),
    "greater_than": ("min_value",),
    "greater_than_or_equal_to": ("min_value",),
    "less_than": ("max_value",),
    "less_than_or_equal_to": ("max_value",),
    "in_range": ("min_value", "max_value"),
    "isin": ("allowed_values",),
    "notin": ("forbidden_values",),
    "unique_values_eq": ("values",),
}
#: Checks whose values are matched as members (Polars' ``is_in`` wants the column's own type).
MEMBERSHIP = ("isin", "notin", "unique_values_eq")
#: Checks that need a string column (the engines already say so in one line: left to them).
STRING_CHECKS = ("str_matches", "str_contains", "str_startswith", "str_endswith", "str_length")
#: Integers a Float64 holds exactly.
_EXACT_FLOAT_INT = 2**53


@dataclasses.dataclass(frozen=True)
class ArgProblem:
    """One argument that does not fit its column's dtype."""

    #: The result id the engines give the check, e.g. ``amount::isin``.
    id: str
    column: str
    check: str
    argument: str
    #: ``column 'x' is Float64, but isin's allowed_values value 'a' is text; write ...``.
    message: str
    #: ``suite.yml:8:9`` (or ``<suite>``).
    where: str
    #: The ``RunContext.handled`` key of the check, so the reference engines skip it.
    key: tuple[str, ...] = ()
    severity: Severity = Severity.BLOCK
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def line(self) -> str:
        """The error text: the problem and where it is written."""
        return f"{self.message} ({self.where})"


@dataclasses.dataclass(frozen=True)
class Typecheck:
    """The suite to run (arguments converted where lossless) and the misfits found."""

    suite: LoadedSuite
    problems: tuple[ArgProblem, ...] = ()

    @property
    def keys(self) -> set[tuple[str, ...]]:
        """``RunContext.handled`` keys of the misfit checks: no reference engine runs them."""
        return {p.key for p in self.problems}

    def explain(self, results: list[CheckResult]) -> list[CheckResult]:
        """Each misfit check's result, as a check that could not run, with the one-line reason.

        A result an engine gave with an error gets the reason as its error; a misfit no
        engine reported (skipped as handled, or not translated) gets a result of its own.
        One an engine did run without error is kept as it is.
        """
        if not self.problems:
            return results
        by_id = {p.id: p for p in self.problems}
        out = []
        for r in results:
            p = by_id.pop(r.id, None)
            if p is not None and r.error:
                r = dataclasses.replace(r, error=p.line, message=p.line)
            out.append(r)
        for p in by_id.values():
            out.append(
                CheckResult(
                    id=p.id,
                    name=p.check,
                    engine="pandera",
                    column=p.column,
                    severity=p.severity,
                    passed=False,
                    message=p.line,
                    error=p.line,
                    details={"kwargs": p.kwargs, "not_run": "an argument does not fit the dtype"},
                )
            )
        return out


class _Misfit(Exception):
    """A value that cannot become the column's type; the text says why and what to write."""


def typecheck_args(loaded: LoadedSuite, schema: pl.Schema) -> Typecheck:
    """Compare every column check's arguments with the column's dtype (no rows are read).

    Args:
        loaded: the suite.
        schema: the data's schema (columns the data lacks are left to the schema engine).

    Returns:
        A :class:`Typecheck`: ``.suite`` is ``loaded`` itself when nothing needed converting,
        else a copy with the converted arguments (same hash and locations); ``.problems``
        the arguments that cannot be compared with their column.
    """
    from .engines._items import column_check_id

    problems: list[ArgProblem] = []
    columns = dict(loaded.suite.columns)
    changed = False
    for name, spec in loaded.suite.columns.items():
        if name not in schema:
            continue
        dtype = schema[name]
        checks = list(spec.checks)
        for i, check in enumerate(spec.checks):
            try:
                new = _check_kwargs(check, dtype, name)
            except _Misfit as misfit:
                problems.append(
                    ArgProblem(
                        id=column_check_id(name, spec, check, i),
                        column=name,
                        check=check.check,
                        argument=str(misfit.args[1]),
                        message=str(misfit.args[0]),
                        where=_where(loaded, ("columns", name, "checks", i)),
                        key=("column", name, str(i)),
                        severity=loaded.suite.severity_of(check, spec),
                        kwargs=dict(check.kwargs),
                    )
                )
                continue
            if new is not None:  # (1 == 1.0: compare by the flag, not by equality)
                checks[i] = check.model_copy(update={"kwargs": new})
                columns[name] = spec.model_copy(update={"checks": checks})
                changed = True
    if changed:
        suite = loaded.suite.model_copy(update={"columns": columns})
        loaded = dataclasses.replace(loaded, suite=suite)
    return Typecheck(loaded, tuple(problems))


def _where(loaded: LoadedSuite, loc: tuple[str | int, ...]) -> str:
    line, col = loaded.where(loc)
    out = loaded.path or "<suite>"
    if line is not None:
        out += f":{line}" + (f":{col}" if col is not None else "")
    return out


def _check_kwargs(check: ColumnCheck, dtype: pl.DataType, column: str) -> dict[str, Any] | None:
    """New kwargs when a conversion was needed, None when they fit as written."""
    kind = _kind(dtype)
    names = VALUE_ARGS.get(check.check)
    if not names or kind == "other":
        return None
    out = dict(check.kwargs)
    for arg in names:
        if arg not in out or out[arg] is None:
            continue
        value = out[arg]
        many = isinstance(value, list | tuple | set | frozenset)
        items = list(value) if many else [value]
        converted = []
        for item in items:
            try:
                converted.append(_convert(item, dtype, kind, member=check.check in MEMBERSHIP))
            except _Misfit as misfit:
                what = f"{arg} value {_show(item)}" if many else f"{arg} {_show(item)}"
                raise _Misfit(
                    f"column {column!r} is {dtype}, but {check.check}'s {what} {misfit.args[0]}",
                    arg,
                ) from None
        out[arg] = converted if many else converted[0]
    return out if out != check.kwargs or _types_changed(out, check.kwargs) else None


def _show(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _types_changed(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """1 == 1.0 in Python: a conversion that only changed a type still counts."""

    def types(value: Any) -> Iterator[type]:
        if isinstance(value, list | tuple | set | frozenset):
            for v in value:
                yield type(v)
        else:
            yield type(value)

    return any(list(types(new[k])) != list(types(old.get(k))) for k in new)


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "int"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "float"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
        return "string"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return "other"


def _convert(value: Any, dtype: pl.DataType, kind: str, *, member: bool) -> Any:
    """``value`` as the column's type, losslessly, or :class:`_Misfit` saying what to write."""
    if value is None:
        return None
    if kind in ("int", "float"):
        return _number(value, kind, member=member)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise _Misfit("is not true or false; write true or false", value)
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, dt.date):  # YAML read an unquoted 2024-05-01 as a date
            return value.isoformat()
        raise _Misfit(
            f"is not text; quote it ('{value}') to compare text, or check a numeric column", value
        )
    if kind == "date":
        return _date(value)
    return _datetime(value, dtype)


def _number(value: Any, kind: str, *, member: bool) -> int | float:
    if isinstance(value, bool):
        raise _Misfit("is a boolean; write a number", value)
    if isinstance(value, str):
        try:
            number: int | float = (
                int(value) if value.strip().lstrip("+-").isdigit() else float(value)
            )
        except ValueError:
            raise _Misfit("is text; write a number without quotes", value) from None
        value = number
    if isinstance(value, int):
        if kind == "float" and member and abs(value) > _EXACT_FLOAT_INT:
            raise _Misfit("has no exact Float64; write it as a float", value)
        return float(value) if kind == "float" and member else value
    if isinstance(value, float):
        if kind == "int" and member:
            if math.isfinite(value) and value.is_integer():
                return int(value)
            raise _Misfit(
                "is not a whole number, so no value of the column equals it; drop it, or"
                " cast the column to a float",
                value,
            )
        return value
    if isinstance(value, dt.date):
        raise _Misfit("is a date; write a number, or check a date column", value)
    raise _Misfit(f"is a {type(value).__name__}; write a number", value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date()
        raise _Misfit("has a time of day; write a date (YYYY-MM-DD)", value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Misfit("is not an ISO date; write YYYY-MM-DD, e.g. 2024-05-01", value) from None
    raise _Misfit("is not a date; write YYYY-MM-DD, e.g. 2024-05-01", value)


def _datetime(value: Any, dtype: pl.DataType) -> dt.datetime:
    zone: str | None = getattr(dtype, "time_zone", None)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Misfit(
                "is not an ISO datetime; write e.g. 2024-05-01T10:00:00 (or 2024-05-01)", value
            ) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    if not isinstance(value, dt.datetime):
        raise _Misfit("is not a datetime; write e.g. 2024-05-01T10:00:00", value)
    if zone is None and value.tzinfo is not None:
        raise _Misfit(
            "has a UTC offset but the column has no time zone; drop the offset"
            " (write the time as the column holds it)",
            value,
        )
    if zone is not None and value.tzinfo is None:
        from zoneinfo import ZoneInfo

        value = value.replace(tzinfo=ZoneInfo(zone))  # read in the column's own zone
    result: dt.datetime = value
    return result
