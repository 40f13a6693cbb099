"""``gates suggest``: a commented suite YAML drawn from a profile, that passes on the data it saw.

Rules (docs/profile.md#suggest): dtype always; ``nullable: false`` when no nulls; ``unique``
for id-like columns with exact distinct == rows; ``in_range`` with a margin for numeric
columns without NaN/inf; ``isin`` for categorical columns whose values are all known and few;
``str_matches`` when every value fits a known format; ``row_count`` bounds around the rows.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any

import polars as pl
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .._dtypes import dtype_matches
from .._io import Dataset, load
from ._errors import SuggestTargetExists
from ._model import ColumnProfile, Profile
from ._profile import profile as make_profile
from ._stats import kind_of

__all__ = ["FORMATS", "suggest", "write_suite"]

#: Formats ``str_matches`` is suggested for: name → (regex, description). First match wins.
FORMATS: dict[str, tuple[str, str]] = {
    "uuid": (
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        "a UUID",
    ),
    "email": (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address"),
    "iso_date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "an ISO date"),
    "iso_datetime": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$",
        "an ISO datetime",
    ),
    "zip": (r"^[0-9]{5}(-[0-9]{4})?$", "a zip-like code"),
}
#: ``isin`` is suggested for categorical columns with at most this many values.
ISIN_MAX = 20
_DTYPE_NAMES = (
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "string",
    "bool",
    "date",
    "datetime",
    "time",
    "duration",
    "categorical",
    "enum",
    "decimal",
    "binary",
    "list",
    "struct",
    "null",
)


def _dtype_name(dtype: pl.DataType) -> str | None:
    return next((n for n in _DTYPE_NAMES if dtype_matches(dtype, n)), None)


def _item(key: str, value: Any, comment: str) -> CommentedMap:
    item = CommentedMap({key: value})
    item.yaml_add_eol_comment(comment, key)
    return item


def _flow(**kwargs: Any) -> CommentedMap:
    m = CommentedMap(kwargs)
    m.fa.set_flow_style()
    return m


def _formats(ds: Dataset, prof: Profile) -> dict[str, str]:
    """The format each string column fully matches (one select over the data)."""
    cands = [
        c.name
        for c in prof.columns
        if c.dtype == "String" and c.count and c.semantic not in ("constant",)
    ]
    if not cands:
        return {}
    exprs = [
        pl.col(n).drop_nulls().str.contains(rx).all().alias(f"{i}\x1f{key}")
        for i, n in enumerate(cands)
        for key, (rx, _) in FORMATS.items()
    ]
    row = ds.lazy.select(exprs).collect(engine="streaming").row(0, named=True)
    found: dict[str, str] = {}
    for k, ok in row.items():
        i, key = k.split("\x1f")
        if ok and cands[int(i)] not in found:
            found[cands[int(i)]] = key
    return found


def _bounds(col: ColumnProfile, margin: float) -> tuple[float | int, float | int] | None:
    lo, hi = col.min, col.max
    if lo is None or hi is None or col.nan_count or col.inf_count:
        return None
    span = hi - lo
    pad = margin * span if span else margin * max(abs(lo), 1.0)
    a, b = lo - pad, hi + pad
    if lo >= 0 > a:
        a = 0
    if isinstance(lo, int) and isinstance(hi, int):
        return min(math.floor(a), lo), max(math.ceil(b), hi)
    a, b = float(a), float(b)
    return (min(a, lo), max(b, hi))


def _column_spec(
    col: ColumnProfile, dtype: pl.DataType, fmt: str | None, margin: float, rows: int
) -> CommentedMap:
    spec = CommentedMap()
    name = _dtype_name(dtype)
    if name is not None:
        spec["dtype"] = name
    if rows and col.null_count == 0:
        spec["nullable"] = False
    if (
        col.semantic == "id-like"
        and col.distinct_method == "exact"
        and col.null_count == 0
        and col.distinct == rows
        and rows > 1
    ):
        spec["unique"] = True
    checks = CommentedSeq()
    kind = kind_of(dtype)
    if kind in ("integer", "float", "decimal") and col.semantic not in ("boolean", "constant"):
        bounds = _bounds(col, margin)
        if bounds is not None and col.semantic != "categorical":
            checks.append(
                _item(
                    "in_range",
                    _flow(min_value=bounds[0], max_value=bounds[1]),
                    f"seen {col.min} … {col.max}, widened by {margin:.0%}",
                )
            )
    tv = col.top_values
    if (
        tv is not None
        and tv.complete
        and kind in ("string", "integer")
        and col.semantic in ("categorical", "constant")
        and 0 < len(tv.values) <= ISIN_MAX
    ):
        values = CommentedSeq(sorted(tv.values))
        values.fa.set_flow_style()
        checks.append(_item("isin", values, f"every value seen; {len(values)} distinct"))
    if fmt is not None:
        checks.append(
            _item("str_matches", FORMATS[fmt][0], f"every value looks like {FORMATS[fmt][1]}")
        )
    if checks:
        spec["checks"] = checks
    return spec


def _describe(col: ColumnProfile) -> str:
    parts = [col.semantic, f"{col.null_fraction:.1%} null"]
    if col.distinct is not None:
        parts.append(
            f"{col.distinct:,} distinct"
            + ("" if col.distinct_method == "exact" else " (estimated)")
        )
    return ", ".join(parts)


def suggest(
    data: Any,
    *,
    name: str | None = None,
    table: str | None = None,
    sql: str | None = None,
    format: str | None = None,
    margin: float = 0.1,
    profile: Profile | None = None,
) -> str:
    """A suite YAML (with comments) that the data passes, for a person to review and commit.

    Args:
        data: anything :func:`gates.load` reads, or a loaded :class:`gates.Dataset`.
        name: the suite's name (default: the data file's stem).
        table: a table in the DuckDB database ``data``.
        sql: a DuckDB query.
        format: force the file format.
        margin: ranges are widened by this share of the observed span on each side.
        profile: a profile of the same data, to skip profiling again.

    Returns:
        The suite as YAML text. Deterministic for the same data.

    Raises:
        InputError: the data cannot be read.
    """
    ds = data if isinstance(data, Dataset) else load(data, table=table, sql=sql, format=format)
    prof = profile or make_profile(ds, distinct="exact")
    schema = ds.schema
    fmts = _formats(ds, prof)
    doc = CommentedMap()
    stem = name or (Path(ds.files[0]).stem if ds.files else "suggested")
    doc["name"] = stem
    doc["severity"] = "block"
    columns = CommentedMap()
    for col in prof.columns:
        columns[col.name] = _column_spec(
            col, schema[col.name], fmts.get(col.name), margin, prof.rows
        )
        columns.yaml_set_comment_before_after_key(col.name, before=_describe(col), indent=2)
    doc["columns"] = columns
    checks = CommentedSeq()
    checks.append(
        _item(
            "row_count",
            _flow(min=prof.rows // 2, max=prof.rows * 2),
            f"{prof.rows:,} rows now; half to double",
        )
    )
    doc["checks"] = checks
    doc.yaml_set_start_comment(
        f"Suggested by `gates suggest` from {ds.source} ({prof.rows:,} rows, {len(prof.columns)} columns).\n"
        "Review before committing: ranges are widened by "
        f"{margin:.0%}, sets list every value seen, and formats were matched by every value.\n"
        "Run it with: gates check DATA --suite THIS_FILE"
    )
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


def write_suite(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write a suggested suite; refuses to overwrite unless ``force``.

    Raises:
        SuggestTargetExists: the file exists and ``force`` is false.
    """
    p = Path(path)
    if p.exists() and not force:
        raise SuggestTargetExists(
            f"{p}: the file exists; pass --force to overwrite it or choose another --out path"
        )
    from .._io._write import write_output

    return write_output(p, text, overwrite=True, what="suggested suite")
