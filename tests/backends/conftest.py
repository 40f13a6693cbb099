"""Spark fixtures: one local session, a standalone master + worker, a Spark Connect server.

All three are real: the session is PySpark's own `local[2]`; the cluster and the Connect
server are JVM processes started here on loopback with free ports, waited for within a
bound, and stopped by PID (terminate, wait, kill). Their logs are kept in the test's temp
folder and printed when a start-up fails. Without Java or PySpark the tests skip and say
why, except when the environment variable CI is set: CI must run them, so they fail.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _backend_cli import Run, run_gates
from spark_local import local_session, require_spark

from gates._sample import make_orders

#: Seconds any start-up may take before the fixture gives up.
START_TIMEOUT_S = 60.0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the Spark tests must run there)", pytrace=False)
    pytest.skip(reason)


def _spark_home() -> Path:
    return require_spark()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _start(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as fh:
        return subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, env=_env())


def _fail_start(what: str, procs: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    for p in procs:
        _stop(p)
    tails = "\n".join(f"--- {log}\n" + log.read_text(errors="replace")[-3000:] for log in logs)
    pytest.fail(f"{what} did not start within {START_TIMEOUT_S:g} s\n{tails}", pytrace=False)


def _master_json(webui_port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{webui_port}/json", timeout=2) as r:
            data = json.loads(r.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def gates_cli(tmp_path: Path) -> Callable[..., Run]:
    """Run the installed `gates check` in this test's temp folder (see :func:`run_gates`)."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        return run_gates(*args, cwd=tmp_path, env=env)

    return run


@pytest.fixture(scope="session")
def orders_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo orders (known defects) as a Parquet file, written once per session."""
    path = tmp_path_factory.mktemp("orders") / "orders.parquet"
    make_orders().write_parquet(path)
    return path


@pytest.fixture(scope="session")
def needs_spark() -> Path:
    """PySpark's home; skips without Java or PySpark (fails instead when CI is set)."""
    return _spark_home()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One `local[2]` session on loopback for the module: small, quiet, four shuffle partitions."""
    session = local_session("datagates-tests", cores=2, partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and one worker (1 core, 1g) on loopback; yields `spark://127.0.0.1:P`."""
    home = _spark_home()
    logs = tmp_path_factory.mktemp("spark-standalone")
    port, webui, worker_ui = _free_port(), _free_port(), _free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    master = _start(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
         "--port", str(port), "--webui-port", str(webui)],
        logs / "master.log",
    )  # fmt: skip
    worker = _start(
        [spark_class, "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1",
         "--cores", "1", "--memory", "1g", "--webui-port", str(worker_ui),
         "--work-dir", str(logs / "work")],
        logs / "worker.log",
    )  # fmt: skip
    procs, files = [master, worker], [logs / "master.log", logs / "worker.log"]
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        state = _master_json(webui)
        alive = [w for w in (state or {}).get("workers", []) if w.get("state") == "ALIVE"]
        if alive:
            break
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            _fail_start("the standalone master and worker", procs, files)
        time.sleep(0.5)
    try:
        yield url
    finally:
        _stop(worker)
        _stop(master)


@pytest.fixture(scope="module")
def spark_connect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server (local[2] inside) on a free loopback port; yields `sc://127.0.0.1:P`."""
    home = _spark_home()
    jars = sorted((home / "jars").glob("spark-connect_*.jar"))
    if not jars:
        _unavailable(
            f"no spark-connect_*.jar in {home / 'jars'}: this pyspark has no Connect server"
        )
    logs = tmp_path_factory.mktemp("spark-connect")
    port = _free_port()
    server = _start(
        [str(home / "bin" / "spark-submit"), "--master", "local[2]",
         "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
         "--conf", f"spark.connect.grpc.binding.port={port}",
         "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
         "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=4",
         "--driver-memory", "1g", str(jars[0])],
        logs / "connect.log",
    )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _port_open(port):
        if time.monotonic() > deadline or server.poll() is not None:
            _fail_start("the Spark Connect server", [server], [logs / "connect.log"])
        time.sleep(0.5)
    try:
        yield f"sc://127.0.0.1:{port}"
    finally:
        _stop(server)
