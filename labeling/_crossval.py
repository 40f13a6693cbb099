"""Out-of-sample predicted probabilities by stratified K-fold cross-validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal

import numpy as np

from ._deps import require_labels_extra
from ._errors import InvalidOptionError, TooFewRowsError

#: Each fold's model is fitted on at most this many rows (a stratified sample) to bound time.
TRAIN_CAP = 25_000

#: Models accepted by ``model=``.
MODELS = ("ensemble", "hgb", "logistic")
#: The default: the mean of HGB's and logistic regression's out-of-fold probabilities.
DEFAULT_MODEL: Final = "ensemble"
ModelName = Literal["ensemble", "hgb", "logistic"]

Progress = Callable[[str, float], None]


def make_model(model: ModelName, *, seed: int) -> Any:
    """Build an unfitted scikit-learn classifier for ``model``.

    ``"ensemble"`` is a soft-voting average of the other two: gradient boosting finds
    interactions and thresholds, the linear model is smoother and better calibrated on small
    or weakly separable tables, and their mean is a better out-of-sample probability than
    either (see docs/labeling.md, "Choice of model").
    """
    require_labels_extra(("sklearn",))
    if model == "ensemble":
        from sklearn.ensemble import VotingClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import make_pipeline

        # NaN is allowed for "hgb"; the linear half imputes it (featurize never leaves any)
        linear = make_pipeline(SimpleImputer(), make_model("logistic", seed=seed))
        return VotingClassifier(
            [("hgb", make_model("hgb", seed=seed)), ("logistic", linear)], voting="soft"
        )
    if model == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_leaf_nodes=15, early_stopping=True, random_state=seed
        )
    if model == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=1000, C=1.0, random_state=seed)
    raise InvalidOptionError(
        f"model={model!r} is not supported; use one of: {', '.join(map(repr, MODELS))}"
    )


def cross_val_pred_probs(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    model: ModelName = DEFAULT_MODEL,
    folds: int = 5,
    seed: int = 0,
    n_threads: int | None = 1,
    progress: Progress | None = None,
) -> np.ndarray:
    """Predict every row's class probabilities with a model that never saw that row.

    Rows are split by ``StratifiedKFold(folds, shuffle=True, random_state=seed)``; a fresh model
    is fitted on the other folds (a stratified sample of at most `TRAIN_CAP` of them, so
    large frames stay fast) and predicts the held-out fold.

    Args:
        features: numeric array of shape (n_rows, n_features) (NaN allowed for ``"hgb"``).
        labels: integer class codes 0..K-1, shape (n_rows,).
        model: ``"ensemble"`` (default: the mean of the two others' probabilities),
            ``"hgb"`` (HistGradientBoostingClassifier) or ``"logistic"``.
        folds: number of folds, at least 2 and at most the smallest class count.
        seed: seed for the fold split, the training sample and the model.
        n_threads: OpenMP/BLAS threads for fitting (default 1: robust on shared CI runners,
            where oversubscribed OpenMP threads can be 10x slower); None = library default.
        progress: called as ``progress("fold 2/5", fraction_done)`` after each fold.

    Returns:
        float64 array (n_rows, K); column ``k`` is the probability of class code ``k``.

    Raises:
        InvalidOptionError: unknown ``model`` or ``folds < 2``.
        TooFewRowsError: a class has fewer rows than ``folds``.
        LabelsExtraMissingError: scikit-learn is not installed.
    """
    require_labels_extra(("sklearn",))
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from threadpoolctl import threadpool_limits

    if folds < 2:
        raise InvalidOptionError(f"folds={folds} is too small; use folds >= 2")
    labels = np.asarray(labels, dtype=np.int64)
    n_classes = int(labels.max()) + 1 if labels.size else 0
    counts = np.bincount(labels, minlength=n_classes)
    if counts.size == 0 or counts.min() < folds:
        smallest = int(counts.min()) if counts.size else 0
        raise TooFewRowsError(
            f"the smallest class has {smallest} row(s), fewer than folds={folds}; "
            f"pass folds<={max(smallest, 2)} or add rows"
        )
    make_model(model, seed=seed)  # validate the name before any work
    out = np.zeros((labels.size, n_classes), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    x = np.asarray(features)
    with threadpool_limits(limits=n_threads):
        for i, (train, test) in enumerate(splitter.split(x, labels), start=1):
            if train.size > TRAIN_CAP:
                train, _ = train_test_split(
                    train, train_size=TRAIN_CAP, stratify=labels[train], random_state=seed
                )
            clf = make_model(model, seed=seed)
            clf.fit(x[train], labels[train])
            probs = clf.predict_proba(x[test])
            out[np.ix_(test, np.asarray(clf.classes_, dtype=np.int64))] = probs
            if progress is not None:
                progress(f"fold {i}/{folds}", i / folds)
    return out
