"""The suite's ``labels:`` section: label issues found by ``labeling`` (cleanlab), gated by rate.

One check per gated issue type: ``<label>::label_issues``, ``::outliers``,
``::near_duplicates``, ``::class_imbalance``. The observed value is the share of analysed
rows flagged; the sample is the worst-ranked flagged rows (``row``, ``given_label``,
``suggested_label``, ``score`` and the row's values). ``labeling`` is imported lazily: it
needs the ``[labels]`` extra. The helpers here are shared with ``gates labels``.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from .._errors import MissingExtraError
from .._result import CheckResult, Severity
from ..suite._labels import LabelsSpec
from ._base import RunContext, unrunnable

if TYPE_CHECKING:
    from labeling import LabelReport

__all__ = [
    "CHECK_NAMES",
    "LabelsEngine",
    "collect_frame",
    "pred_probs_frame",
    "require_labels",
    "run_find_issues",
]

#: The subject of the missing-extra message.
FEATURE = "label-issue detection"
#: Issue type -> the check name in ``<label>::<name>``.
CHECK_NAMES = {
    "label": "label_issues",
    "outlier": "outliers",
    "near_duplicate": "near_duplicates",
    "class_imbalance": "class_imbalance",
}
#: Issue type -> how the rate reads in ``expected``.
RATE_NAMES = {
    "label": "label issue rate",
    "outlier": "outlier rate",
    "near_duplicate": "near-duplicate rate",
    "class_imbalance": "class-imbalance rate",
}
#: Row values kept per sample row (as the runner does).
_VALUE_COLUMNS = 60
_SEPARATORS = ("_", ".", ":", "-", " ")


def require_labels() -> None:
    """Raise ``MissingExtraError`` unless labeling and the ``[labels]`` extra are importable."""
    for name in ("labeling", "sklearn", "cleanlab", "datasets"):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtraError(FEATURE, "labels")


def collect_frame(
    lazy: pl.LazyFrame,
    *,
    label: str,
    features: Sequence[str] | None,
    pred_probs_columns: Sequence[str] | None,
    columns: Sequence[str],
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Read only the columns the analysis needs: (label + features, pred_probs or None).

    Without ``features`` every column but the probability columns is read (all are features).
    """
    probs = list(pred_probs_columns or ())
    feats = list(features) if features is not None else [c for c in columns if c not in probs]
    chosen = {label, *feats, *probs}
    wanted = [c for c in columns if c in chosen] + [c for c in chosen if c not in columns]
    data = lazy.select(wanted).collect()
    if not probs:
        return data, None
    return data.drop(probs), pred_probs_frame(data.select(probs), data.get_column(label))


def pred_probs_frame(probs: pl.DataFrame, labels: pl.Series) -> pl.DataFrame:
    """Name probability columns by class when each ends with one (``p_fraud`` -> ``fraud``).

    labeling reorders a frame named by class into sorted class order; otherwise the columns
    must already be in sorted class order.
    """
    classes = sorted(str(v) for v in labels.drop_nulls().unique().to_list())
    renamed: dict[str, str] = {}
    for col in probs.columns:
        hits = [
            c for c in classes if col == c or any(col.endswith(f"{sep}{c}") for sep in _SEPARATORS)
        ]
        if len(hits) != 1:
            return probs
        renamed[col] = hits[0]
    if len(set(renamed.values())) != len(renamed):
        return probs
    return probs.rename(renamed)


def run_find_issues(
    frame: pl.DataFrame,
    *,
    label: str,
    features: Sequence[str] | None = None,
    pred_probs: Any = None,
    model: str = "ensemble",
    folds: int = 5,
    seed: int = 0,
    issue_types: Sequence[str] | None = None,
    filter_by: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> LabelReport:
    """``labeling.find_issues`` single-threaded, with a missing extra as ``MissingExtraError``.

    Raises:
        MissingExtraError: the ``[labels]`` extra is not installed.
        labeling.LabelingError: the data cannot be analysed (one class, continuous label ...).
    """
    require_labels()
    from labeling import ISSUE_TYPES, LabelsExtraMissingError, find_issues

    kwargs: dict[str, Any] = {} if filter_by is None else {"filter_by": filter_by}
    try:
        return find_issues(
            frame,
            label,
            features=None if features is None else [c for c in features if c != label],
            pred_probs=pred_probs,
            model=model,  # type: ignore[arg-type]
            folds=folds,
            seed=seed,
            issue_types=ISSUE_TYPES if issue_types is None else tuple(issue_types),
            n_threads=1,
            progress=progress,
            **kwargs,
        )
    except LabelsExtraMissingError as exc:
        raise MissingExtraError(FEATURE, "labels") from exc


def _json(frame: pl.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(frame.write_json())
    return rows


class LabelsEngine:
    """Finds label issues with cleanlab and fails when a gated issue type's rate is too high."""

    name = "labels"

    def applies(self, ctx: RunContext) -> bool:
        return ctx.suite.suite.labels is not None

    def run(self, ctx: RunContext) -> list[CheckResult]:
        spec = ctx.suite.suite.labels
        assert spec is not None  # applies() said so
        require_labels()
        from labeling import LabelingError

        needed = [spec.label, *(spec.features or ()), *(spec.pred_probs_columns or ())]
        missing = [c for c in needed if c not in ctx.present]
        if missing:
            role = "label column" if missing[0] == spec.label else "column"
            shown = ", ".join(ctx.dataset.columns[:20])
            more = " …" if len(ctx.dataset.columns) > 20 else ""
            return self._errors(
                ctx,
                spec,
                f"{role} {missing[0]!r} is not in the data (columns: {shown}{more}); "
                "fix `labels:` in the suite or the data",
            )
        ctx.say("labels: reading the label and feature columns")
        frame, probs = collect_frame(
            ctx.dataset.lazy,
            label=spec.label,
            features=spec.features,
            pred_probs_columns=spec.pred_probs_columns,
            columns=ctx.dataset.columns,
        )
        try:
            report = run_find_issues(
                frame,
                label=spec.label,
                features=spec.features,
                pred_probs=probs,
                model=spec.model,
                folds=spec.folds,
                seed=spec.seed,
                issue_types=spec.issue_types,
                filter_by=spec.filter_by,
                progress=lambda stage, done: ctx.say(f"labels: {stage} ({done:.0%})"),
            )
        except LabelingError as exc:
            return self._errors(ctx, spec, str(exc))
        results = [self._result(ctx, spec, report, t) for t in spec.issue_types]
        if "label" in spec.issue_types and spec.no_skill != "ignore":
            results.append(self._skill_result(spec, report))
        return results

    def _skill_result(self, spec: LabelsSpec, report: LabelReport) -> CheckResult:
        """``LABEL::model_skill``: does the model tell every class apart? (its own outcome)."""
        from labeling import LOW_AGREEMENT

        skill = report.class_skill
        rows = _json(skill) if skill is not None else []
        weak = [r for r in rows if not r["skilled"]]
        if weak:
            names = ", ".join(f"{r['class']!r} (AUC {r['auc']:.2f})" for r in weak)
            noun = "class" if len(weak) == 1 else "classes"
            message = (
                f"the model has no skill on {noun} {names}: label issues for "
                f"{'it' if len(weak) == 1 else 'them'} are not reliable and are not counted; "
                "add features that separate the class, or pass pred_probs_columns"
            )
        else:
            message = "the model separates every class (out-of-fold AUC >= 0.6)"
        summary = report.agreement_summary()
        if summary is not None:  # how far its flags can be trusted (docs/labeling.md)
            message += f"; {summary}"
            if report.agreement is not None and report.agreement < LOW_AGREEMENT:
                message += (
                    f" (below {LOW_AGREEMENT:.0%}: most flags are likely true labels the model "
                    "cannot predict)"
                )
        return CheckResult(
            id=f"{spec.label}::model_skill",
            name="model_skill",
            engine=self.name,
            column=spec.label,
            severity=Severity(spec.no_skill),
            passed=not weak,
            observed=min((float(r["auc"]) for r in rows if r["auc"] == r["auc"]), default=None),
            expected="every class's one-vs-rest out-of-fold AUC >= 0.6",
            failing_count=sum(int(r["rows"]) for r in weak),
            failing_fraction=(sum(int(r["rows"]) for r in weak) / report.n_analysed)
            if report.n_analysed
            else 0.0,
            threshold="min_class_auc 0.6",
            message=message,
            details={
                "class_skill": rows,
                "no_skill": [str(r["class"]) for r in weak],
                "agreement": report.agreement,
                "balanced_agreement": report.balanced_agreement,
            },
        )

    def _errors(self, ctx: RunContext, spec: LabelsSpec, msg: str) -> list[CheckResult]:
        return [
            unrunnable(
                id=f"{spec.label}::{CHECK_NAMES[t]}",
                name=CHECK_NAMES[t],
                engine=self.name,
                column=spec.label,
                severity=spec.severity_of(t, ctx.suite.suite.severity),
                expected=_expected(spec, t),
                threshold=f"max_issue_rate {spec.max_rate(t):g}",
                error=msg,
            )
            for t in spec.issue_types
        ]

    def _result(
        self, ctx: RunContext, spec: LabelsSpec, report: LabelReport, issue_type: str
    ) -> CheckResult:
        flagged = int(report.flags[issue_type].sum())
        rate = float(report.rates[issue_type])
        allowed = spec.max_rate(issue_type)
        passed = rate <= allowed + 1e-12
        issues = report.issues.filter(pl.col("issue_type") == issue_type).drop("issue_type")
        top = issues.head(ctx.sample_size)
        keep = top.columns[: 4 + _VALUE_COLUMNS]
        sample = tuple(top.select(keep).to_dicts())
        details: dict[str, Any] = {
            "issue_type": issue_type,
            "max_issue_rate": allowed,
            "flagged": flagged,
            "analysed_rows": report.n_analysed,
            "rows": report.n_rows,
            "classes": [
                v if isinstance(v, str | int | float | bool) else str(v) for v in report.classes
            ],
            "model": "pred_probs" if report.folds == 0 else spec.model,
            "folds": report.folds,
            "seed": spec.seed,
            "dropped_features": [[c, r] for c, r in report.dropped_features],
            "notes": list(report.notes),
        }
        if issue_type == "label":
            details["class_summary"] = _json(report.class_summary)
            details["confusion"] = _json(report.confusion)
        what = {
            "label": "label issues",
            "outlier": "outliers",
            "near_duplicate": "near duplicates",
            "class_imbalance": "rows of an under-represented class",
        }[issue_type]
        head = (
            f"{flagged:,} of {report.n_analysed:,} rows ({rate:.2%}) flagged as {what}"
            if flagged
            else f"no {what} among {report.n_analysed:,} rows"
        )
        if issue_type == "label" and flagged:
            pairs = (
                issues.group_by("given_label", "suggested_label")
                .len()
                .sort("len", "given_label", descending=[True, False])
            )
            g, s, n = pairs.row(0)
            head += f"; most often {g!r} that looks like {s!r} ({n:,})"
        tail = f"within {allowed:.4g}" if passed else f"allowed {allowed:.4g}"
        return CheckResult(
            id=f"{spec.label}::{CHECK_NAMES[issue_type]}",
            name=CHECK_NAMES[issue_type],
            engine=self.name,
            column=spec.label,
            severity=spec.severity_of(issue_type, ctx.suite.suite.severity),
            passed=passed,
            observed=round(rate, 6),
            expected=_expected(spec, issue_type),
            failing_count=flagged,
            failing_fraction=rate,
            sample=sample,
            threshold=f"max_issue_rate {allowed:g}",
            message=f"{head}; {tail}",
            details=details,
        )


def _expected(spec: LabelsSpec, issue_type: str) -> str:
    return f"{RATE_NAMES[issue_type]} <= {spec.max_rate(issue_type):g}"
