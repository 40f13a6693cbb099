"""What a gate run gives back: every check's outcome and the verdict they add up to."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ._errors import GateFailed

__all__ = [
    "CheckResult",
    "DatasetInfo",
    "GateResult",
    "Severity",
    "SuiteInfo",
    "Verdict",
    "jsonable",
]

#: Version of the JSON document written by ``--json`` (docs/reports.md describes it).
RESULT_SCHEMA_VERSION = "1.0"


class Severity(enum.StrEnum):
    """What a failing check does to the verdict.

    Anywhere a severity is taken, its text works too: ``Severity("warn")``,
    ``Severity(" WARN ")`` (case and surrounding spaces are ignored).
    """

    BLOCK = "block"
    WARN = "warn"

    @classmethod
    def _missing_(cls, value: object) -> Severity | None:
        return _member_named(cls, value)


class Verdict(enum.StrEnum):
    """The outcome of a gate run: ``pass`` < ``warn`` < ``block``."""

    PASS = "pass"
    WARN = "warn"
    BLOCK = "block"

    @classmethod
    def _missing_(cls, value: object) -> Verdict | None:
        return _member_named(cls, value)

    @property
    def rank(self) -> int:
        """0 for pass, 1 for warn, 2 for block."""
        return {"pass": 0, "warn": 1, "block": 2}[self.value]


_E = TypeVar("_E", bound=enum.StrEnum)


def _member_named(cls: type[_E], value: object) -> _E | None:
    """The member whose value is ``value`` ignoring case and spaces (``None``: Enum's own error)."""
    if isinstance(value, str):
        text = value.strip().lower()
        for member in cls:
            if member.value == text:
                return member
    return None


def as_verdict(value: Verdict | str, *, name: str = "fail_on") -> Verdict:
    """A :class:`Verdict` from itself or its text; a one-line ``ValueError`` naming ``name`` otherwise."""
    try:
        return Verdict(value)
    except ValueError:
        choices = ", ".join(repr(v.value) for v in Verdict)
        raise ValueError(
            f"{name}={value!r} is not a verdict: use one of {choices} (or gates.Verdict)"
        ) from None


def jsonable(value: Any) -> Any:
    """One value made safe for JSON: dates to ISO text, NaN/inf to text, numpy to Python."""
    if value is None or isinstance(value, str):
        return value if type(value) is str or value is None else str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, bytes | bytearray):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return value.hex()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return jsonable(item())
    tolist = getattr(value, "tolist", None)  # numpy arrays, polars series
    if callable(tolist):
        return jsonable(tolist())
    return str(value)


@dataclass(frozen=True, slots=True, repr=False)
class CheckResult:
    """The outcome of one check.

    ``failing_count``/``failing_fraction`` are ``None`` for aggregate checks (a mean, a row
    count) where no single row fails; ``observed`` then holds the measured value.
    """

    #: Unique within the run, e.g. ``amount::in_range`` or ``table::row_count``.
    id: str
    #: The check's name in its own vocabulary (pandera check or GX expectation name).
    name: str
    #: Which engine ran it: ``pandera``, ``gx``, ``native``, ``table``, ``drift``, ...
    engine: str
    #: The column it is about, or ``None`` for table-level checks.
    column: str | None
    severity: Severity
    passed: bool
    #: What was measured (a mean, a share of failing rows, a row count, ...).
    observed: Any = None
    #: The condition in words, e.g. ``0 <= amount <= 10000``.
    expected: str | None = None
    failing_count: int | None = None
    failing_fraction: float | None = None
    #: Up to ``sample_size`` failing rows: ``{"row": 0-based row number, <column>: value, ...}``.
    sample: tuple[Mapping[str, Any], ...] = ()
    #: The pass rule when it is not all-or-nothing, e.g. ``mostly 0.99``.
    threshold: str | None = None
    #: A one-line explanation for people.
    message: str = ""
    #: Set when the check could not run at all (it then counts as failed).
    error: str | None = None
    #: Engine-specific details (kwargs, raw library output) kept for reports.
    details: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: ``<CheckResult amount::in_range failed (block, native): 1 of 6 rows fail>``."""
        state = "error" if self.error else ("passed" if self.passed else "failed")
        why = self.error or self.message
        tail = f": {_shorten(why)}" if why and not self.passed else ""
        return f"<CheckResult {self.id} {state} ({self.severity.value}, {self.engine}){tail}>"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as in the ``checks[]`` array of the JSON report."""
        return {
            "id": self.id,
            "name": self.name,
            "engine": self.engine,
            "column": self.column,
            "severity": self.severity.value,
            "passed": self.passed,
            "observed": jsonable(self.observed),
            "expected": self.expected,
            "failing_count": self.failing_count,
            "failing_fraction": jsonable(self.failing_fraction),
            "threshold": self.threshold,
            "message": self.message,
            "error": self.error,
            "sample": [jsonable(dict(r)) for r in self.sample],
            "details": jsonable(dict(self.details)),
        }


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """Which data a run read."""

    source: str
    fingerprint: str
    rows: int | None
    columns: tuple[str, ...] = ()
    format: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``dataset`` in the JSON report)."""
        return {
            "source": self.source,
            "format": self.format,
            "fingerprint": self.fingerprint,
            "rows": self.rows,
            "columns": list(self.columns),
        }


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    """Which suite a run used: its name, file and a hash of its content."""

    name: str
    hash: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``suite`` in the JSON report)."""
        return {"name": self.name, "hash": self.hash, "path": self.path}


def verdict_of(checks: Sequence[CheckResult]) -> Verdict:
    """``block`` if a blocking check failed, else ``warn`` if any check failed, else ``pass``."""
    failed = [c for c in checks if not c.passed]
    if any(c.severity is Severity.BLOCK for c in failed):
        return Verdict.BLOCK
    return Verdict.WARN if failed else Verdict.PASS


def _shorten(text: str, width: int = 80) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


@dataclass(frozen=True, slots=True, repr=False)
class GateResult:
    """Everything a gate run found.

    Example:
        >>> result = gates.check("data/orders.parquet", "suites/orders.yml")  # doctest: +SKIP
        >>> result.verdict, result.passed
        (<Verdict.BLOCK: 'block'>, False)
    """

    checks: tuple[CheckResult, ...]
    dataset: DatasetInfo
    suite: SuiteInfo
    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    versions: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: The backend that ran the fused checks: ``polars``, ``duckdb`` or ``spark``.
    backend: str = "polars"
    #: On Spark, the kind of master it ran on (``local``, ``standalone``, ``yarn``,
    #: ``kubernetes`` or ``connect``); None elsewhere. The ledger records it as ``backend.master``.
    backend_master: str | None = None

    @property
    def verdict(self) -> Verdict:
        """``block``, ``warn`` or ``pass``: see :func:`verdict_of`."""
        return verdict_of(self.checks)

    @property
    def passed(self) -> bool:
        """True unless a blocking check failed (warnings pass)."""
        return self.verdict is not Verdict.BLOCK

    @property
    def failed_checks(self) -> tuple[CheckResult, ...]:
        """The checks that did not pass, blocking ones first."""
        failed = [c for c in self.checks if not c.passed]
        return tuple(sorted(failed, key=lambda c: c.severity is not Severity.BLOCK))

    @property
    def duration_s(self) -> float:
        """Wall time of the run in seconds."""
        return (self.finished_at - self.started_at).total_seconds()

    def __repr__(self) -> str:
        """One line: ``<GateResult block: 2 of 7 checks failed (a::x, b::y) on data.csv, suite 's'>``."""
        failed = self.failed_checks
        names = ", ".join(c.id for c in failed[:3]) + (", …" if len(failed) > 3 else "")
        tail = f": {len(failed)} of {len(self.checks)} checks failed ({names})" if failed else ""
        return (
            f"<GateResult {self.verdict.value}{tail} on {_shorten(self.dataset.source, 60)},"
            f" suite {self.suite.name!r}>"
        )

    def exit_code(self, *, fail_on: Verdict | str = Verdict.BLOCK) -> int:
        """0 when the verdict is below ``fail_on``, else 1 (see docs/cli.md, exit codes).

        ``fail_on`` is a :class:`Verdict` or its text (``"warn"``, ``"block"``).
        """
        return 1 if self.verdict.rank >= as_verdict(fail_on).rank else 0

    def raise_for_verdict(self, *, fail_on: Verdict | str = Verdict.BLOCK) -> GateResult:
        """Raise :class:`GateFailed` when the verdict reaches ``fail_on`` (a Verdict or its text).

        Returns self otherwise, so ``gates.check(...).raise_for_verdict()`` chains.
        """
        if self.exit_code(fail_on=fail_on):
            raise GateFailed(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The JSON report document (schema: ``gates/report/result.schema.json``)."""
        counts = {"total": len(self.checks), "passed": sum(c.passed for c in self.checks)}
        counts["failed"] = counts["total"] - counts["passed"]
        counts["blocking_failed"] = sum(
            (not c.passed) and c.severity is Severity.BLOCK for c in self.checks
        )
        return {
            "schema_version": RESULT_SCHEMA_VERSION,
            "run_id": self.run_id,
            "verdict": self.verdict.value,
            "passed": self.passed,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "duration_s": round(self.duration_s, 6),
            "dataset": self.dataset.to_dict(),
            "suite": self.suite.to_dict(),
            "summary": counts,
            "checks": [c.to_dict() for c in self.checks],
            "versions": dict(self.versions),
            "notes": list(self.notes),
            "backend": self.backend,
            "backend_master": self.backend_master,
        }
