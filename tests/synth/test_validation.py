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
        learn_from_valid=False,  # learn the rows that fail too, so some generated rows fail
        seed=2,
    )
    outcome = out.outcome({"label": "fraud"})
    assert outcome.filled == 40
    assert outcome.unfilled == 0
    assert outcome.rejected_validation > 0
    assert outcome.rounds >= 2
    assert (out.synthetic.get_column("amount") < 250).all()
    assert out.manifest()["rejected"]["validation"] == outcome.rejected_validation
    assert outcome.validated >= 40 + outcome.rejected_validation
    assert outcome.pass_share == round(1 - outcome.rejected_validation / outcome.validated, 4)


@pytest.mark.parametrize("bootstrap_rows", [500, 0], ids=["bootstrap", "copula"])
def test_learning_from_valid_rows_passes_by_construction(
    real: pl.DataFrame, bootstrap_rows: int
) -> None:
    """Models fitted on the rows the validator passes generate rows that pass it."""
    fraud = real.filter(pl.col("label") == "fraud")
    cap = float(fraud.get_column("amount").quantile(0.7))  # 30% of the class fails the rule

    def validator(df: pl.DataFrame) -> pl.Series:
        return df.get_column("amount") <= cap

    out = synth.fill(
        real,
        [Shortfall({"label": "fraud"}, 40)],
        validator=validator,
        bootstrap_rows=bootstrap_rows,
        condition_model_rows=20,
        seed=2,
    )
    outcome = out.outcome({"label": "fraud"})
    assert (outcome.filled, outcome.rejected_validation, outcome.pass_share) == (40, 0, 1.0)
    assert out.synthetic.get_column("amount").max() <= cap
    failing = int((real.get_column("amount") > cap).sum())
    assert (
        f"models learned from the {real.height - failing:,} of {real.height:,} real rows that "
        f"pass the validator ({failing:,} fail it), so generated rows keep to their ranges, "
        "values and nulls"
    ) in out.notes
    assert out.manifest()["conditions"][0]["pass_share"] == 1.0


def test_id_pattern_gives_new_ids_that_match(real: pl.DataFrame) -> None:
    """A string id column with a pattern gets new values enumerated from it, none taken."""
    ids = real.with_columns(
        pl.format("TX-{}", pl.col("tx_id").cast(pl.String).str.zfill(5)).alias("tx_id")
    )
    out = synth.fill(
        ids,
        [Shortfall({"label": "fraud"}, 10)],
        id_patterns={"tx_id": r"^TX-\d{5}$"},
        seed=0,
    )
    new = out.synthetic.get_column("tx_id")
    assert new.str.contains(r"^TX-\d{5}$").all()
    assert new.n_unique() == 10
    assert not new.is_in(ids.get_column("tx_id").implode()).any()
    assert new.to_list()[:2] == ["TX-00000", "TX-00001"]  # real ids start at TX-01000


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


@pytest.mark.parametrize(("learn", "rows"), [(True, "400 real"), (False, "5 candidate")])
def test_wrong_length_mask_is_a_validator_error(real: pl.DataFrame, learn: bool, rows: str) -> None:
    """The first call judges the real rows (to learn from the valid ones), then candidates."""
    with pytest.raises(ValidatorError) as info:
        synth.fill(
            real,
            [Shortfall({"label": "fraud"}, 5)],
            validator=lambda df: [True],
            learn_from_valid=learn,
            seed=0,
        )
    assert str(info.value) == (
        f"validator returned 1 values for {rows} rows; "
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
