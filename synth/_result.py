"""What ``fill`` returns: the synthetic rows, per-condition counts, scores, notes, manifest."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ._plan import FillPlan, SkipReason, condition_label
from ._privacy import PrivacyScores
from ._quality import QualityScores

#: Version of the manifest layout; bump on incompatible changes.
MANIFEST_FORMAT = "datagates.synth.manifest/1"


@dataclass(frozen=True)
class ConditionOutcome:
    """How one shortfall was filled; ``requested == filled + unfilled`` always holds.

    Attributes:
        condition: The condition.
        requested: Rows asked for.
        filled: Synthetic rows kept.
        rejected_validation: Generated rows the validator rejected.
        rejected_copies: Generated rows dropped as exact copies of real rows.
        unfilled: Rows that could not be produced (skipped, or still short after
            ``max_rounds``).
        rounds: Sampling rounds used.
        skip: Why the condition was skipped in the plan, if it was.
        reason: One-line explanation of ``skip`` or of a shortfall left after the rounds.
        method: How the rows were made: ``"smoothed_bootstrap"`` or ``"own_model"`` (from
            the condition's own real rows), ``"whole_table"`` (conditionally from the model
            of the whole table), ``""`` when skipped.
        validated: Generated rows the validator judged (after exact copies were dropped).
    """

    condition: Mapping[str, object]
    requested: int
    filled: int
    rejected_validation: int = 0
    rejected_copies: int = 0
    unfilled: int = 0
    rounds: int = 0
    skip: SkipReason | None = None
    reason: str = ""
    method: str = ""
    validated: int = 0

    @property
    def pass_share(self) -> float | None:
        """Share of the judged rows the validator passed (None when it judged none)."""
        if not self.validated:
            return None
        return round(1 - self.rejected_validation / self.validated, 4)

    @property
    def label(self) -> str:
        """The condition as ``col=value, ...``."""
        return condition_label(self.condition)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "condition": {k: _jsonable(v) for k, v in self.condition.items()},
            "requested": self.requested,
            "filled": self.filled,
            "rejected_validation": self.rejected_validation,
            "rejected_copies": self.rejected_copies,
            "unfilled": self.unfilled,
            "rounds": self.rounds,
            "skipped": None if self.skip is None else self.skip.value,
            "reason": self.reason,
            "method": self.method,
            "validated": self.validated,
            "pass_share": self.pass_share,
        }


@dataclass(frozen=True)
class FillResult:
    """The outcome of ``fill``.

    Attributes:
        synthetic: The new rows, with the marker column set to True.
        real: The real rows the fill was computed from (without marker).
        plan: The plan the fill followed.
        outcomes: Per-condition counts, in the plan's order.
        quality: Per-condition SDMetrics scores, keyed by condition label.
        privacy: DCR distribution and the exact copies rejected.
        notes: Everything worth knowing that changed the run (fit sample cap, columns not
            modelled, conditions left short, ...).
        synthesizer: ``gaussian_copula``, ``ctgan`` or ``tvae``.
        parameters: The synthesizer's parameters and the fill options.
        seed: The seed the run used.
        marker: Name of the boolean provenance column.
        versions: Versions of sdv, sdmetrics and friends.
    """

    synthetic: pl.DataFrame
    real: pl.DataFrame
    plan: FillPlan
    outcomes: tuple[ConditionOutcome, ...]
    quality: Mapping[str, QualityScores]
    privacy: PrivacyScores
    notes: tuple[str, ...]
    synthesizer: str
    parameters: Mapping[str, Any]
    seed: int
    marker: str = "is_synthetic"
    versions: Mapping[str, str] = field(default_factory=dict)

    def augmented(self) -> pl.DataFrame:
        """Real rows (marker False) followed by the synthetic rows (marker True)."""
        real = self.real.with_columns(pl.lit(False).alias(self.marker))
        return pl.concat([real, self.synthetic], how="vertical_relaxed")

    def outcome(self, condition: Mapping[str, object]) -> ConditionOutcome:
        """The outcome of one condition (``KeyError`` if it was not part of the fill)."""
        label = condition_label(condition)
        for item in self.outcomes:
            if item.label == label:
                return item
        raise KeyError(label)

    @property
    def filled(self) -> int:
        """Synthetic rows produced over all conditions."""
        return self.synthetic.height

    @property
    def unfilled(self) -> int:
        """Rows asked for but not produced, over all conditions."""
        return sum(item.unfilled for item in self.outcomes)

    @property
    def quality_score(self) -> float | None:
        """Overall quality, averaged over conditions weighted by synthetic rows."""
        pairs = [
            (q.overall, q.synthetic_rows) for q in self.quality.values() if q.overall is not None
        ]
        weight = sum(n for _, n in pairs)
        if not weight:
            return None
        return round(sum(s * n for s, n in pairs if s is not None) / weight, 4)

    def manifest(self) -> dict[str, Any]:
        """A JSON-serialisable record of the run: what was asked, made, rejected and scored."""
        return {
            "format": MANIFEST_FORMAT,
            "synthesizer": self.synthesizer,
            "parameters": {k: _jsonable(v) for k, v in self.parameters.items()},
            "seed": self.seed,
            "marker": self.marker,
            "real_rows": self.real.height,
            "synthetic_rows": self.synthetic.height,
            "rows_per_condition": {item.label: item.filled for item in self.outcomes},
            "conditions": [item.to_dict() for item in self.outcomes],
            "rejected": {
                "validation": sum(i.rejected_validation for i in self.outcomes),
                "exact_copies": sum(i.rejected_copies for i in self.outcomes),
            },
            "unfilled": self.unfilled,
            "quality": {
                "overall": self.quality_score,
                "per_condition": {k: v.to_dict() for k, v in self.quality.items()},
            },
            "privacy": self.privacy.to_dict(),
            "notes": list(self.notes),
            "versions": dict(self.versions),
        }

    def manifest_json(self) -> str:
        """``manifest()`` as indented JSON text."""
        return json.dumps(self.manifest(), indent=2, sort_keys=False)


def _jsonable(value: object) -> Any:
    """``value`` if JSON can hold it as is, else its string form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
