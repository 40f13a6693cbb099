"""Appending runs, reading them back, filters, and the record contract."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import gates.ledger
from gates.ledger import (
    GENESIS_HASH,
    AmbiguousRunId,
    DuplicateRun,
    InvalidRecord,
    Ledger,
    RunNotFound,
    canonical_json,
    chain_hash,
)


def test_canonical_json_and_hash_formula() -> None:
    """Canonical JSON sorts keys, has no spaces, keeps unicode; the hash is sha256(prev + json)."""
    assert canonical_json({"b": [1, 2], "a": {"z": "é", "y": None}}) == (
        '{"a":{"y":null,"z":"é"},"b":[1,2]}'
    )
    expected = hashlib.sha256(("0" * 64 + '{"a":1}').encode()).hexdigest()
    assert chain_hash(GENESIS_HASH, '{"a":1}') == expected
    assert GENESIS_HASH == "0" * 64


def test_append_creates_file_and_chains(ledger_path: Path, make_record) -> None:
    """The first append creates directories; each hash chains onto the previous one."""
    ledger = Ledger(ledger_path)
    assert not ledger.exists
    first = ledger.append(make_record(1, run_id="run-one"))
    second = ledger.append(make_record(2))
    assert ledger_path.is_file()
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash == chain_hash(GENESIS_HASH, canonical_json(first.record))
    assert (
        first.hash
        == hashlib.sha256((GENESIS_HASH + canonical_json(first.record)).encode()).hexdigest()
    )
    assert len(second.run_id) == 32  # uuid4 hex
    assert int(second.run_id, 16) >= 0
    assert len(ledger) == 2


def test_append_stores_scalar_columns_and_canonical_record(ledger_path: Path, make_record) -> None:
    """Filter columns are derived from the record; ``record`` is the canonical JSON text."""
    stored = Ledger(ledger_path).append(make_record(3, run_id="abc", verdict="warn"))
    con = duckdb.connect(str(ledger_path), read_only=True)
    try:
        row = con.execute(
            "SELECT seq, run_id, started_at, finished_at, suite_name, suite_hash, "
            'dataset_fingerprint, "rows", verdict, actor_name, record, prev_hash, hash FROM gate_runs'
        ).fetchall()[0]
    finally:
        con.close()
    assert row[:10] == (
        1,
        "abc",
        datetime(2024, 5, 3, 10, 0, 0),
        datetime(2024, 5, 3, 10, 0, 7),
        "churn",
        "suite-hash-1",
        "fp-3",
        300,
        "warn",
        "ci",
    )
    assert row[10] == canonical_json(stored.record)
    assert json.loads(row[10])["run_id"] == "abc"
    assert row[11:] == (GENESIS_HASH, stored.hash)


def test_append_does_not_mutate_the_callers_record(ledger_path: Path, make_record) -> None:
    """run_id is filled in the stored copy only."""
    record = make_record(1)
    stored = Ledger(ledger_path).append(record)
    assert "run_id" not in record
    assert stored.record["run_id"] == stored.run_id


def test_stored_run_properties(ledger_path: Path, make_record) -> None:
    """Convenience properties read from the record; to_dict is JSON-ready."""
    run = Ledger(ledger_path).append(make_record(4, run_id="0123456789ab", verdict="block"))
    assert run.short_id == "01234567"
    assert (run.verdict, run.suite_name, run.suite_hash) == ("block", "fraud", "suite-hash-0")
    assert (run.dataset_fingerprint, run.rows, run.actor_name) == ("fp-4", 400, "ci")
    assert run.started_at == datetime(2024, 5, 4, 10, 0, tzinfo=UTC)
    assert run.finished_at == datetime(2024, 5, 4, 10, 0, 7, tzinfo=UTC)
    assert run.actor == {"kind": "token", "name": "ci"}
    as_dict = run.to_dict()
    assert list(as_dict) == ["seq", "run_id", "prev_hash", "hash", "record"]
    assert json.loads(json.dumps(as_dict)) == as_dict
    with pytest.raises(AttributeError):
        run.seq = 9  # type: ignore[misc]


def test_list_is_newest_first_and_filters(ledger_path: Path, make_record) -> None:
    """suite / verdict / since / until / limit / offset combine with AND."""
    ledger = Ledger(ledger_path)
    verdicts = ["pass", "warn", "block", "pass", "error", "block"]
    for i, verdict in enumerate(verdicts, start=1):
        ledger.append(make_record(i, run_id=f"run-{i}", verdict=verdict))
    assert [r.seq for r in ledger.list()] == [6, 5, 4, 3, 2, 1]
    assert [r.run_id for r in ledger.list(suite="churn")] == ["run-5", "run-3", "run-1"]
    assert [r.seq for r in ledger.list(verdict="block")] == [6, 3]
    assert [r.seq for r in ledger.list(since="2024-05-03", until="2024-05-05T10:00:00Z")] == [4, 3]
    assert [r.seq for r in ledger.list(since=datetime(2024, 5, 5, 12, 0, tzinfo=UTC))] == [6]
    assert [r.seq for r in ledger.list(since="2024-05-05T11:00:00+02:00")] == [6, 5]
    assert [r.seq for r in ledger.list(limit=2, offset=1)] == [5, 4]
    assert [r.seq for r in ledger.list(limit=None)] == [6, 5, 4, 3, 2, 1]
    assert ledger.list(suite="fraud", verdict="error") == []
    with pytest.raises(
        ValueError, match=r"unknown verdict 'fail'; use one of pass, warn, block, error"
    ):
        ledger.list(verdict="fail")
    with pytest.raises(InvalidRecord, match=r"since 'yesterday' is not an ISO-8601 date-time"):
        ledger.list(since="yesterday")


def test_get_by_id_and_prefix(ledger_path: Path, make_record) -> None:
    """Exact ids and unique prefixes resolve; ambiguous and unknown ones explain themselves."""
    ledger = Ledger(ledger_path)
    ledger.append(make_record(1, run_id="aaaa1111"))
    ledger.append(make_record(2, run_id="aaaa2222"))
    ledger.append(make_record(3, run_id="aaaa"))
    assert ledger.get("aaaa2222").seq == 2
    assert ledger.get("aaaa1").seq == 1
    assert ledger.get("aaaa").seq == 3  # an exact match wins over prefix matches
    with pytest.raises(
        AmbiguousRunId, match=r"prefix 'aaa' matches several runs \(aaaa1111, aaaa2222, aaaa\)"
    ):
        ledger.get("aaa")
    with pytest.raises(RunNotFound) as info:
        ledger.get("zzz")
    assert str(info.value) == (
        f"no run with id 'zzz' in ledger {ledger_path}; list runs with `gates ledger list`"
    )
    assert isinstance(info.value, KeyError)


def test_missing_ledger_reads_as_empty_without_creating_files(tmp_path: Path) -> None:
    """Readers never create the ledger, its directory, or the lock file."""
    ledger = Ledger(tmp_path / "none" / "ledger.duckdb")
    assert ledger.list() == []
    assert len(ledger) == 0
    report = ledger.verify()
    assert (report.ok, report.records, report.head) == (True, 0, None)
    with pytest.raises(RunNotFound, match="no ledger there yet"):
        ledger.get("abc")
    assert not (tmp_path / "none").exists()


def test_duplicate_run_id_is_refused(ledger_path: Path, make_record) -> None:
    """Appending the same run_id twice raises and leaves one record."""
    ledger = Ledger(ledger_path)
    ledger.append(make_record(1, run_id="dup"))
    with pytest.raises(
        DuplicateRun, match=r"run 'dup' is already in ledger .*; give each run a new run_id"
    ):
        ledger.append(make_record(2, run_id="dup"))
    assert len(ledger) == 1
    assert ledger.verify().ok


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"verdict": "fail"},
            "field 'verdict' must be one of pass, warn, block, error, got 'fail'",
        ),
        ({"suite": {"hash": "h"}}, "field 'suite.name' is missing"),
        ({"dataset": "x.csv"}, "field 'dataset' must be an object, got str"),
        ({"started_at": "soon"}, "started_at 'soon' is not an ISO-8601 date-time"),
        ({"checks": {"a": 1}}, "field 'checks' must be a list, got dict"),
        (
            {"dataset": {"source": "s", "fingerprint": "f", "rows": 1.5}},
            "field 'dataset.rows' must be an int or null",
        ),
        ({"versions": {"x": object()}}, "field '<record>' is not JSON-serialisable"),
        ({"run_id": " padded "}, "field 'run_id' must be non-empty without surrounding spaces"),
    ],
)
def test_invalid_records_are_refused(ledger_path: Path, make_record, change, message) -> None:
    """Each broken field is named in a one-line error, and nothing is written."""
    ledger = Ledger(ledger_path)
    with pytest.raises(
        InvalidRecord, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as info:
        ledger.append(make_record(1, **change))
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)
    assert not ledger.exists


def test_missing_field_message_is_exact(ledger_path: Path, make_record) -> None:
    """The message names the field and points at the contract."""
    record = make_record(1)
    del record["actor"]
    with pytest.raises(InvalidRecord) as info:
        Ledger(ledger_path).append(record)
    assert str(info.value) == (
        "invalid run record: field 'actor' is missing; see 'What is recorded' in docs/ledger.md"
    )


def test_not_a_duckdb_file_fails_fast(tmp_path: Path, make_record) -> None:
    """A non-DuckDB file is reported at once, not retried until the timeout."""
    bogus = tmp_path / "ledger.duckdb"
    bogus.write_text("not a database")
    with pytest.raises(gates.ledger.LedgerError, match="not a valid DuckDB database file"):
        Ledger(bogus, timeout=20).append(make_record(1))
