"""Request and response bodies of the HTTP API, as pydantic models (they document the OpenAPI)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CheckOut",
    "ErrorBody",
    "ErrorDetail",
    "GateResultOut",
    "Health",
    "LedgerHealth",
    "RecordsIn",
    "RunList",
    "RunOut",
    "RunSummary",
    "SuiteList",
    "SuiteSummary",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    """What went wrong: a stable code and a one-line message."""

    code: str = Field(
        description="e.g. unauthorized, not_found, payload_too_large, invalid_input, busy"
    )
    message: str


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorDetail


class LedgerHealth(BaseModel):
    """The ledger writer's state, in ``GET /healthz``."""

    status: Literal["ok", "degraded"] = "ok"
    path: str = Field(description="the ledger file")
    spill_file: str = Field(description="where runs that cannot be written go (JSON lines)")
    spilled: int = Field(0, description="runs spilled since the service started")
    queued: int = Field(0, description="runs waiting to be written")
    last_error: str | None = Field(None, description="the last write error, until a write succeeds")


class Health(BaseModel):
    """``GET /healthz``: ``status`` is ``degraded`` while runs cannot be written to the ledger."""

    status: Literal["ok", "degraded"] = "ok"
    version: str
    suites: int
    auth: bool = Field(description="whether bearer tokens are required")
    ledger: LedgerHealth | None = None


class SuiteSummary(BaseModel):
    """One served suite."""

    name: str
    description: str | None = None
    hash: str = Field(description="sha256 of the suite file and everything it includes")
    checks: int = Field(description="how many checks the suite declares")
    columns: list[str] = Field(default_factory=list, description="the columns the suite declares")


class SuiteList(BaseModel):
    """``GET /v1/suites``."""

    suites: list[SuiteSummary]


class RecordsIn(BaseModel):
    """``POST /v1/suites/{name}/records``: a batch of rows as JSON objects."""

    records: list[dict[str, Any]] = Field(
        description="one JSON object per row, column name → value"
    )


class CheckOut(_Open):
    """One check's outcome (``checks[]`` of the JSON report, docs/reports.md)."""

    id: str
    name: str
    engine: str
    column: str | None = None
    severity: Literal["block", "warn"]
    passed: bool
    observed: Any = None
    expected: str | None = None
    failing_count: int | None = None
    failing_fraction: float | str | None = None
    threshold: str | None = None
    message: str = ""
    error: str | None = None
    sample: list[dict[str, Any]] = Field(default_factory=list)


class GateResultOut(_Open):
    """The JSON report of a run (``gates check --json``), as ``GateResult.to_dict()`` gives it."""

    schema_version: str
    run_id: str
    verdict: Literal["pass", "warn", "block"]
    passed: bool
    started_at: str
    finished_at: str
    duration_s: float
    dataset: dict[str, Any]
    suite: dict[str, Any]
    summary: dict[str, int]
    checks: list[CheckOut]
    versions: dict[str, str]
    notes: list[str]


class RunSummary(BaseModel):
    """One recorded run, as listed."""

    seq: int
    run_id: str
    suite: str
    verdict: str
    started_at: str
    finished_at: str
    rows: int | None = None
    source: str | None = None
    fingerprint: str | None = None
    actor: str | None = None
    hash: str


class RunList(BaseModel):
    """``GET /v1/runs``: newest first."""

    runs: list[RunSummary]
    limit: int
    offset: int


class RunOut(_Open):
    """``GET /v1/runs/{id}``: the stored run with its chain hashes and full record."""

    seq: int
    run_id: str
    prev_hash: str
    hash: str
    record: dict[str, Any]
