"""A run's profile (the ``drift:`` section profiles the data) → per-column statistics to keep.

The drift engine attaches them to its first result of each column as ``details.profile_stats``
(``{"amount.mean": 101.2, "amount.p95": 180.0, ...}``, the names of the history's ``COLUMN.STAT``
metrics), so they reach the ledger record, the metric history (:func:`metric_rows`) and the
OpenLineage ``dataQualityMetrics`` facet the same way as every other check detail.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._profile import ColumnProfile, Profile
    from .._result import CheckResult

__all__ = ["PROFILE_STATS_KEY", "attach_profile_stats", "column_profile_stats"]

#: The ``details`` key the statistics are kept under.
PROFILE_STATS_KEY = "profile_stats"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # temporal min/max/quantiles are ISO text in a profile: not a number
    return float(value) if math.isfinite(value) else None


def column_profile_stats(col: ColumnProfile) -> dict[str, float]:
    """``{"COLUMN.STAT": value}`` of one column profile, numbers only.

    STAT as in the suite's ``anomaly:`` items: ``null_count``, ``null_fraction``, ``distinct``,
    ``count`` (non-null values), ``min``, ``max``, ``mean``, ``std``, ``median`` (the p50) and
    each quantile the profile has (``p1``, ``p5``, ``p25``, ``p50``, ``p75``, ``p95``, ``p99``).
    """
    raw: dict[str, Any] = {
        "count": col.count,
        "null_count": col.null_count,
        "null_fraction": col.null_fraction,
        "distinct": col.distinct,
        "min": col.min,
        "max": col.max,
        "mean": col.mean,
        "std": col.std,
    }
    quantiles = col.quantiles or {}
    if "p50" in quantiles:
        raw["median"] = quantiles["p50"]
    raw.update(quantiles)
    out = {}
    for stat, value in raw.items():
        number = _number(value)
        if number is not None:
            out[f"{col.name}.{stat}"] = number
    return out


def attach_profile_stats(results: Sequence[CheckResult], profile: Profile) -> list[CheckResult]:
    """``results`` with each column's profile statistics on the first result of that column.

    A column of the profile that no result names keeps nothing (there is no check to carry it).
    """
    pending = {c.name: c for c in profile.columns}
    out = []
    for result in results:
        col = pending.pop(result.column, None) if result.column is not None else None
        stats = column_profile_stats(col) if col is not None else {}
        if stats:
            details = {**(result.details or {}), PROFILE_STATS_KEY: stats}
            result = dataclasses.replace(result, details=details)
        out.append(result)
    return out
