"""Fuzz the served OpenAPI with schemathesis: whatever it sends, the server never answers 5xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from gates.ledger import Ledger

pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))
TOKEN = "fuzz-writer-secret"
SUITE = """\
name: fuzz
columns:
  id: {dtype: int64, nullable: false}
  name:
    dtype: string
    checks:
      - str_length: {min_value: 1, max_value: 20}
"""


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "suites").mkdir()
    (tmp / "suites" / "fuzz.yml").write_text(SUITE, encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ledger = tmp / "ledger.duckdb"
    proc = subprocess.Popen(
        [
            GATES,
            "serve",
            "--suites",
            str(tmp / "suites"),
            "--port",
            str(port),
            "--ledger",
            str(ledger),
            "--workers",
            "4",
            "--max-upload-mb",
            "1",
        ],
        cwd=tmp,
        env={**os.environ, "GATES_TOKENS": f"fuzz:{TOKEN}:write"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gates serve did not start")
        yield url, ledger
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def api_schema(fuzz_server: tuple[str, Path]) -> Any:
    url, _ = fuzz_server
    return schemathesis.openapi.from_url(f"{url}/openapi.json")


def _operations() -> list[str]:
    return [
        "GET /healthz",
        "GET /metrics",
        "GET /v1/suites",
        "POST /v1/suites/{name}/validate",
        "POST /v1/suites/{name}/records",
        "POST /v1/profile",
        "GET /v1/runs",
        "GET /v1/runs/{run_id}",
    ]


# schemathesis.pytest.from_fixture does not work with pytest 9 yet ('Function' has no '_nodeid'),
# so each operation's hypothesis strategy is driven here directly.
_NO_INPUT = {"GET /healthz", "GET /metrics", "GET /v1/suites"}  # nothing to make invalid
CASES = [(label, GenerationMode.POSITIVE) for label in _operations()] + [
    (label, GenerationMode.NEGATIVE) for label in _operations() if label not in _NO_INPUT
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_no_server_errors(
    api_schema: Any, fuzz_server: tuple[str, Path], label: str, mode: GenerationMode
) -> None:
    url, _ = fuzz_server
    operations = {op.ok().label: op.ok() for op in api_schema.get_all_operations()}
    assert set(operations) == set(_operations())
    strategy = operations[label].as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case: Any) -> None:
        response = case.call(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        case.validate_response(response, checks=[not_a_server_error])

    call()


def test_zz_ledger_intact_after_fuzzing(fuzz_server: tuple[str, Path]) -> None:
    url, ledger = fuzz_server
    runs = httpx.get(
        f"{url}/v1/runs", params={"limit": 1000}, headers={"Authorization": f"Bearer {TOKEN}"}
    ).json()
    report = Ledger(ledger).verify()
    assert report.ok
    assert report.records == len(runs["runs"])
