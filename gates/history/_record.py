"""The one hook every recorder goes through: ledger append → history rows. Never breaks a run."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._paths import history_enabled, history_path
from ._store import History

if TYPE_CHECKING:
    from ..ledger import StoredRun

__all__ = ["record_runs"]

#: Set after the first failed write, so a broken history says so once per process.
_WARNED: dict[str, bool] = {"done": False}


def record_runs(
    ledger: str | os.PathLike[str], stored: Sequence[StoredRun], *, quiet: bool = False
) -> int:
    """Add just-appended ledger runs to that ledger's history; returns how many were stored.

    ``gates check`` and the pytest plugin call it from ``record_result``, the service from its
    ledger writer thread, right after the ledger append, so every run lands the same way. A
    failure to write prints one warning line on stderr (once per process) and returns 0: the
    ledger record is already safe, the gate's verdict stands, and ``gates history rebuild``
    restores the history from the ledger. ``GATES_HISTORY=off`` turns recording off.

    Args:
        ledger: The ledger the runs were appended to (the history is :func:`history_path` of it).
        stored: What the ledger stored (``seq``, ``run_id``, ``hash``, ``record`` of each run).
        quiet: Do not print the warning (callers that log it themselves).

    Returns:
        How many runs were stored; 0 when history is off or the write failed.
    """
    if not stored or not history_enabled():
        return 0
    try:
        target = history_path(ledger)
        return History(target).add([(s.seq, s.run_id, s.hash, s.record) for s in stored])
    except Exception as exc:  # a history write must never fail a gate run
        if not _WARNED["done"] and not quiet:
            _WARNED["done"] = True
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            sys.stderr.write(
                f"warning: could not write the metric history of ledger {ledger}: {reason}; "
                f"the run is in the ledger; `gates history rebuild --ledger {ledger}` restores it\n"
            )
        return 0
