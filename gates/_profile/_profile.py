"""``gates.profile()``: load data, run the two statistics passes, and build a :class:`Profile`."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import polars as pl

from .._errors import InputError
from .._io import Dataset, load
from ._assemble import Progress, _finish
from ._assoc import cramers_v
from ._distinct import refine_distinct
from ._groups import plan_groups, run_groups
from ._model import Profile
from ._native_profile import _engine, _profile_native
from ._second import pass_two, spearman
from ._stats import (
    count_duplicates,
    kind_of,
    pass_one,
    quantile_queries,
    quantiles_from_counts,
    rank_error,
    run_guarded,
)
from ._text import TEXT_SAMPLE_ROWS

__all__ = ["profile"]

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
