"""One-pass column statistics over a lazy frame: pass 1, duplicate rows and quantiles.

Pass 1 is a single Polars ``select`` of every aggregate of every column (counts, nulls,
distinct, min/max/mean/std, zeros, negatives, NaN/inf, quantiles, string lengths, samples,
duplicate rows), on Polars' streaming engine. Pass 2 (histograms, top values, correlations,
text and time statistics) needs its min/max and distinct counts: :mod:`._second`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

__all__ = [
    "QUANTILES",
    "QUANTILE_CONFIDENCE",
    "ColumnKind",
    "collect_batch",
    "count_duplicates",
    "kind_of",
    "pass_one",
    "quantile_queries",
    "quantiles_from_counts",
    "rank_error",
    "row_sample",
    "run_guarded",
]

#: A column without nulls whose distinct estimate is at least this share of the rows is
#: tried as a key before the row hashes are counted (:func:`count_duplicates`).
KEY_SHARE = 0.97
#: The quantiles every numeric and temporal column reports, by name.
QUANTILES: dict[str, float] = {
    "p1": 0.01,
    "p5": 0.05,
    "p25": 0.25,
    "p50": 0.5,
    "p75": 0.75,
    "p95": 0.95,
    "p99": 0.99,
}
#: The confidence of a sampled quantile's stated rank error (:func:`rank_error`), per quantile.
QUANTILE_CONFIDENCE = 0.99
#: Sample values are the first non-null values among this many leading rows.
SAMPLE_WINDOW = 10_000
#: Columns with at most this many distinct values get top values (strings, ints, bools).
TOP_VALUES_MAX_DISTINCT = 100_000
_SEP = "\x1f"

ColumnKind = str  # "integer" | "float" | "decimal" | "bool" | "string" | "temporal" | "other"


def kind_of(dtype: pl.DataType) -> ColumnKind:
    """How a Polars dtype is profiled."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if isinstance(dtype, pl.Decimal):
        return "decimal"
    if isinstance(dtype, pl.Boolean):
        return "bool"
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return "string"
    if isinstance(dtype, pl.Date | pl.Datetime | pl.Duration | pl.Time):
        return "temporal"
    return "other"


def _key(i: int, stat: str) -> str:
    return f"{i}{_SEP}{stat}"


def _values(name: str, kind: ColumnKind) -> pl.Expr:
    """The column as profiled: strings as String, temporals as their integer physical value."""
    col = pl.col(name)
    if kind == "string":
        return col.cast(pl.String)
    if kind == "temporal":
        return col.to_physical().cast(pl.Float64)
    if kind == "decimal":
        return col.cast(pl.Float64)
    return col


def _finite(name: str, kind: ColumnKind) -> pl.Expr:
    x = _values(name, kind)
    return x.filter(x.is_finite()) if kind in ("float", "decimal") else x


Engine = Literal["streaming", "in-memory"]


def collect_batch(
    queries: Sequence[pl.LazyFrame], *, parse_alone: bool, engine: Engine = "streaming"
) -> list[pl.DataFrame]:
    """Collect several queries over one source on the streaming engine, in one batch.

    ``engine="in-memory"`` is for a source already in memory: there Polars' in-memory engine
    runs the wide aggregate select about 1.5x faster than the streaming one.

    With ``parse_alone`` the first query (which must read every column) runs by itself first:
    a parse error inside a batch of several queries makes Polars 2.1's streaming engine print
    a Rust panic ("joined on cancelled task") and, now and then, deadlock; a single query
    fails cleanly. Once the first query has read the file, the rest cannot meet a parse error.
    """
    if parse_alone and len(queries) > 1:
        first = queries[0].collect(engine=engine)
        return [first, *pl.collect_all(queries[1:], engine=engine)]
    return pl.collect_all(queries, engine=engine)


def pass_one(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    *,
    exact_distinct: bool,
    samples: int = 5,
    duplicates: bool = True,
    quantile_rate: float = 1.0,
    quantile_seed: int = 0,
    fuse_duplicates: bool = False,
    quantiles: bool = True,
    parse_alone: bool = False,
    sample_distinct: bool = False,
    engine: Engine = "streaming",
) -> tuple[int, int | None, list[dict[str, Any]]]:
    """Rows, duplicate rows and a dict of raw statistics per column, from one streaming select.

    Quantiles need every value in memory; with ``quantile_rate`` p < 1 they are computed on a
    seeded hash sample of the rows (:func:`row_sample`), in a second query collected together
    with the first, which also counts each column's sampled finite values (``quantile_n``, the
    m of :func:`rank_error`). ``fuse_duplicates``
    counts duplicate rows inside the main select (faster, but that select then holds the
    columns in memory: for small tables only). ``quantiles=False`` leaves them out (a mergeable
    state sketches them instead). ``parse_alone`` collects the main select on its own before
    the other queries: give it for text files (CSV/TSV/JSON), which can fail to parse half-way
    (see :func:`collect_batch`). ``sample_distinct`` (with ``quantile_rate`` < 1 and not
    ``exact_distinct``) puts each non-string column's distinct count *in the row sample*
    (which the quantiles read anyway) in ``distinct``, instead of an estimate over every row:
    a lower bound of the true count, enough to tell which columns
    :func:`~gates._profile._distinct.refine_distinct` must count exactly. String columns keep
    the estimate: sampling rows would decode every string of the table a second time.
    ``engine`` is the Polars engine of the batch (:func:`collect_batch`).
    """
    sample_distinct = sample_distinct and quantile_rate < 1 and not exact_distinct
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    qexprs: list[pl.Expr] = []
    sexprs: list[pl.Expr] = []
    separate: list[pl.LazyFrame] = []
    length_cols: list[pl.Expr] = []
    if duplicates and len(schema):
        unique_rows = row_hash_unique(schema)
        if fuse_duplicates:  # one decode of the file, but the select no longer streams
            exprs.append(unique_rows)
        else:
            separate.append(lf.select(unique_rows))
    for i, (name, dtype) in enumerate(schema.items()):
        kind = kind_of(dtype)
        col = pl.col(name)
        exprs += [col.null_count().alias(_key(i, "null_count"))]
        base = _values(name, kind) if kind != "other" else col
        nonnull = base.drop_nulls()
        if kind not in ("other", "string") and sample_distinct:
            qexprs.append(nonnull.n_unique().alias(_key(i, "distinct")))
        elif kind != "other":
            distinct = nonnull.n_unique() if exact_distinct else nonnull.approx_n_unique()
            exprs.append(distinct.alias(_key(i, "distinct")))
        if kind != "other":
            shown = nonnull.cast(pl.String) if kind in ("temporal", "decimal") else nonnull
            if kind == "temporal":
                # a Duration has no cast to String; its ISO 8601 form ("PT1S") reads the same
                shown = (
                    col.drop_nulls().dt.to_string()
                    if isinstance(dtype, pl.Duration)
                    else col.drop_nulls().cast(pl.String)
                )
            # head() is not streaming: samples come from the first SAMPLE_WINDOW rows (below)
            sexprs.append(shown.head(samples).implode().alias(_key(i, "samples")))
        if kind in ("integer", "float", "decimal", "temporal"):
            f = _finite(name, kind)
            exprs += [
                f.min().cast(pl.Float64).alias(_key(i, "min")),
                f.max().cast(pl.Float64).alias(_key(i, "max")),
            ]
            if quantiles and quantile_rate < 1:
                qexprs += _quantile_exprs(i, name, kind)
            elif quantiles:
                exprs += _quantile_exprs(i, name, kind)[:1]
            if kind != "temporal":
                exprs += [
                    f.cast(pl.Float64).mean().alias(_key(i, "mean")),
                    f.cast(pl.Float64).std().alias(_key(i, "std")),
                    f.count().alias(_key(i, "finite")),
                    (base == 0).sum().alias(_key(i, "zeros")),
                    (base < 0).sum().alias(_key(i, "negatives")),
                    f.cast(pl.Float64).sum().alias(_key(i, "sum")),
                ]
            if kind in ("float", "decimal"):
                exprs += [
                    base.is_nan().sum().alias(_key(i, "nan_count")),
                    base.is_infinite().sum().alias(_key(i, "inf_count")),
                ]
        elif kind == "bool":
            exprs.append(col.sum().alias(_key(i, "true_count")))
        elif kind == "string":
            # one length column per string column, computed once: the streaming engine does
            # not share the four uses of ``str.len_chars()`` (the main select at 1M: 177 ms
            # against 131 ms; the in-memory engine shares them either way)
            lengths = pl.col(_key(i, "len"))
            length_cols.append(base.str.len_chars().alias(_key(i, "len")))
            exprs += [
                (lengths == 0).sum().alias(_key(i, "empty")),
                lengths.min().alias(_key(i, "len_min")),
                lengths.max().alias(_key(i, "len_max")),
                lengths.mean().alias(_key(i, "len_mean")),
                base.str.len_bytes().sum().alias(_key(i, "bytes")),
                base.min().alias(_key(i, "min_str")),
                base.max().alias(_key(i, "max_str")),
            ]
    main = lf.with_columns(length_cols) if length_cols else lf
    queries = [main.select(exprs), *separate]
    if sexprs:
        queries.append(lf.head(SAMPLE_WINDOW).select(sexprs))
    if qexprs:
        queries.append(row_sample(lf, quantile_rate, seed=quantile_seed).select(qexprs))
    row: dict[str, Any] = {}
    for frame in collect_batch(queries, parse_alone=parse_alone, engine=engine):
        row.update(frame.row(0, named=True))
    rows = int(row["__rows"])
    dupes = rows - int(row["__unique_rows"]) if "__unique_rows" in row else None
    out: list[dict[str, Any]] = [{} for _ in schema]
    for key, value in row.items():
        if _SEP in key:
            idx, stat = key.split(_SEP)
            out[int(idx)][stat] = value
    if sample_distinct:
        for st, dtype in zip(out, schema.values(), strict=True):
            if kind_of(dtype) not in ("other", "string"):
                st["distinct_sampled"] = True
    return rows, dupes, out


def row_hash_unique(schema: Mapping[str, pl.DataType]) -> pl.Expr:
    """The distinct 64-bit row hashes: the wrapping sum of each column's hash, seeded by its position."""
    hashes = [pl.col(c).hash(seed=i) for i, c in enumerate(schema)]
    return pl.sum_horizontal(hashes).n_unique().alias("__unique_rows")


def key_candidate(
    schema: Mapping[str, pl.DataType], raw: Sequence[Mapping[str, Any]], rows: int
) -> str | None:
    """A column that looks like a key (no nulls, an estimate of about one value per row).

    The cheapest such column to hash (integers and temporals before strings), or None.
    """
    order = {"integer": 0, "temporal": 1, "float": 2, "decimal": 2, "string": 3}
    best: tuple[int, str] | None = None
    for (name, dtype), st in zip(schema.items(), raw, strict=True):
        kind = kind_of(dtype)
        estimate = st.get("distinct")
        if kind not in order or estimate is None or st.get("null_count"):
            continue
        if st.get("distinct_method") == "exact":
            continue  # counted already: not a key, or count_duplicates would have stopped
        # a count in the row sample is compared with the values the sample holds
        of = int(st.get("quantile_n") or 0) if st.get("distinct_sampled") else rows
        if of and estimate >= KEY_SHARE * of and (best is None or order[kind] < best[0]):
            best = (order[kind], name)
    return best[1] if best else None


def count_duplicates(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    raw: Sequence[dict[str, Any]],
    rows: int,
    *,
    exact: bool = False,
) -> int:
    """Duplicate rows (rows minus distinct row hashes), first trying a key column.

    A column that looks like a key (:func:`key_candidate`) is counted exactly on its own:
    when every row has its own value, no two rows can be equal and there are no duplicates,
    without hashing every column of every row (at 10M rows of the benchmark table 1.2 s of
    CPU against 4.4 s). Its exact count goes into its ``distinct``, ``distinct_method``
    ``exact``, so no sketch is needed for it. Otherwise the row hashes are counted. With
    ``exact`` (pass 1 counted every column exactly) a column of ``rows`` distinct values and
    no nulls settles it without a query, as does any column already counted exactly
    (``distinct_method`` ``exact``, e.g. by :func:`~gates._profile._groups.run_groups`).
    """
    if any(
        st.get("distinct") == rows
        and not st.get("null_count")
        and (exact or st.get("distinct_method") == "exact")
        for st in raw
        if st
    ):
        return 0
    key = None if exact else key_candidate(schema, raw, rows)
    if key is not None:
        i = list(schema).index(key)
        value = _values(key, kind_of(schema[key]))
        count = int(lf.select(value.n_unique()).collect(engine="streaming").item())
        raw[i].update(distinct=count, distinct_method="exact")
        if count == rows:
            return 0
    unique = lf.select(row_hash_unique(schema)).collect(engine="streaming").item()
    return rows - int(unique)


def _quantile_exprs(i: int, name: str, kind: ColumnKind) -> list[pl.Expr]:
    """The seven quantiles of a column's finite values, and how many values they were read from."""
    f = _finite(name, kind)
    return [
        f.quantile(list(QUANTILES.values()), interpolation="linear").alias(_key(i, "quantiles")),
        f.count().alias(_key(i, "quantile_n")),
    ]


def quantiles_from_counts(counts: pl.DataFrame, kind: ColumnKind) -> tuple[list[float | None], int]:
    """Exact quantiles (Polars' ``linear`` interpolation) from value counts, and their value count.

    ``counts`` has each distinct value ``v`` (as :func:`_values` gives it) and its rows ``n``;
    the finite values are the ones :func:`_quantile_exprs` reads. The ``j``-th smallest value
    is the first distinct value whose running count exceeds ``j``, so the seven quantiles are
    the ones Polars computes over every row, without holding the rows.
    """
    v = pl.col("v").cast(pl.Float64)
    finite = counts.filter(v.is_finite()) if kind in ("float", "decimal") else counts
    ordered = finite.select(v.alias("v"), pl.col("n").cast(pl.Int64)).sort("v")
    values = ordered["v"].to_numpy()
    running = np.cumsum(ordered["n"].to_numpy())
    total = int(running[-1]) if len(running) else 0
    if total == 0:
        return [None] * len(QUANTILES), 0

    def nth(j: int) -> float:
        return float(values[int(np.searchsorted(running, j, side="right"))])

    out: list[float | None] = []
    for q in QUANTILES.values():
        h = (total - 1) * q
        lo = math.floor(h)
        a = nth(lo)
        out.append(a if h == lo else a + (h - lo) * (nth(lo + 1) - a))
    return out, total


def row_sample(lf: pl.LazyFrame, rate: float, *, seed: int) -> pl.LazyFrame:
    """The rows whose seeded 64-bit hash of their row number falls below ``rate`` (rate < 1).

    Each row is kept independently of its position and value (a Bernoulli sample, as far as
    the hash goes), so a file sorted by a column or repeating with some period cannot bias it,
    unlike every k-th row. Given how many values of a column it keeps, those are a uniformly
    random subset of the column's values: what :func:`rank_error` needs.
    """
    if rate >= 1:
        return lf
    keep = (pl.col("__gates_row").hash(seed=seed) % 2**32) < int(rate * 2**32)
    return lf.with_row_index("__gates_row").filter(keep).drop("__gates_row")


def rank_error(m: int, *, confidence: float = QUANTILE_CONFIDENCE) -> float:
    """The rank error of one quantile of a uniform random sample of ``m`` of a column's values.

    With probability at least ``confidence`` the share of the column's values at or below the
    reported q-quantile is within ``q ± rank_error(m)`` (for each quantile on its own):
    Hoeffding's inequality, which holds for sampling without replacement (Hoeffding 1963,
    section 6), bounds each tail of the sample's share below a fixed value by
    ``exp(-2 m eps^2)``, and the two tails give ``eps = sqrt(ln(2 / delta) / (2 m))``
    (``delta = 1 - confidence``; the DKW form, 0.33% for m = 250,000 at 99%). ``1 / m`` is added
    for the linear interpolation between two sampled order statistics.
    """
    if m <= 0:
        return 1.0
    return min(1.0, math.sqrt(math.log(2 / (1 - confidence)) / (2 * m)) + 1 / m)


def quantile_queries(
    lf: pl.LazyFrame, schema: Mapping[str, pl.DataType], rates: Mapping[int, float], *, seed: int
) -> dict[int, tuple[list[float | None], int]]:
    """Per column index: its quantiles and sampled value count, on a row sample at its own rate.

    For columns whose share of finite values is too small for the table-wide sample: one small
    query per column (its finite values only, every one of them at rate 1), collected together.
    """
    names = list(schema)
    queries, order = [], []
    for i, rate in rates.items():
        name = names[i]
        kind = kind_of(schema[name])
        x = row_sample(lf.select(name), rate, seed=seed).select(_finite(name, kind).alias(name))
        x = x.drop_nulls()
        queries.append(x.select(_quantile_exprs(0, name, kind)))
        order.append(i)
    out: dict[int, tuple[list[float | None], int]] = {}
    for i, frame in zip(order, pl.collect_all(queries, engine="streaming"), strict=True):
        row = frame.row(0)
        out[i] = (list(row[0]) if row[0] is not None else [None] * len(QUANTILES), int(row[1]))
    return out


def run_guarded(step: Callable[[], Any], on_error: Callable[[BaseException], BaseException]) -> Any:
    """Run a collect step, turning Polars' errors into ours."""
    try:
        return step()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise on_error(exc) from exc
