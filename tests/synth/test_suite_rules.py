"""Suite rules held by construction: learned from passing rows, SDV inequalities, id patterns."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import gates
import synth
from gates._synth_bridge import SuiteRowValidator, id_patterns, inequalities
from gates.suite import parse_suite
from synth import Inequality, Shortfall

pytestmark = pytest.mark.synth

SUITE = """\
name: rules
columns:
  order_ref:
    checks:
      - str_matches: {pattern: "^ORD-[0-9]{6}$"}
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 500}
  region:
    nullable: false
    checks:
      - isin: {allowed_values: [eu, us]}
checks:
  - expression: {sql: "amount <= ceiling"}
  - expression: {sql: "ceiling > amount"}
  - expression: {sql: "amount < 40 OR region = 'eu'"}
"""


def suite(text: str = SUITE) -> gates.suite.LoadedSuite:
    return parse_suite(text, path="rules.yml")


@pytest.fixture(scope="module")
def orders() -> pl.DataFrame:
    """300 orders whose export has defects the suite catches: negative amounts, an unknown
    region and missing regions; ``ceiling`` is always above ``amount``."""
    rng = np.random.default_rng(4)
    n = 300
    amount = rng.gamma(2.0, 40.0, n).round(2)
    amount[:30] = -amount[:30]  # refunds booked as negative amounts: fail in_range
    region = rng.choice(["eu", "us"], n).astype(object)
    region[30:50] = "mars"
    region[50:70] = None
    label = np.where(rng.random(n) < 0.15, "fraud", "ok")
    return pl.DataFrame(
        {
            "order_ref": [f"ORD-{i:06d}" for i in range(100, 100 + n)],
            "amount": amount,
            "ceiling": amount + rng.gamma(1.5, 30.0, n).round(2) + 1.0,
            "region": pl.Series(region, dtype=pl.String),
            "label": label,
        }
    )


def test_rules_read_from_the_suite(orders: pl.DataFrame) -> None:
    loaded = suite()
    assert id_patterns(loaded) == {"order_ref": "^ORD-[0-9]{6}$"}
    assert inequalities(loaded, orders.schema) == [
        Inequality("amount", "ceiling"),
        Inequality("amount", "ceiling", strict=True),
    ]  # the OR expression is no inequality: it stays with the validator


def test_passes_does_not_count(orders: pl.DataFrame) -> None:
    validator = SuiteRowValidator.from_suite(suite(), orders.schema)
    assert int(validator.passes(orders).sum()) == orders.height - 70 - _or_failures(orders)
    assert not validator.rejected
    validator(orders)
    assert validator.rejected["amount::in_range"] == 30


def _or_failures(frame: pl.DataFrame) -> int:
    ok = frame.filter(pl.col("amount").is_between(0, 500) & pl.col("region").is_in(["eu", "us"]))
    return int(ok.select(~((pl.col("amount") < 40) | (pl.col("region") == "eu"))).sum().item())


def _fill(orders: pl.DataFrame, **options: object) -> tuple[synth.FillResult, SuiteRowValidator]:
    loaded = suite()
    validator = SuiteRowValidator.from_suite(loaded, orders.schema)
    result = synth.fill(
        orders,
        [Shortfall({"label": "fraud"}, 60)],
        validator=validator,
        id_patterns=id_patterns(loaded),
        condition_model_rows=0,  # the whole-table copula: where rules were broken before
        seed=1,
        **options,  # type: ignore[arg-type]
    )
    return result, validator


def test_whole_table_copula_passes_by_construction(orders: pl.DataFrame) -> None:
    """Learned from the real rows that pass, with SDV's Inequality: only the rule across
    columns that no constraint expresses (``amount < 40 OR region = 'eu'``) still rejects."""
    before_result, before_checks = _fill(orders, learn_from_valid=False)
    before = before_result.outcome({"label": "fraud"})
    after_result, after_checks = _fill(orders, inequalities=inequalities(suite(), orders.schema))
    after = after_result.outcome({"label": "fraud"})
    assert {"amount::in_range", "region::isin", "region::not_nullable"} <= set(
        before_checks.rejected
    )
    assert set(after_checks.rejected) == {"table::expression#3"}
    assert before.pass_share is not None and after.pass_share is not None
    assert before.pass_share < after.pass_share < 1.0
    assert after.filled == 60
    rows = after_result.synthetic
    assert rows.get_column("amount").min() >= 0  # type: ignore[operator]
    assert (rows.get_column("amount") < rows.get_column("ceiling")).all()
    assert set(rows.get_column("region")) <= {"eu", "us"}
    refs = rows.get_column("order_ref")
    assert refs.str.contains(r"^ORD-[0-9]{6}$").all()
    assert not refs.is_in(orders.get_column("order_ref").implode()).any()
    assert after_result.parameters["constraints"] == ["amount <= ceiling", "amount < ceiling"]


def test_an_inequality_sdv_cannot_take_is_left_to_the_validator(orders: pl.DataFrame) -> None:
    out, _ = _fill(orders, inequalities=[Inequality("region", "amount")])
    assert (
        "region <= amount: not an SDV constraint (both columns must be modelled as numerical "
        "or datetime); left to the validator"
    ) in out.notes


def test_a_filtered_expression_rejects_only_the_rows_it_is_about(orders: pl.DataFrame) -> None:
    """where: narrows what an expression check judges for synthetic rows too, as in gates check."""
    text = (
        "name: filtered\nchecks:\n"
        '  - expression: {sql: "amount < 40"}\n    where: "region = \'us\'"\n'
    )
    validator = SuiteRowValidator.from_suite(suite(text), orders.schema)
    flags = validator(orders)
    expected = orders.select(
        ~((pl.col("region") == "us").fill_null(False) & ~(pl.col("amount") < 40))
    ).to_series()
    assert flags.to_list() == expected.to_list()
    assert validator.rejected["table::expression"] == int((~expected).sum()) > 0
    # the same rows fail in a gate run over the same data
    result = gates.check(orders, suite(text))
    assert result.checks[0].failing_count == validator.rejected["table::expression"]
