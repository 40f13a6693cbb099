"""Shared small datasets for the labeling tests."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest


@pytest.fixture(scope="session")
def wine_noisy() -> tuple[pl.DataFrame, np.ndarray]:
    """sklearn's wine (178 rows, 3 classes) with 10% labels flipped to another class (seed 0)."""
    from sklearn.datasets import load_wine

    x, y = load_wine(return_X_y=True)
    rng = np.random.default_rng(0)
    rows = rng.choice(y.size, size=18, replace=False)
    y = y.copy()
    y[rows] = (y[rows] + rng.integers(1, 3, size=rows.size)) % 3
    frame = pl.DataFrame(x, schema=[f"f{i}" for i in range(x.shape[1])], orient="row")
    return frame.with_columns(pl.Series("target", y.astype(np.int64))), np.sort(rows)
