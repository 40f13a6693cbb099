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
    assert any("model of their own real rows" in n for n in own.notes)
    assert (own.synthetic["label"] == "fraud").all()
    assert own.parameters["condition_model_rows"] == 20


def test_small_conditions_keep_the_whole_table_model(real: pl.DataFrame) -> None:
    short = real.filter(pl.col("label") == "fraud").height
    got = synth.fill(
        real, [synth.Shortfall({"label": "fraud"}, 10)], seed=1, condition_model_rows=short + 1
    )
    assert got.outcomes[0].filled == 10
    assert not any("model of their own real rows" in n for n in got.notes)
