"""The orders suite on Spark local[2] gives the Polars path's statuses, counts and values."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import gates
from gates._sample import make_orders

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark", reason="the Spark backend needs the [spark] extra")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime: Spark needs one (make test installs it)", allow_module_level=True)

SUITE = Path(__file__).resolve().parents[2] / "suites" / "orders.yml"


@pytest.fixture(scope="module")
def spark() -> Any:
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from gates.backends._spark import session

    return session("local[2]")


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "orders.parquet"
    make_orders().write_parquet(path)
    return path


def _digest(result: gates.GateResult) -> dict[str, tuple[object, ...]]:
    return {
        c.id: (
            c.passed,
            c.failing_count,
            pytest.approx(c.observed, rel=1e-12) if isinstance(c.observed, float) else c.observed,
        )
        for c in result.checks
    }


def test_spark_dataframe_matches_polars(spark: Any, orders: Path) -> None:
    """A PySpark DataFrame handed to gates.check runs on Spark with the same results."""
    on_polars = gates.check(orders, SUITE, engine="polars")
    on_spark = gates.check(spark.read.parquet(str(orders)), SUITE)
    assert on_spark.backend == "spark"
    assert _digest(on_spark) == _digest(on_polars)
    assert all(c.error is None for c in on_spark.checks)
