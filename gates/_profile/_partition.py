"""A partition's mergeable state from its rows, and the profile of a (merged) state.

:func:`profile_state` runs pass 1 (without quantiles) and, per column, the distinct hashes (or
HyperLogLog registers), the top counts and a KLL sketch, collected together; :func:`profile_from_state`
turns a state back into a :class:`~._model.Profile` without reading data. What each statistic
keeps and how it merges is in :mod:`._state`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from .._errors import InputError
from .._io import TEXT_FORMATS, Dataset, load
from ._assemble import _version, _with_alerts
from ._columns import _column, _memory, infer_semantic
from ._distinct import _HASH_SEED, HLL_PRECISION, _registers, registers_of
from ._model import Profile
from ._second import HistSpec, hist_spec
from ._sketch import KLL
from ._state import HASH_SET_MAX, VALUE_COUNTS_MAX, ColumnState, TableState
from ._stats import QUANTILES, _finite, _values, kind_of, pass_one, run_guarded

__all__ = [
    "build_state",
    "histogram",
    "profile_from_state",
    "profile_state",
    "raw_stats",
    "top_values",
]


def build_state(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    *,
    source: str,
    format: str,
    file_bytes: int | None = None,
    duplicates: bool = True,
) -> TableState:
    """The state of one partition: pass 1 without quantiles, then hashes, top counts and sketches."""
    rows, dupes, raw = pass_one(
        lf,
        schema,
        exact_distinct=False,
        duplicates=duplicates,
        quantiles=False,
        parse_alone=format in TEXT_FORMATS,
    )
    queries: list[pl.LazyFrame] = []
    jobs: list[tuple[int, str]] = []
    for i, (name, dtype) in enumerate(schema.items()):
        kind, st = kind_of(dtype), raw[i]
        if kind == "other":
            continue
        value = _values(name, kind)
        few = (st.get("distinct") or 0) <= HASH_SET_MAX
        if few and kind in ("string", "bool", "integer"):
            # one group_by gives both the distinct values (hashed afterwards) and their counts
            queries.append(
                lf.select(value.alias("v")).drop_nulls().group_by("v").agg(pl.len().alias("n"))
            )
            jobs.append((i, "values"))
        elif few:
            queries.append(lf.select(value.drop_nulls().hash(seed=_HASH_SEED).alias("h")).unique())
            jobs.append((i, "hashes"))
        else:
            queries.append(_registers(lf, value))
            jobs.append((i, "hll"))
        if kind in ("integer", "float", "decimal", "temporal"):
            queries.append(lf.select(_finite(name, kind).cast(pl.Float64).drop_nulls().alias("x")))
            jobs.append((i, "sketch"))
    frames = pl.collect_all(queries, engine="streaming") if queries else []
    columns = [
        _column_state(name, dtype, raw[i], rows) for i, (name, dtype) in enumerate(schema.items())
    ]
    for (i, job), frame in zip(jobs, frames, strict=True):
        col = columns[i]
        if job in ("hashes", "values"):
            h = frame["h"] if job == "hashes" else frame["v"].hash(seed=_HASH_SEED)
            hashes = np.sort(h.to_numpy().astype(np.uint64))
            if hashes.size > HASH_SET_MAX:
                col.hll = registers_of(hashes)
            else:
                col.hashes = hashes
        elif job == "hll":
            col.hll = _dense(frame)
        if job == "values":
            ranked = frame.sort(["n", "v"], descending=[True, False]).head(VALUE_COUNTS_MAX + 1)
            pairs = list(ranked.iter_rows())
            col.cutoff = int(pairs[VALUE_COUNTS_MAX][1]) if len(pairs) > VALUE_COUNTS_MAX else 0
            col.values = {v: int(n) for v, n in pairs[:VALUE_COUNTS_MAX]}
        elif job == "sketch":
            col.sketch = KLL().update(frame["x"].to_numpy())
    return TableState(
        source=source,
        format=format,
        rows=rows,
        columns=columns,
        duplicate_rows=dupes,
        file_bytes=file_bytes,
        schema=pl.Schema(schema),
    )


def _dense(frame: pl.DataFrame) -> np.ndarray[Any, Any]:
    regs = np.zeros(1 << HLL_PRECISION, dtype=np.uint8)
    if frame.height:
        regs[frame["register"].to_numpy().astype(np.int64)] = frame["rank"].to_numpy()
    return regs


def _column_state(name: str, dtype: pl.DataType, st: Mapping[str, Any], rows: int) -> ColumnState:
    kind = kind_of(dtype)
    nulls = int(st["null_count"])
    out = ColumnState(name=name, dtype=str(dtype), kind=kind, count=rows - nulls, null_count=nulls)
    out.samples = list(st.get("samples") or [])
    if kind in ("integer", "float", "decimal", "temporal"):
        out.min, out.max = st.get("min"), st.get("max")
    if kind in ("integer", "float", "decimal"):
        out.finite = int(st.get("finite") or 0)
        out.mean = st.get("mean")
        std = st.get("std")
        out.m2 = (std * std * (out.finite - 1)) if std is not None and out.finite > 1 else 0.0
        out.sum = st.get("sum")
        for key in ("zeros", "negatives", "nan_count", "inf_count"):
            setattr(out, key, int(st.get(key) or 0))
    elif kind == "bool":
        out.true_count = int(st.get("true_count") or 0)
    elif kind == "string":
        out.min, out.max = st.get("min_str"), st.get("max_str")
        out.len_min, out.len_max = st.get("len_min"), st.get("len_max")
        mean = st.get("len_mean")
        out.len_sum = round(mean * out.count) if mean is not None else 0
        out.bytes = int(st.get("bytes") or 0)
    return out


# --- the profile of a state ---


def raw_stats(col: ColumnState) -> dict[str, Any]:
    """The column's statistics in the form pass 1 gives them (for ``_profile._column``)."""
    distinct, method = col.distinct()
    st: dict[str, Any] = {
        "null_count": col.null_count,
        "distinct": distinct,
        "distinct_method": method,
        "samples": col.samples,
    }
    if col.kind in ("integer", "float", "decimal", "temporal"):
        st.update(min=col.min, max=col.max)
        sketch = col.sketch or KLL()
        st["quantiles"] = sketch.quantiles(list(QUANTILES.values()))
    if col.kind in ("integer", "float", "decimal"):
        std = (
            math.sqrt(col.m2 / (col.finite - 1)) if col.m2 is not None and col.finite > 1 else None
        )
        st.update(
            mean=col.mean if col.finite else None,
            std=std,
            sum=col.sum,
            zeros=col.zeros,
            negatives=col.negatives,
            nan_count=col.nan_count,
            inf_count=col.inf_count,
        )
    elif col.kind == "bool":
        st["true_count"] = col.true_count
    elif col.kind == "string":
        st.update(
            min_str=col.min,
            max_str=col.max,
            len_min=col.len_min,
            len_max=col.len_max,
            len_mean=col.len_sum / col.count if col.count else None,
            bytes=col.bytes,
        )
    return st


def histogram(
    col: ColumnState, *, bins: int, edges: Sequence[float] | None
) -> dict[str, Any] | None:
    """Histogram counts of a state's column, read off its sketch (exact while it is exact)."""
    if col.sketch is None or not col.sketch.n:
        return None
    spec = (
        HistSpec.from_edges(edges)
        if edges
        else hist_spec(col.min, col.max, bins=bins, integer=col.kind == "integer")
    )
    if spec is None:
        return None
    counts, under, over = col.sketch.counts(spec.edges)
    return {
        "edges": spec.edges,
        "counts": counts,
        "underflow": under,
        "overflow": over,
        "exact": col.sketch.exact,
    }


def top_values(col: ColumnState, k: int) -> tuple[list[tuple[Any, int]], int] | None:
    """The ``k`` most frequent values with (lower-bound) counts, and how short a count may be."""
    if col.values is None or k == 0 or not col.count:
        return None
    ranked = sorted(col.values.items(), key=lambda vn: (-vn[1], vn[0]))[:k]
    error = max([col.short.get(v, 0) for v, _ in ranked], default=0)
    if ranked and col.cutoff > ranked[-1][1]:  # a value left out might outrank a listed one
        error = max(error, col.cutoff)
    return ranked, error


def profile_from_state(
    state: TableState,
    *,
    bins: int = 20,
    top_k: int = 20,
    bin_edges: Mapping[str, Sequence[float]] | None = None,
) -> Profile:
    """The :class:`Profile` of a (merged) :class:`TableState`, without reading data.

    Counts, nulls, min/max, mean/std, zeros, negatives and exact distinct counts equal those
    of a one-pass profile of the concatenated partitions; quantiles and histograms come from
    the KLL sketch (``quantile_method: kll`` with its ``quantile_rank_error``) unless it still
    holds every value; duplicate rows and correlations are left out of a merge.
    """
    if bins < 1 or top_k < 0:
        raise InputError(f"bins must be >= 1 and top_k >= 0, got bins={bins}, top_k={top_k}")
    rows = state.rows
    columns = []
    memory = 0
    for col in state.columns:
        st = raw_stats(col)
        dtype = state.schema[col.name]
        sem = infer_semantic(col.kind, st, name=col.name, count=col.count)
        edges = (bin_edges or {}).get(col.name)
        hist = histogram(col, bins=bins, edges=edges) if col.count else None
        top = None
        top_error = None
        if (
            top_k
            and col.count
            and (st.get("distinct") or 0) <= 100_000
            and (col.kind in ("string", "bool") or sem in ("categorical", "boolean", "constant"))
        ):
            found = top_values(col, top_k)
            if found is not None:
                top, top_error = found
        sketch = col.sketch
        exact_q = sketch is None or sketch.exact
        columns.append(
            _column(
                col.name,
                dtype,
                st,
                rows=rows,
                semantic=sem,
                exact=st["distinct_method"] == "exact",
                hist=hist,
                top=top,
                quantile_method="exact" if exact_q else "kll",
                quantile_rank_error=0.0 if exact_q else math.ceil(sketch.rank_error * 1e6) / 1e6,  # type: ignore[union-attr]
                top_error=top_error,
            )
        )
        memory += _memory(dtype, rows, st)
    return _with_alerts(
        Profile(
            source=state.source,
            format=state.format,
            rows=rows,
            columns=columns,
            duplicate_rows=state.duplicate_rows if state.partitions == 1 else None,
            file_bytes=state.file_bytes,
            memory_bytes=memory,
            partitions=state.partitions,
            gates_version=_version(),
        )
    )


def profile_state(
    data: Any,
    *,
    table: str | None = None,
    sql: str | None = None,
    format: str | None = None,
    duplicates: bool = True,
) -> TableState:
    """The mergeable state of ``data`` (one partition); see :func:`gates._profile.merge_states`.

    Args:
        data: anything :func:`profile` reads.
        table: a table in the DuckDB database ``data``.
        sql: a DuckDB query to profile.
        format: force the file format.
        duplicates: count duplicate rows (kept while the state is not merged).

    Raises:
        InputError: the data cannot be read.
    """
    ds = data if isinstance(data, Dataset) else load(data, table=table, sql=sql, format=format)
    schema = ds.schema
    file_bytes = sum(os.path.getsize(f) for f in ds.files) if ds.files else None
    state: TableState = run_guarded(
        lambda: build_state(
            ds.lazy,
            schema,
            source=ds.source,
            format=ds.format,
            file_bytes=file_bytes,
            duplicates=duplicates,
        ),
        ds.input_error,
    )
    return state
