"""Helpers for the history tests: small real frames and the suite they are checked with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from gates._result import GateResult

SUITE = """\
name: feed
columns:
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 1000}
"""

START = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)  # a Monday


def frame(rows: int, *, seed: int = 0, bad: int = 0, shift: float = 0.0) -> pl.DataFrame:
    """``rows`` amounts around 100 (+ ``shift``), the first ``bad`` of them out of range."""
    rng = np.random.default_rng(seed)
    amount = np.round(rng.normal(100 + shift, 10, rows), 2)
    amount[:bad] = 5000.0
    return pl.DataFrame({"amount": amount, "country": rng.choice(["DE", "FR"], rows)})


Runner = Callable[..., GateResult]
