"""The smoothed bootstrap on its own: dtypes, nulls, ranges, duplicates, determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from synth._bootstrap import NeighbourBootstrap, _neighbours

pytestmark = pytest.mark.synth


def _rows() -> pl.DataFrame:
    rng = np.random.default_rng(0)
    n = 30
    start = dt.datetime(2024, 1, 1)
    return pl.DataFrame(
        {
            "amount": [
                None if r < 0.2 else float(v)
                for r, v in zip(rng.random(n), rng.gamma(2, 30, n).round(2), strict=True)
            ],
            "quantity": rng.integers(1, 9, n),
            "when": [start + dt.timedelta(hours=int(h)) for h in rng.integers(0, 5000, n)],
            "day": [
                dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 90, n)
            ],
            "country": rng.choice(["SE", "NL", "IT"], n),
            "vip": rng.random(n) < 0.3,
        },
        schema_overrides={"amount": pl.Float64},
    )


def test_rows_keep_dtypes_ranges_nulls_and_combinations() -> None:
    real = _rows()
    model = NeighbourBootstrap.fit(real, {})
    out = model.sample({}, 500, seed=4)
    assert out.schema == real.schema and out.height == 500
    for column in ("amount", "quantity", "when", "day"):
        assert real[column].min() <= out[column].min()  # type: ignore[operator]
        assert out[column].max() <= real[column].max()  # type: ignore[operator]
    assert set(out["country"].to_list()) <= set(real["country"].to_list())
    assert 0 < out["amount"].null_count() < out.height  # a null base row stays null
    assert model.sample({}, 500, seed=4).equals(out)
    assert not model.sample({}, 500, seed=5).equals(out)


def test_neighbours_are_other_rows_even_with_duplicates() -> None:
    x = np.array([[0.0], [0.0], [0.0], [1.0], [5.0]])
    got = _neighbours(x, 2)
    assert got.shape == (5, 2)
    assert all(i not in got[i] for i in range(5))
    assert got[4][0] == 3 and got[4][1] in (0, 1, 2)
