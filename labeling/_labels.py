"""Validate and encode the label column, and any user-supplied predicted probabilities."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ._errors import (
    ContinuousLabelError,
    LabelColumnError,
    PredProbsError,
    SingleClassError,
    TooManyClassesError,
)

#: More distinct labels than this is refused (not a classification target we can handle).
MAX_CLASSES = 1000
#: A float label with more distinct values than this, some not whole numbers, is continuous.
CONTINUOUS_MIN_DISTINCT = 20


@dataclass(frozen=True)
class EncodedLabels:
    """Labels of the usable rows, encoded as 0..K-1 in sorted class order.

    Attributes:
        codes: int64 class code per kept row.
        classes: the sorted distinct labels (original dtype); ``classes[code]`` is the label.
        rows: 0-based row number in the input frame of each kept row.
        all_classes: every distinct non-null label, including dropped single-row classes.
        notes: what was dropped and why.
    """

    codes: np.ndarray
    classes: pl.Series
    rows: np.ndarray
    all_classes: pl.Series
    notes: list[str] = field(default_factory=list)


def encode_labels(frame: pl.DataFrame, label: str) -> EncodedLabels:
    """Check the label column and encode it; drop null-label rows and singleton classes.

    Raises:
        LabelColumnError: the column is missing or has an unsupported dtype.
        ContinuousLabelError: float labels with many distinct non-integer values.
        TooManyClassesError: more than `MAX_CLASSES` classes.
        SingleClassError: fewer than two classes remain.
    """
    if label not in frame.columns:
        raise LabelColumnError(
            f"label column {label!r} not in frame; columns are: {', '.join(frame.columns)}"
        )
    s = frame.get_column(label)
    dtype = s.dtype
    if not (
        dtype.is_numeric()
        or dtype in (pl.String, pl.Boolean)
        or isinstance(dtype, pl.Categorical | pl.Enum)
    ):
        raise LabelColumnError(
            f"label column {label!r} has dtype {dtype}; use a string, integer, boolean "
            "or categorical column"
        )
    notes: list[str] = []
    rows = np.arange(frame.height)
    if dtype.is_float():
        s = s.fill_nan(None)
    null = s.is_null().to_numpy()
    if null.any():
        notes.append(f"dropped {int(null.sum())} row(s) with a null label in {label!r}")
        rows = rows[~null]
        s = s.filter(~s.is_null())
    if dtype.is_float():
        distinct = s.unique()
        fractional = int((distinct != distinct.round(0)).sum())
        if fractional and distinct.len() > CONTINUOUS_MIN_DISTINCT:
            raise ContinuousLabelError(
                f"label column {label!r} looks continuous ({distinct.len()} distinct float "
                f"values, {fractional} not whole numbers); this is for classification: "
                "bin the target into classes first"
            )
    counts = s.value_counts(name="n").sort(label)
    if counts.height > MAX_CLASSES:
        raise TooManyClassesError(
            f"label column {label!r} has {counts.height} classes, more than {MAX_CLASSES}; "
            "this is for classification with at most 1,000 classes"
        )
    if counts.height < 2:
        raise SingleClassError(
            f"label column {label!r} has {counts.height} class(es) "
            f"({', '.join(repr(v) for v in counts.get_column(label).to_list())}); "
            "need at least 2 classes to find label issues"
        )
    all_classes = counts.get_column(label)
    singletons = counts.filter(pl.col("n") < 2).get_column(label)
    if singletons.len():
        keep = ~s.is_in(singletons.implode()).to_numpy()
        shown = ", ".join(repr(v) for v in singletons.head(5).to_list())
        more = f" and {singletons.len() - 5} more" if singletons.len() > 5 else ""
        notes.append(
            f"dropped {int((~keep).sum())} row(s) whose class has a single row "
            f"({shown}{more}): a class needs 2+ rows for cross-validation"
        )
        rows = rows[keep]
        s = s.filter(pl.Series(keep))
        counts = counts.filter(pl.col("n") >= 2)
        if counts.height < 2:
            raise SingleClassError(
                f"label column {label!r} has 1 class with 2+ rows after dropping single-row "
                "classes; need at least 2 classes to find label issues"
            )
    classes = counts.get_column(label)
    codes = s.replace_strict(
        classes, pl.Series(range(classes.len()), dtype=pl.Int64), return_dtype=pl.Int64
    )
    return EncodedLabels(
        codes=codes.to_numpy(), classes=classes, rows=rows, all_classes=all_classes, notes=notes
    )


def check_pred_probs(
    pred_probs: np.ndarray | pl.DataFrame, *, n_rows: int, classes: pl.Series
) -> np.ndarray:
    """Validate user ``pred_probs`` (one row per input row, one column per sorted class).

    A polars frame whose column names are exactly the class labels (as strings) is reordered
    to the sorted class order; otherwise its columns are taken in order.

    Raises:
        PredProbsError: wrong shape, non-finite or negative values, or rows not summing to 1.
    """
    k = classes.len()
    shown = ", ".join(repr(c) for c in classes.head(10).to_list())
    if isinstance(pred_probs, pl.DataFrame):
        by_name = [str(c) for c in classes.to_list()]
        if sorted(pred_probs.columns) == sorted(by_name):
            pred_probs = pred_probs.select(by_name)
        arr = pred_probs.cast(pl.Float64).to_numpy()
    else:
        arr = np.asarray(pred_probs, dtype=np.float64)
    if arr.ndim != 2 or arr.shape != (n_rows, k):
        raise PredProbsError(
            f"pred_probs has shape {arr.shape}; expected ({n_rows}, {k}): one row per input "
            f"row and one column per class in sorted order ({shown})"
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise PredProbsError("pred_probs has NaN, infinite or negative values; pass probabilities")
    sums = arr.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-3)
    if bad.size:
        raise PredProbsError(
            f"pred_probs row {int(bad[0])} sums to {sums[bad[0]]:.4g}; each row must sum to 1"
        )
    return arr
