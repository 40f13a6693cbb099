"""Quality: SDMetrics' single-table QualityReport of synthetic rows against real rows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from ._deps import require
from ._model import _quiet

#: Below this many real rows of a condition, synthetic rows are compared with all real rows.
MIN_REFERENCE_ROWS = 20
#: Real rows used as the reference at most (sampled with the run's seed) to bound the cost.
MAX_REFERENCE_ROWS = 10_000
#: A condition needs this many real rows for the half-against-half yardstick.
YARDSTICK_MIN_ROWS = 12
#: Rows drawn afresh from a condition's generator to score the generator itself. The scores
#: of a draw settle by about this size: on the demo's 33-row condition a bootstrap draw of
#: 17 rows scores 0.57-0.61, of 200 rows 0.79-0.80, of 1,000 rows 0.82 and of 3,000 rows
#: 0.82 (two seeds each), so below it a score measures how few rows were drawn.
GENERATOR_ROWS = 1_000
_SCORED_SDTYPES = frozenset({"numerical", "categorical", "boolean", "datetime"})


@dataclass(frozen=True)
class GeneratorScores:
    """The same SDMetrics scores of a fresh draw of :data:`GENERATOR_ROWS` rows from the
    generator that filled the condition (through the same copy and validator filters), against
    the same real rows: the quality of what the generator makes, read apart from the few rows
    a fill may keep (17 rows cannot score 0.8 against 33, whatever made them: see
    ``yardstick``). ``rows`` is the size of the draw after its filters.
    """

    rows: int
    overall: float | None
    column_shapes: float | None
    column_pair_trends: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (its fields, all plain numbers)."""
        return asdict(self)


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
        generator: The scores of a fresh draw of :data:`GENERATOR_ROWS` rows from the same
            generator (:class:`GeneratorScores`) when the fill kept fewer rows than that;
            ``None`` when it kept at least that many (their own scores are as settled) or
            none.
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
    generator: GeneratorScores | None = None

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
            "generator": None if self.generator is None else self.generator.to_dict(),
        }


def quality(
    real: pl.DataFrame,
    synthetic: pl.DataFrame,
    *,
    sdtypes: Mapping[str, str],
    skip_columns: Sequence[str],
    reference: Literal["condition", "overall"],
    seed: int,
    draw: pl.DataFrame | None = None,
) -> QualityScores:
    """Run the SDMetrics QualityReport on the scorable columns (``skip_columns`` left out).

    ``draw``: a fresh draw from the generator of ``synthetic``, scored the same way into
    ``generator`` (see :class:`GeneratorScores`).
    """
    columns = [c for c, t in sdtypes.items() if t in _SCORED_SDTYPES and c not in set(skip_columns)]
    if real.height > MAX_REFERENCE_ROWS:
        real = real.sample(MAX_REFERENCE_ROWS, seed=seed)
    empty = QualityScores(None, None, None, reference, real.height, synthetic.height)
    if not columns or synthetic.height == 0 or real.height == 0:
        return empty
    # the unified report (sdmetrics >= 0.2x); reports.single_table.QualityReport is deprecated
    metadata = {"tables": {"real": {"columns": {c: {"sdtype": sdtypes[c]} for c in columns}}}}
    overall, shapes, pairs = _report(real.select(columns), synthetic.select(columns), metadata)
    detection = _detection(real.select(columns), synthetic.select(columns), metadata, seed)
    yardstick = None
    if reference == "condition" and real.height >= YARDSTICK_MIN_ROWS:
        yardstick = _yardstick(real.select(columns), metadata, seed)
    generator = None
    if draw is not None and draw.height:
        g = _report(real.select(columns), draw.select(columns), metadata)
        generator = GeneratorScores(draw.height, *g)
    return QualityScores(
        overall=overall,
        column_shapes=shapes,
        column_pair_trends=pairs,
        reference=reference,
        reference_rows=real.height,
        synthetic_rows=synthetic.height,
        detection=detection,
        detection_auc=None if detection is None else round(1 - detection / 2, 4),
        yardstick=yardstick,
        generator=generator,
    )


def _report(
    real: pl.DataFrame, synthetic: pl.DataFrame, metadata: dict[str, Any]
) -> tuple[float | None, float | None, float | None]:
    """SDMetrics' QualityReport: the overall, column-shapes and column-pair-trends scores."""
    reports = require("sdmetrics.reports")
    report = reports.QualityReport()
    with _quiet():
        report.generate(
            {"real": real.to_pandas()}, {"real": synthetic.to_pandas()}, metadata, verbose=False
        )
        properties = report.get_properties()
    scores = dict(zip(properties["Property"], properties["Score"], strict=True))
    return (
        _num(report.get_score()),
        _num(scores.get("Column Shapes")),
        _num(scores.get("Column Pair Trends")),
    )


def _yardstick(real: pl.DataFrame, metadata: dict[str, Any], seed: int) -> float | None:
    """The overall quality score of a seeded half of ``real`` against the other half."""
    shuffled = real.sample(fraction=1.0, shuffle=True, seed=seed)
    half = real.height // 2
    return _report(shuffled.tail(real.height - half), shuffled.head(half), metadata)[0]


def _detection(
    real: pl.DataFrame, synthetic: pl.DataFrame, metadata: dict[str, Any], seed: int
) -> float | None:
    """SDMetrics' LogisticDetection score; None when there are too few rows to cross-validate.

    Its folds are shuffled by NumPy's global generator (``StratifiedKFold(shuffle=True)``
    without a ``random_state``), so it is seeded with ``seed`` for the call and restored after:
    the same fill scores the same.
    """
    if real.height < 6 or synthetic.height < 6:
        return None
    detection = require("sdmetrics.single_table")
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        with _quiet():
            value = detection.LogisticDetection.compute(
                real.to_pandas(), synthetic.to_pandas(), metadata["tables"]["real"]
            )
    except Exception:  # a score, not a gate: an unscorable pair is reported as missing
        return None
    finally:
        np.random.set_state(state)
    return _num(value)


def _num(value: Any) -> float | None:
    """A rounded float, or ``None`` for a missing/NaN score."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)
