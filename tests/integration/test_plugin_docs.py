"""The example project of docs/pytest.md (docs_src/pytest/) runs as the page says."""

import shutil
from pathlib import Path

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import pytest

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"
pytestmark = pytest.mark.filterwarnings("default::gates.GateWarning")


def test_the_documented_example_project(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rfx")
    result.assert_outcomes(passed=12, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "check amount::in_range failed (severity block, engine *)",
            "    row | amount | order_id | status",
            "      2 |   -4.0 |        3 |   paid",
            "*suites/orders.yml:14: GateWarning: status::isin (warn)*",
            "suites/orders.yml: suite 'orders' block (2 of 7 checks failed)",
            "FAILED suites/orders.yml::orders::amount::in_range*",
            "XFAIL test_orders.py::test_marker_blocks*",
        ]
    )
    assert sorted(p.name for p in (pytester.path / "reports").iterdir()) == [
        "orders.html",
        "orders.json",
    ]


def test_the_warn_check_alone(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    result = pytester.runpytest("-p", "no:cacheprovider", "-m", "warn")
    result.assert_outcomes(passed=1, deselected=13)


def test_the_page_shows_the_example_file_verbatim() -> None:
    page = (Path(__file__).parents[2] / "docs" / "pytest.md").read_text()
    code = (EXAMPLE / "test_orders.py").read_text()
    assert code[code.index("import polars") :] in page
