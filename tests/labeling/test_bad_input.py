"""Every bad input gives a one-line `LabelingError` (exact text) or a documented fallback."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import polars as pl
import pytest

import labeling
from labeling import (
    ContinuousLabelError,
    FeatureColumnError,
    InvalidOptionError,
    LabelColumnError,
    LabelingError,
    LabelsExtraMissingError,
    PredProbsError,
    SingleClassError,
    TooFewRowsError,
    TooManyClassesError,
    cross_val_pred_probs,
    find_issues,
)

pytestmark = pytest.mark.labels


def small(n: int = 30, *, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pl.DataFrame({"x": x, "z": rng.normal(size=n), "y": np.where(x > 0, "pos", "neg")})


def test_errors_are_value_errors() -> None:
    for cls in (ContinuousLabelError, SingleClassError, TooManyClassesError, PredProbsError):
        assert issubclass(cls, LabelingError)
        assert issubclass(cls, ValueError)
    assert issubclass(LabelsExtraMissingError, ImportError)


def test_missing_label_column() -> None:
    with pytest.raises(LabelColumnError) as info:
        find_issues(small(), "label")
    assert str(info.value) == "label column 'label' not in frame; columns are: x, z, y"


def test_single_class() -> None:
    frame = small().with_columns(pl.lit("a").alias("y"))
    with pytest.raises(SingleClassError) as info:
        find_issues(frame, "y")
    assert str(info.value) == (
        "label column 'y' has 1 class(es) ('a'); need at least 2 classes to find label issues"
    )


def test_continuous_float_label_is_refused() -> None:
    frame = small().with_columns(pl.col("x").alias("y"))
    with pytest.raises(ContinuousLabelError) as info:
        find_issues(frame, "y")
    assert str(info.value) == (
        "label column 'y' looks continuous (30 distinct float values, 30 not whole numbers); "
        "this is for classification: bin the target into classes first"
    )


def test_whole_number_floats_are_classes() -> None:
    frame = small().with_columns((pl.col("x") > 0).cast(pl.Float64).alias("y"))
    report = find_issues(frame, "y", issue_types=["label"])
    assert report.classes == [0.0, 1.0]


def test_too_many_classes() -> None:
    frame = pl.DataFrame({"x": np.arange(2002) % 7, "y": np.arange(2002) // 2})
    with pytest.raises(TooManyClassesError) as info:
        find_issues(frame, "y")
    assert str(info.value) == (
        "label column 'y' has 1001 classes, more than 1000; "
        "this is for classification with at most 1,000 classes"
    )


def test_null_labels_are_dropped_with_a_note() -> None:
    frame = small().with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.col("y")).alias("y")
    )
    report = find_issues(frame, "y", issue_types=["label"])
    assert report.n_rows == 30
    assert report.n_analysed == 27
    assert "dropped 3 row(s) with a null label in 'y'" in report.notes
    assert np.isnan(report.scores["label"][:3]).all()
    assert not report.flags["label"][:3].any()
    assert (report.issues["row"] >= 3).all()


def test_single_row_class_is_dropped_with_a_note() -> None:
    frame = small().with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("odd")).otherwise(pl.col("y")).alias("y")
    )
    report = find_issues(frame, "y", issue_types=["label"])
    assert report.classes == ["neg", "pos"]
    assert report.notes[0] == (
        "dropped 1 row(s) whose class has a single row ('odd'): "
        "a class needs 2+ rows for cross-validation"
    )


def test_small_class_reduces_folds_with_a_note() -> None:
    frame = pl.DataFrame({"x": np.arange(23, dtype=float), "y": ["a"] * 20 + ["b"] * 3})
    report = find_issues(frame, "y", issue_types=["label"])
    assert report.folds == 3
    assert "reduced folds from 5 to 3: the smallest class has 3 rows" in report.notes


def test_cross_val_refuses_too_few_rows() -> None:
    with pytest.raises(TooFewRowsError) as info:
        cross_val_pred_probs(np.zeros((6, 1)), np.array([0, 0, 0, 0, 1, 1]), folds=5)
    assert str(info.value) == (
        "the smallest class has 2 row(s), fewer than folds=5; pass folds<=2 or add rows"
    )


def test_pred_probs_wrong_shape() -> None:
    with pytest.raises(PredProbsError) as info:
        find_issues(small(), "y", pred_probs=np.full((30, 3), 1 / 3))
    assert str(info.value) == (
        "pred_probs has shape (30, 3); expected (30, 2): one row per input row and one column "
        "per class in sorted order ('neg', 'pos')"
    )


def test_pred_probs_rows_must_sum_to_one() -> None:
    probs = np.full((30, 2), 0.5)
    probs[4] = [0.2, 0.2]
    with pytest.raises(
        PredProbsError, match=r"^pred_probs row 4 sums to 0.4; each row must sum to 1$"
    ):
        find_issues(small(), "y", pred_probs=probs)


def test_no_usable_features() -> None:
    frame = pl.DataFrame({"id": np.arange(30), "y": ["a", "b"] * 15})
    with pytest.raises(FeatureColumnError) as info:
        find_issues(frame, "y")
    assert str(info.value) == (
        "no usable feature columns (id: id-like: every value is unique); "
        "pass features= or pred_probs="
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"model": "svm"},
            "model='svm' is not supported; use one of: 'ensemble', 'hgb', 'logistic'",
        ),
        ({"folds": 1}, "folds=1 is too small; use folds >= 2"),
        (
            {"issue_types": ["label", "typo"]},
            "unknown issue type(s) 'typo'; use a list of: 'label', 'outlier', "
            "'near_duplicate', 'class_imbalance'",
        ),
    ],
)
def test_invalid_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOptionError) as info:
        find_issues(small(), "y", **options)
    assert str(info.value) == message


def test_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = labeling._deps.importlib.util.find_spec  # type: ignore[attr-defined]

    def fake(name: str, *args: Any) -> Any:
        return None if name == "cleanlab" else real_find_spec(name, *args)

    monkeypatch.setattr(labeling._deps.importlib.util, "find_spec", fake)  # type: ignore[attr-defined]
    with pytest.raises(LabelsExtraMissingError) as info:
        find_issues(small(), "y")
    assert (
        str(info.value)
        == "label-issue detection needs the [labels] extra: pip install 'datagates[labels]'"
    )
    assert info.value.name == "cleanlab"
    assert builtins.ImportError in type(info.value).__mro__
