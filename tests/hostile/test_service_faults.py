"""`gates serve` under faults: a ledger broken while it runs, clients that hang up, SIGTERM, overload.

Every case runs against a real `gates serve` process on a free loopback port, with real files
corrupted by the test. Wanted: the service keeps answering (never a 500), a run that cannot be
recorded is spilled to ``<ledger>.unwritten.jsonl`` and reported (/healthz degraded, a metric,
one log line), shutdown stays graceful, and no answered run is lost.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from _ledger_fixtures import UNREADABLE, good_ledger

from gates.ledger import Ledger, LedgerError

pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))
SUITE = """\
name: people
columns:
  id: {dtype: int64, nullable: false}
  age:
    dtype: int64
    checks:
      - in_range: {min_value: 0, max_value: 130}
"""
#: Seconds any single request may take in these tests; nothing here should come close.
BOUND = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `gates serve` subprocess whose stderr goes to ``log``."""

    def __init__(self, folder: Path, *, workers: int = 2) -> None:
        self.folder = folder
        (folder / "suites").mkdir(parents=True, exist_ok=True)
        (folder / "suites" / "people.yml").write_text(SUITE, encoding="utf-8")
        self.ledger = folder / "ledger.duckdb"
        self.spill = folder / "ledger.duckdb.unwritten.jsonl"
        self.log = folder / "serve.log"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ci_vars = ("CI", "GITHUB_", "GITLAB_", "CI_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ci_vars)}
        self._log_fh = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                GATES,
                "serve",
                "--suites",
                str(folder / "suites"),
                "--port",
                str(self.port),
                "--ledger",
                str(self.ledger),
                "--workers",
                str(workers),
                "--timeout",
                "20",
                "--graceful-timeout",
                "10",
            ],
            cwd=folder,
            env=env | {"GATES_TOKENS": ""},
            stdout=subprocess.DEVNULL,
            stderr=self._log_fh,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, self.log.read_text(encoding="utf-8")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gates serve did not start"
            time.sleep(0.2)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=BOUND)

    def stop(self, sig: int = signal.SIGTERM, wait: float = BOUND) -> int:
        """Signal the server and return its exit code; fails (and kills it) past ``wait``."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"gates serve did not stop within {wait:g} s of the signal"
            ) from None
        finally:
            self._log_fh.close()
        return code

    def log_text(self) -> str:
        if not self._log_fh.closed:
            self._log_fh.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")


def _csv(rows: int = 20) -> bytes:
    buf = io.BytesIO()
    pl.DataFrame({"id": list(range(rows)), "age": [30] * rows}).write_csv(buf)
    return buf.getvalue()


def _records(rows: int = 20) -> dict[str, Any]:
    return {"records": [{"id": i, "age": 30 + i % 50} for i in range(rows)]}


def _metric(client: httpx.Client, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"metric {name} not found")


def _spilled_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["run_id"] for line in path.read_text(encoding="utf-8").splitlines()]


def _wait(predicate: Callable[[], bool], seconds: float = BOUND) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def lock_folder(path: Path) -> None:
    lock = path.with_name(path.name + ".lock")
    lock.unlink(missing_ok=True)
    lock.mkdir()


#: Ways the ledger breaks while the server runs: the file corruptions plus a lock in the way.
BREAKS: dict[str, Callable[[Path], None]] = {
    **{name: UNREADABLE[name] for name in ("truncated-half", "garbage", "text", "zeroed-header")},
    "wrong-table": UNREADABLE["wrong-table"],
    "lock-is-a-folder": lock_folder,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("faults"))
    try:
        yield srv
    finally:
        srv.stop()
        log = srv.log_text()
        assert "Traceback" not in log, log


@pytest.fixture
def broken(server: Server, request: pytest.FixtureRequest) -> Iterator[Server]:
    """The module's server with its ledger broken in the way the test's parameter names."""
    with server.client() as client:  # anything still queued lands before the file is swapped
        client.get("/v1/runs", params={"limit": 1})
    lock = server.ledger.with_name(server.ledger.name + ".lock")
    if lock.is_dir():
        lock.rmdir()
    server.ledger.unlink(missing_ok=True)
    good_ledger(server.ledger)
    server.spill.unlink(missing_ok=True)
    BREAKS[request.param](server.ledger)
    yield server
    if lock.is_dir():
        lock.rmdir()
    server.ledger.unlink(missing_ok=True)
    good_ledger(server.ledger)


def _every_status_is_not_500(*responses: httpx.Response) -> None:
    for response in responses:
        assert response.status_code != 500, response.text


# --- A LEDGER BROKEN WHILE THE SERVER RUNS ---------------------------------------------------


@pytest.mark.parametrize("broken", sorted(BREAKS), indirect=True)
def test_upload_is_answered_and_its_run_spilled(broken: Server) -> None:
    with broken.client() as client:
        before = _metric(client, "gates_ledger_spilled_runs_total")
        response = client.post(
            "/v1/suites/people/validate", files={"file": ("people.csv", _csv(), "text/csv")}
        )
        assert response.status_code == 200, response.text
        assert response.headers["X-Gates-Ledger"] == "spilled"
        run_id = response.json()["run_id"]
        assert run_id in _spilled_ids(broken.spill)
        assert _metric(client, "gates_ledger_spilled_runs_total") >= before + 1
        health = client.get("/healthz").json()
    assert health["status"] == "degraded"
    assert health["ledger"]["status"] == "degraded"
    assert health["ledger"]["spill_file"] == str(broken.spill)
    assert health["ledger"]["last_error"]


@pytest.mark.parametrize("broken", sorted(BREAKS), indirect=True)
def test_records_are_answered_and_spilled_in_order(broken: Server) -> None:
    with broken.client() as client:
        ids = []
        for _ in range(3):
            response = client.post("/v1/suites/people/records", json=_records())
            assert response.status_code == 200, response.text
            ids.append(response.json()["run_id"])
        client.get("/v1/runs")  # waits for the writer: written or spilled, never pending
    spilled = _spilled_ids(broken.spill)
    assert [i for i in spilled if i in ids] == ids  # every answered run, in order


@pytest.mark.parametrize("broken", sorted(set(BREAKS) - {"lock-is-a-folder"}), indirect=True)
@pytest.mark.parametrize("route", ["/v1/runs", "/v1/runs?suite=people&limit=5", "/v1/runs/run0001"])
def test_reading_a_broken_ledger_is_503_not_500(
    broken: Server, route: str, request: pytest.FixtureRequest
) -> None:
    with broken.client() as client:
        response = client.get(route)
    if response.status_code == 200:
        # DuckDB reads only the pages a query needs; a half-truncated file may still answer
        assert request.node.callspec.params["broken"] == "truncated-half"
        return
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "ledger_unavailable"
    assert str(broken.ledger) in error["message"]
    assert "\n" not in error["message"]
    assert response.headers["Retry-After"].isdigit()


@pytest.mark.parametrize("broken", ["garbage"], indirect=True)
def test_the_service_recovers_when_the_ledger_is_restored(broken: Server) -> None:
    with broken.client() as client:
        spilled = client.post("/v1/suites/people/records", json=_records())
        client.get("/v1/runs")
        assert client.get("/healthz").json()["status"] == "degraded"
        broken.ledger.unlink()
        good_ledger(broken.ledger)
        broken.spill.unlink()  # the operator replayed or archived the spill file
        fresh = client.post("/v1/suites/people/records", json=_records())
        runs = client.get("/v1/runs", params={"limit": 50})
        assert runs.status_code == 200
        assert client.get("/healthz").json()["status"] == "ok"
    listed = [r["run_id"] for r in runs.json()["runs"]]
    assert fresh.json()["run_id"] in listed
    assert spilled.json()["run_id"] not in listed


@pytest.mark.parametrize("broken", ["truncated-half"], indirect=True)
def test_a_spill_file_in_the_way_falls_back_to_the_temp_folder(broken: Server) -> None:
    broken.spill.mkdir()
    try:
        with broken.client() as client:
            response = client.post(
                "/v1/suites/people/validate", files={"file": ("p.csv", _csv(), "text/csv")}
            )
            assert response.status_code == 200
            assert response.headers["X-Gates-Ledger"] == "spilled"
        fallback = (
            Path(os.environ.get("TMPDIR", "/tmp")) / f"gates-unwritten-{broken.proc.pid}.jsonl"
        )
        assert response.json()["run_id"] in _spilled_ids(fallback)
        _wait(lambda: str(fallback) in broken.log_text())
    finally:
        broken.spill.rmdir()


def test_deleting_the_ledger_while_running_starts_a_new_one(server: Server) -> None:
    with server.client() as client:
        client.get("/v1/runs")
        server.ledger.unlink(missing_ok=True)
        response = client.post("/v1/suites/people/records", json=_records())
        runs = client.get("/v1/runs").json()["runs"]
    assert response.json()["run_id"] in [r["run_id"] for r in runs]
    assert Ledger(server.ledger).verify().ok


def test_spills_are_one_log_line_each_and_no_traceback(server: Server) -> None:
    log = server.log_text()
    lines = [line for line in log.splitlines() if "spilled them to" in line]
    assert lines, log
    assert all(line.startswith("could not write ") for line in lines)
    assert "Traceback" not in log


# --- CLIENTS THAT HANG UP ----------------------------------------------------------------------


def _hang_up(server: Server, path: str, content_type: str, sent: bytes, declared: int) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {declared}\r\n\r\n"
        ).encode()
        sock.sendall(head + sent)
        time.sleep(0.2)


BOUNDARY = "gatesboundary"
MULTIPART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
    "Content-Type: text/csv\r\n\r\nid,age\n"
).encode() + b"1,30\n" * 2000


@pytest.mark.parametrize(
    ("path", "content_type", "sent"),
    [
        ("/v1/suites/people/validate", f"multipart/form-data; boundary={BOUNDARY}", MULTIPART_HEAD),
        ("/v1/profile", f"multipart/form-data; boundary={BOUNDARY}", MULTIPART_HEAD),
        ("/v1/suites/people/records", "application/json", b'{"records": [{"id": 1, "age": 3},'),
        ("/v1/suites/people/validate", f"multipart/form-data; boundary={BOUNDARY}", b""),
    ],
    ids=["validate", "profile", "records", "validate-headers-only"],
)
def test_a_client_that_hangs_up_is_one_log_line(
    server: Server, path: str, content_type: str, sent: bytes
) -> None:
    with server.client() as client:
        before = _metric(client, "gates_client_disconnects_total")
        _hang_up(server, path, content_type, sent, declared=len(sent) + 100_000)
        _wait(lambda: _metric(client, "gates_client_disconnects_total") == before + 1)
        assert client.get("/healthz").status_code == 200  # still serving
    log = server.log_text()
    lines = [line for line in log.splitlines() if "disconnected during" in line]
    assert len(lines) >= before + 1
    assert all(line.endswith("nothing was validated") for line in lines)
    assert "Traceback" not in log


# --- SHUTDOWN AND OVERLOAD -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["intact", "garbage"])
def test_sigterm_writes_or_spills_every_queued_run(tmp_path: Path, state: str) -> None:
    srv = Server(tmp_path)
    with srv.client() as client:
        client.post("/v1/suites/people/records", json=_records())  # creates the ledger
        client.get("/v1/runs")
        if state != "intact":
            UNREADABLE[state](srv.ledger)
        ids = [
            client.post("/v1/suites/people/records", json=_records()).json()["run_id"]
            for _ in range(10)
        ]
    started = time.monotonic()
    assert srv.stop() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after shutdown
    assert time.monotonic() - started < BOUND
    if state == "intact":
        stored = {run.run_id for run in Ledger(srv.ledger).list(limit=None)}
        assert set(ids) <= stored
        assert Ledger(srv.ledger).verify().ok
    else:
        assert set(ids) <= set(_spilled_ids(srv.spill))
    assert "Traceback" not in srv.log_text()


def test_overload_is_503_with_retry_after_and_every_answered_run_is_recorded(
    tmp_path: Path,
) -> None:
    srv = Server(tmp_path, workers=1)
    body = json.dumps(_records(5000)).encode()
    statuses: list[int] = []
    answered: list[str] = []
    lock = threading.Lock()

    def post() -> None:
        with httpx.Client(base_url=srv.url, timeout=BOUND) as client:
            for _ in range(4):
                r = client.post(
                    "/v1/suites/people/records",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
                with lock:
                    statuses.append(r.status_code)
                    if r.status_code == 200:
                        answered.append(r.json()["run_id"])
                    elif r.status_code == 503:
                        assert r.headers["Retry-After"].isdigit()
                        assert r.json()["error"]["code"] == "busy"

    try:
        threads = [threading.Thread(target=post) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(BOUND * 2)
        assert set(statuses) <= {200, 503}, statuses
        assert 503 in statuses and 200 in statuses
    finally:
        assert srv.stop() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after shutdown
    stored = {run.run_id for run in Ledger(srv.ledger).list(limit=None)}
    assert set(answered) <= stored
    assert len(stored) == len(answered)


# --- THE WRITER THREAD ON ITS OWN (real files, real thread, no server) -------------------------


def _record(i: int) -> dict[str, Any]:
    from _ledger_fixtures import build_record

    return build_record(i)


@pytest.mark.parametrize("corruption", sorted(UNREADABLE))
def test_the_writer_survives_a_broken_file_and_resumes(tmp_path: Path, corruption: str) -> None:
    from gates.service import LedgerWriter

    led = good_ledger(tmp_path / "ledger.duckdb")
    UNREADABLE[corruption](led)
    spilled: list[int] = []
    writer = LedgerWriter(Ledger(led, timeout=5), on_spill=spilled.append)
    try:
        first = writer.submit(_record(7))
        assert writer.flush(BOUND)
        with pytest.raises(LedgerError, match="spilled to"):
            first.result(0)
        assert writer.degraded
        assert spilled == [1]
        assert _spilled_ids(writer.spill_path) == [_record(7)["run_id"]]
        led.unlink()
        writer.spill_path.unlink()
        second = writer.submit(_record(8))
        assert writer.flush(BOUND)
        assert second.result(0).seq == 1  # the same thread, a fresh ledger
        assert not writer.degraded
    finally:
        writer.close()


def test_close_spills_at_once_without_retrying(tmp_path: Path) -> None:
    from gates.service import LedgerWriter

    led = good_ledger(tmp_path / "ledger.duckdb")
    UNREADABLE["garbage"](led)
    writer = LedgerWriter(Ledger(led, timeout=5))
    futures = [writer.submit(_record(i)) for i in range(1, 21)]
    started = time.monotonic()
    writer.close()
    assert time.monotonic() - started < 5
    assert all(f.done() for f in futures)
    assert sorted(_spilled_ids(writer.spill_path)) == sorted(
        _record(i)["run_id"] for i in range(1, 21)
    )


def test_a_duplicate_in_a_batch_spills_only_that_run(tmp_path: Path) -> None:
    from gates.service import LedgerWriter

    led = good_ledger(tmp_path / "ledger.duckdb")  # runs 1..3 are there already
    writer = LedgerWriter(Ledger(led, timeout=5))
    try:
        futures = [writer.submit(_record(i)) for i in (4, 2, 5)]
        assert writer.flush(BOUND)
    finally:
        writer.close()
    assert futures[0].result(0).seq == 4
    assert futures[2].result(0).seq == 5
    with pytest.raises(LedgerError):
        futures[1].result(0)
    assert _spilled_ids(writer.spill_path) == [_record(2)["run_id"]]
    assert Ledger(led).verify().ok


def _writer_child(pid: int) -> int:
    """The pid of the server's ledger writer process (spawned; not multiprocessing's tracker)."""
    deadline = time.monotonic() + BOUND
    while True:
        kids = [
            int(k)
            for tid in os.listdir(f"/proc/{pid}/task")
            for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
            if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()
        ]
        if kids:
            return kids[0]
        assert time.monotonic() < deadline, "gates serve started no ledger writer process"
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_killed_ledger_writer_process_loses_no_run(tmp_path: Path) -> None:
    """SIGKILL the writer child: the next batch starts a new one; every answered run is recorded."""
    srv = Server(tmp_path)
    try:
        with srv.client() as client:
            first = [client.post("/v1/suites/people/records", json=_records()) for _ in range(5)]
            client.get("/v1/runs", params={"limit": 1})  # written through the first child
            os.kill(_writer_child(srv.proc.pid), signal.SIGKILL)
            later = [client.post("/v1/suites/people/records", json=_records()) for _ in range(5)]
            runs = client.get("/v1/runs", params={"limit": 100})
            _every_status_is_not_500(*first, *later, runs)
            answered = {r.json()["run_id"] for r in [*first, *later]}
            assert {r["run_id"] for r in runs.json()["runs"]} == answered
    finally:
        assert srv.stop() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after shutdown
    assert Ledger(srv.ledger).verify().ok
    assert not srv.spill.exists()
    log = srv.log_text()
    assert "Traceback" not in log and "ledger writer process stopped" in log
