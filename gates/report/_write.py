"""Where reports go: every file a run reads is refused as a target; the write is atomic."""

from __future__ import annotations

import glob as globlib
import os
from collections.abc import Iterable
from pathlib import Path

from .._io._write import check_target, write_output

__all__ = ["check_target", "run_inputs", "write_text"]

#: gates.ledger.DEFAULT_LEDGER_PATH, spelt here so writing a report never imports DuckDB.
_DEFAULT_LEDGER = ".gates/ledger.duckdb"


def _data_files(source: str | None) -> list[Path]:
    """The files a data argument names: itself, a glob's matches, or a folder's files."""
    if not source:
        return []
    text = source.split(":", 1)[0] if not Path(source).exists() else source
    if set("*?[") & set(text):
        return [Path(p) for p in globlib.glob(os.path.expanduser(text), recursive=True)]
    path = Path(text).expanduser()
    if path.is_dir():
        return [p for p in path.iterdir() if p.is_file()]
    return [path] if path.exists() else []


def run_inputs(
    *,
    data: str | None = None,
    suite: str | os.PathLike[str] | None = None,
    ledger: str | os.PathLike[str] | None = None,
    extra: Iterable[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Every file a ``gates check`` run reads: data, suite, its includes and baseline, ledger.

    Args:
        data: the data argument as given (a file, glob, folder or ``db.duckdb``).
        suite: the suite file; its ``include`` files, ``data.path`` and ``drift.baseline``
            are added when it loads.
        ledger: the ledger file (default ``$GATES_LEDGER`` or ``.gates/ledger.duckdb``).
        extra: any other file the command reads.

    Returns:
        The paths (only those that exist matter: a new file cannot be an input).
    """
    out = [*_data_files(data), *(Path(p) for p in extra)]
    out.append(Path(ledger or os.environ.get("GATES_LEDGER") or _DEFAULT_LEDGER))
    if suite is not None:
        out.append(Path(suite))
        out += _suite_files(Path(suite))
    return out


def _suite_files(suite: Path) -> list[Path]:
    from .._errors import GateError
    from ..suite import load_suite

    try:
        loaded = load_suite(suite)
    except (GateError, OSError):
        return []
    s = loaded.suite
    refs = [*s.include.gx, *(r.rsplit(":", 1)[0] for r in s.include.pandera)]
    if s.drift is not None:
        refs.append(s.drift.baseline)
    files = [loaded.resolve(r) for r in refs]
    if s.data is not None and s.data.path:
        files += _data_files(str(loaded.resolve(s.data.path)))
    return files


def write_text(
    path: str | os.PathLike[str],
    text: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    what: str = "report",
) -> Path:
    """Write a report file atomically, creating its folder; returns the path.

    An existing report is replaced (reports are re-written each run); a file in ``inputs``
    never is.

    Raises:
        InputError: the path is an input of the run, a folder, under a file, or the write failed.
    """
    return write_output(path, text, inputs=inputs, what=what)
