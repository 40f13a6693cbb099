"""Many processes appending at once: nothing lost, seqs contiguous, chain intact."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from gates.ledger import Ledger, LedgerLocked

REPO = Path(__file__).resolve().parents[3]

WRITER = textwrap.dedent(
    """
    import pathlib, sys, time
    from gates.ledger import Ledger

    path, worker, barrier = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
    (barrier / f"ready-{worker}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.002)
    ledger = Ledger(path)
    for i in range(10):
        ledger.append({
            "run_id": f"w{worker}-{i:02d}",
            "started_at": "2024-05-01T10:00:00Z",
            "finished_at": "2024-05-01T10:00:01Z",
            "dataset": {"source": "d.csv", "fingerprint": f"fp{worker}", "rows": i},
            "suite": {"name": f"suite-{worker}", "hash": "h"},
            "versions": {"gates": "0.1.0"},
            "verdict": "pass",
            "checks": [],
            "actor": {"kind": "ci", "name": f"job-{worker}"},
        })
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow
def test_eight_processes_append_concurrently(tmp_path: Path) -> None:
    """8 processes x 10 appends → exactly 80 runs, seqs 1..80, verify ok."""
    path = tmp_path / "ledger.duckdb"
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n), str(barrier)],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    deadline = time.monotonic() + 30
    while len(list(barrier.glob("ready-*"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    (barrier / "go").touch()  # release all writers at once
    errors = [(w.wait(timeout=60), w.stderr.read() if w.stderr else "") for w in workers]
    assert [code for code, _ in errors] == [0] * 8, [err for _, err in errors if err]

    ledger = Ledger(path)
    runs = ledger.list(limit=None)[::-1]
    assert len(runs) == 80
    assert [run.seq for run in runs] == list(range(1, 81))
    assert {run.run_id for run in runs} == {f"w{w}-{i:02d}" for w in range(8) for i in range(10)}
    for worker in range(8):  # each writer's runs keep their own order
        mine = [run.run_id for run in runs if run.run_id.startswith(f"w{worker}-")]
        assert mine == sorted(mine)
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.records == 80


def test_writer_times_out_with_a_clear_error(ledger_path: Path, make_record) -> None:
    """A lock held elsewhere makes append give up after ``timeout`` seconds, writing nothing."""
    ledger = Ledger(ledger_path, timeout=0.3)
    ledger.append(make_record(1))
    with open(f"{ledger_path}.lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        start = time.monotonic()
        with pytest.raises(LedgerLocked) as info:
            ledger.append(make_record(2))
        elapsed = time.monotonic() - start
        with pytest.raises(LedgerLocked):
            ledger.list()  # readers wait for writers too
    assert 0.3 <= elapsed < 2.0
    assert str(info.value) == (
        f"ledger {ledger_path} is still locked by another process after 0.3 s "
        f"(lock file {ledger_path}.lock); retry later or raise the timeout"
    )
    assert isinstance(info.value, TimeoutError)
    assert len(ledger) == 1


def test_readers_share_the_lock(ledger_path: Path, make_record) -> None:
    """A reader holding a shared lock does not block other readers."""
    ledger = Ledger(ledger_path, timeout=0.3)
    ledger.append(make_record(1))
    with open(f"{ledger_path}.lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        assert len(ledger.list()) == 1
        assert ledger.verify().ok
        with pytest.raises(LedgerLocked):
            ledger.append(make_record(2))


def test_append_waits_for_a_foreign_duckdb_connection(ledger_path: Path, make_record) -> None:
    """A process holding the DuckDB file without our lock is waited out, not fatal."""
    ledger = Ledger(ledger_path, timeout=20)
    ledger.append(make_record(1))
    ready = ledger_path.parent / "holder-ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, pathlib, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "pathlib.Path(sys.argv[2]).touch()\n"
            "time.sleep(1.0)\n"
            "con.close()\n",
            str(ledger_path),
            str(ready),
        ],
        env=_env(),
    )
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.monotonic()
        stored = ledger.append(make_record(2))
        waited = time.monotonic() - start
    finally:
        holder.wait(timeout=30)
    assert stored.seq == 2
    assert waited > 0.3  # it really had to retry
    assert ledger.verify().ok


def test_threads_in_one_process_append_concurrently(ledger_path: Path, make_record) -> None:
    """The lock also serialises threads (the service appends from worker threads)."""
    ledger = Ledger(ledger_path)
    failures: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            for i in range(5):
                ledger.append(make_record(1, run_id=f"t{thread}-{i}"))
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert [run.seq for run in ledger.list(limit=None)] == list(range(20, 0, -1))
    assert ledger.verify().ok
