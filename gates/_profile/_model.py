"""What ``gates profile`` gives back: a :class:`Profile` of a table and its columns, and its JSON.

The JSON document is versioned (``schema_version``) and described by
``gates/profile/profile.schema.json``; docs/profile.md explains every field.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ._errors import ProfileFormatError

__all__ = [
    "PROFILE_SCHEMA_VERSION",
    "ColumnProfile",
    "Histogram",
    "Profile",
    "TopValues",
    "quantile_how",
    "quantile_note",
    "read_profile",
    "strongest_pairs",
]

#: Version of the profile JSON document; bump the major part on incompatible changes.
#: 1.1: quantiles above 250k rows come from a seeded hash sample (``quantile_method``
#: ``hash_sample``) with a stated rank error, ``quantile_confidence``, ``quantile_sample_size``
#: and the profile's ``quantile_sample``; ``every_kth`` and a ``quantile_stride`` above 1 are
#: only in 1.0 documents.
PROFILE_SCHEMA_VERSION = "1.1"


@dataclass(frozen=True)
class Histogram:
    """Equal-width bins: ``len(edges) == len(counts) + 1``; values outside go to under/overflow.

    For temporal columns the edges are the physical values (days for dates, the column's
    time unit for datetimes, see ``ColumnProfile.physical_unit``).
    """

    edges: list[float]
    counts: list[int]
    underflow: int = 0
    overflow: int = 0
    #: False when the counts were read off a quantile sketch (a merged profile): each count is
    #: then within 0.184% of the column's ``count`` of the true one at 99% confidence
    #: (DataSketches' two-sided PMF error for k = 2048).
    exact: bool = True


@dataclass(frozen=True)
class TopValues:
    """The most frequent values with their counts; ``other`` counts every remaining non-null row."""

    values: list[Any]
    counts: list[int]
    other: int
    #: True when ``other`` is 0: the list holds every distinct value.
    complete: bool
    #: False in a merged profile when a partition kept only its most frequent values: each
    #: count is then a lower bound, short of the true count by at most ``max_error``.
    exact: bool = True
    max_error: int = 0


@dataclass(frozen=True)
class ColumnProfile:
    """Statistics of one column (None where a statistic does not apply)."""

    name: str
    dtype: str
    #: id-like, categorical, numeric, free text, datetime, boolean, constant, empty or other.
    semantic: str
    count: int
    null_count: int
    null_fraction: float
    distinct: int | None = None
    #: ``exact``, or ``hll`` (HyperLogLog estimate, relative standard error ``distinct_rse``);
    #: ``approx`` in profiles written before 0.2 (Polars' estimator, error unstated).
    distinct_method: str = "exact"
    #: The relative standard error of an estimated ``distinct`` (None when exact).
    distinct_rse: float | None = None
    min: Any = None
    max: Any = None
    mean: float | None = None
    std: float | None = None
    zeros: int | None = None
    negatives: int | None = None
    nan_count: int | None = None
    inf_count: int | None = None
    true_count: int | None = None
    quantiles: dict[str, float | None] | None = None
    #: How the quantiles were computed: ``exact`` (every finite value, linear interpolation),
    #: ``hash_sample`` (a seeded hash sample of the rows, ``quantile_sample_size`` of the
    #: column's finite values; the profile's ``quantile_sample``) or ``kll`` (a merged KLL
    #: sketch, Apache DataSketches). Profiles of schema 1.0 may say ``every_kth`` (every k-th
    #: row, k = ``quantile_stride``; no error bound).
    quantile_method: str | None = None
    #: The rank error of each quantile, as a share of the column's finite values: with
    #: probability ``quantile_confidence`` the reported q-quantile's rank is within
    #: q ± this (0 when exact; None for ``every_kth``).
    quantile_rank_error: float | None = None
    #: The confidence of ``quantile_rank_error``, per quantile (None when exact).
    quantile_confidence: float | None = None
    #: ``hash_sample``: how many of the column's finite values the quantiles were read from.
    quantile_sample_size: int | None = None
    histogram: Histogram | None = None
    top_values: TopValues | None = None
    length_min: int | None = None
    length_max: int | None = None
    length_mean: float | None = None
    physical_unit: str | None = None
    samples: list[Any] = field(default_factory=list)
    #: String columns: ``{method, values, empty, blank, padded, classes, length_quantiles,
    #: words}`` (docs/profile.md, "Text statistics"); None on DuckDB/Spark and in merges.
    text: dict[str, Any] | None = None
    #: Date/Datetime columns: ``{first_day, last_day, days_in_span, days_covered,
    #: missing_days, gaps, weekday, top_weekday, hour, top_hour}``; None on DuckDB/Spark and
    #: in merges.
    time: dict[str, Any] | None = None


@dataclass(frozen=True)
class Profile:
    """A profile of one table: its size, duplicates, and a :class:`ColumnProfile` per column."""

    source: str
    format: str
    rows: int
    columns: list[ColumnProfile]
    duplicate_rows: int | None = None
    file_bytes: int | None = None
    memory_bytes: int | None = None
    #: ``{"method": "fraction"|"rows", "value": ..., "seed": ...}`` when profiled on a sample.
    sample: dict[str, Any] | None = None
    correlations: list[dict[str, Any]] | None = None
    #: Schema 1.0: quantiles were computed on every k-th row. Always 1 from 1.1 (see
    #: ``quantile_sample`` and each column's ``quantile_method``).
    quantile_stride: int = 1
    #: ``{"rows": target, "rate": p, "seed": s}`` when quantiles come from a hash sample of the
    #: rows (above 250,000 rows): each row is kept when its seeded hash falls below ``p``.
    quantile_sample: dict[str, Any] | None = None
    #: The number of partition states merged into this profile (None: profiled in one pass).
    partitions: int | None = None
    #: ``[{column, alert, detail}]``: constant, empty, missing, unique, high_cardinality,
    #: imbalance, zeros, skewed, high_correlation, duplicates (docs/profile.md has the rules).
    alerts: list[dict[str, Any]] | None = None
    #: With ``--incremental``: ``{profiled: [files], reused: n, removed: [files], bytes_read: n}``.
    incremental: dict[str, Any] | None = None
    elapsed_seconds: float | None = None
    gates_version: str = ""
    schema_version: str = PROFILE_SCHEMA_VERSION

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name`` (KeyError when absent)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return [c.name for c in self.columns]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document (NaN/inf become null)."""
        return _clean(asdict(self))  # type: ignore[no-any-return]

    def to_json(self, *, indent: int | None = 2) -> str:
        """The profile as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, doc: dict[str, Any], *, source: str = "<profile>") -> Profile:
        """Rebuild a profile from :meth:`to_dict` output."""
        version = str(doc.get("schema_version", ""))
        if version.split(".")[0] != PROFILE_SCHEMA_VERSION.split(".")[0]:
            raise ProfileFormatError(
                f"{source}: profile schema_version {version or '(none)'!r} is not supported (expected "
                f"{PROFILE_SCHEMA_VERSION}); re-create it with `gates profile DATA --json {source}`",
            )
        try:
            cols = [_column(c) for c in doc["columns"]]
            top = {f.name for f in fields(cls)} - {"columns"}
            return cls(columns=cols, **{k: v for k, v in doc.items() if k in top})
        except (KeyError, TypeError) as exc:
            raise ProfileFormatError(
                f"{source}: not a datagates profile ({type(exc).__name__}: {exc})"
            ) from exc


def _column(doc: dict[str, Any]) -> ColumnProfile:
    doc = dict(doc)
    if doc.get("histogram") is not None:
        doc["histogram"] = Histogram(**doc["histogram"])
    if doc.get("top_values") is not None:
        doc["top_values"] = TopValues(**doc["top_values"])
    known = {f.name for f in fields(ColumnProfile)}
    return ColumnProfile(**{k: v for k, v in doc.items() if k in known})


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def quantile_how(c: ColumnProfile) -> str:
    """How one column's quantiles were computed, with their bound: ``exact``, or the method and
    ``rank error ≤ 0.33% (99% confidence)``."""
    bound = f"rank error ≤ {c.quantile_rank_error or 0:.2%} per quantile (99% confidence)"
    if c.quantile_method == "hash_sample":
        return f"hash sample of {c.quantile_sample_size or 0:,} values, {bound}"
    if c.quantile_method == "kll":
        return f"KLL sketch, {bound}"
    if c.quantile_method == "every_kth":
        return "every k-th row (no error bound)"
    return "exact"


def quantile_note(p: Profile) -> str:
    """One line on how the quantiles were computed and their worst rank error (empty: none)."""
    cols = [c for c in p.columns if c.quantiles is not None and c.quantile_method]
    if not cols:
        return ""
    methods = {c.quantile_method for c in cols}
    if methods == {"exact"}:
        return "quantiles: exact (every finite value, linear interpolation)"

    def worst(method: str) -> str:
        bound = max(c.quantile_rank_error or 0.0 for c in cols if c.quantile_method == method)
        return f"rank error ≤ {bound:.2%} per quantile (99% confidence)"

    parts = []
    if "hash_sample" in methods:
        sizes = [c.quantile_sample_size or 0 for c in cols if c.quantile_method == "hash_sample"]
        span = f"{min(sizes):,}" if min(sizes) == max(sizes) else f"{min(sizes):,}–{max(sizes):,}"
        parts.append(
            f"≈ quantiles from a seeded hash sample of the rows ({span} values per column): "
            f"{worst('hash_sample')}"
        )
    if "kll" in methods:
        parts.append(
            f"≈ quantiles from a merged KLL sketch of {p.partitions} partition(s): {worst('kll')}"
        )
    if "every_kth" in methods:
        parts.append(f"≈ quantiles from every {p.quantile_stride:,}th row (no error bound)")
    if "exact" in methods:
        parts.append("the other columns' quantiles are exact")
    return "; ".join(parts)


def strongest_pairs(p: Profile, limit: int) -> list[tuple[str, str, str]]:
    """The ``limit`` pairs with the largest absolute Pearson, Spearman or corrected Cramér's V,
    as ``(a, b, "pearson +0.93")``."""
    ranked: list[tuple[float, str, str, str]] = []
    for pair in p.correlations or []:
        found = [
            (abs(pair[m]), m)
            for m in ("pearson", "spearman", "cramers_v_corrected")
            if pair.get(m) is not None
        ]
        if found:
            score, method = max(found)
            name = {"cramers_v_corrected": "V"}.get(method, method)
            value = f"{pair[method]:.2f}" if name == "V" else f"{pair[method]:+.2f}"
            ranked.append((score, pair["a"], pair["b"], f"{name} {value}"))
    ranked.sort(key=lambda r: -r[0])
    return [(a, b, label) for _, a, b, label in ranked[:limit]]


def read_profile(path: str | Path) -> Profile:
    """Read a profile JSON file written by ``gates profile --json``.

    Raises:
        ProfileFormatError: the file is not JSON or not a profile of a supported version.
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileFormatError(
            f"{p}: no such profile file; create it with `gates profile DATA --json {p}`"
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProfileFormatError(
            f"{p}: not valid JSON ({exc}); expected a profile from `gates profile --json`"
        ) from exc
    if not isinstance(doc, dict):
        raise ProfileFormatError(f"{p}: expected a JSON object (a datagates profile)")
    return Profile.from_dict(doc, source=str(p))
