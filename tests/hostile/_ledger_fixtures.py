"""Shared helpers of the ledger and service fault tests: records, ledgers, and ways to break them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from gates.ledger import Ledger

GATES = str(Path(os.environ.get("VIRTUAL_ENV", "")) / "bin" / "gates")


def gates_exe() -> str:
    """The `gates` script next to the running interpreter."""
    import sys

    return str(Path(sys.executable).with_name("gates"))


def build_record(i: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid run record; ``i`` varies the day and the fingerprint."""
    record: dict[str, Any] = {
        "run_id": f"run{i:04d}" + "a" * 28,
        "started_at": f"2024-05-{i:02d}T10:00:00Z",
        "finished_at": f"2024-05-{i:02d}T10:00:07Z",
        "dataset": {"source": "data.csv", "fingerprint": f"fp-{i}", "rows": 10 * i},
        "suite": {"name": "orders", "hash": "h"},
        "versions": {"gates": "0.1.0"},
        "verdict": "pass",
        "checks": [],
        "actor": {"kind": "user", "name": "tester"},
    }
    record.update(overrides)
    return record


def good_ledger(path: Path, n: int = 3) -> Path:
    """A fresh ledger with ``n`` intact runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Ledger(path).append_many([build_record(i) for i in range(1, n + 1)])
    return path


def _sql(path: Path, statement: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(statement)
    finally:
        con.close()


# --- WAYS TO MAKE A LEDGER FILE UNREADABLE ---------------------------------------------------


def truncate_half(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate(size // 2)


def truncate_4k(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.truncate(4096)


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def text_file(path: Path) -> None:
    path.write_text("this is not a ledger\n", encoding="utf-8")


def json_file(path: Path) -> None:
    path.write_text('{"runs": []}\n', encoding="utf-8")


def zero_header(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"\0" * 8192)


def csv_header(path: Path) -> None:
    path.write_text("seq,run_id\n1,abc\n", encoding="utf-8")


def wrong_table(path: Path) -> None:
    path.unlink()
    _sql(
        path,
        "CREATE TABLE gate_runs (seq BIGINT, note VARCHAR); INSERT INTO gate_runs VALUES (1, 'x')",
    )


#: Corruptions after which the file is not a readable ledger at all: every command exits 2.
UNREADABLE: dict[str, Callable[[Path], None]] = {
    "truncated-half": truncate_half,
    "truncated-4k": truncate_4k,
    "garbage": garbage,
    "text": text_file,
    "json": json_file,
    "zeroed-header": zero_header,
    "csv": csv_header,
    "wrong-table": wrong_table,
}


# --- WAYS TO DAMAGE ONE RECORD (the file still opens) ----------------------------------------


def bad_json_record(path: Path) -> None:
    _sql(path, "UPDATE gate_runs SET record = '{\"verdict\": ' WHERE seq = 2")


def record_not_object(path: Path) -> None:
    _sql(path, "UPDATE gate_runs SET record = '[1, 2, 3]' WHERE seq = 2")


def record_missing_field(path: Path) -> None:
    _sql(path, "UPDATE gate_runs SET record = json_object('run_id', run_id) WHERE seq = 2")


#: Records that cannot be read back: list/show/export exit 2 naming seq 2; verify exits 1.
BAD_RECORD: dict[str, Callable[[Path], None]] = {
    "bad-json": bad_json_record,
    "not-an-object": record_not_object,
    "missing-fields": record_missing_field,
}


# --- TAMPERING (readable, but the chain does not hold) ---------------------------------------


def edit_verdict(path: Path) -> None:
    _sql(
        path, "UPDATE gate_runs SET record = replace(record, '\"pass\"', '\"warn\"') WHERE seq = 2"
    )


def edit_column(path: Path) -> None:
    _sql(path, "UPDATE gate_runs SET verdict = 'block' WHERE seq = 2")


def delete_middle(path: Path) -> None:
    _sql(path, "DELETE FROM gate_runs WHERE seq = 2")


def delete_first(path: Path) -> None:
    _sql(path, "DELETE FROM gate_runs WHERE seq = 1")


def rehash_prev(path: Path) -> None:
    _sql(path, "UPDATE gate_runs SET prev_hash = repeat('1', 64) WHERE seq = 3")


#: Tampering that `verify` must report with exit 1 and `check` must warn about.
TAMPERED: dict[str, Callable[[Path], None]] = {
    "edited-record": edit_verdict,
    "edited-column": edit_column,
    "deleted-middle": delete_middle,
    "deleted-first": delete_first,
    "relinked": rehash_prev,
}


def copy_ledger(src: Path, dest: Path) -> Path:
    """A copy of a ledger file (its lock file is not copied)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest
