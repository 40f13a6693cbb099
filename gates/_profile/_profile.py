"""``gates.profile()``: load data, run the two statistics passes, and build a :class:`Profile`."""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import polars as pl

from .._errors import InputError
from .._io import Dataset, load
from ._assoc import CRAMERS_MAX_COLUMNS, CRAMERS_MAX_LEVELS, cramers_v
from ._distinct import HLL_RSE, refine_distinct
from ._groups import WIDTH, plan_groups, run_groups
from ._model import ColumnProfile, Histogram, Profile, TopValues
from ._stats import (
    QUANTILE_CONFIDENCE,
    QUANTILES,
    HistSpec,
    SecondResult,
    count_duplicates,
    hist_spec,
    kind_of,
    pass_one,
    pass_two,
    quantile_queries,
    quantiles_from_counts,
    rank_error,
    run_guarded,
    spearman,
)
from ._text import TEXT_SAMPLE_ROWS

__all__ = ["infer_semantic", "profile"]

#: ``distinct="auto"`` counts exactly up to this many rows (or this many bytes of text files).
EXACT_DISTINCT_MAX_ROWS = 250_000
EXACT_DISTINCT_MAX_BYTES = 200 << 20
#: Quantiles are exact up to this many rows; above, they come from a seeded hash sample of
#: about this many rows (which Spearman's correlation uses too).
QUANTILE_EXACT_MAX_ROWS = 250_000
#: A column whose share of the sample holds fewer finite values than this share of
#: QUANTILE_EXACT_MAX_ROWS (sparse columns) gets its own sample, at its own rate.
QUANTILE_TOP_UP_SHARE = 0.5
#: Seeds the quantile sample's row hash (xor the profile's ``seed``).
QUANTILE_SEED = 0x7175616E
#: Up to this many rows, duplicate rows are counted inside the main statistics select.
FUSED_DUPLICATES_MAX_ROWS = 2_000_000
#: At most this many distinct values make a string or integer column categorical.
CATEGORICAL_MAX = 50
#: Numeric columns considered for ``correlations=True`` (the first N).
CORRELATION_MAX_COLUMNS = 40
_ID_NAME = re.compile(r"(^|[_\W])(id|key|uuid|guid)$", re.IGNORECASE)
Progress = Callable[[str, float], None]


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


def _cheap_rows(ds: Dataset) -> int | None:
    """The row count when known or cheap (metadata, in-memory), or worth a counting pass (big text files)."""
    known = ds.known_rows()
    if known is None and ds.format in ("parquet", "arrow", "frame"):
        known = ds.rows
    size = sum(f.stat().st_size for f in ds.files) if ds.files else 0
    if known is None and size > EXACT_DISTINCT_MAX_BYTES:
        known = ds.rows  # one counting pass keeps distinct counts and quantiles within memory
    return known


def _distinct_exact(ds: Dataset, mode: str, rows: int | None) -> bool:
    if mode != "auto":
        return mode == "exact"
    return rows is None or rows <= EXACT_DISTINCT_MAX_ROWS


def _sampled(ds: Dataset, *, sample: int | None, fraction: float | None, seed: int) -> pl.LazyFrame:
    lf = ds.lazy
    if sample is None and fraction is None:
        return lf
    if fraction is None:
        rows = ds.rows
        if sample is None or rows <= sample:
            return lf
        fraction = min(1.0, sample / rows * 1.05 + 1e-4)
    if not 0 < fraction <= 1:
        raise InputError(f"fraction must be in (0, 1], got {fraction}; e.g. --fraction 0.1")
    cut = int(fraction * 2**32)
    keep = (pl.col("__gates_row").hash(seed=seed) % 2**32) < cut
    out = lf.with_row_index("__gates_row").filter(keep).drop("__gates_row")
    return out.head(sample) if sample is not None else out


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


def profile(
    data: Any,
    *,
    table: str | None = None,
    sql: str | None = None,
    format: str | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    correlations: bool = False,
    bins: int = 20,
    top_k: int = 20,
    distinct: Literal["auto", "exact", "approx"] = "auto",
    bin_edges: Mapping[str, Sequence[float]] | None = None,
    duplicates: bool = True,
    progress: Progress | None = None,
) -> Profile:
    """Profile a table: per-column statistics, histograms and top values, in two passes.

    Args:
        data: anything :func:`gates.load` reads (a path, glob, DuckDB database with ``table``
            or ``sql``, a Polars/pandas frame) or a loaded :class:`gates.Dataset`.
        table: a table in the DuckDB database ``data``.
        sql: a DuckDB query to profile.
        format: force the file format.
        sample: profile about this many rows (a seeded hash sample), not all of them.
        fraction: profile this share of rows (0-1), chosen by a seeded hash of the row number.
        seed: the seed of the sample.
        correlations: also compute Pearson and Spearman correlations between numeric columns
            and Cramér's V (plain and bias-corrected) between categorical columns.
        bins: histogram bins for numeric and datetime columns.
        top_k: top values kept for categorical columns (the rest is counted as ``other``).
        distinct: ``auto`` (default: exact for every column of at most
            :data:`~gates._profile._distinct.EXACT_CARDINALITY_MAX` distinct values, at any
            row count; a HyperLogLog with 0.81% relative standard error above), ``exact``
            (every column exactly) or ``approx`` (the HyperLogLog for every column).
        bin_edges: histogram edges to use for some columns (a baseline's, for drift).
        duplicates: count duplicate rows (one hash per row).
        progress: called with a step label and the share done (0-1).

    Returns:
        The :class:`Profile`.

    Raises:
        InputError: the data cannot be read, or a flag is out of range.
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda _m, _f: None)
    if bins < 1 or top_k < 0:
        raise InputError(f"bins must be >= 1 and top_k >= 0, got bins={bins}, top_k={top_k}")
    ds = data if isinstance(data, Dataset) else load(data, table=table, sql=sql, format=format)
    say("reading schema", 0.0)
    schema = ds.schema
    engine = _engine(ds, sampled=sample is not None or fraction is not None)
    if engine is not None:
        return _profile_native(
            ds,
            engine,
            started=started,
            correlations=correlations,
            bins=bins,
            top_k=top_k,
            bin_edges=bin_edges,
            duplicates=duplicates,
            say=say,
        )
    lf = _sampled(ds, sample=sample, fraction=fraction, seed=seed)
    total = _cheap_rows(ds) if sample is None or distinct == "auto" else None
    if total is not None and sample is not None:
        total = min(total, sample)
    elif total is not None and fraction is not None:
        total = math.ceil(total * fraction)
    exact = _distinct_exact(ds, distinct, total)
    rate = min(1.0, QUANTILE_EXACT_MAX_ROWS / total) if total else 1.0
    qseed = QUANTILE_SEED ^ seed
    fuse = total is not None and total <= FUSED_DUPLICATES_MAX_ROWS
    groups = (
        plan_groups(ds.format, ds.files, schema, total, held_anyway=fuse and duplicates)
        if total is not None
        else None
    )
    counted: dict[str, pl.DataFrame] = {}
    if groups is not None:
        grouped = run_groups(
            lf,
            schema,
            groups,
            exact=exact,
            estimate_only=distinct == "approx",
            duplicates=duplicates,
            quantile_rate=rate,
            quantile_seed=qseed,
            guard=lambda step: run_guarded(step, ds.input_error),
            say=say,
        )
        rows, dupes, raw, counted = grouped.rows, grouped.duplicates, grouped.raw, grouped.counted
        lf = grouped.frame if grouped.frame is not None else lf
    else:
        say("pass 1: statistics", 0.1)
        rows, dupes, raw = run_guarded(
            lambda: pass_one(
                lf,
                schema,
                exact_distinct=exact,
                duplicates=duplicates and fuse,
                quantile_rate=rate,
                quantile_seed=qseed,
                fuse_duplicates=fuse,
                parse_alone=ds.is_text,
                sample_distinct=True,
            ),
            ds.input_error,
        )
    if duplicates and dupes is None and len(schema):
        say("duplicate rows", 0.4)
        dupes = run_guarded(
            lambda: count_duplicates(lf, schema, raw, rows, exact=exact), ds.input_error
        )
    if not exact and groups is None:
        say("distinct counts", 0.4)
        counted = run_guarded(
            lambda: refine_distinct(lf, schema, raw, estimate_only=distinct == "approx"),
            ds.input_error,
        )
    if rate < 1:
        say("quantiles of sparse columns", 0.5)
        run_guarded(
            lambda: _settle_quantiles(lf, schema, raw, rows=rows, seed=qseed, counted=counted),
            ds.input_error,
        )
    if sample is None and fraction is None:
        ds.set_rows(rows)
    sampled = None
    if sample is not None or fraction is not None:
        sampled = {
            "method": "rows" if fraction is None else "fraction",
            "value": sample if fraction is None else fraction,
            "seed": seed,
        }
    return _finish(
        ds,
        rows,
        dupes,
        raw,
        second=lambda hists, tops, pairs, text, times: run_guarded(
            lambda: pass_two(
                lf,
                schema,
                hists=hists,
                top=tops,
                correlations=pairs,
                text=text,
                times=times,
                stride=max(1, math.ceil(rows / TEXT_SAMPLE_ROWS)),
                rows=rows,
                # row groups can be skipped (not a CSV/JSON scan) and no seeded sample in between
                blocks=ds.format in ("parquet", "arrow", "frame")
                and sample is None
                and fraction is None,
                empty={n: int(st.get("empty") or 0) for n, st in zip(schema, raw, strict=True)},
                counted=counted,
            ),
            ds.input_error,
        ),
        ranks=lambda pairs: run_guarded(
            lambda: spearman(lf, pairs, rate=rate, seed=qseed), ds.input_error
        ),
        associations=lambda cols: run_guarded(lambda: cramers_v(lf, cols), ds.input_error),
        exact=exact,
        quantile_sample={"rows": QUANTILE_EXACT_MAX_ROWS, "rate": rate, "seed": qseed}
        if rate < 1
        else None,
        sampled=sampled,
        correlations=correlations,
        bins=bins,
        top_k=top_k,
        bin_edges=bin_edges,
        started=started,
        say=say,
    )


def _settle_quantiles(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    raw: list[dict[str, Any]],
    *,
    rows: int,
    seed: int,
    counted: Mapping[str, pl.DataFrame] | None = None,
) -> None:
    """Say how each column's quantiles were computed, and re-sample the sparse columns.

    Pass 1 read the quantiles off one hash sample of about QUANTILE_EXACT_MAX_ROWS rows. A
    column whose exact distinct count kept its value counts (``counted``, at most
    EXACT_CARDINALITY_MAX distinct values) gets its exact quantiles from them instead
    (:func:`quantiles_from_counts`). A column with few finite values got few of them into it (a column 1% filled: about 2,500,
    a 2.7% rank error); such a column gets a second query over its finite values alone, at
    the rate that keeps about QUANTILE_EXACT_MAX_ROWS of them (all of them, exact, when it has
    no more). Each column's ``quantile_method``, ``quantile_rank_error`` and
    ``quantile_sample_size`` go into its raw statistics.
    """
    counted = counted or {}
    topup: dict[int, float] = {}
    for i, ((name, dtype), st) in enumerate(zip(schema.items(), raw, strict=True)):
        if "quantile_n" not in st:
            continue
        if name in counted:
            quant, n = quantiles_from_counts(counted[name], kind_of(dtype))
            st.update(quantiles=quant, quantile_n=n, quantile_method="exact")
            st.update(quantile_rank_error=0.0)
            continue
        finite = int(st["finite"]) if "finite" in st else rows - int(st["null_count"])
        if finite and st["quantile_n"] < QUANTILE_TOP_UP_SHARE * min(
            finite, QUANTILE_EXACT_MAX_ROWS
        ):
            topup[i] = min(1.0, QUANTILE_EXACT_MAX_ROWS / finite)
    for i, (quant, n) in quantile_queries(lf, schema, topup, seed=seed).items():
        raw[i].update(quantiles=quant, quantile_n=n)
        if topup[i] >= 1:
            raw[i].update(quantile_method="exact", quantile_rank_error=0.0)
    for st in raw:
        if "quantile_n" in st and "quantile_method" not in st:
            m = int(st["quantile_n"])
            finite = int(st["finite"]) if "finite" in st else rows - int(st["null_count"])
            if m >= finite:  # every value made it into the sample
                st.update(quantile_method="exact", quantile_rank_error=0.0)
            else:
                st.update(
                    quantile_method="hash_sample",
                    quantile_rank_error=math.ceil(rank_error(m) * 1e6) / 1e6,  # never rounded down
                    quantile_sample_size=m,
                )


SecondPass = Callable[
    [dict[str, HistSpec], dict[str, int], list[tuple[str, str]], dict[str, bool], list[str]],
    SecondResult,
]
Associations = Callable[[list[str]], dict[tuple[str, str], tuple[float | None, float | None]]]


def _finish(
    ds: Dataset,
    rows: int,
    dupes: int | None,
    raw: list[dict[str, Any]],
    *,
    second: SecondPass,
    ranks: Callable[[list[tuple[str, str]]], dict[tuple[str, str], float | None]] | None = None,
    associations: Associations | None = None,
    exact: bool,
    quantile_sample: dict[str, Any] | None,
    sampled: dict[str, Any] | None,
    correlations: bool,
    bins: int,
    top_k: int,
    bin_edges: Mapping[str, Sequence[float]] | None,
    started: float,
    say: Progress,
) -> Profile:
    """Semantic types, pass 2 (``second``) and the :class:`Profile`, on any engine."""
    schema = ds.schema
    semantic: dict[str, str] = {}
    hists: dict[str, HistSpec] = {}
    tops: dict[str, int] = {}
    for (name, dtype), st in zip(schema.items(), raw, strict=True):
        kind = kind_of(dtype)
        count = rows - int(st["null_count"])
        semantic[name] = sem = infer_semantic(kind, st, name=name, count=count)
        if kind in ("integer", "float", "decimal", "temporal") and count:
            edges = (bin_edges or {}).get(name)
            spec = (
                HistSpec.from_edges(edges)
                if edges
                else hist_spec(st.get("min"), st.get("max"), bins=bins, integer=kind == "integer")
            )
            if spec is not None:
                hists[name] = spec
        few = st.get("distinct") is not None and st["distinct"] <= 100_000
        if (
            top_k
            and count
            and few
            and (kind in ("string", "bool") or sem in ("categorical", "boolean", "constant"))
        ):
            tops[name] = top_k
    numeric = [
        n
        for n, d in schema.items()
        if kind_of(d) in ("integer", "float", "decimal")
        and semantic[n] in ("numeric", "categorical", "boolean")
    ][:CORRELATION_MAX_COLUMNS]
    pairs = (
        [(a, b) for i, a in enumerate(numeric) for b in numeric[i + 1 :]] if correlations else []
    )
    text = {
        n: semantic[n] == "free text"
        for (n, d), st in zip(schema.items(), raw, strict=True)
        if kind_of(d) == "string" and rows > int(st["null_count"])
    }
    times = [
        n
        for (n, d), st in zip(schema.items(), raw, strict=True)
        if isinstance(d, pl.Date | pl.Datetime) and rows > int(st["null_count"])
    ]
    categorical = [
        n
        for (n, d), st in zip(schema.items(), raw, strict=True)
        if kind_of(d) in ("string", "bool", "integer")
        and semantic[n] in ("categorical", "boolean")
        and 2 <= (st.get("distinct") or 0) <= CRAMERS_MAX_LEVELS
    ][:CRAMERS_MAX_COLUMNS]
    say("pass 2: histograms and top values", 0.6)
    counts, top_values, corr, extras = second(hists, tops, pairs, text, times)
    rank_corr = ranks(pairs) if ranks is not None and pairs else {}
    assoc = associations(categorical) if associations is not None and correlations else {}
    say("building the profile", 0.95)
    columns = [
        _column(
            name,
            dtype,
            st,
            rows=rows,
            semantic=semantic[name],
            exact=exact,
            hist=counts.get(name),
            top=top_values.get(name),
            quantile_method=st.get("quantile_method", "exact"),
            quantile_rank_error=st.get("quantile_rank_error", 0.0),
            quantile_sample_size=st.get("quantile_sample_size"),
            depth=extras.get(name),
        )
        for (name, dtype), st in zip(schema.items(), raw, strict=True)
    ]
    file_bytes = sum(os.path.getsize(f) for f in ds.files) if ds.files else None
    say("done", 1.0)
    return _with_alerts(
        Profile(
            source=ds.source,
            format=ds.format,
            rows=rows,
            columns=columns,
            duplicate_rows=dupes,
            file_bytes=file_bytes,
            memory_bytes=sum(
                _memory(d, rows, st) for d, st in zip(schema.values(), raw, strict=True)
            ),
            sample=sampled,
            correlations=_correlations(corr, rank_corr, assoc) if correlations else None,
            quantile_sample=quantile_sample,
            elapsed_seconds=round(time.perf_counter() - started, 4),
            gates_version=_version(),
        )
    )


def _correlations(
    corr: Mapping[tuple[str, str], float | None],
    rank_corr: Mapping[tuple[str, str], float | None],
    assoc: Mapping[tuple[str, str], tuple[float | None, float | None]],
) -> list[dict[str, Any]]:
    """Numeric pairs (Pearson, Spearman), then categorical pairs (Cramér's V); one entry per pair."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for (a, b), r in corr.items():
        out[(a, b)] = {"a": a, "b": b, "pearson": r, "spearman": rank_corr.get((a, b))}
    for (a, b), (v, vc) in assoc.items():
        entry = out.setdefault((a, b), {"a": a, "b": b, "pearson": None, "spearman": None})
        entry.update(cramers_v=v, cramers_v_corrected=vc)
    for entry in out.values():
        entry.setdefault("cramers_v", None)
        entry.setdefault("cramers_v_corrected", None)
    return list(out.values())


def _with_alerts(prof: Profile) -> Profile:
    """The profile with its ydata-like alerts (read off the statistics, no pass over data)."""
    import dataclasses

    from ._alerts import alerts

    return dataclasses.replace(prof, alerts=alerts(prof))


def _engine(ds: Dataset, *, sampled: bool) -> str | None:
    """``duckdb`` or ``spark`` when the passes run in that engine, None for Polars."""
    if ds.backend not in ("duckdb", "spark") or ds.native is None:
        return None
    if sampled:
        if ds.backend == "spark":
            raise InputError(
                "sample and fraction do not apply to a Spark DataFrame: sample it in Spark "
                "first, e.g. gates.profile(df.sample(fraction=0.1, seed=0))"
            )
        return None  # DuckDB: the seeded hash sample runs on the Polars view of the relation
    return ds.backend


def _profile_native(
    ds: Dataset,
    engine: str,
    *,
    started: float,
    correlations: bool,
    bins: int,
    top_k: int,
    bin_edges: Mapping[str, Sequence[float]] | None,
    duplicates: bool,
    say: Progress,
) -> Profile:
    from ._native import (
        native_cramers,
        native_guard,
        native_pass_one,
        native_pass_two,
        native_spearman,
    )

    schema = ds.schema
    say("pass 1: statistics", 0.1)
    rows, dupes, raw = native_guard(
        lambda: native_pass_one(ds.native, engine, schema, duplicates=duplicates), ds.source
    )
    ds.set_rows(rows)
    return _finish(
        ds,
        rows,
        dupes,
        raw,
        second=lambda hists, tops, pairs, text, times: native_guard(
            lambda: native_pass_two(
                ds.native,
                engine,
                schema,
                hists=hists,
                top=tops,
                correlations=pairs,
                text=text,
                times=times,
                rows=rows,
            ),
            ds.source,
        ),
        ranks=lambda pairs: native_guard(
            lambda: native_spearman(ds.native, engine, pairs, rows=rows), ds.source
        ),
        associations=lambda cols: native_guard(
            lambda: native_cramers(ds.native, engine, cols), ds.source
        ),
        exact=True,
        quantile_sample=None,
        sampled=None,
        correlations=correlations,
        bins=bins,
        top_k=top_k,
        bin_edges=bin_edges,
        started=started,
        say=say,
    )


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


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("datagates")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "0.0.0"
