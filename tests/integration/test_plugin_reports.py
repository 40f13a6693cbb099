"""``--gate-report-dir`` writes each suite's JSON and HTML; ``--gate-ledger`` records or warns."""

import json
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


def test_report_dir_gets_json_and_html_per_suite(project: pytest.Pytester) -> None:
    result = project.runpytest("--gate-suites", "suites", "--gate-report-dir", "out/reports")
    result.assert_outcomes(passed=10, failed=1)
    doc = json.loads((project.path / "out" / "reports" / "orders.json").read_text())
    assert doc["verdict"] == "block"
    assert doc["summary"]["total"] == 7
    assert sorted(c["id"] for c in doc["checks"] if not c["passed"]) == [
        "amount::in_range",
        "status::isin",
    ]
    assert "amount::in_range" in (project.path / "out" / "reports" / "orders.html").read_text()
    result.stdout.fnmatch_lines(
        [
            "*= datagates =*",
            "suites/orders.yml: suite 'orders' block (2 of 7 checks failed)",
            "report written: out/reports/orders.json",
        ]
    )


def test_reports_are_written_only_for_suites_that_ran(project: pytest.Pytester) -> None:
    project.runpytest("--gate-suites", "suites", "--gate-report-dir", "r", "-m", "not gate")
    assert not (project.path / "r").exists()


def test_ledger_records_each_suite_run_once(project: pytest.Pytester) -> None:
    from gates.ledger import Ledger

    project.runpytest("--gate-suites", "suites", "--gate-ledger", "ledger.duckdb").assert_outcomes(
        passed=10, failed=1
    )
    runs = Ledger(project.path / "ledger.duckdb").list()
    assert [(r.record["suite"]["name"], r.record["verdict"]) for r in runs] == [("orders", "block")]
