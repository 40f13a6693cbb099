"""Where a ledger's metric history lives, and whether recording is on (``GATES_HISTORY``)."""

from __future__ import annotations

import os
from pathlib import Path

from ._errors import HistoryError

__all__ = ["OFF", "history_enabled", "history_for", "history_path"]

#: Values of ``GATES_HISTORY`` that turn recording off.
OFF = ("0", "off", "false", "no", "none")


def history_path(ledger: str | os.PathLike[str] | None = None) -> Path:
    """Where a ledger's history lives.

    ``GATES_HISTORY`` (a file path) wins; otherwise next to the ledger, ``ledger.duckdb`` →
    ``ledger.history.duckdb``. The ledger is ``ledger``, else ``GATES_LEDGER``, else
    ``.gates/ledger.duckdb``.

    Raises:
        HistoryError: ``GATES_HISTORY`` is ``off`` (there is no history to point at).
    """
    env = os.environ.get("GATES_HISTORY", "").strip()
    if env.lower() in OFF:
        raise HistoryError("GATES_HISTORY is off; unset it or point it at a history file")
    if env:
        return Path(env)
    from ..ledger import DEFAULT_LEDGER_PATH

    path = Path(ledger or os.environ.get("GATES_LEDGER") or DEFAULT_LEDGER_PATH)
    return path.with_name(f"{path.stem}.history{path.suffix or '.duckdb'}")


def history_for(ledger: str | os.PathLike[str] | None) -> Path | None:
    """:func:`history_path` of ``ledger``, or ``None`` when ``GATES_HISTORY`` is off."""
    return history_path(ledger) if history_enabled() else None


def history_enabled() -> bool:
    """False when ``GATES_HISTORY`` is ``off`` (or ``0``, ``false``, ``no``, ``none``)."""
    return os.environ.get("GATES_HISTORY", "").strip().lower() not in OFF
