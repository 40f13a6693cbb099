"""Dtype names a suite may use, and whether a Polars dtype matches one."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from .suite._catalog import did_you_mean

__all__ = ["DTYPES", "SCALAR_DTYPES", "dtype_matches", "parse_dtype"]

_EXACT: dict[str, type[pl.DataType]] = {
    "int8": pl.Int8,
    "int16": pl.Int16,
    "int32": pl.Int32,
    "int64": pl.Int64,
    "uint8": pl.UInt8,
    "uint16": pl.UInt16,
    "uint32": pl.UInt32,
    "uint64": pl.UInt64,
    "float32": pl.Float32,
    "float64": pl.Float64,
    "string": pl.String,
    "bool": pl.Boolean,
    "date": pl.Date,
    "datetime": pl.Datetime,
    "time": pl.Time,
    "duration": pl.Duration,
    "categorical": pl.Categorical,
    "enum": pl.Enum,
    "decimal": pl.Decimal,
    "binary": pl.Binary,
    "list": pl.List,
    "struct": pl.Struct,
    "null": pl.Null,
}
_SYNONYMS = {
    "str": "string",
    "utf8": "string",
    "boolean": "bool",
    "category": "categorical",
    "float": "float64",
    "double": "float64",
    "long": "int64",
}
_FAMILIES: dict[str, Callable[[pl.DataType], bool]] = {
    "integer": lambda d: d.is_integer(),
    "floating": lambda d: d.is_float(),
    "numeric": lambda d: d.is_numeric(),
    "temporal": lambda d: d.is_temporal(),
    "text": lambda d: isinstance(d, pl.String | pl.Categorical | pl.Enum),
}
#: The one concrete Polars type of each scalar dtype name (a datetime in microseconds, no zone):
#: what a column is cast or converted to (the service's JSON records, ``coerce: true``).
SCALAR_DTYPES: dict[str, pl.DataType] = {
    "int8": pl.Int8(),
    "int16": pl.Int16(),
    "int32": pl.Int32(),
    "int64": pl.Int64(),
    "uint8": pl.UInt8(),
    "uint16": pl.UInt16(),
    "uint32": pl.UInt32(),
    "uint64": pl.UInt64(),
    "float32": pl.Float32(),
    "float64": pl.Float64(),
    "string": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
    "time": pl.Time(),
}
#: Every accepted dtype name (synonyms included), for docs and the JSON Schema.
DTYPES: tuple[str, ...] = (*_EXACT, *_SYNONYMS, *_FAMILIES)


def parse_dtype(name: str) -> str:
    """The canonical dtype name for ``name``; ``ValueError`` with a hint when unknown."""
    key = name.strip().lower()
    key = _SYNONYMS.get(key, key)
    if key not in _EXACT and key not in _FAMILIES:
        raise ValueError(
            f"unknown dtype {name!r}{did_you_mean(key, DTYPES)}; use one of: {', '.join(DTYPES)}"
        )
    return key


def dtype_matches(actual: pl.DataType, expected: str) -> bool:
    """Whether a column of Polars dtype ``actual`` satisfies the suite's ``expected`` name.

    ``datetime`` matches any time unit and zone; families (``integer``, ``numeric``, ...)
    match any member.
    """
    key = parse_dtype(expected)
    if key in _FAMILIES:
        return _FAMILIES[key](actual)
    return actual.base_type() == _EXACT[key]
