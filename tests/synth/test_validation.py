"""The re-validation loop and exact-copy rejection: rejected, resampled, reported."""

import polars as pl
import pytest

import synth
from synth import Shortfall, ValidatorError

pytestmark = pytest.mark.synth


def test_failing_rows_are_dropped_and_resampled(real: pl.DataFrame) -> None:
    """Rows failing the validator never reach the output; resampling still fills the count."""
    out = synth.fill(
        real,
        [Shortfall({"label": "fraud"}, 40)],
        validator=lambda df: df.get_column("amount") < 250,
        seed=2,
    )
    outcome = out.outcome({"label": "fraud"})
    assert outcome.filled == 40
    assert outcome.unfilled == 0
    assert outcome.rejected_validation > 0
    assert outcome.rounds >= 2
    assert (out.synthetic.get_column("amount") < 250).all()
    assert out.manifest()["rejected"]["validation"] == outcome.rejected_validation


def test_never_passing_validator_reports_everything_unfilled(real: pl.DataFrame) -> None:
    """After max_rounds the shortfall is reported per condition, with a note."""
    out = synth.fill(
        real,
        [Shortfall({"label": "fraud"}, 8)],
        validator=lambda df: [False] * df.height,
        max_rounds=3,
        seed=0,
    )
    outcome = out.outcome({"label": "fraud"})
    assert (outcome.filled, outcome.unfilled, outcome.rounds) == (0, 8, 3)
    assert outcome.rejected_validation >= 8
    assert out.synthetic.height == 0
    assert outcome.reason == (
        f"label=fraud: 8 of 8 rows unfilled after 3 round(s) "
        f"({outcome.rejected_validation} failed validation, 0 exact copies of real rows)"
    )
    assert outcome.reason in out.notes


def test_sequence_mask_and_nulls_count_as_failures(real: pl.DataFrame) -> None:
    """A list mask works; a null in a Series mask is a failure."""
    out = synth.fill(
        real,
        [Shortfall({"label": "fraud"}, 6)],
        validator=lambda df: pl.Series([None] * df.height, dtype=pl.Boolean),
        max_rounds=1,
        seed=0,
    )
    assert out.outcome({"label": "fraud"}).unfilled == 6


def test_wrong_length_mask_is_a_validator_error(real: pl.DataFrame) -> None:
    with pytest.raises(ValidatorError) as info:
        synth.fill(real, [Shortfall({"label": "fraud"}, 5)], validator=lambda df: [True], seed=0)
    assert str(info.value) == (
        "validator returned 1 values for 5 candidate rows; "
        "return one bool per row (a pl.Series or a sequence of bool)"
    )


@pytest.fixture
def categorical_only() -> pl.DataFrame:
    """Every possible combination exists in the data: any generated row is a copy."""
    colours = ["red", "blue"] * 30
    return pl.DataFrame({"colour": colours, "label": ["ok"] * 50 + ["rare"] * 10})


def test_exact_copies_are_rejected_and_counted(categorical_only: pl.DataFrame) -> None:
    """Generated rows equal to a real row are dropped, counted, and the gap reported."""
    out = synth.fill(categorical_only, [Shortfall({"label": "rare"}, 5)], max_rounds=2, seed=0)
    outcome = out.outcome({"label": "rare"})
    assert outcome.filled == 0
    assert outcome.unfilled == 5
    assert outcome.rejected_copies >= 5
    assert out.privacy.exact_copies_rejected == outcome.rejected_copies
    assert out.manifest()["rejected"]["exact_copies"] == outcome.rejected_copies


def test_copies_kept_when_rejection_is_off(categorical_only: pl.DataFrame) -> None:
    """reject_copies=False keeps them (and the DCR then shows 0)."""
    out = synth.fill(
        categorical_only, [Shortfall({"label": "rare"}, 5)], reject_copies=False, seed=0
    )
    assert out.outcome({"label": "rare"}).filled == 5
    assert out.privacy.dcr_min == 0.0
