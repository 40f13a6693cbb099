"""The suite's ``drift:`` section: a baseline profile, thresholds per metric, per-column overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .._result import Severity

__all__ = ["DriftColumnSpec", "DriftSpec", "DriftThresholds"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriftThresholds(_Strict):
    """Largest allowed value per drift metric; a metric left out is not checked."""

    psi: float | None = Field(
        None, ge=0, description="population stability index (0.1 small, 0.2 large)"
    )
    js: float | None = Field(None, ge=0, le=1, description="Jensen-Shannon distance, base 2 (0-1)")
    ks: float | None = Field(
        None, ge=0, le=1, description="Kolmogorov-Smirnov statistic from the binned CDFs (0-1)"
    )
    null_rate_change: float | None = Field(
        None, ge=0, le=1, description="absolute change of the null fraction"
    )
    distinct_change: float | None = Field(
        None, ge=0, description="relative change of the distinct count"
    )
    new_categories: int | None = Field(
        None, ge=0, description="values not in the (complete) baseline"
    )
    missing_categories: int | None = Field(None, ge=0, description="baseline values no longer seen")

    def as_dict(self) -> dict[str, float]:
        """The thresholds that are set."""
        return {k: float(v) for k, v in self.model_dump().items() if v is not None}


class DriftColumnSpec(DriftThresholds):
    """Per-column overrides: thresholds, severity, or ``ignore: true``."""

    severity: Severity | None = None
    ignore: bool = Field(False, description="true: no drift checks for this column")


class DriftSpec(_Strict):
    """``drift:`` in a suite: compare the data with a baseline profile (docs/profile.md#drift)."""

    baseline: str = Field(
        description="a profile JSON (gates profile DATA --json PATH), relative to the suite file"
    )
    severity: Severity | None = Field(
        None, description="severity of drift checks (default: the suite's)"
    )
    thresholds: DriftThresholds = Field(
        default_factory=lambda: DriftThresholds.model_validate(
            {"psi": 0.2, "js": 0.1, "null_rate_change": 0.05}
        ),
        description="metric → largest allowed value (default psi 0.2, js 0.1, null_rate_change 0.05)",
    )
    columns: dict[str, DriftColumnSpec] = Field(
        default_factory=dict, description="per-column overrides"
    )
    missing_columns: bool = Field(True, description="a baseline column missing from the data fails")
    new_columns: bool = Field(False, description="a column not in the baseline fails")
