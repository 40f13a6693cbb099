"""Suite files collected as pytest items: node ids, markers, suites without data."""

import shutil
from pathlib import Path

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import pytest

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"
pytestmark = pytest.mark.filterwarnings("default::gates.GateWarning")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, pytester.path / folder)
    return pytester


ORDERS_IDS = [
    "suites/orders.yml::orders::order_id::column_exists",
    "suites/orders.yml::orders::order_id::dtype",
    "suites/orders.yml::orders::order_id::not_nullable",
    "suites/orders.yml::orders::order_id::unique",
    "suites/orders.yml::orders::amount::column_exists",
    "suites/orders.yml::orders::amount::dtype",
    "suites/orders.yml::orders::amount::in_range",
    "suites/orders.yml::orders::status::column_exists",
    "suites/orders.yml::orders::status::isin",
    "suites/orders.yml::orders::table::row_count",
    "suites/orders.yml::orders::other",
]


def test_each_check_is_an_item_with_a_readable_node_id(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "suites", "--collect-only", "-q")
    assert result.ret == 0
    assert [line for line in result.outlines if "::" in line] == ORDERS_IDS


def test_the_ini_option_collects_too(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\ngate_suites = suites/*.yml\n")
    result = project.runpytest("--collect-only", "-q")
    assert [line for line in result.outlines if "::" in line] == ORDERS_IDS


def test_the_plugin_is_inert_without_its_options(project: pytest.Pytester) -> None:
    project.makepyfile(test_plain="def test_one():\n    assert True\n")
    result = project.runpytest("--collect-only", "-q")
    assert [line for line in result.outlines if "::" in line] == ["test_plain.py::test_one"]


def test_expectations_and_repeated_checks_get_predicted_ids(project: pytest.Pytester) -> None:
    project.path.joinpath("suites", "more.yml").write_text(
        "name: more\ndata: data/orders.csv\n"
        "columns:\n  amount:\n    required: false\n    checks:\n      - greater_than: 0\n      - greater_than: -10\n"
        "checks:\n  - row_count: {min: 1}\n  - row_count: {max: 100}\n"
        "expectations:\n  - type: expect_column_mean_to_be_between\n"
        "    kwargs: {column: amount, min_value: 0, max_value: 100}\n"
    )
    result = project.runpytest("--gate-suites", "suites/more.yml", "--collect-only", "-q")
    assert [line.split("::", 2)[2] for line in result.outlines if "::" in line] == [
        "amount::greater_than#1",
        "amount::greater_than#2",
        "amount::expect_column_mean_to_be_between",
        "table::row_count",
        "table::row_count#2",
        "other",
    ]


def test_markers_select_by_severity_and_engine(project: pytest.Pytester) -> None:
    warn = project.runpytest("--gate-suites", "suites", "-m", "warn", "--collect-only", "-q")
    assert [line for line in warn.outlines if "::" in line] == [
        "suites/orders.yml::orders::status::isin"
    ]
    table = project.runpytest(
        "--gate-suites", "suites", "-m", "gate and table", "--collect-only", "-q"
    )
    assert [line for line in table.outlines if "::" in line] == [
        "suites/orders.yml::orders::table::row_count"
    ]


def test_a_suite_without_data_is_skipped_with_a_reason(project: pytest.Pytester) -> None:
    project.path.joinpath("suites", "nodata.yml").write_text(
        "name: nodata\ncolumns:\n  a: {dtype: int64}\n"
    )
    result = project.runpytest("--gate-suites", "suites/nodata.yml", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*suite 'nodata' has no `data:` section*"])


def test_a_single_check_can_be_selected_by_node_id(project: pytest.Pytester) -> None:
    result = project.runpytest("suites/orders.yml::orders::table::row_count", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*suites/orders.yml::orders::table::row_count PASSED*"])
