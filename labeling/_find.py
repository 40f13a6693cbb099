"""`find_issues`: the main entry point."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from ._crossval import DEFAULT_MODEL, MODELS, TRAIN_CAP, ModelName, cross_val_pred_probs
from ._datalab import datalab_issues
from ._deps import require_labels_extra
from ._errors import FeatureColumnError, InvalidOptionError
from ._featurize import featurize
from ._labels import check_pred_probs, encode_labels
from ._report import ISSUE_TYPES, LabelReport, build_report
from ._skill import (
    NO_SKILL_AUC,
    class_skill,
    drop_unskilled,
    low_agreement_note,
    no_skill_note,
    skill_frame,
)

#: ``filter_by`` methods of ``cleanlab.filter.find_label_issues`` accepted here.
FILTER_METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
#: Default ``filter_by`` (chosen by benchmarks/labels_accuracy.py; see docs/labeling.md).
DEFAULT_FILTER_BY = "low_self_confidence"


def find_issues(
    frame: pl.DataFrame,
    label: str,
    *,
    features: Sequence[str] | None = None,
    pred_probs: np.ndarray | pl.DataFrame | None = None,
    model: ModelName = DEFAULT_MODEL,
    folds: int = 5,
    seed: int = 0,
    issue_types: Sequence[str] = ISSUE_TYPES,
    filter_by: str = DEFAULT_FILTER_BY,
    n_threads: int | None = 1,
    min_class_auc: float = NO_SKILL_AUC,
    progress: Callable[[str, float], None] | None = None,
) -> LabelReport:
    """Find label errors, outliers, near duplicates and class imbalance in a labelled table.

    Args:
        frame: the training data, one row per example.
        label: name of the (classification) label column.
        features: feature columns to use (default: all but the label, auto-encoded).
        pred_probs: your own out-of-sample probabilities, shape (frame.height, n_classes),
            columns in sorted class order (a polars frame named by class is reordered); the
            model is then skipped.
        model: ``"ensemble"`` (default: mean of HistGradientBoostingClassifier's and
            LogisticRegression's probabilities), ``"hgb"`` or ``"logistic"``.
        folds: stratified K-fold count; reduced (with a note) to the smallest class size.
        seed: seeds the fold split, the model and the PCA projection: same seed, same report.
        issue_types: any of ``"label"``, ``"outlier"``, ``"near_duplicate"``,
            ``"class_imbalance"``.
        filter_by: cleanlab ``find_label_issues`` method used to flag label issues.
        n_threads: threads for model fitting (see `cross_val_pred_probs`).
        min_class_auc: a class whose one-vs-rest out-of-fold AUC is below this has no skill:
            label issues whose given or suggested class is such a class are not reported
            (the report's ``no_skill`` and ``notes`` say so). 0 turns the test off.
        progress: called as ``progress(stage, fraction_done)``.

    Returns:
        A `LabelReport`; scores are in [0, 1] and lower means more suspect.

    Raises:
        LabelColumnError: the label column is missing, continuous, single-class or has more
            than 1,000 classes (see the subclasses).
        FeatureColumnError: a ``features`` column is missing, or no usable feature remains.
        PredProbsError: ``pred_probs`` has the wrong shape or values.
        InvalidOptionError: unknown ``model``, ``issue_types``, ``filter_by`` or ``folds < 2``.
        LabelsExtraMissingError: the ``[labels]`` extra is not installed.
    """
    require_labels_extra()
    _check_options(model=model, folds=folds, issue_types=issue_types, filter_by=filter_by)

    def step(stage: str, done: float) -> None:
        if progress is not None:
            progress(stage, done)

    enc = encode_labels(frame, label)
    notes = list(enc.notes)
    step("featurize", 0.05)
    feats = featurize(frame, label=label, features=features)
    x = feats.matrix[enc.rows]
    codes = enc.codes
    if pred_probs is not None:
        probs = check_pred_probs(pred_probs, n_rows=frame.height, classes=enc.all_classes)
        keep = enc.all_classes.is_in(enc.classes.implode()).to_numpy()
        probs = probs[enc.rows][:, keep]
        probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
        used_folds = 0
    else:
        if x.shape[1] == 0:
            why = "; ".join(f"{c}: {r}" for c, r in feats.dropped[:5])
            raise FeatureColumnError(
                f"no usable feature columns ({why}); pass features= or pred_probs="
            )
        smallest = int(np.bincount(codes).min())
        used_folds = folds
        if smallest < folds:
            used_folds = smallest
            notes.append(
                f"reduced folds from {folds} to {smallest}: the smallest class has {smallest} rows"
            )
        probs = cross_val_pred_probs(
            x,
            codes,
            model=model,
            folds=used_folds,
            seed=seed,
            n_threads=n_threads,
            progress=lambda s, f: step(f"cross-validation {s}", 0.1 + 0.6 * f),
        )
        if codes.size * (used_folds - 1) / used_folds > TRAIN_CAP:
            notes.append(
                f"each fold's model was fitted on a stratified sample of {TRAIN_CAP:,} rows "
                f"({codes.size:,} rows analysed) to bound the run time"
            )
    results: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    skill = class_skill(codes, probs, enc.classes.to_list(), min_auc=min_class_auc)
    if "label" in issue_types:
        step("label issues", 0.75)
        scores, flags = _label_issues(codes, probs, filter_by=filter_by)
        kept = drop_unskilled(flags, codes, probs, skill)
        note = no_skill_note(skill, int(flags.sum() - kept.sum()))
        if note:
            notes.append(note)
        note = low_agreement_note(codes, probs)
        if note:
            notes.append(note)
        results["label"] = (scores, kept)
    step("datalab", 0.8)
    for t, res in datalab_issues(
        x, codes, probs, issue_types=issue_types, seed=seed, notes=notes
    ).items():
        results[t] = (res.scores, res.flags)
    step("report", 0.95)
    report = build_report(
        frame,
        label=label,
        classes=enc.classes,
        codes=codes,
        rows=enc.rows,
        pred_probs=probs,
        results=results,
        dropped_features=feats.dropped,
        notes=notes,
        folds=used_folds,
        class_skill=skill_frame(skill),
    )
    step("done", 1.0)
    return report


def _check_options(*, model: str, folds: int, issue_types: Sequence[str], filter_by: str) -> None:
    """Raise `InvalidOptionError` for unsupported option values."""
    if model not in MODELS:
        raise InvalidOptionError(
            f"model={model!r} is not supported; use one of: {', '.join(map(repr, MODELS))}"
        )
    if folds < 2:
        raise InvalidOptionError(f"folds={folds} is too small; use folds >= 2")
    unknown = [t for t in issue_types if t not in ISSUE_TYPES]
    if isinstance(issue_types, str) or unknown:
        shown = [issue_types] if isinstance(issue_types, str) else unknown
        raise InvalidOptionError(
            f"unknown issue type(s) {', '.join(map(repr, shown))}; "
            f"use a list of: {', '.join(map(repr, ISSUE_TYPES))}"
        )
    if filter_by not in FILTER_METHODS:
        raise InvalidOptionError(
            f"filter_by={filter_by!r} is not supported; use one of: "
            f"{', '.join(map(repr, FILTER_METHODS))}"
        )


def _label_issues(
    codes: np.ndarray, probs: np.ndarray, *, filter_by: str
) -> tuple[np.ndarray, np.ndarray]:
    """cleanlab label quality scores (self-confidence) and issue flags."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    scores = get_label_quality_scores(codes, probs, method="self_confidence")
    flags = find_label_issues(codes, probs, filter_by=filter_by, n_jobs=1)
    return np.asarray(scores, dtype=np.float64), np.asarray(flags, dtype=bool)
