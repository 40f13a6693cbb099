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
