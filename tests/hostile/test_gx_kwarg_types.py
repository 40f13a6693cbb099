"""GX kwarg types at load come from GX's own expectation classes, and accept what suites write.

``gates/suite/gx_kwarg_types.json`` is derived from the installed GX's pydantic fields
(``python -m gates.suite._gx_args``); the first test re-derives it and compares, so a GX
upgrade that changes a kwarg's type fails here until the file is regenerated. The refusals
themselves are hostile cases in ``test_suites.py`` (``gx-type-*``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gates.suite
from gates.suite import parse_suite
from gates.suite._gx_args import derive_kwarg_types, gx_kwarg_problems

SHIPPED = Path(gates.suite.__file__).with_name("gx_kwarg_types.json")


def test_the_shipped_table_is_gx_s_own() -> None:
    pytest.importorskip("great_expectations")
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))["expectations"]
    assert shipped == json.loads(json.dumps(derive_kwarg_types())), (
        "GX's kwarg types changed: run `python -m gates.suite._gx_args` and review the diff"
    )
    # the case from the issue, straight from GX's field (Union[float, dict, date, datetime, None])
    assert shipped["expect_column_mean_to_be_between"]["min_value"] == [
        "number",
        "param",
        "date",
        "datetime",
        "null",
    ]


#: Kwargs as suites write them (YAML values): each must load.
FINE = [
    ("expect_column_mean_to_be_between", {"column": "a", "min_value": 1, "max_value": 2.5}),
    ("expect_column_max_to_be_between", {"column": "d", "min_value": "2024-01-01"}),
    ("expect_column_max_to_be_between", {"column": "d", "max_value": "2024-01-01T10:00:00Z"}),
    ("expect_column_min_to_be_between", {"column": "d", "min_value": None, "max_value": 3}),
    ("expect_column_values_to_not_be_null", {"column": "a", "mostly": 0.5}),
    (
        "expect_column_values_to_not_be_null",
        {"column": "a", "row_condition": "b > 1", "condition_parser": "pandas"},
    ),
    ("expect_column_values_to_be_of_type", {"column": "a", "type_": "int64"}),
    ("expect_column_values_to_be_in_type_list", {"column": "a", "type_list": ["int64"]}),
    ("expect_column_values_to_not_be_outliers", {"column": "a", "method": "iqr"}),
    (
        "expect_column_quantile_values_to_be_between",
        {"column": "a", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[1, 2]]}},
    ),
    ("expect_column_to_exist", {"column": "a", "column_index": 0}),
    ("expect_table_row_count_to_equal", {"value": 3}),
    ("expect_column_values_to_be_in_set", {"column": "a", "value_set": ["x", 1]}),
    ("expect_column_values_to_not_be_null", {"column": "a", "result_format": "COMPLETE"}),
    (
        "expect_column_values_to_not_be_null",
        {"column": "a", "result_format": {"result_format": "SUMMARY"}, "catch_exceptions": True},
    ),
]


@pytest.mark.parametrize(
    ("kind", "kwargs"), FINE, ids=[f"{k}-{i}" for i, (k, _) in enumerate(FINE)]
)
def test_kwargs_as_suites_write_them_load(kind: str, kwargs: dict[str, object]) -> None:
    assert gx_kwarg_problems(kind, kwargs) == []
    text = json.dumps({"name": "t", "expectations": [{"type": kind, "kwargs": kwargs}]})
    assert parse_suite(text).suite.expectations[0].kwargs == kwargs  # JSON is YAML


def test_every_bad_kwarg_is_named_once() -> None:
    """Two wrong kwargs, two problems; a kwarg with a hand-written rule is not named twice."""
    problems = gx_kwarg_problems(
        "expect_column_mean_to_be_between",
        {"column": "a", "min_value": "s", "strict_min": "x"},
    )
    assert problems == [
        "strict_min is true or false, got 'x' (a string)",
        "min_value is a number, a date, a datetime (ISO text) or empty (null), got 's' (a string)",
    ]
