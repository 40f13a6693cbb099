"""Quality: SDMetrics' single-table QualityReport of synthetic rows against real rows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from ._deps import require
from ._model import _quiet

#: Below this many real rows of a condition, synthetic rows are compared with all real rows.
MIN_REFERENCE_ROWS = 20
#: Real rows used as the reference at most (sampled with the run's seed) to bound the cost.
MAX_REFERENCE_ROWS = 10_000
#: A condition needs this many real rows for the half-against-half yardstick.
YARDSTICK_MIN_ROWS = 12
_SCORED_SDTYPES = frozenset({"numerical", "categorical", "boolean", "datetime"})


@dataclass(frozen=True)
class QualityScores:
    """SDMetrics quality report scores (0 = unlike the real data, 1 = indistinguishable).

    Attributes:
        overall: The report's overall score (mean of the two properties).
        column_shapes: How well each column's distribution is matched.
        column_pair_trends: How well pairwise correlations/contingencies are matched.
        reference: ``"condition"`` (real rows of the same condition) or ``"overall"`` (all
            real rows, used when the condition has fewer than ``MIN_REFERENCE_ROWS``).
        reference_rows: Real rows compared with.
        synthetic_rows: Synthetic rows compared.
        detection: SDMetrics' ``LogisticDetection``: a cross-validated logistic regression
            told to tell the reference rows from the synthetic ones; 1 = it cannot (ROC AUC
            0.5), 0 = it always can.
        detection_auc: that classifier's ROC AUC, ``1 - detection / 2`` (0.5 is best).
        yardstick: The same ``overall`` score of one seeded half of the condition's real rows
            against the other half: what real rows of the condition score at this size, so
            a low ``overall`` on few rows can be read against it (``None`` for the
            ``"overall"`` reference or fewer than ``YARDSTICK_MIN_ROWS`` real rows).
    """

    overall: float | None
    column_shapes: float | None
    column_pair_trends: float | None
    reference: Literal["condition", "overall"]
    reference_rows: int
    synthetic_rows: int
    detection: float | None = None
    detection_auc: float | None = None
    yardstick: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "overall": self.overall,
            "column_shapes": self.column_shapes,
            "column_pair_trends": self.column_pair_trends,
            "reference": self.reference,
            "reference_rows": self.reference_rows,
            "synthetic_rows": self.synthetic_rows,
            "detection": self.detection,
            "detection_auc": self.detection_auc,
            "yardstick": self.yardstick,
        }


def quality(
    real: pl.DataFrame,
    synthetic: pl.DataFrame,
    *,
    sdtypes: Mapping[str, str],
    skip_columns: Sequence[str],
    reference: Literal["condition", "overall"],
    seed: int,
) -> QualityScores:
    """Run the SDMetrics QualityReport on the scorable columns (``skip_columns`` left out)."""
    reports = require("sdmetrics.reports")
    columns = [c for c, t in sdtypes.items() if t in _SCORED_SDTYPES and c not in set(skip_columns)]
    if real.height > MAX_REFERENCE_ROWS:
        real = real.sample(MAX_REFERENCE_ROWS, seed=seed)
    empty = QualityScores(None, None, None, reference, real.height, synthetic.height)
    if not columns or synthetic.height == 0 or real.height == 0:
        return empty
    # the unified report (sdmetrics >= 0.2x); reports.single_table.QualityReport is deprecated
    metadata = {"tables": {"real": {"columns": {c: {"sdtype": sdtypes[c]} for c in columns}}}}
    report = reports.QualityReport()
    with _quiet():
        report.generate(
            {"real": real.select(columns).to_pandas()},
            {"real": synthetic.select(columns).to_pandas()},
            metadata,
            verbose=False,
        )
        properties = report.get_properties()
    scores = dict(zip(properties["Property"], properties["Score"], strict=True))
    detection = _detection(real.select(columns), synthetic.select(columns), metadata)
    yardstick = None
    if reference == "condition" and real.height >= YARDSTICK_MIN_ROWS:
        yardstick = _yardstick(real.select(columns), metadata, seed)
    return QualityScores(
        overall=_num(report.get_score()),
        column_shapes=_num(scores.get("Column Shapes")),
        column_pair_trends=_num(scores.get("Column Pair Trends")),
        reference=reference,
        reference_rows=real.height,
        synthetic_rows=synthetic.height,
        detection=detection,
        detection_auc=None if detection is None else round(1 - detection / 2, 4),
        yardstick=yardstick,
    )


def _yardstick(real: pl.DataFrame, metadata: dict[str, Any], seed: int) -> float | None:
    """The overall quality score of a seeded half of ``real`` against the other half."""
    reports = require("sdmetrics.reports")
    shuffled = real.sample(fraction=1.0, shuffle=True, seed=seed)
    half = real.height // 2
    report = reports.QualityReport()
    with _quiet():
        report.generate(
            {"real": shuffled.tail(real.height - half).to_pandas()},
            {"real": shuffled.head(half).to_pandas()},
            metadata,
            verbose=False,
        )
    return _num(report.get_score())


def _detection(
    real: pl.DataFrame, synthetic: pl.DataFrame, metadata: dict[str, Any]
) -> float | None:
    """SDMetrics' LogisticDetection score; None when there are too few rows to cross-validate."""
    if real.height < 6 or synthetic.height < 6:
        return None
    detection = require("sdmetrics.single_table")
    try:
        with _quiet():
            value = detection.LogisticDetection.compute(
                real.to_pandas(), synthetic.to_pandas(), metadata["tables"]["real"]
            )
    except Exception:  # a score, not a gate: an unscorable pair is reported as missing
        return None
    return _num(value)


def _num(value: Any) -> float | None:
    """A rounded float, or ``None`` for a missing/NaN score."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)
