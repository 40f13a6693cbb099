"""Record a GateResult in the ledger (what ``gates check``, the plugin and the service call)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._actor import actor_from_env
from ._ledger import DEFAULT_LEDGER_PATH, Ledger, OnBroken
from ._record import StoredRun

if TYPE_CHECKING:
    from .._result import GateResult

__all__ = ["ledger_record", "record_result"]


def ledger_record(result: GateResult, *, actor: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ledger record of a run: the JSON report plus who ran it.

    ``backend`` names where the fused checks ran: ``{"name": "polars" | "duckdb" | "spark",
    "master": ...}``; ``master`` is the kind of Spark master (``local``, ``standalone``,
    ``yarn``, ``kubernetes``, ``connect``) when the report carries it, else None.
    """
    doc = result.to_dict()
    return {
        "run_id": doc["run_id"],
        "started_at": doc["started_at"],
        "finished_at": doc["finished_at"],
        "dataset": {
            "source": doc["dataset"]["source"],
            "fingerprint": doc["dataset"]["fingerprint"],
            "rows": doc["dataset"]["rows"],
        },
        "suite": {"name": doc["suite"]["name"], "hash": doc["suite"]["hash"]},
        "versions": doc["versions"],
        "backend": {"name": doc.get("backend", "polars"), "master": doc.get("backend_master")},
        "verdict": doc["verdict"],
        "checks": doc["checks"],
        "actor": actor or actor_from_env(),
    }


def record_result(
    result: GateResult,
    path: str | os.PathLike[str] | None = None,
    *,
    actor: dict[str, Any] | None = None,
    on_broken: OnBroken = "warn",
) -> str:
    """Append a run to the ledger at ``path`` (default ``.gates/ledger.duckdb``).

    Args:
        result: the run to record.
        path: the ledger file; ``GATES_LEDGER`` or the default when None.
        actor: who ran it (default: CI metadata from the environment, else the user).
        on_broken: what to do when the stored chain is already broken (see ``Ledger.append``).

    Returns:
        A line for people: ``recorded run <id> in <path> (#<seq>)``.

    Raises:
        LedgerError: the ledger cannot be written (``LedgerCorrupt`` for a damaged file,
            ``BrokenChain`` when refusing a broken chain).
    """
    target = Path(path or os.environ.get("GATES_LEDGER") or DEFAULT_LEDGER_PATH)
    stored: StoredRun = Ledger(target).append(
        ledger_record(result, actor=actor), on_broken=on_broken
    )
    from ..history import record_runs  # the metric history next to the ledger (docs/history.md)

    record_runs(target, [stored])
    return f"recorded run {stored.run_id[:12]} in {target} (#{stored.seq})"
