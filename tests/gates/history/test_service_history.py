"""A real `gates serve`: uploads are recorded in the history and judged by the suite's anomaly item."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import polars as pl
import pytest

from gates.history import History, history_path, verify_history

pytestmark = pytest.mark.service
GATES = str(Path(sys.executable).with_name("gates"))
TOKEN = "hist-writer-secret-1"
SUITE = """\
name: feed
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 1000}
anomaly:
  - metric: row_count
    min_history: 3
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _parquet(rows: int) -> bytes:
    buf = io.BytesIO()
    pl.DataFrame({"amount": [float(i % 90) for i in range(rows)]}).write_parquet(buf)
    return buf.getvalue()


def test_service_runs_land_in_the_history_and_a_drop_is_blocked(tmp_path: Path) -> None:
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "feed.yml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "tokens.txt").write_text(f"ci:{TOKEN}:write\n", encoding="utf-8")
    ledger = tmp_path / "ledger.duckdb"
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATES_")}
    proc = subprocess.Popen(
        [
            GATES,
            "serve",
            "--suites",
            "suites",
            "--port",
            str(port),
            "--ledger",
            str(ledger),
            "--tokens-file",
            "tokens.txt",
            "--workers",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gates serve did not become healthy"
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            docs = []
            for rows in (500, 510, 495, 505, 40):
                response = client.post(
                    "/v1/suites/feed/validate", files={"file": ("feed.parquet", _parquet(rows))}
                )
                assert response.status_code == 200, response.text
                docs.append(response.json())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    verdicts = [d["verdict"] for d in docs]
    assert verdicts == ["pass", "pass", "pass", "pass", "block"]
    [check] = [c for c in docs[-1]["checks"] if c["id"] == "anomaly::row_count"]
    assert check["passed"] is False
    assert check["message"].startswith("40 is outside the band learnt from 4 past runs")
    store = History(history_path(ledger))
    assert [p.value for p in store.series("row_count", dataset="upload:feed.parquet")] == [
        500,
        510,
        495,
        505,
        40,
    ]
    assert verify_history(ledger).ok
