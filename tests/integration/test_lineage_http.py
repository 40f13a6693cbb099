"""`gates check` sends its OpenLineage events to a real HTTP receiver on loopback."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gates._sample import make_orders
from gates.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"

_spec = importlib.util.spec_from_file_location(
    "lineage_schema", ROOT / "tests" / "gates" / "lineage" / "lineage_schema.py"
)
assert _spec is not None and _spec.loader is not None
_schema = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_schema)
validate_event = _schema.validate_event


class Receiver:
    """A Marquez-shaped endpoint: POST /api/v1/lineage, one JSON event per request."""

    def __init__(self, delay: float = 0.0) -> None:
        self.events: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if receiver.delay:
                    time.sleep(receiver.delay)
                receiver.paths.append(self.path)
                receiver.events.append(json.loads(body))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def gates(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OPENLINEAGE")}
    full = {**clean, "COLUMNS": "200", "HOME": str(cwd), **(env or {})}
    full.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, env=full, timeout=120
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lineage")
    make_orders(1500, seed=4).write_parquet(root / "orders.parquet")
    shutil.copy(ROOT / "suites" / "orders.yml", root / "orders.yml")
    return root


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def test_check_posts_start_and_complete(project: Path, receiver: Receiver, tmp_path: Path) -> None:
    """The events validate, name the file, and carry the run's verdict and ledger run id."""
    ledger = tmp_path / "ledger.duckdb"
    report = tmp_path / "report.json"
    done = gates(
        "check", "orders.parquet", "-s", "orders.yml", "--ledger", str(ledger),
        "--json", str(report), "--lineage", receiver.url, cwd=project,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "warning" not in done.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert receiver.paths == ["/api/v1/lineage", "/api/v1/lineage"]
    start, complete = receiver.events
    for event in receiver.events:
        validate_event(event)
    assert [start["eventType"], complete["eventType"]] == ["START", "COMPLETE"]
    assert complete["run"]["runId"] == str(uuid.UUID(doc["run_id"]))
    (stored,) = Ledger(ledger).list()
    assert complete["run"]["facets"]["datagates"]["runId"] == stored.run_id == doc["run_id"]
    assert complete["run"]["facets"]["datagates"]["verdict"] == "block"
    assert complete["job"] == {**complete["job"], "namespace": "datagates", "name": "orders"}
    (inp,) = complete["inputs"]
    assert (inp["namespace"], inp["name"]) == ("file", str(project / "orders.parquet"))
    assertions = inp["facets"]["dataQualityAssertions"]["assertions"]
    assert [(a["assertion"], a["success"], a.get("column")) for a in assertions] == [
        (c["id"], c["passed"], c["column"]) for c in doc["checks"]
    ]
    nulls = {c["column"]: c["failing_count"] for c in doc["checks"] if c["name"] == "not_nullable"}
    metrics = inp["inputFacets"]["dataQualityMetrics"]
    assert metrics["rowCount"] == doc["dataset"]["rows"] == 1500
    assert {k: v["nullCount"] for k, v in metrics["columnMetrics"].items()} == nulls


def test_openlineage_url_and_the_lineage_block(project: Path, receiver: Receiver) -> None:
    """Configured the OpenLineage way: OPENLINEAGE_URL, namespace from openlineage.yml's block."""
    (project / "openlineage.yml").write_text("lineage:\n  namespace: fraud-gates\n", "utf-8")
    try:
        done = gates(
            "check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q",
            cwd=project, env={"OPENLINEAGE_URL": receiver.url},
        )  # fmt: skip
    finally:
        (project / "openlineage.yml").unlink()
    assert done.returncode == 1, done.stderr
    assert [e["eventType"] for e in receiver.events] == ["START", "COMPLETE"]
    assert {e["job"]["namespace"] for e in receiver.events} == {"fraud-gates"}


def test_without_configuration_nothing_is_sent(project: Path, receiver: Receiver) -> None:
    done = gates("check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q", cwd=project)
    assert done.returncode == 1
    assert receiver.events == []


def test_input_error_is_start_and_fail(project: Path, receiver: Receiver) -> None:
    done = gates(
        "check", "nope.parquet", "-s", "orders.yml", "--no-ledger", "--lineage", receiver.url,
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 2
    assert [e["eventType"] for e in receiver.events] == ["START", "FAIL"]
    assert (
        "nope.parquet: no such file"
        in receiver.events[1]["run"]["facets"]["errorMessage"]["message"]
    )


def test_a_slow_endpoint_costs_at_most_the_timeout_and_one_line(project: Path) -> None:
    """A receiver that never answers in time: same exit code, one warning line, no hang."""
    with Receiver(delay=60) as slow:
        began = time.monotonic()
        done = gates(
            "check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q",
            "--lineage", slow.url, cwd=project, env={"GATES_LINEAGE_TIMEOUT": "1"},
        )  # fmt: skip
        took = time.monotonic() - began
    assert done.returncode == 1
    assert done.stdout.startswith("verdict: BLOCK")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"warning: lineage events to {slow.url} not delivered within 1 s; the gate went on without them"
    ]
    assert took < 30  # not a speed check: the receiver holds each request for 60 s


def test_a_refused_connection_is_one_line(project: Path) -> None:
    with Receiver() as gone:
        url = gone.url
    done = gates(
        "check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q", "--lineage", url,
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"warning: lineage events to {url} not delivered (ConnectionError")
    assert lines[0].endswith("the verdict is not affected")


def test_file_and_console_targets(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.ndjson"
    done = gates(
        "check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q",
        "--lineage", f"file:{out}", cwd=project,
    )  # fmt: skip
    assert done.returncode == 1
    events = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    shown = gates(
        "check", "orders.parquet", "-s", "orders.yml", "--no-ledger", "-q", "--lineage", "console",
        cwd=project,
    )  # fmt: skip
    printed = [json.loads(line) for line in shown.stderr.splitlines() if line.startswith("{")]
    assert [e["eventType"] for e in printed] == ["START", "COMPLETE"]
    assert shown.stdout.startswith("verdict: BLOCK")


DRIFT_SUITE = """\
name: orders-drift
columns:
  amount: {nullable: true}
drift:
  baseline: baseline.json
  severity: warn
"""


def test_a_profiled_run_sends_its_column_statistics(
    project: Path, receiver: Receiver, tmp_path: Path
) -> None:
    """A drift: run profiles the data: its counts, min, max and quantiles reach the facet."""
    import polars as pl

    (tmp_path / "drift.yml").write_text(DRIFT_SUITE, encoding="utf-8")
    data = project / "orders.parquet"
    profiled = gates("profile", str(data), "--json", str(tmp_path / "baseline.json"), cwd=project)
    assert profiled.returncode == 0, profiled.stderr
    done = gates(
        "check", str(data), "-s", str(tmp_path / "drift.yml"), "--no-ledger", "-q",
        "--lineage", receiver.url, cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    complete = receiver.events[1]
    validate_event(complete)
    metrics = complete["inputs"][0]["inputFacets"]["dataQualityMetrics"]["columnMetrics"]
    frame = pl.read_parquet(data)
    amount = frame["amount"]
    want = {"0.01": 0.01, "0.05": 0.05, "0.25": 0.25, "0.5": 0.5, "0.75": 0.75, "0.95": 0.95}
    want |= {"0.99": 0.99}
    got = metrics["amount"]
    assert got["nullCount"] == 0
    assert got["count"] == len(amount)
    assert got["distinctCount"] == amount.n_unique()
    assert (got["min"], got["max"]) == (amount.min(), amount.max())
    assert got["quantiles"] == pytest.approx(
        {k: amount.quantile(q, interpolation="linear") for k, q in want.items()}
    )
    customers = frame["customer_id"]
    assert metrics["customer_id"]["nullCount"] == customers.null_count() == 12
    assert metrics["customer_id"]["count"] == len(customers) - 12
    # a string column: counts; a datetime column: counts only (no epoch numbers as min/max)
    assert metrics["status"]["distinctCount"] == frame["status"].n_unique()
    assert set(metrics["created_at"]) - {"quantiles"} == {"nullCount", "distinctCount", "count"}
    assert not metrics["created_at"].get("quantiles")
