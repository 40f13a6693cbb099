"""The edge-case data of cases/edge.yml and the one comparison every cross-backend test uses."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import polars as pl

import gates

EDGE_SUITE = Path(__file__).parent / "cases" / "edge.yml"

#: The error of a check the Spark backend did not run.
NOT_TRANSLATED = "could not run on spark: not translated, use --engine polars"

#: Check names Spark does not run: the sections no backend lowers. (Every GX expectation
#: the Polars path translates runs on Spark too, some through gates/backends/_spark_plans.py.)
NOT_ON_SPARK = frozenset(
    {
        "coverage",  # the coverage section: one `coverage::spark` result
        "labels",  # the labels section: one `labels::spark` result
    }
)


def edge_frame() -> pl.DataFrame:
    """The data of cases/edge.yml: every column has a null, NaN, unicode or empty-string case."""
    nan = float("nan")
    return pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7, 8],
            "score": [0.5, nan, None, 1.5, 0.0, -0.25, 0.75, nan],
            "name": ["Zoë", "Ærø", "東京", "", None, "café", "naïve façade", "Zoë"],
            "tag": ["a", "", " ", "b", "a", "ü", "c", "d"],
            "day": [
                dt.date(2024, 1, 1),
                dt.date(2023, 12, 31),
                None,
                dt.date(2024, 2, 29),
                dt.date(2025, 1, 1),
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 1),
                None,
            ],
        },
        schema={
            "id": pl.Int64,
            "score": pl.Float64,
            "name": pl.String,
            "tag": pl.String,
            "day": pl.Date,
        },
    )


def _close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (sums run in another order), NaN equal to NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def assert_same(
    got: gates.GateResult, want: gates.GateResult, where: str, *, skip: frozenset[str] = frozenset()
) -> int:
    """``got`` gives ``want``'s answer for every check (Spark: bar :data:`NOT_ON_SPARK`).

    Returns how many checks were compared value for value.
    """
    on, ref = {c.id: c for c in got.checks}, {c.id: c for c in want.checks}
    assert set(on) == set(ref), f"{where}: ids {set(on) ^ set(ref)}"
    compared = 0
    for cid, w in ref.items():
        g = on[cid]
        at = f"{where}, {cid}: {g.to_dict()} vs polars {w.to_dict()}"
        if got.backend == "spark" and w.name in NOT_ON_SPARK:
            assert (g.passed, g.error) == (False, NOT_TRANSLATED), at
            continue
        if w.name in skip:
            continue
        assert (g.passed, g.failing_count, g.error) == (w.passed, w.failing_count, w.error), at
        assert _close(g.to_dict()["observed"], w.to_dict()["observed"]), at
        compared += 1
    return compared
