"""Exporting the ledger to JSON lines and Parquet, and refusing to overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from gates.ledger import ExportExists, Ledger, RunNotFound, canonical_json, chain_hash


@pytest.fixture
def ledger(ledger_path: Path, make_record) -> Ledger:
    """A ledger with three runs."""
    led = Ledger(ledger_path)
    for i in range(1, 4):
        led.append(make_record(i, run_id=f"run-{i}", verdict=["pass", "warn", "block"][i - 1]))
    return led


def test_export_jsonl(ledger: Ledger, tmp_path: Path) -> None:
    """One StoredRun.to_dict() per line, oldest first, unicode kept."""
    target = tmp_path / "out" / "runs.jsonl"
    assert ledger.export(target) == 3
    lines = target.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["seq"] for row in rows] == [1, 2, 3]
    assert rows[2] == ledger.get("run-3").to_dict()
    assert "âge ✓" in lines[0]
    # the chain can be re-checked from the export alone
    for row in rows:
        assert row["hash"] == chain_hash(row["prev_hash"], canonical_json(row["record"]))


def test_export_parquet(ledger: Ledger, tmp_path: Path) -> None:
    """Parquet via DuckDB COPY holds every column, ascending by seq."""
    target = tmp_path / "runs.parquet"
    assert ledger.export(target) == 3
    frame = pl.read_parquet(target)
    assert frame["seq"].to_list() == [1, 2, 3]
    assert frame["verdict"].to_list() == ["pass", "warn", "block"]
    assert frame["rows"].to_list() == [100, 200, 300]
    assert set(frame.columns) >= {"run_id", "record", "prev_hash", "hash", "suite_name"}
    first = frame.row(0, named=True)
    assert first["hash"] == chain_hash(first["prev_hash"], first["record"])


def test_format_overrides_suffix(ledger: Ledger, tmp_path: Path) -> None:
    """``format=`` wins over the suffix; an unknown suffix needs it."""
    target = tmp_path / "runs.txt"
    with pytest.raises(
        ValueError, match=r"cannot tell the export format of .*runs.txt from its suffix '.txt'"
    ):
        ledger.export(target)
    assert ledger.export(target, format="jsonl") == 3
    assert len(target.read_text().splitlines()) == 3
    with pytest.raises(ValueError, match="unknown export format 'csv'"):
        ledger.export(tmp_path / "x.jsonl", format="csv")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["runs.jsonl", "runs.parquet"])
def test_export_refuses_to_overwrite(ledger: Ledger, tmp_path: Path, name: str) -> None:
    """An existing file is kept unless overwrite=True."""
    target = tmp_path / name
    target.write_text("keep me")
    with pytest.raises(ExportExists) as info:
        ledger.export(target)
    assert (
        str(info.value)
        == f"{target} already exists; pass overwrite=True (gates ledger export --force) to replace it"
    )
    assert isinstance(info.value, FileExistsError)
    assert target.read_text() == "keep me"
    assert ledger.export(target, overwrite=True) == 3
    assert target.read_bytes() != b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_export_missing_ledger(tmp_path: Path) -> None:
    """Nothing to export is an error, and no file is written."""
    with pytest.raises(RunNotFound, match=r"no ledger at .*; nothing to export"):
        Ledger(tmp_path / "none.duckdb").export(tmp_path / "runs.jsonl")
    assert not (tmp_path / "runs.jsonl").exists()
