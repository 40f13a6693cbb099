"""The suite's ``coverage:`` section: rows per class/segment and in total, with exact shortfalls.

Each rule is one check (``label::coverage``, ``region+label::coverage``, ``table::coverage``).
Its ``details["shortfalls"]`` give, per short class or segment, the rows it has, the rows it
needs and how many are missing, so ``gates synth`` can fill exactly that. For ``min_share``
the missing rows account for the growth of the table: adding ``X`` rows in total, class
``i`` with ``n_i`` rows needs ``x_i`` rows with ``n_i + x_i >= s * (N + X)``; see
:func:`share_fill`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import polars as pl

from gates._result import CheckResult
from gates.suite import LoadedSuite
from gates.suite._coverage import CoverageRule

from ._base import RunContext, unrunnable

__all__ = [
    "CoverageEngine",
    "RuleOutcome",
    "Short",
    "count_classes",
    "coverage_rules",
    "evaluate",
    "share_fill",
]

Key = tuple[Any, ...]
#: Short classes named in a check's message (all of them are in ``details``).
_MESSAGE_LIMIT = 5


@dataclass(frozen=True)
class Short:
    """One class/segment below its minimum.

    Attributes:
        values: The class's values, in the rule's column order.
        rows: Rows it has now.
        required: Rows it needs (for ``min_share``: after the fill, ``rows + missing``).
        missing: Rows to add, or ``None`` when adding rows cannot meet the share.
    """

    values: Key
    rows: int
    required: int | None
    missing: int | None


@dataclass(frozen=True)
class RuleOutcome:
    """A rule measured on some data."""

    rule: CoverageRule
    total: int
    #: Rows per checked class/segment (every one the rule covers), largest first.
    counts: Mapping[Key, int]
    short: tuple[Short, ...]
    #: Why the rule cannot be met by adding rows (``min_share`` too large), else None.
    infeasible: str | None = None

    @property
    def passed(self) -> bool:
        """No class/segment (or total) is short."""
        return not self.short


def coverage_rules(loaded: LoadedSuite) -> list[CoverageRule]:
    """The suite's coverage rules, validated (``SuiteDefinitionError`` at the rule's line)."""
    return list(loaded.suite.coverage or [])


def coerce_values(rule: CoverageRule, schema: pl.Schema) -> list[Key] | None:
    """The rule's ``values`` in the columns' types; ``ValueError`` on a value of another type."""
    if rule.values is None:
        return None
    out: list[Key] = []
    for entry in rule.values:
        out.append(tuple(_coerce(v, c, schema[c]) for v, c in zip(entry, rule.keys, strict=True)))
    return out


def _coerce(value: Any, column: str, dtype: pl.DataType) -> Any:
    if value is None:
        return None
    stringy = isinstance(dtype, pl.String | pl.Categorical | pl.Enum)
    ok = (
        isinstance(value, str)
        if stringy
        else isinstance(value, bool)
        if isinstance(dtype, pl.Boolean)
        else (isinstance(value, int | float) and not isinstance(value, bool))
        if dtype.is_numeric()
        else True
    )
    try:
        got = pl.Series([value]).cast(dtype, strict=True).item() if ok else None
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
        ok = False
    else:
        ok = ok and got is not None and (stringy or not dtype.is_numeric() or got == value)
    if not ok:
        raise ValueError(
            f"value {value!r} does not fit column {column!r} of type {dtype}; "
            "give values of the column's type"
        )
    return got


def count_classes(
    lazy: pl.LazyFrame, rule: CoverageRule, values: Sequence[Key] | None
) -> tuple[dict[Key, int], int]:
    """Rows per class/segment the rule covers (``values``, or every non-null one) and the total.

    Raises:
        KeyError: a column of the rule is not in the data (message names it).
    """
    keys = list(rule.keys)
    if not keys:
        return {}, int(lazy.select(pl.len()).collect().item())
    grouped = lazy.group_by(keys).agg(pl.len().alias("__n")).collect()
    observed = {tuple(row[:-1]): int(row[-1]) for row in grouped.iter_rows()}
    total = sum(observed.values())
    if values is not None:
        counts = {v: observed.get(v, 0) for v in values}
    else:
        counts = {k: n for k, n in observed.items() if all(x is not None for x in k)}
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return ordered, total


def share_fill(counts: Mapping[Key, int], total: int, share: float) -> dict[Key, int] | None:
    """The fewest rows to add per class so every class holds ``share`` of the grown table.

    With ``N`` rows now, ``n_i`` in class ``i`` and ``X = sum(x_i)`` rows added, it solves
    ``n_i + x_i >= s * (N + X)`` for every class: ``x_i = max(0, ceil(s * (N + X)) - n_i)``.
    ``X`` is found by iterating ``X <- sum_i x_i(X)`` upward from 0, jumping to the closed
    form ``X = (s*m*N - sum_S n_i) / (1 - s*m)`` of the ``m`` currently short classes ``S``
    (a lower bound of the answer), so the result is the smallest ``X``. Exact arithmetic
    (the share as a fraction of its decimal text) avoids float rounding.

    Returns:
        Rows to add per short class, or ``None`` when ``m * s >= 1`` (no fill can reach it).
    """
    s = Fraction(str(share))
    added = 0
    while True:
        target = math.ceil(s * (total + added))
        fill = {k: target - n for k, n in counts.items() if n < target}
        need = sum(fill.values())
        if need <= added:
            return fill
        m = len(fill)
        if s * m >= 1:
            return None
        short_rows = sum(counts[k] for k in fill)
        closed = math.ceil((s * m * total - short_rows) / (1 - s * m))
        added = max(need, closed)


def evaluate(
    rule: CoverageRule,
    counts: Mapping[Key, int],
    total: int,
    *,
    values: Sequence[Key] | None = None,
) -> RuleOutcome:
    """Which classes/segments (or the total) fall short, and by how many rows."""
    short: tuple[Short, ...] = ()
    if rule.min_total is not None:
        if total < rule.min_total:
            short = (Short((), total, rule.min_total, rule.min_total - total),)
        return RuleOutcome(rule, total, {}, short)
    if rule.min_rows is not None:
        need = rule.min_rows
        short = tuple(Short(k, n, need, need - n) for k, n in counts.items() if n < need)
        return RuleOutcome(rule, total, counts, _smallest_first(short))
    assert rule.min_share is not None
    fill = share_fill(counts, total, rule.min_share)
    if fill is None:
        s = Fraction(str(rule.min_share))
        under = [k for k, n in counts.items() if n < s * total]
        m = len(counts)
        reason = (
            f"{m} classes x min_share {rule.min_share:g} >= 1: adding rows cannot give every "
            "class that share; lower min_share or list fewer `values`"
        )
        return RuleOutcome(
            rule,
            total,
            counts,
            _smallest_first(tuple(Short(k, counts[k], None, None) for k in under)),
            infeasible=reason,
        )
    short = tuple(Short(k, counts[k], counts[k] + x, x) for k, x in fill.items())
    return RuleOutcome(rule, total, counts, _smallest_first(short))


def _smallest_first(short: tuple[Short, ...]) -> tuple[Short, ...]:
    return tuple(sorted(short, key=lambda s: (s.rows, str(s.values))))


def condition_of(rule: CoverageRule, values: Key) -> dict[str, Any]:
    """``{"label": "fraud"}`` for a class of ``rule``."""
    return dict(zip(rule.keys, values, strict=True))


def _label(rule: CoverageRule, values: Key) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(rule.keys, values, strict=True))


class CoverageEngine:
    """One check per coverage rule: counts per class/segment against a minimum."""

    name = "coverage"

    def applies(self, ctx: RunContext) -> bool:
        return bool(ctx.suite.suite.coverage)

    def run(self, ctx: RunContext) -> list[CheckResult]:
        rules = coverage_rules(ctx.suite)
        schema = ctx.dataset.schema
        results: list[CheckResult] = []
        for i, rule in enumerate(rules):
            ctx.say(f"coverage: {rule.check_id}")
            missing = [c for c in rule.keys if c not in schema]
            if missing:
                results.append(self._error(ctx, rule, f"column {missing[0]!r} is not in the data"))
                continue
            try:
                values = coerce_values(rule, schema)
            except ValueError as exc:
                raise ctx.suite.error(
                    f"coverage.{i}.values: {exc}", ("coverage", i, "values")
                ) from None
            counts, total = count_classes(ctx.dataset.lazy, rule, values)
            results.append(self._result(ctx, evaluate(rule, counts, total)))
        return results

    def _error(self, ctx: RunContext, rule: CoverageRule, msg: str) -> CheckResult:
        return unrunnable(
            id=rule.check_id,
            name=rule.label or "coverage",
            engine=self.name,
            column=rule.column,
            severity=rule.severity or ctx.suite.suite.severity,
            expected=rule.requirement_text(),
            error=msg,
        )

    def _result(self, ctx: RunContext, out: RuleOutcome) -> CheckResult:
        rule = out.rule
        shortfalls = [
            {
                "condition": condition_of(rule, s.values),
                "rows": s.rows,
                "required": s.required,
                "missing": s.missing,
            }
            for s in out.short
        ]
        details: dict[str, Any] = {
            "rule": rule.kind,
            "total_rows": out.total,
            "shortfalls": shortfalls,
        }
        if rule.min_share is not None:
            details["min_share"] = rule.min_share
            added = sum(s.missing or 0 for s in out.short)
            details["rows_to_add"] = None if out.infeasible else added
            details["total_after_fill"] = None if out.infeasible else out.total + added
        if out.infeasible:
            details["infeasible"] = out.infeasible
        if rule.min_total is not None:
            observed: Any = out.total
            classes = 1
        else:
            details["classes"] = len(out.counts)
            classes = len(out.counts)
            smallest = min(out.counts.values(), default=0)
            observed = (
                smallest
                if rule.min_share is None
                else round(smallest / out.total, 6)
                if out.total
                else 0.0
            )
        sample = tuple(
            {
                **condition_of(rule, s.values),
                "rows": s.rows,
                "required": s.required,
                "missing": s.missing,
            }
            for s in out.short[: ctx.sample_size]
        )
        return CheckResult(
            id=rule.check_id,
            name=rule.label or "coverage",
            engine=self.name,
            column=rule.column,
            severity=rule.severity or ctx.suite.suite.severity,
            passed=out.passed,
            observed=observed,
            expected=rule.requirement_text(),
            failing_count=len(out.short),
            failing_fraction=len(out.short) / classes if classes else 0.0,
            sample=sample,
            message=_message(out),
            details=details,
        )


def _message(out: RuleOutcome) -> str:
    rule = out.rule
    if rule.min_total is not None:
        if out.passed:
            return f"{out.total:,} rows, at least {rule.min_total:,}"
        return f"{out.total:,} rows, {rule.min_total - out.total:,} short of {rule.min_total:,}"
    what = rule.keys[0] + " values" if len(rule.keys) == 1 else f"({', '.join(rule.keys)}) segments"
    if not out.counts:
        return f"no {what} in the data (all null or no rows)"
    if out.passed:
        return f"all {len(out.counts):,} {what} have enough rows (smallest: {min(out.counts.values()):,})"
    head = f"{len(out.short):,} of {len(out.counts):,} {what} short"
    if out.infeasible:
        return f"{head}; {out.infeasible}"
    parts = [
        f"{_label(rule, s.values)} has {s.rows:,} (needs {s.required:,}, {s.missing:,} missing)"
        for s in out.short[:_MESSAGE_LIMIT]
    ]
    more = (
        f"; and {len(out.short) - _MESSAGE_LIMIT} more" if len(out.short) > _MESSAGE_LIMIT else ""
    )
    tail = ""
    if rule.min_share is not None:
        added = sum(s.missing or 0 for s in out.short)
        tail = f" ({added:,} rows in total, so the table grows to {out.total + added:,})"
    return f"{head}: {'; '.join(parts)}{more}{tail}"
