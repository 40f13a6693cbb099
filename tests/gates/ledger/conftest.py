"""Fixtures for the ledger tests: a record factory and a fresh ledger path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RecordFactory = Callable[..., dict[str, Any]]


def build_record(i: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid run record; ``i`` varies the day, rows, fingerprint and suite."""
    record: dict[str, Any] = {
        "started_at": f"2024-05-{i:02d}T10:00:00Z",
        "finished_at": f"2024-05-{i:02d}T10:00:07Z",
        "dataset": {"source": "data/train.csv", "fingerprint": f"fp-{i}", "rows": 100 * i},
        "suite": {"name": "churn" if i % 2 else "fraud", "hash": f"suite-hash-{i % 2}"},
        "versions": {"gates": "0.1.0", "polars": "2.1.0"},
        "verdict": "pass",
        "checks": [{"name": "not_null:age", "ok": True, "failures": 0, "note": "âge ✓"}],
        "actor": {"kind": "token", "name": "ci"},
    }
    record.update(overrides)
    return record


@pytest.fixture
def make_record() -> RecordFactory:
    """Build valid run records: ``make_record(3, verdict="block")``."""
    return build_record


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """A ledger path in a directory that does not exist yet."""
    return tmp_path / "nested" / ".gates" / "ledger.duckdb"
