"""``gates profile``, ``gates drift`` and ``gates suggest`` end to end through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

GATES = str(Path(sys.executable).with_name("gates"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(5)
    n = 3000
    pl.DataFrame(
        {"order_id": np.arange(n), "amount": rng.gamma(2, 40, n), "tier": rng.choice(["a", "b"], n)}
    ).write_parquet(root / "base.parquet")
    pl.DataFrame(
        {
            "order_id": np.arange(n),
            "amount": rng.gamma(2, 90, n),
            "tier": rng.choice(["a", "b", "c"], n),
        }
    ).write_parquet(root / "today.parquet")
    return root


def test_profile_writes_json_html_and_prints_a_table(data: Path) -> None:
    """Console table on stdout, no progress bar when not a TTY, JSON and HTML files written."""
    r = run("profile", "base.parquet", "--json", "base.json", "--html", "base.html", cwd=data)
    assert r.returncode == 0, r.stderr
    assert "base.parquet: 3,000 rows × 3 columns" in r.stdout
    assert "id-like" in r.stdout
    assert r.stderr == ""
    doc = json.loads((data / "base.json").read_text())
    assert doc["schema_version"] == "1.0"
    assert doc["rows"] == 3000
    assert (data / "base.html").read_text().startswith("<!doctype html>")


def test_profile_json_to_stdout(data: Path) -> None:
    """--json - prints only the document."""
    r = run("profile", "base.parquet", "--json", "-", "--sample", "500", cwd=data)
    assert r.returncode == 0
    assert json.loads(r.stdout)["sample"] == {"method": "rows", "value": 500, "seed": 0}


def test_drift_and_baseline(data: Path) -> None:
    """gates drift ranks drifted columns; --fail-on-drift exits 1; --baseline adds drift to the profile JSON."""
    assert run("profile", "base.parquet", "--json", "base.json", "-q", cwd=data).returncode == 0
    r = run(
        "drift", "today.parquet", "base.json", "--json", "drift.json", "--fail-on-drift", cwd=data
    )
    assert r.returncode == 1, r.stderr
    doc = json.loads((data / "drift.json").read_text())
    assert [c["column"] for c in doc["columns"]][:2] in (["tier", "amount"], ["amount", "tier"])
    assert doc["columns"][-1]["column"] == "order_id"
    assert doc["columns"][-1]["drifted"] == []
    r = run("drift", "today.parquet", "base.json", "-t", "psy=1", cwd=data)
    assert r.returncode == 2
    assert "unknown metric 'psy'" in r.stderr
    r = run(
        "profile", "today.parquet", "--baseline", "base.json", "--json", "p.json", "-q", cwd=data
    )
    assert r.returncode == 0
    assert json.loads((data / "p.json").read_text())["drift"]["columns"]


def test_suggest_then_check_passes_and_refuses_overwrite(data: Path) -> None:
    """The suggested suite passes gates check on the same data; a second run without --force exits 2."""
    r = run("suggest", "base.parquet", "--out", "suites/base.yml", cwd=data)
    assert r.returncode == 0, r.stderr
    r = run("check", "base.parquet", "--suite", "suites/base.yml", "--no-ledger", cwd=data)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("suggest", "base.parquet", "--out", "suites/base.yml", cwd=data)
    assert r.returncode == 2
    assert "the file exists; pass --force" in r.stderr
    assert (
        run("suggest", "base.parquet", "--out", "suites/base.yml", "--force", cwd=data).returncode
        == 0
    )


def test_bad_input_is_one_line_exit_2(data: Path) -> None:
    """A non-UTF-8 CSV and a missing file give one error line and exit 2, no traceback."""
    (data / "bad.csv").write_bytes(b"a,b\n1,caf\xe9\n")
    for target in ("bad.csv", "missing.parquet"):
        r = run("profile", target, cwd=data)
        assert r.returncode == 2
        assert r.stderr.startswith("error:"), r.stderr
        assert "Traceback" not in r.stderr
