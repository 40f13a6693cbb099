"""Does the model tell a class apart at all? If not, its "label errors" are noise.

Confident learning trusts the out-of-sample probabilities: a row is suspect when the model is
confident of another class. When the model has no skill on a class (it ranks that class's rows
no better than chance), every row of the class looks suspect and cleanlab condemns the whole
class — on the demo data 68 of 99 ``fraud`` rows, all "suggested: ok". So each class's skill is
measured first, as its one-vs-rest out-of-fold ROC AUC (0.5 = chance, 1 = perfect ranking), and
label issues whose given or suggested class has no skill are not reported.

A low AUC alone is not enough: a rare class made mostly of flipped labels (3.3% positives with
10% of all labels flipped) also scores below 0.6, yet the model still picks out its real
members, and those flips are exactly what should be found. So a class has no skill only when
its AUC is near chance **and** its recall is no better than chance: the model's argmax predicts
the class as often for the rest as for the class itself (Youden's J = TPR - FPR near 0).

Argmax recall is fragile for such a rare class too: a better calibrated model (the default
ensemble) rarely makes it the most probable class, so J falls to 0 although the ranking is
plainly better than chance. So the third condition is that the AUC is not *credibly* above
chance: its lower bound, AUC minus 3 standard errors (Hanley & McNeil 1982), is below
`CREDIBLE_AUC`. 1,267 "yes" rows of ISLR's Default with 10% of labels flipped: AUC 0.597,
bound 0.57, skill; the demo's 99 fraud rows: AUC 0.55, bound 0.46, no skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "LOW_AGREEMENT",
    "NO_SKILL_AUC",
    "ClassSkill",
    "class_skill",
    "drop_unskilled",
    "low_agreement_note",
    "no_skill_note",
]

#: A class whose one-vs-rest out-of-fold AUC is below this has no usable skill: chance is 0.5,
#: and with 10% of labels flipped a model that separates the class still scores well above 0.7.
NO_SKILL_AUC = 0.6
#: ... and whose argmax recall beats its false-positive rate by less than this (Youden's J).
NO_SKILL_J = 0.02
#: ... and whose AUC minus 3 standard errors is below this (the AUC is not credibly above chance).
CREDIBLE_AUC = 0.55
#: Below this share of given labels matching the model's out-of-fold argmax, most flags are
#: true labels the model gets wrong: in the benchmark (docs/labeling.md) the six tables whose
#: flags were 74-100% real flips had agreement 0.81-0.89, the six at 0.62-0.76 had 23-49%.
LOW_AGREEMENT = 0.8


@dataclass(frozen=True)
class ClassSkill:
    """How well the out-of-sample probabilities separate one class from the rest."""

    label: Any
    rows: int
    #: One-vs-rest ROC AUC of the class's probability column (NaN with one class only).
    auc: float
    #: Share of the class's rows whose most probable class is the class itself.
    recall: float
    #: recall minus the share of the other rows predicted as the class (0 = chance).
    youden: float
    skilled: bool


def class_skill(
    codes: np.ndarray, probs: np.ndarray, classes: list[Any], *, min_auc: float = NO_SKILL_AUC
) -> list[ClassSkill]:
    """Per class: rows, one-vs-rest AUC, recall of the argmax, Youden's J, and the verdict."""
    from sklearn.metrics import roc_auc_score

    predicted = probs.argmax(axis=1)
    out = []
    for k, label in enumerate(classes):
        mine = codes == k
        n = int(mine.sum())
        auc = float(roc_auc_score(mine, probs[:, k])) if 0 < n < codes.size else float("nan")
        recall = float((predicted[mine] == k).mean()) if n else float("nan")
        false_pos = float((predicted[~mine] == k).mean()) if n < codes.size else 0.0
        youden = recall - false_pos
        lower = auc - 3 * auc_standard_error(auc, n, codes.size - n)
        # NaN (nothing to compare) is not evidence of no skill
        skilled = not (auc < min_auc and youden < NO_SKILL_J and lower < CREDIBLE_AUC)
        out.append(
            ClassSkill(label=label, rows=n, auc=auc, recall=recall, youden=youden, skilled=skilled)
        )
    return out


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil's (1982) standard error of a ROC AUC from its class sizes."""
    if not (positives and negatives) or np.isnan(auc):
        return float("nan")
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)) / (
        positives * negatives
    )
    return float(np.sqrt(max(var, 0.0)))


def drop_unskilled(
    flags: np.ndarray, codes: np.ndarray, probs: np.ndarray, skill: list[ClassSkill]
) -> np.ndarray:
    """Label-issue flags without the rows whose given or suggested class has no skill."""
    bad = np.array([not s.skilled for s in skill], dtype=bool)
    if not bad.any():
        return flags
    suggested = probs.argmax(axis=1)
    kept: np.ndarray = flags & ~bad[codes] & ~bad[suggested]
    return kept


def no_skill_note(skill: list[ClassSkill], dropped: int) -> str | None:
    """The sentence the report, the review page and the gate show; None when every class is fine."""
    weak = [s for s in skill if not s.skilled]
    if not weak:
        return None
    named = ", ".join(
        f"{s.label!r} (out-of-fold AUC {s.auc:.2f}, recall {s.recall:.2f})" for s in weak
    )
    one = len(weak) == 1
    noun, it = ("class", "it") if one else ("classes", "them")
    return (
        f"the model has no skill on {noun} {named}: label issues for {it} are not reliable, "
        f"so {dropped} flagged row(s) are not reported; add features that separate {it}, "
        "or pass your own pred_probs"
    )


def low_agreement_note(codes: np.ndarray, probs: np.ndarray) -> str | None:
    """The warning when the model agrees with fewer than `LOW_AGREEMENT` of the given labels.

    From the rows and labels alone a wrong label and a true one the model cannot predict look
    the same, so the low agreement may also be real noise; the note says what is likelier.
    """
    if codes.size == 0:
        return None
    share = float((probs.argmax(axis=1) == codes).mean())
    if share >= LOW_AGREEMENT:
        return None
    return (
        f"the model agrees with only {share:.1%} of the given labels (below {LOW_AGREEMENT:.0%}): "
        "on such tables most flagged rows are true labels the model cannot predict, not wrong "
        "ones (23-49% of flags were real errors in the benchmark); review them worst score "
        "first rather than relabelling, and add features that predict the label"
    )


def skill_frame(skill: list[ClassSkill]) -> pl.DataFrame:
    """The per-class skill as a frame (``class``, ``rows``, ``auc``, ``recall``, ``skilled``)."""
    return pl.DataFrame(
        {
            "class": [s.label for s in skill],
            "rows": [s.rows for s in skill],
            "auc": [s.auc for s in skill],
            "recall": [s.recall for s in skill],
            "youden": [s.youden for s in skill],
            "skilled": [s.skilled for s in skill],
        },
        schema_overrides={
            "rows": pl.Int64,
            "auc": pl.Float64,
            "recall": pl.Float64,
            "youden": pl.Float64,
        },
    )
