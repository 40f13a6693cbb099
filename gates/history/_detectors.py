"""Anomaly detectors: a metric's past values → the band today's value must fall in.

Formulas (docs/history.md has them with examples):

* ``mad``: median ``m``, ``MAD = median(|x_i - m|)``, scale ``s = 1.4826·b_n·MAD``
  (``b_n`` Croux and Rousseeuw's small-sample factor); the band is ``m ± k·s`` with
  ``k = q·sqrt(1 + pi/(2n))`` (default threshold 3.5). When more than half the past values
  are equal (MAD 0), ``s = 1.253314·mean(|x_i - m|)`` (Iglewicz and Hoaglin's fallback).
* ``zscore``: mean ``mu``, sample standard deviation ``sd``; the band is ``mu ± k·sd`` with
  ``k = q·sqrt(1 + 1/n)`` (default threshold 3): the prediction interval of a new value.

``q`` is the quantile of Student's t with ``n - 1`` degrees of freedom that leaves the same
two-sided tail as ``threshold`` does under the normal: with many past values ``k`` tends to
``threshold``; with few it widens, so five past runs do not raise false alarms on 10 % of
normal days (the table in docs/history.md).
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
#: Croux and Rousseeuw (1992): small-sample consistency factors of the MAD; n/(n-0.8) above 9.
_MAD_SMALL = {2: 1.196, 3: 1.495, 4: 1.363, 5: 1.206, 6: 1.200, 7: 1.140, 8: 1.129, 9: 1.107}


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
    #: The band's half-width in units of the spread (``k``; ``nan`` for ``change``).
    limit: float = math.nan

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
    """``1.4826·b_n·MAD``; when more than half the values are equal (MAD 0), ``1.2533·MeanAD``."""
    n = len(values)
    deviations = [abs(v - m) for v in values]
    mad = statistics.median(deviations)
    if mad > 0:
        return _MAD_SCALE * _MAD_SMALL.get(n, n / (n - 0.8) if n > 9 else 1.0) * mad
    return _MEANAD_SCALE * statistics.fmean(deviations)


def limit(threshold: float, n: int, *, robust: bool) -> float:
    """``k``: the half-width of the band in spreads, for ``n`` past values (see the module doc)."""
    from scipy import stats  # a dependency of great-expectations, so always installed

    tail = 2 * float(stats.norm.sf(threshold))
    q = float(stats.t.isf(tail / 2, max(1, n - 1)))
    return q * math.sqrt(1 + (math.pi / (2 * n) if robust else 1 / n))


def _mad(values: Sequence[float], x: float, threshold: float) -> Band:
    m = statistics.median(values)
    s = _floor(_robust_scale(values, m), m)
    z = (x - m) / s
    k = limit(threshold, len(values), robust=True)
    return Band(m - k * s, m + k * s, m, abs(z) <= k, z, len(values), k)


def _zscore(values: Sequence[float], x: float, threshold: float) -> Band:
    mu = statistics.fmean(values)
    sd = _floor(statistics.stdev(values) if len(values) > 1 else 0.0, mu)
    z = (x - mu) / sd
    k = limit(threshold, len(values), robust=False)
    return Band(mu - k * sd, mu + k * sd, mu, abs(z) <= k, z, len(values), k)


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
