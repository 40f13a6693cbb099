"""Small real-looking data shared by the synth tests (fits take about a second)."""

import numpy as np
import polars as pl
import pytest

import synth


def make_real(n: int = 400, seed: int = 0) -> pl.DataFrame:
    """Transactions: an id, two numbers, a region, an imbalanced label and free text."""
    rng = np.random.default_rng(seed)
    label = np.where(rng.random(n) < 0.1, "fraud", "ok")
    amount = np.where(label == "fraud", rng.gamma(4, 60, n), rng.gamma(2, 40, n)).round(2)
    return pl.DataFrame(
        {
            "tx_id": np.arange(1000, 1000 + n),
            "amount": amount,
            "age": rng.integers(18, 80, n),
            "region": rng.choice(["eu", "us", "apac"], n),
            "label": label,
            "note": [f"customer wrote message number {i}" for i in range(n)],
        }
    )


@pytest.fixture(scope="session")
def real() -> pl.DataFrame:
    return make_real()


@pytest.fixture(scope="session")
def result(real: pl.DataFrame) -> synth.FillResult:
    """One fill shared by the read-only tests."""
    return synth.fill(
        real,
        [
            synth.Shortfall({"label": "fraud"}, 60),
            synth.Shortfall({"region": "eu", "label": "fraud"}, 15),
            synth.Shortfall({"label": "chargeback"}, 10),
        ],
        seed=7,
    )
