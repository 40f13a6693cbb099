"""Semantic types, pass 2 and the :class:`Profile` on any engine, with correlations and alerts.

:func:`_finish` takes pass 1's statistics, plans pass 2 (histograms, top values, correlation
pairs, text and date/time depth), runs it through the engine's callables and builds the
:class:`Profile`; :func:`_correlations` merges the numeric and categorical pairs and
:func:`_with_alerts` adds the alerts. Used by the Polars path (:mod:`._profile`) and the
DuckDB/Spark path (:mod:`._native_profile`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from .._io import Dataset
from ._assoc import CRAMERS_MAX_COLUMNS, CRAMERS_MAX_LEVELS
from ._columns import _column, _memory, infer_semantic
from ._model import Profile
from ._second import HistSpec, SecondResult, hist_spec
from ._stats import kind_of

__all__ = ["CORRELATION_MAX_COLUMNS"]

#: Numeric columns considered for ``correlations=True`` (the first N).
CORRELATION_MAX_COLUMNS = 40
Progress = Callable[[str, float], None]

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


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("datagates")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "0.0.0"
