"""``Ledger``: append gate runs to a hash-chained DuckDB table, and read them back."""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from ._canonical import GENESIS_HASH, chain_hash
from ._errors import (
    AmbiguousRunId,
    BrokenChain,
    BrokenChainWarning,
    DuplicateRun,
    ExportExists,
    InvalidRecord,
    LedgerCorrupt,
    LedgerError,
    RunNotFound,
)
from ._export import ExportFormat, resolve_format, write_jsonl, write_parquet
from ._lock import DEFAULT_TIMEOUT, locked_connection
from ._record import VERDICTS, StoredRun, normalise_record, parse_timestamp
from ._verify import COLUMNS, VerifyReport, verify_rows

__all__ = ["DEFAULT_LEDGER_PATH", "Ledger"]

#: Where the CLI and ``Ledger()`` look when no path is given.
DEFAULT_LEDGER_PATH = ".gates/ledger.duckdb"

_TABLE = "gate_runs"
_DDL = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    seq BIGINT PRIMARY KEY,
    run_id VARCHAR NOT NULL UNIQUE,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    suite_name VARCHAR NOT NULL,
    suite_hash VARCHAR NOT NULL,
    dataset_fingerprint VARCHAR NOT NULL,
    "rows" BIGINT,
    verdict VARCHAR NOT NULL,
    actor_name VARCHAR,
    record VARCHAR NOT NULL,
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
)
"""
_SELECT = ", ".join(f'"{name}"' for name in COLUMNS)
_INSERT = f"INSERT INTO {_TABLE} ({_SELECT}) VALUES ({', '.join('?' * len(COLUMNS))})"
_RUN_COLUMNS = "seq, run_id, hash, prev_hash, record"


#: One query that re-hashes the whole chain in DuckDB: how many rows break a link or a hash.
_CHAIN_CHECK = f"""
SELECT count(*) FILTER (WHERE broken), min(seq) FILTER (WHERE broken)
FROM (
  SELECT seq, hash <> sha256(prev_hash || record) OR prev_hash <> prev OR seq <> position
      OR run_id IS DISTINCT FROM try(json_extract_string(record, '$.run_id'))
      OR verdict IS DISTINCT FROM try(json_extract_string(record, '$.verdict'))
      OR suite_name IS DISTINCT FROM try(json_extract_string(record, '$.suite.name'))
      OR suite_hash IS DISTINCT FROM try(json_extract_string(record, '$.suite.hash'))
      OR dataset_fingerprint IS DISTINCT FROM try(json_extract_string(record, '$.dataset.fingerprint'))
      AS broken
  FROM (
    SELECT seq, hash, prev_hash, record, run_id, verdict, suite_name, suite_hash,
           dataset_fingerprint,
           lag(hash, 1, '{GENESIS_HASH}') OVER (ORDER BY seq) AS prev,
           row_number() OVER (ORDER BY seq) AS position
    FROM {_TABLE}
  )
)
"""

#: What ``append`` does when the stored chain is already broken: warn (``BrokenChainWarning``),
#: refuse (``BrokenChain``), ignore, or call a function with the one-line message.
OnBroken = Literal["warn", "refuse", "ignore"] | Callable[[str], None]


def _run(row: tuple[Any, ...], path: Path) -> StoredRun:
    seq, run_id, hash_, prev_hash, text = row
    try:
        record = normalise_record(json.loads(text)).record
    except (ValueError, TypeError, InvalidRecord) as exc:
        reason = str(exc).split("; see ")[0]
        msg = (
            f"ledger {path}: record seq {seq} (run {str(run_id)[:8]}) is not a readable run "
            f"record ({reason}); run `gates ledger verify --ledger {path}` to see what was changed"
        )
        raise LedgerCorrupt(msg) from exc
    return StoredRun(seq=seq, run_id=run_id, hash=hash_, prev_hash=prev_hash, record=record)


def _cannot_write(target: Path, exc: BaseException) -> LedgerError:
    reason = getattr(exc, "strerror", None) or str(exc).strip().splitlines()[0]
    return LedgerError(f"cannot write export {target}: {reason}; pick a writable path")


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [_TABLE]
    ).fetchone()
    return found is not None


class Ledger:
    """An append-only, hash-chained store of gate runs in one DuckDB file.

    Each appended record gets the next ``seq`` and
    ``hash = sha256(prev_hash + canonical_json(record))``, so editing or deleting a stored
    run breaks the chain and ``verify`` says where. Safe to share between processes:
    writers serialise on ``<path>.lock``.

    Args:
        path: The DuckDB file; parent directories and the table are created on first append.
        timeout: Seconds an operation waits for other processes before ``LedgerLocked``.

    Example:
        >>> ledger = Ledger(tmp_path / "ledger.duckdb")  # doctest: +SKIP
        >>> run = ledger.append(record)  # doctest: +SKIP
        >>> ledger.get(run.short_id).verdict  # doctest: +SKIP
        'pass'
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_LEDGER_PATH,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    @property
    def exists(self) -> bool:
        """Whether the ledger file exists yet (it is created by the first ``append``)."""
        return self.path.exists()

    # --- WRITING -------------------------------------------------------------------------

    def append(self, record: Mapping[str, Any], *, on_broken: OnBroken = "warn") -> StoredRun:
        """Append one run record at the head of the chain.

        Args:
            record: The run record (``run_id`` is generated when absent). See docs/ledger.md.
            on_broken: When the stored chain is already broken: ``"warn"`` (a
                ``BrokenChainWarning``, then append), ``"refuse"`` (``BrokenChain``, nothing
                written), ``"ignore"``, or a function called with the one-line message.

        Returns:
            The stored run, with its ``seq``, ``prev_hash`` and ``hash``.

        Raises:
            InvalidRecord: The record breaks the record contract.
            DuplicateRun: A run with the same ``run_id`` is already recorded.
            LedgerLocked: Other processes kept the ledger busy for longer than ``timeout``.
            LedgerCorrupt: The file is not a DuckDB ledger or is damaged.
            BrokenChain: The chain is broken and ``on_broken="refuse"``.
            LedgerError: Any other failure to write the file (permissions, disk full).
        """
        return self.append_many([record], on_broken=on_broken)[0]

    def append_many(
        self, records: Sequence[Mapping[str, Any]], *, on_broken: OnBroken = "warn"
    ) -> list[StoredRun]:
        """Append several run records in one locked transaction, in order.

        The chain is the same as appending them one by one; either all are written or none.
        Before writing, the stored chain is re-hashed (one DuckDB query); see ``on_broken``.

        Args:
            records: The run records, oldest first.
            on_broken: ``"warn"``, ``"refuse"`` or ``"ignore"``, as for :meth:`append`.

        Returns:
            The stored runs, in the same order.

        Raises:
            InvalidRecord: A record breaks the record contract (nothing is written).
            DuplicateRun: A run id is already recorded or repeats in ``records`` (nothing is written).
            LedgerLocked: Other processes kept the ledger busy for longer than ``timeout``.
            LedgerCorrupt: The file is not a DuckDB ledger or is damaged.
            BrokenChain: The chain is broken and ``on_broken="refuse"``.
            LedgerError: Any other failure to write the file (permissions, disk full).
        """
        norms = [normalise_record(r) for r in records]
        if not norms:
            return []
        ids = [n.columns["run_id"] for n in norms]
        stored: list[StoredRun] = []
        with locked_connection(self.path, write=True, timeout=self.timeout) as con:
            con.execute(_DDL)
            marks = ", ".join("?" * len(ids))
            dup = con.execute(
                f"SELECT run_id FROM {_TABLE} WHERE run_id IN ({marks}) LIMIT 1", ids
            ).fetchone()
            if dup or len(set(ids)) != len(ids):
                run_id = dup[0] if dup else next(i for i in ids if ids.count(i) > 1)
                msg = f"run {run_id!r} is already in ledger {self.path}; give each run a new run_id"
                raise DuplicateRun(msg)
            head = con.execute(
                f"SELECT seq, hash FROM {_TABLE} ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)
            if head and on_broken != "ignore":
                self._check_chain(con, on_broken)
            rows = []
            for norm in norms:
                seq += 1
                hash_ = chain_hash(prev_hash, norm.record_json)
                values = {**norm.columns, "seq": seq, "record": norm.record_json}
                values |= {"prev_hash": prev_hash, "hash": hash_}
                rows.append([values[name] for name in COLUMNS])
                stored.append(
                    StoredRun(
                        seq=seq,
                        run_id=norm.columns["run_id"],
                        hash=hash_,
                        prev_hash=prev_hash,
                        record=norm.record,
                    )
                )
                prev_hash = hash_
            con.execute("BEGIN TRANSACTION")
            try:
                con.executemany(_INSERT, rows)
                con.execute("COMMIT")
            except duckdb.Error as exc:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                msg = f"could not append {len(rows)} run(s) to ledger {self.path}: {reason}"
                raise LedgerError(msg) from exc
        return stored

    def _check_chain(self, con: duckdb.DuckDBPyConnection, on_broken: OnBroken) -> None:
        found = con.execute(_CHAIN_CHECK).fetchone()
        broken, first = (int(found[0]), found[1]) if found else (0, None)
        if not broken:
            return
        msg = (
            f"ledger {self.path} is already broken ({broken} record(s) edited, removed or out "
            f"of place, the first at seq {first}); run `gates ledger verify --ledger {self.path}`"
        )
        if on_broken == "refuse":
            raise BrokenChain(f"{msg}; nothing was appended")
        if callable(on_broken):
            on_broken(f"{msg}; appended anyway")
            return
        warnings.warn(f"{msg}; appended anyway", BrokenChainWarning, stacklevel=4)

    # --- READING -------------------------------------------------------------------------

    def _query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        if not self.exists:
            return []
        with locked_connection(self.path, write=False, timeout=self.timeout) as con:
            if not _has_table(con):
                return []
            return con.execute(sql, params).fetchall()

    def list(
        self,
        *,
        suite: str | None = None,
        verdict: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[StoredRun]:
        """Recorded runs, newest (highest seq) first.

        Args:
            suite: Only runs of this suite name.
            verdict: Only runs with this verdict (``pass``, ``warn``, ``block``, ``error``).
            since: Only runs started at or after this ISO-8601 time (UTC when no offset).
            until: Only runs started strictly before this time.
            limit: At most this many runs; ``None`` for all.
            offset: Skip this many of the newest matches first (for paging).

        Returns:
            The matching runs; empty when the ledger does not exist yet.

        Raises:
            ValueError: An unknown verdict, a bad time, or a negative limit/offset.
        """
        where: list[str] = []
        params: list[Any] = []
        if suite is not None:
            where.append("suite_name = ?")
            params.append(suite)
        if verdict is not None:
            if verdict not in VERDICTS:
                raise ValueError(f"unknown verdict {verdict!r}; use one of {', '.join(VERDICTS)}")
            where.append("verdict = ?")
            params.append(verdict)
        for name, value, op in (("since", since, ">="), ("until", until, "<")):
            if value is not None:
                where.append(f"started_at {op} ?")
                params.append(parse_timestamp(value, field=name))
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must be >= 0, got limit={limit}, offset={offset}")
        sql = f"SELECT {_RUN_COLUMNS} FROM {_TABLE}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        sql += f" OFFSET {int(offset)}"
        return [_run(row, self.path) for row in self._query(sql, params)]

    def get(self, run_id: str) -> StoredRun:
        """One run by its id or a unique prefix of it.

        Args:
            run_id: The full run id, or its first characters (as shown by ``gates ledger list``).

        Returns:
            The stored run.

        Raises:
            RunNotFound: No run matches (or the ledger does not exist yet).
            AmbiguousRunId: The prefix matches several runs.
        """
        prefix = run_id.strip()
        if not prefix:
            raise RunNotFound("empty run id; pass a run id or its first characters")
        sql = (
            f"SELECT {_RUN_COLUMNS} FROM {_TABLE} WHERE starts_with(run_id, ?) ORDER BY seq LIMIT 6"
        )
        rows = self._query(sql, [prefix])
        exact = [row for row in rows if row[1] == prefix]
        if exact:
            return _run(exact[0], self.path)
        if not rows:
            where = f"ledger {self.path}" if self.exists else f"{self.path} (no ledger there yet)"
            msg = f"no run with id {prefix!r} in {where}; list runs with `gates ledger list`"
            raise RunNotFound(msg)
        if len(rows) > 1:
            shown = ", ".join(row[1][:12] for row in rows[:5]) + (", …" if len(rows) > 5 else "")
            msg = f"run id prefix {prefix!r} matches several runs ({shown}); give more characters"
            raise AmbiguousRunId(msg)
        return _run(rows[0], self.path)

    def __len__(self) -> int:
        rows = self._query(f"SELECT count(*) FROM {_TABLE}", [])
        return int(rows[0][0]) if rows else 0

    # --- AUDITING ------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Recompute the hash chain and report edited, deleted or out-of-place records.

        Returns:
            The report: ``ok``, ``records``, ``head`` (last hash) and one ``Problem`` per break.
            A missing ledger verifies as empty (0 records).
        """
        rows = self._query(f"SELECT {_SELECT} FROM {_TABLE} ORDER BY seq", [])
        return verify_rows(rows)

    def export(
        self,
        path: str | os.PathLike[str],
        *,
        format: ExportFormat | None = None,
        overwrite: bool = False,
    ) -> int:
        """Write every run, oldest first, to JSON lines or Parquet.

        JSON lines hold one ``StoredRun.to_dict()`` per line; Parquet holds the table's columns
        with ``record`` as canonical JSON text, so hashes can be re-checked from the export.

        Args:
            path: The target file; ``.jsonl``/``.ndjson`` or ``.parquet`` picks the format.
            format: ``"jsonl"`` or ``"parquet"``, overriding the suffix.
            overwrite: Replace ``path`` if it exists (otherwise ``ExportExists``).

        Returns:
            How many runs were written.

        Raises:
            ExportExists: ``path`` exists and ``overwrite`` is false.
            ValueError: The format is unknown or cannot be inferred.
            RunNotFound: The ledger does not exist yet.
        """
        target = Path(path)
        fmt = resolve_format(target, format, overwrite=overwrite)
        if not self.exists:
            raise RunNotFound(f"no ledger at {self.path}; nothing to export")
        with locked_connection(self.path, write=False, timeout=self.timeout) as con:
            if not _has_table(con):
                raise RunNotFound(f"ledger {self.path} has no runs table; nothing to export")
            count = int(con.execute(f"SELECT count(*) FROM {_TABLE}").fetchall()[0][0])
            if fmt == "parquet":
                try:
                    write_parquet(con, _TABLE, _SELECT, target, overwrite=overwrite)
                except ExportExists:
                    raise
                except duckdb.Error as exc:
                    if str(self.path) in str(exc) or str(target.parent) not in str(exc):
                        raise  # reading the ledger failed: the boundary names the ledger
                    raise _cannot_write(target, exc) from exc
                except OSError as exc:
                    raise _cannot_write(target, exc) from exc
            else:
                rows = con.execute(f"SELECT {_RUN_COLUMNS} FROM {_TABLE} ORDER BY seq").fetchall()
                runs = [_run(row, self.path) for row in rows]
                try:
                    write_jsonl(runs, target, overwrite=overwrite)
                except ExportExists:
                    raise
                except OSError as exc:
                    raise _cannot_write(target, exc) from exc
        return count
