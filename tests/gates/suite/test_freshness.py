"""``freshness``: the newest timestamp of a column is within a duration of a reference time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl
import pytest

import gates
from gates import SuiteDefinitionError
from gates.suite import parse_suite

FRAME = pl.DataFrame(
    {
        "at": [dt.datetime(2024, 5, 30, 12), dt.datetime(2024, 5, 31, 18), None],
        "day": [dt.date(2024, 5, 29), dt.date(2024, 5, 30), None],
        "label": ["a", "b", "c"],
    }
)


def _run(check: str, *, on: str = "polars") -> Any:
    suite = parse_suite(f"checks:\n  - freshness: {check}\n", path="s.yml")
    data: Any = FRAME
    if on == "duckdb":
        con = duckdb.connect()
        con.register("t", FRAME.to_arrow())
        data = con.sql("select * from t")
    (result,) = gates.check(data, suite).checks
    return result


@pytest.mark.parametrize("on", ["polars", "duckdb"])
@pytest.mark.parametrize(
    ("check", "passed", "age"),
    [
        ("{column: at, max_age: 1d, now: 2024-06-01T00:00:00Z}", True, "6h"),
        ("{column: at, max_age: 5h, now: 2024-06-01T00:00:00Z}", False, "6h"),
        ("{column: at, max_age: 1d12h, now: '2024-06-02T05:59:00+00:00'}", True, "1d 11h 59m"),
        ("{column: day, max_age: 2d, now: 2024-06-01}", True, "2d"),
        ("{column: day, max_age: 36h, now: 2024-06-01}", False, "2d"),
    ],
)
def test_fresh_and_stale(check: str, passed: bool, age: str, on: str) -> None:
    result = _run(check, on=on)
    assert result.error is None, result.error
    assert (result.passed, result.observed, result.id) == (passed, age, "table::freshness")


def test_the_reference_time_comes_from_gates_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATES_NOW", "2024-06-01T00:00:00Z")
    assert _run("{column: at, max_age: 7h}").passed
    monkeypatch.setenv("GATES_NOW", "2024-06-10T00:00:00Z")
    stale = _run("{column: at, max_age: 7h}")
    assert not stale.passed and stale.message.endswith("expected at most 7h")


def test_a_column_that_is_not_temporal_is_a_check_error() -> None:
    result = _run("{column: label, max_age: 1d}")
    assert not result.passed and "needs a date or datetime column; 'label' is String" in (
        result.error or ""
    )


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("{column: at, max_age: soon}", "max_age: 'soon' is not a duration"),
        ("{column: at, max_age: 5}", "max_age: 5 is not a duration"),
        ("{column: at, max_age: 1d, now: yesterday}", "now: 'yesterday' is not a date or datetime"),
        ("{column: [at], max_age: 1d}", "column is one column name"),
        ("{max_age: 1d}", "needs the argument 'column'"),
    ],
)
def test_bad_arguments_are_refused_at_load(check: str, message: str) -> None:
    with pytest.raises(SuiteDefinitionError, match=r"s\.yml:2:5: checks\.0: ") as info:
        parse_suite(f"checks:\n  - freshness: {check}\n", path="s.yml")
    assert message in str(info.value)
