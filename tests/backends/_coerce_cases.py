"""The coerce cases every backend runs: text and floats as a CSV reader leaves them."""

from __future__ import annotations

import polars as pl

#: Text values as a CSV reader leaves them when a column mixes good and bad values.
FRAME = pl.DataFrame(
    {
        "qty": ["12", " 13", "n/a", "+7", None, "1.5"],
        "price": [1.5, 2.0, 2.5, 3.0, None, 4.0],
        "when": [
            "2024-01-05 10:30:00",
            "2024-01-05T10:30:00.5",
            "2024-01-05",
            "bad",
            None,
            "2024-01-05 10:30",
        ],
        "flag": ["true", "False", "1", "yes", None, "0"],
        "day": ["2024-01-05", "2024-01-06", "2024-13-01", None, "2024-1-5", "2024-02-29"],
        "code": [1, 2, 3, 4, 5, 6],
    }
)

SUITE = """
name: co
coerce: true
columns:
  qty:
    dtype: int64
    checks: [{greater_than: 0}]
  price: {dtype: int64}
  when: {dtype: datetime}
  flag: {dtype: bool}
  day: {dtype: date}
  code: {dtype: string, checks: [{isin: ["1", "2", "3", "4", "5"]}]}
"""

#: What each column's dtype check finds on FRAME, on every backend.
NOT_COERCED = {
    "qty": ["n/a", "1.5"],
    "price": [1.5, 2.5],
    "when": ["bad"],
    "flag": ["yes"],
    "day": ["2024-13-01", "2024-1-5"],
    "code": [],
}
