"""Selecting suite items and tests: node ids, -k, --lf and --deselect select what pytest users expect."""

import shutil
from pathlib import Path

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import pytest

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"
pytestmark = pytest.mark.filterwarnings("default::gates.GateWarning")

IN_RANGE = "suites/orders.yml::orders::amount::in_range"
ROW_COUNT = "suites/orders.yml::orders::table::row_count"

TEST_FILE = """
def test_one(gate):
    result = gate.check("data/orders.csv", "suites/orders.yml")
    assert len(result.checks) == 7


def test_two():
    assert True
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """The docs example: suites named in the ini file, plus a test file using the fixture."""
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    (pytester.path / "test_orders.py").unlink()
    pytester.makepyfile(test_file=TEST_FILE)
    return pytester


def _ran(result: pytest.RunResult) -> list[str]:
    """Node ids of the items that ran, from ``-v`` output."""
    words = ("PASSED", "FAILED", "SKIPPED", "ERROR", "XFAIL", "XPASS")
    return [
        line.split(" ", 1)[0]
        for line in result.outlines
        if "::" in line and any(f" {w}" in line for w in words) and not line.startswith(words)
    ]


def test_a_suite_node_id_runs_exactly_that_item(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", IN_RANGE)
    result.assert_outcomes(failed=1)
    assert _ran(result) == [IN_RANGE]


def test_a_suite_node_id_with_gate_suites_on_the_command_line(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "--gate-suites", "suites", ROW_COUNT)
    result.assert_outcomes(passed=1)
    assert _ran(result) == [ROW_COUNT]


def test_a_test_node_id_runs_only_that_test(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "test_file.py::test_one")
    result.assert_outcomes(passed=1)
    assert _ran(result) == ["test_file.py::test_one"]


def test_a_test_file_path_runs_only_its_tests(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "test_file.py")
    result.assert_outcomes(passed=2)
    assert _ran(result) == ["test_file.py::test_one", "test_file.py::test_two"]


def test_no_arguments_collects_the_ini_suites_and_the_tests(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert "test_file.py::test_one" in ids and IN_RANGE in ids
    assert len(ids) == len(set(ids)) == 2 + 11


def test_gate_suites_on_the_command_line_adds_to_the_paths_given(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest(
        "-p", "no:cacheprovider", "--collect-only", "-q", "test_file.py", "--gate-suites", "suites"
    )
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 2 + 11
    assert len(set(ids)) == len(ids)


def test_a_suite_folder_given_twice_is_collected_once(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "-p", "no:cacheprovider", "--collect-only", "-q", "suites", "--gate-suites", "suites"
    )
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 11 and len(set(ids)) == 11


def test_k_selects_by_check_name(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "-k", "in_range or test_two")
    result.assert_outcomes(failed=1, passed=1, deselected=11)
    assert sorted(_ran(result)) == [IN_RANGE, "test_file.py::test_two"]


def test_k_selects_by_column(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "-k", "amount")
    assert _ran(result) == [
        "suites/orders.yml::orders::amount::column_exists",
        "suites/orders.yml::orders::amount::dtype",
        IN_RANGE,
    ]


def test_deselect_drops_one_check(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "--deselect", IN_RANGE)
    result.assert_outcomes(passed=12, deselected=1)
    assert IN_RANGE not in _ran(result)


def test_last_failed_reruns_only_the_failed_check(project: pytest.Pytester) -> None:
    first = project.runpytest()
    first.assert_outcomes(passed=12, failed=1)
    again = project.runpytest("--lf", "-v")
    again.assert_outcomes(failed=1, deselected=12)
    assert _ran(again) == [IN_RANGE]
    # After a fix, --lf runs that check (it passes) and the next --lf runs everything.
    suite = project.path / "suites" / "orders.yml"
    suite.write_text(suite.read_text().replace("min_value: 0,", "min_value: -10,"))
    fixed = project.runpytest("--lf", "-v")
    fixed.assert_outcomes(passed=1, deselected=12)
    project.runpytest("--lf").assert_outcomes(passed=13)


def test_failed_first_and_stepwise_see_the_suite_items(project: pytest.Pytester) -> None:
    project.runpytest().assert_outcomes(passed=12, failed=1)
    ff = project.runpytest("--ff", "-v")
    assert _ran(ff)[0] == IN_RANGE


def test_a_column_node_id_runs_that_columns_checks(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "suites/orders.yml::orders::amount")
    assert _ran(result) == [
        "suites/orders.yml::orders::amount::column_exists",
        "suites/orders.yml::orders::amount::dtype",
        IN_RANGE,
    ]


def test_k_expressions_combine_column_and_check(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v", "-k", "amount and not dtype")
    assert _ran(result) == ["suites/orders.yml::orders::amount::column_exists", IN_RANGE]
