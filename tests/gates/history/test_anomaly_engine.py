"""The anomaly section end to end: real runs recorded in a real ledger, judged against their past."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from pathlib import Path

import pytest
from _history_helpers import SUITE, Runner, frame
from scipy import stats

from gates.history import History, history_path, judge
from gates.suite import load_suite

ROWS = [1000, 1012, 995, 1004, 990, 1010, 998, 1003, 1007, 992]


def suite_with(anomaly: str) -> str:
    return SUITE + "anomaly:\n" + anomaly


def one(result, cid: str):  # type: ignore[no-untyped-def]
    [found] = [c for c in result.checks if c.id == cid]
    return found


def test_ten_steady_days_then_a_drop_blocks(run_day: Runner) -> None:
    suite = suite_with("  - metric: row_count\n")
    for day, rows in enumerate(ROWS):
        assert run_day(frame(rows, seed=day), day, suite=suite).verdict.value == "pass"
    result = run_day(frame(400, seed=99), len(ROWS), suite=suite)
    check = one(result, "anomaly::row_count")
    assert result.verdict.value == "block"
    assert (check.passed, check.engine, check.name, check.observed) == (
        False,
        "anomaly",
        "anomaly_mad",
        400.0,
    )
    # median of the ten days 1001.5, MAD 6 → s = 1.4826·(10/9.2)·6; band ± k·s with k the
    # t(9) quantile of the normal's two-sided 3.5 tail, widened by sqrt(1 + pi/20)
    k = stats.t.isf(stats.norm.sf(3.5), 9) * math.sqrt(1 + math.pi / 20)
    s = 1.4826 * (10 / 9.2) * 6
    assert k == pytest.approx(5.7497, abs=1e-4)
    assert check.expected == "row_count in [945.905, 1,057.1] (mad, 10 past runs)"
    assert check.threshold == "threshold 3.5"
    assert check.message == (
        "400 is outside the band learnt from 10 past runs of this suite on this dataset "
        "(robust z -62.21, limit ±5.75)"
    )
    band = check.details["anomaly"]
    assert band["lower"] == pytest.approx(1001.5 - k * s)
    assert band["upper"] == pytest.approx(1001.5 + k * s)
    assert band["limit"] == pytest.approx(k, abs=1e-6)
    assert (band["history"], band["judged"], band["method"]) == (10, True, "mad")


def test_a_normal_day_after_the_drop_passes_the_drop_is_not_learnt(
    run_day: Runner, ledger: Path
) -> None:
    suite = suite_with("  - metric: row_count\n    window: 5\n")
    for day, rows in enumerate(ROWS[:6]):
        run_day(frame(rows, seed=day), day, suite=suite)
    assert run_day(frame(300), 6, suite=suite).verdict.value == "block"
    after = one(run_day(frame(1001), 7, suite=suite), "anomaly::row_count")
    assert after.passed
    assert after.details["anomaly"]["history"] == 5
    # the learnt band is that of the five newest passing days, not the blocked one
    want = judge("mad", [1012, 995, 1004, 990, 1010], 1001)
    assert (after.details["anomaly"]["lower"], after.details["anomaly"]["upper"]) == (
        pytest.approx(want.lower),
        pytest.approx(want.upper),
    )
    in_band = History(history_path(ledger)).series("row_count")
    assert [p.in_band for p in in_band] == [None] * 5 + [True, False, True]


def test_a_chosen_verdict_set_lets_blocked_runs_feed_the_baseline(run_day: Runner) -> None:
    suite = suite_with(
        "  - metric: row_count\n    min_history: 2\n    baseline_verdicts: [pass, block]\n"
    )
    run_day(frame(1000), 0, suite=suite)
    run_day(frame(1000), 1, suite=suite)
    assert run_day(frame(10), 2, suite=suite).verdict.value == "block"
    check = one(run_day(frame(1000), 3, suite=suite), "anomaly::row_count")
    assert check.details["anomaly"]["history"] == 3


def test_fewer_past_runs_than_min_history_pass_with_a_note(run_day: Runner) -> None:
    suite = suite_with("  - metric: row_count\n    min_history: 3\n")
    run_day(frame(1000), 0, suite=suite)
    check = one(run_day(frame(5), 1, suite=suite), "anomaly::row_count")
    assert check.passed
    assert check.expected == "3+ past runs to learn from"
    assert check.message == (
        "not enough history: 1 of 3 past runs (pass) of this suite on this dataset yet; "
        "row_count = 5 is recorded for later runs"
    )
    assert check.details["anomaly"]["judged"] is False


def test_a_check_failing_fraction_that_jumps_fails_the_change_detector(run_day: Runner) -> None:
    suite = suite_with(
        '  - metric: "amount::in_range.failing_fraction"\n'
        "    method: change\n    max_increase: 0.5\n    min_history: 1\n    severity: warn\n"
    )
    run_day(frame(1000, bad=10), 0, suite=suite)  # 1% bad: blocked by in_range itself
    first = run_day(frame(1000, bad=10), 1, suite=suite)
    assert (
        one(first, "anomaly::amount::in_range.failing_fraction").details["anomaly"]["history"] == 0
    )  # blocked runs do not feed the baseline
    loose = suite_with(
        '  - metric: "amount::in_range.failing_fraction"\n'
        "    method: change\n    max_increase: 0.5\n    min_history: 1\n    severity: warn\n"
        "    baseline_verdicts: [pass, block]\n"
    )
    same = one(
        run_day(frame(1000, bad=12), 2, suite=loose), "anomaly::amount::in_range.failing_fraction"
    )
    assert same.passed  # 0.010 → 0.012 is +20%
    jump = run_day(frame(1000, bad=30), 3, suite=loose)
    check = one(jump, "anomaly::amount::in_range.failing_fraction")
    assert (check.passed, check.severity.value, check.column) == (False, "warn", "amount")
    assert check.observed == pytest.approx(0.03)
    assert check.message.endswith("(+150.0% vs the last run)")
    assert check.threshold == "max_increase 0.5"


def test_a_column_mean_that_shifts_fails_and_its_profile_is_kept(
    run_day: Runner, ledger: Path
) -> None:
    suite = suite_with("  - metric: amount.mean\n    method: zscore\n")
    for day in range(6):
        run_day(frame(2000, seed=day), day, suite=suite)
    result = run_day(frame(2000, seed=50, shift=8.0), 6, suite=suite)
    check = one(result, "anomaly::amount.mean")
    assert not check.passed
    assert check.column == "amount"
    store = History(history_path(ledger))
    kept = {s.metric for s in store.list_series(metric="amount.*")}
    assert kept == {
        f"amount.{s}"
        for s in (
            "mean",
            "median",
            "std",
            "min",
            "max",
            "sum",
            "null_count",
            "null_fraction",
            "distinct",
        )
    }
    [std] = store.list_series(metric="amount.std")
    assert std.count == 7 and std.kind == "column"


def test_a_check_id_not_in_the_run_is_a_failed_check_naming_what_ran(run_day: Runner) -> None:
    suite = suite_with('  - metric: "amount::in_rnage.failing_fraction"\n')
    check = one(run_day(frame(100), 0, suite=suite), "anomaly::amount::in_rnage.failing_fraction")
    assert not check.passed
    assert check.error == (
        "no check 'amount::in_rnage' ran in this run; check ids here include: amount::in_range"
    )


def test_a_missing_column_is_a_failed_check(run_day: Runner) -> None:
    check = one(
        run_day(frame(100), 0, suite=suite_with("  - metric: price.mean\n")), "anomaly::price.mean"
    )
    assert (check.passed, check.error) == (False, "column 'price' is not in the data")


def test_a_string_column_has_distinct_but_no_mean(run_day: Runner) -> None:
    suite = suite_with("  - metric: country.distinct\n  - metric: country.mean\n")
    result = run_day(frame(100), 0, suite=suite)
    assert one(result, "anomaly::country.distinct").observed == 2.0
    assert one(result, "anomaly::country.mean").error == (
        "mean of column 'country' (String) has no numeric value in this run"
    )


def test_scope_dataset_learns_only_from_the_same_source(run_day: Runner, tmp_path: Path) -> None:
    import dataclasses

    from gates._runner import check as run_check
    from gates.history import history_for
    from gates.ledger import record_result

    suite = suite_with("  - metric: row_count\n    min_history: 2\n")
    for day in range(3):
        run_day(frame(1000), day, suite=suite)
    other = tmp_path / "other.parquet"
    frame(10).write_parquet(other)
    ledger = tmp_path / "runs" / "ledger.duckdb"
    result = run_check(str(other), tmp_path / "suite.yml", history=history_for(ledger))
    assert one(result, "anomaly::row_count").details["anomaly"]["history"] == 0
    (tmp_path / "suite.yml").write_text(
        suite_with("  - metric: row_count\n    min_history: 2\n    scope: suite\n")
    )
    result = run_check(str(other), tmp_path / "suite.yml", history=history_for(ledger))
    check = one(result, "anomaly::row_count")
    assert (check.passed, check.details["anomaly"]["history"]) == (False, 3)
    assert "past runs of this suite (robust z" in (check.message or "")
    record_result(dataclasses.replace(result), ledger)


def test_seasonal_compares_with_the_same_weekday(run_day: Runner) -> None:
    """Today's weekday is quiet: plain mad flags today, seasonal compares with past such days."""
    from _history_helpers import START

    today = dt.datetime.now(dt.UTC).weekday()
    plain = "  - metric: row_count\n    min_history: 3\n    window: 60\n    severity: warn\n"
    same_day: list[int] = []  # the row counts of the past runs on today's weekday
    for day in range(28):
        weekday = (START + dt.timedelta(days=day)).weekday()
        rows = 400 + day % 3 if weekday == today else 1000 + day % 5
        if weekday == today:
            same_day.append(rows)
        run_day(frame(rows, seed=day), day, suite=suite_with(plain))
    # judged now (today's weekday); the history's runs lie on the days they were recorded
    seasonal = (
        "  - metric: row_count\n    method: seasonal\n    min_history: 3\n    window: 10\n"
        "    baseline_verdicts: [pass, warn]\n"
    )
    result = run_day(frame(401), 28, suite=suite_with(plain + seasonal))
    flat, weekly = [c for c in result.checks if c.engine == "anomaly"]
    assert (flat.id, weekly.id) == ("anomaly::row_count", "anomaly::row_count#2")
    assert not flat.passed
    assert weekly.passed
    # four past runs on today's weekday, e.g. 402, 400, 401, 402 on a Wednesday (days 2, 9, 16, 23)
    assert weekly.details["anomaly"]["history"] == len(same_day) == 4
    assert weekly.details["anomaly"]["centre"] == statistics.median(same_day)
    assert result.verdict.value == "warn"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("metric: amount.avg", "unknown column statistic 'avg' in 'amount.avg'"),
        ("metric: row_count\n    method: ewma", "anomaly.0.method: Input should be 'mad'"),
        ("metric: row_count\n    window: -1", "anomaly.0.window: Input should be greater"),
        ("metric: row_count\n    threshold: 0", "anomaly.0.threshold: Input should be greater"),
        ("metric: row_count\n    max_increase: 0.2", "apply to method: change only"),
        ("metric: row_count\n    window: 3", "min_history 5 is more than window 3"),
        ("metric: nonsense", "metric 'nonsense' is not row_count, COLUMN.STAT or CHECK_ID.FIELD"),
        ("metric: row_count\n    scope: everywhere", "anomaly.0.scope: Input should be 'dataset'"),
        ("metric: row_count\n    baseline_verdicts: []", "anomaly.0.baseline_verdicts"),
    ],
)
def test_a_bad_item_is_refused_at_load_naming_line_and_fix(
    tmp_path: Path, item: str, message: str
) -> None:
    from gates import SuiteDefinitionError

    path = tmp_path / "s.yml"
    path.write_text("name: x\nanomaly:\n  - " + item + "\n", encoding="utf-8")
    with pytest.raises(SuiteDefinitionError) as info:
        load_suite(path)
    text = str(info.value)
    assert text.startswith(f"{path}:3:") or text.startswith(f"{path}:4:"), text
    assert message in text
