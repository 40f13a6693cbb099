"""Mergeable profile states: profile partitions once, merge them, get the profile of the whole.

A :class:`TableState` holds, per column, only what merges exactly or with a stated bound:

* counts, null counts, zeros, negatives, NaN/inf and true counts, sums (added);
* min/max, string length min/max, lexicographic min/max (taken);
* mean and the sum of squared deviations ``m2`` (Chan et al.'s pairwise update, so ``std``
  merges without cancellation);
* the column's distinct values as 64-bit hashes while there are at most
  :data:`HASH_SET_MAX` (unions are exact, up to hash collisions: ~10⁻⁹ at 200,000 values),
  else a HyperLogLog of 2^14 registers (taken register-wise max; relative standard error 0.81%);
* the most frequent values with their counts (up to :data:`VALUE_COUNTS_MAX`) and ``cutoff``,
  the count of the most frequent value left out: a merged count is a lower bound, short by at
  most the sum of the cutoffs of the partitions that left the value out (0 when all kept all);
* a KLL quantile sketch (:mod:`._sketch`) of the finite values of numeric and temporal
  columns (Apache DataSketches), rank error 0.14% at 99% confidence; histograms of a
  merged profile are read off it.

Duplicate rows and correlations do not merge; a profile of several partitions leaves them out.
Hashes are Polars' seeded 64-bit hash, which Polars does not promise to keep across versions,
so a state records the Polars version it was hashed with and refuses to merge across versions.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .._errors import InputError
from ._distinct import estimate_registers, registers_of
from ._sketch import KLL

__all__ = [
    "HASH_SET_MAX",
    "STATE_VERSION",
    "VALUE_COUNTS_MAX",
    "ColumnState",
    "TableState",
    "hash_id",
    "merge_states",
]

#: Version of the state document.
STATE_VERSION = "1.0"
#: A partition keeps its column's distinct hashes up to this many (else a HyperLogLog).
HASH_SET_MAX = 200_000
#: A partition keeps the counts of this many most frequent values per column.
VALUE_COUNTS_MAX = 1_000
_SUMS = ("count", "null_count", "finite", "zeros", "negatives", "nan_count", "inf_count")
_SUMS2 = ("true_count", "bytes", "len_sum")


def hash_id() -> str:
    """What a state's hashes depend on: the hash function's library and version."""
    return f"polars-{pl.__version__}"


def _b64(arr: np.ndarray[Any, Any]) -> str:
    return base64.b64encode(arr.tobytes()).decode("ascii")


@dataclass
class ColumnState:
    """The mergeable statistics of one column of one or more partitions."""

    name: str
    dtype: str
    kind: str
    count: int = 0
    null_count: int = 0
    #: finite non-null values (numeric), the n behind ``mean`` and ``m2``
    finite: int = 0
    mean: float | None = None
    m2: float | None = None
    sum: float | None = None
    min: Any = None
    max: Any = None
    zeros: int = 0
    negatives: int = 0
    nan_count: int = 0
    inf_count: int = 0
    true_count: int = 0
    bytes: int = 0
    len_min: int | None = None
    len_max: int | None = None
    len_sum: int = 0
    #: sorted distinct value hashes (uint64), or None once there are too many
    hashes: np.ndarray[Any, Any] | None = None
    #: HyperLogLog registers (uint8, 2^14), kept when ``hashes`` is None
    hll: np.ndarray[Any, Any] | None = None
    #: the most frequent values and their counts, or None when not tracked
    values: dict[Any, int] | None = None
    #: at least the count of any value not in ``values`` (0: ``values`` is complete)
    cutoff: int = 0
    #: per value in ``values``: how much its count may be short (absent: exact)
    short: dict[Any, int] = field(default_factory=dict)
    sketch: KLL | None = None
    samples: list[Any] = field(default_factory=list)

    # --- distinct ---

    def registers(self) -> np.ndarray[Any, Any] | None:
        """The HyperLogLog registers (derived from the hashes when they are kept)."""
        if self.hll is not None:
            return self.hll
        if self.hashes is not None:
            return registers_of(self.hashes)
        return None

    def distinct(self) -> tuple[int | None, str]:
        """The distinct count and how it was computed (``exact`` or ``hll``)."""
        if self.hashes is not None:
            return int(self.hashes.size), "exact"
        regs = self.registers()
        return (estimate_registers(regs) if regs is not None else None), "hll"

    # --- merging ---

    def merge(self, other: ColumnState) -> ColumnState:
        """The state of both partitions' rows together."""
        a, b = self, other
        out = ColumnState(name=a.name, dtype=a.dtype, kind=a.kind)
        for key in _SUMS + _SUMS2:
            setattr(out, key, getattr(a, key) + getattr(b, key))
        out.sum = _add(a.sum, b.sum)
        out.min = _pick(min, a.min, b.min)
        out.max = _pick(max, a.max, b.max)
        out.len_min = _pick(min, a.len_min, b.len_min)
        out.len_max = _pick(max, a.len_max, b.len_max)
        if a.finite and b.finite and a.mean is not None and b.mean is not None:
            n = a.finite + b.finite
            delta = b.mean - a.mean
            out.mean = a.mean + delta * b.finite / n
            out.m2 = (a.m2 or 0.0) + (b.m2 or 0.0) + delta * delta * a.finite * b.finite / n
        else:
            out.mean, out.m2 = (a.mean, a.m2) if a.finite else (b.mean, b.m2)
        if a.hashes is not None and b.hashes is not None:
            out.hashes = np.union1d(a.hashes, b.hashes)
            if out.hashes.size > HASH_SET_MAX:
                out.hll, out.hashes = registers_of(out.hashes), None
        else:
            ra, rb = a.registers(), b.registers()
            out.hll = np.maximum(ra, rb) if ra is not None and rb is not None else None
        if a.values is not None and b.values is not None:
            _merge_values(out, a, b)
        if a.sketch is not None and b.sketch is not None:
            out.sketch = a.sketch.merge(b.sketch)
        else:
            out.sketch = a.sketch or b.sketch
        out.samples = (a.samples + [s for s in b.samples if s not in a.samples])[:5]
        return out

    # --- serialisation ---

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (hashes and registers as base64)."""
        doc: dict[str, Any] = {
            k: getattr(self, k)
            for k in (
                "name",
                "dtype",
                "kind",
                *_SUMS,
                *_SUMS2,
                "mean",
                "m2",
                "sum",
                "min",
                "max",
                "len_min",
                "len_max",
                "cutoff",
                "samples",
            )
        }
        doc["hashes"] = _b64(self.hashes.astype("<u8")) if self.hashes is not None else None
        doc["hll"] = _b64(self.hll.astype(np.uint8)) if self.hll is not None else None
        doc["values"] = (
            [[v, n] for v, n in self.values.items()] if self.values is not None else None
        )
        doc["short"] = [[v, n] for v, n in self.short.items()]
        doc["sketch"] = self.sketch.to_dict() if self.sketch is not None else None
        clean: dict[str, Any] = _finite_json(doc)
        return clean

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ColumnState:
        """Rebuild from :meth:`to_dict` output."""
        out = cls(name=doc["name"], dtype=doc["dtype"], kind=doc["kind"])
        for key in (*_SUMS, *_SUMS2, "cutoff"):
            setattr(out, key, int(doc.get(key) or 0))
        for key in ("mean", "m2", "sum", "min", "max", "len_min", "len_max"):
            setattr(out, key, doc.get(key))
        out.samples = list(doc.get("samples") or [])
        if doc.get("hashes") is not None:
            out.hashes = np.frombuffer(base64.b64decode(doc["hashes"]), dtype="<u8").astype(
                np.uint64
            )
        if doc.get("hll") is not None:
            out.hll = np.frombuffer(base64.b64decode(doc["hll"]), dtype=np.uint8).copy()
        if doc.get("values") is not None:
            out.values = {_key(v): int(n) for v, n in doc["values"]}
        out.short = {_key(v): int(n) for v, n in doc.get("short") or []}
        if doc.get("sketch") is not None:
            out.sketch = KLL.from_dict(doc["sketch"])
        return out


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _merge_values(out: ColumnState, a: ColumnState, b: ColumnState) -> None:
    """Add the top counts; a value one side left out may have up to that side's cutoff there."""
    assert a.values is not None
    assert b.values is not None
    counts: dict[Any, int] = {}
    short: dict[Any, int] = {}
    for v in a.values.keys() | b.values.keys():
        counts[v] = a.values.get(v, 0) + b.values.get(v, 0)
        gap = (a.short.get(v, 0) if v in a.values else a.cutoff) + (
            b.short.get(v, 0) if v in b.values else b.cutoff
        )
        if gap:
            short[v] = gap
    cutoff = a.cutoff + b.cutoff
    if len(counts) > VALUE_COUNTS_MAX:
        ranked = sorted(counts, key=lambda v: -counts[v])
        for v in ranked[VALUE_COUNTS_MAX:]:
            cutoff = max(cutoff, counts.pop(v) + short.pop(v, 0))
    out.values, out.short, out.cutoff = counts, short, cutoff


def _add(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return a if b is None else b
    return a + b


def _pick(fn: Any, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return a if b is None else b
    return fn(a, b)


def _finite_json(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_json(v) for v in value]
    return value


@dataclass
class TableState:
    """The mergeable state of a table: rows and a :class:`ColumnState` per column."""

    source: str
    format: str
    rows: int
    columns: list[ColumnState]
    #: partitions merged into this state
    partitions: int = 1
    #: duplicate rows of a single partition (None once partitions are merged)
    duplicate_rows: int | None = None
    file_bytes: int | None = None
    hash_id: str = field(default_factory=hash_id)
    #: the Polars schema (kept as an empty Arrow IPC frame in the JSON)
    schema: pl.Schema = field(default_factory=pl.Schema)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        buf = io.BytesIO()
        pl.DataFrame(schema=self.schema).write_ipc(buf)
        return {
            "state_version": STATE_VERSION,
            "hash_id": self.hash_id,
            "source": self.source,
            "format": self.format,
            "rows": self.rows,
            "partitions": self.partitions,
            "duplicate_rows": self.duplicate_rows,
            "file_bytes": self.file_bytes,
            "schema": base64.b64encode(buf.getvalue()).decode("ascii"),
            "columns": [c.to_dict() for c in self.columns],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str = "<state>") -> TableState:
        """Rebuild from :meth:`to_dict` output."""
        version = str(doc.get("state_version", ""))
        if version.split(".")[0] != STATE_VERSION.split(".")[0]:
            raise InputError(
                f"{source}: profile state version {version or '(none)'!r} is not supported "
                f"(expected {STATE_VERSION}); delete it and profile again",
                source=source,
            )
        try:
            return cls(
                source=doc["source"],
                format=doc["format"],
                rows=int(doc["rows"]),
                columns=[ColumnState.from_dict(c) for c in doc["columns"]],
                partitions=int(doc.get("partitions") or 1),
                duplicate_rows=doc.get("duplicate_rows"),
                file_bytes=doc.get("file_bytes"),
                hash_id=str(doc.get("hash_id", "")),
                schema=pl.read_ipc(io.BytesIO(base64.b64decode(doc["schema"]))).schema,
            )
        except (KeyError, TypeError, ValueError, pl.exceptions.PolarsError) as exc:
            raise InputError(
                f"{source}: not a datagates profile state ({type(exc).__name__}: {exc})",
                source=source,
            ) from exc


def _merge_two(a: TableState, b: TableState) -> TableState:
    if a.hash_id != b.hash_id:
        raise InputError(
            f"cannot merge the states of {a.source} and {b.source}: they were hashed with "
            f"{a.hash_id} and {b.hash_id}; profile them again with one version",
            source=b.source,
        )
    names_a, names_b = [c.name for c in a.columns], [c.name for c in b.columns]
    if names_a != names_b:
        extra = sorted(set(names_a) ^ set(names_b))
        raise InputError(
            f"cannot merge {a.source} and {b.source}: their columns differ"
            + (f" ({', '.join(extra)})" if extra else " in order")
            + "; merge partitions of one schema",
            source=b.source,
        )
    for ca, cb in zip(a.columns, b.columns, strict=True):
        if ca.dtype != cb.dtype:
            raise InputError(
                f"cannot merge {a.source} and {b.source}: column {ca.name!r} is {ca.dtype} in "
                f"one and {cb.dtype} in the other; cast it to one type",
                source=b.source,
            )
    return TableState(
        source=a.source,
        format=a.format if a.format == b.format else "mixed",
        rows=a.rows + b.rows,
        columns=[ca.merge(cb) for ca, cb in zip(a.columns, b.columns, strict=True)],
        partitions=a.partitions + b.partitions,
        duplicate_rows=None,
        file_bytes=_add(a.file_bytes, b.file_bytes),  # type: ignore[arg-type]
        hash_id=a.hash_id,
        schema=a.schema,
    )


def merge_states(states: Sequence[TableState], *, source: str | None = None) -> TableState:
    """Merge partition states pairwise, as a balanced tree (it keeps the sketch's error low).

    Raises:
        InputError: no states, or states of different schemas or hash versions.
    """
    if not states:
        raise InputError("no profile states to merge")
    level = list(states)
    while len(level) > 1:
        level = [
            _merge_two(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    out = level[0]
    if source is not None:
        out.source = source
    return out
