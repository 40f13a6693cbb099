"""Outlier, near-duplicate and class-imbalance issues through ``cleanlab.Datalab``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._deps import require_labels_extra

#: Issue types computed by Datalab (``"label"`` is computed by cleanlab.filter directly).
DATALAB_TYPES = ("outlier", "near_duplicate", "class_imbalance")
#: Issue types that need a k-nearest-neighbour graph over the features.
KNN_TYPES = ("outlier", "near_duplicate")
#: Neighbours per row in the kNN graph (cleanlab's default).
KNN_K = 10
#: Above this many rows, features are projected with PCA to `KNN_DIMS` before the kNN search.
KNN_REDUCE_ROWS = 20_000
#: Target dimension of that PCA projection (low enough for a kd-tree search).
KNN_DIMS = 6
#: Above this many rows the kNN-based types are skipped (a note says so).
KNN_MAX_ROWS = 300_000


@dataclass(frozen=True)
class TypeResult:
    """Per-row score (lower = more suspect) and flag for one issue type."""

    scores: np.ndarray
    flags: np.ndarray


def datalab_issues(
    features: np.ndarray,
    labels: np.ndarray,
    pred_probs: np.ndarray,
    *,
    issue_types: Sequence[str],
    seed: int,
    notes: list[str],
) -> dict[str, TypeResult]:
    """Run ``Datalab.find_issues`` for the requested non-label types; append notes on shortcuts.

    The kNN graph is built here (euclidean, exact, k=`KNN_K`) and handed to Datalab so
    that its cost is bounded: above `KNN_REDUCE_ROWS` rows the features are first projected to
    `KNN_DIMS` PCA components, above `KNN_MAX_ROWS` rows outliers/near duplicates are skipped.
    """
    wanted = [t for t in DATALAB_TYPES if t in issue_types]
    if not wanted:
        return {}
    require_labels_extra()
    n = labels.size
    knn_wanted = [t for t in wanted if t in KNN_TYPES]
    skip_reason = None
    if knn_wanted and features.shape[1] == 0:
        skip_reason = "no usable feature columns"
    elif knn_wanted and n > KNN_MAX_ROWS:
        skip_reason = f"{n:,} rows is above the kNN limit of {KNN_MAX_ROWS:,}"
    elif knn_wanted and n <= KNN_K:
        skip_reason = f"{n} rows is too few for a {KNN_K}-nearest-neighbour graph"
    if skip_reason is not None:
        notes.append(f"skipped {' and '.join(knn_wanted)} issues: {skip_reason}")
        wanted = [t for t in wanted if t not in KNN_TYPES]
        knn_wanted = []
    if not wanted:
        return {}

    from cleanlab import Datalab

    kwargs: dict[str, object] = {"pred_probs": pred_probs}
    if knn_wanted:
        kwargs["knn_graph"] = _knn_graph(_knn_space(features, seed=seed, notes=notes))
    lab = Datalab(data={"label": labels}, label_name="label", verbosity=0)
    lab.find_issues(**kwargs, issue_types={t: {} for t in wanted})
    out: dict[str, TypeResult] = {}
    for t in wanted:
        frame = lab.get_issues(t)
        out[t] = TypeResult(
            scores=frame[f"{t}_score"].to_numpy(dtype=np.float64),
            flags=frame[f"is_{t}_issue"].to_numpy(dtype=bool),
        )
    return out


def _knn_space(features: np.ndarray, *, seed: int, notes: list[str]) -> np.ndarray:
    """The features the kNN graph is built on (PCA-projected for large frames)."""
    n, d = features.shape
    if n <= KNN_REDUCE_ROWS or d <= KNN_DIMS:
        return np.ascontiguousarray(features, dtype=np.float32)
    from sklearn.decomposition import PCA

    notes.append(
        f"outlier/near-duplicate search ran on a {KNN_DIMS}-component PCA projection of the "
        f"{d} features ({n:,} rows > {KNN_REDUCE_ROWS:,}) to bound the kNN cost"
    )
    projected = PCA(n_components=KNN_DIMS, random_state=seed).fit_transform(features)
    return np.ascontiguousarray(projected, dtype=np.float32)


def _knn_graph(space: np.ndarray) -> object:
    """Sparse kNN distance graph (self excluded, neighbours sorted by distance)."""
    from sklearn.neighbors import NearestNeighbors

    algorithm = "kd_tree" if space.shape[1] <= KNN_DIMS else "brute"
    nn = NearestNeighbors(n_neighbors=KNN_K, metric="euclidean", algorithm=algorithm)
    nn.fit(space)
    return nn.kneighbors_graph(mode="distance")
