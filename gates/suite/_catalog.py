"""The vocabulary a suite may use: pandera's built-in column checks and our table checks.

Names and argument names are pandera's own (``pandera.api.checks.Check``), so a user who
knows pandera has nothing new to learn. ``tests/gates/suite/test_catalog.py`` pins this
table against the installed pandera.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ._args import check_arguments

__all__ = ["COLUMN_CHECKS", "TABLE_CHECKS", "CheckSignature", "did_you_mean"]


@dataclass(frozen=True, slots=True)
class CheckSignature:
    """A check's name, its arguments, and which of them are required."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    #: Positional shorthand: ``in_range: [0, 10]`` fills these in order.
    positional: tuple[str, ...] = ()
    #: A single scalar fills this argument: ``greater_than: 0``.
    scalar: str | None = None
    doc: str = ""
    #: A table check (its arguments are validated by their table kinds).
    table: bool = False
    _accepted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_accepted", frozenset(self.required + self.optional))

    @property
    def params(self) -> tuple[str, ...]:
        """Every accepted argument name."""
        return self.required + self.optional

    def normalise(self, args: object) -> dict[str, object]:
        """Turn the YAML value of a check into keyword arguments, or raise ``ValueError``.

        Arguments seen valid before (the same values of the same types) are not checked
        again: a large suite repeats a few check items thousands of times.
        """
        kwargs = self._kwargs(args)
        key = _frozen(args)
        if key is None or (self.name, self.table, key) not in _VALID:
            self._check(kwargs)
            if key is not None and len(_VALID) < _VALID_MAX:
                _VALID.add((self.name, self.table, key))
        for arg in ("allowed_values", "forbidden_values"):  # isin: 5 is the set {5}, as in pandera
            if arg in kwargs and not isinstance(kwargs[arg], list):
                kwargs[arg] = [kwargs[arg]]
        return kwargs

    def _kwargs(self, args: object) -> dict[str, object]:
        """The YAML value of a check as keyword arguments (not yet checked)."""
        if args is None:
            return {}
        if type(args) is dict and all(type(k) is str for k in args):  # the YAML case, fast
            return dict(args)
        if isinstance(args, Mapping):
            return {str(k): v for k, v in args.items()}
        if isinstance(args, list | tuple) and self.positional:
            if len(args) > len(self.positional):
                raise ValueError(
                    f"check {self.name!r} takes at most {len(self.positional)} positional "
                    f"arguments ({', '.join(self.positional)}), got {len(args)}"
                )
            if len(args) == 1 and self.scalar is not None:  # str_length: [5] is exactly 5
                return {self.scalar: args[0]}
            return dict(zip(self.positional, args, strict=False))
        if self.scalar is not None:
            return {self.scalar: args}
        raise ValueError(
            f"check {self.name!r} takes a mapping of arguments ({', '.join(self.params) or 'none'}),"
            f" got {type(args).__name__} {args!r}"
        )

    def _check(self, kwargs: dict[str, object]) -> None:
        """``ValueError`` naming every problem with the arguments."""
        accepted = self._accepted
        unknown = [k for k in kwargs if k not in accepted]
        if unknown:
            hint = did_you_mean(unknown[0], self.params)
            raise ValueError(
                f"check {self.name!r} has no argument {unknown[0]!r}{hint}; "
                f"it takes: {', '.join(self.params) or 'no arguments'}"
            )
        missing = [k for k in self.required if k not in kwargs]
        if missing:
            raise ValueError(
                f"check {self.name!r} needs the argument{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}"
            )
        problems = check_arguments(self.name, kwargs, table=self.table)
        if problems:
            raise ValueError("; ".join(problems))


#: Check arguments found valid, by check and :func:`_frozen` value (only valid ones: a
#: message quotes the values as written, so a problem is always worked out afresh).
_VALID: set[tuple[str, bool, object]] = set()
_VALID_MAX = 100_000
#: Values whose validity is decided by type and value alone (no container, no object state).
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), bytes, dt.date, dt.datetime, dt.time})


def _frozen(value: object) -> object:
    """A hashable key equal only for YAML values of the same types and values, or None.

    Types are part of the key: ``1``, ``1.0`` and ``true`` are equal in Python but not valid
    for the same arguments.
    """
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return (kind, value)
    if kind is list:
        items = []
        for v in value:  # type: ignore[attr-defined]
            k = _frozen(v)
            if k is None:
                return None
            items.append(k)
        return (list, tuple(items))
    if kind is dict:
        pairs = []
        for name, v in value.items():  # type: ignore[attr-defined]
            if type(name) is not str:
                return None
            k = _frozen(v)
            if k is None:
                return None
            pairs.append((name, k))
        return (dict, tuple(pairs))
    return None


def _sig(
    name: str,
    *required: str,
    optional: tuple[str, ...] = (),
    positional: tuple[str, ...] = (),
    scalar: str | None = None,
    doc: str = "",
    table: bool = False,
) -> CheckSignature:
    return CheckSignature(name, tuple(required), optional, positional, scalar, doc, table)


#: pandera's built-in checks, by their pandera names (aliases map to the same signature).
COLUMN_CHECKS: dict[str, CheckSignature] = {
    s.name: s
    for s in [
        _sig("equal_to", "value", scalar="value", doc="every value equals `value`"),
        _sig("not_equal_to", "value", scalar="value", doc="no value equals `value`"),
        _sig("greater_than", "min_value", scalar="min_value", doc="value > min_value"),
        _sig("greater_than_or_equal_to", "min_value", scalar="min_value", doc="value >= min_value"),
        _sig("less_than", "max_value", scalar="max_value", doc="value < max_value"),
        _sig("less_than_or_equal_to", "max_value", scalar="max_value", doc="value <= max_value"),
        _sig(
            "in_range",
            "min_value",
            "max_value",
            optional=("include_min", "include_max"),
            positional=("min_value", "max_value", "include_min", "include_max"),
            doc="min_value <= value <= max_value (bounds inclusive unless include_min/include_max is false)",
        ),
        _sig(
            "isin", "allowed_values", scalar="allowed_values", doc="value is one of allowed_values"
        ),
        _sig(
            "notin",
            "forbidden_values",
            scalar="forbidden_values",
            doc="value is none of forbidden_values",
        ),
        _sig(
            "str_matches",
            "pattern",
            scalar="pattern",
            doc="the regex matches at the start of the string (the whole pattern: `^(?:pattern)`)",
        ),
        _sig(
            "str_contains",
            "pattern",
            scalar="pattern",
            doc="the regex matches somewhere in the string",
        ),
        _sig("str_startswith", "string", scalar="string", doc="the string starts with `string`"),
        _sig("str_endswith", "string", scalar="string", doc="the string ends with `string`"),
        _sig(
            "str_length",
            optional=("min_value", "max_value", "exact_value"),
            positional=("min_value", "max_value"),
            scalar="exact_value",
            doc="string length within bounds; `str_length: 5` (or `[5]`) is exactly 5, as in pandera",
        ),
        _sig(
            "unique_values_eq",
            "values",
            scalar="values",
            doc="the set of distinct values equals `values`",
        ),
    ]
}
#: pandera's short aliases.
ALIASES: dict[str, str] = {
    "eq": "equal_to",
    "ne": "not_equal_to",
    "gt": "greater_than",
    "ge": "greater_than_or_equal_to",
    "lt": "less_than",
    "le": "less_than_or_equal_to",
    "between": "in_range",
}

#: Table-level checks (our own; run by the ``table`` engine).
TABLE_CHECKS: dict[str, CheckSignature] = {
    s.name: s
    for s in [
        _sig(
            "row_count",
            optional=("min", "max", "equal"),
            table=True,
            doc="number of rows within bounds",
        ),
        _sig(
            "unique",
            "columns",
            scalar="columns",
            table=True,
            doc="no two rows share the values of `columns` (compound key)",
        ),
        _sig("no_duplicate_rows", table=True, doc="no two rows are identical across every column"),
        _sig(
            "columns_present",
            "columns",
            scalar="columns",
            table=True,
            doc="every listed column exists",
        ),
        _sig(
            "expression",
            "sql",
            scalar="sql",
            table=True,
            doc="a row-level SQL expression (Polars SQL) that must be true; false rows fail, nulls are skipped",
        ),
        _sig(
            "freshness",
            "column",
            "max_age",
            optional=("now",),
            table=True,
            doc="the newest value of `column` (a date or datetime) is at most `max_age` (1d, 12h, ...)"
            " older than now (or `now:`, or $GATES_NOW)",
        ),
        _sig(
            "query",
            "sql",
            scalar="sql",
            table=True,
            doc="a DuckDB query over the table `data` that returns the failing rows",
        ),
    ]
}


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"``-style hint (empty when nothing is close)."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
