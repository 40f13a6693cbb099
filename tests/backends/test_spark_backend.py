"""The orders suite on Spark local[2] gives the Polars path's statuses, counts and values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gates
from gates import InputError
from gates.backends._spark import frame_master_kind, master_kind

pytestmark = pytest.mark.spark

SUITE = Path(__file__).resolve().parents[2] / "suites" / "orders.yml"


def _digest(result: gates.GateResult) -> dict[str, tuple[object, ...]]:
    return {
        c.id: (
            c.passed,
            c.failing_count,
            pytest.approx(c.observed, rel=1e-12) if isinstance(c.observed, float) else c.observed,
        )
        for c in result.checks
    }


def test_spark_dataframe_matches_polars(spark: Any, orders_parquet: Path) -> None:
    """A PySpark DataFrame handed to gates.check runs on Spark with the same results."""
    on_polars = gates.check(orders_parquet, SUITE, engine="polars")
    on_spark = gates.check(spark.read.parquet(str(orders_parquet)), SUITE)
    assert on_spark.backend == "spark"
    assert _digest(on_spark) == _digest(on_polars)
    assert all(c.error is None for c in on_spark.checks)


def test_master_kinds(spark: Any) -> None:
    """Every master URL Spark takes has a kind (recorded with the run); others are refused."""
    assert frame_master_kind(spark.range(1)) == "local"
    kinds = {
        "local": "local",
        "local[*]": "local",
        "local[2,3]": "local",
        "spark://a:7077,b:7077": "standalone",
        "yarn": "yarn",
        "k8s://https://api:6443": "kubernetes",
        "sc://db.example:443/;token=x": "connect",
    }
    assert {url: master_kind(url) for url in kinds} == kinds
    with pytest.raises(InputError, match=r"^unknown Spark master 'mesos://m:5050': use local\[N\]"):
        master_kind("mesos://m:5050")


def test_samples_are_failing_rows_in_one_pass(spark: Any, orders_parquet: Path) -> None:
    """Every failed row-level check's sample: its own failing rows, at most sample_size, in file order."""
    import polars as pl

    frame = pl.read_parquet(orders_parquet)
    result = gates.check(spark.read.parquet(str(orders_parquet)), SUITE, sample_size=3)
    samples = {c.id: c.sample for c in result.checks if c.sample}
    assert {"amount::in_range", "status::isin", "customer_id::not_nullable"} <= set(samples)
    bad = {
        "amount::in_range": ~pl.col("amount").is_between(0, 10000),
        "status::isin": ~pl.col("status").is_in(
            ["new", "paid", "shipped", "delivered", "returned"]
        ),
        "customer_id::not_nullable": pl.col("customer_id").is_null(),
    }
    for cid, expr in bad.items():
        first = frame.filter(expr.fill_null(False)).head(3).select("order_id").to_series()
        assert [r["order_id"] for r in samples[cid]] == first.to_list(), cid
        assert len(samples[cid][0]) == frame.width  # the whole row, every column
        check = next(c for c in result.checks if c.id == cid)
        assert len(samples[cid]) == min(3, check.failing_count or 0)


def test_fingerprint_of_a_parquet_scan_is_the_files_hash(spark: Any, orders_parquet: Path) -> None:
    """A bare Parquet scan has the Polars path's fingerprint; a derived frame hashes its rows."""
    from pyspark.sql import functions as F

    from gates._io._dataset import spark_fingerprint

    df = spark.read.parquet(str(orders_parquet))
    on_polars = gates.check(orders_parquet, SUITE, engine="polars")
    assert gates.check(df, SUITE).dataset.fingerprint == on_polars.dataset.fingerprint
    derived = df.withColumn("amount", F.col("amount") * 2)
    got = gates.check(derived, SUITE).dataset.fingerprint
    assert got.startswith("rows:") and got == spark_fingerprint(derived)
