"""Failure text for people: one check or a whole run, with its failing rows as a small table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gates._result import CheckResult, GateResult, Verdict

__all__ = ["explain_check", "explain_result", "one_line", "sample_table"]

#: Most failing rows and columns printed per check; the JSON/HTML reports keep the rest.
MAX_ROWS = 10
MAX_COLUMNS = 8
MAX_CELL = 24


def _cell(value: Any) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def sample_table(sample: Sequence[Mapping[str, Any]], *, focus: str | None = None) -> list[str]:
    """Failing rows as an aligned text table: ``row`` first, then the check's column, then others."""
    if not sample:
        return []
    keys: list[str] = []
    for row in sample:
        keys.extend(k for k in row if k not in keys)
    first = [k for k in ("row", focus) if k and k in keys]
    cols = (first + [k for k in keys if k not in first])[:MAX_COLUMNS]
    rows = [[_cell(r.get(k)) for k in cols] for r in sample[:MAX_ROWS]]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    line = " | ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return out


def one_line(check: CheckResult) -> str:
    """``amount::in_range (block): 3 of 10 rows fail (30.00%); expected 0 <= amount <= 100``."""
    text = f"{check.id} ({check.severity.value}): "
    if check.error:
        return text + f"could not run: {check.error}"
    text += check.message or f"observed {check.observed!r}"
    return text + (f"; expected {check.expected}" if check.expected else "")


def explain_check(check: CheckResult) -> str:
    """Everything about one failed check: observed, expected, threshold and failing rows."""
    state = "could not run" if check.error else "failed"
    lines = [f"check {check.id} {state} (severity {check.severity.value}, engine {check.engine})"]
    if check.error:
        lines.append(f"  error:     {check.error}")
    fields: Iterable[tuple[str, Any]] = (
        ("observed", check.observed),
        ("expected", check.expected),
        ("threshold", check.threshold),
        ("message", check.message),
    )
    lines += [f"  {name + ':':<10} {value}" for name, value in fields if value not in (None, "")]
    if check.failing_count and not check.message:
        rows = "row" if check.failing_count == 1 else "rows"
        lines.append(
            f"  {'failing:':<10} {check.failing_count:,} {rows} ({check.failing_fraction or 0:.2%})"
        )
    if check.sample:
        shown = min(len(check.sample), MAX_ROWS)
        total = check.failing_count or len(check.sample)
        lines.append(f"  failing rows ({shown} of {total:,} shown, row numbers are 0-based):")
        lines += ["    " + r for r in sample_table(check.sample, focus=check.column)]
    return "\n".join(lines)


def explain_result(result: GateResult, *, include_warnings: bool = True) -> str:
    """The verdict of a run and an explanation of each check that did not pass."""
    failed = [
        c
        for c in result.failed_checks
        if include_warnings or c.error or c.severity.value == "block"
    ]
    head = (
        f"gate {result.verdict.value}: {len(result.failed_checks)} of {len(result.checks)} checks failed"
        f" on {result.dataset.source} with suite {result.suite.name!r}"
    )
    if result.verdict is Verdict.PASS:
        return f"gate pass: all {len(result.checks)} checks passed on {result.dataset.source} with suite {result.suite.name!r}"
    return "\n".join([head, *(explain_check(c) for c in failed)])
