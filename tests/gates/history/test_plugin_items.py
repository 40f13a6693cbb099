"""The pytest plugin: an anomaly check is its own item, learns from the history of --gate-ledger."""

from __future__ import annotations

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import polars as pl
import pytest

from gates.history import History, history_path

SUITE = """\
name: feed
data: ../data/feed.parquet
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 1000}
anomaly:
  - metric: row_count
    min_history: 3
"""


def _feed(pytester: pytest.Pytester, rows: int) -> None:
    pl.DataFrame({"amount": [float(i % 50) for i in range(rows)]}).write_parquet(
        pytester.path / "data" / "feed.parquet"
    )


def test_the_anomaly_item_passes_learns_and_then_fails(pytester: pytest.Pytester) -> None:
    (pytester.path / "suites").mkdir()
    (pytester.path / "data").mkdir()
    (pytester.path / "suites" / "feed.yml").write_text(SUITE)
    args = ("--gate-suites", "suites", "--gate-ledger", "runs/ledger.duckdb", "-v")
    for rows in (100, 104, 98, 101):
        _feed(pytester, rows)
        result = pytester.runpytest(*args)
        result.assert_outcomes(passed=4)  # column_exists, in_range, the anomaly item, other
        result.stdout.fnmatch_lines(["*suites/feed.yml::feed::anomaly::row_count PASSED*"])
    _feed(pytester, 30)
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*check anomaly::row_count failed (severity block, engine anomaly)*",
            "*30 is outside the band learnt from 4 past runs of this suite on this dataset*",
            "FAILED suites/feed.yml::feed::anomaly::row_count*",
        ]
    )
    store = History(history_path(pytester.path / "runs" / "ledger.duckdb"))
    assert [p.value for p in store.series("row_count")] == [100, 104, 98, 101, 30]
