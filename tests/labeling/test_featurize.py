"""Featurization: encodings, dropped columns and their reasons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from labeling import FeatureColumnError, InvalidOptionError, featurize

pytestmark = pytest.mark.labels

N = 40


@pytest.fixture
def mixed() -> pl.DataFrame:
    rng = np.random.default_rng(0)
    num = rng.normal(size=N)
    num[3] = np.nan
    return pl.DataFrame(
        {
            "id": np.arange(N),
            "uuid": [f"u-{i:04d}" for i in range(N)],
            "const": [7] * N,
            "empty": pl.Series([None] * N, dtype=pl.Float64),
            "num": num,
            "color": rng.choice(["red", "green", "blue"], size=N),
            "when": [dt.datetime(2024, 1 + i % 12, 1 + i % 28, i % 24) for i in range(N)],
            "review": [f"this product is good number {i} really" for i in range(N)],
            "flag": rng.random(N) < 0.5,
            "tags": [[1, 2]] * N,
            "y": rng.choice(["a", "b"], size=N),
        }
    )


def test_dropped_columns_are_reported_with_reasons(mixed: pl.DataFrame) -> None:
    fm = featurize(mixed, label="y")
    assert fm.dropped == [
        ("id", "id-like: every value is unique"),
        ("uuid", "id-like: every value is unique"),
        ("const", "constant: a single distinct value"),
        ("empty", "all values are null"),
        ("tags", "unsupported dtype List(Int64)"),
    ]
    assert fm.kinds == {
        "num": "numeric",
        "color": "categorical",
        "when": "datetime",
        "review": "text",
        "flag": "boolean",
    }


def test_numeric_is_imputed_scaled_with_missing_indicator(mixed: pl.DataFrame) -> None:
    fm = featurize(mixed, label="y", features=["num"])
    assert fm.names == ["num", "num.missing"]
    assert not np.isnan(fm.matrix).any()
    assert fm.matrix.shape == (N, 2)
    np.testing.assert_allclose(fm.matrix[:, 0].mean(), 0.0, atol=1e-6)
    np.testing.assert_allclose(fm.matrix[:, 0].std(), 1.0, atol=1e-5)
    assert fm.matrix[3, 1] > 0
    assert (fm.matrix[np.arange(N) != 3, 1] < 0).all()


def test_datetime_becomes_parts(mixed: pl.DataFrame) -> None:
    fm = featurize(mixed, features=["when"])
    assert fm.names == ["when.month", "when.day", "when.weekday", "when.hour"]  # year is constant


def test_categorical_onehot_and_ordinal_with_level_cap() -> None:
    frame = pl.DataFrame({"c": ["a"] * 5 + ["b"] * 3 + ["c", "d"], "x": list(range(10))})
    onehot = featurize(frame, features=["c"], max_levels=2)
    assert onehot.names == ["c=a", "c=b", "c=__other__"]
    assert onehot.matrix[:, 2].tolist() == [0.0] * 8 + [1.0, 1.0]
    ordinal = featurize(frame, features=["c"], max_levels=2, categorical="ordinal")
    assert ordinal.names == ["c"]
    assert len(set(ordinal.matrix[:, 0].tolist())) == 3


@pytest.mark.parametrize("method", ["hash", "tfidf"])
def test_text_is_vectorised(mixed: pl.DataFrame, method: str) -> None:
    fm = featurize(mixed, features=["review"], text=method, text_dims=8)  # type: ignore[arg-type]
    assert fm.kinds == {"review": "text"}
    assert fm.matrix.shape[0] == N
    assert 0 < fm.matrix.shape[1] <= 8
    assert fm.names[0] == "review#0"


def test_explicit_features_missing_column() -> None:
    frame = pl.DataFrame({"a": [1, 2], "y": [0, 1]})
    with pytest.raises(FeatureColumnError) as info:
        featurize(frame, label="y", features=["a", "b"])
    assert str(info.value) == "1 feature column(s) not in frame: 'b'; available: a, y"


def test_label_in_features_is_refused() -> None:
    frame = pl.DataFrame({"a": [1, 2], "y": [0, 1]})
    with pytest.raises(
        FeatureColumnError,
        match=r"^label column 'y' is also listed in features=; remove it from features$",
    ):
        featurize(frame, label="y", features=["a", "y"])


def test_bad_encoding_option() -> None:
    with pytest.raises(InvalidOptionError, match="categorical='dummy' is not supported"):
        featurize(pl.DataFrame({"a": [1]}), categorical="dummy")  # type: ignore[arg-type]


def test_many_valued_two_word_strings_are_text_whose_words_carry_the_class() -> None:
    """Car names ("ford torino"): nearly every value unique, the maker decides the origin.
    One-hot levels of whole values would pool them into ``__other__``; as TF-IDF text the
    maker's word is a feature, and an out-of-fold model reads the origin from it."""
    from labeling import cross_val_pred_probs

    rng = np.random.default_rng(3)
    makers = {"ford": "usa", "chevrolet": "usa", "toyota": "japan", "datsun": "japan"}
    picks = rng.choice(list(makers), size=120)
    frame = pl.DataFrame(
        {
            "name": [f"{m} model{i}" for i, m in enumerate(picks)],
            "origin": [makers[m] for m in picks],
        }
    )
    fm = featurize(frame, label="origin")
    assert fm.kinds == {"name": "text"}
    codes = (frame.get_column("origin") == "usa").cast(pl.Int64).to_numpy()
    probs = cross_val_pred_probs(fm.matrix, codes, seed=0)
    assert (probs.argmax(axis=1) == codes).mean() == 1.0
    one_word = frame.with_columns(pl.col("name").str.replace(" ", "_"))  # codes, not words
    assert featurize(one_word, label="origin").dropped == [
        ("name", "id-like: every value is unique")
    ]
