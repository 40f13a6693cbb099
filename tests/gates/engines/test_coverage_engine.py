"""The coverage engine: rules validated, classes counted, exact shortfalls (min_share solved)."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given

import gates
from gates.engines._coverage import coverage_rules, share_fill
from gates.suite import parse_suite

pytestmark = pytest.mark.synth


def frame() -> pl.DataFrame:
    """100 rows: label ok 90 / fraud 10; region eu/us; fraud only in eu (7) and us (3)."""
    label = ["ok"] * 90 + ["fraud"] * 10
    region = ["eu"] * 50 + ["us"] * 40 + ["eu"] * 7 + ["us"] * 3
    return pl.DataFrame(
        {"label": label, "region": region, "amount": [float(i) for i in range(100)]}
    )


def suite(text: str) -> gates.suite.LoadedSuite:
    return parse_suite("name: cov\n" + text, path="cov.yml")


def run(text: str, data: pl.DataFrame | None = None) -> dict[str, gates.CheckResult]:
    result = gates.check(frame() if data is None else data, suite(text))
    return {c.id: c for c in result.checks}


class TestRules:
    """Author mistakes are one-line SuiteDefinitionErrors at the rule's line."""

    @pytest.mark.parametrize(
        ("rule", "message"),
        [
            (
                "  - colum: label\n    min_rows: 5",
                "unknown key 'colum' (did you mean 'column'?) in a coverage rule",
            ),
            (
                "  - column: label\n    min_row: 5",
                "unknown key 'min_row' (did you mean 'min_rows'?)",
            ),
            (
                "  - column: label\n    min_rows: 5\n    min_share: 0.1",
                "give exactly one of `min_rows` (a count) or `min_share` (0-1), got both",
            ),
            (
                "  - column: label",
                "give exactly one of `min_rows` (a count) or `min_share` (0-1), got neither",
            ),
            (
                "  - column: label\n    columns: [a]\n    min_rows: 1",
                "give `column` or `columns`, not both",
            ),
            ("  - min_rows: 5", "a coverage rule needs `column`, `columns` or `min_total`"),
            ("  - min_total: 10\n    column: label", "`min_total` is a rule of its own"),
            ("  - column: label\n    min_share: 1.5", "less than 1"),
            (
                "  - columns: [region, label]\n    values: [[eu]]\n    min_rows: 1",
                "`values` entry ['eu'] must be a list of 2 values (region, label)",
            ),
            (
                "  - column: label\n    values: [a, a]\n    min_rows: 1",
                "`values` lists a value twice",
            ),
        ],
    )
    def test_invalid_rule(self, rule: str, message: str) -> None:
        with pytest.raises(gates.SuiteDefinitionError, match="coverage") as info:
            coverage_rules(suite("coverage:\n" + rule))
        assert message in str(info.value)
        assert re.match(r"cov\.yml:[34]:", str(info.value))  # the rule's (or its key's) line

    def test_values_as_mappings_and_lists_are_the_same(self) -> None:
        a = coverage_rules(
            suite(
                "coverage:\n  - columns: [region, label]\n    values: [{label: fraud, region: eu}]\n    min_rows: 1"
            )
        )
        b = coverage_rules(
            suite(
                "coverage:\n  - columns: [region, label]\n    values: [[eu, fraud]]\n    min_rows: 1"
            )
        )
        assert a[0].values == b[0].values == (("eu", "fraud"),)

    def test_value_of_wrong_type(self) -> None:
        with pytest.raises(
            gates.SuiteDefinitionError, match="value 3 does not fit column 'label' of type String"
        ):
            run("coverage:\n  - column: label\n    values: [3]\n    min_rows: 1")


class TestMinRows:
    def test_fail_reports_exact_missing_rows(self) -> None:
        c = run("coverage:\n  - column: label\n    min_rows: 25")["label::coverage"]
        assert (c.passed, c.engine, c.column, c.failing_count, c.observed) == (
            False,
            "coverage",
            "label",
            1,
            10,
        )
        assert c.details["shortfalls"] == [
            {"condition": {"label": "fraud"}, "rows": 10, "required": 25, "missing": 15}
        ]
        assert c.sample == ({"label": "fraud", "rows": 10, "required": 25, "missing": 15},)
        assert c.message == "1 of 2 label values short: label=fraud has 10 (needs 25, 15 missing)"
        assert c.expected == "every label value has >= 25 rows"

    def test_pass(self) -> None:
        c = run("coverage:\n  - column: label\n    min_rows: 10")["label::coverage"]
        assert (c.passed, c.failing_count, c.observed) == (True, 0, 10)
        assert c.message == "all 2 label values have enough rows (smallest: 10)"

    def test_segments(self) -> None:
        c = run("coverage:\n  - columns: [region, label]\n    min_rows: 5")[
            "region+label::coverage"
        ]
        assert c.column is None
        assert not c.passed
        assert c.details["shortfalls"] == [
            {
                "condition": {"region": "us", "label": "fraud"},
                "rows": 3,
                "required": 5,
                "missing": 2,
            }
        ]

    def test_absent_value_is_a_shortfall(self) -> None:
        c = run("coverage:\n  - column: label\n    values: [fraud, chargeback]\n    min_rows: 5")[
            "label::coverage"
        ]
        assert c.details["shortfalls"] == [
            {"condition": {"label": "chargeback"}, "rows": 0, "required": 5, "missing": 5}
        ]
        assert c.details["classes"] == 2  # only the listed values are checked

    def test_missing_column_is_an_error_result(self) -> None:
        c = run("coverage:\n  - column: colour\n    min_rows: 5")["colour::coverage"]
        assert (c.passed, c.error) == (False, "column 'colour' is not in the data")


class TestMinShare:
    def test_missing_rows_account_for_growth(self) -> None:
        # fraud 10 of 100; 20%: 10 + x >= 0.2 * (100 + x) -> x >= 12.5 -> 13 (23/113 = 20.4%)
        c = run("coverage:\n  - column: label\n    min_share: 0.2")["label::coverage"]
        assert c.details["shortfalls"] == [
            {"condition": {"label": "fraud"}, "rows": 10, "required": 23, "missing": 13}
        ]
        assert (c.details["rows_to_add"], c.details["total_after_fill"], c.observed) == (
            13,
            113,
            0.1,
        )
        assert c.message.endswith("(13 rows in total, so the table grows to 113)")

    def test_filled_frame_passes(self) -> None:
        data = pl.concat(
            [
                frame(),
                frame().filter(pl.col("label") == "fraud").head(10),
                frame().filter(pl.col("label") == "fraud").head(3),
            ]
        )
        assert run("coverage:\n  - column: label\n    min_share: 0.2", data)[
            "label::coverage"
        ].passed
        assert not run("coverage:\n  - column: label\n    min_share: 0.2", data.head(112))[
            "label::coverage"
        ].passed

    def test_unreachable_share(self) -> None:
        c = run("coverage:\n  - column: label\n    values: [ok, fraud, x]\n    min_share: 0.4")[
            "label::coverage"
        ]
        assert not c.passed
        assert c.details["rows_to_add"] is None
        assert "3 classes x min_share 0.4 >= 1" in c.message


def test_min_total_and_severity() -> None:
    c = run("coverage:\n  - min_total: 150\n    severity: warn")["table::coverage"]
    assert (c.passed, c.severity, c.observed, c.message) == (
        False,
        gates.Severity.WARN,
        100,
        "100 rows, 50 short of 150",
    )
    assert c.details["shortfalls"] == [
        {"condition": {}, "rows": 100, "required": 150, "missing": 50}
    ]


def test_suite_without_coverage_runs_no_coverage_check() -> None:
    result = gates.check(frame(), suite("columns:\n  label: {}\n"))
    assert not [c for c in result.checks if c.engine == "coverage"]


def test_example_suite_parses() -> None:
    rules = coverage_rules(
        gates.load_suite(Path(__file__).resolve().parents[3] / "suites" / "fraud.yml")
    )
    assert [r.check_id for r in rules] == [
        "label::coverage",
        "category+label::coverage",
        "table::coverage",
    ]


@given(
    counts=st.lists(st.integers(0, 500), min_size=1, max_size=5),
    extra=st.integers(0, 2000),
    share=st.sampled_from([0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]),
)
def test_share_fill_is_exact_and_minimal(counts: list[int], extra: int, share: float) -> None:
    classes = {(i,): n for i, n in enumerate(counts)}
    total = sum(counts) + extra
    fill = share_fill(classes, total, share)
    s = Fraction(str(share))
    if fill is None:
        assert s * len([n for n in counts if n < s * total]) >= 1 or s * len(counts) >= 1
        return
    added = sum(fill.values())
    assert all(n + fill.get(k, 0) >= s * (total + added) for k, n in classes.items())
    # no smaller total fill works: with X - 1 rows some class is short
    if added:
        smaller = added - 1
        need = sum(max(0, math.ceil(s * (total + smaller)) - n) for n in counts)
        assert need > smaller
