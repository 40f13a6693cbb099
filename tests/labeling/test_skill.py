"""No-skill detection: a class the model cannot tell apart is not condemned as mislabelled."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from labeling import LOW_AGREEMENT, NO_SKILL_AUC, find_issues
from labeling._skill import class_skill, drop_unskilled, low_agreement_note

pytestmark = pytest.mark.labels


def _unlearnable(rows: int = 2_000, rare: int = 60, seed: int = 3) -> pl.DataFrame:
    """A rare class drawn independently of every feature: no model can separate it."""
    rng = np.random.default_rng(seed)
    label = np.array(["ok"] * rows, dtype=object)
    label[rng.choice(rows, size=rare, replace=False)] = "fraud"
    return pl.DataFrame(
        {
            "amount": rng.gamma(2.0, 40.0, rows),
            "quantity": rng.integers(1, 6, rows),
            "category": rng.choice(["books", "toys", "food"], rows),
            "label": label,
        }
    )


def test_a_class_without_skill_is_not_reported_and_says_why() -> None:
    """The whole rare class would be flagged; instead no row is, and the note names the class."""
    df = _unlearnable()
    raw = find_issues(df, "label", issue_types=["label"], min_class_auc=0.0)
    report = find_issues(df, "label", issue_types=["label"])
    assert "fraud" in report.no_skill
    assert int(report.flags["label"].sum()) == 0
    assert int(raw.flags["label"].sum()) > 0  # what the check stops
    note = next(n for n in report.notes if "no skill" in n)
    assert "'fraud'" in note and "not reliable" in note
    skill = report.class_skill
    assert skill is not None
    fraud = skill.filter(pl.col("class") == "fraud").row(0, named=True)
    assert fraud["auc"] < NO_SKILL_AUC and fraud["skilled"] is False
    doc = report.to_dict()
    assert "fraud" in doc["no_skill"] and {r["class"] for r in doc["class_skill"]} == {
        "fraud",
        "ok",
    }


def test_a_model_with_skill_keeps_its_findings(wine_noisy: tuple[pl.DataFrame, np.ndarray]) -> None:
    """On wine (separable classes, 10% flips) every class has skill and the flips are found."""
    frame, flipped = wine_noisy
    report = find_issues(frame, "target", issue_types=["label"])
    assert report.no_skill == []
    assert report.class_skill is not None
    assert report.class_skill.get_column("auc").min() > 0.8
    found = np.flatnonzero(report.flags["label"])
    assert len(set(found) & set(flipped.tolist())) >= len(flipped) // 2


def test_drop_unskilled_drops_given_and_suggested_rows() -> None:
    """A row is kept only when neither its given nor its suggested class lacks skill."""
    codes = np.array([0, 0, 1, 1, 2, 2])
    probs = np.array(
        [
            [0.1, 0.8, 0.1],
            [0.1, 0.1, 0.8],
            [0.8, 0.1, 0.1],
            [0.1, 0.1, 0.8],
            [0.8, 0.1, 0.1],
            [0.1, 0.8, 0.1],
        ]
    )
    flags = np.ones(6, dtype=bool)
    skill = class_skill(codes, probs, ["a", "b", "c"], min_auc=0.0)
    assert drop_unskilled(flags, codes, probs, skill).all()
    skill = [s if s.label != "c" else dataclasses.replace(s, skilled=False) for s in skill]
    kept = drop_unskilled(flags, codes, probs, skill)
    assert kept.tolist() == [True, False, True, False, False, False]


def test_a_rare_class_swamped_by_flips_keeps_its_findings() -> None:
    """Low AUC from noise is not "no skill": the model still picks out the real members."""
    rng = np.random.default_rng(0)
    n = 4_000
    x = rng.normal(size=n)
    y = np.where(x > 1.9, "yes", "no").astype(object)  # ~3% positives, perfectly separable
    flipped = rng.choice(n, size=n // 10, replace=False)
    y[flipped] = np.where(y[flipped] == "yes", "no", "yes")
    report = find_issues(pl.DataFrame({"x": x, "label": y}), "label", issue_types=["label"])
    assert report.no_skill == []
    truth = np.zeros(n, dtype=bool)
    truth[flipped] = True
    found = report.flags["label"]
    assert (found & truth).sum() / max(found.sum(), 1) > 0.8


def _weak_ranking(rows: int, positives: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A class ranked a little better than chance (AUC ~0.59) that is never the argmax."""
    rng = np.random.default_rng(seed)
    codes = np.zeros(rows, dtype=np.int64)
    codes[rng.choice(rows, size=positives, replace=False)] = 1
    score = rng.normal(size=rows) + 0.32 * codes
    p = 1 / (1 + np.exp(-(score - 4)))  # at most ~0.2: "ok" is always the most probable
    return codes, np.column_stack([1 - p, p])


def test_a_weak_but_credible_ranking_is_skill_and_a_small_one_is_not() -> None:
    """J is 0 for both; the AUC's lower bound (3 standard errors) decides."""
    codes, probs = _weak_ranking(10_000, 1_200)
    big = class_skill(codes, probs, ["ok", "yes"])[1]
    assert big.youden == 0.0 and 0.56 < big.auc < NO_SKILL_AUC
    assert big.skilled
    codes, probs = _weak_ranking(2_000, 60)
    small_class = class_skill(codes, probs, ["ok", "yes"])[1]
    assert small_class.youden == 0.0 and small_class.auc < NO_SKILL_AUC
    assert not small_class.skilled


def test_auc_standard_error_matches_hanley_mcneil() -> None:
    from labeling._skill import auc_standard_error

    # by hand: Q1 = 0.8/1.2, Q2 = 2*0.64/1.8; (0.16 + 49*(Q1-0.64) + 49*(Q2-0.64)) / 2500
    assert auc_standard_error(0.8, 50, 50) == pytest.approx(0.04450, abs=1e-5)
    assert np.isnan(auc_standard_error(0.7, 0, 10))


def test_a_model_that_agrees_with_few_labels_says_so_in_the_notes(
    wine_noisy: tuple[pl.DataFrame, np.ndarray],
) -> None:
    """Half the labels redrawn at random: the model agrees with few of them, and the note says
    its flags are mostly labels it cannot predict; on wine with 10% flips there is no note."""
    frame, _ = wine_noisy
    assert not [
        n for n in find_issues(frame, "target", issue_types=["label"]).notes if "agrees" in n
    ]
    rng = np.random.default_rng(5)
    classes = np.array(sorted(frame.get_column("target").unique().to_list()), dtype=object)
    labels = frame.get_column("target").to_numpy().copy()
    redrawn = rng.random(labels.size) < 0.5
    labels[redrawn] = rng.choice(classes, int(redrawn.sum()))
    report = find_issues(
        frame.with_columns(pl.Series("target", labels)), "target", issue_types=["label"]
    )
    assert report.agreement is not None and report.agreement < LOW_AGREEMENT
    note = next(n for n in report.notes if "agrees with only" in n)
    assert f"{report.agreement:.1%}" in note and "review them worst score first" in note


def test_low_agreement_note_threshold() -> None:
    """At LOW_AGREEMENT or above there is no note; just below, there is; no rows, no note."""
    codes = np.array([0] * 8 + [1] * 2)
    probs = np.tile([[0.9, 0.1]], (10, 1))  # always class 0: 80% agreement
    assert low_agreement_note(codes, probs) is None
    codes[0] = 1  # 70%
    assert "70.0%" in str(low_agreement_note(codes, probs))
    assert low_agreement_note(np.array([], dtype=int), np.zeros((0, 2))) is None
