"""Turn a tabular polars frame into a dense numeric feature matrix, without user work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from ._deps import require_labels_extra
from ._errors import FeatureColumnError, InvalidOptionError

#: Reasons reported in `FeatureMatrix.dropped` (column, reason).
REASON_ID_LIKE = "id-like: every value is unique"
REASON_CONSTANT = "constant: a single distinct value"
REASON_ALL_NULL = "all values are null"
REASON_UNSUPPORTED = "unsupported dtype"

#: Minimum rows before an all-unique integer/string column is treated as an identifier.
ID_MIN_ROWS = 20
#: A string column with more than ``max_levels`` distinct values whose values average at least
#: this many words is free text: its information is in its words (a car's maker in "ford
#: torino"), which one-hot levels of whole values lose when most values are unique.
TEXT_MIN_WORDS = 2.0

_DATE_PARTS = ("year", "month", "day", "weekday")


@dataclass(frozen=True)
class FeatureMatrix:
    """The numeric features derived from a frame.

    Attributes:
        matrix: float32 array of shape (n_rows, n_features); no NaN, columns scaled.
        names: one name per matrix column, e.g. ``"age"``, ``"city=Paris"``, ``"when.month"``.
        dropped: (column, reason) for every input column that was not used.
        kinds: how each used input column was encoded
            (``numeric``, ``boolean``, ``categorical``, ``datetime``, ``text``).
    """

    matrix: np.ndarray
    names: list[str]
    dropped: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


def featurize(
    frame: pl.DataFrame,
    *,
    label: str | None = None,
    features: Sequence[str] | None = None,
    max_levels: int = 20,
    categorical: Literal["onehot", "ordinal"] = "onehot",
    text: Literal["hash", "tfidf"] = "tfidf",
    text_dims: int = 32,
) -> FeatureMatrix:
    """Encode ``frame`` as a dense, scaled numeric matrix.

    Numeric and boolean columns are median-imputed (with a ``<col>.missing`` indicator when
    nulls exist) and standardised. String/categorical columns with few levels are one-hot
    (or ordinal) encoded, keeping the ``max_levels`` most frequent levels and pooling the rest
    into ``__other__``. Dates/datetimes become year, month, day, weekday (and hour). Strings
    with more than ``max_levels`` distinct values averaging ``TEXT_MIN_WORDS`` (2) words or more
    are free text, TF-IDF encoded over the column's ``text_dims`` most frequent terms (the
    recurring words that carry the signal) or hashed (``HashingVectorizer``, every word folded
    into ``text_dims`` buckets). Id-like (all-unique integer/string), constant and
    all-null columns are dropped and reported.

    Args:
        frame: the input data.
        label: the label column, never used as a feature.
        features: use only these columns (default: every column but the label).
        max_levels: cap on levels kept per categorical column.
        categorical: ``"onehot"`` or ``"ordinal"`` encoding for categoricals.
        text: ``"tfidf"`` (TfidfVectorizer, default) or ``"hash"`` (HashingVectorizer) for
            free text.
        text_dims: number of columns produced per text column.

    Returns:
        A `FeatureMatrix` with the matrix, column names and the dropped (column, reason) list.

    Raises:
        FeatureColumnError: a column in ``features`` is missing or is the label.
        InvalidOptionError: ``categorical``, ``text`` or ``max_levels`` is invalid.
        LabelsExtraMissingError: scikit-learn is not installed (only needed for text).
    """
    if categorical not in ("onehot", "ordinal"):
        raise InvalidOptionError(
            f"categorical={categorical!r} is not supported; use 'onehot' or 'ordinal'"
        )
    if text not in ("hash", "tfidf"):
        raise InvalidOptionError(f"text={text!r} is not supported; use 'hash' or 'tfidf'")
    if max_levels < 1 or text_dims < 1:
        raise InvalidOptionError("max_levels and text_dims must be at least 1")
    columns = _select_columns(frame, label=label, features=features)
    n = frame.height
    blocks: list[np.ndarray] = []
    names: list[str] = []
    dropped: list[tuple[str, str]] = []
    kinds: dict[str, str] = {}
    for name in columns:
        s = frame.get_column(name)
        kind = _classify(s, max_levels=max_levels)
        if kind.startswith("drop:"):
            dropped.append((name, kind.removeprefix("drop:")))
            continue
        if kind in ("numeric", "boolean"):
            block, cols = _numeric(s)
        elif kind == "datetime":
            block, cols = _datetime(s)
        elif kind == "text":
            block, cols = _text(s, method=text, dims=text_dims)
        else:
            block, cols = _categorical(s, max_levels=max_levels, encoding=categorical)
        if not cols:
            dropped.append((name, REASON_CONSTANT))
            continue
        kinds[name] = kind
        blocks.append(block)
        names.extend(cols)
    matrix = np.hstack(blocks).astype(np.float32) if blocks else np.zeros((n, 0), np.float32)
    return FeatureMatrix(matrix=matrix, names=names, dropped=dropped, kinds=kinds)


def _select_columns(
    frame: pl.DataFrame, *, label: str | None, features: Sequence[str] | None
) -> list[str]:
    """Return the candidate feature columns, checking an explicit ``features`` list."""
    if features is None:
        return [c for c in frame.columns if c != label]
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise FeatureColumnError(
            f"{len(missing)} feature column(s) not in frame: {', '.join(map(repr, missing))}; "
            f"available: {', '.join(frame.columns)}"
        )
    if label is not None and label in features:
        raise FeatureColumnError(
            f"label column {label!r} is also listed in features=; remove it from features"
        )
    return list(dict.fromkeys(features))


def _classify(s: pl.Series, *, max_levels: int) -> str:
    """Decide how to encode ``s``; ``drop:<reason>`` when it is unusable."""
    dtype = s.dtype
    nonnull = s.drop_nulls()
    if dtype == pl.Null or nonnull.len() == 0:
        return "drop:" + REASON_ALL_NULL
    if dtype.is_numeric() or dtype == pl.Boolean or dtype.is_temporal() or _is_stringy(dtype):
        n_unique = nonnull.n_unique()
        if n_unique <= 1:
            return "drop:" + REASON_CONSTANT
    else:
        return f"drop:{REASON_UNSUPPORTED} {dtype}"
    all_unique = s.null_count() == 0 and n_unique == s.len() and s.len() >= ID_MIN_ROWS
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer() and all_unique:
        return "drop:" + REASON_ID_LIKE
    if dtype.is_numeric():
        return "numeric"
    if dtype in (pl.Date, pl.Datetime):
        return "datetime"
    if dtype.is_temporal():  # Duration, Time: a plain number
        return "numeric"
    if n_unique > max_levels:
        words = nonnull.cast(pl.String).str.count_matches(r"\S+").mean()
        if isinstance(words, int | float) and words >= TEXT_MIN_WORDS:
            return "text"
    if all_unique:
        return "drop:" + REASON_ID_LIKE
    return "categorical"


def _is_stringy(dtype: pl.DataType) -> bool:
    """True for String, Categorical and Enum dtypes."""
    return dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)


def _scale(values: np.ndarray) -> np.ndarray:
    """Standardise the columns of a 2-D array (constant columns become 0)."""
    mean = values.mean(axis=0)
    std = values.std(axis=0)
    std[std == 0] = 1.0
    return np.asarray((values - mean) / std)


def _numeric(s: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Median-impute and scale a numeric column; add a missing indicator if needed."""
    if s.dtype.is_temporal():
        s = s.to_physical()
    x = s.cast(pl.Float64).fill_nan(None)
    nulls = x.is_null()
    median = x.median()
    filled = x.fill_null(median if isinstance(median, float) else 0.0).to_numpy()
    cols = [filled.reshape(-1, 1)]
    names = [s.name]
    if nulls.any():
        cols.append(nulls.cast(pl.Float64).to_numpy().reshape(-1, 1))
        names.append(f"{s.name}.missing")
    return _scale(np.hstack(cols)), names


def _datetime(s: pl.Series) -> tuple[np.ndarray, list[str]]:
    """Split a date/datetime column into year, month, day, weekday (and hour) parts."""
    parts = {
        "year": s.dt.year(),
        "month": s.dt.month(),
        "day": s.dt.day(),
        "weekday": s.dt.weekday(),
    }
    if s.dtype == pl.Datetime:
        parts["hour"] = s.dt.hour()
    blocks: list[np.ndarray] = []
    names: list[str] = []
    for part, values in parts.items():
        if values.drop_nulls().n_unique() <= 1 and values.null_count() == 0:
            continue  # e.g. hour is always 0 for midnight timestamps
        block, cols = _numeric(values.alias(f"{s.name}.{part}"))
        blocks.append(block)
        names.extend(cols)
    if not blocks:
        return np.zeros((s.len(), 0)), []
    return np.hstack(blocks), names


def _categorical(
    s: pl.Series, *, max_levels: int, encoding: Literal["onehot", "ordinal"]
) -> tuple[np.ndarray, list[str]]:
    """One-hot or ordinal encode the ``max_levels`` most frequent levels; the rest is ``__other__``."""
    values = s.cast(pl.String).fill_null("__null__")
    counts = values.value_counts(sort=True, name="n")
    counts = counts.sort(["n", s.name], descending=[True, False])
    levels = counts.get_column(s.name).head(max_levels).to_list()
    has_other = counts.height > max_levels
    if encoding == "ordinal":
        codes = values.replace_strict(
            levels, list(range(len(levels))), default=len(levels), return_dtype=pl.Float64
        )
        return _scale(codes.to_numpy().reshape(-1, 1)), [s.name]
    arr = values.to_numpy()
    cols = [(arr == level).astype(np.float32) for level in levels]
    names = [f"{s.name}={level}" for level in levels]
    if has_other:
        cols.append((~values.is_in(levels)).cast(pl.Float32).to_numpy())
        names.append(f"{s.name}=__other__")
    return np.column_stack(cols), names


def _text(
    s: pl.Series, *, method: Literal["hash", "tfidf"], dims: int
) -> tuple[np.ndarray, list[str]]:
    """Encode free text with a HashingVectorizer or TF-IDF into ``dims`` dense columns."""
    require_labels_extra(("sklearn",))
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

    docs = s.cast(pl.String).fill_null("").to_list()
    if method == "hash":
        vec = HashingVectorizer(n_features=dims, alternate_sign=False, norm="l2")
        sparse = vec.transform(docs)
    else:
        tfidf = TfidfVectorizer(max_features=dims)
        try:
            sparse = tfidf.fit_transform(docs)
        except ValueError:  # empty vocabulary: nothing but stop words / punctuation
            return np.zeros((s.len(), 0)), []
    dense = np.asarray(sparse.toarray(), dtype=np.float64)
    return dense, [f"{s.name}#{i}" for i in range(dense.shape[1])]
