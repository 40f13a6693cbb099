"""``gates profile --incremental STATE``: profile only the files that are new or changed.

The state file keeps one mergeable :class:`~._state.TableState` per file of DATA, keyed by the
file's path (relative to the state file's folder) with its size and modification time. A run
re-reads only the files whose size or mtime differ from the stored ones (or that are new),
drops the files that are gone, merges every file's state into the profile, and replaces the
state file atomically. States hashed by another Polars version are profiled again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import InputError
from .._io import load
from ._state import TableState, hash_id, merge_states

__all__ = ["INCREMENTAL_VERSION", "IncrementalRun", "update_incremental"]

#: Version of the incremental state document.
INCREMENTAL_VERSION = "1.0"
_KIND = "datagates-profile-state"


@dataclass
class IncrementalRun:
    """What an incremental run did: the merged state and which files it read."""

    state: TableState
    #: files profiled in this run (new or changed), as stored in the state
    profiled: list[str] = field(default_factory=list)
    #: files whose stored state was reused
    reused: list[str] = field(default_factory=list)
    #: files in the old state that DATA no longer holds
    removed: list[str] = field(default_factory=list)
    #: bytes of the files profiled in this run
    bytes_read: int = 0
    #: the state file written (None when ``write=False``)
    written: Path | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON-ready record of the run (the profile's ``incremental`` field)."""
        return {
            "profiled": self.profiled,
            "reused": len(self.reused),
            "removed": self.removed,
            "bytes_read": self.bytes_read,
        }


def _key(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive (Windows): keep it absolute
        return str(path.resolve())


def _drop_spent_hashes(merged: TableState, states: list[TableState], keys: list[str]) -> list[str]:
    """Keep only registers where the union of all files' hashes is past the exact limit.

    Once a column's distinct values over all files exceed ``HASH_SET_MAX`` its merged count is
    a HyperLogLog estimate, and more files only add values; the files' hash sets (up to 1.6 MB
    each) would then only make the state larger. Returns the keys of the states changed.
    """
    changed: list[str] = []
    for i, col in enumerate(merged.columns):
        if col.hashes is not None:
            continue
        for key, state in zip(keys, states, strict=True):
            part = state.columns[i]
            if part.hashes is not None:
                part.hll, part.hashes = part.registers(), None
                if key not in changed:
                    changed.append(key)
    return changed


def read_incremental(path: Path) -> dict[str, Any]:
    """The stored per-file states of ``path`` (empty when the file does not exist yet)."""
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: not a profile state ({exc}); delete it to profile every file again",
            source=str(path),
        ) from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{path}: is a folder; --incremental takes a file", source=str(path)
        ) from exc
    if not isinstance(doc, dict) or doc.get("kind") != _KIND:
        raise InputError(
            f"{path}: not a datagates profile state (written by `gates profile --incremental`); "
            "choose another path or delete it",
            source=str(path),
        )
    version = str(doc.get("incremental_version", ""))
    if version.split(".")[0] != INCREMENTAL_VERSION.split(".")[0]:
        raise InputError(
            f"{path}: profile state version {version!r} is not supported (expected "
            f"{INCREMENTAL_VERSION}); delete it to profile every file again",
            source=str(path),
        )
    files = doc.get("files")
    if not isinstance(files, dict):
        raise InputError(
            f"{path}: the profile state has no 'files' object; delete it", source=str(path)
        )
    if doc.get("hash_id") != hash_id():
        return {}  # hashed by another Polars version: every file is profiled again
    return files


def update_incremental(
    data: str,
    state_path: str | os.PathLike[str],
    *,
    format: str | None = None,
    write: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> IncrementalRun:
    """Profile the new and changed files of ``data`` into the state at ``state_path``.

    Args:
        data: a file, glob or folder of files (each file is one partition).
        state_path: the state file; created on the first run, replaced atomically after.
        format: force the file format.
        write: write the updated state (False: only compute it).
        progress: called with a step label and the share done (0-1).

    Returns:
        The :class:`IncrementalRun`: the merged state and the files read.

    Raises:
        InputError: DATA is not files, a file cannot be read, or the state file is not a state.
    """
    from ._partition import profile_state

    say = progress or (lambda _m, _f: None)
    path = Path(state_path)
    ds = load(data, format=format)
    if not ds.files:
        raise InputError(
            f"{data}: --incremental needs files (a file, glob or folder), not a table or query",
            source=str(data),
        )
    stored = read_incremental(path)
    base = path.parent
    run = IncrementalRun(state=None)  # type: ignore[arg-type]
    entries: dict[str, Any] = {}
    states: list[TableState] = []
    keys: list[str] = []
    for i, f in enumerate(ds.files):
        stat = f.stat()
        key = _key(f, base)
        old = stored.get(key)
        if (
            isinstance(old, dict)
            and old.get("size") == stat.st_size
            and old.get("mtime_ns") == stat.st_mtime_ns
        ):
            state = TableState.from_dict(old["state"], source=f"{path}: {key}")
            run.reused.append(key)
            entries[key] = old
        else:
            say(f"profiling {f.name}", i / len(ds.files))
            state = profile_state(load(str(f), format=ds.format))
            run.profiled.append(key)
            run.bytes_read += stat.st_size
            entries[key] = {
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "state": state.to_dict(),
            }
        states.append(state)
        keys.append(key)
    run.removed = sorted(set(stored) - set(entries))
    say("merging", 0.95)
    run.state = merge_states(states, source=ds.source)
    run.state.format = ds.format
    for key in _drop_spent_hashes(run.state, states, keys):
        entries[key]["state"] = states[keys.index(key)].to_dict()
    if write:
        from ..report import write_text

        doc = {
            "kind": _KIND,
            "incremental_version": INCREMENTAL_VERSION,
            "hash_id": hash_id(),
            "source": ds.source,
            "files": entries,
        }
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
        run.written = write_text(path, text, inputs=ds.files, what="profile state")
    return run
