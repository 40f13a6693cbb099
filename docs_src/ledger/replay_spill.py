"""Replay the runs `gates serve` spilled while its ledger was broken (docs/service.md, "Ledger faults").

Run it once the ledger file is repaired or restored:

    python docs_src/ledger/replay_spill.py .gates/ledger.duckdb

Each line of ``<ledger>.unwritten.jsonl`` is one complete run record. They are appended in
file order, in one transaction; runs already in the ledger (a retry that did land) are
skipped. The spill file is removed only after every record is in the ledger.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gates.ledger import Ledger, RunNotFound


def replay(ledger_path: Path) -> int:
    """Append every spilled run not yet in the ledger; returns how many were appended."""
    ledger = Ledger(ledger_path)
    spill = ledger_path.with_name(ledger_path.name + ".unwritten.jsonl")
    if not spill.exists():
        return 0
    records = [json.loads(line) for line in spill.read_text(encoding="utf-8").splitlines() if line]
    missing = []
    for record in records:
        try:
            ledger.get(record["run_id"])
        except RunNotFound:
            missing.append(record)
    ledger.append_many(missing, on_broken="refuse")
    spill.unlink()
    return len(missing)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ".gates/ledger.duckdb")
    print(f"replayed {replay(path)} spilled run(s) into {path}")
