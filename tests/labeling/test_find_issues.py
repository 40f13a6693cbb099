"""find_issues end to end: detection quality, determinism, user pred_probs, report shape."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from labeling import LabelReport, cross_val_pred_probs, find_issues

pytestmark = pytest.mark.labels


@pytest.fixture(scope="module")
def report(wine_noisy: tuple[pl.DataFrame, np.ndarray]) -> LabelReport:
    frame, _ = wine_noisy
    return find_issues(frame, "target", seed=0)


def test_detects_injected_flips(
    report: LabelReport, wine_noisy: tuple[pl.DataFrame, np.ndarray]
) -> None:
    _, flipped = wine_noisy
    found = set(np.flatnonzero(report.flags["label"]).tolist())
    hits = len(found & set(flipped.tolist()))
    assert hits / len(flipped) >= 0.7  # recall
    assert hits / len(found) >= 0.6  # precision


def test_issues_frame_shape_and_order(
    report: LabelReport, wine_noisy: tuple[pl.DataFrame, np.ndarray]
) -> None:
    frame, _ = wine_noisy
    issues = report.issues
    assert issues.columns[:5] == ["row", "issue_type", "given_label", "suggested_label", "score"]
    assert issues.columns[5:] == frame.columns
    label = issues.filter(pl.col("issue_type") == "label")
    assert label.height == int(report.flags["label"].sum())
    assert label["score"].is_sorted()
    first = label.row(0, named=True)
    assert first["given_label"] == frame["target"][first["row"]]
    assert first["f0"] == frame["f0"][first["row"]]
    assert first["suggested_label"] == int(report.pred_probs[first["row"]].argmax())
    assert first["score"] == pytest.approx(report.scores["label"][first["row"]])
    order = issues["issue_type"].unique(maintain_order=True).to_list()
    assert order == [
        t for t in ("label", "outlier", "near_duplicate", "class_imbalance") if t in order
    ]


def test_every_type_has_scores_flags_and_rates(report: LabelReport) -> None:
    assert set(report.rates) == {"label", "outlier", "near_duplicate", "class_imbalance"}
    for t, flags in report.flags.items():
        assert flags.shape == (178,)
        assert report.scores[t].shape == (178,)
        assert report.rates[t] == pytest.approx(flags.sum() / 178)
        assert ((report.scores[t] >= 0) & (report.scores[t] <= 1)).all()
    assert report.rates["class_imbalance"] == 0.0  # wine's classes are 33/40/27%


def test_class_summary_and_confusion(report: LabelReport) -> None:
    summary = report.class_summary
    assert summary.columns == ["class", "rows", "label_issues", "issue_rate", "share"]
    assert summary["rows"].sum() == 178
    assert summary["label_issues"].sum() == int(report.flags["label"].sum())
    assert summary["share"].sum() == pytest.approx(1.0)
    assert report.confusion.columns == ["given_label", "suggested_label", "rows"]
    assert report.confusion["rows"].sum() == 178


def test_agreement_is_the_accuracy_of_the_out_of_fold_model(report: LabelReport) -> None:
    """How far to trust the flags: the given labels' agreement with the model, plain and
    balanced over classes, equal to scikit-learn's scores of the argmax."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    given = report.class_summary["class"].to_list()
    index = {c: i for i, c in enumerate(given)}
    labels = report.confusion.select(
        pl.col("given_label").repeat_by("rows").explode(),
        pl.col("suggested_label").repeat_by("rows").explode(),
    )
    y = [index[v] for v in labels["given_label"].to_list()]
    yhat = [index[v] for v in labels["suggested_label"].to_list()]
    assert report.agreement == pytest.approx(accuracy_score(y, yhat))
    assert report.balanced_agreement == pytest.approx(balanced_accuracy_score(y, yhat))
    assert 0.7 < report.balanced_agreement < report.agreement + 0.05  # wine: balanced classes
    out = report.to_dict()
    assert (out["agreement"], out["balanced_agreement"]) == (
        report.agreement,
        report.balanced_agreement,
    )


def test_balanced_agreement_sees_through_a_majority_class() -> None:
    """98 of 100 rows in one class and a model that always answers it: 98% agreement, 50%
    balanced (the demo's fraud class reads the same way)."""
    rng = np.random.default_rng(0)
    frame = pl.DataFrame({"x": rng.normal(size=100), "y": ["ok"] * 98 + ["fraud"] * 2})
    probs = np.tile([0.1, 0.9], (100, 1))  # columns in sorted class order: fraud, ok
    got = find_issues(frame, "y", pred_probs=probs, issue_types=["label"])
    assert got.agreement == pytest.approx(0.98)
    assert got.balanced_agreement == pytest.approx(0.5)


def test_same_seed_same_report(wine_noisy: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, _ = wine_noisy
    a = find_issues(frame, "target", seed=3, issue_types=["label"], model="logistic")
    b = find_issues(frame, "target", seed=3, issue_types=["label"], model="logistic")
    np.testing.assert_array_equal(a.pred_probs, b.pred_probs)
    assert a.issues.equals(b.issues)
    c = find_issues(frame, "target", seed=4, issue_types=["label"], model="logistic")
    assert not np.array_equal(a.pred_probs, c.pred_probs)


def test_user_pred_probs_skip_the_model(wine_noisy: tuple[pl.DataFrame, np.ndarray]) -> None:
    frame, flipped = wine_noisy
    y = frame["target"].to_numpy()
    probs = np.full((178, 3), 0.05)
    probs[np.arange(178), y] = 0.9
    probs[flipped] = 0.05
    probs[flipped, (y[flipped] + 1) % 3] = 0.9  # the "model" disagrees exactly on the flips
    calls: list[str] = []
    report = find_issues(
        frame,
        "target",
        pred_probs=probs,
        issue_types=["label"],
        progress=lambda s, _: calls.append(s),
    )
    assert report.folds == 0
    assert not any(s.startswith("cross-validation") for s in calls)
    assert np.flatnonzero(report.flags["label"]).tolist() == flipped.tolist()
    as_frame = pl.DataFrame(probs[:, ::-1], schema=["2", "1", "0"])  # named columns are reordered
    again = find_issues(frame, "target", pred_probs=as_frame, issue_types=["label"])
    np.testing.assert_array_equal(again.flags["label"], report.flags["label"])


def test_to_dict_is_json_serialisable() -> None:
    import datetime as dt

    rng = np.random.default_rng(1)
    frame = pl.DataFrame(
        {
            "x": rng.normal(size=60),
            "day": [dt.date(2024, 1, 1 + i % 28) for i in range(60)],
            "score": rng.normal(size=60),  # clashes with an issues column
            "y": ["a", "b", "c"] * 20,
        }
    )
    report = find_issues(frame, "y", model="logistic", folds=3)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["n_rows"] == 60
    assert data["classes"] == ["a", "b", "c"]
    assert data["n_issues"] == report.issues.height
    assert set(data["rates"]) == {"label", "outlier", "near_duplicate", "class_imbalance"}
    assert "value.score" in report.issues.columns
    if data["issues"]:
        assert set(data["issues"][0]) >= {"row", "issue_type", "given_label", "value.score", "day"}


def test_cross_val_pred_probs_shape_and_rows_sum_to_one() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 3))
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 1)
    probs = cross_val_pred_probs(x, y, folds=3, seed=0)
    assert probs.shape == (90, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert (probs.argmax(axis=1) == y).mean() > 0.7


def test_the_default_model_averages_hgb_and_logistic(
    wine_noisy: tuple[pl.DataFrame, np.ndarray],
) -> None:
    """model="ensemble" (the default) is the mean of the two models' out-of-fold probabilities."""
    from labeling import featurize

    frame, flipped = wine_noisy
    x = featurize(frame, label="target").matrix
    codes = frame["target"].to_numpy()
    got = {m: cross_val_pred_probs(x, codes, model=m, seed=1) for m in ("hgb", "logistic")}
    ensemble = cross_val_pred_probs(x, codes, seed=1)
    np.testing.assert_allclose(ensemble, (got["hgb"] + got["logistic"]) / 2, atol=1e-12)
    report = find_issues(frame, "target", seed=1, issue_types=["label"])
    np.testing.assert_allclose(report.pred_probs, ensemble, atol=1e-12)
    found = np.flatnonzero(report.flags["label"])
    assert np.isin(found, flipped).mean() >= 0.85  # 16 of its 18 flags are real flips
