"""Compare two profiles column by column: PSI, Jensen-Shannon, KS, null-rate and distinct changes.

Distributions come from the profiles alone, so a baseline JSON is enough:

* categorical columns: the union of both top-value lists plus one ``other`` bucket holding each
  side's remaining rows (a value in one side's top list and in the other side's ``other``
  counts 0 on that side, unless that side's list is complete);
* numeric and datetime columns: the baseline's bins plus an underflow and an overflow bucket.
  ``gates profile --baseline`` bins the current data on the baseline's edges (exact); two
  JSON profiles with different edges are re-binned assuming a uniform spread within a bin.

KS is the largest gap between the two binned CDFs, read at the bin edges: a lower bound of the
exact two-sample statistic, within one bin's mass of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ._model import ColumnProfile, Histogram, Profile

__all__ = [
    "DEFAULT_THRESHOLDS",
    "METRICS",
    "ColumnDrift",
    "DriftReport",
    "compare",
    "jensen_shannon",
    "ks",
    "psi",
]

#: Every drift metric and what it measures.
METRICS: dict[str, str] = {
    "psi": "population stability index over the buckets",
    "js": "Jensen-Shannon distance (base 2, 0-1)",
    "ks": "Kolmogorov-Smirnov statistic from the binned CDFs",
    "null_rate_change": "absolute change of the null fraction",
    "distinct_change": "relative change of the distinct count",
    "new_categories": "values in the current top list absent from a complete baseline",
    "missing_categories": "baseline values absent from a complete current list",
}
#: Thresholds used when none are given (a metric above its threshold drifted).
DEFAULT_THRESHOLDS: dict[str, float] = {"psi": 0.2, "js": 0.1, "ks": 0.2, "null_rate_change": 0.05}
_EPS = 1e-4
OTHER = "__other__"


def psi(p: Sequence[float], q: Sequence[float]) -> float:
    """PSI of current shares ``p`` against baseline shares ``q`` (empty buckets floored at 1e-4)."""
    return float(
        sum(
            (max(a, _EPS) - max(b, _EPS)) * math.log(max(a, _EPS) / max(b, _EPS))
            for a, b in zip(p, q, strict=True)
        )
    )


def jensen_shannon(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon distance with log base 2 (0 identical, 1 disjoint)."""

    def kl(a: Sequence[float], m: Sequence[float]) -> float:
        return sum(x * math.log2(x / y) for x, y in zip(a, m, strict=True) if x > 0)

    mid = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    return math.sqrt(max(0.0, (kl(p, mid) + kl(q, mid)) / 2))


def ks(p: Sequence[float], q: Sequence[float]) -> float:
    """Largest gap between the cumulative sums of two ordered share vectors."""
    gap = cp = cq = 0.0
    for a, b in zip(p, q, strict=True):
        cp += a
        cq += b
        gap = max(gap, abs(cp - cq))
    return gap


def _shares(counts: Sequence[float]) -> list[float]:
    total = sum(counts)
    return [c / total for c in counts] if total else [0.0] * len(counts)


def rebin(hist: Histogram, edges: Sequence[float]) -> list[float]:
    """``hist`` counted into ``[-inf, e0) + bins(edges) + (e_last, inf]``, spreading each bin uniformly."""
    out = [0.0] * (len(edges) + 1)
    if list(hist.edges) == list(edges):
        return [float(hist.underflow), *map(float, hist.counts), float(hist.overflow)]
    out[0] += hist.underflow
    out[-1] += hist.overflow
    for lo, hi, n in zip(hist.edges[:-1], hist.edges[1:], hist.counts, strict=True):
        if not n:
            continue
        width = hi - lo
        # the parts of [lo, hi) below edges[0], inside each target bin, and above edges[-1]
        bounds = [-math.inf, *edges, math.inf]
        for k in range(len(bounds) - 1):
            a, b = max(lo, bounds[k]), min(hi, bounds[k + 1])
            if width <= 0:
                share = 1.0 if bounds[k] <= lo < bounds[k + 1] else 0.0
            else:
                share = max(0.0, b - a) / width
            out[k] += n * share
    return out


def _categorical(
    cur: ColumnProfile, base: ColumnProfile
) -> tuple[list[float], list[float], list[Any], list[Any]]:
    ct, bt = cur.top_values, base.top_values
    assert ct is not None
    assert bt is not None
    cmap = dict(zip(map(_key, ct.values), ct.counts, strict=True))
    bmap = dict(zip(map(_key, bt.values), bt.counts, strict=True))
    keys = sorted(set(cmap) | set(bmap))
    c = [float(cmap.get(k, 0)) for k in keys] + [float(cur.count - sum(cmap.values()))]
    b = [float(bmap.get(k, 0)) for k in keys] + [float(base.count - sum(bmap.values()))]
    new = sorted(k for k in cmap if k not in bmap) if bt.complete else []
    missing = sorted(k for k in bmap if k not in cmap) if ct.complete else []
    return c, b, new, missing


def _key(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else str(value)


@dataclass(frozen=True)
class ColumnDrift:
    """The drift metrics of one column; ``score`` is the largest metric/threshold ratio."""

    column: str
    #: categorical, numeric, other, new (only in the current data) or missing (only in the baseline).
    kind: str
    metrics: dict[str, float | None] = field(default_factory=dict)
    new_categories: list[Any] = field(default_factory=list)
    missing_categories: list[Any] = field(default_factory=list)
    dtype_change: tuple[str, str] | None = None
    #: metric names over their threshold.
    drifted: list[str] = field(default_factory=list)
    score: float = 0.0


@dataclass(frozen=True)
class DriftReport:
    """Every column's drift, ranked by score (most drifted first)."""

    current: str
    baseline: str
    thresholds: dict[str, float]
    columns: list[ColumnDrift]

    @property
    def drifted(self) -> list[ColumnDrift]:
        """Columns with at least one metric over its threshold (or new/missing)."""
        return [c for c in self.columns if c.drifted]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document."""
        from ._model import _clean

        doc: dict[str, Any] = _clean(
            {
                "current": self.current,
                "baseline": self.baseline,
                "thresholds": self.thresholds,
                "columns": [asdict(c) for c in self.columns],
            }
        )
        return doc


def column_metrics(
    cur: ColumnProfile, base: ColumnProfile
) -> tuple[str, dict[str, float | None], list[Any], list[Any]]:
    """(kind, metrics, new categories, missing categories) of one column present in both profiles."""
    metrics: dict[str, float | None] = {
        "null_rate_change": abs(cur.null_fraction - base.null_fraction),
        "distinct_change": (
            abs(cur.distinct - base.distinct) / max(base.distinct, 1)
            if cur.distinct is not None and base.distinct is not None
            else None
        ),
    }
    new: list[Any] = []
    missing: list[Any] = []
    if cur.top_values is not None and base.top_values is not None:
        kind = "categorical"
        c, b, new, missing = _categorical(cur, base)
        p, q = _shares(c), _shares(b)
        metrics.update(
            psi=psi(p, q),
            js=jensen_shannon(p, q),
            ks=None,
            new_categories=float(len(new)),
            missing_categories=float(len(missing)),
        )
    elif cur.histogram is not None and base.histogram is not None:
        kind = "numeric"
        edges = base.histogram.edges
        b = rebin(base.histogram, edges)
        c = rebin(cur.histogram, edges)
        p, q = _shares(c), _shares(b)
        metrics.update(psi=psi(p, q), js=jensen_shannon(p, q), ks=ks(p, q))
    else:
        kind = "other"
    if cur.count == 0 or base.count == 0:
        for m in ("psi", "js", "ks"):
            metrics[m] = None
    return kind, metrics, new, missing


def compare(
    current: Profile,
    baseline: Profile,
    *,
    thresholds: Mapping[str, float] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> DriftReport:
    """Drift of ``current`` against ``baseline``, column by column, ranked.

    Args:
        current: the profile of the data now.
        baseline: the reference profile.
        thresholds: metric → largest allowed value (default :data:`DEFAULT_THRESHOLDS`).
        overrides: per-column thresholds replacing the defaults for that column.

    Returns:
        A :class:`DriftReport`, most drifted column first.
    """
    limits = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
    out: list[ColumnDrift] = []
    base_names = set(baseline.names)
    for col in baseline.columns:
        if col.name not in current.names:
            out.append(ColumnDrift(col.name, "missing", drifted=["missing_column"], score=math.inf))
            continue
        cur = current.column(col.name)
        kind, metrics, new, missing = column_metrics(cur, col)
        mine = {**limits, **(overrides or {}).get(col.name, {})}
        ratios = {
            m: (v / t if t > 0 else (math.inf if v > 0 else 0.0))
            for m, t in mine.items()
            if (v := metrics.get(m)) is not None
        }
        drifted = sorted(m for m, r in ratios.items() if r > 1)
        change = (col.dtype, cur.dtype) if col.dtype != cur.dtype else None
        out.append(
            ColumnDrift(
                col.name,
                kind,
                metrics,
                new,
                missing,
                change,
                drifted,
                max(ratios.values(), default=0.0),
            )
        )
    for name in current.names:
        if name not in base_names:
            out.append(ColumnDrift(name, "new", drifted=["new_column"], score=math.inf))
    out.sort(key=lambda c: (-c.score, c.column))
    return DriftReport(
        current=current.source, baseline=baseline.source, thresholds=limits, columns=out
    )
