"""The detectors' formulas on small series, and their rates on synthetic series with known anomalies."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from gates.history import judge
from gates.history._detectors import limit, seasonal_subset
from gates.history._rates import DETECTORS, rates, series


def test_limit_is_the_threshold_with_many_past_values_and_wider_with_few() -> None:
    assert limit(3.5, 100_000, robust=True) == pytest.approx(3.5, abs=1e-3)
    assert limit(3.0, 100_000, robust=False) == pytest.approx(3.0, abs=1e-3)
    assert limit(3.0, 5, robust=False) == pytest.approx(
        stats.t.isf(stats.norm.sf(3.0), 4) * math.sqrt(1 + 1 / 5)
    )
    assert limit(3.5, 5, robust=True) > limit(3.5, 10, robust=True) > limit(3.5, 30, robust=True)


def test_mad_band_from_median_and_scaled_mad() -> None:
    values = [10.0, 12.0, 11.0, 13.0, 9.0, 11.0, 10.0, 12.0, 11.0, 50.0]
    band = judge("mad", values, 30.0)
    # median 11, |x - 11| = 1 1 0 2 2 0 1 1 0 39 → MAD 1; s = 1.4826·(10/9.2)
    s = 1.4826 * 10 / 9.2
    k = limit(3.5, 10, robust=True)
    assert (band.centre, band.lower, band.upper) == pytest.approx((11, 11 - k * s, 11 + k * s))
    assert band.score == pytest.approx((30 - 11) / s)
    assert not band.passed  # the one old outlier (50) does not widen a robust band
    assert judge("mad", values, 15.0).passed


def test_mad_falls_back_to_the_mean_absolute_deviation_when_mad_is_zero() -> None:
    band = judge("mad", [5.0, 5.0, 5.0, 5.0, 9.0], 5.5)
    s = 1.253314 * (4 / 5)  # mean |x - 5| = 0.8
    assert band.upper == pytest.approx(5 + limit(3.5, 5, robust=True) * s)
    assert band.passed


def test_a_constant_history_fails_any_change() -> None:
    assert judge("mad", [7.0] * 6, 7.0).passed
    assert not judge("mad", [7.0] * 6, 7.001).passed
    assert not judge("zscore", [7.0] * 6, 6.999).passed


def test_zscore_is_the_prediction_interval() -> None:
    values = [100.0, 102.0, 98.0, 101.0, 99.0]
    band = judge("zscore", values, 100.0)
    sd = stats.tstd(values)
    assert band.upper - band.centre == pytest.approx(limit(3.0, 5, robust=False) * sd)
    assert band.centre == pytest.approx(100.0)


def test_change_relative_to_the_last_value_with_open_sides() -> None:
    past = [80.0, 100.0]
    assert judge("change", past, 149.0).passed  # +49 %, default ±50 %
    assert not judge("change", past, 151.0).passed
    band = judge("change", past, 60.0, max_increase=0.1)
    assert (band.lower, band.upper, band.passed) == (-math.inf, pytest.approx(110.0), True)
    band = judge("change", past, 89.0, max_decrease=0.1)
    assert (band.lower, band.upper, band.passed) == (pytest.approx(90.0), math.inf, False)
    assert band.score == pytest.approx(-0.11)
    assert judge("change", [0.0], 0.4, max_increase=0.5).passed  # a last 0 counts as 1
    assert not judge("change", [0.0], 0.6, max_increase=0.5).passed


def test_seasonal_subset_keeps_the_same_weekday_or_hour() -> None:
    import datetime as dt

    monday = dt.datetime(2026, 11, 2, 6)
    times = [monday + dt.timedelta(days=d) for d in range(14)]
    values = [float(d) for d in range(14)]
    assert seasonal_subset(values, times, monday + dt.timedelta(days=14), "weekday") == [0.0, 7.0]
    hours = [monday + dt.timedelta(hours=h) for h in range(48)]
    assert seasonal_subset(list(range(48)), hours, monday + dt.timedelta(hours=48), "hour") == [
        0,
        24,
    ]


def test_unknown_method_and_no_values_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown anomaly method 'ewma'; use one of mad"):
        judge("ewma", [1.0], 1.0)
    with pytest.raises(ValueError, match="no past values"):
        judge("mad", [], 1.0)


def test_synthetic_series_carry_the_anomaly_where_stated() -> None:
    import numpy as np

    values, targets = series("step", np.random.default_rng(0))
    assert targets == {40}
    assert sum(values[40:]) / 20 < 0.75 * sum(values[:40]) / 40
    values, targets = series("seasonal", np.random.default_rng(0))
    assert targets == {43} and values[43] < 700 and values[42] > 900


def test_detection_and_false_alarm_rates() -> None:
    """Rates over 60 series per scenario (docs/history.md shows them over 300)."""
    found = rates(60)
    assert set(found) == set(DETECTORS)
    for name in ("mad (3.5)", "zscore (3)"):
        for scenario in ("step", "spike"):
            detected, false_alarms = found[name][scenario]
            assert detected >= 0.95 and false_alarms <= 0.01, (name, scenario)
    # weekly data: mad flags every weekend, seasonal learns the week
    assert found["mad (3.5)"]["seasonal"][1] > 0.25
    detected, false_alarms = found["seasonal (3.5, weekday)"]["seasonal"]
    assert detected >= 0.9 and false_alarms <= 0.03
    # Deequ's online normal absorbs the weekly swing into its spread and misses the odd weekday
    assert found["Deequ OnlineNormal (3)"]["seasonal"][0] <= 0.1
    # a relative change detector cannot see a slow drift
    assert found["change (±20 %)"]["drift"][0] == 0.0
