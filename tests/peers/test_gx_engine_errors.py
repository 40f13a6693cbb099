"""The GX engine keeps what GX 1.24 reports: per-metric exceptions, a sunk batch, other columns.

Found by GX's own test definitions (issues #12/#17): each case runs through real GX on both the
default and the reference engine and must give the same, explained result.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest

import gates
from gates import SuiteDefinitionError
from gates.suite._load import parse_suite

FRAME = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [None, 1.5, 2.0]})


def _run(expectations: list[dict[str, Any]], engine: str) -> dict[str, gates.CheckResult]:
    suite = parse_suite(json.dumps({"name": "gx-faults", "expectations": expectations}))
    return {c.id: c for c in gates.check(FRAME, suite, engine=engine).checks}  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_a_metric_exception_is_the_checks_error(engine: str) -> None:
    got = _run(
        [{"type": "expect_column_mean_to_be_between", "kwargs": {"column": "b", "min_value": 0}}],
        engine,
    )
    res = got["b::expect_column_mean_to_be_between"]
    assert res.passed is False
    assert res.error == "column.mean: Could not convert string 'xyz' to numeric"


@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_an_exception_in_validate_does_not_sink_the_other_expectations(engine: str) -> None:
    kl = {
        "type": "expect_column_kl_divergence_to_be_less_than",
        "kwargs": {
            "column": "a",
            "partition_object": {"bins": [0, 1], "weights": []},
            "threshold": 0.1,
        },
    }
    between = {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {
            "column": "b",
            "value_set": ["x", "y"],
            "row_condition": "a > 1",
            "condition_parser": "pandas",
        },
    }
    got = _run([kl, between], engine)
    assert got["a::expect_column_kl_divergence_to_be_less_than"].error == (
        "Great Expectations raised ValueError: Invalid partition_object provided"
    )
    other = got["b::expect_column_values_to_be_in_set"]
    assert (other.passed, other.failing_count, other.error) == (False, 1, None)  # "z" where a > 1


@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_row_condition_and_column_index_see_the_columns_they_need(engine: str) -> None:
    got = _run(
        [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {
                    "column": "a",
                    "max_value": 2,
                    "row_condition": 'b != "z"',
                    "condition_parser": "pandas",
                },
            },
            {"type": "expect_column_to_exist", "kwargs": {"column": "b", "column_index": 1}},
            {"type": "expect_column_to_exist", "kwargs": {"column": "b", "column_index": 2}},
        ],
        engine,
    )
    between = got["a::expect_column_values_to_be_between"]
    assert (between.passed, between.failing_count, between.error) == (True, 0, None)
    assert got["b::expect_column_to_exist"].passed is True
    assert got["b::expect_column_to_exist#2"].passed is False
    assert got["b::expect_column_to_exist#2"].error is None


@pytest.mark.parametrize(
    "item",
    [
        {"checks": [{"row_count": {"min": 5, "max": 1}}]},
        {
            "expectations": [
                {
                    "type": "expect_table_row_count_to_be_between",
                    "kwargs": {"min_value": 5, "max_value": 1},
                }
            ]
        },
    ],
)
def test_min_above_max_row_count_is_a_suite_error_on_every_path(item: dict[str, Any]) -> None:
    """Refused when the suite loads, so native and reference cannot differ."""
    with pytest.raises(SuiteDefinitionError, match="greater than"):
        parse_suite(json.dumps({"name": "rows", **item}))


QUANTILES = "expect_column_quantile_values_to_be_between"


def _quantiles(qs: list[float]) -> dict[str, Any]:
    ranges = {0.0: [0, 2], 0.5: [4, 7], 1.0: [9, 11]}
    return {
        "type": QUANTILES,
        "kwargs": {
            "column": "q",
            "quantile_ranges": {"quantiles": qs, "value_ranges": [ranges[q] for q in qs]},
        },
    }


@pytest.mark.parametrize("order", [[[0.0, 1.0], [0.0, 0.5, 1.0]], [[0.0, 0.5, 1.0], [0.0, 1.0]]])
def test_two_quantile_expectations_on_one_column(order: list[list[float]]) -> None:
    """Found by GX's own quantile tests 0-2 (issue #17): native and GX must give one answer.

    GX 1.24 fixes a MetricConfiguration's id before the quantiles join its kwargs, so two
    quantile expectations on one column in one validation share the first one's values; the
    GX engine validates the repeats on their own."""
    frame = pl.DataFrame({"q": [float(i) for i in range(1, 11)]})
    suite = parse_suite(json.dumps({"name": "q", "expectations": [_quantiles(qs) for qs in order]}))
    for engine in ("auto", "reference"):
        got = gates.check(frame, suite, engine=engine).checks  # type: ignore[arg-type]
        observed = [(c.details or {}).get("result", {}).get("observed_value") for c in got]
        assert [c.error for c in got] == [None, None], engine
        assert [o["values"] for o in observed] == [
            [{0.0: 1.0, 0.5: 5.0, 1.0: 10.0}[q] for q in qs] for qs in order
        ], engine
