"""``Ledger.verify`` finds edited, deleted and re-hashed records and names them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gates.ledger import BrokenChainWarning, Ledger, ProblemKind, canonical_json, chain_hash


def _sql(path: Path, statement: str, params: list[object] | None = None) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(statement, params or [])
    finally:
        con.close()


@pytest.fixture
def ledger(ledger_path: Path, make_record) -> Ledger:
    """A ledger with five runs, run-1 … run-5."""
    led = Ledger(ledger_path)
    for i in range(1, 6):
        led.append(make_record(i, run_id=f"run-{i}"))
    return led


def test_intact_ledger_verifies(ledger: Ledger) -> None:
    """An untouched chain is ok, counts records and reports the head hash."""
    report = ledger.verify()
    assert report.ok
    assert report.records == 5
    assert report.head == ledger.get("run-5").hash
    assert report.summary() == f"ledger intact: 5 records, head {report.head[:12]}"


def test_edited_record_is_named(ledger: Ledger) -> None:
    """Changing the stored JSON of run-3 is reported at seq 3, and only there."""
    original = ledger.get("run-3")
    edited = original.record["checks"][0] | {"ok": False}
    forged = canonical_json(original.record | {"checks": [edited]})
    _sql(ledger.path, "UPDATE gate_runs SET record = ? WHERE seq = 3", [forged])
    report = ledger.verify()
    assert not report.ok
    assert [(p.kind, p.seq, p.run_id) for p in report.problems] == [
        (ProblemKind.EDITED, 3, "run-3")
    ]
    actual = chain_hash(original.prev_hash, forged)
    assert report.problems[0].message == (
        f"seq 3 (run run-3): record was edited after it was written "
        f"(stored hash {original.hash[:12]}, content hashes to {actual[:12]})"
    )
    assert report.summary() == "ledger broken: 1 problem in 5 records"


def test_deleted_middle_record_is_named(ledger: Ledger) -> None:
    """Deleting seq 3 is reported as missing between seq 2 and seq 4."""
    _sql(ledger.path, "DELETE FROM gate_runs WHERE seq = 3")
    report = ledger.verify()
    assert report.records == 4
    assert [(p.kind, p.seq) for p in report.problems] == [(ProblemKind.MISSING, 4)]
    assert report.problems[0].message == (
        "1 record(s) missing between seq 2 (run run-2) and seq 4 (run run-4)"
    )


def test_deleted_and_renumbered_record_breaks_the_chain(ledger: Ledger) -> None:
    """Hiding a deletion by renumbering seqs still breaks prev_hash → hash."""
    _sql(ledger.path, "DELETE FROM gate_runs WHERE seq = 3")
    _sql(ledger.path, "UPDATE gate_runs SET seq = seq - 1 WHERE seq > 3")
    report = ledger.verify()
    assert [(p.kind, p.seq, p.run_id) for p in report.problems] == [
        (ProblemKind.CHAIN_BROKEN, 3, "run-4")
    ]
    assert report.problems[0].message.startswith(
        "chain broken between seq 2 (run run-2) and seq 3 (run run-4): prev_hash "
    )


def test_rehashed_edit_breaks_the_next_link(ledger: Ledger) -> None:
    """Re-computing the hash of an edited record moves the break to the next record."""
    run = ledger.get("run-2")
    forged = canonical_json(run.record | {"verdict": "block"})
    _sql(
        ledger.path,
        "UPDATE gate_runs SET record = ?, verdict = 'block', hash = ? WHERE seq = 2",
        [forged, chain_hash(run.prev_hash, forged)],
    )
    report = ledger.verify()
    assert [(p.kind, p.seq) for p in report.problems] == [(ProblemKind.CHAIN_BROKEN, 3)]


def test_edited_filter_column_is_named(ledger: Ledger) -> None:
    """A scalar column that disagrees with the hashed record is reported."""
    _sql(ledger.path, "UPDATE gate_runs SET verdict = 'block' WHERE seq = 4")
    report = ledger.verify()
    assert [(p.kind, p.seq) for p in report.problems] == [(ProblemKind.COLUMN_MISMATCH, 4)]
    assert report.problems[0].message == (
        "seq 4 (run run-4): column verdict='block' was edited; the hashed record says 'pass'"
    )


def test_deleted_first_record_is_named(ledger: Ledger) -> None:
    """Removing seq 1 is reported before seq 2."""
    _sql(ledger.path, "DELETE FROM gate_runs WHERE seq = 1")
    report = ledger.verify()
    assert [p.message for p in report.problems] == [
        "1 record(s) missing before seq 2 (run run-2): the ledger should start at seq 1"
    ]


def test_appending_after_tampering_keeps_reporting(ledger: Ledger, make_record) -> None:
    """New appends chain onto the current head; the old break stays visible."""
    _sql(ledger.path, "DELETE FROM gate_runs WHERE seq = 3")
    with pytest.warns(BrokenChainWarning, match="already broken"):
        ledger.append(make_record(6, run_id="run-6"))
    report = ledger.verify()
    assert report.records == 5
    assert [(p.kind, p.seq) for p in report.problems] == [(ProblemKind.MISSING, 4)]
