"""Stopping `gates serve` finishes the validation in flight and records it in the ledger."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest

from gates.ledger import Ledger

pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sigterm_finishes_the_run_in_flight(tmp_path: Path) -> None:
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "big.yml").write_text(
        "name: big\ncolumns:\n  id: {unique: true}\n  x:\n    checks:\n      - in_range: [0, 10]\n"
        "  s:\n    checks:\n      - str_matches: '^[a-z]+[0-9]*$'\n",
        encoding="utf-8",
    )
    data = tmp_path / "big.csv"  # big enough that parsing and checking take a while
    n = 3_000_000
    pl.DataFrame(
        {"id": range(n), "x": [i % 11 for i in range(n)], "s": [f"row{i}" for i in range(n)]}
    ).write_csv(data)
    ledger = tmp_path / "ledger.duckdb"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI", "GITHUB_"))} | {
        "GATES_TOKENS": ""
    }
    proc = subprocess.Popen(
        [
            GATES,
            "serve",
            "--suites",
            str(tmp_path / "suites"),
            "--port",
            str(port),
            "--ledger",
            str(ledger),
            "--max-upload-mb",
            "500",
            "--workers",
            "1",
            "--timeout",
            "120",
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
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "gates serve did not start"
                time.sleep(0.2)
        answer: dict[str, Any] = {}

        def upload() -> None:
            with data.open("rb") as fh:
                answer["r"] = httpx.post(
                    f"{url}/v1/suites/big/validate", files={"file": ("big.csv", fh)}, timeout=120
                )
            answer["at"] = time.monotonic()

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(1.0)  # the upload is streaming or being checked now
        assert "r" not in answer, "the validation finished before the signal; make the data bigger"
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        thread.join(120)
        # uvicorn re-raises the signal once its graceful shutdown is done, for supervisors to see
        assert proc.wait(60) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
    response = answer["r"]
    assert answer["at"] > signalled  # it was in flight when the server was told to stop
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["dataset"]["rows"] == n and doc["verdict"] == "pass"
    runs = Ledger(ledger).list()
    assert [r.run_id for r in runs] == [doc["run_id"]]
    assert Ledger(ledger).verify().ok
