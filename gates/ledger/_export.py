"""Writing a ledger out: JSON lines (one ``StoredRun.to_dict()`` per line) or Parquet."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Literal

import duckdb

from ._errors import ExportExists
from ._record import StoredRun

__all__ = ["ExportFormat", "resolve_format", "write_jsonl", "write_parquet"]

#: Formats ``Ledger.export`` can write.
ExportFormat = Literal["jsonl", "parquet"]

_SUFFIXES: dict[str, ExportFormat] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def resolve_format(path: Path, fmt: str | None, *, overwrite: bool) -> ExportFormat:
    """Pick the export format from ``fmt`` or the file suffix, and refuse to clobber a file.

    Raises:
        ValueError: The format is unknown or cannot be inferred from the suffix.
        ExportExists: ``path`` exists and ``overwrite`` is false.
    """
    if fmt is None:
        inferred = _SUFFIXES.get(path.suffix.lower())
        if inferred is None:
            msg = (
                f"cannot tell the export format of {path} from its suffix {path.suffix!r}; "
                "name it .jsonl or .parquet, or pass format='jsonl' or 'parquet'"
            )
            raise ValueError(msg)
        fmt = inferred
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"unknown export format {fmt!r} for {path}; use 'jsonl' or 'parquet'")
    if path.exists() and not overwrite:
        raise _exists(path)
    return "jsonl" if fmt == "jsonl" else "parquet"


def _temp_next_to(path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def _exists(path: Path) -> ExportExists:
    return ExportExists(
        f"{path} already exists; pass overwrite=True (gates ledger export --force) to replace it"
    )


def _publish(tmp: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and never clobbers, unlike a check-then-rename
    except FileExistsError:
        raise _exists(path) from None
    except OSError:  # filesystems without hard links
        if path.exists():
            raise _exists(path) from None
        os.replace(tmp, path)


def write_jsonl(runs: list[StoredRun], path: Path, *, overwrite: bool) -> None:
    """Write runs as JSON lines, atomically (a temp file moved to ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_next_to(path)
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for run in runs:
                out.write(json.dumps(run.to_dict(), ensure_ascii=False) + "\n")
        _publish(tmp, path, overwrite=overwrite)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(
    con: duckdb.DuckDBPyConnection, table: str, columns: str, path: Path, *, overwrite: bool
) -> None:
    """``COPY`` the table, ascending by seq, to a Parquet file, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_next_to(path)
    target = str(tmp).replace("'", "''")
    try:
        con.execute(
            f"COPY (SELECT {columns} FROM {table} ORDER BY seq) TO '{target}' (FORMAT parquet)"
        )
        _publish(tmp, path, overwrite=overwrite)
    finally:
        tmp.unlink(missing_ok=True)
