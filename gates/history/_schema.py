"""The history file's three tables: their DDL, column types, and the rows of one ledger record.

``history_runs`` (one row per run, with the ledger record's ``seq``, ``run_id`` and ``hash``),
``history_metrics`` (one row per numeric metric of a run; :func:`~._metrics.metric_rows`) and
``history_bands`` (the band an anomaly check judged a metric against). Rows are inserted as
Arrow tables (:func:`arrow`): DuckDB's ``executemany`` inserts row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ledger._record import parse_timestamp

__all__ = ["DDL", "EXPORT_COLUMNS", "RUN_FIELDS", "arrow", "run_row"]

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
