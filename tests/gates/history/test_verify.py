"""verify_history tells when the ledger or the history was edited without the other; rebuild repairs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from _history_helpers import Runner, frame

from gates.history import History, history_path, rebuild, verify_history


def _three(run_day: Runner) -> None:
    for day in range(3):
        run_day(frame(100 + day, seed=day), day)


def test_a_fresh_history_matches_its_ledger(run_day: Runner, ledger: Path) -> None:
    _three(run_day)
    report = verify_history(ledger)
    assert report.ok, report.problems
    assert report.summary() == "history matches the ledger: 3 runs"


def test_an_edited_history_value_is_named(run_day: Runner, ledger: Path) -> None:
    _three(run_day)
    con = duckdb.connect(str(history_path(ledger)))
    con.execute(
        "UPDATE history_metrics SET value = 999 WHERE metric = 'row_count' AND ledger_seq = 2"
    )
    con.close()
    report = verify_history(ledger)
    assert not report.ok
    [problem] = report.problems
    assert problem.startswith("history run #2 (")
    assert problem.endswith("metric 'row_count' is 999.0 in the history but 101.0 in the ledger")


def test_an_edited_ledger_record_is_named(run_day: Runner, ledger: Path) -> None:
    _three(run_day)
    con = duckdb.connect(str(ledger))
    [(text,)] = con.execute("SELECT record FROM gate_runs WHERE seq = 1").fetchall()
    record = json.loads(text)
    record["dataset"]["rows"] = 5
    con.execute("UPDATE gate_runs SET record = ? WHERE seq = 1", [json.dumps(record)])
    con.close()
    problems = verify_history(ledger).problems
    assert any(
        "metric 'row_count' is 100.0 in the history but 5.0 in the ledger" in p for p in problems
    )
    assert all(p.startswith("history run #1 (") for p in problems)


def test_a_rehashed_ledger_record_is_a_hash_mismatch(run_day: Runner, ledger: Path) -> None:
    _three(run_day)
    con = duckdb.connect(str(ledger))
    con.execute("UPDATE gate_runs SET hash = repeat('0', 64) WHERE seq = 3")
    con.close()
    [problem] = verify_history(ledger).problems
    assert "points at ledger hash" in problem
    assert problem.endswith("one was edited without the other")


def test_runs_missing_from_the_history_are_counted_and_rebuilt(
    run_day: Runner, ledger: Path
) -> None:
    _three(run_day)
    con = duckdb.connect(str(history_path(ledger)))
    con.execute("DELETE FROM history_runs WHERE ledger_seq >= 2")
    con.execute("DELETE FROM history_metrics WHERE ledger_seq >= 2")
    con.execute("UPDATE history_metrics SET value = -1 WHERE ledger_seq = 1")
    con.close()
    report = verify_history(ledger)
    assert report.problems[-1].startswith("2 ledger run(s) are not in the history (first #2)")
    assert rebuild(ledger) == 3
    assert verify_history(ledger).ok
    assert [p.value for p in History(history_path(ledger)).series("row_count")] == [100, 101, 102]


def test_rebuild_drops_history_rows_without_a_ledger_record(run_day: Runner, ledger: Path) -> None:
    _three(run_day)
    con = duckdb.connect(str(ledger))
    con.execute("DELETE FROM gate_runs WHERE seq = 3")
    con.close()
    [problem] = verify_history(ledger).problems
    assert problem.startswith("history run #3 (") and problem.endswith("has no ledger record")
    rebuild(ledger)
    assert verify_history(ledger).ok
    assert len(History(history_path(ledger))) == 2
