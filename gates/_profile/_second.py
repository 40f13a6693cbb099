"""Pass 2 of a profile: histograms, top values, correlations, text and time statistics.

It needs pass 1's min/max (bin edges) and distinct counts (which columns get top values,
:mod:`._stats`), and collects its queries together on Polars' streaming engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from ._stats import _values, kind_of, row_sample

__all__ = ["HistSpec", "SecondResult", "hist_spec", "pass_two", "spearman"]

#: What pass 2 returns: histogram counts, top values, Pearson correlations and per column
#: ``{"text": ..., "time": ...}`` (:mod:`._text`).
SecondResult = tuple[
    dict[str, dict[str, Any]],
    dict[str, list[tuple[Any, int]]],
    dict[tuple[str, str], float | None],
    dict[str, dict[str, Any]],
]


@dataclass(frozen=True)
class HistSpec:
    """Equal-width bins over ``[lo, hi]``; values outside go to underflow/overflow."""

    lo: float
    hi: float
    bins: int

    @property
    def edges(self) -> list[float]:
        """The bins + 1 edges."""
        width = (self.hi - self.lo) / self.bins
        return [self.lo + k * width for k in range(self.bins)] + [self.hi]

    @classmethod
    def from_edges(cls, edges: Sequence[float]) -> HistSpec:
        """The spec behind a stored list of equal-width edges."""
        return cls(float(edges[0]), float(edges[-1]), len(edges) - 1)


def hist_spec(lo: float | None, hi: float | None, *, bins: int, integer: bool) -> HistSpec | None:
    """Bins for a column with finite ``lo``/``hi`` (None when there is nothing to bin)."""
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    if hi == lo:
        return HistSpec(lo - 0.5, hi + 0.5, 1)
    if integer and hi - lo + 1 <= bins:  # one bin per integer value
        return HistSpec(lo - 0.5, hi + 0.5, int(hi - lo + 1))
    return HistSpec(lo, hi, bins)


def _bin_index(x: pl.Expr, spec: HistSpec) -> pl.Expr:
    idx = ((x - spec.lo) / (spec.hi - spec.lo) * spec.bins).floor()
    # the top edge belongs to the last bin; outside the range: -1 (underflow) or bins (overflow)
    idx = pl.when(x == spec.hi).then(spec.bins - 1).otherwise(idx)
    return idx.clip(-1, spec.bins).cast(pl.Int64)


def pass_two(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    *,
    hists: Mapping[str, HistSpec],
    top: Mapping[str, int],
    correlations: Sequence[tuple[str, str]] = (),
    text: Mapping[str, bool] | None = None,
    times: Sequence[str] = (),
    stride: int = 1,
    empty: Mapping[str, int] | None = None,
    rows: int = 0,
    blocks: bool = False,
    counted: Mapping[str, pl.DataFrame] | None = None,
) -> SecondResult:
    """Histogram counts, top values with counts, Pearson correlations, text and time statistics.

    ``counted`` holds the value counts (``v``, ``n``) that the exact distinct counts already
    collected (:func:`~gates._profile._distinct.refine_distinct`): a column found there gets
    its histogram and top values from them, without reading the data again. The others get
    one small streaming ``group_by`` query per histogram and per top-value list, collected
    together (``value_counts`` inside a ``select`` is not streaming and would hold every
    column in memory). ``text`` maps string columns to whether their words are counted: a
    column with top values gets its text statistics from its whole ``group_by`` of distinct
    values (collected, at most 100,000 rows), the others from every ``stride``-th row
    (:mod:`._text`, ``stride`` = ⌈rows / 20,000⌉); ``times`` are the Date/Datetime columns
    whose coverage is counted.
    """
    from ._text import text_from_counts, text_result, text_sample, time_query, time_result

    text = text or {}
    empty = empty or {}
    counted = counted or {}
    queries: list[pl.LazyFrame] = []
    jobs: list[tuple[str, str]] = []
    small: set[int] = set()  # queries over value counts already in memory: nothing to read
    for name, spec in hists.items():
        kind = kind_of(schema[name])
        if name in counted:  # the same bins, each distinct value weighted by its rows
            x = counted[name].lazy().select(pl.col("v").cast(pl.Float64).alias("x"), "n")
            weight = pl.col("n").sum()
        else:
            x = lf.select(_values(name, kind).cast(pl.Float64).alias("x"))
            weight = pl.len()
        binned = (
            x.filter(pl.col("x").is_finite())
            .with_columns(_bin_index(pl.col("x"), spec).alias("b"))
            .group_by("b")
            .agg(weight.alias("n"))
        )
        if name in counted:
            small.add(len(queries))
        queries.append(binned)
        jobs.append(("hist", name))
    for name, k in top.items():
        kind = kind_of(schema[name])
        q = (
            counted[name].lazy()
            if name in counted
            else lf.select(_values(name, kind).alias("v"))
            .drop_nulls()
            .group_by("v")
            .agg(pl.len().alias("n"))
        )
        if name not in text:
            q = q.sort(["n", "v"], descending=[True, False], nulls_last=True).head(k)
        # with text statistics: the whole group_by, for the top values and the text statistics
        if name in counted:
            small.add(len(queries))
        queries.append(q)
        jobs.append(("top_all" if name in text else "top", name))
    sampled = [name for name in text if name not in top]
    if sampled:
        queries.append(text_sample(lf, sampled, stride=stride, rows=rows, blocks=blocks))
        jobs.append(("text", ""))
    for name in times:
        timeq = time_query(lf, name, schema[name])
        if timeq is not None:
            queries.append(timeq)
            jobs.append(("time", name))
    if correlations:
        exprs = []
        for j, (a, b) in enumerate(correlations):
            xa, xb = pl.col(a).cast(pl.Float64), pl.col(b).cast(pl.Float64)
            ok = xa.is_finite() & xb.is_finite()
            exprs.append(pl.corr(xa.filter(ok), xb.filter(ok)).alias(str(j)))
        queries.append(lf.select(exprs))
        jobs.append(("corr", ""))
    counts: dict[str, dict[str, Any]] = {}
    tops: dict[str, list[tuple[Any, int]]] = {}
    corr: dict[tuple[str, str], float | None] = {}
    extras: dict[str, dict[str, Any]] = {}
    # the small queries in one in-memory batch: pass 2 of the 1M-row benchmark table took
    # 0.17 s with one collect() per query, 0.13 s this way
    scans = [q for i, q in enumerate(queries) if i not in small]
    read = iter(pl.collect_all(scans, engine="streaming") if scans else [])
    held = [q for i, q in enumerate(queries) if i in small]
    done = iter(pl.collect_all(held, engine="in-memory") if held else [])
    frames = [next(done) if i in small else next(read) for i in range(len(queries))]
    for (job, name), frame in zip(jobs, frames, strict=True):
        if job == "top_all":
            ranked = frame.sort(["n", "v"], descending=[True, False], nulls_last=True)
            tops[name] = [(v, int(n)) for v, n in ranked.head(top[name]).iter_rows()]
            extras.setdefault(name, {})["text"] = text_from_counts(frame, words=text[name])
            continue
        if job == "text":
            for col in sampled:
                extras.setdefault(col, {})["text"] = text_result(
                    frame[col],
                    empty=int(empty.get(col, 0)),
                    words=text[col],
                    stride=stride,
                    blocks=blocks,
                )
            continue
        if job == "time":
            extras.setdefault(name, {})["time"] = time_result(frame)
            continue
        if job == "hist":
            spec = hists[name]
            bins = [0] * spec.bins
            under = over = 0
            for b, n in frame.iter_rows():
                if b < 0:
                    under += n
                elif b >= spec.bins:
                    over += n
                else:
                    bins[b] += n
            counts[name] = {
                "edges": spec.edges,
                "counts": bins,
                "underflow": under,
                "overflow": over,
            }
        elif job == "top":
            tops[name] = [(v, int(n)) for v, n in frame.iter_rows()]
        else:
            for j, value in enumerate(frame.row(0)):
                finite = value is not None and math.isfinite(value)
                corr[correlations[j]] = float(value) if finite else None
    return counts, tops, corr, extras


def spearman(
    lf: pl.LazyFrame, pairs: Sequence[tuple[str, str]], *, rate: float = 1.0, seed: int = 0
) -> dict[tuple[str, str], float | None]:
    """Spearman's rank correlation of each pair, on finite pairs of the rows of a row sample.

    Ranks need the columns in memory, so above 250k rows this uses the quantiles' seeded hash
    sample (:func:`row_sample` at ``rate``): unlike every k-th row, a file's order cannot bias it.
    """
    if not pairs:
        return {}
    lf = row_sample(lf, rate, seed=seed)
    exprs = []
    for j, (a, b) in enumerate(pairs):
        xa, xb = pl.col(a).cast(pl.Float64), pl.col(b).cast(pl.Float64)
        ok = xa.is_finite() & xb.is_finite()
        exprs.append(pl.corr(xa.filter(ok), xb.filter(ok), method="spearman").alias(str(j)))
    row = lf.select(exprs).collect().row(0)
    return {
        pair: float(v) if v is not None and math.isfinite(v) else None
        for pair, v in zip(pairs, row, strict=True)
    }
