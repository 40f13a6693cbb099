"""``coerce: true``: columns converted to their declared ``dtype`` before any check reads them.

pandera's ``coerce`` for datagates' three backends. A column whose suite entry has a ``dtype``
and ``coerce: true`` (or sits in a suite with ``coerce: true``) is converted once, before the
checks, on the backend that runs them (a Polars expression, a DuckDB projection, a Spark
``select``): every check and the failing-row samples see the converted column. Its ``dtype``
check then says whether the conversion lost anything: a value that did not convert (``"n/a"``
in an integer column, ``1.5`` for ``int64``, ``2024-13-01`` for ``date``) fails it, with the
count and the first values in the message; such values are null for the other checks.

The rules are the same on every backend (docs/suite.md, "coerce"):

- text → integer: optional sign and digits, blanks around them allowed (``" 12"``, ``"-3"``);
  text → float: what the backend parses as a float (``"1.5"``, ``"1e3"``, ``"nan"``);
  text → bool: ``true``/``false``/``1``/``0`` in any case; text → date: ``YYYY-MM-DD``;
  text → datetime: ``YYYY-MM-DD[ T]HH:MM[:SS[.fff]]`` or a bare date (midnight).
- number ↔ number, bool → number, date ↔ datetime: converted when the value survives the
  round trip (``2.0`` → ``2``; ``2.5``, ``300`` for ``int8`` and a datetime with a time for
  ``date`` fail).
- anything → string: always converts.

Other pairs (a number to a date, a list to anything) are refused without reading the data:
the ``dtype`` check fails and says so. Suite-level ``coerce`` converts only columns whose
``dtype`` names one type (not a family such as ``numeric``); those are checked as before.

Entry point: :func:`coerce_columns`, called by :func:`gates.check` once the data is loaded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl

from ._dtypes import SCALAR_DTYPES, dtype_matches, parse_dtype
from ._io._names import row_index_name, sample_row
from ._result import CheckResult

if TYPE_CHECKING:
    from ._io import Dataset
    from .suite import LoadedSuite

__all__ = ["COERCIBLE", "Coerced", "coerce_columns", "coerce_problem"]

#: The dtypes a column can be coerced to, with the Polars type it becomes.
COERCIBLE: dict[str, pl.DataType] = {k: t for k, t in SCALAR_DTYPES.items() if k != "time"}
#: DuckDB's and Spark's names for each target (None: that backend has no such type).
_SQL_TYPES: dict[str, tuple[str, str | None]] = {
    "int8": ("TINYINT", "tinyint"),
    "int16": ("SMALLINT", "smallint"),
    "int32": ("INTEGER", "int"),
    "int64": ("BIGINT", "bigint"),
    "uint8": ("UTINYINT", None),
    "uint16": ("USMALLINT", None),
    "uint32": ("UINTEGER", None),
    "uint64": ("UBIGINT", None),
    "float32": ("FLOAT", "float"),
    "float64": ("DOUBLE", "double"),
    "string": ("VARCHAR", "string"),
    "bool": ("BOOLEAN", "boolean"),
    "date": ("DATE", "date"),
    "datetime": ("TIMESTAMP", "timestamp"),
}
_INT_TEXT = "^[+-]?[0-9]+$"  # matched after trimming
#: Datetime text formats tried in order, as (Polars, DuckDB) strftime patterns.
_DATETIME_FORMATS = (
    ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S.%f"),
    ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S.%f"),
    ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"),
    ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S"),
    ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M"),
    ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M"),
)
#: The same on Spark, whose text has its 'T' replaced by a space first.
_SPARK_DATETIME_FORMATS = (
    "yyyy-MM-dd HH:mm:ss[.SSSSSS]",
    "yyyy-MM-dd HH:mm:ss",
    "yyyy-MM-dd HH:mm",
)
#: A lowering's answer: the converted data; per column the count that did not convert, the
#: first such values and the sample rows; the row count.
_Lowered = tuple["Dataset", dict[str, tuple[int, list[Any], tuple[Mapping[str, Any], ...]]], int]
#: Values shown in a failed check's message.
_SHOWN = 5


def coerce_problem(dtype: str) -> str | None:
    """Why a column cannot be coerced to ``dtype`` (None: it can); checked when the suite loads."""
    key = parse_dtype(dtype)
    if key in COERCIBLE:
        return None
    return (
        f"coerce: true cannot convert to {dtype!r}; coerce needs one type"
        f" ({', '.join(COERCIBLE)}), or drop coerce for this column"
    )


def coerced_dtypes(loaded: LoadedSuite) -> dict[str, str]:
    """Column → the dtype it is coerced to, for every column the suite coerces."""
    suite = loaded.suite
    out = {}
    for column, spec in suite.columns.items():
        wanted = suite.coerce if spec.coerce is None else spec.coerce
        if wanted and spec.dtype is not None and parse_dtype(spec.dtype) in COERCIBLE:
            out[column] = parse_dtype(spec.dtype)
    return out


@dataclasses.dataclass(frozen=True)
class Coerced:
    """The data with its columns converted, and each coerced column's ``dtype`` result."""

    dataset: Dataset
    results: tuple[CheckResult, ...] = ()

    @property
    def columns(self) -> frozenset[str]:
        """The columns whose ``dtype`` check these results are (the schema engine skips them)."""
        return frozenset(r.column for r in self.results if r.column)


def _kind(dtype: pl.DataType) -> str:
    if dtype == pl.String:
        return "text"
    if dtype.is_numeric() or dtype == pl.Boolean:
        return "number"
    if dtype in (pl.Date,) or isinstance(dtype, pl.Datetime):
        return "temporal"
    return "other"


def _refusal(raw: pl.DataType, target: str) -> str | None:
    """Why a ``raw`` column cannot become ``target`` at all (None: it may, value by value)."""
    if target == "string" or _kind(raw) == "text":
        return None
    want = _kind(COERCIBLE[target])
    if _kind(raw) == want and want != "other":
        return None
    return (
        f"a {raw} column cannot be coerced to {target}; convert it before the gate or change dtype"
    )


def coerce_columns(dataset: Dataset, loaded: LoadedSuite, *, sample_size: int) -> Coerced:
    """``dataset`` with every coerced column converted, and one ``dtype`` result per column.

    A column already of its type is left alone and left to the schema engine. Converting reads
    the coerced columns once (one aggregate pass counting what did not convert).
    """
    wanted = coerced_dtypes(loaded)
    schema = dataset.schema
    todo = {c: t for c, t in wanted.items() if c in schema and not dtype_matches(schema[c], t)}
    if not todo:
        return Coerced(dataset)
    suite = loaded.suite
    results: list[CheckResult] = []
    convert: dict[str, str] = {}
    for column, target in todo.items():
        refusal = _refusal(schema[column], target)
        spec = suite.columns[column]
        if refusal is None and dataset.backend == "spark" and _SQL_TYPES[target][1] is None:
            refusal = (
                f"Spark has no {target} type; coerce to a signed integer or run on Polars/DuckDB"
            )
        if refusal is not None:
            results.append(_result(column, spec, suite, schema[column], target, error=refusal))
        else:
            convert[column] = target
    if convert:
        lower = {"polars": _polars, "duckdb": _duckdb, "spark": _spark}[dataset.backend]
        out, counts, rows = lower(dataset, convert, sample_size)
        if out._rows is None and not dataset.is_text:
            # counted in the same pass: saves the row-count pass (not for CSV/JSON, whose
            # row count is the strict parse of every field that catches a malformed line)
            out._rows = rows
        for column, target in convert.items():
            bad, values, sample = counts[column]
            results.append(
                _result(
                    column,
                    suite.columns[column],
                    suite,
                    schema[column],
                    target,
                    bad=bad,
                    rows=rows,
                    values=values,
                    sample=sample,
                )
            )
        dataset = out
    return Coerced(dataset, tuple(results))


def _result(
    column: str,
    spec: Any,
    suite: Any,
    raw: pl.DataType,
    target: str,
    *,
    bad: int = 0,
    rows: int = 0,
    values: list[Any] | None = None,
    sample: tuple[Mapping[str, Any], ...] = (),
    error: str | None = None,
) -> CheckResult:
    common: dict[str, Any] = {
        "id": f"{column}::dtype",
        "name": "dtype",
        "engine": "schema",
        "column": column,
        "severity": spec.severity or suite.severity,
        "expected": spec.dtype,
    }
    if error is not None:
        return CheckResult(**common, passed=False, observed=str(raw), message=error, error=error)
    shown = ", ".join(repr(v) for v in (values or [])[:_SHOWN])
    message = (
        f"dtype {raw} coerced to {target}"
        if not bad
        else f"{bad:,} value{'s' if bad != 1 else ''} of {raw} did not coerce to {target}"
        f" (e.g. {shown}); fix them or blank them"
    )
    return CheckResult(
        **common,
        passed=not bad,
        observed=str(raw) if not bad else f"{bad} not coercible",
        message=message,
        failing_count=bad,
        failing_fraction=bad / rows if rows else 0.0,
        sample=sample,
        details={"coerced_from": str(raw), "coerced_to": target},
    )


# ---------------------------------------------------------------------------- Polars


def _polars_expr(name: str, raw: pl.DataType, target: str) -> pl.Expr:
    col = pl.col(name)
    dtype = COERCIBLE[target]
    if target == "string":
        return col.cast(pl.String)
    if raw == pl.String:
        text = col.str.strip_chars()
        if dtype.is_integer():
            ok = text.str.contains(_INT_TEXT)
            return pl.when(ok).then(text.str.strip_prefix("+").cast(dtype, strict=False))
        if dtype.is_float():
            return text.cast(dtype, strict=False)
        if target == "bool":
            low = text.str.to_lowercase()
            return (
                pl.when(low.is_in(["true", "1"]))
                .then(True)
                .when(low.is_in(["false", "0"]))
                .then(False)
                .otherwise(None)
            )
        if target == "date":
            return pl.when(text.str.len_chars() == 10).then(
                text.str.to_date("%Y-%m-%d", strict=False)
            )
        tries = [
            text.str.to_datetime(p, time_unit="us", strict=False) for p, _ in _DATETIME_FORMATS
        ]
        tries.append(
            pl.when(text.str.len_chars() == 10)
            .then(text.str.to_date("%Y-%m-%d", strict=False))
            .cast(pl.Datetime("us"))
        )
        return pl.coalesce(tries)
    return col.cast(dtype, strict=False)


def _polars_bad(name: str, raw: pl.DataType, target: str, new: pl.Expr) -> pl.Expr:
    """True where a non-null value did not convert (or did not survive the round trip)."""
    col = pl.col(name)
    missed = col.is_not_null() & new.is_null()
    if target != "string" and raw != pl.String:
        missed = missed | (new.is_not_null() & (new.cast(raw, strict=False) != col).fill_null(True))
    return missed


def _polars(dataset: Dataset, convert: dict[str, str], sample_size: int) -> _Lowered:
    schema = dataset.schema
    index = row_index_name(dataset.columns)
    new = {c: _polars_expr(c, schema[c], t) for c, t in convert.items()}
    bad = {c: _polars_bad(c, schema[c], t, new[c]) for c, t in convert.items()}
    aggs: list[pl.Expr] = [pl.len().alias("rows")]
    for i, c in enumerate(convert):
        aggs.append(bad[c].sum().alias(f"n{i}"))
        aggs.append(
            pl.col(c).filter(bad[c]).head(max(sample_size, _SHOWN)).implode().alias(f"v{i}")
        )
        aggs.append(pl.col(index).filter(bad[c]).head(sample_size).implode().alias(f"r{i}"))
    row = dataset.lazy.with_row_index(index).select(aggs).collect(engine="streaming").row(0)
    counts: dict[str, tuple[int, list[Any], tuple[Mapping[str, Any], ...]]] = {}
    for i, c in enumerate(convert):
        n, values, at = row[1 + 3 * i : 4 + 3 * i]
        sample = tuple(sample_row(r, {c: v}) for r, v in zip(at, values, strict=False))
        counts[c] = (int(n), list(values), sample)
    lazy = dataset.lazy.with_columns(
        [
            (pl.when(~bad[c]).then(new[c]) if schema[c] != pl.String else new[c]).alias(c)
            for c in convert
        ]
    )
    out = dataclasses.replace(dataset, lazy=lazy, _schema=None)
    return out.take_identity(dataset), counts, int(row[0])


# ---------------------------------------------------------------------------- DuckDB and Spark


def _quote(name: str, q: str) -> str:
    return q + name.replace(q, q + q) + q


def _sql_expr(col: str, raw: pl.DataType, target: str, *, spark: bool) -> tuple[str, str]:
    """(converted, not-converted condition) as SQL over the quoted column ``col``."""
    sql_type = _SQL_TYPES[target][1 if spark else 0]
    dtype = COERCIBLE[target]
    if target == "string":
        return f"CAST({col} AS {sql_type})", "FALSE"
    if raw == pl.String:
        text = f"trim({col})"
        if dtype.is_integer():
            match = (
                f"{text} RLIKE '{_INT_TEXT}'"
                if spark
                else f"regexp_full_match({text}, '{_INT_TEXT[1:-1]}')"
            )
            new = f"CASE WHEN {match} THEN TRY_CAST({text} AS {sql_type}) END"
        elif dtype.is_float():
            new = f"TRY_CAST({text} AS {sql_type})"
        elif target == "bool":
            new = (
                f"CASE WHEN lower({text}) IN ('true', '1') THEN TRUE"
                f" WHEN lower({text}) IN ('false', '0') THEN FALSE END"
            )
        elif target == "date":
            parse = (
                f"try_to_date({text}, 'yyyy-MM-dd')"
                if spark
                else f"CAST(TRY_STRPTIME({text}, '%Y-%m-%d') AS DATE)"
            )
            new = f"CASE WHEN length({text}) = 10 THEN {parse} END"
        else:
            if spark:
                # the 'T' between date and time becomes a space: Spark's quoted 'T' needs quotes
                # inside a SQL literal, which its parser reads differently by setting
                spaced = f"replace({text}, 'T', ' ')"
                parts = [f"try_to_timestamp({spaced}, '{f}')" for f in _SPARK_DATETIME_FORMATS]
                parts.append(
                    f"CASE WHEN length({text}) = 10 THEN CAST(try_to_date({text}, 'yyyy-MM-dd') AS timestamp) END"
                )
                new = f"CAST(coalesce({', '.join(parts)}) AS timestamp_ntz)"
            else:
                fmts = ", ".join(f"'{d}'" for _, d in _DATETIME_FORMATS)
                new = (
                    f"coalesce(TRY_STRPTIME({text}, [{fmts}]), CASE WHEN length({text}) = 10"
                    f" THEN CAST(TRY_STRPTIME({text}, '%Y-%m-%d') AS TIMESTAMP) END)"
                )
        return new, f"({col} IS NOT NULL AND ({new}) IS NULL)"
    new = f"TRY_CAST({col} AS {sql_type})"
    raw_type = _raw_sql_type(raw, spark=spark)
    lost = f"TRY_CAST({new} AS {raw_type}) IS DISTINCT FROM {col}"
    if raw.is_float() and not dtype.is_float():
        lost = f"(isnan({col}) OR {lost})"
    return new, f"({col} IS NOT NULL AND ({new} IS NULL OR {lost}))"


def _raw_sql_type(raw: pl.DataType, *, spark: bool) -> str:
    for name, dtype in COERCIBLE.items():
        if raw == dtype or (isinstance(raw, pl.Datetime) and name == "datetime"):
            if spark and name == "datetime":
                return "timestamp_ntz" if raw.time_zone is None else "timestamp"  # type: ignore[attr-defined]
            sql = _SQL_TYPES[name][1 if spark else 0]
            if sql is not None:
                return sql
    return "string" if spark else "VARCHAR"


def _duckdb(dataset: Dataset, convert: dict[str, str], sample_size: int) -> _Lowered:
    from ._io._dataset import Dataset as _Dataset
    from .backends import get_backend

    rel = dataset.native
    schema = dataset.schema
    exprs = {c: _sql_expr(_quote(c, '"'), schema[c], t, spark=False) for c, t in convert.items()}
    keep = max(sample_size, _SHOWN)
    aggs = ["count(*)"]
    for c, (_, bad) in exprs.items():
        q = _quote(c, '"')
        aggs.append(f"count(*) FILTER (WHERE {bad})")
        aggs.append(f"(list({q}) FILTER (WHERE {bad}))[1:{keep}]")
    row = rel.query("__gates_src", f"SELECT {', '.join(aggs)} FROM __gates_src").fetchall()[0]
    counts: dict[str, tuple[int, list[Any], tuple[Mapping[str, Any], ...]]] = {}
    for i, c in enumerate(convert):
        n, values = int(row[1 + 2 * i]), list(row[2 + 2 * i] or [])
        sample = tuple({c: v} for v in values[:sample_size])
        counts[c] = (n, values, sample)
    select = ", ".join(
        f"CASE WHEN NOT {exprs[c][1]} THEN {exprs[c][0]} END AS {_quote(c, chr(34))}"
        if c in exprs
        else _quote(c, '"')
        for c in dataset.columns
    )
    # a view over the data, not a second copy: every pass reads the conversion as it goes
    view = rel.query("__gates_src", f"SELECT {select} FROM __gates_src")
    out = _Dataset(
        source=dataset.source,
        format=dataset.format,
        lazy=view.pl(lazy=True),
        backend="duckdb",
        native=view,
    )
    out._schema = get_backend("duckdb").schema(view)
    return out.take_identity(dataset), counts, int(row[0])


def _spark(dataset: Dataset, convert: dict[str, str], sample_size: int) -> _Lowered:
    from pyspark.sql import functions as F

    from ._io._dataset import from_native

    df = dataset.native
    schema = dataset.schema
    exprs = {c: _sql_expr(_quote(c, "`"), schema[c], t, spark=True) for c, t in convert.items()}
    keep = max(sample_size, _SHOWN)
    aggs = [F.count(F.lit(1))]
    for c, (_, bad) in exprs.items():
        aggs.append(F.count_if(F.expr(bad)))
        aggs.append(F.slice(F.collect_list(F.when(F.expr(bad), F.col(_quote(c, "`")))), 1, keep))
    row = df.agg(*aggs).first()
    counts: dict[str, tuple[int, list[Any], tuple[Mapping[str, Any], ...]]] = {}
    for i, c in enumerate(convert):
        n, values = int(row[1 + 2 * i]), list(row[2 + 2 * i] or [])
        counts[c] = (n, values, tuple({c: v} for v in values[:sample_size]))
    cols = [
        F.expr(f"CASE WHEN NOT {exprs[c][1]} THEN {exprs[c][0]} END").alias(c)
        if c in exprs
        else F.col(_quote(c, "`"))
        for c in dataset.columns
    ]
    out = from_native(df.select(*cols), "spark", source=dataset.source)
    return out.take_identity(dataset), counts, int(row[0])
