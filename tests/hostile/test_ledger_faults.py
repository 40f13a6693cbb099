"""Hostile ledgers: truncated, overwritten, not DuckDB, bad records, tampered chains, OS faults.

Every `gates ledger` command and the append in `gates check` must end with exit 2 and one
line naming the file (and the record) for an unreadable ledger, exit 1 from `verify` only for
real tampering, and a warning (or a refusal) when appending to a broken chain. No tracebacks.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from _ledger_fixtures import BAD_RECORD, TAMPERED, UNREADABLE, build_record, good_ledger
from typer.testing import CliRunner

from gates._cli._app import app
from gates.ledger import (
    BrokenChain,
    BrokenChainWarning,
    Ledger,
    LedgerCorrupt,
    LedgerError,
)

SUITE = "name: tiny\ncolumns:\n  a: {dtype: int64, nullable: false}\n"

#: `gates ledger` invocations; {led} is the ledger, {out} a fresh output path.
COMMANDS: dict[str, list[str]] = {
    "list": ["ledger", "list", "--ledger", "{led}"],
    "list-json": ["ledger", "list", "--json", "--ledger", "{led}"],
    "show": ["ledger", "show", "run0002", "--ledger", "{led}"],
    "verify": ["ledger", "verify", "--ledger", "{led}"],
    "export-jsonl": ["ledger", "export", "{out}.jsonl", "--ledger", "{led}"],
    "export-parquet": ["ledger", "export", "{out}.parquet", "--ledger", "{led}"],
}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("GATES_LEDGER", raising=False)
    monkeypatch.setenv("COLUMNS", "400")  # one line stays one line
    for name in ("CI", "GITHUB_ACTIONS", "GITHUB_SHA", "GITLAB_CI", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def _invoke(runner: CliRunner, argv: list[str], led: Path, tmp: Path) -> tuple[int, str, str]:
    args = [a.format(led=led, out=tmp / "export") for a in argv]
    result = runner.invoke(app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _one_line_error(stderr: str, *fragments: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "data.csv").write_text("a\n1\n2\n3\n", encoding="utf-8")
    return tmp_path


def _check(runner: CliRunner, project: Path, led: Path, *extra: str) -> tuple[int, str, str]:
    argv = [
        "check",
        str(project / "data.csv"),
        "--suite",
        str(project / "tiny.yml"),
        "--ledger",
        str(led),
        *extra,
    ]
    result = runner.invoke(app, argv, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- AN UNREADABLE FILE: exit 2, one line naming it ------------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("corruption", sorted(UNREADABLE))
def test_unreadable_ledger_exits_2_naming_the_file(
    runner: CliRunner, tmp_path: Path, corruption: str, command: str
) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    UNREADABLE[corruption](led)
    before = led.read_bytes()
    code, _, stderr = _invoke(runner, COMMANDS[command], led, tmp_path)
    assert code == 2, stderr
    _one_line_error(stderr, str(led), "cannot use ledger", "point --ledger")
    assert led.read_bytes() == before  # reading never rewrites the evidence
    assert not (tmp_path / "export.jsonl").exists()
    assert not (tmp_path / "export.parquet").exists()


@pytest.mark.parametrize("corruption", sorted(UNREADABLE))
def test_check_appending_to_an_unreadable_ledger_exits_2(
    runner: CliRunner, project: Path, corruption: str
) -> None:
    led = good_ledger(project / "ledger.duckdb")
    UNREADABLE[corruption](led)
    code, _, stderr = _check(runner, project, led)
    assert code == 2, stderr
    _one_line_error(stderr, str(led))


@pytest.mark.parametrize(
    "method",
    ["append", "append_many", "list", "get", "verify", "export"],
)
@pytest.mark.parametrize("corruption", ["truncated-half", "garbage", "wrong-table"])
def test_every_ledger_method_raises_ledger_corrupt(
    tmp_path: Path, corruption: str, method: str
) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    UNREADABLE[corruption](led)
    ledger = Ledger(led, timeout=5)
    calls: dict[str, Callable[[], object]] = {
        "append": lambda: ledger.append(build_record(9)),
        "append_many": lambda: ledger.append_many([build_record(8), build_record(9)]),
        "list": lambda: ledger.list(),
        "get": lambda: ledger.get("run0001"),
        "verify": lambda: ledger.verify(),
        "export": lambda: ledger.export(tmp_path / "out.jsonl"),
    }
    with pytest.raises(LedgerCorrupt, match=re.escape(f"cannot use ledger {led}")):
        calls[method]()


# --- ONE BAD RECORD: reads exit 2 naming it; verify exits 1 ----------------------------------


@pytest.mark.parametrize("command", ["list", "list-json", "show", "export-jsonl"])
@pytest.mark.parametrize("damage", sorted(BAD_RECORD))
def test_a_bad_record_is_named(
    runner: CliRunner, tmp_path: Path, damage: str, command: str
) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    BAD_RECORD[damage](led)
    code, _, stderr = _invoke(runner, COMMANDS[command], led, tmp_path)
    assert code == 2, stderr
    _one_line_error(stderr, str(led), "record seq 2 (run run0002a)", "gates ledger verify")


@pytest.mark.parametrize("damage", sorted(BAD_RECORD))
def test_verify_reports_a_bad_record_as_tampering(
    runner: CliRunner, tmp_path: Path, damage: str
) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    BAD_RECORD[damage](led)
    code, stdout, stderr = _invoke(runner, COMMANDS["verify"], led, tmp_path)
    assert code == 1, stdout + stderr
    assert stdout.startswith("ledger broken: 1 problem in 3 records")
    assert "seq 2" in stdout
    assert "Traceback" not in stdout + stderr


# --- TAMPERING: verify exits 1; appends warn, or refuse --------------------------------------


@pytest.mark.parametrize("tamper", sorted(TAMPERED))
def test_verify_exits_1_only_for_tampering(runner: CliRunner, tmp_path: Path, tamper: str) -> None:
    intact = good_ledger(tmp_path / "intact.duckdb")
    code, stdout, _ = _invoke(runner, COMMANDS["verify"], intact, tmp_path)
    assert (code, stdout.split(",")[0]) == (0, "ledger intact: 3 records")
    led = good_ledger(tmp_path / "ledger.duckdb")
    TAMPERED[tamper](led)
    code, stdout, stderr = _invoke(runner, COMMANDS["verify"], led, tmp_path)
    assert code == 1, stdout + stderr
    assert stdout.startswith("ledger broken:")
    assert "  - [" in stdout


@pytest.mark.parametrize("tamper", sorted(TAMPERED))
def test_check_warns_when_it_appends_to_a_broken_chain(
    runner: CliRunner, project: Path, tamper: str
) -> None:
    led = good_ledger(project / "ledger.duckdb")
    TAMPERED[tamper](led)
    before = len(Ledger(led))
    code, _, stderr = _check(runner, project, led)
    assert code == 0, stderr  # the data passes; the ledger's state is a warning, not a verdict
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"warning: ledger {led} is already broken (")
    assert lines[0].endswith("appended anyway")
    assert "gates ledger verify" in lines[0]
    assert len(Ledger(led)) == before + 1


def test_check_on_an_intact_ledger_says_nothing_on_stderr(runner: CliRunner, project: Path) -> None:
    led = good_ledger(project / "ledger.duckdb")
    code, _, stderr = _check(runner, project, led)
    assert (code, stderr) == (0, "")
    assert len(Ledger(led)) == 4


@pytest.mark.parametrize("tamper", sorted(TAMPERED))
def test_refusing_a_broken_chain_writes_nothing(tmp_path: Path, tamper: str) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    TAMPERED[tamper](led)
    before = len(Ledger(led))
    with pytest.raises(BrokenChain, match="nothing was appended"):
        Ledger(led).append(build_record(9), on_broken="refuse")
    assert len(Ledger(led)) == before
    with pytest.warns(BrokenChainWarning, match="appended anyway"):
        Ledger(led).append(build_record(9))
    assert len(Ledger(led)) == before + 1


def test_an_intact_chain_never_warns(tmp_path: Path) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb", n=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Ledger(led).append(build_record(9), on_broken="refuse")
    assert Ledger(led).verify().ok


# --- OS FAULTS: folders, lock files, deletion --------------------------------------------------


def test_lock_file_that_is_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    (tmp_path / "ledger.duckdb.lock").unlink()
    (tmp_path / "ledger.duckdb.lock").mkdir()
    with pytest.raises(LedgerError, match=r"ledger\.duckdb\.lock: Is a directory"):
        Ledger(led).append(build_record(9))


def test_ledger_under_a_file(runner: CliRunner, project: Path) -> None:
    (project / "blocker").write_text("x", encoding="utf-8")
    led = project / "blocker" / "ledger.duckdb"
    code, _, stderr = _check(runner, project, led)
    assert code == 2, stderr
    _one_line_error(stderr, str(led), "Not a directory")


def test_ledger_path_that_is_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "ledger.duckdb").mkdir()
    code, _, stderr = _invoke(runner, COMMANDS["list"], tmp_path / "ledger.duckdb", tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert "ledger.duckdb" in stderr


def test_deleted_while_open_reads_as_empty_then_recreates(tmp_path: Path) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    ledger = Ledger(led)
    led.unlink()
    assert ledger.list() == []
    assert ledger.append(build_record(7)).seq == 1
    assert ledger.verify().ok


def test_empty_file_is_not_a_crash(runner: CliRunner, tmp_path: Path) -> None:
    led = tmp_path / "ledger.duckdb"
    led.write_bytes(b"")
    for command in ("list", "verify", "show"):
        code, stdout, stderr = _invoke(runner, COMMANDS[command], led, tmp_path)
        assert code in (0, 2), (command, stdout, stderr)
        assert "Traceback" not in stdout + stderr


@pytest.mark.parametrize("target", ["missing/dir/out.jsonl", "blocker/out.jsonl"])
def test_export_to_an_unwritable_place_is_exit_2(
    runner: CliRunner, tmp_path: Path, target: str
) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    (tmp_path / "blocker").write_text("x", encoding="utf-8")
    out = tmp_path / target
    result = runner.invoke(app, ["ledger", "export", str(out), "--ledger", str(led)])
    if target.startswith("missing"):
        assert result.exit_code == 0  # parent folders are created
        assert out.exists()
        return
    assert result.exit_code == 2, result.stderr
    _one_line_error(result.stderr, "blocker")


def test_export_never_overwrites_without_the_flag(runner: CliRunner, tmp_path: Path) -> None:
    led = good_ledger(tmp_path / "ledger.duckdb")
    out = tmp_path / "runs.jsonl"
    out.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(app, ["ledger", "export", str(out), "--ledger", str(led)])
    assert result.exit_code == 2
    _one_line_error(result.stderr, "already exists", "--force")
    assert out.read_text(encoding="utf-8") == "keep me\n"


# --- THE SPILL FILE: the documented replay (docs_src/ledger/replay_spill.py) -----------------


def test_the_documented_replay_appends_spilled_runs_once(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "docs_src" / "ledger" / "replay_spill.py"
    led = good_ledger(tmp_path / "ledger.duckdb", n=2)
    spill = tmp_path / "ledger.duckdb.unwritten.jsonl"
    spilled = [build_record(2), build_record(5), build_record(6)]  # run 2 did land already
    spill.write_text("".join(json.dumps(r) + "\n" for r in spilled), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(led)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"replayed 2 spilled run(s) into {led}"
    assert [r.run_id[:7] for r in Ledger(led).list(limit=None)] == [
        "run0006",
        "run0005",
        "run0002",
        "run0001",
    ]
    assert Ledger(led).verify().ok
    assert not spill.exists()
