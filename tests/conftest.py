"""Shared fixtures: small real data files and suites written to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def orders_frame() -> pl.DataFrame:
    """Five orders with known defects: a duplicate id, out-of-range amounts, an unknown status."""
    return pl.DataFrame(
        {
            "order_id": [1, 2, 3, 3, 5],
            "amount": [10.0, -5.0, 20000.0, None, 30.0],
            "status": ["new", "paid", "lost", "new", None],
        }
    )


@pytest.fixture
def write_suite(tmp_path: Path):
    """Write suite YAML text to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "suite.yml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
