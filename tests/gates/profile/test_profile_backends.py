"""The profile's passes run where the data lives: a DuckDB relation in DuckDB, a Spark frame in
Spark (never collected), with the numbers of the Polars path on the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from spark_local import local_session

from gates import InputError, profile
from gates._profile import Profile

#: Statistics computed in floating point in a different order by each engine.
FLOATS = ("mean", "std", "length_mean")


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    rng = np.random.default_rng(21)
    n = 3_000
    amount = rng.normal(100, 30, n)
    amount[::50] = np.nan
    amount[7] = np.inf
    amount[8] = -np.inf
    qty = rng.integers(-5, 20, n).astype(float)
    qty[::13] = np.nan
    return pl.DataFrame(
        {
            "id": np.arange(n),
            "amount": amount,
            "qty": pl.Series(qty).fill_nan(None).cast(pl.Int64),
            "cat": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "flag": rng.random(n) < 0.3,
            "day": [
                dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)
            ],
            "at": [
                dt.datetime(2024, 3, 1) + dt.timedelta(seconds=int(s))
                for s in rng.integers(0, 86_400 * 30, n)
            ],
            "note": [None if i % 10 == 0 else f"note number {i % 700}" for i in range(n)],
        }
    )


def _same(got: Profile, want: Profile, *, samples: bool = True) -> None:
    """Every statistic equal (floats to rounding), column by column, through the JSON form."""
    assert got.rows == want.rows
    assert got.duplicate_rows == want.duplicate_rows
    g_doc, w_doc = got.to_dict(), want.to_dict()
    for g, w in zip(g_doc["columns"], w_doc["columns"], strict=True):
        for key, value in w.items():
            if key == "samples" and not samples:
                continue
            if key in FLOATS and value is not None:
                assert g[key] == pytest.approx(value, rel=1e-9), (g["name"], key)
            elif key == "quantiles" and value is not None and w["dtype"] == "Float64":
                assert g[key] == pytest.approx(value, rel=1e-12), (g["name"], key)
            else:
                assert g[key] == value, (g["name"], key)
    g_corr, w_corr = g_doc["correlations"] or [], w_doc["correlations"] or []
    assert [(c["a"], c["b"]) for c in g_corr] == [(c["a"], c["b"]) for c in w_corr]
    for gc, wc in zip(g_corr, w_corr, strict=True):
        for key in ("pearson", "spearman", "cramers_v", "cramers_v_corrected"):
            if wc[key] is None:
                assert gc[key] is None, (gc["a"], gc["b"], key)
            else:  # Cramér's V: every row on DuckDB/Spark, every row on Polars below 250k rows
                assert gc[key] == pytest.approx(wc[key], rel=1e-9), (gc["a"], gc["b"], key)


def test_a_duckdb_relation_is_profiled_in_duckdb_with_the_polars_numbers(
    frame: pl.DataFrame,
) -> None:
    """gates.profile(relation): one aggregate query in DuckDB, the same profile as Polars."""
    con = duckdb.connect()
    con.register("src", frame.to_arrow())
    con.execute("CREATE TABLE orders AS SELECT * FROM src")
    got = profile(con.sql("SELECT * FROM orders"), correlations=True)
    assert got.format == "relation"
    _same(got, profile(frame, correlations=True))


def test_a_duckdb_table_is_profiled_in_duckdb(frame: pl.DataFrame, tmp_path: Any) -> None:
    """A table of a DuckDB database file (``--table``) runs in DuckDB, same numbers."""
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.register("src", frame.to_arrow())
        con.execute("CREATE TABLE orders AS SELECT * FROM src")
    got = profile(str(db), table="orders", bins=7, top_k=3)
    assert got.format == "duckdb"
    _same(got, profile(frame, bins=7, top_k=3))
    assert got.column("cat").top_values is not None
    assert got.column("cat").top_values.values == ["a", "b", "c"]


def test_a_duckdb_relation_with_a_sample_uses_the_polars_view(frame: pl.DataFrame) -> None:
    """--sample on DuckDB data: the seeded hash sample of the Polars path, same rows as Polars."""
    con = duckdb.connect()
    con.register("src", frame.to_arrow())
    con.execute("CREATE TABLE orders AS SELECT * FROM src")
    got = profile(con.sql("SELECT * FROM orders"), sample=500)
    assert got.rows == profile(frame, sample=500).rows


# --- Spark ---


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A `local[1]` session on loopback for this module (fails instead of skipping when CI is set)."""
    session = local_session("datagates-profile-tests", cores=1, partitions=2)
    yield session
    session.stop()


@pytest.mark.spark
def test_a_spark_frame_is_profiled_in_spark_with_the_polars_numbers(
    spark: Any, frame: pl.DataFrame
) -> None:
    """gates.profile(spark_df): aggregates in Spark, nothing collected but five samples a column."""
    # Spark's TIMESTAMP is an instant: the Polars side gets the session's UTC zone too
    small = frame.head(800).with_columns(pl.col("at").dt.replace_time_zone("UTC"))
    df = spark.createDataFrame(small.to_arrow())
    got = profile(df, correlations=True)
    assert got.format == "spark"
    # a Spark frame has no row order to promise: samples are the first rows Spark hands back
    _same(got, profile(small, correlations=True), samples=False)
    assert all(len(c.samples) == 5 for c in got.columns)
    with pytest.raises(InputError, match="sample it in Spark first"):
        profile(df, sample=10)
