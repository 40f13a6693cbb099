"""The suite's ``anomaly:`` section: metrics judged against their own history.

A list of items (docs/history.md, "The anomaly section")::

    anomaly:
      - metric: row_count                  # table metric
      - metric: amount.mean                # COLUMN.STAT
        method: mad                        # mad (default), zscore, change, seasonal
        threshold: 3.5
        window: 30                         # past runs to learn from
        min_history: 5                     # fewer: pass with a 'not enough history' note
      - metric: "amount::in_range.failing_fraction"   # any check's observed value or fraction
        method: change
        max_increase: 0.5
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._result import Severity

__all__ = ["CHECK_FIELDS", "COLUMN_STATS", "AnomalySpec", "metric_kind"]

#: Column statistics ``COLUMN.STAT`` may name; ``pNN`` (``p95``) is a quantile.
COLUMN_STATS = (
    "mean",
    "median",
    "std",
    "min",
    "max",
    "sum",
    "null_count",
    "null_fraction",
    "distinct",
)
#: Fields of a check ``<check id>.FIELD`` may name.
CHECK_FIELDS = ("observed", "failing_count", "failing_fraction")
_QUANTILE = re.compile(r"p(\d{1,2}(\.\d+)?)$")


def metric_kind(metric: str) -> Literal["table", "check", "column"]:
    """``table`` (row_count), ``check`` (``ID.FIELD`` where ID has ``::``) or ``column``."""
    if metric == "row_count":
        return "table"
    head, _, field = metric.rpartition(".")
    if "::" in head and field in CHECK_FIELDS:
        return "check"
    return "column"


def _pass_only() -> list[Literal["pass", "warn", "block"]]:
    return ["pass"]


class AnomalySpec(BaseModel):
    """One ``anomaly:`` item: a metric, a detector and its settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(
        description="row_count, COLUMN.STAT (mean, median, std, min, max, sum, null_count, "
        "null_fraction, distinct, pNN) or '<check id>.observed|failing_count|failing_fraction'"
    )
    method: Literal["mad", "zscore", "change", "seasonal"] = Field(
        "mad", description="the detector (formulas in docs/history.md)"
    )
    threshold: float | None = Field(
        None, gt=0, description="band half-width (mad 3.5, zscore 3, seasonal 3.5) or change 0.5"
    )
    window: int = Field(30, ge=1, le=10_000, description="how many past runs to learn from")
    min_history: int = Field(
        5, ge=1, description="fewer past runs: the check passes with a 'not enough history' note"
    )
    max_increase: float | None = Field(
        None, ge=0, description="change: largest allowed relative rise (0.5 = +50%)"
    )
    max_decrease: float | None = Field(
        None, ge=0, description="change: largest allowed relative fall (0.5 = -50%)"
    )
    season: Literal["weekday", "hour"] = Field(
        "weekday", description="seasonal: compare with runs on the same weekday or hour"
    )
    baseline_verdicts: list[Literal["pass", "warn", "block"]] = Field(
        default_factory=_pass_only,
        min_length=1,
        description="verdicts of the past runs that feed the baseline",
    )
    scope: Literal["dataset", "suite"] = Field(
        "dataset",
        description="learn from runs of this suite on the same dataset source (dataset), or "
        "from every run of this suite whatever the source (suite: daily files with new names)",
    )
    severity: Severity | None = Field(None, description="default: the suite's severity")
    label: str | None = Field(None, description="a name for reports")

    @model_validator(mode="after")
    def _check(self) -> AnomalySpec:
        if metric_kind(self.metric) == "column":
            column, dot, stat = self.metric.rpartition(".")
            if not dot or not column:
                raise ValueError(
                    f"metric {self.metric!r} is not row_count, COLUMN.STAT or CHECK_ID.FIELD; "
                    "e.g. amount.mean or 'amount::in_range.failing_fraction'"
                )
            if stat not in COLUMN_STATS and not _QUANTILE.fullmatch(stat):
                raise ValueError(
                    f"unknown column statistic {stat!r} in {self.metric!r}; use one of "
                    f"{', '.join(COLUMN_STATS)} or pNN (p95)"
                )
        if self.method != "change" and (
            self.max_increase is not None or self.max_decrease is not None
        ):
            raise ValueError(
                f"max_increase/max_decrease apply to method: change only (this item's method "
                f"is {self.method}); use threshold, or method: change"
            )
        if self.min_history > self.window:
            raise ValueError(
                f"min_history {self.min_history} is more than window {self.window}: the check "
                "could never learn enough; raise window or lower min_history"
            )
        return self

    @property
    def column(self) -> str | None:
        """The column the metric is about (``amount`` for ``amount.mean`` and for
        ``amount::in_range.failing_fraction``), or ``None`` for table metrics."""
        kind = metric_kind(self.metric)
        if kind == "column":
            return self.metric.rpartition(".")[0]
        if kind == "check":
            head = self.metric.rpartition(".")[0].split("::", 1)[0]
            return None if head == "table" else head
        return None

    @property
    def check_id(self) -> str:
        """The result id: ``anomaly::<metric>``, e.g. ``anomaly::row_count``."""
        return f"anomaly::{self.metric}"
