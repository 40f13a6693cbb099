"""The Markdown report: a header (date, versions, machine) and one table of measurements."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ._harness import Measurement
from ._spec import CHECK_NAMES, size_label
from ._tasks import Task

_PACKAGES: Final = ("polars", "duckdb", "pandera", "great_expectations", "pandas", "ydata-profiling", "datagates")  # fmt: skip


@dataclass(frozen=True)
class Result:
    """A task and what measuring it gave."""

    #: The task.
    task: Task
    #: Its measurement.
    measurement: Measurement


def versions() -> dict[str, str]:
    """Python's and the compared libraries' versions ('missing' when not installed)."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def machine() -> str:
    """Cores, memory and OS of this machine, as one line."""
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        mem_text = f"{mem:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        mem_text = "RAM unknown"
    try:
        load = ", load average {:.1f} / {:.1f} / {:.1f} (1 / 5 / 15 min) at the end".format(
            *os.getloadavg()
        )
    except OSError:
        load = ""
    return f"{os.cpu_count()} cores, {mem_text}, {platform.system()} {platform.machine()}{load}"


def _floor_median(results: Sequence[Result], like: Task, floor: str) -> float | None:
    for r in results:
        t = r.task
        if t.group == like.group and t.rows == like.rows and t.floor == floor:
            m = r.measurement
            return m.median_s if m.runs and m.error is None else None
    return None


def _ratio(value: float, floor: float | None) -> str:
    return f"{value / floor:.2f}×" if floor else "—"


def _note(r: Result) -> str:
    notes = [r.task.note] if r.task.note else []
    summary = r.measurement.summary
    failed = summary.get("failed")
    if failed is None and r.measurement.runs:  # datagates prints "5 of 12 checks failed"
        found = re.search(r"(\d+) of (\d+) checks failed", r.measurement.runs[-1].tail)
        failed = int(found[1]) if found and int(found[2]) == len(CHECK_NAMES) else None
    if r.task.group == "check" and failed is not None:
        notes.append(f"{failed}/{len(CHECK_NAMES)} checks failed")
    if r.measurement.error:
        notes.append(r.measurement.error.replace("|", "\\|"))
    return "; ".join(notes)


def render_table(results: Sequence[Result]) -> str:
    """The measurements as one Markdown table, ratios taken to the floors of the same run.

    Args:
        results: The tasks and their measurements, in report order.

    Returns:
        The table (header row included), one line per task.
    """
    lines = [
        "| task | tool | rows | median s | min–max s | × DuckDB floor | × Polars floor | peak RSS MB | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        t, m = r.task, r.measurement
        rows = size_label(t.rows) if t.rows is not None else "—"
        if m.error is not None or not m.runs:
            status = "pending" if (m.error or "").startswith("pending") else "error"
            cells = [status, "—", "—", "—", "—"]
        else:
            cells = [
                f"{m.median_s:.3f}",
                f"{m.min_s:.3f}–{m.max_s:.3f}",
                _ratio(m.median_s, _floor_median(results, t, "duckdb")),
                _ratio(m.median_s, _floor_median(results, t, "polars")),
                f"{m.peak_rss_mb:.0f}",
            ]
        lines.append(f"| {t.group} | {t.tool} | {rows} | {' | '.join(cells)} | {_note(r)} |")
    return "\n".join(lines)


def render_report(results: Sequence[Result], *, repeat: int, full: bool, today: dt.date) -> str:
    """The whole report: title, versions, machine, method line and the table."""
    vers = ", ".join(f"{k} {v}" for k, v in versions().items())
    mode = "full" if full else "quick"
    return (
        f"# datagates benchmarks — {today.isoformat()}\n\n"
        f"- versions: {vers}\n"
        f"- machine: {machine()}\n"
        f"- mode: {mode}; median of {repeat} runs per task (unless noted), each run a fresh "
        "process timed whole (start-up, imports, reading the file); peak RSS is the largest "
        "over the runs\n"
        "- ratios: median ÷ median of the floor of the same task and size in this run\n\n"
        f"{render_table(results)}\n"
    )
