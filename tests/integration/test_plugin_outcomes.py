"""Outcomes of suite items: pass, block fails, warn warns, errors fail; -k, -x, --lf; one run per suite."""

import shutil
from pathlib import Path

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import polars as pl
import pytest

import gates._runner

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"
pytestmark = pytest.mark.filterwarnings("default::gates.GateWarning")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, pytester.path / folder)
    return pytester


def test_block_fails_with_rows_and_warn_passes_with_a_warning(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "suites")
    result.assert_outcomes(passed=10, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*_ orders::amount::in_range _*",
            "check amount::in_range failed (severity block, engine *)",
            "  expected:  0 <= amount <= 1000",
            "  message:   1 of 6 rows fail (16.67%)",
            "  failing rows (1 of 1 shown, row numbers are 0-based):",
            "    row | amount | order_id | status",
            "      2 |   -4.0 |        3 |   paid",
            "*suites/orders.yml:14: GateWarning: status::isin (warn): 1 of 6 rows fail (16.67%)*",
            "FAILED suites/orders.yml::orders::amount::in_range*",
        ]
    )


def test_clean_data_passes_every_item(project: pytest.Pytester) -> None:
    pl.DataFrame(
        {"order_id": [1, 2], "amount": [1.0, 2.0], "status": ["paid", "paid"]}
    ).write_parquet(project.path / "data" / "clean.parquet")
    suite = (
        (project.path / "suites" / "orders.yml")
        .read_text()
        .replace("data/orders.csv", "data/clean.parquet")
    )
    (project.path / "suites" / "orders.yml").write_text(suite)
    result = project.runpytest("--gate-suites", "suites/orders.yml")
    result.assert_outcomes(passed=11)
    assert result.ret == 0


def test_the_suite_runs_once_for_all_its_items(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = gates._runner.check

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(gates._runner, "check", counting)
    project.runpytest("--gate-suites", "suites", "--gate-engine", "reference").assert_outcomes(
        passed=10, failed=1
    )
    assert len(calls) == 1


def test_missing_column_fails_once_and_skips_its_checks(project: pytest.Pytester) -> None:
    pl.DataFrame({"order_id": [1, 2], "status": ["paid", "paid"]}).write_csv(
        project.path / "data" / "orders.csv"
    )
    result = project.runpytest("--gate-suites", "suites", "-rfs")
    result.assert_outcomes(passed=8, failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "FAILED suites/orders.yml::orders::amount::column_exists*",
            "SKIPPED*column 'amount' is not in the data (see amount::column_exists)*",
        ]
    )


def test_unreadable_data_fails_each_item_with_one_line(project: pytest.Pytester) -> None:
    (project.path / "data" / "orders.csv").write_bytes(b"order_id,amount,status\n1,\xff\xfe,paid\n")
    result = project.runpytest("--gate-suites", "suites", "-q")
    result.assert_outcomes(failed=11)
    assert "Traceback" not in result.stdout.str()


def test_k_selects_checks_by_name(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "suites", "-k", "in_range or row_count", "-v")
    result.assert_outcomes(passed=1, failed=1, deselected=9)


def test_x_stops_at_the_first_failure(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "suites", "-x")
    result.assert_outcomes(passed=6, failed=1)


def test_last_failed_reruns_only_the_failed_check(pytester: pytest.Pytester) -> None:
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, pytester.path / folder)
    pytester.runpytest("--gate-suites", "suites", "-p", "cacheprovider").assert_outcomes(
        passed=10, failed=1
    )
    result = pytester.runpytest("--gate-suites", "suites", "-p", "cacheprovider", "--lf", "-v")
    result.assert_outcomes(failed=1, deselected=10)
    result.stdout.fnmatch_lines(["*suites/orders.yml::orders::amount::in_range FAILED*"])
