"""Cramér's V between categorical columns, from contingency counts.

For a pair of columns with an r x c contingency table of counts (rows where both are
non-null), ``χ² = Σ (O - E)² / E`` with ``E = row total x column total / n``, and

* ``cramers_v = √(χ² / (n · (min(r, c) - 1)))``, no continuity correction (what
  ``scipy.stats.contingency.association(table, method="cramer")`` returns);
* ``cramers_v_corrected``: Bergsma's (2013) bias correction, as ydata-profiling reports it:
  ``φ² = max(0, χ²/n - (r - 1)(c - 1)/(n - 1))``, ``r̃ = r - (r - 1)²/(n - 1)``,
  ``c̃ = c - (c - 1)²/(n - 1)``, ``V = √(φ² / min(r̃ - 1, c̃ - 1))``. Plain V is biased
  upwards for many categories and few rows (two independent 100-level columns of 1,000 rows
  score ~0.3); the corrected one stays near 0.

Both are None when a column has one category among the pair's rows. The counts come from one
streaming ``group_by`` per pair over every row, so they are exact at any size (about 3.7 s
for 36 pairs at 10M rows on 2 cores).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import polars as pl

__all__ = ["CRAMERS_MAX_COLUMNS", "CRAMERS_MAX_LEVELS", "cramers_v", "cramers_v_table"]

#: Categorical columns considered (the first N), so at most N·(N-1)/2 pairs.
CRAMERS_MAX_COLUMNS = 20
#: Columns with more distinct values than this are left out (a 100 x 100 table at most).
CRAMERS_MAX_LEVELS = 100


def cramers_v_table(table: np.ndarray) -> tuple[float | None, float | None]:
    """``(cramers_v, cramers_v_corrected)`` of a contingency table of counts."""
    obs = np.asarray(table, dtype=np.float64)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    n = float(obs.sum())
    r, c = obs.shape if obs.ndim == 2 else (0, 0)
    if n < 2 or min(r, c) < 2:
        return None, None
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    phi2 = chi2 / n
    plain = math.sqrt(phi2 / (min(r, c) - 1))
    phi2c = max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1))
    rc = r - (r - 1) ** 2 / (n - 1)
    cc = c - (c - 1) ** 2 / (n - 1)
    denom = min(rc - 1, cc - 1)
    corrected = math.sqrt(phi2c / denom) if denom > 0 else None
    return min(plain, 1.0), min(corrected, 1.0) if corrected is not None else None


def cramers_v(
    lf: pl.LazyFrame, columns: Sequence[str]
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """Cramér's V (plain and bias-corrected) of every pair of ``columns``, over every row.

    One streaming ``group_by`` per pair (at most CRAMERS_MAX_LEVELS² groups each), collected
    together: the contingency tables are exact at any row count and hold no rows in memory.
    """
    if len(columns) < 2:
        return {}
    pairs = [(a, b) for i, a in enumerate(columns) for b in columns[i + 1 :]]
    queries = [
        lf.select(pl.col(a).alias("a"), pl.col(b).alias("b")).drop_nulls().group_by("a", "b").len()
        for a, b in pairs
    ]
    out: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for pair, counts in zip(pairs, pl.collect_all(queries, engine="streaming"), strict=True):
        if counts.height == 0:
            out[pair] = (None, None)
            continue
        _, ia = np.unique(counts["a"].to_numpy(), return_inverse=True)
        _, ib = np.unique(counts["b"].to_numpy(), return_inverse=True)
        table = np.zeros((int(ia.max()) + 1, int(ib.max()) + 1), dtype=np.float64)
        np.add.at(table, (ia, ib), counts["len"].to_numpy())
        out[pair] = cramers_v_table(table)
    return out
