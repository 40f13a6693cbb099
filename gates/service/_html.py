"""The HTML report of a stored run, rebuilt from its ledger record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from gates._result import CheckResult, DatasetInfo, GateResult, Severity, SuiteInfo

__all__ = ["result_from_record", "run_html"]


def _time(value: Any) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _check(doc: Mapping[str, Any], index: int) -> CheckResult:
    severity = Severity.WARN if doc.get("severity") == "warn" else Severity.BLOCK
    sample = doc.get("sample") or []
    return CheckResult(
        id=str(doc.get("id") or doc.get("name") or f"check-{index}"),
        name=str(doc.get("name") or doc.get("id") or ""),
        engine=str(doc.get("engine") or ""),
        column=doc.get("column"),
        severity=severity,
        passed=bool(doc.get("passed", doc.get("ok", False))),
        observed=doc.get("observed"),
        expected=doc.get("expected"),
        failing_count=doc.get("failing_count"),
        failing_fraction=doc.get("failing_fraction"),
        sample=tuple(r for r in sample if isinstance(r, Mapping)),
        threshold=doc.get("threshold"),
        message=str(doc.get("message") or ""),
        error=doc.get("error"),
        details=details if isinstance(details := doc.get("details"), Mapping) else {},
    )


def result_from_record(record: Mapping[str, Any]) -> GateResult:
    """A :class:`GateResult` from a ledger record (columns and notes are not stored, so empty)."""
    dataset = record.get("dataset") or {}
    suite = record.get("suite") or {}
    checks = tuple(
        _check(c, i) for i, c in enumerate(record.get("checks") or []) if isinstance(c, Mapping)
    )
    notes: tuple[str, ...] = ()
    if record.get("verdict") == "error":
        notes = (f"the run ended in an error: {record.get('error') or 'see the ledger record'}",)
    return GateResult(
        checks=checks,
        dataset=DatasetInfo(
            source=str(dataset.get("source", "?")),
            fingerprint=str(dataset.get("fingerprint", "")),
            rows=dataset.get("rows"),
        ),
        suite=SuiteInfo(name=str(suite.get("name", "?")), hash=str(suite.get("hash", ""))),
        run_id=str(record.get("run_id", "")),
        started_at=_time(record.get("started_at")),
        finished_at=_time(record.get("finished_at")),
        versions={str(k): str(v) for k, v in (record.get("versions") or {}).items()},
        notes=notes,
    )


def run_html(record: Mapping[str, Any]) -> str:
    """The self-contained HTML report (``gates.report.to_html``) of a stored run."""
    from gates.report import to_html

    page = to_html(result_from_record(record))
    actor = record.get("actor") or {}
    who = actor.get("name") or actor.get("kind") if isinstance(actor, Mapping) else None
    if who:
        import html

        page = page.replace(
            "</body>", f'<div class="meta">recorded by {html.escape(str(who))}</div>\n</body>', 1
        )
    return page
