"""Pass 1 and the exact distinct counts over column groups decoded once into memory.

Read straight from a file, the profile decodes every column at least twice: once for pass 1's
select of every aggregate, once more for the exact value counts and HyperLogLog registers of
:func:`~gates._profile._distinct.refine_distinct` (one query per column). When the in-memory
size of the columns can be estimated (Parquet footers; the file size for other formats),
the columns are instead cut into groups of about :data:`GROUP_BYTES`; each group is decoded
once, and pass 1 and the distinct counts read that copy, which is dropped before the next
group is read. A table that fits in :data:`TABLE_BYTES` is one group, read by Polars'
in-memory engine (the wide select runs about 1.5x faster there than streaming), with the
duplicate-row hashes in the same batch (none are needed when an integer or temporal column
only rises and has no nulls: :func:`rising_key`). A column estimated above :data:`COLUMN_BYTES` is
never held: it is profiled streaming from the file, on its own.

At 10M rows of the 21-column benchmark table, pass 1 and the distinct counts take 6.2 s
instead of 12.3 s (20.6 s of CPU down to 12.0 s), peak RSS 0.74 GB; at 1M rows the whole
profile takes 0.9 s instead of 1.7 s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from ._distinct import refine_distinct
from ._stats import _values, key_candidate, kind_of, pass_one

__all__ = [
    "COLUMN_BYTES",
    "GROUP_BYTES",
    "TABLE_BYTES",
    "WIDTH",
    "Group",
    "Grouped",
    "plan_groups",
    "rising_key",
    "run_groups",
]

#: A table estimated at most this big in memory is decoded whole, once.
TABLE_BYTES = 512 << 20
#: Otherwise its columns are decoded in groups of about this many bytes.
GROUP_BYTES = 256 << 20
#: A column estimated above this is never held in memory (profiled streaming from the file).
COLUMN_BYTES = 1 << 30
#: Above this many Parquet files their footers are not read (no groups: the file path runs).
MAX_FOOTERS = 256
#: Bytes per value of the fixed-width types (8 for the other numeric and temporal ones).
WIDTH = {
    pl.Boolean: 1,
    pl.Int8: 1,
    pl.UInt8: 1,
    pl.Int16: 2,
    pl.UInt16: 2,
    pl.Int32: 4,
    pl.UInt32: 4,
    pl.Float32: 4,
    pl.Date: 4,
    pl.Decimal: 16,
}
#: A string's view in a Polars String column (its bytes beyond 12 go into a buffer as well).
_VIEW = 16


@dataclass(frozen=True)
class Group:
    """Columns profiled together: decoded into memory once (``held``) or streamed from the file."""

    names: tuple[str, ...]
    held: bool


@dataclass
class Grouped:
    """What :func:`run_groups` found: pass 1's rows and raw statistics, and the value counts."""

    rows: int
    duplicates: int | None
    raw: list[dict[str, Any]]
    counted: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: The whole table in memory, when it was one group (for the passes after pass 1).
    frame: pl.LazyFrame | None = None


def _parquet_bytes(files: Sequence[Path]) -> dict[str, int] | None:
    """Each top-level column's uncompressed size over the Parquet files' footers."""
    import pyarrow.parquet as pq

    sizes: dict[str, int] = {}
    try:
        for f in files:
            meta = pq.ParquetFile(f).metadata
            for r in range(meta.num_row_groups):
                group = meta.row_group(r)
                for c in range(group.num_columns):
                    chunk = group.column(c)
                    name = chunk.path_in_schema.split(".")[0]
                    sizes[name] = sizes.get(name, 0) + int(chunk.total_uncompressed_size)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        return None
    return sizes


def column_bytes(
    fmt: str,
    files: Sequence[Path],
    schema: Mapping[str, pl.DataType],
    rows: int,
    *,
    footers: bool = True,
) -> dict[str, int] | None:
    """Each column's estimated size in memory, or None when it cannot be told.

    Fixed-width columns: their width times the rows. Strings and other variable-width
    columns: 16 bytes of view per row plus their bytes, which Parquet's footers bound
    (the uncompressed size of their pages); other file formats bound them by the size of
    the whole file, so only the table's total is meaningful there. None for more than
    :data:`MAX_FOOTERS` Parquet files (reading them all would cost more than it saves).
    ``footers=False`` bounds a Parquet file's strings by its size as well.
    """
    if not files or (fmt == "parquet" and len(files) > MAX_FOOTERS):
        return None
    stored = _parquet_bytes(files) if fmt == "parquet" and footers else None
    if fmt == "parquet" and footers and stored is None:
        return None
    spare = sum(f.stat().st_size for f in files) if stored is None else 0
    out: dict[str, int] = {}
    for name, dtype in schema.items():
        base = dtype.base_type()
        if base in WIDTH or dtype.is_numeric() or dtype.is_temporal():
            out[name] = WIDTH.get(base, 8) * rows
        else:
            out[name] = _VIEW * rows + (stored.get(name, 0) if stored is not None else spare)
            spare = 0  # a text file's bytes are counted once, on its first such column
    return {n: b + (rows + 7) // 8 for n, b in out.items()}  # validity


def plan_groups(
    fmt: str,
    files: Sequence[Path],
    schema: Mapping[str, pl.DataType],
    rows: int,
    *,
    held_anyway: bool = False,
) -> list[Group] | None:
    """The column groups of a table, in schema order, or None to profile it from the file.

    One held group when the table fits :data:`TABLE_BYTES`; several only from Parquet, whose
    footers size each column (other formats would be parsed again for every group).
    ``held_anyway``: the caller would hold every column in memory even without a group (pass
    1 counting duplicate rows in its own select, up to 2M rows); then a Parquet table whose
    size bound by the file's size fits is held without reading the footers (which costs
    pyarrow's import, 0.05-0.08 s, a third of what holding saves at 1M rows).
    """
    if held_anyway and len(schema):
        quick = column_bytes(fmt, files, schema, rows, footers=False)
        if quick is not None and sum(quick.values()) <= TABLE_BYTES:
            return [Group(tuple(schema), held=True)]
    sizes = column_bytes(fmt, files, schema, rows) if len(schema) else None
    if sizes is None:
        return None
    if sum(sizes.values()) <= TABLE_BYTES:
        return [Group(tuple(schema), held=True)]
    if fmt != "parquet":
        return None
    groups: list[Group] = []
    names: list[str] = []
    size = 0
    for name in schema:
        if sizes[name] > COLUMN_BYTES:
            groups += [Group(tuple(names), True)] if names else []
            groups.append(Group((name,), held=False))
            names, size = [], 0
            continue
        if names and size + sizes[name] > GROUP_BYTES:
            groups.append(Group(tuple(names), True))
            names, size = [], 0
        names.append(name)
        size += sizes[name]
    if names:
        groups.append(Group(tuple(names), True))
    return groups


def run_groups(
    lf: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    groups: Sequence[Group],
    *,
    exact: bool,
    estimate_only: bool,
    duplicates: bool,
    quantile_rate: float,
    quantile_seed: int,
    guard: Callable[[Callable[[], Any]], Any],
    say: Callable[[str, float], None],
) -> Grouped:
    """Pass 1 and the distinct counts, group by group (see the module's docstring).

    ``duplicates`` counts duplicate rows in the batch of a single held group (with more than
    one group they need every column at once: ``duplicates`` is None, for the caller to
    count). In the first held group with a column that looks like a key (no nulls, about one
    value per row) that column is counted exactly, so the duplicate-row count can stop there
    when every row has its own value. ``guard`` runs each collecting step (it maps Polars'
    errors to the input's own).
    """
    whole = len(groups) == 1 and groups[0].held
    out = Grouped(rows=0, duplicates=None, raw=[])
    keyed = exact
    for n, group in enumerate(groups):
        first = len(out.raw) + 1
        span = f"columns {first}-{first + len(group.names) - 1} of {len(schema)}"
        say("pass 1: statistics" if whole else f"pass 1: {span}", 0.1 + 0.3 * n / len(groups))
        sub_schema = pl.Schema({name: schema[name] for name in group.names})
        part = lf.select(group.names)
        if group.held:
            part = guard(partial(_decoded, part)).lazy()
        # a column that only rises and has no nulls is a key: no row repeats, nothing to hash
        rising = guard(partial(rising_key, part, sub_schema)) if whole and duplicates else None
        rows, dupes, raw = guard(
            partial(
                pass_one,
                part,
                sub_schema,
                exact_distinct=exact,
                duplicates=duplicates and whole and rising is None,
                quantile_rate=quantile_rate,
                quantile_seed=quantile_seed,
                sample_distinct=True,
                engine="in-memory" if whole else "streaming",
            )
        )
        if whole:
            out.duplicates, out.frame = dupes, part
        if rising is not None:
            out.duplicates = 0
            raw[group.names.index(rising)].update(distinct=rows, distinct_method="exact")
            keyed = True
        if group.held and not keyed:
            keyed = _count_key(part, sub_schema, raw, rows, guard)
        if not exact:
            step = partial(refine_distinct, part, sub_schema, raw, estimate_only=estimate_only)
            out.counted |= guard(step)
        out.rows = rows
        out.raw += raw
    return out


def _decoded(part: pl.LazyFrame) -> pl.DataFrame:
    return part.collect(engine="streaming")


def rising_key(part: pl.LazyFrame, schema: Mapping[str, pl.DataType]) -> str | None:
    """The first integer or temporal column without nulls whose every value is above the one
    before (ids stored in order), or None.

    Such a column holds a different value on every row, so no row of the table repeats: the
    duplicate-row count is 0 without hashing a row. One select over those columns, which
    are already in memory here.
    """
    names = [n for n, t in schema.items() if kind_of(t) in ("integer", "temporal")]
    if not names:
        return None
    flags = part.select(
        [
            (
                (_values(n, kind_of(schema[n])).diff() > 0).all() & pl.col(n).is_not_null().all()
            ).alias(n)
            for n in names
        ]
    ).collect()
    return next((n for n in names if flags.get_column(n).item()), None)


def _count_key(
    part: pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    raw: list[dict[str, Any]],
    rows: int,
    guard: Callable[[Callable[[], Any]], Any],
) -> bool:
    """Count the group's likeliest key column exactly; True once one was tried.

    A column of integers or times whose every value is above the one before is counted
    without hashing: all of its values are distinct.
    """
    key = key_candidate(schema, raw, rows)
    if key is None:
        return False
    kind = kind_of(schema[key])
    value = _values(key, kind)
    # ids are often stored in order: strictly increasing values are all distinct (no hashing)
    rising = (
        kind in ("integer", "temporal")
        and guard(part.select((value.diff() > 0).all()).collect).item()
    )
    count = rows if rising else int(guard(part.select(value.n_unique()).collect).item())
    raw[list(schema).index(key)].update(distinct=count, distinct_method="exact")
    return True
