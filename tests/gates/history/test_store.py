"""The history store: what one recorded run adds, how series are read back and filtered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from _history_helpers import START, Runner, frame

import gates.history
from gates.history import History, HistoryError, history_path


def test_all_is_sorted_and_complete() -> None:
    public = {n for n in dir(gates.history) if not n.startswith("_")}
    public -= {"annotations"}
    names = list(gates.history.__all__)
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    import types

    assert set(names) == {
        n for n in public if not isinstance(getattr(gates.history, n), types.ModuleType)
    }


def test_history_lives_next_to_the_ledger(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GATES_HISTORY", raising=False)
    monkeypatch.delenv("GATES_LEDGER", raising=False)
    assert history_path(tmp_path / "l.duckdb") == tmp_path / "l.history.duckdb"
    assert history_path() == Path(".gates/ledger.history.duckdb")
    monkeypatch.setenv("GATES_LEDGER", str(tmp_path / "x" / "runs.db"))
    assert history_path() == tmp_path / "x" / "runs.history.db"
    monkeypatch.setenv("GATES_HISTORY", str(tmp_path / "h.duckdb"))
    assert history_path(tmp_path / "l.duckdb") == tmp_path / "h.duckdb"
    monkeypatch.setenv("GATES_HISTORY", "off")
    with pytest.raises(HistoryError, match="GATES_HISTORY is off"):
        history_path()
    assert gates.history.history_for(tmp_path / "l.duckdb") is None


def test_one_run_stores_row_count_and_every_check_metric(run_day: Runner, ledger: Path) -> None:
    result = run_day(frame(200, bad=4), 0)
    store = History(history_path(ledger))
    [run] = store.runs()
    assert (run.seq, run.run_id, run.suite, run.rows, run.verdict) == (
        1,
        result.run_id,
        "feed",
        200,
        "block",
    )
    assert run.started_at == START.replace(tzinfo=None)
    assert run.suite_hash == result.suite.hash
    assert run.fingerprint == result.dataset.fingerprint
    assert run.dataset == result.dataset.source
    assert run.backend == "polars"
    values = {s.metric: s.last_value for s in store.list_series()}
    assert values["row_count"] == 200
    assert values["amount::in_range.failing_count"] == 4
    assert values["amount::in_range.failing_fraction"] == pytest.approx(0.02)
    kinds = {s.metric: (s.kind, s.check_id, s.column) for s in store.list_series()}
    assert kinds["row_count"] == ("table", None, None)
    assert kinds["amount::in_range.failing_count"] == ("check", "amount::in_range", "amount")


def test_series_oldest_first_with_filters(run_day: Runner, ledger: Path) -> None:
    for day, rows in enumerate([100, 110, 120, 130]):
        run_day(frame(rows, seed=day, bad=1 if day == 2 else 0), day)
    store = History(history_path(ledger))
    assert [p.value for p in store.series("row_count")] == [100, 110, 120, 130]
    assert [p.value for p in store.series("row_count", limit=2)] == [120, 130]
    assert [p.value for p in store.series("row_count", verdicts=["pass"])] == [100, 110, 130]
    since = START + dt.timedelta(days=1)
    until = START + dt.timedelta(days=3)
    assert [p.value for p in store.series("row_count", since=since, until=until)] == [110, 120]
    assert store.series("row_count", suite="other") == []
    assert [p.seq for p in store.series("row_count")] == [1, 2, 3, 4]
    assert [r.seq for r in store.runs(limit=2)] == [4, 3]
    assert [r.seq for r in store.runs(verdict="block")] == [3]
    assert len(store) == 4
    [s] = store.list_series(metric="row_count")
    assert (s.count, s.last_value, s.first, s.last) == (
        4,
        130,
        START.replace(tzinfo=None),
        (START + dt.timedelta(days=3)).replace(tzinfo=None),
    )
    assert {s.metric for s in store.list_series(check="amount::*")} == {
        "amount::in_range.observed",
        "amount::in_range.failing_count",
        "amount::in_range.failing_fraction",
    }
    assert store.list_series(suite="nothing*") == []
    assert store.list_series(since=START + dt.timedelta(days=9)) == []


def test_bad_times_and_limits_are_one_line_errors(tmp_path: Path) -> None:
    store = History(tmp_path / "h.duckdb")
    with pytest.raises(HistoryError, match=r"since 'yesterday' is not an ISO-8601 date-time"):
        store.series("row_count", since="yesterday")
    with pytest.raises(HistoryError, match="limit must be >= 1, got 0"):
        store.runs(limit=0)


def test_no_history_yet_reads_as_empty(tmp_path: Path) -> None:
    store = History(tmp_path / "none.duckdb")
    assert (store.runs(), store.series("row_count"), store.list_series(), len(store)) == (
        [],
        [],
        [],
        0,
    )
    assert not (tmp_path / "none.duckdb").exists()
    # a DuckDB file with no history tables yet (created by another tool) reads as empty too
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    empty = History(tmp_path / "empty.duckdb")
    assert (empty.runs(), empty.list_series(), len(empty)) == ([], [], 0)


def test_history_off_records_nothing(
    run_day: Runner, ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATES_HISTORY", "off")
    run_day(frame(50), 0)
    assert ledger.exists()
    assert not ledger.with_name("ledger.history.duckdb").exists()


def test_an_unwritable_history_warns_once_and_keeps_the_run(
    run_day: Runner,
    ledger: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gates.history._record as rec

    monkeypatch.setitem(rec._WARNED, "done", False)
    ledger.parent.mkdir(parents=True)
    ledger.with_name("ledger.history.duckdb").write_text("not a database", encoding="utf-8")
    run_day(frame(50), 0)
    run_day(frame(60), 1)
    err = capfd.readouterr().err
    assert err.count("warning: could not write the metric history") == 1
    assert "gates history rebuild --ledger" in err
    from gates.ledger import Ledger

    assert len(Ledger(ledger)) == 2


def test_the_ledger_file_is_never_written_by_the_history(run_day: Runner, ledger: Path) -> None:
    run_day(frame(50), 0)
    con = duckdb.connect(str(ledger), read_only=True)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert tables == {"gate_runs"}


def test_one_run_and_a_bulk_rebuild_store_the_same_rows(
    run_day: Runner, ledger: Path, tmp_path: Path
) -> None:
    """A run's rows go as one INSERT … VALUES, a rebuild's thousands as Arrow: same tables."""
    from gates.history._schema import VALUES_MAX
    from gates.ledger import Ledger

    run_day(frame(120, bad=3), 0)
    [stored] = Ledger(ledger).list()
    runs = [(seq, f"run{seq}", f"hash{seq}", stored.record) for seq in range(1, 131)]
    # row_count + the check's 3 fields: 4 metric rows a run
    small, bulk = History(tmp_path / "a.duckdb"), History(tmp_path / "b.duckdb")
    for start in range(0, 130, 100):  # <= 400 rows a table each: INSERT … VALUES
        small.add(runs[start : start + 100])
    bulk.add(runs)  # 520 metric rows: Arrow
    assert 100 * 4 <= VALUES_MAX < 130 * 4
    everything = "SELECT * FROM {} ORDER BY ALL"
    for table in ("history_runs", "history_metrics", "history_bands"):
        rows = small.query(everything.format(table))
        assert rows == bulk.query(everything.format(table)), table
    assert len(small.query(everything.format("history_metrics"))) == 130 * 4
    bulk.add(runs[:10])  # replacing runs (a rebuild of part of the ledger) keeps one copy each
    assert len(bulk) == 130
    assert bulk.series("row_count")[-1].value == 120
