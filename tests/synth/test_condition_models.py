"""A condition with enough real rows is sampled from a model of its own rows.

Conditional sampling from one model of the whole table gives the other columns the whole
table's distribution; the fraud rows of the ``real`` fixture have amounts about 2.4x larger than the
rest, so rows from the whole-table model do not look like fraud.
"""

from __future__ import annotations

import polars as pl
import pytest

import synth

pytestmark = pytest.mark.synth


def _fill(real: pl.DataFrame, rows: int) -> synth.FillResult:
    return synth.fill(
        real, [synth.Shortfall({"label": "fraud"}, 80)], seed=3, condition_model_rows=rows
    )


def test_own_model_rows_look_like_their_condition(real: pl.DataFrame) -> None:
    own, whole = _fill(real, 20), _fill(real, 0)
    fraud = real.filter(pl.col("label") == "fraud")
    assert fraud.height >= 20
    q_own, q_whole = own.quality["label=fraud"], whole.quality["label=fraud"]
    assert q_own.column_shapes > q_whole.column_shapes
    assert q_own.column_shapes >= 0.8
    # a classifier finds the whole-table model's rows easier to tell from real fraud rows
    assert q_own.detection_auc is not None and q_whole.detection_auc is not None
    assert 0.5 <= q_own.detection_auc < q_whole.detection_auc
    # the amounts follow the fraud rows, not the whole table
    real_median = fraud["amount"].median()
    assert real_median is not None
    own_median = own.synthetic["amount"].median()
    whole_median = whole.synthetic["amount"].median()
    assert own_median is not None and whole_median is not None
    assert abs(own_median - real_median) < abs(whole_median - real_median)
    assert any("sampled from their own real rows" in n for n in own.notes)
    assert (own.synthetic["label"] == "fraud").all()
    assert own.parameters["condition_model_rows"] == 20
    assert own.outcomes[0].method == "smoothed_bootstrap"  # fraud has < 500 rows
    assert whole.outcomes[0].method == "whole_table"


def test_small_conditions_keep_the_whole_table_model(real: pl.DataFrame) -> None:
    short = real.filter(pl.col("label") == "fraud").height
    got = synth.fill(
        real, [synth.Shortfall({"label": "fraud"}, 10)], seed=1, condition_model_rows=short + 1
    )
    assert got.outcomes[0].filled == 10
    assert got.outcomes[0].method == "whole_table"
    assert not any("sampled from their own real rows" in n for n in got.notes)
    assert any(
        n.startswith(f"label=fraud: {short} real rows, fewer than condition_model_rows={short + 1}")
        and "follow the whole table" in n
        for n in got.notes
    )


def test_bootstrap_rows_stay_inside_the_condition(real: pl.DataFrame) -> None:
    """Interpolated rows: within the condition's ranges, its combinations, its integers."""
    fraud = real.filter(pl.col("label") == "fraud")
    got = synth.fill(real, [synth.Shortfall({"label": "fraud"}, 200)], seed=5)
    rows = got.synthetic
    assert got.outcomes[0].method == "smoothed_bootstrap" and rows.height == 200
    for column in ("amount", "age"):
        assert fraud[column].min() <= rows[column].min()  # type: ignore[operator]
        assert rows[column].max() <= fraud[column].max()  # type: ignore[operator]
    assert rows["age"].dtype == pl.Int64
    assert set(rows["region"].to_list()) <= set(fraud["region"].to_list())
    # no row is a copy of a real one, and the same seed gives the same rows
    assert rows.join(real, on=["amount", "age", "region", "label"], how="semi").height == 0
    again = synth.fill(real, [synth.Shortfall({"label": "fraud"}, 200)], seed=5)
    assert again.synthetic.equals(rows)
    q = got.quality["label=fraud"]
    assert q.overall is not None and q.overall >= 0.8
    # the yardstick: half of the real fraud rows scored against the other half
    assert q.yardstick is not None and 0.3 < q.yardstick < 1.0
    assert got.manifest()["quality"]["per_condition"]["label=fraud"]["yardstick"] == q.yardstick
    assert got.manifest()["conditions"][0]["method"] == "smoothed_bootstrap"


def test_bootstrap_rows_zero_fits_the_synthesizer_on_the_condition(real: pl.DataFrame) -> None:
    got = synth.fill(real, [synth.Shortfall({"label": "fraud"}, 30)], seed=2, bootstrap_rows=0)
    assert got.outcomes[0].method == "own_model"
    assert got.parameters["bootstrap_rows"] == 0
    assert any("0 by the smoothed bootstrap" in n for n in got.notes)


def test_the_yardstick_is_only_for_conditions_scored_against_their_own_rows(
    result: synth.FillResult,
) -> None:
    references = {q.reference for q in result.quality.values()}
    assert references == {"condition", "overall"}
    for q in result.quality.values():
        assert (q.yardstick is None) == (q.reference == "overall")


def test_a_small_fill_is_scored_again_on_a_fresh_draw_of_its_generator(
    real: pl.DataFrame,
) -> None:
    """A few rows score low whatever made them (real halves of the class do too: the
    yardstick); a fresh draw of GENERATOR_ROWS from the same generator scores the generator.
    The draw changes nothing that was filled, and it goes through the same filters."""
    got = synth.fill(real, [synth.Shortfall({"label": "fraud"}, 12)], seed=4)
    q = got.quality["label=fraud"]
    assert q.synthetic_rows == 12 and q.generator is not None
    assert 0.9 * synth.GENERATOR_ROWS <= q.generator.rows <= synth.GENERATOR_ROWS
    assert q.generator.overall is not None and q.overall is not None
    assert q.yardstick is not None
    # the few rows score near what real rows of the class score at that size; the draw of the
    # same generator scores higher, and at least 0.8 (the bootstrap keeps to the class)
    assert q.generator.overall > q.overall and q.generator.overall >= 0.8
    assert q.generator.column_pair_trends is not None and q.column_pair_trends is not None
    assert q.generator.column_pair_trends > q.column_pair_trends
    per = got.manifest()["quality"]["per_condition"]["label=fraud"]
    assert per["generator"] == q.generator.to_dict()
    # the filled rows are those of the same run without the draw: same seed, same rows, and
    # a fill of more rows keeps the first ones' method and counts
    again = synth.fill(real, [synth.Shortfall({"label": "fraud"}, 12)], seed=4)
    assert again.synthetic.equals(got.synthetic)
    assert again.quality == got.quality  # detection's folds are seeded too
    assert got.outcomes[0].rejected_validation == 0


def test_a_large_fill_is_its_own_draw(real: pl.DataFrame) -> None:
    """At GENERATOR_ROWS kept rows or more, their own scores are settled: no second draw."""
    got = synth.fill(real, [synth.Shortfall({"label": "fraud"}, synth.GENERATOR_ROWS)], seed=4)
    assert got.outcomes[0].filled == synth.GENERATOR_ROWS
    assert got.quality["label=fraud"].generator is None
    assert got.manifest()["quality"]["per_condition"]["label=fraud"]["generator"] is None
