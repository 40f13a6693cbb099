"""The installed `gates check` command, end to end: exit codes, reports, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import polars as pl
import pytest

from gates._sample import DEFECTS, make_orders
from gates.report import result_schema

ROOT = Path(__file__).resolve().parents[2]
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"

SUITE = """\
name: orders
columns:
  order_id: {dtype: int64, nullable: false, unique: true}
  customer_id: {nullable: false}
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 10000}
  status:
    checks:
      - isin: {allowed_values: [new, paid, shipped, delivered, returned]}
  email:
    checks:
      - str_matches: {pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$'}
        severity: warn
checks:
  - row_count: {min: 1000}
expectations:
  - type: expect_column_values_to_be_in_set
    kwargs: {column: label, value_set: [ok, fraud]}
"""


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop(
        "GITHUB_STEP_SUMMARY", None
    ) if env is None or "GITHUB_STEP_SUMMARY" not in env else None
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("proj")
    make_orders(3000, seed=3).write_parquet(root / "orders.parquet")
    make_orders(3000, seed=3, clean=True).write_parquet(root / "clean.parquet")
    make_orders(3000, seed=3).write_csv(root / "orders.csv")
    (root / "orders.yml").write_text(SUITE)
    return root


def test_blocked_run_exits_1_and_writes_every_report(project: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    proc = run(
        "check",
        "orders.parquet",
        "-s",
        "orders.yml",
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(tmp_path / "r.xml"),
        "--markdown",
        str(tmp_path / "r.md"),
        "--html",
        str(tmp_path / "r.html"),
        "--ledger",
        str(tmp_path / "ledger.duckdb"),
        cwd=project,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == 1, proc.stderr
    assert "verdict: BLOCK" in proc.stdout and "order_id::unique" in proc.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(doc, result_schema())
    checks = {c["id"]: c for c in doc["checks"]}
    assert checks["order_id::unique"]["failing_count"] == 2 * DEFECTS["order_id_duplicate"]
    assert checks["customer_id::not_nullable"]["failing_count"] == DEFECTS["customer_id_null"]
    assert checks["amount::in_range"]["failing_count"] == DEFECTS["amount_out_of_range"]
    assert checks["status::isin"]["failing_count"] == DEFECTS["status_unknown"]
    assert checks["email::str_matches"]["failing_count"] == DEFECTS["email_malformed"]
    assert checks["email::str_matches"]["severity"] == "warn"
    sample = checks["status::isin"]["sample"]
    assert {r["status"] for r in sample} == {"lost"} and all(
        isinstance(r["row"], int) for r in sample
    )
    assert doc["dataset"]["rows"] == 3000 and doc["dataset"]["fingerprint"].startswith("blake2b:")
    assert doc["suite"]["name"] == "orders" and len(doc["suite"]["hash"]) == 64
    root = ET.parse(tmp_path / "r.xml").getroot()
    suite = root.find("testsuite")
    assert suite is not None and int(suite.get("tests")) == len(doc["checks"])
    assert int(suite.get("failures")) == 4 and int(suite.get("skipped")) == 1
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {
        "order_id::unique",
        "customer_id::not_nullable",
        "amount::in_range",
        "status::isin",
    }
    md = (tmp_path / "r.md").read_text()
    assert (
        md.startswith("## ⛔ datagates: `orders` — **BLOCK**")
        and "| 🟥 | `amount::in_range` |" in md
    )
    assert summary.read_text().strip() == md.strip()
    html = (tmp_path / "r.html").read_text()
    assert (
        "<script" not in html
        and "http://" not in html
        and "https://" not in html
        and "BLOCK" in html
    )
    assert "recorded run" in proc.stdout


def test_clean_data_passes_with_exit_0(project: Path) -> None:
    proc = run("check", "clean.parquet", "-s", "orders.yml", "--no-ledger", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdict: PASS" in proc.stdout


def test_verbose_and_quiet_together_are_refused(project: Path) -> None:
    proc = run("check", "clean.parquet", "-s", "orders.yml", "--no-ledger", "-v", "-q", cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "contradict each other" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_no_ledger_with_a_ledger_is_refused_but_not_with_the_env_var(project: Path) -> None:
    args = ("check", "clean.parquet", "-s", "orders.yml", "--no-ledger", "-q")
    proc = run(*args, "--ledger", "mine.duckdb", cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip() == (
        "error: --no-ledger and --ledger mine.duckdb contradict each other: pass one of them"
    )
    # $GATES_LEDGER is a default, not a choice made on this command line: --no-ledger wins
    proc = run(*args, cwd=project, env={"GATES_LEDGER": "env.duckdb"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (project / "env.duckdb").exists() and not (project / "mine.duckdb").exists()


def test_warnings_pass_unless_fail_on_warn(project: Path, tmp_path: Path) -> None:
    suite = tmp_path / "warn.yml"
    suite.write_text(
        "severity: warn\ncolumns:\n  amount:\n    checks:\n      - in_range: {min_value: 0, max_value: 10000}\n"
    )
    assert (
        run("check", "orders.parquet", "-s", str(suite), "--no-ledger", cwd=project).returncode == 0
    )
    proc = run(
        "check",
        "orders.parquet",
        "-s",
        str(suite),
        "--no-ledger",
        "--fail-on",
        "warn",
        "-q",
        cwd=project,
    )
    assert proc.returncode == 1 and proc.stdout.strip() == "verdict: WARN  1 of 1 checks failed"


def test_csv_and_json_to_stdout(project: Path) -> None:
    proc = run("check", "orders.csv", "-s", "orders.yml", "--no-ledger", "--json", "-", cwd=project)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["verdict"] == "block" and doc["dataset"]["format"] == "csv"


def test_suite_data_section_is_the_default(project: Path, tmp_path: Path) -> None:
    suite = tmp_path / "withdata.yml"
    suite.write_text(f"data: {project / 'clean.parquet'}\ncolumns:\n  order_id: {{unique: true}}\n")
    proc = run("check", "-s", str(suite), "--no-ledger", cwd=project)
    assert proc.returncode == 0 and "clean.parquet" in proc.stdout


@pytest.mark.parametrize(
    ("args", "setup", "message"),
    [
        (
            ["check", "missing.parquet", "-s", "orders.yml"],
            None,
            "error: missing.parquet: no such file; check the path",
        ),
        (
            ["check", "empty.csv", "-s", "orders.yml"],
            ("empty.csv", b""),
            "error: empty.csv: the file is empty",
        ),
        (
            ["check", "ragged.csv", "-s", "orders.yml"],
            ("ragged.csv", b"order_id,amount\n1,2\n3,4,5\n"),
            "error: ragged.csv: line 3 has 3 fields, the header has 2",
        ),
        (
            ["check", "latin.csv", "-s", "orders.yml"],
            ("latin.csv", "order_id,city\n1,K\xf6ln\n".encode("latin-1")),
            "error: latin.csv: line 2, column 4 is not valid UTF-8 (byte 0xf6)",
        ),
        (
            ["check", "orders.parquet", "-s", "nope.yml"],
            None,
            "error: nope.yml: suite file not found",
        ),
        (
            ["check", "orders.parquet", "-s", "bad.yml"],
            ("bad.yml", b"columns:\n  a:\n    checks:\n      - in_rang: 1\n"),
            "error: bad.yml:4:9: columns.a.checks.0: unknown column check 'in_rang' (did you mean 'in_range'?)",
        ),
        (
            ["check", "orders.parquet", "-s", "regex.yml"],
            ("regex.yml", b"columns:\n  email:\n    checks:\n      - str_matches: '[a-'\n"),
            "error: regex.yml:4:9: columns.email.checks.0: invalid regex '[a-' in str_matches",
        ),
        (
            ["check", "orders.parquet", "-s", "kw.yml"],
            (
                "kw.yml",
                b"expectations:\n  - type: expect_column_values_to_be_in_set\n    kwargs: {column: status, value_set: 7}\n",
            ),
            "error: kw.yml:2:5: expect_column_values_to_be_in_set: invalid kwargs:",
        ),
        (
            ["check", "orders.parquet", "-s", "orders.yml", "--engine", "turbo"],
            None,
            "Invalid value for '--engine'",
        ),
    ],
)
def test_input_errors_exit_2_with_one_line(
    project: Path, args: list[str], setup: tuple | None, message: str
) -> None:
    if setup:
        (project / setup[0]).write_bytes(setup[1])
    proc = run(*args, "--no-ledger", cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in " ".join(proc.stderr.split()) or message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_column_is_a_failed_check(project: Path, tmp_path: Path) -> None:
    suite = tmp_path / "col.yml"
    suite.write_text("columns:\n  discount:\n    checks:\n      - in_range: [0, 1]\n")
    proc = run("check", "orders.parquet", "-s", str(suite), "--no-ledger", cwd=project)
    assert proc.returncode == 1 and "discount::column_exists" in proc.stdout


def test_debug_shows_the_traceback(project: Path) -> None:
    proc = subprocess.run(
        [GATES, "--debug", "check", "missing.parquet", "-s", "orders.yml", "--no-ledger"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert (
        proc.returncode != 0 and "Traceback" in proc.stderr and "DataSourceNotFound" in proc.stderr
    )


def test_help_and_version() -> None:
    proc = subprocess.run([GATES, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "check" in proc.stdout
    proc = subprocess.run([GATES, "--version"], capture_output=True, text=True)
    assert proc.stdout.startswith("datagates ")


def test_suite_validate_and_schema(project: Path, tmp_path: Path) -> None:
    proc = run("suite", "validate", "orders.yml", cwd=project)
    assert proc.returncode == 0 and "ok orders.yml: suite 'orders', 5 columns" in proc.stdout
    proc = run("suite", "schema", "--out", str(tmp_path / "s.json"), cwd=project)
    assert json.loads((tmp_path / "s.json").read_text())["title"] == "datagates suite"


def test_shipped_demo_suite_blocks_the_sample_data(tmp_path: Path) -> None:
    make_orders(5000, seed=7).write_parquet(tmp_path / "orders.parquet")
    proc = run(
        "check",
        str(tmp_path / "orders.parquet"),
        "-s",
        str(ROOT / "suites" / "orders.yml"),
        "--no-ledger",
        "--json",
        "-",
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    failed = sorted(c["id"] for c in json.loads(proc.stdout)["checks"] if not c["passed"])
    assert failed == [
        "amount::in_range",
        "customer_id::not_nullable",
        "order_id::unique",
        "status::isin",
    ]
    assert pl.read_parquet(tmp_path / "orders.parquet").height == 5000


def test_console_shows_user_text_verbatim(project: Path, tmp_path: Path) -> None:
    """Regexes and values with [brackets] are printed as they are, not read as markup."""
    suite = tmp_path / "rx.yml"
    suite.write_text("columns:\n  email:\n    checks:\n      - str_matches: '^[a-z]+[.][a-z]+@'\n")
    proc = run("check", "orders.parquet", "-s", str(suite), "--no-ledger", cwd=project)
    assert "'^[a-z]+[.][a-z]+@'" in proc.stdout.replace("│", "").replace("\n", "")
