"""Where a benchmark writes its dated report, without overwriting an earlier one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def dated_path(folder: Path, stem: str, *, today: dt.date | None = None) -> Path:
    """``folder/<stem>-<date>.md``, or ``<stem>-<date>-2.md``, ``-3``… when that file exists.

    A second run on the same day keeps the first run's report (often already committed, and
    cited in a closing note) instead of replacing it. The folder is created if missing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{stem}-{(today or dt.date.today()).isoformat()}"
    path, n = folder / f"{base}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.md"
    return path
