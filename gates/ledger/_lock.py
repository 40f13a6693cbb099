"""Serialised access to the DuckDB file: an OS lock on ``<path>.lock``, then a bounded retry.

DuckDB lets one process hold a database file read-write, or many hold it read-only, never
both. Writers therefore take an exclusive ``flock`` and readers a shared one, so the two never
meet inside DuckDB. Processes that open the file without our lock (a DuckDB shell, say) are
handled by retrying the connect with backoff until the deadline.
"""

from __future__ import annotations

import fcntl
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import duckdb

from ._errors import LedgerCorrupt, LedgerError, LedgerLocked

__all__ = ["DEFAULT_TIMEOUT", "corrupt", "lock_path", "locked_connection"]

#: Seconds to wait for the lock and for DuckDB before giving up.
DEFAULT_TIMEOUT = 30.0

_FIRST_DELAY = 0.005
_MAX_DELAY = 0.05


def lock_path(path: Path) -> Path:
    """The lock file next to a ledger: ``<path>.lock``."""
    return path.with_name(path.name + ".lock")


def _sleep(delay: float, deadline: float) -> float:
    # jitter keeps waiting processes from retrying in lock-step; not a reproducible random API
    time.sleep(max(0.0, min(delay * random.uniform(0.5, 1.5), deadline - time.monotonic())))
    return min(delay * 2, _MAX_DELAY)


def _acquire(
    handle: IO[str], *, exclusive: bool, path: Path, deadline: float, timeout: float
) -> None:
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    delay = _FIRST_DELAY
    while True:
        try:
            fcntl.flock(handle.fileno(), mode)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                msg = (
                    f"ledger {path} is still locked by another process after {timeout:g} s "
                    f"(lock file {lock_path(path)}); retry later or raise the timeout"
                )
                raise LedgerLocked(msg) from None
            delay = _sleep(delay, deadline)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def corrupt(path: Path, exc: BaseException) -> LedgerCorrupt:
    """The one-line error for a ledger file DuckDB cannot read or write."""
    return LedgerCorrupt(
        f"cannot use ledger {path}: {_reason(exc)}; it is not a DuckDB ledger or it is damaged — "
        "restore it from a backup (or `gates ledger export` a copy), or point --ledger "
        "(GATES_LEDGER) at another file"
    )


def _connect(
    path: Path, *, read_only: bool, deadline: float, timeout: float
) -> duckdb.DuckDBPyConnection:
    delay = _FIRST_DELAY
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            reason = _reason(exc)
            if "lock" not in reason.lower():
                raise corrupt(path, exc) from exc
            if time.monotonic() >= deadline:
                msg = (
                    f"cannot open ledger {path} after {timeout:g} s: {reason}; "
                    "close other programs using the file and retry"
                )
                raise LedgerLocked(msg) from exc
            delay = _sleep(delay, deadline)


@contextmanager
def _open_lock(path: Path, *, write: bool) -> Iterator[IO[str] | None]:
    # "a" creates the lock file without truncating it; it is never written to
    try:
        handle = open(lock_path(path), "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        if write:
            raise
        # a reader on a read-only directory: nobody can write there, so no lock is needed
        yield None
        return
    with handle:
        yield handle


@contextmanager
def locked_connection(
    path: Path, *, write: bool, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Hold the ledger lock and a DuckDB connection for the duration of the block.

    Args:
        path: The DuckDB file. For ``write=True`` its parent directories are created.
        write: Exclusive lock and a read-write connection; otherwise shared and read-only.
        timeout: Seconds to wait, in total, for the lock and for DuckDB.

    Yields:
        An open connection, closed (and the lock released) when the block exits.

    Raises:
        LedgerLocked: The lock or the file stayed busy past ``timeout``.
        LedgerCorrupt: DuckDB cannot read or write the file (any ``duckdb.Error`` in the block).
        LedgerError: The OS refused the file, its folder or the lock file.
    """
    deadline = time.monotonic() + timeout
    # the one boundary: whatever DuckDB or the OS raises in here (setup, SELECT, INSERT,
    # close) leaves the ledger as a LedgerError naming the file
    try:
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
        with _open_lock(path, write=write) as handle:
            if handle is not None:
                _acquire(handle, exclusive=write, path=path, deadline=deadline, timeout=timeout)
            try:
                con = _connect(path, read_only=not write, deadline=deadline, timeout=timeout)
                try:
                    yield con
                finally:
                    con.close()
            finally:
                if handle is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except LedgerError:
        raise
    except duckdb.Error as exc:
        raise corrupt(path, exc) from exc
    except OSError as exc:
        where = exc.filename or path
        reason = exc.strerror or _reason(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = "Not a directory (a file is in the way)"
        msg = (
            f"cannot use ledger {path}: {where}: {reason}; check the "
            "folder exists and is writable, or point --ledger (GATES_LEDGER) elsewhere"
        )
        raise LedgerError(msg) from exc
