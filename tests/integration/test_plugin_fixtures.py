"""The ``gate``, ``gate_result`` and ``data_profile`` fixtures and the ``gate`` marker."""

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


def test_assert_passed_shows_the_failed_checks_in_a_section(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_a="""
        def test_raw(gate):
            result = gate.check("data/orders.csv", "suites/orders.yml")
            assert result.passed
    """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert False",
            "E        +  where False = <GateResult block: 2 of 7 checks failed (amount::in_range, status::isin)"
            " on data/orders.csv, suite 'orders'>.passed",
            "*- datagates -*",
            "gate block: 2 of 7 checks failed on data/orders.csv with suite 'orders'",
            "check amount::in_range failed (severity block, engine *)",
            "      2 |   -4.0 |        3 |   paid",
        ]
    )


def test_comparing_to_a_verdict_explains_itself(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_a="""
        import gates

        def test_equal(gate):
            result = gate.check("data/orders.csv", "suites/orders.yml")
            assert result == gates.Verdict.BLOCK
            assert result == "pass"

        def test_verdict(gate):
            assert gate.check("data/orders.csv", "suites/orders.yml").verdict == "pass"
    """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert gate verdict 'block' == 'pass'",
            "E         gate block: 2 of 7 checks failed on data/orders.csv with suite 'orders'",
            "E         check amount::in_range failed (severity block, engine *)",
        ]
    )
    lines = [
        ln
        for ln in result.stdout.lines
        if ln.startswith("E       AssertionError: assert gate verdict 'block' == 'pass'")
    ]
    assert len(lines) == 2


def test_assert_passes_fails_without_a_traceback(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_a="""
        import polars as pl

        def test_raw(gate):
            gate.assert_passes("data/orders.csv", "suites/orders.yml")

        def test_clean(gate):
            frame = pl.DataFrame({"order_id": [1], "amount": [1.0], "status": ["lost"]})
            assert gate.assert_passes(frame, "suites/orders.yml").verdict == "warn"

        def test_clean_fail_on_warn(gate):
            frame = pl.DataFrame({"order_id": [1], "amount": [1.0], "status": ["lost"]})
            gate.assert_passes(frame, "suites/orders.yml", fail_on="warn")
    """
    )
    result = project.runpytest("-rf")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*gate block: 2 of 7 checks failed on data/orders.csv*",
            "*gate warn: 1 of 7 checks failed on <polars*",
        ]
    )
    assert "def test_raw" not in result.stdout.str()


def test_the_marker_runs_the_gate_and_hands_the_result_over(project: pytest.Pytester) -> None:
    project.path.joinpath("clean.csv").write_text("order_id,amount,status\n1,2.5,paid\n")
    project.makepyfile(
        test_a="""
        import pytest

        @pytest.mark.gate(suite="suites/orders.yml", data="clean.csv")
        def test_clean(gate_result):
            assert gate_result.verdict == "pass"
            assert gate_result.dataset.rows == 1

        @pytest.mark.gate(suite="suites/orders.yml", data="data/orders.csv")
        def test_raw_body_runs_then_fails(gate_result):
            print("body ran with", gate_result.verdict.value)

        @pytest.mark.gate(suite="suites/orders.yml")
        def test_data_from_the_suite():
            pass

        def test_result_needs_the_marker(gate_result):
            pass
    """
    )
    result = project.runpytest("-rA", "-s")
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*body ran with block",
            "*ERROR at setup of test_result_needs_the_marker*",
            "the gate_result fixture needs @pytest.mark.gate(suite=..., data=...) on the test",
            "*_ test_raw_body_runs_then_fails _*",
            "@pytest.mark.gate: gate block: 2 of 7 checks failed on *data/orders.csv with suite 'orders'",
        ]
    )


def test_data_profile_returns_a_profile(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_a="""
        def test_p(data_profile):
            p = data_profile("data/orders.csv")
            assert p.rows > 0 and "amount" in p.names
    """
    )
    project.runpytest().assert_outcomes(passed=1)
