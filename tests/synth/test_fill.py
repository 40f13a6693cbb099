"""fill: exact counts under conditions, provenance marker, determinism, id/text columns."""

import numpy as np
import polars as pl
import pytest

import synth
from synth import Shortfall, SkipReason

pytestmark = pytest.mark.synth


def test_each_condition_gets_exactly_its_rows_and_values(result: synth.FillResult) -> None:
    """Every requested row is produced, carrying the condition's values."""
    fraud = result.outcome({"label": "fraud"})
    eu = result.outcome({"region": "eu", "label": "fraud"})
    assert (fraud.requested, fraud.filled, fraud.unfilled) == (60, 60, 0)
    assert (eu.requested, eu.filled, eu.unfilled) == (15, 15, 0)
    syn = result.synthetic
    assert syn.height == 75
    assert syn.get_column("label").to_list() == ["fraud"] * 75
    assert syn.filter(pl.col("region") == "eu").height >= 15


def test_skipped_condition_is_reported_not_hidden(result: synth.FillResult) -> None:
    """A value absent from the data is skipped, counted as unfilled, and noted."""
    skipped = result.outcome({"label": "chargeback"})
    assert skipped.skip is SkipReason.VALUE_NOT_IN_DATA
    assert (skipped.filled, skipped.unfilled) == (0, 10)
    assert result.unfilled == 10
    assert skipped.reason in result.notes


def test_marker_and_schema(real: pl.DataFrame, result: synth.FillResult) -> None:
    """Synthetic rows keep the real schema plus a True marker; augmented marks real False."""
    assert result.synthetic.columns == [*real.columns, "is_synthetic"]
    assert dict(result.synthetic.drop("is_synthetic").schema) == dict(real.schema)
    assert result.synthetic.get_column("is_synthetic").all()
    augmented = result.augmented()
    assert augmented.height == real.height + 75
    counts = dict(augmented.group_by("is_synthetic").len().iter_rows())
    assert counts == {False: real.height, True: 75}
    assert augmented.filter(~pl.col("is_synthetic")).drop("is_synthetic").equals(real)


def test_custom_marker_name(real: pl.DataFrame) -> None:
    """marker= names the provenance column."""
    out = synth.fill(real, [Shortfall({"label": "fraud"}, 5)], marker="synthetic_row", seed=1)
    assert out.synthetic.get_column("synthetic_row").to_list() == [True] * 5
    assert out.augmented().get_column("synthetic_row").sum() == 5


def test_same_seed_same_rows_other_seed_other_rows(real: pl.DataFrame) -> None:
    """Determinism: the seed fixes the synthetic rows."""
    shortfalls = [Shortfall({"label": "fraud"}, 20)]
    a = synth.fill(real, shortfalls, seed=3).synthetic
    b = synth.fill(real, shortfalls, seed=3).synthetic
    c = synth.fill(real, shortfalls, seed=4).synthetic
    assert a.equals(b)
    assert not a.equals(c)


def test_id_column_continues_after_real_ids(real: pl.DataFrame, result: synth.FillResult) -> None:
    """Integer ids are new, unique, and start after the real maximum."""
    ids = result.synthetic.get_column("tx_id")
    top = int(real.get_column("tx_id").max())  # type: ignore[arg-type]
    assert ids.to_list() == list(range(top + 1, top + 1 + 75))
    assert (
        "column 'tx_id' is id-like: not modelled; new unique values continue after the real ones"
        in result.notes
    )


def test_text_column_sampled_from_same_condition(
    real: pl.DataFrame, result: synth.FillResult
) -> None:
    """Free text comes from real rows of the same condition, never from other classes."""
    fraud_notes = set(real.filter(pl.col("label") == "fraud").get_column("note").to_list())
    assert set(result.synthetic.get_column("note").to_list()) <= fraud_notes
    assert (
        "column 'note' is free text: not modelled; values sampled from real rows of the same condition"
        in result.notes
    )


def test_string_ids_do_not_collide(real: pl.DataFrame) -> None:
    """String ids get fresh ``syn-`` values that skip any real value."""
    data = real.with_columns(
        pl.format("syn-{}", pl.col("tx_id").cast(pl.String).str.zfill(8)).alias("tx_id")
    ).with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("syn-00000000"))
        .otherwise("tx_id")
        .alias("tx_id")
    )
    out = synth.fill(data, [Shortfall({"label": "fraud"}, 3)], sdtypes={"tx_id": "id"}, seed=0)
    assert out.synthetic.get_column("tx_id").to_list() == [
        "syn-00000001",
        "syn-00000002",
        "syn-00000003",
    ]


def test_sdtype_override_keeps_a_column_in_the_model(real: pl.DataFrame) -> None:
    """sdtypes={"note": "categorical"} models the text column instead of resampling it."""
    out = synth.fill(
        real.head(200), [Shortfall({"label": "fraud"}, 4)], sdtypes={"note": "categorical"}, seed=0
    )
    assert not any("'note'" in note for note in out.notes)
    assert out.synthetic.height == 4


def test_fit_rows_cap_keeps_condition_rows_and_says_so(real: pl.DataFrame) -> None:
    """A capped fit keeps every short-condition row first and notes it."""
    n_fraud = real.filter(pl.col("label") == "fraud").height
    out = synth.fill(real, [Shortfall({"label": "fraud"}, 5)], fit_rows=150, seed=0)
    note = f"model fitted on 150 of 400 real rows (fit_rows=150; {n_fraud} rows of the short conditions kept first)"
    assert note in out.notes
    assert out.privacy.reference_rows == 150


def test_progress_reports_stages_in_order(real: pl.DataFrame) -> None:
    """The callback sees plan → fit → sample → score → done with growing fractions."""
    seen: list[tuple[str, float]] = []
    synth.fill(
        real, [Shortfall({"label": "fraud"}, 3)], seed=0, progress=lambda s, f: seen.append((s, f))
    )
    stages = [s for s, _ in seen]
    assert stages[0] == "plan"
    assert stages[-1] == "done"
    assert {"fit", "sample", "score"} <= set(stages)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_scores_are_present_and_bounded(result: synth.FillResult) -> None:
    """Quality per condition (0-1) and DCR distribution are filled in."""
    fraud = result.quality["label=fraud"]
    assert fraud.reference == "condition"
    assert fraud.synthetic_rows == 60
    assert fraud.overall is not None
    assert 0.3 < fraud.overall <= 1.0
    assert result.quality["label=fraud, region=eu"].synthetic_rows == 15
    p = result.privacy
    assert p.rows == 75
    assert p.dcr_min is not None
    assert p.dcr_p5 is not None
    assert p.dcr_median is not None
    assert 0 < p.dcr_min <= p.dcr_p5 <= p.dcr_median


def test_nothing_active_needs_no_model(real: pl.DataFrame) -> None:
    """All conditions skipped: empty synthetic frame, a note, no fit."""
    out = synth.fill(real, [Shortfall({"label": "chargeback"}, 3)])
    assert out.synthetic.height == 0
    assert out.synthetic.columns == [*real.columns, "is_synthetic"]
    assert "nothing to fill: every condition was skipped" in out.notes


def test_tvae_runs_with_small_epochs(real: pl.DataFrame) -> None:
    """The neural synthesizers work too (2 epochs: a smoke run of the code path)."""
    out = synth.fill(
        real.head(200), [Shortfall({"label": "fraud"}, 5)], synthesizer="tvae", epochs=2, seed=0
    )
    assert out.synthesizer == "tvae"
    assert out.parameters["epochs"] == 2
    assert out.outcome({"label": "fraud"}).filled + out.outcome({"label": "fraud"}).unfilled == 5
    assert set(out.synthetic.get_column("label").to_list()) <= {"fraud"}


def test_amount_stays_in_real_range(real: pl.DataFrame, result: synth.FillResult) -> None:
    """The model respects the real min/max (SDV enforce_min_max_values)."""
    amount = result.synthetic.get_column("amount").to_numpy()
    assert np.all(amount >= real.get_column("amount").min())
    assert np.all(amount <= real.get_column("amount").max())


def test_synthetic_datetimes_stay_in_the_real_range() -> None:
    """Datetimes in microseconds (polars' default) come back in the real range, not in 1970."""
    import datetime as dt

    import polars as pl

    from synth import Shortfall, fill

    start = dt.datetime(2024, 1, 1)
    real = pl.DataFrame(
        {
            "t": [start + dt.timedelta(hours=7 * i) for i in range(200)],
            "x": [float(i % 17) for i in range(200)],
            "y": ["a" if i % 5 else "b" for i in range(200)],
        }
    ).with_columns(pl.col("t").cast(pl.Datetime("us")))
    result = fill(real, [Shortfall({"y": "b"}, 30)], seed=3)
    t = result.synthetic["t"]
    assert t.dtype == pl.Datetime("us")
    lo, hi = real["t"].min(), real["t"].max()
    assert t.min() >= lo - dt.timedelta(days=1) and t.max() <= hi + dt.timedelta(days=1)
