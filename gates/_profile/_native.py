"""The profile's statistics passes where the data lives: DuckDB or Spark, in SQL.

The same plan as :mod:`._stats` (pass 1: one aggregate query over every column; pass 2: one
``UNION ALL`` query of every histogram and one ``GROUP BY`` per top-value list), written once
as SQL and lowered through a small :class:`Dialect` (quoting, quantile, epoch and byte-length
functions). Only aggregates and at most ``SAMPLE_WINDOW`` leading rows (for the five samples
per column) come back to Python; a Spark frame is never collected. Quantiles are exact on
both (DuckDB ``quantile_cont``, Spark ``percentile``: linear interpolation, as Polars), and so
are distinct counts (``count(DISTINCT ...)``) and duplicate rows (``SELECT DISTINCT *``).
"""

from __future__ import annotations

import decimal
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .._errors import InputError
from ._second import HistSpec, SecondResult
from ._stats import QUANTILES, SAMPLE_WINDOW, kind_of
from ._text import TEXT_SAMPLE_ROWS

__all__ = [
    "DIALECTS",
    "Dialect",
    "native_cramers",
    "native_guard",
    "native_pass_one",
    "native_pass_two",
    "native_spearman",
]

_counter = itertools.count()


@dataclass(frozen=True)
class Dialect:
    """How one engine spells what the plan needs."""

    name: str
    #: ``col`` → a quoted identifier
    quote: Callable[[str], str]
    #: ``(expr, qs)`` → the exact linear-interpolated quantiles, as one list aggregate
    quantiles: Callable[[str, Sequence[float]], str]
    #: the string type's name in a CAST
    string: str
    #: epoch value of a timestamp in a Polars time unit: ``(expr, unit)`` → SQL
    epoch: Callable[[str, str], str]
    #: days since 1970-01-01 of a date
    days: Callable[[str], str]
    #: UTF-8 bytes of a string
    nbytes: Callable[[str], str]
    #: run a query over the native frame; returns rows as dicts
    run: Callable[[Any, str], list[dict[str, Any]]]
    #: the first ``n`` rows as a Polars frame
    head: Callable[[Any, int], pl.DataFrame]
    #: ``(expr, k)`` → true for about one value in k (a hash of the value; the text sample)
    sampled: Callable[[str, int], str]


def _duck_run(rel: Any, sql: str) -> list[dict[str, Any]]:
    out = rel.query("__gates_t", sql)
    names = [d[0] for d in out.description]
    return [dict(zip(names, row, strict=True)) for row in out.fetchall()]


def _spark_run(df: Any, sql: str) -> list[dict[str, Any]]:
    view = f"__gates_t_{next(_counter)}"
    df.createOrReplaceTempView(view)
    try:
        rows = df.sparkSession.sql(sql.replace("__gates_t", view)).collect()
    finally:
        df.sparkSession.catalog.dropTempView(view)
    return [r.asDict() for r in rows]


def _spark_head(df: Any, n: int) -> pl.DataFrame:
    frame = pl.from_arrow(df.limit(n).toArrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


_DUCK_EPOCH = {"ns": "epoch_ns", "us": "epoch_us", "ms": "epoch_ms"}
_SPARK_EPOCH = {"us": "unix_micros", "ms": "unix_millis", "ns": "unix_micros"}

DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect(
        name="duckdb",
        quote=lambda c: '"' + c.replace('"', '""') + '"',
        quantiles=lambda x, qs: f"quantile_cont({x}, [{', '.join(map(repr, qs))}])",
        string="VARCHAR",
        epoch=lambda x, unit: f"{_DUCK_EPOCH[unit]}({x})",
        days=lambda x: f"datediff('day', DATE '1970-01-01', {x})",
        nbytes=lambda x: f"strlen({x})",
        run=_duck_run,
        head=lambda rel, n: rel.limit(n).pl(),
        sampled=lambda x, k: f"hash({x}) % {int(k)} = 0",
    ),
    "spark": Dialect(
        name="spark",
        quote=lambda c: "`" + c.replace("`", "``") + "`",
        quantiles=lambda x, qs: f"percentile({x}, array({', '.join(map(repr, qs))}))",
        string="STRING",
        epoch=lambda x, unit: f"{_SPARK_EPOCH[unit]}({x})" + (" * 1000" if unit == "ns" else ""),
        days=lambda x: f"unix_date({x})",
        nbytes=lambda x: f"octet_length({x})",
        run=_spark_run,
        head=_spark_head,
        sampled=lambda x, k: f"pmod(hash({x}), {int(k)}) = 0",
    ),
}

_INF = "CAST('Infinity' AS DOUBLE)"


def native_guard(step: Callable[[], Any], source: str) -> Any:
    """Run a step, turning DuckDB's and Spark's errors into one-line :class:`InputError`."""
    import duckdb

    errors: tuple[type[BaseException], ...] = (duckdb.Error,)
    try:
        from pyspark.errors import PySparkException

        errors += (PySparkException,)
    except ImportError:  # pragma: no cover - pyspark is an extra
        pass
    try:
        return step()
    except errors as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{source}: profiling failed in the engine: {first}", source=source
        ) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _value(d: Dialect, name: str, dtype: pl.DataType) -> str | None:
    """The column as the plan profiles it (numbers; temporals as their physical value)."""
    col = d.quote(name)
    kind = kind_of(dtype)
    if kind == "decimal":
        return f"CAST({col} AS DOUBLE)"
    if kind == "temporal":
        if isinstance(dtype, pl.Date):
            return d.days(col)
        if isinstance(dtype, pl.Datetime):
            return d.epoch(col, str(dtype.time_unit))
        return None  # Duration and Time: counted, not summarised
    return col


def _finite(x: str, kind: str) -> str:
    if kind == "float":
        return f"CASE WHEN isnan({x}) OR abs({x}) = {_INF} THEN NULL ELSE {x} END"
    return x


def native_pass_one(
    native: Any, dialect: str, schema: Mapping[str, pl.DataType], *, duplicates: bool = True
) -> tuple[int, int | None, list[dict[str, Any]]]:
    """Rows, duplicate rows and each column's raw statistics, as :func:`._stats.pass_one`."""
    d = DIALECTS[dialect]
    parts = ["count(*) AS r"]
    for i, (name, dtype) in enumerate(schema.items()):
        kind = kind_of(dtype)
        col = d.quote(name)
        parts.append(f"count(*) - count({col}) AS c{i}_null_count")
        if kind == "other":
            continue
        parts.append(f"count(DISTINCT {col}) AS c{i}_distinct")
        x = _value(d, name, dtype)
        if kind in ("integer", "float", "decimal", "temporal") and x is not None:
            f = _finite(x, kind)
            parts += [
                f"CAST(min({f}) AS DOUBLE) AS c{i}_min",
                f"CAST(max({f}) AS DOUBLE) AS c{i}_max",
            ]
            parts.append(f"{d.quantiles(f, list(QUANTILES.values()))} AS c{i}_quantiles")
            if kind != "temporal":
                parts += [
                    f"avg(CAST({f} AS DOUBLE)) AS c{i}_mean",
                    f"stddev_samp(CAST({f} AS DOUBLE)) AS c{i}_std",
                    f"sum(CAST({f} AS DOUBLE)) AS c{i}_sum",
                    f"count({f}) AS c{i}_finite",
                    f"sum(CASE WHEN {x} = 0 THEN 1 ELSE 0 END) AS c{i}_zeros",
                    f"sum(CASE WHEN {x} < 0 THEN 1 ELSE 0 END) AS c{i}_negatives",
                ]
            if kind == "float":
                parts += [
                    f"sum(CASE WHEN isnan({x}) THEN 1 ELSE 0 END) AS c{i}_nan_count",
                    f"sum(CASE WHEN abs({x}) = {_INF} THEN 1 ELSE 0 END) AS c{i}_inf_count",
                ]
            elif kind == "decimal":
                parts += [f"0 AS c{i}_nan_count", f"0 AS c{i}_inf_count"]
        elif kind == "bool":
            parts.append(f"sum(CASE WHEN {col} THEN 1 ELSE 0 END) AS c{i}_true_count")
        elif kind == "string":
            s = f"CAST({col} AS {d.string})"
            parts += [
                f"min(length({s})) AS c{i}_len_min",
                f"max(length({s})) AS c{i}_len_max",
                f"avg(length({s})) AS c{i}_len_mean",
                f"sum({d.nbytes(s)}) AS c{i}_bytes",
                f"min({s}) AS c{i}_min_str",
                f"max({s}) AS c{i}_max_str",
            ]
    (row,) = d.run(native, f"SELECT {', '.join(parts)} FROM __gates_t")
    rows = int(row["r"])
    out: list[dict[str, Any]] = [{} for _ in schema]
    for key, value in row.items():
        if key == "r":
            continue
        idx, _, stat = key[1:].partition("_")
        out[int(idx)][stat] = _plain(value)
    for st in out:
        if "quantiles" in st:
            qs = st["quantiles"]
            st["quantiles"] = [
                None if q is None else float(q) for q in (qs or [None] * len(QUANTILES))
            ]
        st["distinct_method"] = "exact"
        for key in ("min", "max", "mean", "std", "sum", "len_mean"):
            if st.get(key) is not None:
                st[key] = float(st[key])
        if st.get("std") is not None and not math.isfinite(st["std"]):
            st["std"] = None
    dupes = None
    if duplicates and len(schema):
        (uniq,) = d.run(native, "SELECT count(*) AS u FROM (SELECT DISTINCT * FROM __gates_t) AS d")
        dupes = rows - int(uniq["u"])
    head = d.head(native, SAMPLE_WINDOW)
    for i, name in enumerate(schema):
        if kind_of(schema[name]) != "other" and name in head.columns:
            out[i]["samples"] = _samples(head[name], schema[name])
    return rows, dupes, out


def _samples(series: pl.Series, dtype: pl.DataType, n: int = 5) -> list[Any]:
    """The first ``n`` non-null values, shown as the Polars path shows them."""
    s = series.drop_nulls().head(n)
    kind = kind_of(dtype)
    if kind == "string":
        s = s.cast(pl.String)
    elif kind in ("temporal", "decimal"):
        s = s.dt.to_string() if isinstance(s.dtype, pl.Duration) else s.cast(pl.String)
    return s.to_list()


def _top_values(
    native: Any,
    d: Dialect,
    schema: Mapping[str, pl.DataType],
    top: Mapping[str, int | None],
    *,
    where: Mapping[str, str] | None = None,
) -> dict[str, list[tuple[Any, int]]]:
    """Every column's top values in one ``UNION ALL`` query, ranked by count then typed value
    (a limit of None: every distinct value)."""
    names = list(top)
    branches = []
    for j, name in enumerate(names):
        col = d.quote(name)
        v = f"CAST({col} AS {d.string})" if kind_of(schema[name]) == "string" else col
        branches.append(
            f"SELECT {j} AS j, CAST(v AS {d.string}) AS v, n FROM (SELECT v, n, row_number() "
            f"OVER (ORDER BY n DESC, v ASC) AS rk FROM (SELECT {v} AS v, count(*) AS n FROM "
            f"__gates_t WHERE {col} IS NOT NULL GROUP BY {v}) AS g{j}) AS r{j} "
            f"WHERE rk <= {int(top[name] or 0)}"
            if top[name] is not None
            else f"SELECT {j} AS j, CAST({v} AS {d.string}) AS v, count(*) AS n FROM __gates_t "
            f"WHERE {col} IS NOT NULL{' AND ' + where[name] if where and name in where else ''} "
            f"GROUP BY {v}"
        )
    found: dict[int, list[tuple[Any, int]]] = {j: [] for j in range(len(names))}
    if branches:
        for row in d.run(native, " UNION ALL ".join(branches)):
            j = int(row["j"])
            found[j].append((_typed(row["v"], schema[names[j]]), int(row["n"])))
    return {name: sorted(found[j], key=lambda vn: (-vn[1], vn[0])) for j, name in enumerate(names)}


def _typed(text: str, dtype: pl.DataType) -> Any:
    """A top value back from its text (the union holds every column as a string)."""
    kind = kind_of(dtype)
    if kind == "integer":
        return int(text)
    if kind == "bool":
        return text.lower() == "true"
    return text


def native_pass_two(
    native: Any,
    dialect: str,
    schema: Mapping[str, pl.DataType],
    *,
    hists: Mapping[str, HistSpec],
    top: Mapping[str, int],
    correlations: Sequence[tuple[str, str]] = (),
    text: Mapping[str, bool] | None = None,
    times: Sequence[str] = (),
    rows: int = 0,
) -> SecondResult:
    """Histogram counts, top values, Pearson correlations, text and time statistics, as
    :func:`._second.pass_two`.

    A text column with top values gets its statistics from every distinct value and count (as
    on Polars); one without, from every row up to 20,000 rows, else from the values whose hash
    is 0 modulo ⌈rows / 20,000⌉ (``text.method: hash_sample``; Polars takes every k-th row).
    """
    d = DIALECTS[dialect]
    counts: dict[str, dict[str, Any]] = {}
    selects = []
    names = list(hists)
    for j, name in enumerate(names):
        spec, dtype = hists[name], schema[name]
        x = _value(d, name, dtype)
        if x is None:
            continue
        f = _finite(f"CAST({x} AS DOUBLE)", kind_of(dtype))
        lo, hi, bins = repr(spec.lo), repr(spec.hi), spec.bins
        bin_sql = (
            f"CASE WHEN {f} = {hi} THEN {bins - 1} "
            f"ELSE CAST(floor(({f} - {lo}) / ({hi} - {lo}) * {bins}) AS BIGINT) END"
        )
        selects.append(
            f"SELECT {j} AS j, b, count(*) AS n FROM (SELECT {bin_sql} AS b FROM __gates_t "
            f"WHERE {f} IS NOT NULL) AS h{j} GROUP BY b"
        )
    found: dict[int, list[tuple[int, int]]] = {}
    if selects:
        for row in d.run(native, " UNION ALL ".join(selects)):
            found.setdefault(int(row["j"]), []).append((int(row["b"]), int(row["n"])))
    for j, name in enumerate(names):
        if j not in found and _value(d, name, schema[name]) is None:
            continue
        spec = hists[name]
        binned = [0] * spec.bins
        under = over = 0
        for b, n in found.get(j, []):
            if b < 0:
                under += n
            elif b >= spec.bins:
                over += n
            else:
                binned[b] += n
        counts[name] = {"edges": spec.edges, "counts": binned, "underflow": under, "overflow": over}
    text = text or {}
    limits: dict[str, int | None] = {n: (None if n in text else k) for n, k in top.items()}
    k_text = max(1, math.ceil(rows / TEXT_SAMPLE_ROWS))
    sampled = [n for n in text if n not in top]
    limits.update(dict.fromkeys(sampled))
    groups = _top_values(native, d, schema, limits, where=_text_filters(d, sampled, k_text))
    tops = {n: groups[n][: top[n]] for n in top}
    extras = _native_text(native, d, groups, text, sampled, k_text)
    for name in times:
        coverage = _native_time(native, d, name, schema[name])
        if coverage is not None:
            extras.setdefault(name, {})["time"] = coverage
    corr: dict[tuple[str, str], float | None] = {}
    if correlations:
        parts = []
        for j, (left, right) in enumerate(correlations):
            xa = _finite(f"CAST({d.quote(left)} AS DOUBLE)", "float")
            xb = _finite(f"CAST({d.quote(right)} AS DOUBLE)", "float")
            parts.append(f"corr({xa}, {xb}) AS r{j}")
        (row,) = d.run(native, f"SELECT {', '.join(parts)} FROM __gates_t")
        for j, pair in enumerate(correlations):
            value = row[f"r{j}"]
            corr[pair] = float(value) if value is not None and math.isfinite(value) else None
    return counts, tops, corr, extras


def _text_filters(d: Dialect, names: Sequence[str], k: int) -> dict[str, str]:
    """The hash-sample condition of each sampled text column (none when every row is read)."""
    if k <= 1:
        return {}
    return {n: d.sampled(f"CAST({d.quote(n)} AS {d.string})", k) for n in names}


def _native_text(
    native: Any,
    d: Dialect,
    groups: Mapping[str, list[tuple[Any, int]]],
    text: Mapping[str, bool],
    sampled: Sequence[str],
    k: int,
) -> dict[str, dict[str, Any]]:
    """Text statistics from each column's distinct values and counts (:mod:`._text`)."""
    from ._text import text_from_counts

    empties: dict[str, int] = {}
    if sampled and k > 1:  # the empty count stays exact: one aggregate over every row
        parts = [
            f"sum(CASE WHEN CAST({d.quote(n)} AS {d.string}) = '' THEN 1 ELSE 0 END) AS e{j}"
            for j, n in enumerate(sampled)
        ]
        (row,) = d.run(native, f"SELECT {', '.join(parts)} FROM __gates_t")
        empties = {n: int(row[f"e{j}"] or 0) for j, n in enumerate(sampled)}
    out: dict[str, dict[str, Any]] = {}
    for name, words in text.items():
        found = groups.get(name) or []
        counts = pl.DataFrame(
            {"v": [str(v) for v, _ in found], "n": [n for _, n in found]},
            schema={"v": pl.String, "n": pl.Int64},
        )
        stats = text_from_counts(counts, words=words)
        if name in empties:
            stats.update(method="hash_sample", empty=empties[name])
        out[name] = {"text": stats}
    return out


def _native_time(native: Any, d: Dialect, name: str, dtype: pl.DataType) -> dict[str, Any] | None:
    """Date/time coverage from counts per (day, hour), as :func:`._text.time_result`."""
    from ._text import time_result

    col = d.quote(name)
    if isinstance(dtype, pl.Date):
        sql = f"SELECT {col} AS d, count(*) AS n FROM __gates_t WHERE {col} IS NOT NULL GROUP BY 1"
    elif isinstance(dtype, pl.Datetime):
        sql = (
            f"SELECT CAST({col} AS DATE) AS d, hour({col}) AS h, count(*) AS n FROM __gates_t "
            f"WHERE {col} IS NOT NULL GROUP BY 1, 2"
        )
    else:
        return None
    got = d.run(native, sql)
    frame = pl.DataFrame(
        {
            k: [r[k] for r in got]
            for k in (("d", "h", "n") if "Datetime" in str(dtype) else ("d", "n"))
        }
    )
    return time_result(frame) if got else None


#: Spearman runs in the engine up to this many rows (where Polars ranks every row too).
NATIVE_SPEARMAN_MAX_ROWS = 250_000


def native_spearman(
    native: Any, dialect: str, pairs: Sequence[tuple[str, str]], *, rows: int
) -> dict[tuple[str, str], float | None]:
    """Spearman's correlation of each pair over its finite pairs, with average ranks for ties
    (as Polars); above :data:`NATIVE_SPEARMAN_MAX_ROWS` rows none (a global sort per pair)."""
    if not pairs or rows > NATIVE_SPEARMAN_MAX_ROWS:
        return {}
    d = DIALECTS[dialect]
    branches = []
    for j, (left, right) in enumerate(pairs):
        xa = _finite(f"CAST({d.quote(left)} AS DOUBLE)", "float")
        xb = _finite(f"CAST({d.quote(right)} AS DOUBLE)", "float")
        rank = "rank() OVER (ORDER BY {x}) + (count(*) OVER (PARTITION BY {x}) - 1) / 2.0"
        branches.append(
            f"SELECT {j} AS j, corr(ra, rb) AS r FROM (SELECT {rank.format(x='a')} AS ra, "
            f"{rank.format(x='b')} AS rb FROM (SELECT {xa} AS a, {xb} AS b FROM __gates_t) AS p{j} "
            f"WHERE a IS NOT NULL AND b IS NOT NULL) AS q{j}"
        )
    out: dict[tuple[str, str], float | None] = {}
    for row in d.run(native, " UNION ALL ".join(branches)):
        value = row["r"]
        finite = value is not None and math.isfinite(value)
        out[pairs[int(row["j"])]] = float(value) if finite else None
    return out


def native_cramers(
    native: Any, dialect: str, columns: Sequence[str]
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """Cramér's V of every pair of ``columns`` over every row: one ``GROUPING SETS`` query."""
    import numpy as np

    from ._assoc import cramers_v_table

    if len(columns) < 2:
        return {}
    d = DIALECTS[dialect]
    cols = [d.quote(c) for c in columns]
    keys = [f"CAST({c} AS {d.string})" for c in cols]
    pairs = [(i, j) for i in range(len(cols)) for j in range(i + 1, len(cols))]
    sets = ", ".join(f"({keys[i]}, {keys[j]})" for i, j in pairs)
    flags = ", ".join(f"GROUPING({k}) AS g{i}" for i, k in enumerate(keys))
    values = ", ".join(f"{k} AS v{i}" for i, k in enumerate(keys))
    sql = f"SELECT {flags}, {values}, count(*) AS n FROM __gates_t GROUP BY GROUPING SETS ({sets})"
    cells: dict[tuple[int, int], list[tuple[Any, Any, int]]] = {p: [] for p in pairs}
    for row in d.run(native, sql):
        i, j = (k for k in range(len(cols)) if not row[f"g{k}"])
        a, b = row[f"v{i}"], row[f"v{j}"]
        if a is not None and b is not None:  # rows where both are non-null, as on Polars
            cells[(i, j)].append((a, b, int(row["n"])))
    out: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for (i, j), found in cells.items():
        if not found:
            out[(columns[i], columns[j])] = (None, None)
            continue
        ra = {v: k for k, v in enumerate(sorted({a for a, _, _ in found}))}
        rb = {v: k for k, v in enumerate(sorted({b for _, b, _ in found}))}
        table = np.zeros((len(ra), len(rb)))
        for a, b, n in found:
            table[ra[a], rb[b]] += n
        out[(columns[i], columns[j])] = cramers_v_table(table)
    return out
