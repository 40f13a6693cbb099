"""gates → synth: joint coverage plan (exact rows per condition) and the suite's row validator."""

from __future__ import annotations

import polars as pl
import pytest

import gates
from gates._synth_bridge import SuiteRowValidator, coverage_outcomes, coverage_request
from gates.suite import parse_suite

pytestmark = pytest.mark.synth


def frame() -> pl.DataFrame:
    """100 rows: ok 90 / fraud 10; fraud in eu 7, us 3."""
    return pl.DataFrame(
        {
            "label": ["ok"] * 90 + ["fraud"] * 10,
            "region": ["eu"] * 50 + ["us"] * 40 + ["eu"] * 7 + ["us"] * 3,
            "amount": [float(i) for i in range(100)],
        }
    )


def suite(text: str) -> gates.suite.LoadedSuite:
    return parse_suite("name: cov\n" + text, path="cov.yml")


def planned(text: str, **kw: int) -> dict[str, int]:
    request = coverage_request(suite(text), frame(), **kw)
    return {
        ", ".join(f"{k}={v}" for k, v in s.condition.items()): s.missing for s in request.shortfalls
    }


class TestPlan:
    def test_min_rows(self) -> None:
        assert planned("coverage:\n  - column: label\n    min_rows: 25") == {"label=fraud": 15}

    def test_segment_rows_count_for_the_class(self) -> None:
        # (eu, fraud) needs 3, (us, fraud) 7; label=fraud then needs 25 - 10 - 3 - 7 = 5, not 15
        text = "coverage:\n  - column: label\n    min_rows: 25\n  - columns: [region, label]\n    min_rows: 10"
        got = planned(text, min_rows_to_learn=1)
        assert got == {"region=eu, label=fraud": 3, "region=us, label=fraud": 7, "label=fraud": 5}

    def test_rows_added_elsewhere_grow_the_share_target(self) -> None:
        share = "  - column: label\n    min_share: 0.2\n"
        assert planned("coverage:\n" + share) == {"label=fraud": 13}  # 23 of 113
        # region rows (eu +3, us +17) grow the table to 120 + x: 10 + x >= 0.2 * (120 + x) → 18
        text = "coverage:\n" + share + "  - column: region\n    min_rows: 60\n"
        assert planned(text) == {"label=fraud": 18, "region=eu": 3, "region=us": 17}

    def test_too_few_rows_are_requested_but_not_counted(self) -> None:
        text = "coverage:\n  - column: label\n    min_rows: 25\n  - columns: [region, label]\n    min_rows: 10"
        got = planned(text, min_rows_to_learn=5)  # us/fraud has 3 real rows: synth will skip it
        assert got == {"region=eu, label=fraud": 3, "region=us, label=fraud": 7, "label=fraud": 12}

    def test_min_total_is_a_note(self) -> None:
        request = coverage_request(
            suite("coverage:\n  - min_total: 500\n  - column: label\n    min_rows: 20"), frame()
        )
        assert [s.missing for s in request.shortfalls] == [10]
        assert request.notes == (
            "table::coverage: min_total 500 not met (110 rows after the fill); synthetic fill adds rows "
            "to short classes and segments only: add real data",
        )
        assert [o.passed for o in request.before] == [False, False]

    def test_unreachable_share_is_a_note(self) -> None:
        request = coverage_request(
            suite("coverage:\n  - column: label\n    values: [ok, fraud, x]\n    min_share: 0.4"),
            frame(),
        )
        assert request.shortfalls == ()
        assert request.notes[0].startswith("label::coverage: 3 classes x min_share 0.4 >= 1")

    def test_missing_column_is_an_input_error(self) -> None:
        with pytest.raises(
            gates.InputError,
            match="coverage rule colour::coverage: column 'colour' is not in the data",
        ):
            coverage_request(suite("coverage:\n  - column: colour\n    min_rows: 2"), frame())

    def test_outcomes_after_fill(self) -> None:
        data = pl.concat([frame(), frame().filter(pl.col("label") == "fraud").head(5)])
        outcomes = coverage_outcomes(
            suite("coverage:\n  - column: label\n    min_rows: 15"), data.lazy()
        )
        assert outcomes[0].passed
        assert outcomes[0].counts == {("ok",): 90, ("fraud",): 15}


VALIDATING = """\
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 50}
        mostly: 0.1            # thresholds are ignored for synthetic rows
  label:
    nullable: false
    unique: true               # needs the real rows: not used
    checks:
      - isin: {allowed_values: [ok, fraud]}
  code:
    checks:
      - str_matches: {pattern: '^[A-Z]{2}$'}
      - unique_values_eq: {values: [AB]}   # aggregate: not used
checks:
  - expression: {sql: "amount < 40 OR label = 'fraud'"}
  - row_count: {min: 1}
"""


class TestValidator:
    def test_rejects_rows_that_fail_a_row_level_check(self) -> None:
        rows = pl.DataFrame(
            {
                "label": ["ok", "ok", None, "fraud", "spam", "fraud", "ok"],
                "amount": [10.0, 60.0, 5.0, 45.0, 1.0, None, 45.0],
                "code": ["AB", "AB", "AB", "AB", "AB", "abc", "AB"],
            }
        )
        validator = SuiteRowValidator.from_suite(suite(VALIDATING), rows.schema)
        assert [cid for cid, _ in validator.checks] == [
            "amount::in_range",
            "label::not_nullable",
            "label::isin",
            "code::str_matches",
            "table::expression",
        ]
        assert validator(rows).to_list() == [True, False, False, True, False, False, False]
        assert dict(validator.rejected) == {
            "amount::in_range": 1,
            "label::not_nullable": 1,
            "label::isin": 1,
            "code::str_matches": 1,
            "table::expression": 2,
        }
        assert validator.__name__ == "suite cov: 5 row-level checks"

    def test_no_checks_passes_everything(self) -> None:
        validator = SuiteRowValidator.from_suite(suite("columns:\n  label: {}\n"), frame().schema)
        assert validator(frame()).sum() == 100
