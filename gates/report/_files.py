"""Machine-readable reports: JSON, JUnit XML and Markdown, written from one GateResult."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from typing import Any

from .._result import GateResult, Severity

__all__ = ["result_schema", "to_json", "to_junit", "to_markdown"]


def result_schema() -> dict[str, Any]:
    """The JSON Schema of the ``--json`` document (docs/reports.md)."""
    schema: dict[str, Any] = json.loads(
        resources.files("gates.report").joinpath("result.schema.json").read_text("utf-8")
    )
    return schema


def to_json(result: GateResult) -> str:
    """The JSON report: ``result.to_dict()`` with stable key order."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_junit(result: GateResult) -> str:
    """JUnit XML: one testsuite for the suite, one testcase per check.

    Failed blocking checks are ``<failure>``; failed warnings are ``<skipped>`` with a message
    (CI systems show them without failing the job); checks that could not run are ``<error>``.
    """
    checks = result.checks
    failures = sum((not c.passed) and not c.error and c.severity is Severity.BLOCK for c in checks)
    errors = sum((not c.passed) and bool(c.error) for c in checks)
    skipped = sum((not c.passed) and not c.error and c.severity is Severity.WARN for c in checks)
    root = ET.Element(
        "testsuites",
        name="datagates",
        tests=str(len(checks)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{result.duration_s:.3f}",
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=result.suite.name,
        tests=str(len(checks)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{result.duration_s:.3f}",
        timestamp=result.started_at.replace(tzinfo=None).isoformat(timespec="seconds"),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("dataset", result.dataset.source),
        ("fingerprint", result.dataset.fingerprint),
        ("rows", str(result.dataset.rows)),
        ("suite_hash", result.suite.hash),
        ("verdict", result.verdict.value),
        ("run_id", result.run_id),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    for c in checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{result.suite.name}.{c.column or 'table'}",
            name=_shown_id(c),
            time="0",
        )
        if c.passed:
            continue
        text = _failure_text(c)
        if c.error:
            ET.SubElement(case, "error", message=c.error, type="CheckError").text = text
        elif c.severity is Severity.BLOCK:
            ET.SubElement(case, "failure", message=c.message, type=c.name).text = text
        else:
            ET.SubElement(case, "skipped", message=f"warning: {c.message}").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def display_name(c: Any) -> str | None:
    """The check's ``name:`` from the suite, when it has one (else None: the id says it all)."""
    name = getattr(c, "name", None)
    kind = str(c.id).rsplit("::", 1)[-1].split("#", 1)[0]
    return str(name) if name and name != kind and name not in str(c.id) else None


def _shown_id(c: Any) -> str:
    """``id`` or ``id (name)``."""
    label = display_name(c)
    return f"{c.id} ({label})" if label else str(c.id)


def _md_name(c: Any) -> str:
    """`` name`` after the id in a Markdown cell, or nothing."""
    label = display_name(c)
    return f" {_md_cell(label)}" if label else ""


def _failure_text(c: Any) -> str:
    lines = [f"{c.id}: {c.message}"]
    if c.expected:
        lines.append(f"expected: {c.expected}")
    if c.observed is not None:
        lines.append(f"observed: {c.observed}")
    for row in c.sample[:10]:
        lines.append("  " + ", ".join(f"{k}={v!r}" for k, v in list(row.items())[:10]))
    return "\n".join(lines)


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: GateResult, *, max_sample_rows: int = 5) -> str:
    """A Markdown summary for a CI job summary or a pull-request comment."""
    icon = {"pass": "✅", "warn": "⚠️", "block": "⛔"}[result.verdict.value]
    ds = result.dataset
    out = [
        f"## {icon} datagates: `{result.suite.name}` — **{result.verdict.value.upper()}**",
        "",
        f"Data `{ds.source}` · {ds.rows:,} rows · fingerprint `{ds.fingerprint[:24]}` · "
        f"{len(result.failed_checks)} of {len(result.checks)} checks failed · {result.duration_s:.2f}s",
        "",
    ]
    if result.failed_checks:
        out += ["| | check | severity | failing | detail |", "|---|---|---|---|---|"]
        for c in result.failed_checks:
            mark = "🟥" if c.severity is Severity.BLOCK else "🟨"
            failing = "" if c.failing_count is None else f"{c.failing_count:,}"
            detail = c.error or c.message + (f" (expected {c.expected})" if c.expected else "")
            out.append(
                f"| {mark} | `{_md_cell(c.id)}`{_md_name(c)} | {c.severity.value} | {failing} | {_md_cell(detail)} |"
            )
        out.append("")
        for c in result.failed_checks:
            if not c.sample:
                continue
            cols = list(dict.fromkeys(k for row in c.sample[:max_sample_rows] for k in row))[:8]
            out += [
                f"<details><summary><code>{c.id}</code>: failing rows</summary>",
                "",
                "| " + " | ".join(cols) + " |",
                "|" + "---|" * len(cols),
            ]
            out += [
                "| " + " | ".join(_md_cell(row.get(k, "")) for k in cols) + " |"
                for row in c.sample[:max_sample_rows]
            ]
            out += ["", "</details>", ""]
    passed = [c for c in result.checks if c.passed]
    if passed:
        out.append(f"<details><summary>{len(passed)} passed checks</summary>\n")
        out += [f"- `{c.id}`" for c in passed]
        out += ["", "</details>", ""]
    return "\n".join(out)
