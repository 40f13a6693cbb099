"""``where:`` on column and table checks: the same rows kept, counted and sampled on every backend.

Real frames through ``gates.check``: Polars (the fused pass), DuckDB relations (narwhals
lowering), the reference engines (pandera, the table engine) and, for a few checks, Spark.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import duckdb
import polars as pl
import pytest

import gates
from gates import CheckResult, GateResult, SuiteDefinitionError
from gates.suite import parse_suite

UTC = dt.UTC

#: A small storm-tracks table: status, wind (knots), pressure, basin, a name, when observed.
STORMS = pl.DataFrame(
    {
        "storm": ["ana", "ana", "bob", "bob", "cid", "cid", "dee", "eve", "eve", "fay"],
        "status": [
            "hurricane",
            "hurricane",
            "storm",
            "hurricane",
            "depression",
            "hurricane",
            None,
            "hurricane",
            "storm",
            "Hurricane",
        ],
        "wind": [70, 90, 45, None, 25, 50, 30, 100, 40, 65],
        "pressure": [980.5, 960.0, 1000.0, 990.0, 1010.0, 995.0, None, 940.0, 1002.0, 985.0],
        "basin": ["AL", "AL", "EP", "AL", "AL", "EP", "AL", "EP", "AL", "EP"],
        "seen": [
            dt.datetime(2024, 9, d, h, tzinfo=UTC)
            for d, h in [
                (1, 0),
                (1, 6),
                (2, 0),
                (2, 6),
                (3, 0),
                (3, 6),
                (4, 0),
                (5, 0),
                (5, 6),
                (6, 0),
            ]
        ],
        "day": [dt.date(2024, 9, d) for d in (1, 1, 2, 2, 3, 3, 4, 5, 5, 6)],
    }
)

SUITE = """\
name: storms
columns:
  wind:
    checks:
      - ge: 64
        where: "status = 'hurricane'"
      - lt: 60
        where: "status in ('storm', 'depression')"
      - in_range: {min_value: 0, max_value: 80}
        where: "basin = 'AL' and pressure < 1000"
  storm:
    checks:
      - str_length: 3
        where: "wind is not null"
      - isin: [ana, bob]
        where: "not status = 'hurricane'"
checks:
  - row_count: {min: 5}
    where: "lower(status) = 'hurricane'"
  - unique: storm
    where: "status = 'hurricane'"
  - expression: "pressure < 1000"
    where: "wind >= 64"
  - freshness: {column: seen, max_age: 1d, now: '2024-09-06T00:00:00Z'}
    where: "basin = 'AL'"
"""

#: (failing rows, rows the check judged) — worked out by hand from STORMS.
EXPECTED = {
    # hurricane rows: ana 70, ana 90, bob None, cid 50, eve 100 → cid fails (null passes)
    "wind::greater_than_or_equal_to": (1, 5),
    # storm/depression rows: bob 45, cid 25, eve 40 → all pass
    "wind::less_than": (0, 3),
    # AL with pressure < 1000: ana 70, ana 90, bob None → ana 90 fails
    "wind::in_range": (1, 3),
    # wind not null: 9 rows; every name has 3 letters
    "storm::str_length": (0, 9),
    # status not 'hurricane' (null status is left out): bob, cid, eve, fay → cid, eve, fay fail
    "storm::isin": (3, 4),
    # ana twice among the hurricanes: 2 rows
    "table::unique": (2, 5),
    # wind >= 64: ana 70, ana 90, eve 100, fay 65 → all below 1000
    "table::expression": (0, 4),
}


def _duckdb(frame: pl.DataFrame) -> Any:
    con = duckdb.connect()
    con.register("storms", frame.to_arrow())
    return con.sql("select * from storms")


def _run(on: str, suite: str = SUITE, frame: pl.DataFrame = STORMS) -> GateResult:
    loaded = parse_suite(suite, path="storms.yml")
    if on == "duckdb":
        return gates.check(_duckdb(frame), loaded)
    if on == "spark":
        return gates.check(frame, loaded, engine="spark")
    return gates.check(frame, loaded, engine="reference" if on == "reference" else "auto")


def _by_id(result: GateResult) -> dict[str, CheckResult]:
    return {c.id: c for c in result.checks}


@pytest.mark.parametrize("on", ["polars", "duckdb", "reference"])
def test_every_backend_judges_only_the_kept_rows(on: str) -> None:
    checks = _by_id(_run(on))
    for cid, (failing, rows) in EXPECTED.items():
        c = checks[cid]
        assert c.error is None, (cid, c.error)
        assert (c.failing_count, c.details["rows_checked"]) == (failing, rows), cid
        assert c.failing_fraction == pytest.approx(failing / rows), cid
        assert c.passed is (failing == 0), cid
        where = c.details["where"]
        assert f"of {rows:,} rows where {where}" in c.message or c.message == (
            f"all {rows:,} rows where {where} pass"
        ), c.message
        assert c.expected is not None and c.expected.endswith(f", where {where}")
    # row_count counts the kept rows: 5 hurricanes plus fay's "Hurricane" under lower()
    count = checks["table::row_count"]
    assert (count.passed, count.observed) == (True, 6)
    assert count.message == "6 rows where lower(status) = 'hurricane'"
    # the newest AL observation is eve on 5 Sep 06:00: 18 hours before `now`
    fresh = checks["table::freshness"]
    assert (fresh.passed, fresh.observed) == (True, "18h")


@pytest.mark.parametrize("on", ["polars", "duckdb", "reference"])
def test_samples_are_the_failing_kept_rows(on: str) -> None:
    checks = _by_id(_run(on))
    names = {(r["storm"], r["status"]) for r in checks["storm::isin"].sample}
    assert names == {("cid", "depression"), ("eve", "storm"), ("fay", "Hurricane")}
    (row,) = checks["wind::greater_than_or_equal_to"].sample
    assert (row["storm"], row["wind"]) == ("cid", 50)
    if on != "duckdb":  # a relation has no row order: DuckDB samples carry values only
        assert row["row"] == 5


def test_ids_are_those_without_where() -> None:
    plain = SUITE.replace("where:", "description:")
    assert [c.id for c in _run("polars").checks] == [c.id for c in _run("polars", plain).checks]


#: (condition, rows kept) — each operator of the dialect, nulls left out as SQL leaves them out.
CONDITIONS = [
    ("status = 'hurricane'", 5),
    ("status != 'hurricane'", 4),  # the null status is neither
    ("status <> 'hurricane' or status is null", 5),
    ("status not in ('hurricane', 'storm')", 2),
    ("wind between 40 and 70", 5),
    ("wind not between 40 and 70", 4),  # bob's null wind is left out
    ("wind / 2 >= 35 and not basin = 'EP'", 2),
    ("-wind < -64 or pressure is null", 5),
    ("abs(pressure - 1000) <= 5", 3),
    ("length(storm) = 3 and upper(basin) like 'E%'", 4),
    ("status like '%ricane'", 6),  # 'Hurricane' too: LIKE is case-sensitive from the end
    ("status like '%urr%'", 6),
    ("\"day\" >= '2024-09-05'", 3),
    ("day < date '2024-09-02'", 2),
    ("seen >= '2024-09-05T00:00:00Z'", 3),
    ("seen < timestamp '2024-09-02 00:00'", 2),
    ("(basin = 'AL' or wind > 60) and pressure > 950", 6),
]


@pytest.mark.parametrize("on", ["polars", "duckdb", "reference"])
def test_the_dialect_means_the_same_on_every_backend(on: str) -> None:
    items = "".join(
        f'  - row_count: {{min: 0}}\n    where: "{w.replace(chr(34), chr(92) + chr(34))}"\n'
        for w, _ in CONDITIONS
    )
    result = _run(on, f"name: dialect\nchecks:\n{items}")
    kept = [c.observed for c in result.checks]
    assert kept == [n for _, n in CONDITIONS]


def test_an_unknown_column_or_a_type_mismatch_is_a_suite_error_before_any_check_runs(
    tmp_path: Any,
) -> None:
    suite = tmp_path / "storms.yml"
    suite.write_text(
        "columns:\n"
        "  wind:\n"
        "    checks:\n"
        "      - ge: 64\n"
        "        where: \"stauts = 'hurricane'\"\n"
        "checks:\n"
        "  - row_count: {min: 1}\n"
        "    where: \"wind = 'strong'\"\n"
    )
    with pytest.raises(SuiteDefinitionError) as err:
        gates.check(STORMS, suite)
    text = str(err.value)
    assert f"{suite}:5:9: columns.wind.checks.0.where: no column 'stauts' in the data" in text
    assert "(did you mean 'status'?)" in text
    assert f"{suite}:8:5: checks.0.where: `=` compares column 'wind' (Int64, a number) with" in text


GX_SUITE = """\
name: storms
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: wind, min_value: 64, mostly: 0.7}
    where: "status = 'hurricane'"
  - type: expect_column_values_to_not_be_null
    kwargs: {column: pressure}
    where: "basin = 'AL'"
  - type: expect_column_mean_to_be_between
    kwargs: {column: wind, min_value: 60}
    where: "status = 'hurricane'"
"""


@pytest.mark.parametrize("on", ["polars", "duckdb", "reference"])
def test_expectations_see_only_the_kept_rows(on: str) -> None:
    checks = _by_id(_run(on, GX_SUITE))
    between = checks["wind::expect_column_values_to_be_between"]
    # 5 hurricanes, one without wind: cid's 50 is 1 of 4 values (25%), within mostly 0.7
    assert (between.passed, between.failing_count, between.failing_fraction) == (True, 1, 0.25)
    assert between.details["rows_checked"] == 5
    nulls = checks["pressure::expect_column_values_to_not_be_null"]
    # 6 AL rows; dee has no pressure
    assert (nulls.passed, nulls.failing_count, nulls.details["rows_checked"]) == (False, 1, 6)
    assert nulls.message == "1 unexpected values (16.67%) among 6 rows where basin = 'AL'"
    if on != "duckdb":
        assert [r["row"] for r in nulls.sample] == [6]
    # mean wind of the hurricanes with a wind: (70 + 90 + 50 + 100) / 4; GX itself computes it
    mean = checks["wind::expect_column_mean_to_be_between"]
    assert (mean.engine, mean.passed, mean.observed) == ("gx", True, 77.5)
    translated = {c.id for c in checks.values() if c.engine == "native"}
    assert translated == (set() if on == "reference" else {between.id, nulls.id})


def test_where_and_row_condition_on_one_expectation_are_refused() -> None:
    with pytest.raises(SuiteDefinitionError, match=r"where and kwargs\.row_condition both filter"):
        parse_suite(
            "expectations:\n  - type: expect_column_values_to_not_be_null\n"
            "    kwargs: {column: a, row_condition: 'b > 1', condition_parser: pandas}\n"
            "    where: 'b > 1'\n",
            path="s.yml",
        )


def _spark_ready() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


SPARK_SUITE = """\
name: storms
columns:
  wind:
    checks:
      - ge: 64
        where: "status = 'hurricane' and seen < '2024-09-04'"
  storm:
    checks:
      - isin: [ana, bob]
        where: "not status = 'hurricane'"
checks:
  - row_count: {min: 5}
    where: "lower(status) like 'hurr%'"
"""


@pytest.mark.spark
@pytest.mark.skipif(
    not _spark_ready() and not os.environ.get("CI"), reason="needs PySpark and Java"
)
def test_spark_keeps_the_same_rows() -> None:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark, polars = _by_id(_run("spark", SPARK_SUITE)), _by_id(_run("polars", SPARK_SUITE))
    for cid in ("wind::greater_than_or_equal_to", "storm::isin"):
        s, p = spark[cid], polars[cid]
        assert (s.engine, s.error) == ("native", None), cid
        assert (s.failing_count, s.details["rows_checked"], s.passed) == (
            p.failing_count,
            p.details["rows_checked"],
            p.passed,
        ), cid
    # hurricanes before 4 Sep: ana 70, ana 90, bob None, cid 50 → cid fails
    assert (
        spark["wind::greater_than_or_equal_to"].failing_count,
        spark["wind::greater_than_or_equal_to"].details["rows_checked"],
    ) == (1, 4)
    assert spark["table::row_count"].observed == polars["table::row_count"].observed == 6
    names = {(r["storm"], r["status"]) for r in spark["storm::isin"].sample}
    assert names == {("cid", "depression"), ("eve", "storm"), ("fay", "Hurricane")}
