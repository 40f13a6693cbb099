"""`gates check --engine polars|duckdb|spark` and `--spark-master`, through the installed command.

The backends give the Polars path's results and name themselves in the JSON report and the
ledger record. A Spark master that is not there, a missing Java runtime or PySpark, an unknown
URL, and a master with a non-Spark engine are all exit 2 with one line, and none of them
waits on a cluster (each subprocess has a bound; none comes near it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _backend_cli import ROOT, Run, run_gates

from gates.ledger import Ledger

SUITE = str(ROOT / "suites" / "orders.yml")


def _digest(report: dict[str, Any]) -> dict[str, Any]:
    """Per check: status, failing count, observed value (floats to 1e-12: sums differ in order)."""

    def value(v: Any) -> Any:
        return pytest.approx(v, rel=1e-12) if isinstance(v, float) else v

    return {
        c["id"]: (c["passed"], c["failing_count"], value(c["observed"]), c["error"])
        for c in report["checks"]
    }


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_error_line(run: Run) -> str:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.code == 2, run.stderr
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert run.report is None
    return lines[0]


@pytest.fixture(scope="module")
def polars_report(orders_parquet: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The orders suite on Polars: the answer every other backend must give."""
    run = run_gates(
        str(orders_parquet), "-s", SUITE, "--engine", "polars", "--no-ledger", "-q",
        cwd=tmp_path_factory.mktemp("polars"),
    )  # fmt: skip
    assert run.code == 1 and run.report is not None, run.stderr
    return run.report


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_flag_runs_there_and_is_recorded(
    engine: str,
    orders_parquet: Path,
    polars_report: dict[str, Any],
    gates_cli: Callable[..., Run],
    tmp_path: Path,
) -> None:
    """--engine polars/duckdb: Polars' results; the report and the ledger record name the backend."""
    ledger = tmp_path / "ledger.duckdb"
    run = gates_cli(str(orders_parquet), "-s", SUITE, "--engine", engine, "--ledger", str(ledger))
    assert run.code == 1 and run.report is not None, run.stderr
    assert run.report["backend"] == engine
    assert _digest(run.report) == _digest(polars_report)
    (stored,) = Ledger(ledger).list()
    assert stored.record["backend"] == {"name": engine, "master": None}
    assert stored.run_id == run.report["run_id"]


def test_auto_runs_where_the_data_lives(gates_cli: Callable[..., Run], tmp_path: Path) -> None:
    """--engine auto (the default): a file runs on Polars, a DuckDB --sql query on DuckDB."""
    import duckdb

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select range as order_id from range(5)")
    suite = tmp_path / "ids.yml"
    suite.write_text("name: ids\ncolumns:\n  order_id: {unique: true}\n", encoding="utf-8")
    on_sql = gates_cli(str(db), "--sql", "select * from t", "-s", str(suite), "--no-ledger", "-q")
    assert (on_sql.code, on_sql.report and on_sql.report["backend"]) == (0, "duckdb"), on_sql.stderr
    (tmp_path / "ids.csv").write_text("order_id\n1\n2\n2\n", encoding="utf-8")
    on_file = gates_cli(str(tmp_path / "ids.csv"), "-s", str(suite), "--no-ledger", "-q")
    assert (on_file.code, on_file.report and on_file.report["backend"]) == (1, "polars")


@pytest.mark.parametrize(
    ("master", "what"),
    [
        ("spark://127.0.0.1:{port}", "Spark master"),
        ("sc://127.0.0.1:{port}", "Spark Connect server"),
    ],
)
def test_unreachable_master_is_one_line_exit_2(
    master: str, what: str, orders_parquet: Path, gates_cli: Callable[..., Run], needs_spark: Path
) -> None:
    """Nothing listening at the master: refused before any Spark starts, naming the URL."""
    url = master.format(port=_closed_port())
    run = gates_cli(str(orders_parquet), "-s", SUITE, "--spark-master", url, "--no-ledger")
    line = _one_error_line(run)
    assert line.startswith(f"error: cannot reach the {what} at {url} (127.0.0.1:")
    assert "start it, or pass another --spark-master" in line


def test_unreachable_master_from_env(
    orders_parquet: Path, gates_cli: Callable[..., Run], needs_spark: Path
) -> None:
    """SPARK_REMOTE is honoured as Spark honours it (here: a Connect server that is not there)."""
    url = f"sc://127.0.0.1:{_closed_port()}"
    env = {**os.environ, "SPARK_REMOTE": url}
    env.pop("GATES_SPARK_MASTER", None)
    run = gates_cli(str(orders_parquet), "-s", SUITE, "--engine", "spark", "--no-ledger", env=env)
    assert f"cannot reach the Spark Connect server at {url}" in _one_error_line(run)


def test_no_java_is_one_line_exit_2(
    orders_parquet: Path, gates_cli: Callable[..., Run], needs_spark: Path
) -> None:
    """No `java` on PATH and no JAVA_HOME: exit 2 saying what to install, no JVM launch tried."""
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_REMOTE")}
    env["PATH"] = str(Path(os.environ.get("VIRTUAL_ENV", "/nonexistent")) / "no-java-here")
    run = gates_cli(str(orders_parquet), "-s", SUITE, "--engine", "spark", "--no-ledger", env=env)
    line = _one_error_line(run)
    assert line.startswith("error: the Spark backend needs a Java runtime (17 or 21)")
    assert "openjdk-17-jre-headless" in line


def test_no_pyspark_is_one_line_exit_2(
    orders_parquet: Path, gates_cli: Callable[..., Run], tmp_path: Path
) -> None:
    """PySpark not importable (a `pyspark` that raises ImportError shadows it): the install hint."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "pyspark.py").write_text("raise ImportError('No module named pyspark')\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(shadow), os.environ.get("PYTHONPATH", "")]),
    }
    run = gates_cli(str(orders_parquet), "-s", SUITE, "--engine", "spark", "--no-ledger", env=env)
    assert _one_error_line(run) == (
        "error: the Spark backend needs the [spark] extra: pip install 'datagates[spark]'"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--spark-master", "mesos://h:5050"],
            "error: unknown Spark master 'mesos://h:5050': use local[N], spark://HOST:PORT, yarn,"
            " k8s://HOST:PORT or sc://HOST:PORT (Spark Connect)",
        ),
        (
            ["--spark-master", "local[1]", "--engine", "duckdb"],
            "error: --spark-master local[1] runs on Spark; it cannot be used with --engine duckdb",
        ),
        (
            ["--spark-master", "spark://nohost"],
            "error: Spark master 'spark://nohost': 'nohost' is not HOST:PORT",
        ),
    ],
)
def test_bad_master_flag_is_exit_2(
    args: list[str], message: str, orders_parquet: Path, gates_cli: Callable[..., Run]
) -> None:
    """A master URL that cannot be right is refused before any data is read."""
    run = gates_cli(str(orders_parquet), "-s", SUITE, *args, "--no-ledger")
    assert _one_error_line(run) == message


@pytest.mark.spark
def test_spark_local_from_env_matches_polars(
    orders_parquet: Path,
    polars_report: dict[str, Any],
    gates_cli: Callable[..., Run],
    needs_spark: Path,
    tmp_path: Path,
) -> None:
    """GATES_SPARK_MASTER=local[1], --engine spark and a path-based catalog table (--table
    parquet.`PATH`, no DATA): Polars' results; report and ledger name Spark and the master kind."""
    env = {**os.environ, "GATES_SPARK_MASTER": "local[1]"}
    env.pop("SPARK_REMOTE", None)
    ledger = tmp_path / "ledger.duckdb"
    table = f"parquet.`{orders_parquet}`"
    run = gates_cli(
        "--table", table, "-s", SUITE, "--engine", "spark", "--ledger", str(ledger), env=env
    )
    assert run.code == 1 and run.report is not None, run.stderr[-3000:]
    assert (run.report["backend"], run.report["backend_master"]) == ("spark", "local")
    assert run.report["dataset"]["source"] == table
    assert _digest(run.report) == _digest(polars_report)
    (stored,) = Ledger(ledger).list()
    assert stored.record["backend"] == {"name": "spark", "master": "local"}
    # Spark's own start-up chatter is kept off the terminal: only our lines are printed
    assert "Stage 0" not in run.stderr
