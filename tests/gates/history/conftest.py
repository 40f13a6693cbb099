"""Real runs for the history tests: gates.check on small frames, recorded in a real ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from _history_helpers import START, SUITE, Runner

from gates._result import GateResult
from gates._runner import check
from gates.history import history_for
from gates.ledger import record_result


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / "runs" / "ledger.duckdb"


@pytest.fixture
def run_day(tmp_path: Path, ledger: Path) -> Runner:
    """Check a frame written to data.parquet as on day ``day`` and record it in ``ledger``."""

    def _run(
        data: pl.DataFrame, day: int, *, suite: str = SUITE, record: bool = True
    ) -> GateResult:
        (tmp_path / "suite.yml").write_text(suite, encoding="utf-8")
        path = tmp_path / "data.parquet"
        data.write_parquet(path)
        result = check(str(path), tmp_path / "suite.yml", history=history_for(ledger))
        when = START + dt.timedelta(days=day)
        result = dataclasses.replace(result, started_at=when, finished_at=when)
        if record:
            record_result(result, ledger)
        return result

    return _run
