"""The orders suite on Spark local[2] gives the Polars path's statuses, counts and values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from _coerce_cases import FRAME, NOT_COERCED
from _coerce_cases import SUITE as COERCE_SUITE

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


def test_catalog_table_on_spark(spark: Any, orders_parquet: Path) -> None:
    """table= with engine="spark" and no data: a view in the session's catalog, or a
    path-based table; the result names the master kind (JSON ``backend_master``)."""
    spark.read.parquet(str(orders_parquet)).createOrReplaceTempView("orders_view")
    want = _digest(gates.check(orders_parquet, SUITE, engine="polars"))
    for table in ("orders_view", f"parquet.`{orders_parquet}`"):
        got = gates.check(None, SUITE, table=table, engine="spark")
        assert (got.backend, got.backend_master, got.dataset.source) == ("spark", "local", table)
        assert got.to_dict()["backend_master"] == "local"
        assert _digest(got) == want, table
    with pytest.raises(InputError, match=r"^table no_such_table: Spark cannot read it: "):
        gates.check(None, SUITE, table="no_such_table", engine="spark")


def test_gate_engine_spark_in_the_plugin(spark: Any, pytester: pytest.Pytester) -> None:
    """--gate-engine spark: collected suites and the gate fixture run on Spark (the session
    already running in the process); an engine the plugin does not know is refused."""
    import polars as pl

    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(pytester.path / "a.parquet")
    pytester.makefile(
        ".yml",
        gate="name: g\ndata: a.parquet\ncolumns:\n  a: {nullable: false}\n"
        "expectations:\n  - type: expect_column_median_to_be_between\n"
        "    kwargs: {column: a, min_value: 2, max_value: 2}\n",
    )
    pytester.makepyfile(
        test_data="""
        from pathlib import Path

        from pyspark.sql import SparkSession

        def test_frame(gate):
            path = str(Path("a.parquet").resolve())  # the JVM's working folder is not pytester's
            frame = SparkSession.getActiveSession().read.parquet(path)
            result = gate.check(frame, "gate.yml")
            assert (result.backend, result.passed, len(result.checks)) == ("spark", True, 2)
        """
    )
    ran = pytester.runpytest("--gate-suites", "gate.yml", "--gate-engine", "spark", "-v")
    ran.assert_outcomes(passed=5)  # column_exists, not_nullable, the median, "other", the test
    bad = pytester.runpytest("--gate-engine", "nope")
    bad.stderr.fnmatch_lines(
        ["*--gate-engine: invalid choice: 'nope' (choose from *'auto', 'polars', 'duckdb',"
         " 'spark', 'reference')"]
    )  # fmt: skip


def test_coerce_converts_on_spark_as_on_polars(spark: Any, write_suite: Any) -> None:
    """`coerce: true` on a Spark frame: the same values fail to convert as on Polars and DuckDB."""
    df = spark.createDataFrame(FRAME.to_pandas())
    result = gates.check(df, write_suite(COERCE_SUITE))
    assert result.backend == "spark"
    by_id = {c.id: c for c in result.checks}
    found = {
        c: (by_id[f"{c}::dtype"].passed, by_id[f"{c}::dtype"].failing_count) for c in NOT_COERCED
    }
    assert found == {c: (not bad, len(bad)) for c, bad in NOT_COERCED.items()}
    for column, bad in NOT_COERCED.items():
        assert [r[column] for r in by_id[f"{column}::dtype"].sample] == bad
    assert by_id["qty::greater_than"].passed
    assert (by_id["code::isin"].passed, by_id["code::isin"].failing_count) == (False, 1)


def _partitioned(spark: Any, orders_parquet: Path, tmp_path: Path) -> Any:
    """The orders as three files of other sizes (partitions in scan order), with a timestamp."""
    import polars as pl
    from pyspark.sql import functions as F

    frame = pl.read_parquet(orders_parquet)
    for i, (lo, hi) in enumerate([(0, 2600), (2600, 4100), (4100, frame.height)]):
        frame.slice(lo, hi - lo).write_parquet(tmp_path / f"part-{i}.parquet")
    df = spark.read.parquet(str(tmp_path)).withColumn(
        "paid_at", F.col("created_at").cast("timestamp")
    )
    assert df.rdd.getNumPartitions() >= 2
    return df


def _spy_window(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The checks each window pass is run for, in order."""
    from gates.backends import _spark_samples as samples

    windows: list[list[int]] = []
    window = samples.SparkSamples._window_samples

    def spy(self: Any, ctx: Any, lf: Any, cols: list[str], bads: dict[int, Any]) -> Any:
        windows.append(sorted(bads))
        return window(self, ctx, lf, cols, bads)

    monkeypatch.setattr(samples.SparkSamples, "_window_samples", spy)
    return windows


@pytest.mark.parametrize(("margin", "sample_size"), [(4.0, 3), (0.0, 2)])
def test_prefix_samples_are_the_window_pass_rows(
    spark: Any,
    orders_parquet: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    margin: float,
    sample_size: int,
) -> None:
    """The prefix pass (``filter(bad).limit(k).collect()``, scan order) picks the rows the
    window pass picks, across partitions and for a timestamp column; a check the prefix
    leaves short goes to the window pass."""
    from gates.backends import _spark_samples as samples

    df = _partitioned(spark, orders_parquet, tmp_path)
    windows = _spy_window(monkeypatch)
    monkeypatch.setattr(samples, "_ALL_MAX_ROWS", -1)  # never every failing row
    monkeypatch.setattr(samples, "_PREFIX_REACH", -1.0)  # never tried
    by_window = gates.check(df, SUITE, sample_size=sample_size)
    assert windows, "the window pass ran"
    windows.clear()
    monkeypatch.setattr(samples, "_PREFIX_REACH", 10.0)  # always tried
    monkeypatch.setattr(samples, "_PREFIX_MARGIN", margin)
    by_prefix = gates.check(df, SUITE, sample_size=sample_size)
    found = {c.id: c.sample for c in by_prefix.checks if c.sample}
    if margin:  # k is over every failing row: the prefix has them all
        assert windows == []
    else:  # k is the rows expected: a check whose rows come late is left to the window pass
        assert windows and len(windows[0]) < len(found)
    assert found == {c.id: c.sample for c in by_window.checks if c.sample}
    assert len(found) >= 3
    assert all(isinstance(row["paid_at"], dt.datetime) for s in found.values() for row in s)


@pytest.mark.parametrize("sample_size", [1, 3, 20])
def test_every_failing_row_pass_gives_the_window_pass_rows(
    spark: Any,
    orders_parquet: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sample_size: int,
) -> None:
    """Checks that fail rarely get their samples from every failing row collected in scan
    order (no window pass): the same rows, in the same order, as the window pass picks."""
    from gates.backends import _spark_samples as samples

    df = _partitioned(spark, orders_parquet, tmp_path)
    windows = _spy_window(monkeypatch)
    monkeypatch.setattr(samples, "_PREFIX_REACH", -1.0)  # the prefix is never tried
    monkeypatch.setattr(samples, "_ALL_MAX_ROWS", -1)
    by_window = gates.check(df, SUITE, sample_size=sample_size)
    assert windows, "the window pass ran"
    windows.clear()
    monkeypatch.setattr(samples, "_ALL_MAX_ROWS", 10**6)
    by_all = gates.check(df, SUITE, sample_size=sample_size)
    assert windows == [], "every failing row was collected instead"
    found = {c.id: c.sample for c in by_all.checks if c.sample}
    assert len(found) >= 3
    assert found == {c.id: c.sample for c in by_window.checks if c.sample}
    assert [c.failing_count for c in by_all.checks] == [c.failing_count for c in by_window.checks]
