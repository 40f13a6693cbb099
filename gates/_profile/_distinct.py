"""Distinct counts a reader can trust: exact where people look, a bounded estimate above.

Polars' ``approx_n_unique`` is cheap but its error is unstated and large on some columns
(-12.5% on 6,936 hourly timestamps of a 336,776-row table), so no count a reader sees comes
from it. Above 250,000 rows the first pass only tells small from large: a numeric, temporal
or boolean column by its distinct values in the seeded row sample that its quantiles read
(about 250,000 rows, :func:`~gates._profile._stats.row_sample`), a lower bound of the true
count, so every such column with at most :data:`EXACT_CARDINALITY_MAX` distinct values in
the table is counted exactly, whatever the sample; a string column by that estimate (reading
its strings again for a sample would cost more than the estimate). The small ones are then
counted exactly (one streaming
``group_by`` per column counting each value's rows, collected together; the hash tables stay
small). Those value counts are kept: the second pass reads each such column's top values,
histogram and exact quantiles off them instead of scanning the column again. The rest get
a HyperLogLog with 2^14 registers, whose relative standard error is
1.04 / sqrt(2^14) = 0.81% (Flajolet et al. 2007). The registers are computed by Polars itself
(a seeded 64-bit hash, its top 14 bits pick the register, the leading zeros of the rest give
the rank, ``group_by(register).max()``), so no value crosses into Python.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from ._stats import _values, kind_of

__all__ = [
    "EXACT_CARDINALITY_MAX",
    "HLL_PRECISION",
    "HLL_RSE",
    "estimate_registers",
    "hll_distinct",
    "hll_queries",
    "refine_distinct",
    "registers_of",
    "value_counts",
]

#: Columns whose first-pass count (a sample's lower bound, or a string column's estimate) is
#: at most this are counted exactly, at any row count. It is twice the 100,000 values a
#: reader checks by eye, so the estimator's error cannot push a string column of 100,000
#: distinct values over the line.
EXACT_CARDINALITY_MAX = 200_000
#: log2 of the number of HyperLogLog registers.
HLL_PRECISION = 14
#: The HyperLogLog's relative standard error with 2^HLL_PRECISION registers.
HLL_RSE = 1.04 / math.sqrt(1 << HLL_PRECISION)
_HASH_SEED = 0x9E3779B9


def _registers(lf: pl.LazyFrame, value: pl.Expr) -> pl.LazyFrame:
    """One row per used register: its index (top bits of the hash) and its highest rank."""
    rest_bits = 64 - HLL_PRECISION
    h = pl.col("__v").hash(seed=_HASH_SEED)
    # rank = position of the first 1-bit in the low ``rest_bits`` bits (their leading zeros + 1)
    rank = (h % (1 << rest_bits)).bitwise_leading_zeros().cast(pl.Int64) - (HLL_PRECISION - 1)
    return (
        lf.select(value.alias("__v"))
        .drop_nulls()
        .select((h // (1 << rest_bits)).alias("register"), rank.alias("rank"))
        .group_by("register")
        .agg(pl.col("rank").max())
    )


def _estimate(registers: pl.DataFrame) -> int:
    regs = np.zeros(1 << HLL_PRECISION, dtype=np.uint8)
    if registers.height:
        regs[registers["register"].to_numpy().astype(np.int64)] = registers["rank"].to_numpy()
    return estimate_registers(regs)


def registers_of(hashes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Dense HyperLogLog registers (uint8) of 64-bit hashes, as :func:`_registers` computes them."""
    rest_bits = 64 - HLL_PRECISION
    h = np.asarray(hashes, dtype=np.uint64)
    index = (h >> np.uint64(rest_bits)).astype(np.int64)
    low = (h & np.uint64((1 << rest_bits) - 1)).astype(np.float64)  # < 2^50: exact in a float
    _, exponent = np.frexp(low)  # the bit length of low (0 for 0)
    rank = (rest_bits - exponent + 1).astype(np.uint8)
    regs = np.zeros(1 << HLL_PRECISION, dtype=np.uint8)
    np.maximum.at(regs, index, rank)
    return regs


def estimate_registers(registers: np.ndarray[Any, Any]) -> int:
    """The HyperLogLog estimate of dense registers (linear counting in the small range)."""
    m = 1 << HLL_PRECISION
    regs = np.asarray(registers, dtype=np.float64)
    alpha = 0.7213 / (1 + 1.079 / m)
    raw = alpha * m * m / float(np.sum(np.exp2(-regs)))
    empty = int(np.count_nonzero(regs == 0))
    if raw <= 2.5 * m and empty:  # small range: linear counting is the better estimate
        return round(m * math.log(m / empty))
    return round(raw)


def hll_distinct(lf: pl.LazyFrame, values: Mapping[str, pl.Expr]) -> dict[str, int]:
    """HyperLogLog distinct counts (non-null values) of several expressions, one query each."""
    frames = pl.collect_all(hll_queries(lf, values), engine="streaming")
    return {n: _estimate(f) for n, f in zip(values, frames, strict=True)}


def hll_queries(lf: pl.LazyFrame, values: Mapping[str, pl.Expr]) -> list[pl.LazyFrame]:
    """The register queries of :func:`hll_distinct`, to collect with other queries."""
    return [_registers(lf, values[n]) for n in values]


def value_counts(lf: pl.LazyFrame, value: pl.Expr) -> pl.LazyFrame:
    """Every non-null value of ``value`` (``v``) and its number of rows (``n``)."""
    return lf.select(value.alias("v")).drop_nulls().group_by("v").agg(pl.len().alias("n"))


def refine_distinct(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    raw: Sequence[dict[str, Any]],
    *,
    estimate_only: bool = False,
) -> dict[str, pl.DataFrame]:
    """Replace the first pass's cheap estimates in ``raw`` by exact counts or a bounded HLL.

    Sets ``distinct`` and ``distinct_method`` (``exact`` or ``hll``) in each column's dict.
    ``estimate_only`` (``distinct="approx"``) uses the HyperLogLog for every column.

    Returns:
        The value counts (:func:`value_counts`: ``v``, ``n``) of every column counted exactly,
        by name: the distinct count is their height, and the second pass reuses them.
    """
    exact: dict[str, pl.Expr] = {}
    sketch: dict[str, pl.Expr] = {}
    for (name, dtype), st in zip(schema.items(), raw, strict=True):
        kind = kind_of(dtype)
        if kind == "other" or st.get("distinct") is None or st.get("distinct_method") == "exact":
            continue  # nothing to count, or already counted exactly (a key, count_duplicates)
        value = _values(name, kind)
        if not estimate_only and st["distinct"] <= EXACT_CARDINALITY_MAX:
            exact[name] = value
        else:
            sketch[name] = value
    # one batch: the two kinds of query share the cores instead of waiting for each other.
    # A streaming group_by per column: n_unique() in one select holds every column (1.8 GB
    # at 10M rows of the benchmark table, against 0.9 GB)
    queries = [*(value_counts(lf, exact[n]) for n in exact), *hll_queries(lf, sketch)]
    frames = pl.collect_all(queries, engine="streaming") if queries else []
    counts = dict(zip(exact, frames[: len(exact)], strict=True))
    estimates = {n: _estimate(f) for n, f in zip(sketch, frames[len(exact) :], strict=True)}
    for name, st in zip(schema, raw, strict=True):
        if name in counts:
            st["distinct"], st["distinct_method"] = counts[name].height, "exact"
        elif name in estimates:
            st["distinct"], st["distinct_method"] = estimates[name], "hll"
    return counts
