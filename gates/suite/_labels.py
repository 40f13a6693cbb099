"""The suite's ``labels:`` section: gate the rate of label issues found by cleanlab.

One mapping (docs/labeling.md, "From the gate")::

    labels:
      label: label                       # the label column
      features: [amount, category]       # optional; default: every other column
      model: ensemble                    # default; or hgb, logistic
      folds: 5
      seed: 0
      max_issue_rate: {label: 0.05, outlier: 0.02}   # a scalar gates `label` only
      severity: block
      severities: {outlier: warn}        # per issue type, overrides `severity`
      no_skill: warn                     # a class the model cannot tell apart: warn, block or ignore

Only the issue types named in ``max_issue_rate`` are computed and gated (default: ``label``
at 0.05). The issue-type names are ``labeling``'s own (labeling is part of this distribution
and light to import; cleanlab and scikit-learn, the [labels] extra, load only when issues
are searched).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labeling import ISSUE_TYPES

from .._result import Severity
from ._catalog import did_you_mean

__all__ = ["ISSUE_TYPES", "LabelsSpec"]

#: The keys ``labels:`` accepts, in the order the docs list them.
SPEC_KEYS = (
    "label",
    "features",
    "pred_probs_columns",
    "model",
    "folds",
    "seed",
    "filter_by",
    "max_issue_rate",
    "severity",
    "severities",
    "no_skill",
)
#: Gated when ``max_issue_rate`` is left out.
DEFAULT_MAX_RATE = 0.05

IssueType = Literal["label", "outlier", "near_duplicate", "class_imbalance"]
Rate = float


def _default_rates() -> dict[IssueType, float]:
    return {"label": DEFAULT_MAX_RATE}


class LabelsSpec(BaseModel):
    """``labels:`` in a suite: which column holds the label and how many issues are allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(description="the (classification) label column")
    features: tuple[str, ...] | None = Field(
        None, description="feature columns (default: every column but the label)"
    )
    pred_probs_columns: tuple[str, ...] | None = Field(
        None,
        description="columns holding your model's out-of-sample probabilities, one per class "
        "(named by class, e.g. p_fraud/p_ok, or in sorted class order); skips the model",
    )
    model: Literal["ensemble", "hgb", "logistic"] = Field(
        "ensemble",
        description="the cross-validated model: ensemble (mean of hgb's and logistic's "
        "probabilities), hgb or logistic",
    )
    folds: int = Field(5, ge=2, le=50, description="stratified K-fold count")
    seed: int = Field(0, description="same seed, same data: same issues")
    filter_by: Literal[
        "prune_by_noise_rate",
        "prune_by_class",
        "both",
        "confident_learning",
        "predicted_neq_given",
        "low_normalized_margin",
        "low_self_confidence",
    ] = Field("low_self_confidence", description="cleanlab's find_label_issues method")
    max_issue_rate: dict[IssueType, Rate] = Field(
        default_factory=lambda: _default_rates(),
        description="issue type -> largest allowed share of flagged rows (0-1); "
        "a number gates `label` only (default: label 0.05)",
    )
    severity: Severity | None = Field(None, description="block or warn (default: the suite's)")
    severities: dict[IssueType, Severity] = Field(
        default_factory=dict, description="issue type -> severity, overriding `severity`"
    )
    no_skill: Literal["warn", "block", "ignore"] = Field(
        "warn",
        description="the `model_skill` check: when the model cannot tell a class apart (its "
        "out-of-fold AUC is below 0.6), its label issues are not counted and this check warns "
        "(or blocks; `ignore` leaves the check out)",
    )

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(
                f"`labels` is a mapping like `label: target` + `max_issue_rate: 0.05`, got {data!r}"
            )
        for key in data:
            if key not in SPEC_KEYS:
                raise ValueError(
                    f"unknown key {key!r}{did_you_mean(str(key), SPEC_KEYS)} in labels; "
                    f"it takes: {', '.join(SPEC_KEYS)}"
                )
        out = dict(data)
        for key in ("features", "pred_probs_columns"):
            if isinstance(out.get(key), str):
                out[key] = [out[key]]
        rates = out.get("max_issue_rate")
        if isinstance(rates, int | float) and not isinstance(rates, bool):
            out["max_issue_rate"] = {"label": rates}
        for key in ("max_issue_rate", "severities"):
            value = out.get(key)
            if isinstance(value, Mapping):
                for t in value:
                    if t not in ISSUE_TYPES:
                        raise ValueError(
                            f"unknown issue type {t!r}{did_you_mean(str(t), ISSUE_TYPES)} in "
                            f"labels.{key}; use: {', '.join(ISSUE_TYPES)}"
                        )
        return out

    @model_validator(mode="after")
    def _consistent(self) -> LabelsSpec:
        for t, rate in self.max_issue_rate.items():
            if isinstance(rate, bool) or not 0.0 <= rate <= 1.0:
                raise ValueError(
                    f"max_issue_rate.{t} is {rate!r}; give a share of rows between 0 and 1"
                )
        if not self.max_issue_rate:
            raise ValueError("max_issue_rate is empty; gate at least one issue type")
        for key in ("features", "pred_probs_columns"):
            cols = getattr(self, key)
            if cols is not None and self.label in cols:
                raise ValueError(f"{key} lists the label column {self.label!r}; leave it out")
        return self

    @property
    def issue_types(self) -> tuple[str, ...]:
        """The gated issue types, in labeling's order."""
        return tuple(t for t in ISSUE_TYPES if t in self.max_issue_rate)

    def severity_of(self, issue_type: str, default: Severity) -> Severity:
        """The issue type's severity, else the section's, else ``default`` (the suite's)."""
        by_type: dict[str, Severity] = {str(k): v for k, v in self.severities.items()}
        return by_type.get(issue_type) or self.severity or default

    def max_rate(self, issue_type: str) -> float:
        """The largest allowed rate of a gated issue type (``KeyError`` if it is not gated)."""
        rates: dict[str, float] = {str(k): v for k, v in self.max_issue_rate.items()}
        return rates[issue_type]
