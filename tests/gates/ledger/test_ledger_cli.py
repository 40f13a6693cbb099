"""``gates ledger`` commands, driven through a throwaway app with CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from gates._cli.ledger import ledger_app
from gates.ledger import Ledger

app = typer.Typer()
app.add_typer(ledger_app)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner with a wide terminal and no GATES_LEDGER from the outside."""
    monkeypatch.delenv("GATES_LEDGER", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    return CliRunner()


@pytest.fixture
def ledger(ledger_path: Path, make_record) -> Ledger:
    """Four runs: churn/pass, fraud/warn, churn/block, fraud/error."""
    led = Ledger(ledger_path)
    for i, verdict in enumerate(["pass", "warn", "block", "error"], start=1):
        led.append(make_record(i, run_id=f"{i}{i}{i}{i}abcdef{i}", verdict=verdict))
    return led


def test_no_args_shows_help(runner: CliRunner) -> None:
    """``gates ledger`` alone prints the commands."""
    result = runner.invoke(app, ["ledger"])
    assert result.exit_code == 2  # click's no_args_is_help exit code
    for command in ("list", "show", "verify", "export"):
        assert command in result.output


def test_list_table(runner: CliRunner, ledger: Ledger) -> None:
    """A table, newest first, with short ids, times, suites, verdicts, rows and actor."""
    result = runner.invoke(app, ["ledger", "list", "--ledger", str(ledger.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"gate runs in {ledger.path}")
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.stdout.splitlines()
        if "abcd" in line
    ]
    assert rows == [
        ["4", "4444abcd", "2024-05-04 10:00:00", "fraud", "error", "400", "ci"],
        ["3", "3333abcd", "2024-05-03 10:00:00", "churn", "block", "300", "ci"],
        ["2", "2222abcd", "2024-05-02 10:00:00", "fraud", "warn", "200", "ci"],
        ["1", "1111abcd", "2024-05-01 10:00:00", "churn", "pass", "100", "ci"],
    ]


def test_list_filters_and_json(runner: CliRunner, ledger: Ledger) -> None:
    """Filters apply; --json prints one StoredRun per line."""
    args = ["ledger", "list", "--ledger", str(ledger.path), "--suite", "churn", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["seq"] for row in rows] == [3, 1]
    assert rows[0] == ledger.get("3333").to_dict()
    result = runner.invoke(
        app,
        [
            "ledger",
            "list",
            "--ledger",
            str(ledger.path),
            "--json",
            "--since",
            "2024-05-02",
            "--until",
            "2024-05-04",
            "--verdict",
            "warn",
        ],
    )
    assert [json.loads(line)["run_id"] for line in result.stdout.splitlines()] == ["2222abcdef2"]
    result = runner.invoke(
        app, ["ledger", "list", "--ledger", str(ledger.path), "--limit", "1", "--json"]
    )
    assert len(result.stdout.splitlines()) == 1


def test_list_input_errors(runner: CliRunner, ledger: Ledger) -> None:
    """A bad verdict or time is one line on stderr and exit 2."""
    result = runner.invoke(
        app, ["ledger", "list", "--ledger", str(ledger.path), "--verdict", "fail"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: unknown verdict 'fail' for --verdict; use one of pass, warn, block, error\n"
    )
    result = runner.invoke(
        app, ["ledger", "list", "--ledger", str(ledger.path), "--since", "last week"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: since 'last week' is not an ISO-8601 date-time")


def test_list_missing_ledger(runner: CliRunner, tmp_path: Path) -> None:
    """No ledger yet is not an error for list."""
    missing = tmp_path / "nope.duckdb"
    result = runner.invoke(app, ["ledger", "list", "--ledger", str(missing)])
    assert result.exit_code == 0
    assert result.stdout == f"no runs recorded yet in {missing}\n"
    assert not missing.exists()


def test_ledger_path_from_env(runner: CliRunner, ledger: Ledger) -> None:
    """GATES_LEDGER replaces the default path."""
    result = runner.invoke(
        app, ["ledger", "list", "--json"], env={"GATES_LEDGER": str(ledger.path)}
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4


def test_show(runner: CliRunner, ledger: Ledger) -> None:
    """Pretty JSON of the record by prefix; --json for the whole stored run."""
    result = runner.invoke(app, ["ledger", "show", "2222", "--ledger", str(ledger.path)])
    assert result.exit_code == 0, result.output
    header, body = result.stdout.split("\n", 1)
    run = ledger.get("2222")
    assert header == f"run 2222abcdef2  seq 2  hash {run.hash[:12]}  prev {run.prev_hash[:12]}"
    assert json.loads(body) == run.record
    result = runner.invoke(
        app, ["ledger", "show", "2222abcdef2", "--json", "--ledger", str(ledger.path)]
    )
    assert json.loads(result.stdout) == run.to_dict()


def test_show_errors(runner: CliRunner, ledger: Ledger, tmp_path: Path) -> None:
    """Unknown ids and a missing ledger exit 2 with one line."""
    result = runner.invoke(app, ["ledger", "show", "9999", "--ledger", str(ledger.path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no run with id '9999' in ledger {ledger.path}; list runs with `gates ledger list`\n"
    )
    missing = tmp_path / "nope.duckdb"
    result = runner.invoke(app, ["ledger", "show", "1111", "--ledger", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no ledger at {missing}; run a gate first or point --ledger (GATES_LEDGER) at one\n"
    )


def test_verify_intact_and_broken(runner: CliRunner, ledger: Ledger) -> None:
    """Exit 0 with the head hash; exit 1 listing the deleted record."""
    result = runner.invoke(app, ["ledger", "verify", "--ledger", str(ledger.path)])
    assert result.exit_code == 0
    assert result.stdout == f"ledger intact: 4 records, head {ledger.get('4444').hash[:12]}\n"
    con = duckdb.connect(str(ledger.path))
    con.execute("DELETE FROM gate_runs WHERE seq = 2")
    con.close()
    result = runner.invoke(app, ["ledger", "verify", "--ledger", str(ledger.path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledger broken: 1 problem in 3 records",
        "  - [missing] 1 record(s) missing between seq 1 (run 1111abcd) and seq 3 (run 3333abcd)",
    ]


def test_export(runner: CliRunner, ledger: Ledger, tmp_path: Path) -> None:
    """Exports both formats and refuses to overwrite without --force."""
    jsonl = tmp_path / "runs.jsonl"
    result = runner.invoke(app, ["ledger", "export", str(jsonl), "--ledger", str(ledger.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported 4 runs to {jsonl}\n"
    assert len(jsonl.read_text().splitlines()) == 4
    result = runner.invoke(app, ["ledger", "export", str(jsonl), "--ledger", str(ledger.path)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {jsonl} already exists; pass overwrite=True (gates ledger export --force) to replace it\n"
    )
    out = tmp_path / "runs.bin"
    args = ["ledger", "export", str(out), "--format", "parquet", "--ledger", str(ledger.path)]
    assert runner.invoke(app, args).exit_code == 0
    assert pl.read_parquet(out)["seq"].to_list() == [1, 2, 3, 4]
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    result = runner.invoke(
        app, ["ledger", "export", str(out), "--format", "csv", "--ledger", str(ledger.path)]
    )
    assert result.exit_code == 2
    assert result.stderr == "error: unknown --format 'csv'; use jsonl or parquet\n"
