"""Errors raised by the run ledger.

Every error is one line: what went wrong, where (ledger path, run id, seq), and what to do.
Each subclasses the builtin it refines, so callers can also catch ``KeyError`` and friends.

Tree::

    LedgerError                          also what every DuckDB or OS error inside the ledger becomes
    ├── LedgerCorrupt                    the file is not a DuckDB ledger, is damaged, or a stored
    │                                    record is not a readable run record (names file and seq)
    ├── BrokenChain                      ``append(..., on_broken="refuse")`` found the chain broken
    ├── InvalidRecord(ValueError)        the caller's record breaks the record contract
    ├── DuplicateRun(ValueError)         a run with that run_id is already recorded
    ├── RunNotFound(KeyError)            no run matches the id (or prefix) asked for
    │   └── AmbiguousRunId               a prefix matches more than one run
    ├── LedgerLocked(TimeoutError)       the lock could not be taken before the timeout
    └── ExportExists(FileExistsError)    the export target exists and overwrite=False

    BrokenChainWarning(GateWarning)      warned by ``append`` when the chain was already broken
"""

from __future__ import annotations

from .._errors import GateError, GateWarning

__all__ = [
    "AmbiguousRunId",
    "BrokenChain",
    "BrokenChainWarning",
    "DuplicateRun",
    "ExportExists",
    "InvalidRecord",
    "LedgerCorrupt",
    "LedgerError",
    "LedgerLocked",
    "RunNotFound",
]


class LedgerError(GateError):
    """Base class of every error raised by :mod:`gates.ledger`."""


class LedgerCorrupt(LedgerError):
    """The ledger file cannot be read: not a DuckDB file, truncated, or a stored record is bad."""


class BrokenChain(LedgerError):
    """Raised by ``Ledger.append(..., on_broken="refuse")`` when the stored chain is already broken."""


class BrokenChainWarning(GateWarning):
    """Warned by ``Ledger.append`` when it appends to a chain that is already broken."""


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
