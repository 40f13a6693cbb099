"""What every engine gets (a RunContext) and gives back (CheckResults)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .._io import Dataset
from .._result import CheckResult, Severity
from ..suite import LoadedSuite
from ..suite._model import ColumnSpec, _Thresholded

__all__ = ["Engine", "RunContext", "threshold_result", "unrunnable"]


@dataclass
class RunContext:
    """The data, the suite and the run's options, shared by every engine in one run."""

    dataset: Dataset
    suite: LoadedSuite
    #: ``auto`` (fused native path where translated), ``reference`` (pandera + GX only), ``gx``.
    mode: str = "auto"
    sample_size: int = 20
    progress: Callable[[str], None] | None = None
    #: Filled by the native engine with the checks it handled, so the reference engines skip them.
    handled: set[tuple[str, ...]] = field(default_factory=set)
    #: Results of the engines that ran so far (the anomaly engine reads check metrics here).
    results: list[CheckResult] = field(default_factory=list)
    #: The metric history the anomaly engine learns from (None: ``gates.history.history_path()``).
    history: Path | None = None
    #: When the run started (UTC); the anomaly baseline is the runs before it.
    started_at: dt.datetime | None = None

    def say(self, message: str) -> None:
        """Report progress (a spinner label on the terminal)."""
        if self.progress is not None:
            self.progress(message)

    @property
    def present(self) -> set[str]:
        """The columns the data has."""
        return set(self.dataset.columns)


class Engine(Protocol):
    """Turns its part of a suite into CheckResults."""

    #: Registry name, also the ``engine`` field of its results.
    name: str

    def applies(self, ctx: RunContext) -> bool:
        """Whether the suite has anything for this engine (cheap; no data read)."""
        ...

    def run(self, ctx: RunContext) -> list[CheckResult]:
        """Run the checks; a check that cannot run is a failed result with ``error`` set."""
        ...


def threshold_result(
    *,
    ctx: RunContext,
    spec: _Thresholded,
    id: str,
    name: str,
    engine: str,
    column: str | None,
    failing: int,
    rows: int,
    expected: str,
    sample: Sequence[dict[str, Any]] = (),
    col_spec: ColumnSpec | None = None,
    details: dict[str, Any] | None = None,
) -> CheckResult:
    """A row-level check's result: passed when failing rows stay within the spec's threshold."""
    allowed = spec.allowed_failures(rows)
    passed = failing <= allowed
    fraction = failing / rows if rows else 0.0
    severity: Severity = ctx.suite.suite.severity_of(spec, col_spec)
    if passed and failing == 0:
        message = f"all {rows:,} rows pass"
    elif passed:
        message = (
            f"{failing:,} of {rows:,} rows fail ({fraction:.2%}), within the allowed {allowed:,}"
        )
    else:
        message = f"{failing:,} of {rows:,} rows fail ({fraction:.2%})" + (
            f"; allowed {allowed:,}" if allowed else ""
        )
    return CheckResult(
        id=id,
        name=spec.label or name,
        engine=engine,
        column=column,
        severity=severity,
        passed=passed,
        observed=round(fraction, 6),
        expected=expected,
        failing_count=failing,
        failing_fraction=fraction,
        sample=tuple(sample[: ctx.sample_size]),
        threshold=spec.threshold_text(),
        message=message,
        details=details or {},
    )


def describe_check(column: str, check: str, kwargs: dict[str, Any]) -> str:
    """The condition a column check states, in words: ``0 <= amount <= 10000``."""
    k = kwargs
    ops = {
        "greater_than": ">",
        "greater_than_or_equal_to": ">=",
        "less_than": "<",
        "less_than_or_equal_to": "<=",
        "equal_to": "==",
        "not_equal_to": "!=",
    }
    if check in ops:
        value = k.get("value", k.get("min_value", k.get("max_value")))
        return f"{column} {ops[check]} {value!r}"
    if check == "in_range":
        lo = "<=" if k.get("include_min", True) else "<"
        hi = "<=" if k.get("include_max", True) else "<"
        return f"{k['min_value']!r} {lo} {column} {hi} {k['max_value']!r}"
    if check == "isin":
        return f"{column} in {list(k['allowed_values'])!r}"
    if check == "notin":
        return f"{column} not in {list(k['forbidden_values'])!r}"
    if check == "str_matches":
        return f"{column} matches {k['pattern']!r}"
    if check == "str_contains":
        return f"{column} contains {k['pattern']!r}"
    if check == "str_startswith":
        return f"{column} starts with {k['string']!r}"
    if check == "str_endswith":
        return f"{column} ends with {k['string']!r}"
    if check == "str_length":
        if k.get("exact_value") is not None:
            return f"len({column}) == {k['exact_value']}"
        return f"{k.get('min_value', 0)} <= len({column}) <= {k.get('max_value', '∞')}"
    if check == "unique_values_eq":
        return f"distinct values of {column} == {sorted(map(str, k['values']))!r}"
    return f"{check}({column})"


def unrunnable(
    *,
    id: str,
    name: str,
    engine: str,
    column: str | None,
    severity: Severity,
    error: str,
    expected: str | None = None,
    observed: Any = None,
    threshold: str | None = None,
) -> CheckResult:
    """A check that could not run: failed, with ``error`` set and said in the message."""
    return CheckResult(
        id=id,
        name=name,
        engine=engine,
        column=column,
        severity=severity,
        passed=False,
        observed=observed,
        expected=expected,
        threshold=threshold,
        error=error,
        message=f"could not run: {error}",
    )
