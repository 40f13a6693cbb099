"""Measure a command: each run in its own process, repeated, median wall time and peak RSS.

Every run goes through `_wrapper.py`, a fresh stdlib-only Python process that starts the
command, times it and reads its own `RUSAGE_CHILDREN.ru_maxrss`, so the RSS is the child's
whole process (interpreter start-up and imports included) and never a stale maximum left
over from an earlier run.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

_WRAPPER: Final = Path(__file__).resolve().parent / "_wrapper.py"


@dataclass(frozen=True)
class Run:
    """One run of a command."""

    #: Wall time of the whole child process, in seconds.
    wall_s: float
    #: Peak resident set size of the child, in MB (10^6 bytes).
    peak_rss_mb: float
    #: The child's exit code.
    returncode: int
    #: The last non-empty line the child printed on stdout.
    stdout_last: str
    #: The last non-empty line the child printed on stderr.
    stderr_last: str
    #: Whether the child was killed for running past the timeout.
    timed_out: bool = False
    #: The last lines of stdout, then of stderr (up to 40 lines in all).
    tail: str = ""


@dataclass(frozen=True)
class Measurement:
    """The runs of one command, or why it could not be measured."""

    #: The successful runs (empty when the first run failed).
    runs: tuple[Run, ...]
    #: None, or one line saying why the command failed.
    error: str | None = None
    #: Extra facts about the measurement (e.g. why it ran once).
    notes: tuple[str, ...] = field(default=())

    @property
    def median_s(self) -> float:
        """Median wall time over the runs."""
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def min_s(self) -> float:
        """Fastest run."""
        return min(r.wall_s for r in self.runs)

    @property
    def max_s(self) -> float:
        """Slowest run."""
        return max(r.wall_s for r in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        """Largest peak RSS over the runs, in MB."""
        return max(r.peak_rss_mb for r in self.runs)

    @property
    def summary(self) -> dict[str, Any]:
        """The JSON object the child printed last (empty when it printed none)."""
        if not self.runs:
            return {}
        try:
            out = json.loads(self.runs[-1].stdout_last)
        except json.JSONDecodeError:
            return {}
        return out if isinstance(out, dict) else {}


def run_once(cmd: Sequence[str], *, timeout: float = 3600.0, cwd: Path | None = None) -> Run:
    """Run `cmd` once in its own process, through the RSS-reporting wrapper.

    Args:
        cmd: The command and its arguments.
        timeout: Seconds after which the child is killed.
        cwd: The child's working folder.

    Returns:
        The run's wall time, peak RSS, exit code and last output lines.
    """
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "run.json"
        argv = [sys.executable, "-I", str(_WRAPPER), str(out), str(timeout), "--", *cmd]
        subprocess.run(argv, check=True, cwd=cwd)
        data = json.loads(out.read_text(encoding="utf-8"))
    return Run(
        wall_s=float(data["wall_s"]),
        peak_rss_mb=float(data["peak_rss_kb"]) * 1024 / 1e6,
        returncode=int(data["returncode"]),
        stdout_last=str(data["stdout_last"]),
        stderr_last=str(data["stderr_last"]),
        timed_out=bool(data["timed_out"]),
        tail=str(data.get("tail", "")),
    )


def measure(
    cmd: Sequence[str],
    *,
    repeat: int = 3,
    ok_codes: Sequence[int] = (0,),
    timeout: float = 3600.0,
    cwd: Path | None = None,
) -> Measurement:
    """Run `cmd` `repeat` times, each in a fresh process; stop at the first failing run.

    Args:
        cmd: The command and its arguments.
        repeat: How many runs (the median is taken over them).
        ok_codes: Exit codes meaning "ran" (e.g. 0 and 1 for a gate that may fail).
        timeout: Seconds after which one run is killed.
        cwd: The child's working folder.

    Returns:
        The runs, or an error line (exit code and the child's last stderr line).
    """
    runs: list[Run] = []
    for _ in range(max(1, repeat)):
        run = run_once(cmd, timeout=timeout, cwd=cwd)
        if run.timed_out:
            return Measurement(tuple(runs), error=f"timed out after {timeout:g} s")
        if run.returncode not in ok_codes:
            last = run.stderr_last or run.stdout_last or "(no output)"
            return Measurement(tuple(runs), error=f"exit {run.returncode}: {last}")
        runs.append(run)
    return Measurement(tuple(runs))
