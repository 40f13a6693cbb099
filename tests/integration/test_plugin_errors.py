"""Broken suites and bad paths: one error naming the file and line; the other suites still run."""

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


def test_broken_yaml_errors_with_file_and_line(project: pytest.Pytester) -> None:
    project.path.joinpath("suites", "broken.yml").write_text(
        "name: broken\ncolumns:\n  a: [1\n  b: 2\n"
    )
    result = project.runpytest("--gate-suites", "suites", "-rE")
    result.assert_outcomes(passed=10, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of load*",
            "*suites/broken.yml:4:*: invalid YAML: *",
            "ERROR suites/broken.yml::load*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_unknown_check_errors_with_file_and_line(project: pytest.Pytester) -> None:
    project.path.joinpath("suites", "typo.yml").write_text(
        "name: typo\ndata: data/orders.csv\ncolumns:\n  amount:\n    checks:\n      - in_rnage: {min_value: 0}\n"
    )
    result = project.runpytest("--gate-suites", "suites/typo.yml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*suites/typo.yml:6:*unknown column check 'in_rnage'*did you mean*in_range*"]
    )


def test_a_data_path_that_does_not_exist_names_the_suite_line(project: pytest.Pytester) -> None:
    suite = project.path / "suites" / "orders.yml"
    suite.write_text(suite.read_text().replace("data/orders.csv", "data/missing.csv"))
    result = project.runpytest("--gate-suites", "suites")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*suites/orders.yml:2:*data.path 'data/missing.csv' does not exist*"]
    )


def test_a_suites_option_that_matches_nothing_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "nowhere/*.yml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--gate-suites: no suite file matches *nowhere/*.yml*"])
