"""A run that profiles the data (a ``drift:`` section) keeps the profile's column statistics."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from _history_helpers import Runner, frame

import gates
from gates.history import History, history_path, verify_history

DRIFT = """\
name: feed
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 1000}
drift:
  baseline: baseline.json
  severity: warn
"""
QUANTILES = {"p1": 0.01, "p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    path = tmp_path / "baseline.json"
    doc = gates.profile(frame(300, seed=99)).to_dict()
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_drift_profile_statistics_are_recorded(
    run_day: Runner, ledger: Path, baseline: Path
) -> None:
    data = frame(250, seed=3)
    result = run_day(data, 0, suite=DRIFT)
    # the first drift result of each column carries them, in the report as in the ledger
    first = next(c for c in result.checks if c.engine == "drift" and c.column == "amount")
    assert first.details["profile_stats"]["amount.count"] == 250
    values = {
        s.metric: (s.kind, s.column, s.last_value)
        for s in History(history_path(ledger)).list_series()
    }
    amount = data["amount"]
    want = {f"amount.{k}": amount.quantile(q, interpolation="linear") for k, q in QUANTILES.items()}
    want |= {"amount.median": amount.median(), "amount.mean": amount.mean()}
    want |= {"amount.min": amount.min(), "amount.max": amount.max(), "amount.std": amount.std()}
    want |= {"amount.distinct": amount.n_unique(), "amount.null_count": 0}
    for metric, value in want.items():
        assert values[metric][:2] == ("column", "amount"), metric
        assert values[metric][2] == pytest.approx(value), metric
    assert values["country.distinct"] == ("column", "country", 2)
    assert "country.mean" not in values  # a string column has no mean
    assert verify_history(ledger).ok  # derived from the ledger record alone, like every row


def test_profiled_runs_teach_a_later_anomaly_item(
    run_day: Runner, ledger: Path, baseline: Path
) -> None:
    """Six drift runs recorded amount.p75; an anomaly item on it then has six past values."""
    for day in range(6):
        run_day(frame(200, seed=day), day, suite=DRIFT)
    # 200-row samples against a 300-row baseline: the drift checks warn, so warn runs teach
    anomaly = DRIFT + "anomaly:\n  - metric: amount.p75\n    baseline_verdicts: [pass, warn]\n"
    result = run_day(frame(200, seed=50, shift=60.0), 6, suite=anomaly)
    (item,) = [c for c in result.checks if c.id == "anomaly::amount.p75"]
    assert item.details["anomaly"]["history"] == 6
    assert item.details["anomaly"]["judged"] is True
    assert not item.passed  # the amounts moved up by 6 standard deviations
    assert item.observed == pytest.approx(
        frame(200, seed=50, shift=60.0)["amount"].quantile(0.75, interpolation="linear")
    )
    # the anomaly item's own (exact) measurement is what the history keeps for that run
    points = History(history_path(ledger)).series("amount.p75", suite="feed")
    assert len(points) == 7
    assert points[-1].value == pytest.approx(item.observed)
    assert isinstance(pl.Series([p.value for p in points]).std(), float)
