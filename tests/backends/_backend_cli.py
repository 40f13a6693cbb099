"""Running the installed `gates check` as a user does: exit code, output, JSON report."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: The installed command, beside this interpreter.
GATES = str(Path(sys.executable).parent / "gates")
ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass
class Run:
    """One `gates check` run: exit code, output, and the JSON report when one was written."""

    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None


def run_gates(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> Run:
    """``gates check ARGS --json cwd/report.json``, as a user runs it, in a subprocess."""
    out = cwd / "report.json"
    out.unlink(missing_ok=True)
    argv = [GATES, "check", *args, "--json", str(out)]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env or dict(os.environ)
    )
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return Run(done.returncode, done.stdout, done.stderr, report)
