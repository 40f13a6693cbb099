"""The history file's three tables: their DDL, column types, and the rows of one ledger record.

``history_runs`` (one row per run, with the ledger record's ``seq``, ``run_id`` and ``hash``),
``history_metrics`` (one row per numeric metric of a run; :func:`~._metrics.metric_rows`) and
``history_bands`` (the band an anomaly check judged a metric against). :func:`insert` writes
a run's few dozen rows as one ``INSERT … VALUES`` statement (no pyarrow import on the gate's
path) and a rebuild's thousands as Arrow tables (:func:`arrow`); never ``executemany``, which
DuckDB runs row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ledger._record import parse_timestamp

__all__ = ["DDL", "EXPORT_COLUMNS", "RUN_FIELDS", "arrow", "delete_runs", "insert", "run_row"]

DDL = """
CREATE TABLE IF NOT EXISTS history_runs (
    ledger_seq BIGINT PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    ledger_hash VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    suite_name VARCHAR NOT NULL,
    suite_hash VARCHAR NOT NULL,
    dataset_source VARCHAR,
    dataset_fingerprint VARCHAR,
    "rows" BIGINT,
    backend VARCHAR,
    verdict VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS history_metrics (
    ledger_seq BIGINT NOT NULL,
    metric VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    check_id VARCHAR,
    column_name VARCHAR,
    value DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS history_bands (
    ledger_seq BIGINT NOT NULL,
    metric VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    lower DOUBLE,
    upper DOUBLE,
    centre DOUBLE,
    passed BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS history_metric_idx ON history_metrics (metric);
"""
#: The columns of :meth:`History.export_rows` (and of ``gates history export``).
EXPORT_COLUMNS = (
    "ledger_seq",
    "run_id",
    "started_at",
    "suite",
    "suite_hash",
    "dataset",
    "fingerprint",
    "verdict",
    "metric",
    "kind",
    "check_id",
    "column",
    "value",
    "lower",
    "upper",
    "in_band",
)
RUN_FIELDS = (
    "ledger_seq, run_id, ledger_hash, started_at, suite_name, suite_hash, dataset_source, "
    'dataset_fingerprint, "rows", backend, verdict'
)


def run_row(seq: int, run_id: str, hash_: str, record: Mapping[str, Any]) -> list[Any]:
    """The ``history_runs`` row of one ledger record."""
    dataset = record.get("dataset") or {}
    suite = record.get("suite") or {}
    backend = record.get("backend")
    if isinstance(backend, Mapping):
        backend = backend.get("name")
    started = parse_timestamp(record["started_at"], field="started_at")
    return [
        seq,
        run_id,
        hash_,
        started,
        suite.get("name", ""),
        suite.get("hash", ""),
        dataset.get("source"),
        dataset.get("fingerprint"),
        dataset.get("rows"),
        backend,
        record.get("verdict", ""),
    ]


#: Column names and Arrow types of each table, in table order (for the bulk insert).
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "seqs": (("seq", "int64"),),
    "history_runs": (
        ("ledger_seq", "int64"),
        ("run_id", "string"),
        ("ledger_hash", "string"),
        ("started_at", "timestamp"),
        ("suite_name", "string"),
        ("suite_hash", "string"),
        ("dataset_source", "string"),
        ("dataset_fingerprint", "string"),
        ("rows", "int64"),
        ("backend", "string"),
        ("verdict", "string"),
    ),
    "history_metrics": (
        ("ledger_seq", "int64"),
        ("metric", "string"),
        ("kind", "string"),
        ("check_id", "string"),
        ("column_name", "string"),
        ("value", "float64"),
    ),
    "history_bands": (
        ("ledger_seq", "int64"),
        ("metric", "string"),
        ("method", "string"),
        ("lower", "float64"),
        ("upper", "float64"),
        ("centre", "float64"),
        ("passed", "bool"),
    ),
}


def arrow(table: str, rows: Sequence[Sequence[Any]]) -> Any:
    """Rows as an Arrow table with the history table's column types."""
    import pyarrow as pa

    types = {"timestamp": pa.timestamp("us")}
    columns = _COLUMNS[table]
    return pa.table(
        {
            name: pa.array([r[i] for r in rows], type=types.get(kind) or pa.type_for_alias(kind))
            for i, (name, kind) in enumerate(columns)
        }
    )


#: Up to this many rows go in one ``INSERT … VALUES`` (a recorded run has a few dozen);
#: more (a rebuild) go as an Arrow table: binding many parameters costs ~0.15 ms a row.
VALUES_MAX = 500


def insert(con: Any, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` into ``table`` on the DuckDB connection ``con`` (inside its transaction)."""
    if not rows:
        return
    if len(rows) <= VALUES_MAX:
        one = "(" + ", ".join("?" * len(_COLUMNS[table])) + ")"
        marks = ", ".join([one] * len(rows))
        con.execute(f"INSERT INTO {table} VALUES {marks}", [v for row in rows for v in row])
        return
    con.register("_rows", arrow(table, rows))
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


def delete_runs(con: Any, seqs: Sequence[int]) -> None:
    """Delete every row of the runs ``seqs`` (ledger seqs) from the three tables."""
    if not seqs:
        return
    tables = ("history_metrics", "history_bands", "history_runs")
    if len(seqs) <= VALUES_MAX:
        marks = ", ".join("?" * len(seqs))
        for table in tables:
            con.execute(f"DELETE FROM {table} WHERE ledger_seq IN ({marks})", list(seqs))
        return
    con.register("_seqs", arrow("seqs", [[q] for q in seqs]))
    try:
        for table in tables:
            con.execute(f"DELETE FROM {table} WHERE ledger_seq IN (SELECT seq FROM _seqs)")
    finally:
        con.unregister("_seqs")
