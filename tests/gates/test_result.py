"""GateResult and CheckResult as a Python user meets them: verdict text, one-line reprs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import gates
from gates import GateFailed, GateResult, Severity, Verdict

SUITE = """\
name: orders
columns:
  order_id: {dtype: int64, unique: true}
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 1000}
  status:
    checks:
      - isin: {allowed_values: [paid, refunded]}
        severity: warn
"""


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yml"
    path.write_text(SUITE)
    return path


def _result(suite: Path, amount: float, status: str) -> GateResult:
    frame = pl.DataFrame({"order_id": [1, 2], "amount": [1.0, amount], "status": ["paid", status]})
    return gates.check(frame, suite)


def test_warn_only_result_exit_code_takes_verdict_text(suite: Path) -> None:
    result = _result(suite, 5.0, "lost")
    assert result.verdict is Verdict.WARN
    assert result.exit_code() == 0
    assert result.exit_code(fail_on="warn") == 1
    assert result.exit_code(fail_on=" WARN ") == 1
    assert result.exit_code(fail_on=Verdict.WARN) == 1
    assert result.exit_code(fail_on="block") == 0


def test_raise_for_verdict_takes_verdict_text(suite: Path) -> None:
    result = _result(suite, 5.0, "lost")
    assert result.raise_for_verdict() is result
    assert result.raise_for_verdict(fail_on="block") is result
    with pytest.raises(GateFailed) as failed:
        result.raise_for_verdict(fail_on="warn")
    assert failed.value.result is result
    assert [c.id for c in failed.value.result.failed_checks] == ["status::isin"]


def test_a_misspelt_fail_on_is_one_line_naming_the_choices(suite: Path) -> None:
    result = _result(suite, 5.0, "paid")
    with pytest.raises(ValueError, match="is not a verdict") as bad:
        result.exit_code(fail_on="blok")
    assert str(bad.value) == (
        "fail_on='blok' is not a verdict: use one of 'pass', 'warn', 'block' (or gates.Verdict)"
    )


def test_severity_and_verdict_accept_their_text_in_any_case() -> None:
    assert Severity("Warn") is Severity.WARN
    assert Severity(" block") is Severity.BLOCK
    assert Verdict("PASS") is Verdict.PASS
    with pytest.raises(ValueError, match="fatal"):
        Severity("fatal")


def test_repr_of_a_blocked_result_is_one_short_line(suite: Path) -> None:
    result = _result(suite, -4.0, "lost")
    text = repr(result)
    assert text == (
        "<GateResult block: 2 of 4 checks failed (amount::in_range, status::isin)"
        " on <polars.DataFrame>, suite 'orders'>"
    )


def test_repr_stays_one_line_for_a_wide_failing_frame(tmp_path: Path) -> None:
    columns = {f"c{i}": list(range(2000)) for i in range(40)}
    suite = tmp_path / "wide.yml"
    suite.write_text(
        "name: wide\ncolumns:\n"
        + "".join(f"  c{i}:\n    checks:\n      - less_than: 10\n" for i in range(40))
    )
    result = gates.check(pl.DataFrame(columns), suite)
    text = repr(result)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("<GateResult block: 40 of ")
    assert "c0::less_than, c1::less_than, c2::less_than, …" in text
    check = result.failed_checks[0]
    assert repr(check) == (
        f"<CheckResult c0::less_than failed (block, {check.engine}): {check.message}>"
    )
    assert "\n" not in repr(check) and len(repr(check)) < 160


def test_repr_of_a_passing_result_and_check(suite: Path) -> None:
    result = _result(suite, 5.0, "paid")
    assert repr(result) == "<GateResult pass on <polars.DataFrame>, suite 'orders'>"
    assert repr(result.checks[0]).endswith(" passed (block, " + result.checks[0].engine + ")>")
