"""One column's :class:`ColumnProfile` from its statistics, and its semantic type.

:func:`infer_semantic` reads a column's semantic type (``id-like``, ``categorical``, ``free
text``...) off its kind and pass-1 statistics; :func:`_column` assembles the column's profile
(numbers, temporal values as text, histogram, top values) and :func:`_memory` estimates its
in-memory size. Shared by :func:`gates.profile` and the profile of a merged partition state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from ._distinct import HLL_RSE
from ._groups import WIDTH
from ._model import ColumnProfile, Histogram, TopValues
from ._stats import QUANTILE_CONFIDENCE, QUANTILES, kind_of

__all__ = ["CATEGORICAL_MAX", "infer_semantic"]

#: At most this many distinct values make a string or integer column categorical.
CATEGORICAL_MAX = 50
_ID_NAME = re.compile(r"(^|[_\W])(id|key|uuid|guid)$", re.IGNORECASE)


def infer_semantic(kind: str, stats: Mapping[str, Any], *, name: str, count: int) -> str:
    """The semantic type of a column from its kind and pass-1 statistics."""
    if count == 0:
        return "empty"
    distinct = stats.get("distinct")
    if distinct is not None and distinct <= 1:
        return "constant"
    if kind == "bool":
        return "boolean"
    if kind == "temporal":
        return "datetime"
    if kind == "other" or distinct is None:
        return "other"
    ratio = min(distinct / count, 1.0)
    if kind == "integer":
        if distinct == 2 and stats.get("min") == 0 and stats.get("max") == 1:
            return "boolean"
        span = (stats["max"] - stats["min"] + 1) if stats.get("min") is not None else None
        if (
            ratio >= 0.99
            and count >= 20
            and (_ID_NAME.search(name) or (span is not None and span <= count * 1.01))
        ):
            return "id-like"
        return "categorical" if distinct <= CATEGORICAL_MAX and count >= 4 * distinct else "numeric"
    if kind in ("float", "decimal"):
        return "numeric"
    # strings
    if (distinct <= CATEGORICAL_MAX and count >= 2 * distinct) or (
        ratio <= 0.05 and distinct <= 1000
    ):
        return "categorical"
    if (stats.get("len_mean") or 0) >= 30:
        return "free text"
    if ratio >= 0.95:
        return "id-like"
    return "free text"


def _physical(dtype: pl.DataType) -> str | None:
    if isinstance(dtype, pl.Date):
        return "days"
    if isinstance(dtype, pl.Datetime | pl.Duration):
        return str(dtype.time_unit)
    if isinstance(dtype, pl.Time):
        return "ns"
    return None


def _temporal_text(value: float | None, dtype: pl.DataType) -> str | None:
    if value is None or not math.isfinite(value):
        return None
    phys = pl.Int32 if isinstance(dtype, pl.Date) else pl.Int64
    series = pl.Series([round(value)], dtype=phys).cast(dtype)
    # a Duration has no cast to String; its ISO 8601 form ("PT1S") reads the same
    text = series.dt.to_string() if isinstance(dtype, pl.Duration) else series.cast(pl.String)
    return str(text[0])


def _memory(dtype: pl.DataType, rows: int, stats: Mapping[str, Any]) -> int:
    kind = kind_of(dtype)
    validity = (rows + 7) // 8 if stats.get("null_count") else 0
    if kind == "string":
        return 16 * rows + int(stats.get("bytes") or 0) + validity
    if kind == "bool":
        return (rows + 7) // 8 + validity
    return WIDTH.get(dtype.base_type(), 8) * rows + validity


def _num(value: Any, integer: bool) -> Any:
    if value is None:
        return None
    return int(value) if integer and math.isfinite(value) else float(value)


def _column(
    name: str,
    dtype: pl.DataType,
    st: Mapping[str, Any],
    *,
    rows: int,
    semantic: str,
    exact: bool,
    hist: Mapping[str, Any] | None,
    top: list[tuple[Any, int]] | None,
    quantile_method: str = "exact",
    quantile_rank_error: float | None = None,
    quantile_sample_size: int | None = None,
    top_error: int | None = None,
    depth: Mapping[str, Any] | None = None,
) -> ColumnProfile:
    kind = kind_of(dtype)
    nulls = int(st["null_count"])
    count = rows - nulls
    extra: dict[str, Any] = {}
    quant = st.get("quantiles")
    if kind in ("integer", "float", "decimal"):
        integer = kind == "integer"
        extra.update(
            min=_num(st.get("min"), integer),
            max=_num(st.get("max"), integer),
            mean=st.get("mean"),
            std=st.get("std"),
            zeros=int(st.get("zeros") or 0),
            negatives=int(st.get("negatives") or 0),
            quantiles=dict(zip(QUANTILES, quant, strict=True)) if quant is not None else None,
        )
        if kind != "integer":
            extra.update(
                nan_count=int(st.get("nan_count") or 0), inf_count=int(st.get("inf_count") or 0)
            )
    elif kind == "temporal":
        extra.update(
            min=_temporal_text(st.get("min"), dtype),
            max=_temporal_text(st.get("max"), dtype),
            quantiles={k: _temporal_text(v, dtype) for k, v in zip(QUANTILES, quant, strict=True)}
            if quant
            else None,
            physical_unit=_physical(dtype),
        )
    elif kind == "bool":
        extra.update(true_count=int(st.get("true_count") or 0))
    elif kind == "string":
        extra.update(
            min=st.get("min_str"),
            max=st.get("max_str"),
            length_min=st.get("len_min"),
            length_max=st.get("len_max"),
            length_mean=st.get("len_mean"),
        )
    if extra.get("quantiles") is not None:
        extra.update(
            quantile_method=quantile_method,
            quantile_rank_error=quantile_rank_error,
            quantile_confidence=None if quantile_method == "exact" else QUANTILE_CONFIDENCE,
            quantile_sample_size=quantile_sample_size,
        )
    if hist is not None:
        extra["histogram"] = Histogram(
            edges=list(hist["edges"]),
            counts=list(hist["counts"]),
            underflow=int(hist["underflow"]),
            overflow=int(hist["overflow"]),
            exact=bool(hist.get("exact", True)),
        )
    if top is not None:
        shown = sum(n for _, n in top)
        top_error = 0 if count == shown else top_error  # lower bounds that add up are exact
        extra["top_values"] = TopValues(
            values=[v for v, _ in top],
            counts=[n for _, n in top],
            other=count - shown,
            complete=count == shown and not top_error,
            exact=not top_error,
            max_error=int(top_error or 0),
        )
    distinct = st.get("distinct")
    return ColumnProfile(
        name=name,
        dtype=str(dtype),
        semantic=semantic,
        count=count,
        null_count=nulls,
        null_fraction=nulls / rows if rows else 0.0,
        distinct=int(distinct) if distinct is not None else None,
        distinct_method=str(st.get("distinct_method", "exact" if exact else "hll")),
        distinct_rse=HLL_RSE if st.get("distinct_method") == "hll" else None,
        samples=list(st.get("samples") or []),
        text=(depth or {}).get("text"),
        time=(depth or {}).get("time"),
        **extra,
    )
