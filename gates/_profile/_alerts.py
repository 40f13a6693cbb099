"""Alerts like ydata-profiling's, read off a finished :class:`Profile` (so every engine and a
merged profile get them alike, with no extra pass over the data).

Each alert is ``{"column", "alert", "detail"}``; the rules and thresholds are in
:data:`THRESHOLDS` and docs/profile.md.
"""

from __future__ import annotations

import math
from typing import Any

from ._model import ColumnProfile, Profile

__all__ = ["ALERTS", "THRESHOLDS", "alerts"]

#: Alert names, in the order they are reported.
ALERTS = (
    "constant",
    "empty",
    "missing",
    "unique",
    "high_cardinality",
    "imbalance",
    "zeros",
    "skewed",
    "high_correlation",
    "duplicates",
)
THRESHOLDS: dict[str, float] = {
    #: share of nulls above which a column is flagged ``missing``
    "missing": 0.2,
    #: text columns (not all distinct: that is ``unique``) with more distinct values than
    #: this share of the rows
    "high_cardinality": 0.5,
    #: 1 - normalised entropy of a complete top list above this: one class dominates
    "imbalance": 0.5,
    #: share of zeros above this
    "zeros": 0.1,
    #: |(p95 + p5 - 2 p50) / (p95 - p5)| above this (a quantile skewness in [-1, 1])
    "skewed": 0.5,
    #: |Pearson| or |Spearman| above this
    "high_correlation": 0.9,
}


def _share(part: int | None, whole: int) -> float:
    return (part or 0) / whole if whole else 0.0


def _skew(col: ColumnProfile) -> float | None:
    q = col.quantiles or {}
    p5, p50, p95 = q.get("p5"), q.get("p50"), q.get("p95")
    if not all(isinstance(v, int | float) for v in (p5, p50, p95)):
        return None
    assert isinstance(p5, int | float)
    assert isinstance(p50, int | float)
    assert isinstance(p95, int | float)
    if p95 == p5:
        return None
    return float((p95 + p5 - 2 * p50) / (p95 - p5))


def _imbalance(col: ColumnProfile) -> float | None:
    top = col.top_values
    if top is None or not top.complete or len(top.counts) < 2:
        return None
    total = sum(top.counts)
    entropy = -sum(n / total * math.log(n / total) for n in top.counts if n)
    return 1 - entropy / math.log(len(top.counts))


def _column_alerts(col: ColumnProfile, rows: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(alert: str, detail: str) -> None:
        out.append({"column": col.name, "alert": alert, "detail": detail})

    if col.semantic == "empty":
        add("empty", "every value is null")
        return out
    if col.semantic == "constant":
        add(
            "constant",
            f"one distinct value ({(col.top_values.values[:1] if col.top_values else [col.min])[0]!r})",
        )
    missing = col.null_fraction
    if missing > THRESHOLDS["missing"]:
        add("missing", f"{missing:.1%} of the values are null")
    if (
        col.distinct is not None
        and col.count > 1
        and col.distinct == col.count
        and col.semantic not in ("numeric", "datetime")
        and col.distinct_method == "exact"
    ):
        add("unique", f"all {col.count:,} non-null values are distinct")
    if (
        col.length_mean is not None  # text columns (ids included), as ydata's categorical
        and col.distinct is not None
        and col.distinct != col.count
        and rows
        and col.distinct / rows > THRESHOLDS["high_cardinality"]
    ):
        add("high_cardinality", f"{col.distinct:,} distinct values in {rows:,} rows")
    imb = _imbalance(col)
    if imb is not None and imb > THRESHOLDS["imbalance"] and col.top_values is not None:
        n = len(col.top_values.counts)
        add("imbalance", f"imbalance {imb:.2f} (1 - normalised entropy of {n} values)")
    zeros = _share(col.zeros, col.count)
    if col.zeros is not None and zeros > THRESHOLDS["zeros"] and col.semantic != "boolean":
        add("zeros", f"{zeros:.1%} of the values are 0")
    skew = _skew(col) if col.semantic == "numeric" else None
    if skew is not None and abs(skew) > THRESHOLDS["skewed"]:
        add("skewed", f"quantile skewness {skew:+.2f} ({'right' if skew > 0 else 'left'} tail)")
    return out


def alerts(profile: Profile) -> list[dict[str, Any]]:
    """Every alert of ``profile``, column by column, then correlations and duplicate rows."""
    out: list[dict[str, Any]] = []
    for col in profile.columns:
        out += _column_alerts(col, profile.rows)
    for pair in profile.correlations or []:
        for method in ("pearson", "spearman", "cramers_v_corrected"):
            r = pair.get(method)
            if r is not None and abs(r) > THRESHOLDS["high_correlation"]:
                out.append(
                    {
                        "column": f"{pair['a']}, {pair['b']}",
                        "alert": "high_correlation",
                        "detail": f"{method.replace('_', ' ')} {r:+.3f}",
                    }
                )
                break
    if profile.duplicate_rows:
        share = _share(profile.duplicate_rows, profile.rows)
        out.append(
            {
                "column": None,
                "alert": "duplicates",
                "detail": f"{profile.duplicate_rows:,} duplicate rows ({share:.1%})",
            }
        )
    return out
