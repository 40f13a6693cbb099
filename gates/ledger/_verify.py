"""Recomputing the hash chain and reporting every place it does not hold."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._canonical import GENESIS_HASH, canonical_json, chain_hash
from ._errors import InvalidRecord
from ._record import normalise_record

__all__ = ["COLUMNS", "Problem", "ProblemKind", "VerifyReport", "verify_rows"]

#: Stored columns, in table order; ``verify_rows`` takes rows in this shape.
COLUMNS = (
    "seq",
    "run_id",
    "started_at",
    "finished_at",
    "suite_name",
    "suite_hash",
    "dataset_fingerprint",
    "rows",
    "verdict",
    "actor_name",
    "record",
    "prev_hash",
    "hash",
)
_SCALARS = COLUMNS[1:10]


class ProblemKind(enum.StrEnum):
    """Reason codes for a broken ledger."""

    #: A record's content no longer hashes to its stored hash.
    EDITED = "edited"
    #: Sequence numbers jump: records between two runs were deleted.
    MISSING = "missing"
    #: A record's prev_hash is not the previous record's hash (deleted, reordered or re-hashed).
    CHAIN_BROKEN = "chain_broken"
    #: A filter column (verdict, suite_name, ...) disagrees with the hashed record.
    COLUMN_MISMATCH = "column_mismatch"


@dataclass(frozen=True)
class Problem:
    """One place where the chain does not hold."""

    #: What kind of break this is.
    kind: ProblemKind
    #: The seq of the record where the break was found.
    seq: int
    #: That record's run id.
    run_id: str
    #: One line for people: what, where, and what it means.
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class VerifyReport:
    """The result of ``Ledger.verify``."""

    #: How many records the ledger holds.
    records: int
    #: The last record's stored hash (pin it elsewhere to detect truncation), or None if empty.
    head: str | None
    #: Every break found, in seq order; empty when the ledger is intact.
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """One line: ``ledger intact: N records, head <hash12>`` or the problem count."""
        if self.ok:
            head = self.head[:12] if self.head else "-"
            return f"ledger intact: {self.records} records, head {head}"
        n = len(self.problems)
        return f"ledger broken: {n} problem{'s' if n != 1 else ''} in {self.records} records"


def _where(seq: int, run_id: str) -> str:
    return f"seq {seq} (run {run_id[:8]})"


def _check_content(row: dict[str, Any]) -> list[Problem]:
    seq, run_id, text = row["seq"], row["run_id"], row["record"]
    where = _where(seq, run_id)
    actual = chain_hash(row["prev_hash"], text)
    if actual != row["hash"]:
        msg = (
            f"{where}: record was edited after it was written "
            f"(stored hash {row['hash'][:12]}, content hashes to {actual[:12]})"
        )
        return [Problem(ProblemKind.EDITED, seq, run_id, msg)]
    try:
        parsed = json.loads(text)
        canonical = canonical_json(parsed)
        columns = normalise_record(parsed).columns
    except (ValueError, TypeError, InvalidRecord) as exc:
        msg = f"{where}: record matches its hash but is not a valid run record ({exc})"
        return [Problem(ProblemKind.EDITED, seq, run_id, msg)]
    if canonical != text:
        msg = f"{where}: record matches its hash but is not canonical JSON; it was not written by the ledger"
        return [Problem(ProblemKind.EDITED, seq, run_id, msg)]
    return [
        Problem(
            ProblemKind.COLUMN_MISMATCH,
            seq,
            run_id,
            f"{where}: column {name}={row[name]!r} was edited; the hashed record says {columns[name]!r}",
        )
        for name in _SCALARS
        if row[name] != columns[name]
    ]


def _check_link(prev: dict[str, Any] | None, row: dict[str, Any]) -> list[Problem]:
    seq, run_id, where = row["seq"], row["run_id"], _where(row["seq"], row["run_id"])
    if prev is None:
        if seq != 1:
            msg = f"{seq - 1} record(s) missing before {where}: the ledger should start at seq 1"
            return [Problem(ProblemKind.MISSING, seq, run_id, msg)]
        if row["prev_hash"] != GENESIS_HASH:
            msg = (
                f"{where}: first record's prev_hash is not 64 zeros; records before it were removed"
            )
            return [Problem(ProblemKind.CHAIN_BROKEN, seq, run_id, msg)]
        return []
    before = _where(prev["seq"], prev["run_id"])
    if seq != prev["seq"] + 1:
        gap = seq - prev["seq"] - 1
        msg = f"{gap} record(s) missing between {before} and {where}"
        return [Problem(ProblemKind.MISSING, seq, run_id, msg)]
    if row["prev_hash"] != prev["hash"]:
        msg = (
            f"chain broken between {before} and {where}: prev_hash {row['prev_hash'][:12]} "
            f"is not the previous hash {prev['hash'][:12]} (a record was removed or replaced)"
        )
        return [Problem(ProblemKind.CHAIN_BROKEN, seq, run_id, msg)]
    return []


def verify_rows(rows: Sequence[Sequence[Any]]) -> VerifyReport:
    """Check a ledger's rows (in ``COLUMNS`` order, sorted by seq) link up and match their hashes.

    Args:
        rows: Every stored row, ascending by seq.

    Returns:
        The report; ``report.ok`` is true when nothing was found.
    """
    problems: list[Problem] = []
    prev: dict[str, Any] | None = None
    for values in rows:
        row = dict(zip(COLUMNS, values, strict=True))
        problems += _check_link(prev, row)
        problems += _check_content(row)
        prev = row
    head = prev["hash"] if prev is not None else None
    return VerifyReport(records=len(rows), head=head, problems=tuple(problems))
