"""`gates check --engine spark` against a real standalone cluster and a real Spark Connect server.

The installed `gates` command runs in a subprocess on the demo orders file; exit code, verdict
and every check's failing count must equal the Polars run of the same suite. The standalone
run takes the master from --spark-master, the Connect run from SPARK_REMOTE.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from _backend_cases import EDGE_SUITE, assert_same, edge_frame
from _backend_cli import ROOT, Run, run_gates
from test_docs_spark import docs_project, run_example

import gates
from gates.backends._spark import frame_master_kind

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SUITE = str(ROOT / "suites" / "orders.yml")


def _counts(report: dict[str, Any]) -> dict[str, Any]:
    return {c["id"]: (c["passed"], c["failing_count"]) for c in report["checks"]}


@pytest.fixture(scope="module")
def polars_run(orders_parquet: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same suite on Polars: the answer every Spark run must give."""
    run = run_gates(
        str(orders_parquet), "-s", SUITE, "--engine", "polars", "--no-ledger", "-q",
        cwd=tmp_path_factory.mktemp("polars"),
    )  # fmt: skip
    assert run.code == 1 and run.report is not None, run.stderr
    return run


def test_gates_check_on_a_standalone_cluster(
    spark_standalone: str, orders_parquet: Path, polars_run: Run, tmp_path: Path
) -> None:
    """--spark-master spark://…: same exit code, verdict and failing counts as on Polars."""
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "GATES_SPARK_MASTER")}
    run = run_gates(
        str(orders_parquet), "-s", SUITE, "--spark-master", spark_standalone, "--no-ledger", "-q",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert run.report is not None, run.stderr[-3000:]
    assert polars_run.report is not None
    assert (run.code, run.report["verdict"]) == (1, polars_run.report["verdict"])
    assert _counts(run.report) == _counts(polars_run.report)
    assert run.report["backend"] == "spark"


def test_gates_check_through_spark_connect(
    spark_connect: str, orders_parquet: Path, polars_run: Run, tmp_path: Path
) -> None:
    """SPARK_REMOTE=sc://… with --engine spark (as Spark reads it): Polars' results, no local JVM."""
    env = {**os.environ, "SPARK_REMOTE": spark_connect}
    env.pop("GATES_SPARK_MASTER", None)
    run = run_gates(
        str(orders_parquet), "-s", SUITE, "--engine", "spark", "--no-ledger", "-q",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert run.report is not None, run.stderr[-3000:]
    assert polars_run.report is not None
    assert (run.code, run.report["verdict"]) == (1, polars_run.report["verdict"])
    assert _counts(run.report) == _counts(polars_run.report)
    assert run.report["backend"] == "spark"


def test_standalone_cluster_runs_a_job(spark_standalone: str, orders_parquet: Path) -> None:
    """An in-process session on the cluster: null counts and the edge-case suite match Polars."""
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    # getOrCreate hands back a session an earlier module of this worker left running (a
    # local one): stop it, or the "cluster" session below would be local
    for leftover in {SparkSession.getActiveSession(), SparkSession._instantiatedSession} - {None}:
        leftover.stop()  # type: ignore[union-attr]
    spark = (
        SparkSession.builder.master(spark_standalone)
        .appName("datagates-cluster-test")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.memory", "512m")
        .config("spark.cores.max", "1")
        .getOrCreate()
    )
    try:
        df = spark.read.parquet(str(orders_parquet))
        assert frame_master_kind(df) == "standalone"
        # one cross-backend case on the cluster: the edge-case suite, Polars' answer
        frame = edge_frame()
        want = gates.check(frame, EDGE_SUITE, engine="polars")
        got = gates.check(spark.createDataFrame(frame.to_arrow()), EDGE_SUITE)
        assert assert_same(got, want, "standalone edge.yml") == len(want.checks)
        got = df.agg(*(F.count_if(F.col(c).isNull()).alias(c) for c in df.columns)).first()
        assert got is not None
        assert got.asDict() == pl.read_parquet(orders_parquet).null_count().row(0, named=True)
    finally:
        spark.stop()


def test_connect_server_answers_a_query(
    spark_connect: str, orders_parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Connect client (no JVM of its own): row count and the edge-case suite match Polars."""
    from pyspark.sql import SparkSession

    # builder.remote() sets this flag for the whole process; undo it afterwards so later
    # classic sessions in this worker build classic columns
    monkeypatch.setenv("SPARK_CONNECT_MODE_ENABLED", "1")
    spark = SparkSession.builder.remote(spark_connect).getOrCreate()
    try:
        assert (
            spark.read.parquet(str(orders_parquet)).count()
            == pl.read_parquet(orders_parquet).height
        )
    finally:
        spark.stop()


def test_docs_connect_example(spark_connect: str, tmp_path: Path) -> None:
    """docs_src/spark/connect.py (docs/spark.md) through the Connect server: Spark, blocked, 4 failed."""
    env = {**os.environ, "SPARK_REMOTE": spark_connect}
    out = run_example("connect.py", docs_project(tmp_path), env=env)
    assert out == "spark block 4\n"
