"""plan_fill: counts per condition, skips kept with their reasons, malformed shortfalls."""

import polars as pl
import pytest

import synth
from synth import ConditionError, Shortfall, SkipReason, SynthConfigError

pytestmark = pytest.mark.synth


@pytest.fixture
def tiny() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "label": ["ok"] * 20 + ["fraud"] * 6 + ["rare"] * 2,
            "region": ["eu", "us"] * 14,
            "amount": [float(i) for i in range(28)],
        }
    )


def test_plan_keeps_every_condition_in_order_with_reasons(tiny: pl.DataFrame) -> None:
    """Filled, missing-value, too-few-rows and nothing-missing conditions are all kept."""
    plan = synth.plan_fill(
        tiny,
        [
            Shortfall({"label": "fraud"}, 14),
            Shortfall({"label": "chargeback"}, 5),
            Shortfall({"label": "rare"}, 9),
            Shortfall({"label": "ok"}, 0),
        ],
    )
    assert [i.label for i in plan.items] == [
        "label=fraud",
        "label=chargeback",
        "label=rare",
        "label=ok",
    ]
    assert [i.skip for i in plan.items] == [
        None,
        SkipReason.VALUE_NOT_IN_DATA,
        SkipReason.TOO_FEW_ROWS,
        SkipReason.NOTHING_MISSING,
    ]
    assert [i.real_rows for i in plan.items] == [6, 0, 2, 20]
    assert [i.to_fill for i in plan.items] == [14, 0, 0, 0]
    assert plan.total_rows == 14
    assert [i.label for i in plan.active] == ["label=fraud"]
    assert plan["label=rare"].reason == "label=rare: 2 real rows, fewer than min_rows_to_learn=5"
    assert plan["label=chargeback"].reason == (
        "label=chargeback: no real row has these values; nothing to learn from"
    )
    assert plan["label=ok"].reason == "label=ok: 0 rows missing"


def test_threshold_is_configurable(tiny: pl.DataFrame) -> None:
    """min_rows_to_learn=2 lets the 2-row condition through; 7 skips the 6-row one."""
    low = synth.plan_fill(tiny, [Shortfall({"label": "rare"}, 3)], min_rows_to_learn=2)
    assert low.items[0].skip is None
    high = synth.plan_fill(tiny, [Shortfall({"label": "fraud"}, 3)], min_rows_to_learn=7)
    assert high.items[0].skip is SkipReason.TOO_FEW_ROWS


def test_multi_column_condition_counts_rows_matching_all(tiny: pl.DataFrame) -> None:
    """A two-column condition counts rows matching both values."""
    plan = synth.plan_fill(tiny, [Shortfall({"region": "eu", "label": "ok"}, 4)])
    assert plan.items[0].real_rows == 10
    assert plan.items[0].label == "label=ok, region=eu"


@pytest.mark.parametrize(
    ("shortfall", "message"),
    [
        (
            Shortfall({"colour": "red"}, 3),
            "shortfall colour=red: 1 unknown column(s) 'colour'; use columns of the data: label, region, amount",
        ),
        (Shortfall({"label": "fraud"}, -1), "shortfall label=fraud: missing must be >= 0, got -1"),
        (Shortfall({}, 3), "shortfall has an empty condition: give at least one column=value"),
        (
            Shortfall({"amount": "high"}, 3),
            "shortfall amount=high: a value does not match its column type (amount: Float64); give values of the column's type",
        ),
    ],
)
def test_malformed_shortfalls_raise_exact_messages(
    tiny: pl.DataFrame, shortfall: Shortfall, message: str
) -> None:
    """Author mistakes are ConditionError (a ValueError) with a one-line fix."""
    with pytest.raises(ConditionError) as info:
        synth.plan_fill(tiny, [shortfall])
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_duplicate_condition_is_an_error(tiny: pl.DataFrame) -> None:
    """The same condition twice is ambiguous."""
    with pytest.raises(
        ConditionError, match=r"^shortfall label=ok is given twice: merge the two into one$"
    ):
        synth.plan_fill(tiny, [Shortfall({"label": "ok"}, 1), Shortfall({"label": "ok"}, 2)])


def test_min_rows_to_learn_must_be_positive(tiny: pl.DataFrame) -> None:
    with pytest.raises(
        SynthConfigError, match=r"^min_rows_to_learn must be >= 1, got 0: pass a positive count$"
    ):
        synth.plan_fill(tiny, [], min_rows_to_learn=0)
