"""Errors raised by the run ledger.

Every error is one line: what went wrong, where (ledger path, run id, seq), and what to do.
Each subclasses the builtin it refines, so callers can also catch ``KeyError`` and friends.

Tree::

    LedgerError
    ├── InvalidRecord(ValueError)        the caller's record breaks the record contract
    ├── DuplicateRun(ValueError)         a run with that run_id is already recorded
    ├── RunNotFound(KeyError)            no run matches the id (or prefix) asked for
    │   └── AmbiguousRunId               a prefix matches more than one run
    ├── LedgerLocked(TimeoutError)       the lock could not be taken before the timeout
    └── ExportExists(FileExistsError)    the export target exists and overwrite=False
"""

from __future__ import annotations

from .._errors import GateError

__all__ = [
    "AmbiguousRunId",
    "DuplicateRun",
    "ExportExists",
    "InvalidRecord",
    "LedgerError",
    "LedgerLocked",
    "RunNotFound",
]


class LedgerError(GateError):
    """Base class of every error raised by :mod:`gates.ledger`."""


class InvalidRecord(LedgerError, ValueError):
    """Raised by ``Ledger.append`` when a record misses a field or has the wrong type."""


class DuplicateRun(LedgerError, ValueError):
    """Raised by ``Ledger.append`` when the record's ``run_id`` is already in the ledger."""


class RunNotFound(LedgerError, KeyError):
    """Raised by ``Ledger.get`` when no recorded run has the id (or id prefix) asked for."""

    def __str__(self) -> str:
        # KeyError quotes its argument; our messages are sentences, keep them readable.
        return str(self.args[0]) if self.args else ""


class AmbiguousRunId(RunNotFound):
    """Raised by ``Ledger.get`` when a run id prefix matches more than one run."""


class LedgerLocked(LedgerError, TimeoutError):
    """Raised when the ledger lock (or the DuckDB file) stays busy past the timeout."""


class ExportExists(LedgerError, FileExistsError):
    """Raised by ``Ledger.export`` when the target file exists and ``overwrite`` is false."""
