"""Text statistics of string columns and date/time coverage of temporal columns.

Text (``ColumnProfile.text``): empty, whitespace-only and whitespace-padded values, values
containing each character class, the length distribution and, for free text, the most common
words. A string column with top values (at most 100,000 distinct) already has its
``group_by`` of distinct values with their counts from pass 2; its text statistics are read
off that frame, each distinct value weighted by its count (exact, no extra pass). Other string
columns (ids, e-mails, free text) get them from every k-th row (k = ⌈rows / 20,000⌉: exact up
to 20,000 rows), collected by one query for all of them, and ``text.method`` says which.

Time (``ColumnProfile.time``): one streaming ``group_by`` of (day, hour) per Date/Datetime
column gives the days covered, the days of the span without a value and the longest such gaps,
and the counts per weekday and per hour (Datetime only). Exact, at any row count.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "CHAR_CLASSES",
    "LENGTH_QUANTILES",
    "TEXT_SAMPLE_ROWS",
    "TEXT_WORDS",
    "text_from_counts",
    "text_result",
    "text_sample",
    "time_query",
    "time_result",
]

#: A value is counted in a class when it contains at least one such character (Unicode classes).
CHAR_CLASSES: dict[str, str] = {
    "letter": r"\p{L}",
    "digit": r"\p{Nd}",
    "whitespace": r"\s",
    "punctuation": r"\p{P}",
    "symbol": r"\p{S}",
    "non_ascii": r"[^\x00-\x7F]",
}
#: Shares of the length distribution reported in ``text.length_quantiles``.
LENGTH_QUANTILES: dict[str, float] = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
#: String columns without top values get their text statistics from every k-th row, k =
#: ⌈rows / this⌉ (regular expressions per value cost more than the rest of the profile).
TEXT_SAMPLE_ROWS = 20_000
#: From Parquet and Arrow files and frames, the sample is this many evenly spaced blocks of
#: consecutive rows (``TEXT_SAMPLE_ROWS`` in all): a whole-column scan costs ~40x more.
TEXT_BLOCKS = 20
#: Most common words kept for a free-text column.
TEXT_WORDS = 10
#: A word: a letter, then letters, digits, apostrophes, hyphens or underscores (lowercased).
_WORD = r"\p{L}[\p{L}\p{Nd}'_-]*"
#: At most this many gaps (runs of days without a value) are listed, longest first.
TIME_GAPS = 5
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _predicates(v: pl.Expr) -> dict[str, pl.Expr]:
    """Per-value tests: ``blank`` = non-empty whitespace only; ``padded`` = leading/trailing
    whitespace on a value that is not blank."""
    blank = v.str.contains(r"^\s+$")
    out = {
        "blank": blank,
        "padded": v.str.contains(r"^\s|\s$") & ~blank,
    }
    out.update({name: v.str.contains(rx) for name, rx in CHAR_CLASSES.items()})
    return out


def text_sample(
    lf: pl.LazyFrame, names: list[str], *, stride: int, rows: int = 0, blocks: bool = False
) -> pl.LazyFrame:
    """The sampled rows of the string columns ``names`` (one query for all of them).

    ``blocks``: :data:`TEXT_BLOCKS` evenly spaced runs of consecutive rows, ``TEXT_SAMPLE_ROWS``
    in all (a Parquet or Arrow scan reads only the row groups they fall in); else every
    ``stride``-th row (a scan of the whole columns).
    """
    cols = [pl.col(n).cast(pl.String) for n in names]
    if stride > 1 and blocks and rows:
        size = TEXT_SAMPLE_ROWS // TEXT_BLOCKS
        starts = [rows * i // TEXT_BLOCKS for i in range(TEXT_BLOCKS)]
        return pl.concat([lf.slice(start, size).select(cols) for start in starts])
    if stride > 1:
        lf = lf.with_row_index("__gates_row").filter(pl.col("__gates_row") % stride == 0)
    return lf.select(cols)


def text_result(
    sample: pl.Series, *, empty: int, words: bool, stride: int, blocks: bool = False
) -> dict[str, Any]:
    """The ``text`` statistics of a column's sampled values (:func:`text_sample`)."""
    values = sample.drop_nulls()
    counts = pl.DataFrame({"v": values, "n": pl.repeat(1, values.len(), eager=True)})
    out = text_from_counts(counts, empty=empty, words=words)
    out["method"] = "exact" if stride == 1 else "blocks" if blocks else "every_kth"
    return out


def text_from_counts(
    counts: pl.DataFrame, *, words: bool, empty: int | None = None
) -> dict[str, Any]:
    """The ``text`` statistics of a column from its distinct values ``v`` and counts ``n`` (exact;
    ``empty`` overrides the empty count read off the values)."""
    v, n = pl.col("v").cast(pl.String), pl.col("n")
    exprs = [n.sum().alias("values"), n.filter(v.str.len_bytes() == 0).sum().alias("empty")]
    exprs += [n.filter(p).sum().alias(k) for k, p in _predicates(v).items()]
    row = counts.select(exprs).row(0, named=True)
    out = _shape(row, empty=int(row["empty"] or 0) if empty is None else empty, method="exact")
    ranked = counts.select(v.str.len_chars().alias("len"), n).sort("len")
    out["length_quantiles"] = _weighted_quantiles(
        ranked["len"].to_list(), ranked["n"].to_list(), list(LENGTH_QUANTILES.values())
    )
    if words:
        found = (
            counts.select(v.str.to_lowercase().str.extract_all(_WORD).alias("w"), n)
            .explode("w")
            .drop_nulls()
            .group_by("w")
            .agg(pl.col("n").sum())
            .sort(["n", "w"], descending=[True, False])
            .head(TEXT_WORDS)
        )
        out["words"] = _words(found)
    return out


def _shape(row: Mapping[str, Any], *, empty: int, method: str) -> dict[str, Any]:
    return {
        "method": method,
        "values": int(row["values"] or 0),
        "empty": int(empty),
        "blank": int(row["blank"] or 0),
        "padded": int(row["padded"] or 0),
        "classes": {k: int(row[k] or 0) for k in CHAR_CLASSES},
        "length_quantiles": {},
        "words": None,
    }


def _words(frame: pl.DataFrame) -> dict[str, Any]:
    return {"values": frame["w"].to_list(), "counts": [int(x) for x in frame["n"].to_list()]}


def _weighted_quantiles(
    values: list[int], weights: list[int], qs: list[float]
) -> dict[str, float | None]:
    """Polars' linear-interpolation quantiles of ``values`` repeated ``weights`` times (sorted)."""
    cum = np.cumsum(np.asarray(weights, dtype=np.int64))
    total = int(cum[-1]) if cum.size else 0
    if not total:
        return dict.fromkeys(LENGTH_QUANTILES)
    vals = np.asarray(values, dtype=np.float64)
    out: dict[str, float | None] = {}
    for key, q in zip(LENGTH_QUANTILES, qs, strict=True):
        pos = (total - 1) * q
        base = int(pos)
        # the value at 0-based position p of the expanded list: the first run whose end passes p
        lo_v = vals[np.searchsorted(cum, base, side="right")]
        hi_v = vals[np.searchsorted(cum, min(base + 1, total - 1), side="right")]
        out[key] = float((pos - base) * (hi_v - lo_v) + lo_v)
    return out


# --- date/time coverage ---


def time_query(lf: pl.LazyFrame, name: str, dtype: pl.DataType) -> pl.LazyFrame | None:
    """Counts per (day, hour) of a Date or Datetime column (None for other temporal types)."""
    col = pl.col(name)
    if isinstance(dtype, pl.Date):
        keys = [col.alias("d")]
    elif isinstance(dtype, pl.Datetime) and dtype.time_zone in (None, "UTC"):
        # whole hours since the epoch: one integer key (day = b // 24, hour = b % 24), half
        # the cost of computing a date and an hour per row
        per_hour = {"ns": 3_600_000_000_000, "us": 3_600_000_000, "ms": 3_600_000}
        bucket = col.to_physical() // per_hour[str(dtype.time_unit)]
        return lf.select(bucket.alias("b")).drop_nulls().group_by("b").agg(pl.len().alias("n"))
    elif isinstance(dtype, pl.Datetime):
        keys = [col.dt.date().alias("d"), col.dt.hour().alias("h")]
    else:
        return None
    return (
        lf.select(keys)
        .drop_nulls()
        .group_by([k.meta.output_name() for k in keys])
        .agg(pl.len().alias("n"))
    )


def time_result(frame: pl.DataFrame) -> dict[str, Any] | None:
    """Coverage of the (day[, hour], n) counts: days covered and missing, gaps, weekday/hour counts."""
    if frame.height == 0:
        return None
    if "b" in frame.columns:  # hours since the epoch (naive or UTC datetimes)
        frame = frame.select(
            (pl.col("b") // 24).cast(pl.Int32).cast(pl.Date).alias("d"),
            (pl.col("b") % 24).alias("h"),
            "n",
        )
    days = frame.group_by("d").agg(pl.col("n").sum()).sort("d")
    first: dt.date = days["d"][0]
    last: dt.date = days["d"][-1]
    span = (last - first).days + 1
    ordinals = [d.toordinal() for d in days["d"].to_list()]
    gaps = [(a + 1, b - 1) for a, b in itertools.pairwise(ordinals) if b - a > 1]
    gaps.sort(key=lambda g: (-(g[1] - g[0]), g[0]))
    weekday = [0] * 7
    for d, n in days.select(pl.col("d").dt.weekday(), "n").iter_rows():
        weekday[int(d) - 1] += int(n)
    out: dict[str, Any] = {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "days_in_span": span,
        "days_covered": days.height,
        "missing_days": span - days.height,
        "gaps": [
            {
                "first": dt.date.fromordinal(a).isoformat(),
                "last": dt.date.fromordinal(b).isoformat(),
                "days": b - a + 1,
            }
            for a, b in gaps[:TIME_GAPS]
        ],
        "weekday": weekday,
        "top_weekday": _WEEKDAYS[max(range(7), key=lambda i: (weekday[i], -i))],
        "hour": None,
        "top_hour": None,
    }
    if "h" in frame.columns:
        hour = [0] * 24
        for h, n in frame.group_by("h").agg(pl.col("n").sum()).iter_rows():
            hour[int(h)] += int(n)
        out["hour"] = hour
        out["top_hour"] = max(range(24), key=lambda i: (hour[i], -i))
    return out
