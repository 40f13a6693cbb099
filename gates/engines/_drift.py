"""The suite's ``drift:`` section: profile the data, compare with the baseline, one result per metric."""

from __future__ import annotations

import math
from typing import Any

from .._result import CheckResult, Severity
from ._base import RunContext

__all__ = ["DriftEngine"]


class DriftEngine:
    """Compares the data's profile with the baseline profile named in ``drift.baseline``."""

    name = "drift"

    def applies(self, ctx: RunContext) -> bool:
        return ctx.suite.suite.drift is not None

    def run(self, ctx: RunContext) -> list[CheckResult]:
        from .._profile import ProfileFormatError, profile, read_profile
        from .._profile._drift import column_metrics

        spec = ctx.suite.suite.drift
        assert spec is not None  # applies() said so
        path = ctx.suite.resolve(spec.baseline)
        try:
            baseline = read_profile(path)
        except ProfileFormatError as exc:
            raise ctx.suite.error(str(exc), ("drift", "baseline")) from exc
        ctx.say("drift: profiling the data")
        wanted = [c for c in baseline.columns if c.histogram is not None and c.name in ctx.present]
        current = profile(
            ctx.dataset,
            bin_edges={c.name: c.histogram.edges for c in wanted if c.histogram},
            duplicates=False,
        )
        suite_sev = spec.severity or ctx.suite.suite.severity
        defaults = spec.thresholds.as_dict()
        results: list[CheckResult] = []
        for col in baseline.columns:
            over = spec.columns.get(col.name)
            if over is not None and over.ignore:
                continue
            severity: Severity = (over.severity if over and over.severity else None) or suite_sev
            if col.name not in current.names:
                if spec.missing_columns:
                    results.append(
                        CheckResult(
                            id=f"{col.name}::drift_missing_column",
                            name="drift_missing_column",
                            engine=self.name,
                            column=col.name,
                            severity=severity,
                            passed=False,
                            observed="missing",
                            expected=f"column {col.name!r} (in the baseline)",
                            message=f"column {col.name!r} is in the baseline {path.name} but not in the data",
                        )
                    )
                continue
            _, metrics, new, missing = column_metrics(current.column(col.name), col)
            limits = {**defaults, **(over.as_dict() if over else {})}
            for metric, limit in limits.items():
                value = metrics.get(metric)
                if value is None:
                    continue
                passed = value <= limit
                details: dict[str, Any] = {"baseline": str(path)}
                if metric == "new_categories":
                    details["values"] = new[:50]
                elif metric == "missing_categories":
                    details["values"] = missing[:50]
                shown = round(value, 6) if math.isfinite(value) else str(value)
                results.append(
                    CheckResult(
                        id=f"{col.name}::drift_{metric}",
                        name=f"drift_{metric}",
                        engine=self.name,
                        column=col.name,
                        severity=severity,
                        passed=passed,
                        observed=shown,
                        expected=f"{metric} <= {limit:g}",
                        message=f"{metric} {value:.4g} {'<=' if passed else '>'} {limit:g} against {path.name}",
                        details=details,
                    )
                )
        if spec.new_columns:
            for name in current.names:
                if name not in baseline.names:
                    results.append(
                        CheckResult(
                            id=f"{name}::drift_new_column",
                            name="drift_new_column",
                            engine=self.name,
                            column=name,
                            severity=suite_sev,
                            passed=False,
                            observed="new",
                            expected="only the baseline's columns",
                            message=f"column {name!r} is not in the baseline {path.name}",
                        )
                    )
        from ..history._profile_stats import attach_profile_stats

        # the profile's per-column statistics go to the report, the history and lineage
        return attach_profile_stats(results, current)
