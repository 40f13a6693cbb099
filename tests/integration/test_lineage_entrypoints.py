"""The pytest plugin and `gates serve` emit lineage the same way as `gates check`: by OpenLineage's config."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
GATES = str(Path(sys.executable).with_name("gates"))
EXAMPLE = ROOT / "docs_src" / "pytest"

_spec = importlib.util.spec_from_file_location(
    "lineage_http_entry", Path(__file__).with_name("test_lineage_http.py")
)
assert _spec is not None and _spec.loader is not None
_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_http)
Receiver = _http.Receiver


def _env(**extra: str) -> dict[str, str]:
    skip = ("OPENLINEAGE", "CI", "GITHUB_", "GITLAB_")
    return {k: v for k, v in os.environ.items() if not k.startswith(skip)} | extra


def test_pytest_plugin_emits_with_openlineage_url(tmp_path: Path) -> None:
    """A gated pytest session (a real subprocess) sends one START/COMPLETE per suite run."""
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, tmp_path / folder)
    with Receiver() as receiver:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--gate-suites", "suites/orders.yml", "-q",
             "-p", "no:cacheprovider"],
            cwd=tmp_path, env=_env(OPENLINEAGE_URL=receiver.url, HOME=str(tmp_path)),
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the example has one blocking failure
    assert [e["eventType"] for e in receiver.events] == ["START", "COMPLETE"]
    complete = receiver.events[1]
    assert complete["job"]["name"] == "orders"
    assert complete["run"]["facets"]["datagates"]["verdict"] == "block"
    assert complete["inputs"][0]["name"] == str(tmp_path / "data" / "orders.csv")


@pytest.mark.service
def test_service_emits_for_each_validation(tmp_path: Path) -> None:
    """`gates serve` with OPENLINEAGE_URL: a records batch is one run, named records:N."""
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "people.yml").write_text(
        "name: people\ncolumns:\n  id: {dtype: int64, nullable: false}\n", encoding="utf-8"
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    with Receiver() as receiver:
        proc = subprocess.Popen(
            [GATES, "serve", "--suites", "suites", "--port", str(port), "--ledger", "l.duckdb"],
            cwd=tmp_path, env=_env(OPENLINEAGE_URL=receiver.url, GATES_TOKENS="", HOME=str(tmp_path)),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            answer = httpx.post(
                f"{url}/v1/suites/people/records",
                json={"records": [{"id": 1}, {"id": None}, {"id": 3}]},
                timeout=30,
            )
            assert answer.status_code == 200
            doc = answer.json()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    # (the service's start-up warm-up run on an empty frame also emits today; only this run counts)
    mine = [e for e in receiver.events if e["run"]["runId"] == str(uuid.UUID(doc["run_id"]))]
    assert [e["eventType"] for e in mine] == ["START", "COMPLETE"]
    complete = mine[1]
    assert (complete["inputs"][0]["namespace"], complete["inputs"][0]["name"]) == (
        "datagates",
        "records:3",
    )
    metrics = complete["inputs"][0]["inputFacets"]["dataQualityMetrics"]
    assert metrics["rowCount"] == 3
    assert metrics["columnMetrics"]["id"]["nullCount"] == 1
    assert json.dumps(complete).count('"success": false') == 1
