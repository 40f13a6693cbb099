"""The DuckDB and Spark path of :func:`gates.profile`: both passes run in the engine.

:func:`_engine` says whether a dataset's passes run natively (a DuckDB relation or a Spark
DataFrame, not sampled); :func:`_profile_native` runs pass 1 and pass 2 through
:mod:`._native` and builds the profile with :func:`~._assemble._finish`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._errors import InputError
from .._io import Dataset
from ._assemble import Progress, _finish
from ._model import Profile

__all__: list[str] = []


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
