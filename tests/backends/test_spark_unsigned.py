"""Spark has no unsigned integers: a Polars frame's UInt columns widen on the way in."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

import gates
from gates import InputError
from gates.suite import parse_suite

pytestmark = pytest.mark.spark

SUITE = """\
name: unsigned
columns:
  small: {checks: [{in_range: {min_value: 1, max_value: 200}}]}
  wide: {checks: [{less_than: 4000000000}]}
  huge: {checks: [{greater_than: 0}]}
"""


def test_unsigned_columns_give_polars_answer_on_spark(spark: Any) -> None:
    frame = pl.DataFrame(
        {
            "small": pl.Series([1, 250, 7], dtype=pl.UInt8),
            "wide": pl.Series([5, 4_000_000_001, 9], dtype=pl.UInt32),
            "huge": pl.Series([0, 2**62, 3], dtype=pl.UInt64),
        }
    )
    suite = parse_suite(SUITE)
    want = gates.check(frame, suite, engine="polars")
    got = gates.check(frame, suite, engine="spark")
    assert got.backend == "spark"
    assert [(c.id, c.passed, c.failing_count) for c in got.checks] == [
        (c.id, c.passed, c.failing_count) for c in want.checks
    ]
    assert {c.id: c.failing_count for c in got.checks if c.failing_count} == {
        "small::in_range": 1,
        "wide::less_than": 1,
        "huge::greater_than": 1,
    }


def test_a_uint64_beyond_spark_integers_is_one_line_input_error(spark: Any) -> None:
    frame = pl.DataFrame({"huge": pl.Series([2**64 - 1], dtype=pl.UInt64)})
    with pytest.raises(InputError, match=r"column 'huge' is UInt64 with values above Spark"):
        gates.check(frame, parse_suite(SUITE.split("  small")[0] + "  huge: {}\n"), engine="spark")
