"""``--junitxml`` carries one testcase per check, with the failure text and check properties."""

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

# Imported once here: pytester's in-process runs drop modules they import, and re-importing
# C extensions (duckdb, numpy under pandera) in one process crashes or warns.
import duckdb  # noqa: F401
import pandera.polars  # noqa: F401
import pytest

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"
pytestmark = pytest.mark.filterwarnings("default::gates.GateWarning")


def test_junit_has_a_testcase_per_check(pytester: pytest.Pytester) -> None:
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, pytester.path / folder)
    pytester.runpytest("--gate-suites", "suites", "--junitxml", "out.xml").assert_outcomes(
        passed=10, failed=1
    )
    suite = ET.parse(pytester.path / "out.xml").getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("11", "1", "0")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert ("suites.orders.yml.orders.amount", "in_range") in cases
    failed = cases[("suites.orders.yml.orders.amount", "in_range")]
    failure = failed.find("failure")
    assert failure is not None
    assert "check amount::in_range failed (severity block" in (failure.get("message") or "")
    assert "      2 |   -4.0 |        3 |   paid" in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in failed.iter("property")}
    assert props["gate_check"] == "amount::in_range"
    assert props["gate_severity"] == "block"
    assert props["gate_engine"] in ("native", "pandera")
    warned = cases[("suites.orders.yml.orders.status", "isin")]
    assert warned.find("failure") is None
