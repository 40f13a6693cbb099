"""Every command that reads data takes the same DATA, --table and --sql as `gates check`.

A DuckDB table, a query alone, a query on ``:memory:`` and a query on a database file give the
same data to check, profile, suggest, labels and synth; contradictory or missing inputs are the
same one-line error (exit 2) everywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"
ROWS = 240

SUITE = """\
name: small
columns:
  label:
    checks:
      - isin: {allowed_values: [ok, fraud]}
coverage:
  - column: label
    min_rows: 60
"""

#: DATA and flags naming the same 240 rows four ways.
INPUTS = {
    "table": ["shop.duckdb", "--table", "orders"],
    "sql": ["--sql", "SELECT * FROM 'orders.parquet'"],
    "memory": [":memory:", "--sql", "SELECT * FROM 'orders.parquet'"],
    "database-sql": ["shop.duckdb", "--sql", "SELECT * FROM orders"],
}


def gates(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(3)
    x = rng.normal(size=ROWS)
    frame = pl.DataFrame(
        {
            "id": np.arange(ROWS),
            "x": x.round(3),
            "qty": rng.integers(1, 9, ROWS),
            "label": np.where(x + rng.normal(scale=0.3, size=ROWS) > 1.2, "fraud", "ok"),
        }
    )
    frame.write_parquet(root / "orders.parquet")
    con = duckdb.connect(str(root / "shop.duckdb"))
    con.execute(f"create table orders as select * from '{root / 'orders.parquet'}'")
    con.close()
    (root / "small.yml").write_text(SUITE)
    return root


@pytest.mark.parametrize("how", list(INPUTS))
def test_check_reads_each_input(project: Path, how: str) -> None:
    done = gates(
        "check", *INPUTS[how], "-s", "small.yml", "--json", "-", "--no-ledger", cwd=project
    )
    assert done.returncode == 1, done.stderr  # the coverage rule blocks: fraud is short
    doc = json.loads(done.stdout)
    assert doc["dataset"]["rows"] == ROWS
    assert doc["verdict"] == "block"


@pytest.mark.parametrize("how", list(INPUTS))
def test_profile_reads_each_input(project: Path, how: str) -> None:
    done = gates("profile", *INPUTS[how], "--json", "-", "-q", cwd=project)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["rows"] == ROWS
    assert [c["name"] for c in doc["columns"]] == ["id", "x", "qty", "label"]


@pytest.mark.parametrize("how", list(INPUTS))
def test_suggest_reads_each_input(project: Path, how: str) -> None:
    done = gates("suggest", *INPUTS[how], "--name", "orders", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# ") or "name: orders" in done.stdout
    for column in ("id:", "x:", "qty:", "label:"):
        assert column in done.stdout


def test_suggest_names_the_inputs_in_its_next_step(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.yml"
    done = gates("suggest", "--sql", "SELECT * FROM 'orders.parquet'", "-o", str(out), cwd=project)
    assert done.returncode == 0, done.stderr
    assert "gates check --sql 'SELECT * FROM '\"'\"'orders.parquet'\"'\"''" in done.stderr


@pytest.mark.parametrize("how", ["table", "sql"])
def test_labels_reads_each_input(project: Path, how: str) -> None:
    done = gates(
        "labels",
        *INPUTS[how],
        "-l",
        "label",
        "--issue-types",
        "label",
        "--model",
        "logistic",
        "--folds",
        "3",
        "--json",
        "-",
        "-q",
        cwd=project,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["n_rows"] == doc["n_analysed"] == ROWS
    assert doc["classes"] == ["fraud", "ok"]


@pytest.mark.synth
@pytest.mark.parametrize("how", ["table", "memory"])
def test_synth_reads_each_input(project: Path, tmp_path: Path, how: str) -> None:
    out = tmp_path / "aug.parquet"
    done = gates("synth", *INPUTS[how], "-s", "small.yml", "-o", str(out), "-q", cwd=project)
    assert done.returncode == 0, done.stderr
    augmented = pl.read_parquet(out)
    assert augmented.height > ROWS
    assert (augmented["label"] == "fraud").sum() >= 60


@pytest.mark.parametrize("command", ["check", "profile", "suggest", "labels"])
def test_table_and_sql_together_are_refused(project: Path, command: str) -> None:
    extra = {"check": ["-s", "small.yml", "--no-ledger"], "labels": ["-l", "label"]}
    done = gates(
        command,
        "shop.duckdb",
        "--table",
        "orders",
        "--sql",
        "SELECT 1",
        *extra.get(command, []),
        cwd=project,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --table and --sql both name the data: pass one (a query can read the table:"
        ' --sql "SELECT * FROM orders")'
    ]


@pytest.mark.parametrize("command", ["profile", "suggest", "labels"])
def test_a_table_of_the_in_memory_database_is_refused(project: Path, command: str) -> None:
    extra = {"labels": ["-l", "label"]}
    done = gates(command, ":memory:", "--table", "orders", *extra.get(command, []), cwd=project)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: --table orders: an in-memory database has no tables; name a database file,"
        " or read the data with --sql"
    )


@pytest.mark.parametrize("command", ["profile", "suggest", "labels"])
def test_no_data_at_all_is_one_line(project: Path, command: str) -> None:
    extra = {"labels": ["-l", "label"], "profile": ["-q"], "suggest": ["--name", "x"]}
    done = gates(command, *extra[command], cwd=project)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: no data given: pass DATA (a file, glob, folder or DuckDB database) or --sql QUERY"
    )


def test_a_database_without_table_or_sql_says_which_flag(project: Path) -> None:
    done = gates("profile", "shop.duckdb", "-q", cwd=project)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: shop.duckdb: a DuckDB database; name the table with --table NAME or a query"
        " with --sql"
    )


@pytest.fixture(scope="module")
def baseline(project: Path) -> Path:
    """The 240 rows' profile: the reference each drift run below compares with."""
    path = project / "baseline.json"
    done = gates("profile", "orders.parquet", "--json", str(path), "-q", cwd=project)
    assert done.returncode == 0, done.stderr
    return path


@pytest.mark.parametrize("how", list(INPUTS))
def test_drift_reads_each_input(project: Path, baseline: Path, how: str) -> None:
    """`gates drift` takes the data now the four ways `gates check` does; same data, no drift."""
    done = gates("drift", *INPUTS[how], baseline.name, "--json", "-", cwd=project)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert sorted(c["column"] for c in doc["columns"]) == ["id", "label", "qty", "x"]
    assert [c["column"] for c in doc["columns"] if c["drifted"]] == []


def test_drift_with_sql_finds_the_drift_in_the_query(project: Path, baseline: Path) -> None:
    """The query's rows are what is compared: shifted values drift, and exit 1 says so."""
    query = "SELECT id, x + 3 AS x, qty, label FROM 'orders.parquet'"
    done = gates("drift", "--sql", query, baseline.name, "--fail-on-drift", "-q", cwd=project)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("drift: 1 of 4 columns drifted: x (")


def test_drift_without_a_baseline_is_one_line(project: Path) -> None:
    done = gates("drift", "orders.parquet", cwd=project)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: missing BASELINE: pass the data now and the reference, e.g. `gates drift"
        " data/today.parquet profiles/baseline.json` (or `--sql QUERY BASELINE`)"
    )


def test_duckdb_memory_limit_and_temp_directory_come_from_the_environment(
    project: Path, tmp_path: Path
) -> None:
    """GATES_DUCKDB_MEMORY_LIMIT / _TEMP_DIRECTORY reach the connection a --sql query runs on."""
    spill = tmp_path / "spill"
    suite = tmp_path / "settings.yml"
    suite.write_text(
        "name: settings\ncolumns:\n"
        "  m: {checks: [{isin: {allowed_values: ['953.6 MiB']}}]}\n"
        f"  t: {{checks: [{{isin: {{allowed_values: ['{spill}']}}}}]}}\n"
    )
    query = "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t"
    env = {"GATES_DUCKDB_MEMORY_LIMIT": "1GB", "GATES_DUCKDB_TEMP_DIRECTORY": str(spill)}
    done = subprocess.run(
        [GATES, "check", "--sql", query, "-s", str(suite), "--json", "-", "--no-ledger"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["verdict"] == "pass"
    unset = {k: v for k, v in os.environ.items() if not k.startswith("GATES_DUCKDB_")}
    done = subprocess.run(
        [GATES, "check", "--sql", query, "-s", str(suite), "-q", "--no-ledger"],
        cwd=project,
        capture_output=True,
        text=True,
        env=unset,
        timeout=300,
    )
    assert done.returncode == 1  # DuckDB's own defaults: neither value is the one set above
