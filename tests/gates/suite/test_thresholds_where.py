"""``warn_if``/``error_if`` and ``where:`` as the suite declares them: load errors, verdicts, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import gates
from gates import Severity, SuiteDefinitionError, Verdict
from gates.suite import parse_suite
from gates.suite._model import parse_level

GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


#: 1,000 rows; ``bad`` marks which fail ``value >= 0`` (the first ``n`` rows).
def _frame(failing: int, rows: int = 1000) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "value": [-1] * failing + [1] * (rows - failing),
            "kind": (["a", "b"] * rows)[:rows],
        }
    )


def _one(frame: pl.DataFrame, modifiers: str, engine: str = "auto") -> gates.CheckResult:
    suite = parse_suite(
        f"columns:\n  value:\n    checks:\n      - ge: 0\n{modifiers}", path="s.yml"
    )
    (result,) = gates.check(frame, suite, engine=engine).checks  # type: ignore[arg-type]
    return result


LEVELS = '        warn_if: "> 0.1%"\n        error_if: "> 1%"\n'


@pytest.mark.parametrize("engine", ["auto", "reference"])
@pytest.mark.parametrize(
    ("failing", "passed", "severity", "crossed"),
    [
        (0, True, Severity.BLOCK, None),
        (1, True, Severity.BLOCK, None),  # exactly 0.1% is not above 0.1%
        (2, False, Severity.WARN, "warn_if"),
        (10, False, Severity.WARN, "warn_if"),  # exactly 1%
        (11, False, Severity.BLOCK, "error_if"),
    ],
)
def test_the_threshold_crossed_decides(
    failing: int, passed: bool, severity: Severity, crossed: str | None, engine: str
) -> None:
    r = _one(_frame(failing), LEVELS, engine)
    assert (r.passed, r.severity, r.failing_count, r.details.get("crossed")) == (
        passed,
        severity,
        failing,
        crossed,
    )
    assert r.threshold == "warn_if > 0.1%, error_if > 1%"
    if crossed == "warn_if":
        assert (
            r.message
            == f"{failing} of 1,000 rows fail ({failing / 10:.2f}%): crossed warn_if > 0.1%"
        )
    if failing == 1:
        assert (
            r.message
            == "1 of 1,000 rows fail (0.10%); does not cross warn_if > 0.1% or error_if > 1%"
        )


def test_the_verdict_follows_and_counts_work_too() -> None:
    suite = parse_suite(
        "columns:\n  value:\n    checks:\n      - ge: 0\n"
        '        warn_if: "> 10"\n'
        "  kind:\n    checks:\n      - isin: [a]\n"
        '        error_if: ">= 500"\n',
        path="s.yml",
    )
    assert gates.check(_frame(10), suite).verdict is Verdict.BLOCK  # 500 kinds are b
    suite_warn = parse_suite(
        "columns:\n  value:\n    checks:\n      - ge: 0\n        warn_if: '> 10'\n", path="s.yml"
    )
    assert gates.check(_frame(10), suite_warn).verdict is Verdict.PASS
    warned = gates.check(_frame(11), suite_warn)
    assert warned.verdict is Verdict.WARN
    # a warn_if alone never blocks, however many rows fail
    assert gates.check(_frame(1000), suite_warn).verdict is Verdict.WARN


def test_the_share_is_over_the_rows_where_keeps() -> None:
    # 10 failing rows, all of kind "a": 2% of the 500 kept rows, 1% of all rows
    frame = _frame(0).with_columns(value=pl.when(pl.int_range(pl.len()) < 20).then(-1).otherwise(1))
    kept = "        where: \"kind = 'a'\"\n" + LEVELS
    r = _one(frame, kept)
    assert (r.failing_count, r.details["rows_checked"], r.severity) == (10, 500, Severity.BLOCK)
    assert r.message == "10 of 500 rows where kind = 'a' fail (2.00%): crossed error_if > 1%"


@pytest.mark.parametrize(
    ("text", "op", "percent"),
    [(">0.1%", ">", True), (" >= 10 ", ">=", False), ("!= 0", "!=", False), ("== 5%", "=", True)],
)
def test_threshold_forms(text: str, op: str, percent: bool) -> None:
    level = parse_level(text)
    assert (level.op, level.percent) == (op, percent)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            'warn_if: "more than 10"',
            "s.yml:5:9: columns.value.checks.0.warn_if: 'more than 10' is not a threshold;"
            " write a comparison and a number of failing rows or a share of the rows checked,"
            ' e.g. "> 10" or "> 0.1%" (operators > >= < <= = !=)',
        ),
        (
            'error_if: "> 2.5"',
            "s.yml:5:9: columns.value.checks.0.error_if: '> 2.5': a number of failing rows is a"
            ' whole number; for a share write "> 2.5%" (percent of the rows checked)',
        ),
        (
            "warn_if: 10",
            "s.yml:5:9: columns.value.checks.0.warn_if: a threshold is a string such as",
        ),
        (
            'error_if: "> 1%"\n        mostly: 0.99',
            "s.yml:4:9: columns.value.checks.0: mostly and warn_if/error_if both set when the check"
            ' fails; keep one (mostly: 0.99 is error_if: "> 1%")',
        ),
        (
            'warn_if: "> 1%"\n        severity: block',
            "s.yml:4:9: columns.value.checks.0: severity and warn_if/error_if both set the severity",
        ),
        (
            'where: "kind = \'a"',
            "s.yml:5:9: columns.value.checks.0.where: invalid where \"kind = 'a\": unclosed quote '"
            " at character 8",
        ),
        (
            'where: "kind == "',
            "s.yml:5:9: columns.value.checks.0.where: invalid where 'kind == ': the condition is"
            ' incomplete: it ends after "==" at character 6',
        ),
        (
            "where: \"kind like 'a_b'\"",
            "LIKE 'a_b': only `%` at the start and/or end is supported",
        ),
    ],
)
def test_bad_modifiers_are_load_errors_with_their_line(item: str, message: str) -> None:
    text = f"columns:\n  value:\n    checks:\n      - ge: 0\n        {item}\n"
    with pytest.raises(SuiteDefinitionError) as err:
        parse_suite(text, path="s.yml")
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("row_count: {min: 1}\n    warn_if: '> 1'", "row_count has no failing rows to count"),
        ("columns_present: [value]\n    where: \"kind = 'a'\"", "columns_present takes no where"),
        (
            "query: select * from data\n    where: \"kind = 'a'\"",
            "query takes no where: write the condition in the query's own WHERE",
        ),
    ],
)
def test_modifiers_that_mean_nothing_for_a_table_check_are_refused(
    check: str, message: str
) -> None:
    with pytest.raises(
        SuiteDefinitionError, match="s.yml:2:5: checks.0: " + message.replace("(", r"\(")
    ):
        parse_suite(f"checks:\n  - {check}\n", path="s.yml")


def _cli(tmp_path: Path, suite: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "suite.yml").write_text(suite)
    _frame(5).write_csv(tmp_path / "data.csv")
    return subprocess.run(
        [GATES, "check", "data.csv", "-s", "suite.yml", "--no-ledger", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_warn_if_warns_error_if_blocks_and_a_bad_where_is_exit_2(tmp_path: Path) -> None:
    warn = "columns:\n  value:\n    checks:\n      - ge: 0\n        warn_if: '> 0.1%'\n        error_if: '> 1%'\n"
    done = _cli(tmp_path, warn, "--json", "out.json")
    assert done.returncode == 0, done.stderr  # 0.5% crosses warn_if only
    report = json.loads((tmp_path / "out.json").read_text())
    (check,) = [c for c in report["checks"] if c["id"] == "value::greater_than_or_equal_to"]
    assert (report["verdict"], check["severity"], check["details"]["crossed"]) == (
        "warn",
        "warn",
        "warn_if",
    )
    block = warn.replace("'> 1%'", "'> 0.4%'")
    assert _cli(tmp_path, block).returncode == 1
    unknown = "columns:\n  value:\n    checks:\n      - ge: 0\n        where: \"knd = 'a'\"\n"
    done = _cli(tmp_path, unknown)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: suite.yml:5:9: columns.value.checks.0.where: no column 'knd'")
    assert "(did you mean 'kind'?)" in line


def test_a_where_on_a_missing_optional_column_is_no_error() -> None:
    suite = parse_suite(
        "columns:\n  note:\n    required: false\n    checks:\n      - str_length: {max_value: 9}\n"
        '        where: "note is not null"\n',
        path="s.yml",
    )
    assert gates.check(_frame(0), suite).checks == ()
