"""`LabelReport`: what `find_issues` returns, and how it is assembled."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

#: Every issue type, in the order issues are listed in `LabelReport.issues`.
ISSUE_TYPES = ("label", "outlier", "near_duplicate", "class_imbalance")
#: Leading columns of `LabelReport.issues`; the input row's values follow them.
ISSUE_COLUMNS = ("row", "issue_type", "given_label", "suggested_label", "score")


@dataclass(frozen=True)
class LabelReport:
    """Issues found in a labelled table.

    Scores follow cleanlab's convention: in [0, 1], **lower = more suspect**. Rows dropped before
    the analysis (null label, single-row class) have score NaN and flag False.

    Attributes:
        issues: one row per (row, issue type) flagged, ordered by issue type (label, outlier,
            near_duplicate, class_imbalance) then score ascending (worst first). Columns:
            ``row`` (0-based row number in the input), ``issue_type``, ``given_label``,
            ``suggested_label`` (argmax of pred_probs), ``score``, then the row's values
            (an input column whose name clashes is prefixed ``value.``).
        rates: issue type -> flagged rows / analysed rows.
        flags: issue type -> bool array, one entry per input row.
        scores: issue type -> float array, one entry per input row.
        class_summary: per class: ``class``, ``rows``, ``label_issues``, ``issue_rate``, ``share``.
        confusion: ``given_label``, ``suggested_label``, ``rows`` for every non-empty pair.
        dropped_features: (column, reason) for input columns not used as features.
        notes: fallbacks and shortcuts taken (dropped rows, fewer folds, kNN projection ...).
        n_rows: rows in the input frame.
        n_analysed: rows actually analysed (input rows minus dropped ones).
        classes: the class labels, in the sorted order of the pred_probs columns.
        folds: folds used for cross-validation (0 when pred_probs was supplied).
        pred_probs: the (n_analysed, n_classes) out-of-sample probabilities used.
        class_skill: per class: ``class``, ``rows``, ``auc`` (one-vs-rest, out of fold),
            ``recall`` (of the argmax) and ``skilled`` (AUC >= ``min_class_auc``).
    """

    issues: pl.DataFrame
    rates: dict[str, float]
    flags: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    class_summary: pl.DataFrame
    confusion: pl.DataFrame
    dropped_features: list[tuple[str, str]]
    notes: list[str]
    n_rows: int
    n_analysed: int
    classes: list[Any]
    folds: int
    pred_probs: np.ndarray = field(repr=False)
    class_skill: pl.DataFrame | None = None

    @property
    def agreement(self) -> float | None:
        """The share of analysed rows whose given label is the model's out-of-sample argmax.

        How far to trust the flags: where the model agrees with few of the labels, a flagged
        row is often a true label that looks surprising rather than a wrong one (see
        docs/labeling.md, "Measured figures"). None when no row was analysed.
        """
        if self.n_analysed == 0 or self.confusion.height == 0:
            return None
        same = self.confusion.filter(pl.col("given_label") == pl.col("suggested_label"))
        return float(same.get_column("rows").sum()) / self.n_analysed

    @property
    def balanced_agreement(self) -> float | None:
        """:attr:`agreement` per given class, averaged over the classes (balanced accuracy on
        the given labels): a model that always answers the majority class of a 98/2 table
        agrees with 98% of the labels and 50% balanced. None when no row was analysed."""
        if self.n_analysed == 0 or self.confusion.height == 0:
            return None
        per = self.confusion.group_by("given_label").agg(
            (pl.col("rows").filter(pl.col("given_label") == pl.col("suggested_label")).sum())
            / pl.col("rows").sum()
        )
        return float(per.get_column("rows").mean())  # type: ignore[arg-type]

    def agreement_summary(self) -> str | None:
        """Both agreements in words, for a report's header (None without analysed rows)."""
        share, balanced = self.agreement, self.balanced_agreement
        if share is None or balanced is None:
            return None
        return (
            f"the model agrees with {share:.1%} of the given labels "
            f"({balanced:.1%} balanced over classes)"
        )

    @property
    def no_skill(self) -> list[Any]:
        """Classes the model cannot tell apart (their label issues are not reported)."""
        if self.class_skill is None:
            return []
        return self.class_skill.filter(~pl.col("skilled")).get_column("class").to_list()

    def to_dict(self, *, max_issues: int | None = 1000) -> dict[str, Any]:
        """A JSON-serialisable summary (issues truncated to ``max_issues``; None = all).

        Args:
            max_issues: cap on the number of issue rows included.

        Returns:
            A dict of plain Python types (``json.dumps`` works on it).
        """
        issues = self.issues if max_issues is None else self.issues.head(max_issues)
        return {
            "n_rows": self.n_rows,
            "n_analysed": self.n_analysed,
            "classes": _json_safe(self.classes),
            "folds": self.folds,
            "agreement": self.agreement,
            "balanced_agreement": self.balanced_agreement,
            "rates": dict(self.rates),
            "flagged": {t: int(f.sum()) for t, f in self.flags.items()},
            "issues": _records(issues),
            "n_issues": self.issues.height,
            "class_summary": _records(self.class_summary),
            "confusion": _records(self.confusion),
            "dropped_features": [[c, r] for c, r in self.dropped_features],
            "notes": list(self.notes),
            "class_skill": _records(self.class_skill) if self.class_skill is not None else [],
            "no_skill": _json_safe(self.no_skill),
        }


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-safe dicts (dates and other objects become strings)."""
    loaded: list[dict[str, Any]] = json.loads(frame.write_json())
    return loaded


def _json_safe(values: list[Any]) -> list[Any]:
    """Values as JSON-safe scalars."""
    return [v if isinstance(v, str | int | float | bool) or v is None else str(v) for v in values]


def build_report(
    frame: pl.DataFrame,
    *,
    label: str,
    classes: pl.Series,
    codes: np.ndarray,
    rows: np.ndarray,
    pred_probs: np.ndarray,
    results: dict[str, tuple[np.ndarray, np.ndarray]],
    dropped_features: list[tuple[str, str]],
    notes: list[str],
    folds: int,
    class_skill: pl.DataFrame | None = None,
) -> LabelReport:
    """Assemble a `LabelReport` from per-analysed-row (scores, flags) for each issue type."""
    n_rows, n_used = frame.height, codes.size
    suggested = pred_probs.argmax(axis=1)
    flags: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    parts: list[pl.DataFrame] = []
    for t in ISSUE_TYPES:
        if t not in results:
            continue
        score, flag = results[t]
        full_score = np.full(n_rows, np.nan)
        full_score[rows] = score
        full_flag = np.zeros(n_rows, dtype=bool)
        full_flag[rows] = flag
        scores[t], flags[t] = full_score, full_flag
        idx = np.flatnonzero(flag)
        idx = idx[np.lexsort((rows[idx], score[idx]))]
        parts.append(
            pl.DataFrame(
                {
                    "row": rows[idx].astype(np.int64),
                    "issue_type": [t] * idx.size,
                    "given_code": codes[idx],
                    "suggested_code": suggested[idx],
                    "score": score[idx].astype(np.float64),
                },
                schema={
                    "row": pl.Int64,
                    "issue_type": pl.String,
                    "given_code": pl.Int64,
                    "suggested_code": pl.Int64,
                    "score": pl.Float64,
                },
            )
        )
    rates = {t: float(f.sum()) / n_used for t, f in flags.items()}
    issues = _issues_frame(frame, parts, classes)
    label_flags = results["label"][1] if "label" in results else np.zeros(n_used, dtype=bool)
    k = classes.len()
    per_class = np.bincount(codes, minlength=k)
    issue_counts = np.bincount(codes[label_flags], minlength=k)
    class_summary = pl.DataFrame(
        {
            "class": classes,
            "rows": per_class.astype(np.int64),
            "label_issues": issue_counts.astype(np.int64),
            "issue_rate": issue_counts / np.maximum(per_class, 1),
            "share": per_class / n_used,
        }
    )
    pair = pl.DataFrame({"g": codes, "s": suggested.astype(np.int64)})
    confusion = (
        pair.group_by("g", "s")
        .len("rows")
        .sort("g", "s")
        .select(
            _decode(pl.col("g"), classes).alias("given_label"),
            _decode(pl.col("s"), classes).alias("suggested_label"),
            pl.col("rows").cast(pl.Int64),
        )
    )
    return LabelReport(
        issues=issues,
        rates=rates,
        flags=flags,
        scores=scores,
        class_summary=class_summary,
        confusion=confusion,
        dropped_features=list(dropped_features),
        notes=list(notes),
        n_rows=n_rows,
        n_analysed=n_used,
        classes=classes.to_list(),
        folds=folds,
        pred_probs=pred_probs,
        class_skill=class_skill,
    )


def _decode(codes: pl.Expr, classes: pl.Series) -> pl.Expr:
    """Map class codes 0..K-1 back to the original labels."""
    return codes.replace_strict(
        pl.Series(range(classes.len()), dtype=pl.Int64), classes, return_dtype=classes.dtype
    )


def _issues_frame(
    frame: pl.DataFrame, parts: list[pl.DataFrame], classes: pl.Series
) -> pl.DataFrame:
    """Join the flagged rows with their decoded labels and original values."""
    empty = pl.DataFrame(
        schema={
            "row": pl.Int64,
            "issue_type": pl.String,
            "given_code": pl.Int64,
            "suggested_code": pl.Int64,
            "score": pl.Float64,
        }
    )
    flagged = pl.concat(parts) if parts else empty
    values = frame.rename({c: f"value.{c}" for c in frame.columns if c in ISSUE_COLUMNS})
    values = values.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    return (
        flagged.with_columns(
            _decode(pl.col("given_code"), classes).alias("given_label"),
            _decode(pl.col("suggested_code"), classes).alias("suggested_label"),
        )
        .select(*ISSUE_COLUMNS)
        .join(values, on="row", how="left", maintain_order="left")
    )
