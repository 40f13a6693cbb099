"""The run record contract: validating what callers append, and ``StoredRun``, what they get back."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from ._canonical import canonical_json
from ._errors import InvalidRecord

__all__ = ["VERDICTS", "NormalisedRecord", "StoredRun", "normalise_record", "parse_timestamp"]

#: Verdicts a gate run can end with, from best to worst.
VERDICTS: Final = ("pass", "warn", "block", "error")

_CONTRACT = "see 'What is recorded' in docs/ledger.md"


def parse_timestamp(value: str | datetime, *, field: str = "timestamp") -> datetime:
    """Parse an ISO-8601 string (or datetime) to a naive UTC datetime; naive input is taken as UTC.

    Args:
        value: ``"2024-05-01T12:00:00Z"``, ``"2024-05-01"``, or a ``datetime``.
        field: The name used in the error message.

    Returns:
        The instant as a naive ``datetime`` in UTC (how the ledger stores and compares times).

    Raises:
        InvalidRecord: The value is not an ISO-8601 date or date-time.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            msg = f"{field} {value!r} is not an ISO-8601 date-time; use e.g. '2024-05-01T12:00:00Z'"
            raise InvalidRecord(msg) from None
    else:
        msg = f"{field} must be an ISO-8601 string, got {type(value).__name__} ({value!r})"
        raise InvalidRecord(msg)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def actor_label(actor: Mapping[str, Any]) -> str | None:
    """The short name shown for an actor: its ``name``, else its ``kind``."""
    for key in ("name", "kind"):
        value = actor.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _fail(field: str, problem: str) -> InvalidRecord:
    return InvalidRecord(f"invalid run record: field {field!r} {problem}; {_CONTRACT}")


def _get(record: Mapping[str, Any], field: str, kind: type | tuple[type, ...], name: str) -> Any:
    parts = field.split(".")
    value: Any = record
    for depth, part in enumerate(parts):
        if part not in value:
            raise _fail(field, "is missing")
        value = value[part]
        if depth < len(parts) - 1 and not isinstance(value, Mapping):
            raise _fail(
                ".".join(parts[: depth + 1]), f"must be an object, got {type(value).__name__}"
            )
    if not isinstance(value, kind):
        raise _fail(field, f"must be {name}, got {type(value).__name__} ({value!r})")
    return value


@dataclass(frozen=True)
class NormalisedRecord:
    """A validated record, its canonical JSON, and the scalar columns derived from it."""

    record: dict[str, Any]
    record_json: str
    columns: dict[str, Any]


def normalise_record(record: Mapping[str, Any]) -> NormalisedRecord:
    """Validate a caller's record, fill ``run_id``, and derive the filter columns.

    Args:
        record: The run record (see docs/ledger.md for the contract).

    Returns:
        The record as stored (a deep copy; the caller's mapping is not mutated).

    Raises:
        InvalidRecord: A required field is missing, has the wrong type, or is not JSON.
    """
    if not isinstance(record, Mapping):
        msg = f"invalid run record: expected a mapping, got {type(record).__name__}; {_CONTRACT}"
        raise InvalidRecord(msg)
    data = dict(record)
    if data.get("run_id") is None:
        data["run_id"] = uuid.uuid4().hex
    run_id = _get(data, "run_id", str, "a non-empty str")
    if not run_id.strip() or run_id != run_id.strip():
        raise _fail("run_id", f"must be non-empty without surrounding spaces, got {run_id!r}")
    started = parse_timestamp(_get(data, "started_at", str, "an ISO-8601 str"), field="started_at")
    finished = parse_timestamp(
        _get(data, "finished_at", str, "an ISO-8601 str"), field="finished_at"
    )
    _get(data, "dataset.source", str, "a str")
    fingerprint = _get(data, "dataset.fingerprint", str, "a str")
    rows = data["dataset"].get("rows")
    if rows is not None and (not isinstance(rows, int) or isinstance(rows, bool)):
        raise _fail("dataset.rows", f"must be an int or null, got {type(rows).__name__}")
    suite_name = _get(data, "suite.name", str, "a str")
    suite_hash = _get(data, "suite.hash", str, "a str")
    _get(data, "versions", Mapping, "an object of name -> version")
    verdict = _get(data, "verdict", str, "a str")
    if verdict not in VERDICTS:
        raise _fail("verdict", f"must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    _get(data, "checks", list, "a list")
    actor = _get(data, "actor", Mapping, "an object such as {'kind': 'user', 'name': ...}")
    try:
        text = canonical_json(data)
    except (TypeError, ValueError) as exc:
        raise _fail("<record>", f"is not JSON-serialisable ({exc})") from exc
    columns = {
        "run_id": run_id,
        "started_at": started,
        "finished_at": finished,
        "suite_name": suite_name,
        "suite_hash": suite_hash,
        "dataset_fingerprint": fingerprint,
        "rows": rows,
        "verdict": verdict,
        "actor_name": actor_label(actor),
    }
    return NormalisedRecord(record=json.loads(text), record_json=text, columns=columns)


@dataclass(frozen=True)
class StoredRun:
    """One run as stored in the ledger: its place in the chain and the full record."""

    #: Position in the ledger, 1 for the first run, contiguous.
    seq: int
    #: The run's id (a uuid4 hex unless the caller chose one).
    run_id: str
    #: ``sha256(prev_hash + canonical_json(record))``.
    hash: str
    #: The previous run's hash, or 64 zeros for the first run.
    prev_hash: str
    #: The full record as appended (after ``run_id`` was filled in).
    record: dict[str, Any]

    @property
    def short_id(self) -> str:
        """The first 8 characters of the run id (enough for ``Ledger.get`` in practice)."""
        return self.run_id[:8]

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"warn"``, ``"block"`` or ``"error"``."""
        return str(self.record["verdict"])

    @property
    def suite_name(self) -> str:
        """The suite's name."""
        return str(self.record["suite"]["name"])

    @property
    def suite_hash(self) -> str:
        """The suite's content hash."""
        return str(self.record["suite"]["hash"])

    @property
    def dataset_fingerprint(self) -> str:
        """The dataset's fingerprint."""
        return str(self.record["dataset"]["fingerprint"])

    @property
    def rows(self) -> int | None:
        """The dataset's row count, if the caller recorded it."""
        rows = self.record["dataset"].get("rows")
        return int(rows) if rows is not None else None

    @property
    def started_at(self) -> datetime:
        """When the run started, as an aware UTC datetime."""
        return parse_timestamp(self.record["started_at"]).replace(tzinfo=UTC)

    @property
    def finished_at(self) -> datetime:
        """When the run finished, as an aware UTC datetime."""
        return parse_timestamp(self.record["finished_at"]).replace(tzinfo=UTC)

    @property
    def actor(self) -> dict[str, Any]:
        """Who or what ran the gate (user, token or CI metadata)."""
        return dict(self.record["actor"])

    @property
    def actor_name(self) -> str | None:
        """The actor's name, else its kind."""
        return actor_label(self.record["actor"])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy: ``seq``, ``run_id``, ``prev_hash``, ``hash`` and ``record``."""
        return {
            "seq": self.seq,
            "run_id": self.run_id,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "record": copy.deepcopy(self.record),
        }
