"""The suite's ``anomaly:`` section: each metric judged against its own history.

Runs last, so the metrics of every other check in this run are in ``ctx.results``. The
history is the one next to the ledger the run will be recorded in (``ctx.history``); the
baseline is the newest ``window`` runs of the same suite (and dataset source, unless
``scope: suite``) whose verdict is in ``baseline_verdicts``, started before this run.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from .._result import CheckResult
from ..suite._anomaly import AnomalySpec, metric_kind
from ._base import RunContext, unrunnable

__all__ = ["AnomalyEngine"]

#: Column statistics measured for every column an anomaly item names (kept in the history).
_STATS = ("mean", "median", "std", "min", "max", "sum", "null_count", "null_fraction", "distinct")
_NUMERIC_ONLY = ("mean", "median", "std", "sum")
#: How many seasons a past window spans: a weekday comes back every 7 runs of a daily job.
_SEASONS = {"weekday": 7, "hour": 24}


def _fmt(value: float) -> str:
    return f"{value:,.6g}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def column_stats(
    ctx: RunContext, specs: Sequence[AnomalySpec]
) -> dict[str, dict[str, float | None]]:
    """``{column: {"column.stat": value}}`` for every column the specs name, in ONE select."""
    import polars as pl

    wanted: dict[str, set[str]] = {}
    for spec in specs:
        if metric_kind(spec.metric) == "column":
            column, _, stat = spec.metric.rpartition(".")
            if column in ctx.present:
                wanted.setdefault(column, set(_STATS)).add(stat)
    if not wanted:
        return {}
    schema = ctx.dataset.schema
    exprs: list[pl.Expr] = []
    keys: list[tuple[str, str]] = []
    for column, stats in wanted.items():
        dtype = schema[column]
        numeric = dtype.is_numeric() or dtype == pl.Boolean
        temporal = dtype.is_temporal()
        col = pl.col(column).cast(pl.Float64) if numeric else pl.col(column)
        for stat in sorted(stats):
            quantile = stat.startswith("p")
            if (stat in _NUMERIC_ONLY or quantile) and not numeric:
                continue  # measured as None: the check says the column has no such value
            if stat in ("min", "max") and not (numeric or temporal):
                continue
            expr: pl.Expr
            if quantile:
                expr = col.quantile(float(stat[1:]) / 100, interpolation="linear")
            elif stat == "null_fraction":
                expr = pl.col(column).null_count().cast(pl.Float64) / pl.len().cast(pl.Float64)
            elif stat == "null_count":
                expr = pl.col(column).null_count().cast(pl.Float64)
            elif stat == "distinct":
                expr = pl.col(column).drop_nulls().n_unique().cast(pl.Float64)
            elif temporal:
                expr = getattr(pl.col(column), stat)().dt.epoch("ms").cast(pl.Float64)
            else:
                expr = getattr(col, stat)()
            keys.append((column, stat))
            exprs.append(expr.alias(f"{len(keys) - 1}"))
    row = ctx.dataset.lazy.select(exprs).collect(engine="streaming").row(0) if exprs else ()
    out: dict[str, dict[str, float | None]] = {c: {} for c in wanted}
    for (column, stat), value in zip(keys, row, strict=True):
        out[column][f"{column}.{stat}"] = _number(value)
    return out


class AnomalyEngine:
    """Judges each ``anomaly:`` metric of this run against the metric's own history."""

    name = "anomaly"

    def applies(self, ctx: RunContext) -> bool:
        return bool(ctx.suite.suite.anomaly)

    def run(self, ctx: RunContext) -> list[CheckResult]:
        from ..history import History, HistoryError, history_path

        specs = list(ctx.suite.suite.anomaly or ())
        ctx.say("anomaly: reading the metric history")
        try:
            path = ctx.history if ctx.history is not None else history_path()
        except HistoryError:
            path = None  # GATES_HISTORY=off: nothing to learn from, every item says so
        store = History(path) if path is not None else None
        stats = column_stats(ctx, specs)
        shown: set[str] = set()
        results = []
        for spec in specs:
            try:
                results.append(self._one(ctx, spec, store, stats, shown))
            except HistoryError as exc:
                results.append(self._broken(ctx, spec, str(exc)))
            except Exception as exc:  # an unreadable history fails this check, not the run
                from ..ledger import LedgerError

                if not isinstance(exc, LedgerError):
                    raise
                results.append(self._broken(ctx, spec, f"cannot read the history: {exc}"))
        return results

    def _broken(self, ctx: RunContext, spec: AnomalySpec, error: str) -> CheckResult:
        return unrunnable(
            id=spec.check_id,
            name=f"anomaly_{spec.method}",
            engine=self.name,
            column=spec.column,
            severity=spec.severity or ctx.suite.suite.severity,
            error=error,
        )

    def _current(
        self, ctx: RunContext, spec: AnomalySpec, stats: dict[str, dict[str, float | None]]
    ) -> float | str:
        """This run's value of the metric, or why it has none (a one-line error)."""
        kind = metric_kind(spec.metric)
        if kind == "table":
            return float(ctx.dataset.rows)
        if kind == "check":
            cid, _, field = spec.metric.rpartition(".")
            found = [r for r in ctx.results if r.id == cid]
            if not found:
                known = sorted({r.id for r in ctx.results})[:8]
                return (
                    f"no check {cid!r} ran in this run; check ids here include: "
                    f"{', '.join(known) or '(none)'}"
                )
            value = _number(getattr(found[0], field))
            if value is None:
                return f"check {cid!r} has no numeric {field} in this run (got {getattr(found[0], field)!r})"
            return value
        column, _, stat = spec.metric.rpartition(".")
        if column not in ctx.present:
            return f"column {column!r} is not in the data"
        value = stats.get(column, {}).get(spec.metric)
        if value is None:
            dtype = ctx.dataset.schema[column]
            return f"{stat} of column {column!r} ({dtype}) has no numeric value in this run"
        return value

    def _one(
        self,
        ctx: RunContext,
        spec: AnomalySpec,
        store: Any,
        stats: dict[str, dict[str, float | None]],
        shown: set[str],
    ) -> CheckResult:
        from ..history import judge
        from ..history._detectors import seasonal_subset

        severity = spec.severity or ctx.suite.suite.severity
        column = spec.column
        current = self._current(ctx, spec, stats)
        if isinstance(current, str):
            return self._broken(ctx, spec, current)
        now = ctx.started_at or dt.datetime.now(dt.UTC)
        dataset = None if spec.scope == "suite" else ctx.dataset.source
        limit = spec.window * _SEASONS[spec.season] if spec.method == "seasonal" else spec.window
        points = (
            store.series(
                spec.metric,
                suite=ctx.suite.name,
                dataset=dataset,
                verdicts=list(spec.baseline_verdicts),
                until=now,
                limit=limit,
            )
            if store is not None
            else []
        )
        values = [p.value for p in points]
        if spec.method == "seasonal":
            naive = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now
            values = seasonal_subset(values, [p.started_at for p in points], naive, spec.season)
            values = values[-spec.window :]
        details: dict[str, Any] = {
            "anomaly": {
                "metric": spec.metric,
                "kind": metric_kind(spec.metric),
                "value": current,
                "method": spec.method,
                "history": len(values),
                "window": spec.window,
                "judged": False,
            }
        }
        if column is not None and column not in shown and column in stats:
            shown.add(column)
            details["column_stats"] = stats[column]
        base: dict[str, Any] = {
            "id": spec.check_id,
            "name": spec.label or f"anomaly_{spec.method}",
            "engine": self.name,
            "column": column,
            "severity": severity,
            "observed": current,
        }
        where = "runs of this suite" + ("" if spec.scope == "suite" else " on this dataset")
        if len(values) < spec.min_history:
            return CheckResult(
                **base,
                passed=True,
                expected=f"{spec.min_history}+ past runs to learn from",
                message=(
                    f"not enough history: {len(values)} of {spec.min_history} past runs "
                    f"({'/'.join(spec.baseline_verdicts)}) {where.removeprefix('runs ')} yet; "
                    f"{spec.metric} = {_fmt(current)} is recorded for later runs"
                ),
                details=details,
            )
        band = judge(
            "mad" if spec.method == "seasonal" else spec.method,
            values,
            current,
            threshold=spec.threshold,
            max_increase=spec.max_increase,
            max_decrease=spec.max_decrease,
        )
        details["anomaly"] |= {
            "judged": True,
            "lower": band.lower if math.isfinite(band.lower) else None,
            "upper": band.upper if math.isfinite(band.upper) else None,
            "centre": band.centre,
            "score": round(band.score, 6),
            "limit": None if math.isnan(band.limit) else round(band.limit, 6),
        }
        score = (
            f"{band.score:+.1%} vs the last run"
            if spec.method == "change"
            else f"{'robust ' if spec.method != 'zscore' else ''}z {band.score:+.2f}, "
            f"limit ±{band.limit:.2f}"
        )
        verb = "inside" if band.passed else "outside"
        return CheckResult(
            **base,
            passed=band.passed,
            expected=f"{spec.metric} in {band.text()} ({spec.method}, {len(values)} past runs)",
            threshold=_threshold_text(spec),
            message=(
                f"{_fmt(current)} is {verb} the band learnt from {len(values)} past {where} "
                f"({score})"
            ),
            details=details,
        )


def _threshold_text(spec: AnomalySpec) -> str:
    if spec.method == "change":
        parts = []
        if spec.max_increase is not None:
            parts.append(f"max_increase {spec.max_increase:g}")
        if spec.max_decrease is not None:
            parts.append(f"max_decrease {spec.max_decrease:g}")
        if not parts:
            t = 0.5 if spec.threshold is None else spec.threshold
            parts.append(f"±{t:g}")
        return ", ".join(parts)
    from ..history._detectors import DEFAULT_THRESHOLDS

    t = DEFAULT_THRESHOLDS[spec.method] if spec.threshold is None else spec.threshold
    return f"threshold {t:g}"
