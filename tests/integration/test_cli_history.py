"""The installed `gates` command with a metric history: anomaly checks that block, `gates history`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import polars as pl
import pytest

from gates._sample import make_orders

GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"

SUITE = """\
name: orders
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 10000}
anomaly:
  - metric: row_count
  - metric: amount.mean
    method: zscore
    threshold: 6
  - metric: "amount::in_range.failing_fraction"
    method: change
    max_increase: 0.5
    min_history: 1
    severity: warn
"""
ROWS = [2000, 2030, 1985, 2012, 1990, 2021, 1978, 2004, 2040, 1996]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "COLUMNS": "200", **(env or {})}
    full.pop("GITHUB_STEP_SUMMARY", None)
    full.pop("GATES_HISTORY", None)
    return subprocess.run(
        [GATES, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten steady daily feeds checked with the installed command, then a day the feed drops."""
    root = tmp_path_factory.mktemp("history")
    (root / "orders.yml").write_text(SUITE, encoding="utf-8")
    env = {"GATES_LEDGER": "runs/ledger.duckdb"}
    for day, rows in enumerate(ROWS):
        make_orders(rows, seed=day, clean=True).write_parquet(root / "orders.parquet")
        done = run("check", "orders.parquet", "-s", "orders.yml", "-q", cwd=root, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    make_orders(700, seed=99, clean=True).write_parquet(root / "orders.parquet")
    return root


@pytest.fixture(scope="module")
def drop(project: Path) -> subprocess.CompletedProcess[str]:
    return run(
        "check",
        "orders.parquet",
        "-s",
        "orders.yml",
        "--json",
        "report.json",
        "--junit",
        "report.xml",
        cwd=project,
        env={"GATES_LEDGER": "runs/ledger.duckdb"},
    )


def test_the_day_the_feed_drops_is_blocked_by_the_anomaly_check(
    project: Path, drop: subprocess.CompletedProcess[str]
) -> None:
    assert drop.returncode == 1, drop.stdout + drop.stderr
    assert "anomaly::row_count" in drop.stdout
    assert "700 is outside the band learnt from 10 past runs" in drop.stdout
    report = json.loads((project / "report.json").read_text())
    [check] = [c for c in report["checks"] if c["id"] == "anomaly::row_count"]
    assert (check["passed"], check["severity"], check["engine"], check["observed"]) == (
        False,
        "block",
        "anomaly",
        700.0,
    )
    # median 2002, MAD 14.5: band 2002 ± 5.7497·1.4826·(10/9.2)·14.5 (docs/history.md)
    assert check["expected"] == "row_count in [1,867.65, 2,136.35] (mad, 10 past runs)"
    junit = ET.parse(project / "report.xml").getroot()
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    [name] = [n for n in cases if n and "anomaly::row_count" in n]
    assert cases[name].find("failure") is not None


def test_ledger_flag_routes_the_anomaly_check_to_that_ledgers_history(project: Path) -> None:
    """`--ledger X` (no GATES_LEDGER) learns from X's history, and no report may land on it."""
    env = {"GATES_LEDGER": ""}
    # a copy of the ledger and its history, so this run's record leaves the series as it was
    (project / "copy").mkdir(exist_ok=True)
    for name in ("ledger.duckdb", "ledger.history.duckdb"):
        shutil.copy(project / "runs" / name, project / "copy" / name)
    args = ("check", "orders.parquet", "-s", "orders.yml", "--ledger", "copy/ledger.duckdb")
    done = run(*args, "--json", "-", cwd=project, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    [check] = [c for c in json.loads(done.stdout)["checks"] if c["id"] == "anomaly::row_count"]
    assert check["passed"] is False
    assert "10 past runs" in check["expected"]
    onto = run(*args, "--json", "copy/ledger.history.duckdb", cwd=project, env=env)
    assert onto.returncode == 2, onto.stdout + onto.stderr
    assert "ledger.history.duckdb" in onto.stderr


def test_history_lists_the_series_with_a_sparkline(
    project: Path, drop: subprocess.CompletedProcess[str]
) -> None:
    done = run("history", "--ledger", "runs/ledger.duckdb", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "metric series in runs/ledger.history.duckdb" in done.stdout
    [line] = [row for row in done.stdout.splitlines() if "│ row_count " in row]
    cells = [c.strip() for c in line.split("│")[1:-1]]
    assert cells[:5] == ["orders", "*", "row_count", "11", "700"]
    assert cells[5] == "█" * 10 + "▁"  # ten steady days near the top, then the drop
    done = run(
        "history",
        "list",
        "--metric",
        "row_count",
        "--json",
        cwd=project,
        env={"GATES_LEDGER": "runs/ledger.duckdb"},
    )
    [doc] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (doc["runs"], doc["last_value"], doc["recent"]) == (11, 700.0, [*ROWS, 700])


def test_history_show_marks_the_run_outside_its_band(
    project: Path, drop: subprocess.CompletedProcess[str]
) -> None:
    done = run(
        "history", "show", "row_count", "--ledger", "runs/ledger.duckdb", "--json", cwd=project
    )
    points = [json.loads(line) for line in done.stdout.splitlines()]
    assert [p["value"] for p in points] == [*ROWS, 700]
    assert [p["in_band"] for p in points][-1] is False
    assert points[-1]["verdict"] == "block"
    assert points[-1]["lower"] == pytest.approx(2002 - 5.749742 * 1.4826 * (10 / 9.2) * 14.5)
    text = run("history", "show", "row_count", "--ledger", "runs/ledger.duckdb", cwd=project)
    assert text.stdout.startswith("row_count · 11 runs · min 700 · max 2,040 · last 700\n")
    assert "outside" in text.stdout.splitlines()[-2]


@pytest.mark.parametrize("suffix", ["csv", "parquet", "json", "jsonl"])
def test_history_export_writes_every_value_and_never_overwrites(
    project: Path, drop: subprocess.CompletedProcess[str], suffix: str
) -> None:
    target = project / f"rows.{suffix}"
    args = (
        "history",
        "export",
        target.name,
        "--ledger",
        "runs/ledger.duckdb",
        "--metric",
        "row_count",
    )
    done = run(*args, cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote 11 values to {target.name}"
    if suffix == "csv":
        frame = pl.read_csv(target)
    elif suffix == "parquet":
        frame = pl.read_parquet(target)
    elif suffix == "json":
        frame = pl.DataFrame(json.loads(target.read_text()))
    else:
        frame = pl.read_ndjson(target)
    assert frame["value"].to_list() == [*ROWS, 700]
    assert frame["in_band"].to_list()[-1] is False
    assert set(frame["suite"]) == {"orders"}
    before = target.read_bytes()
    again = run(*args, cwd=project)
    assert again.returncode == 2
    assert f"{target.name} already exists; pass --force to replace it" in again.stderr
    assert target.read_bytes() == before
    assert run(*args, "--force", cwd=project).returncode == 0
    assert not list(project.glob(f".rows.{suffix}.*.tmp"))


def test_export_refuses_an_unknown_format_and_the_history_itself(
    project: Path, drop: subprocess.CompletedProcess[str]
) -> None:
    done = run("history", "export", "rows.xlsx", "--ledger", "runs/ledger.duckdb", cwd=project)
    assert done.returncode == 2
    assert "cannot tell the format from '.xlsx'" in done.stderr
    done = run(
        "history",
        "export",
        "runs/ledger.history.duckdb",
        "--format",
        "parquet",
        "--ledger",
        "runs/ledger.duckdb",
        "--force",
        cwd=project,
    )
    assert done.returncode == 2
    assert "is the history or ledger being read" in done.stderr


def test_verify_catches_an_edit_and_rebuild_repairs_it(
    project: Path, drop: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    shutil.copytree(project / "runs", runs)
    ok = run("history", "verify", "--ledger", "runs/ledger.duckdb", cwd=tmp_path)
    assert (ok.returncode, ok.stdout.strip()) == (0, "history matches the ledger: 11 runs")
    con = duckdb.connect(str(runs / "ledger.history.duckdb"))
    con.execute(
        "UPDATE history_metrics SET value = 2001 WHERE metric = 'row_count' AND ledger_seq = 11"
    )
    con.close()
    bad = run("history", "verify", "--ledger", "runs/ledger.duckdb", cwd=tmp_path)
    assert bad.returncode == 1
    assert "metric 'row_count' is 2001.0 in the history but 700.0 in the ledger" in bad.stdout
    fixed = run("history", "rebuild", "--ledger", "runs/ledger.duckdb", cwd=tmp_path)
    assert fixed.stdout.strip() == (
        "rebuilt runs/ledger.history.duckdb from runs/ledger.duckdb: 11 runs"
    )
    assert run("history", "verify", "--ledger", "runs/ledger.duckdb", cwd=tmp_path).returncode == 0


def test_no_history_and_bad_filters_are_one_line_errors(tmp_path: Path) -> None:
    done = run("history", "--ledger", "nowhere/ledger.duckdb", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: no metric history at nowhere/ledger.history.duckdb;")


def test_a_bad_anomaly_item_is_exit_2_before_the_data_is_read(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("name: x\nanomaly:\n  - metric: amount.avg\n")
    done = run("check", "missing.parquet", "-s", "bad.yml", "--no-ledger", cwd=tmp_path)
    assert done.returncode == 2
    assert "bad.yml:3:5" in done.stderr and "unknown column statistic 'avg'" in done.stderr
    assert "missing.parquet" not in done.stderr


def test_the_demo_series_blocks_the_day_the_feed_drops(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gates.history._demo", "demo", "--days", "8", "--rows", "1000"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    days = done.stdout.splitlines()[:-1]
    assert len(days) == 8
    assert all(" pass " in d for d in days[:-1])
    assert " block " in days[-1] and "is outside the band learnt from 7 past runs" in days[-1]
    shown = run(
        "history", "show", "row_count", "--ledger", "demo/ledger.duckdb", "--json", cwd=tmp_path
    )
    assert [json.loads(line)["in_band"] for line in shown.stdout.splitlines()][-1] is False
    again = subprocess.run(
        [sys.executable, "-m", "gates.history._demo", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 2
    assert (
        again.stderr.strip()
        == "error: demo already has files; pick an empty folder or pass --force"
    )


def test_page_writes_the_suite_trend_and_never_overwrites(project: Path) -> None:
    args = ("history", "page", "orders", "trend.html", "--ledger", "runs/ledger.duckdb")
    (project / "trend.html").unlink(missing_ok=True)
    done = run(*args, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (project / "trend.html").read_text(encoding="utf-8")
    assert "<title>Suite orders · datagates</title>" in page and "<script" not in page
    # every recorded row count is a point of the row-count chart, in its verdict
    for rows in ROWS:
        assert f": {rows} (pass)" in page
    again = run(*args, cwd=project)
    assert again.returncode == 2 and "pass --force" in again.stderr
    assert run(*args, "--force", cwd=project).returncode == 0


def test_history_html_writes_the_same_trend_page(project: Path) -> None:
    """`gates history --html PATH`: the trend page of the history's one suite, as `page` writes it."""
    ledger = ("--ledger", "runs/ledger.duckdb")
    for name in ("a.html", "b.html", "c.html"):
        (project / name).unlink(missing_ok=True)
    done = run("history", "--html", "a.html", *ledger, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "wrote a.html"
    assert run("history", "page", "orders", "b.html", *ledger, cwd=project).returncode == 0
    listed = run("history", "list", "--suite", "ord*", "--html", "c.html", *ledger, cwd=project)
    assert listed.returncode == 0, listed.stderr
    texts = {n: (project / n).read_text(encoding="utf-8") for n in ("a.html", "b.html", "c.html")}
    assert texts["a.html"] == texts["b.html"] == texts["c.html"]
    # no suite, an existing file, a misplaced flag: one line each, exit 2, nothing written
    for args, words in (
        (("history", "--suite", "nope", "--html", "d.html"), "no suite matches 'nope'"),
        (("history", "--html", "a.html"), "a.html already exists; pass --force"),
        (("history", "--html", "d.html", "show", "row_count"), "--html and --suite go after"),
    ):
        bad = run(*args, *ledger, cwd=project)
        assert bad.returncode == 2 and words in bad.stderr, bad.stderr
    assert not (project / "d.html").exists()
