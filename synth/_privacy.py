"""Privacy checks: exact copies of real rows, and distance to the closest real record (DCR)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

#: Categories kept per categorical column in the DCR encoding; rarer ones share one slot.
MAX_CATEGORIES = 50
#: Synthetic rows scored per nearest-neighbour query (bounds memory).
CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class PrivacyScores:
    """Distance from each synthetic row to its closest real row (DCR).

    Numeric columns are min-max scaled on the real rows (range 0-1); a categorical column adds
    1 to the squared distance when the values differ. 0 means an exact copy.

    Attributes:
        rows: Synthetic rows scored.
        reference_rows: Real rows they were compared with.
        dcr_min: Smallest DCR.
        dcr_p5: 5th percentile.
        dcr_median: Median.
        exact_copies_rejected: Generated rows dropped because they equal a real row.
    """

    rows: int
    reference_rows: int
    dcr_min: float | None
    dcr_p5: float | None
    dcr_median: float | None
    exact_copies_rejected: int

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON-ready form."""
        return {
            "rows": self.rows,
            "reference_rows": self.reference_rows,
            "dcr_min": self.dcr_min,
            "dcr_p5": self.dcr_p5,
            "dcr_median": self.dcr_median,
            "exact_copies_rejected": self.exact_copies_rejected,
        }


def copy_mask(candidates: pl.DataFrame, real_keys: pl.DataFrame) -> pl.Series:
    """True where a candidate row equals a real row on ``real_keys``' columns (nulls equal)."""
    columns = real_keys.columns
    if candidates.height == 0 or not columns:
        return pl.Series("copy", [False] * candidates.height)
    tagged = candidates.select(columns).with_row_index("__row")
    hits = tagged.join(real_keys, on=columns, how="semi", nulls_equal=True).get_column("__row")
    return pl.Series("copy", np.isin(np.arange(candidates.height), hits.to_numpy()))


def dcr(
    synthetic: pl.DataFrame,
    reference: pl.DataFrame,
    columns: Sequence[str],
    *,
    exact_copies_rejected: int,
) -> PrivacyScores:
    """Distance to closest record of each synthetic row, summarised (min, p5, median)."""
    if synthetic.height == 0 or reference.height == 0 or not columns:
        return PrivacyScores(0, reference.height, None, None, None, exact_copies_rejected)
    from sklearn.neighbors import NearestNeighbors

    real_x, syn_x = _encode(reference.select(columns), synthetic.select(columns))
    index = NearestNeighbors(n_neighbors=1).fit(real_x)
    distances = np.concatenate(
        [
            index.kneighbors(syn_x[start : start + CHUNK_ROWS])[0][:, 0]
            for start in range(0, syn_x.shape[0], CHUNK_ROWS)
        ]
    )
    return PrivacyScores(
        rows=synthetic.height,
        reference_rows=reference.height,
        dcr_min=round(float(distances.min()), 6),
        dcr_p5=round(float(np.percentile(distances, 5)), 6),
        dcr_median=round(float(np.median(distances)), 6),
        exact_copies_rejected=exact_copies_rejected,
    )


def _encode(real: pl.DataFrame, synthetic: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Numeric: min-max scaled; categorical: one-hot scaled so a mismatch costs 1."""
    real_parts: list[np.ndarray] = []
    syn_parts: list[np.ndarray] = []
    half = 1 / np.sqrt(2)
    for column in real.columns:
        r, s = real.get_column(column), synthetic.get_column(column)
        dtype = r.dtype
        if dtype.is_numeric() or dtype.is_temporal():
            rv = r.to_physical().cast(pl.Float64).to_numpy()
            # same dtype first: physical values of datetimes depend on the time unit
            sv = s.cast(dtype, strict=False).to_physical().cast(pl.Float64).to_numpy()
            lo, hi = np.nanmin(rv) if rv.size else 0.0, np.nanmax(rv) if rv.size else 1.0
            span = (hi - lo) or 1.0
            fill = 0.0 if np.isnan(lo) else lo
            real_parts.append(((np.nan_to_num(rv, nan=fill - span) - lo) / span)[:, None])
            syn_parts.append(((np.nan_to_num(sv, nan=fill - span) - lo) / span)[:, None])
        else:
            rs, ss = r.cast(pl.String), s.cast(pl.String)
            top = rs.value_counts(sort=True).head(MAX_CATEGORIES).get_column(column).to_list()
            for value in top:
                match_r = rs.is_null() if value is None else (rs == value).fill_null(False)
                match_s = ss.is_null() if value is None else (ss == value).fill_null(False)
                real_parts.append(match_r.to_numpy().astype(float)[:, None] * half)
                syn_parts.append(match_s.to_numpy().astype(float)[:, None] * half)
    return np.hstack(real_parts), np.hstack(syn_parts)
