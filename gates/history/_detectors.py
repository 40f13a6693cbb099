"""Anomaly detectors: a metric's past values → the band today's value must fall in.

Formulas (docs/history.md has them with examples):

* ``mad``: median ``m``, ``MAD = median(|x_i - m|)``, scale ``s = 1.4826·MAD``; the band is
  ``m ± threshold·s`` (a robust z-score ``|x - m| / s > threshold`` fails; default 3.5).
  When more than half the past values are equal (MAD 0), ``s = 1.253314·mean(|x_i - m|)``
  (Iglewicz and Hoaglin's fallback), so one odd past value does not make the band zero.
* ``zscore``: mean ``mu``, sample standard deviation ``sd``; the band is ``mu ± threshold·sd``
  (default 3).
* ``change``: relative change against the last baseline run ``r = (x - x_last) / |x_last|``;
  fails when ``r > max_increase`` or ``r < -max_decrease`` (``threshold``, default 0.5,
  stands for both when neither is set).
* ``seasonal``: ``mad`` over the past runs in the same season as today (same weekday, or the
  same hour of day with ``season: hour``).

A zero spread (a constant history) is floored at ``1e-9·max(1, |centre|)`` so only a real
change of the value fails.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_THRESHOLDS", "METHODS", "Band", "judge", "season_of", "seasonal_subset"]

#: The detectors a suite may name.
METHODS = ("mad", "zscore", "change", "seasonal")
#: Threshold per method when the suite gives none.
DEFAULT_THRESHOLDS = {"mad": 3.5, "zscore": 3.0, "change": 0.5, "seasonal": 3.5}
_MAD_SCALE = 1.4826
_MEANAD_SCALE = 1.253314


@dataclass(frozen=True, slots=True)
class Band:
    """The expected band for today's value and whether the value is inside it."""

    lower: float
    upper: float
    centre: float
    passed: bool
    #: How far out the value is: a robust/plain z-score, or the relative change.
    score: float
    #: How many past values the band was learnt from.
    history: int

    def text(self) -> str:
        """``[lower, upper]`` with sensible rounding."""
        return f"[{_fmt(self.lower)}, {_fmt(self.upper)}]"


def _fmt(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:,.6g}"


def _floor(spread: float, centre: float) -> float:
    return max(spread, 1e-9 * max(1.0, abs(centre)))


def _robust_scale(values: Sequence[float], m: float) -> float:
    """``1.4826·MAD``; when more than half the values are equal (MAD 0), ``1.2533·MeanAD``."""
    deviations = [abs(v - m) for v in values]
    mad = statistics.median(deviations)
    if mad > 0:
        return _MAD_SCALE * mad
    return _MEANAD_SCALE * statistics.fmean(deviations)


def _mad(values: Sequence[float], x: float, threshold: float) -> Band:
    m = statistics.median(values)
    s = _floor(_robust_scale(values, m), m)
    z = (x - m) / s
    return Band(m - threshold * s, m + threshold * s, m, abs(z) <= threshold, z, len(values))


def _zscore(values: Sequence[float], x: float, threshold: float) -> Band:
    mu = statistics.fmean(values)
    sd = _floor(statistics.stdev(values) if len(values) > 1 else 0.0, mu)
    z = (x - mu) / sd
    return Band(mu - threshold * sd, mu + threshold * sd, mu, abs(z) <= threshold, z, len(values))


def _change(values: Sequence[float], x: float, up: float | None, down: float | None) -> Band:
    last = values[-1]
    base = abs(last) if last != 0 else 1.0
    r = (x - last) / base
    upper = last + up * base if up is not None else math.inf
    lower = last - down * base if down is not None else -math.inf
    return Band(lower, upper, last, lower <= x <= upper, r, len(values))


def season_of(when: dt.datetime, season: str) -> int:
    """The season key of a time: its weekday (0 = Monday) or its hour of day."""
    return when.hour if season == "hour" else when.weekday()


def judge(
    method: str,
    values: Sequence[float],
    x: float,
    *,
    threshold: float | None = None,
    max_increase: float | None = None,
    max_decrease: float | None = None,
) -> Band:
    """Judge today's value ``x`` against past ``values`` (oldest first) with one detector.

    ``seasonal`` is ``mad`` over the values given: pass the same-season ones
    (:func:`seasonal_subset`).

    Args:
        method: ``mad``, ``zscore``, ``change`` or ``seasonal``.
        values: past values, oldest first (at least one; callers enforce ``min_history``).
        x: today's value.
        threshold: the band's half-width in robust/plain standard deviations (``mad``,
            ``zscore``, ``seasonal``), or the symmetric relative change (``change``).
        max_increase: ``change``: the largest allowed relative rise.
        max_decrease: ``change``: the largest allowed relative fall.

    Returns:
        The band, the score and the verdict.

    Raises:
        ValueError: an unknown method, or no past values.
    """
    if method not in METHODS:
        raise ValueError(f"unknown anomaly method {method!r}; use one of {', '.join(METHODS)}")
    if not values:
        raise ValueError("no past values to judge against")
    t = DEFAULT_THRESHOLDS[method] if threshold is None else threshold
    if method == "zscore":
        return _zscore(values, x, t)
    if method == "change":
        if max_increase is None and max_decrease is None:
            max_increase = max_decrease = t
        return _change(values, x, max_increase, max_decrease)
    return _mad(values, x, t)


def seasonal_subset(
    values: Sequence[float], times: Sequence[dt.datetime], now: dt.datetime, season: str
) -> list[float]:
    """The past values in the same season as ``now`` (what ``seasonal`` learns from)."""
    key = season_of(now, season)
    return [v for v, when in zip(values, times, strict=True) if season_of(when, season) == key]
