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
from ..suite._model import ColumnSpec, ExpectationSpec, _Thresholded

__all__ = ["Engine", "RunContext", "row_count_message", "threshold_result", "unrunnable"]


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
    #: Columns converted by ``coerce: true`` (their ``dtype`` result is the conversion's).
    coerced: frozenset[str] = frozenset()
    #: What a backend built for this run while compile-checking its plans, for its passes to
    #: reuse (keyed by backend name; the Spark backend keeps its analysed fused aggregate).
    backend_state: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._check_filters()

    def _check_filters(self) -> None:
        """Every ``where:`` compiled against the data's schema: a suite error before rows are read."""
        from ..suite._load import Problem, _problem_lines
        from ..suite._where import WhereError

        suite = self.suite.suite
        schema = self.dataset.schema
        items: list[tuple[tuple[str | int, ...], _Thresholded | ExpectationSpec]] = [
            (("columns", c, "checks", i), chk)
            for c, spec in suite.columns.items()
            if c in schema  # a missing column is the schema engine's column_exists result
            for i, chk in enumerate(spec.checks)
        ]
        items += [(("checks", i), chk) for i, chk in enumerate(suite.checks)]
        items += [
            (("expectations", i), e)
            for i, e in enumerate(suite.expectations)
            if e.column is None or e.column in schema  # else a failed "column missing" result
        ]
        problems = []
        for loc, spec in items:
            if spec.where is None:
                continue
            try:
                self.where(spec)
            except WhereError as exc:
                line, col = self.suite.where((*loc, "where"))
                path = ".".join(map(str, loc))
                problems.append(Problem(f"{path}.where: {exc}", line, col))
        if problems:
            raise _problem_lines(problems, self.suite.path)

    def where(self, spec: _Thresholded | ExpectationSpec, ns: Any = None) -> Any:
        """The check's ``where:`` as a "keep this row" expression (Polars, or ``ns``), or None."""
        if spec.where is None:
            return None
        from ..suite._where_compile import compile_where

        return compile_where(spec.where, self.dataset.schema, ns)

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
    """A row-level check's result: judged by ``warn_if``/``error_if`` when the spec has them
    (pass, warn or block by the threshold crossed), else passed when failing rows stay within
    ``mostly``/``max_failing``. With ``where:``, ``rows`` are the rows it keeps."""
    fraction = failing / rows if rows else 0.0
    details = dict(details or {})
    of = f"{rows:,} rows" + (f" where {spec.where}" if spec.where else "")
    if spec.where:
        expected = f"{expected}, where {spec.where}"
        details["where"] = spec.where
        details["rows_checked"] = rows
    warn, error = spec.levels()
    if warn is not None or error is not None:
        crossed = next(
            (
                (name_, level)
                for name_, level in (("error_if", error), ("warn_if", warn))
                if level is not None and level.crossed(failing, rows)
            ),
            None,
        )
        passed = crossed is None
        if crossed is not None:
            severity = Severity.BLOCK if crossed[0] == "error_if" else Severity.WARN
            details["crossed"] = crossed[0]
            message = (
                f"{failing:,} of {of} fail ({fraction:.2%}): crossed {crossed[0]} {crossed[1].text}"
            )
        else:
            severity = Severity.BLOCK if error is not None else Severity.WARN
            unmet = " or ".join(
                f"{n} {lv.text}" for n, lv in (("warn_if", warn), ("error_if", error)) if lv
            )
            message = (
                f"all {of} pass"
                if failing == 0
                else f"{failing:,} of {of} fail ({fraction:.2%}); does not cross {unmet}"
            )
    else:
        allowed = spec.allowed_failures(rows)
        passed = failing <= allowed
        severity = ctx.suite.suite.severity_of(spec, col_spec)
        if passed and failing == 0:
            message = f"all {of} pass"
        elif passed:
            message = f"{failing:,} of {of} fail ({fraction:.2%}), within the allowed {allowed:,}"
        else:
            message = f"{failing:,} of {of} fail ({fraction:.2%})" + (
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
        details=details,
    )


def row_count_message(rows: int, where: str | None, ok: bool, bounds: str) -> str:
    """``1,000 rows`` / ``12 rows where status = 'x'; expected 100 <= rows``."""
    return (
        f"{rows:,} rows"
        + (f" where {where}" if where else "")
        + ("" if ok else f"; expected {bounds}")
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
