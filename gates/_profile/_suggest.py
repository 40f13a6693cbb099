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


def _step(span: float, integer: bool) -> float:
    """A round step near a tenth of ``span`` (1, 2 or 5 times a power of ten)."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / 10
    power = 10.0 ** math.floor(math.log10(raw))
    step: float = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(step, 1.0) if integer else step


def _round(value: float, step: float) -> float:
    """``value`` (a multiple of ``step``) without binary noise: 0.63, not 0.6299999999."""
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    out: float = round(value, digits)
    return out


def _bounds(col: ColumnProfile, margin: float) -> tuple[float | int, float | int] | None:
    """The observed range widened by ``margin`` of the span, then out to round numbers."""
    lo, hi = col.min, col.max
    if lo is None or hi is None or col.nan_count or col.inf_count:
        return None
    tail_lo, tail_hi = (2 * gap for gap in _tails(col))
    if isinstance(lo, int) and isinstance(hi, int):  # exact integer arithmetic
        span = hi - lo
        pad = math.ceil(margin * span) if span else math.ceil(margin * max(abs(lo), 1))
        a = lo - max(pad, math.ceil(tail_lo))
        b = hi + max(pad, math.ceil(tail_hi))
        if lo >= 0 > a:
            a = 0
        step = int(_step(float(b - a), integer=True))
        a, b = (a // step) * step, -((-b) // step) * step
        if lo >= 0 > a:
            a = 0
        return min(a, lo), max(b, hi)
    lo_f, hi_f = float(lo), float(hi)
    span_f = hi_f - lo_f
    pad_f = margin * span_f if span_f else margin * max(abs(lo_f), 1.0)
    fa, fb = lo_f - max(pad_f, tail_lo), hi_f + max(pad_f, tail_hi)
    if not (math.isfinite(fa) and math.isfinite(fb) and math.isfinite(span_f)):
        return lo_f, hi_f
    if lo_f >= 0 > fa:
        fa = 0.0
    fstep = _step(fb - fa, integer=False)
    ra = float(_round(math.floor(fa / fstep) * fstep, fstep))
    rb = float(_round(math.ceil(fb / fstep) * fstep, fstep))
    if lo_f >= 0 > ra:
        ra = 0.0
    # rounding never narrows: the data must still pass
    return min(ra, lo_f), max(rb, hi_f)


def _tails(col: ColumnProfile) -> tuple[float, float]:
    """How far the extremes stand out from the 1st and 99th percentiles (0 when unknown).

    A long tail seen in one sample goes on in the next, so ``_bounds`` leaves twice this gap
    beyond each extreme: for an exponential-like tail the gap is about 2.3 scales, and the
    next same-sized batch's extreme passes this one's by more than one gap about 9% of the
    time, by more than two about 1% (the difference of two Gumbel maxima is logistic).
    """
    q = col.quantiles or {}
    p1, p99 = q.get("p1"), q.get("p99")
    lo = float(p1) - float(col.min) if p1 is not None and col.min is not None else 0.0
    hi = float(col.max) - float(p99) if p99 is not None and col.max is not None else 0.0
    ok = math.isfinite(lo) and math.isfinite(hi)
    return (max(lo, 0.0), max(hi, 0.0)) if ok else (0.0, 0.0)


#: How much longer one side of the body (median to the 1st/99th percentile) must be than the
#: other for that side to count as a long tail: 3 puts an exponential (5.8) and money-like
#: mixtures beyond it, a normal (1) and a single lognormal with sigma 0.45 (2.8) inside.
SKEW = 3.0
#: Fewer values than this and the 1st/99th percentiles are the extremes: no skew is judged.
SKEW_MIN_ROWS = 100


def _long_tails(col: ColumnProfile) -> tuple[bool, bool]:
    """Whether a side has a long tail: its extreme stands far out from its 1st/99th percentile
    (over 20% of the span), or the body is strongly skewed towards it (``SKEW``)."""
    lo, hi = col.min, col.max
    if lo is None or hi is None:
        return False, False
    span = float(hi) - float(lo)
    tail_lo, tail_hi = _tails(col)
    if not span or not math.isfinite(span):
        return False, False
    long_lo, long_hi = tail_lo > 0.2 * span, tail_hi > 0.2 * span
    q = col.quantiles or {}
    p1, p50, p99 = q.get("p1"), q.get("p50"), q.get("p99")
    if p1 is not None and p50 is not None and p99 is not None and col.count >= SKEW_MIN_ROWS:
        # a strongly skewed body (money, counts): the next batch's extreme on the long side is
        # anyone's guess even when this sample's happens to sit close to its percentile
        up, down = float(p99) - float(p50), float(p50) - float(p1)
        long_hi = long_hi or (down > 0 and up > SKEW * down)
        long_lo = long_lo or (up > 0 and down > SKEW * up)
    return long_lo, long_hi


def _codes(values: list[Any]) -> tuple[int, int] | None:
    """Integer codes that look like a range with gaps (months 1-12 with two unseen): its ends."""
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    lo, hi = min(values), max(values)
    return (lo, hi) if hi - lo + 1 <= 2 * len(values) else None


def _column_spec(
    col: ColumnProfile, dtype: pl.DataType, fmt: str | None, margin: float, rows: int
) -> CommentedMap:
    spec = CommentedMap()
    name = _dtype_name(dtype)
    if name is not None:
        spec["dtype"] = name
    if rows and col.null_count == 0 and not col.nan_count:  # NaN counts as missing in checks
        spec["nullable"] = False
        spec.yaml_add_eol_comment(f"no nulls in {rows:,} rows", "nullable")
    if (
        col.semantic == "id-like"
        and col.distinct_method == "exact"
        and col.null_count == 0
        and col.distinct == rows
        and rows > 1
    ):
        spec["unique"] = True
        spec.yaml_add_eol_comment("every value distinct: an id", "unique")
    checks = CommentedSeq()
    kind = kind_of(dtype)
    if kind in ("integer", "float", "decimal") and col.semantic not in ("boolean", "constant"):
        bounds = _bounds(col, margin)
        if bounds is not None and col.semantic != "categorical":
            long_lo, long_hi = _long_tails(col)
            seen = f"seen {col.min} … {col.max}"
            if long_hi and not long_lo:
                checks.append(
                    _item(
                        "greater_than_or_equal_to",
                        bounds[0],
                        f"{seen}; a long right tail, so no upper bound (the next batch's"
                        " largest value is anyone's guess); add one if a hard limit exists",
                    )
                )
            elif long_lo and not long_hi:
                checks.append(
                    _item(
                        "less_than_or_equal_to",
                        bounds[1],
                        f"{seen}; a long left tail, so no lower bound; add one if a hard"
                        " limit exists",
                    )
                )
            elif not (long_lo or long_hi):
                checks.append(
                    _item(
                        "in_range",
                        _flow(min_value=bounds[0], max_value=bounds[1]),
                        f"{seen}; widened by {margin:.0%} and rounded",
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
        codes = _codes(list(tv.values)) if kind == "integer" else None
        if codes is not None:
            # a closed set of codes would miss the ones this sample lacks: their range instead
            checks.append(
                _item(
                    "in_range",
                    _flow(min_value=codes[0], max_value=codes[1]),
                    f"{len(tv.values)} integer codes seen, {codes[0]} … {codes[1]}; a range,"
                    " so unseen codes in between pass",
                )
            )
        else:
            values = CommentedSeq(sorted(tv.values))
            values.fa.set_flow_style()
            checks.append(
                _item(
                    "isin",
                    values,
                    f"every value seen ({len(values)}); add valid ones this data lacks",
                )
            )
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
    if ds.files:  # a file set's size is stable; a query's or a batch's is not
        checks = CommentedSeq()
        checks.append(
            _item(
                "row_count",
                _flow(min=prof.rows // 2, max=prof.rows * 2),
                f"{prof.rows:,} rows in these files; half to double. Remove it for batches"
                " of any size (gates serve's /records)",
            )
        )
        doc["checks"] = checks
    doc.yaml_set_start_comment(
        f"Suggested by `gates suggest` from {ds.source} ({prof.rows:,} rows, {len(prof.columns)} columns).\n"
        "Review before committing: ranges are widened by "
        f"{margin:.0%} and rounded, sets list every value seen, and formats were matched by"
        " every value.\n"
        + ("" if ds.files else "No row_count: the data is not files, so its size may vary.\n")
        + "Run it with: gates check DATA --suite THIS_FILE"
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
