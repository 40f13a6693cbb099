"""The suites a service serves: loaded once at startup from one folder, looked up by name only."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from gates._dtypes import SCALAR_DTYPES, parse_dtype
from gates.suite import LoadedSuite, load_suite

from ._errors import NotFound, PayloadTooLarge, ServiceConfigError, Unprocessable

__all__ = ["SUITE_NAME", "ServedSuite", "SuiteCatalog", "records_body_frame", "records_frame"]

#: What a suite name in a URL may look like; anything else is a 404 before any lookup.
SUITE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

_POLARS = SCALAR_DTYPES


@dataclass(frozen=True)
class ServedSuite:
    """A suite loaded at startup, with what ``/records`` needs to build a typed frame."""

    loaded: LoadedSuite
    #: Column → the Polars dtype the suite declares (only exact, castable dtypes).
    dtypes: Mapping[str, pl.DataType]
    checks: int

    @property
    def name(self) -> str:
        """The suite's name (its ``name:`` key, else the file stem)."""
        return self.loaded.name


def _count_checks(loaded: LoadedSuite) -> int:
    suite = loaded.suite
    n = len(suite.checks) + len(suite.expectations) + len(loaded.included_expectations)
    for spec in suite.columns.values():
        n += len(spec.checks) + (spec.dtype is not None) + (not spec.nullable) + spec.unique
    return n


def _served(loaded: LoadedSuite) -> ServedSuite:
    dtypes: dict[str, pl.DataType] = {}
    for column, spec in loaded.suite.columns.items():
        if spec.dtype is not None and parse_dtype(spec.dtype) in _POLARS:
            dtypes[column] = _POLARS[parse_dtype(spec.dtype)]
    return ServedSuite(loaded=loaded, dtypes=dtypes, checks=_count_checks(loaded))


class SuiteCatalog:
    """Every suite in one folder, by name. Request paths never reach the file system.

    Args:
        suites: the suites, keyed by name.
    """

    def __init__(self, suites: Mapping[str, ServedSuite]) -> None:
        self._suites = dict(suites)

    @classmethod
    def load(cls, folder: Path) -> SuiteCatalog:
        """Load and validate every ``*.yml``/``*.yaml`` file directly in ``folder``.

        Raises:
            ServiceConfigError: two files declare the same name, or a name is not URL-safe.
            SuiteDefinitionError: a suite is invalid (the service refuses to start).
        """
        suites: dict[str, ServedSuite] = {}
        files = sorted(
            p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml")
        )
        for path in files:
            served = _served(load_suite(path))
            if not SUITE_NAME.match(served.name):
                raise ServiceConfigError(
                    f"{path}: suite name {served.name!r} cannot be served; use letters, digits, _ . - (max 64)"
                )
            if served.name in suites:
                other = suites[served.name].loaded.path
                raise ServiceConfigError(
                    f"{path}: suite name {served.name!r} is also used by {other}; rename one"
                )
            suites[served.name] = served
        return cls(suites)

    def __iter__(self) -> Iterator[ServedSuite]:
        return iter(self._suites[name] for name in sorted(self._suites))

    def __len__(self) -> int:
        return len(self._suites)

    def get(self, name: str) -> ServedSuite:
        """The suite called ``name``.

        Raises:
            NotFound: the name is malformed or no suite has it.
        """
        served = self._suites.get(name) if SUITE_NAME.match(name) else None
        if served is None:
            shown = name if len(name) <= 80 else name[:77] + "..."
            raise NotFound(f"no suite named {shown!r}; list the suites with GET /v1/suites")
        return served


def _coerce(frame: pl.DataFrame, dtypes: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Cast columns to the suite's dtypes where that is lossless; leave the rest for the dtype check."""
    casts = []
    for column, target in dtypes.items():
        if column not in frame.columns or frame.schema[column] == target:
            continue
        source = frame.schema[column]
        expr = pl.col(column)
        if source == pl.String() and target.is_temporal():
            expr = (
                expr.str.to_date()
                if target == pl.Date()
                else (
                    expr.str.to_time()
                    if target == pl.Time()
                    else expr.str.to_datetime(time_unit="us")
                )
            )
        elif source == pl.Null():
            expr = expr.cast(target)
        elif not (source.is_numeric() and target.is_numeric()):
            continue
        try:
            frame.select(expr.cast(target, strict=True))
        except (pl.exceptions.PolarsError, ValueError):
            continue  # not castable: the dtype check will report the column
        casts.append(expr.cast(target, strict=True).alias(column))
    return frame.with_columns(casts) if casts else frame


def records_frame(records: Sequence[Any], served: ServedSuite, *, max_records: int) -> pl.DataFrame:
    """A Polars frame from JSON records, typed by the suite's declared dtypes where possible.

    Raises:
        PayloadTooLarge: more than ``max_records`` records.
        Unprocessable: a record is not an object, or the values cannot form a table.
    """
    if len(records) > max_records:
        raise PayloadTooLarge(
            f"{len(records):,} records in one batch; the limit is {max_records:,}; send smaller batches"
        )
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise Unprocessable(
                f"records[{i}] is a {type(record).__name__}; each record must be a JSON object"
            )
    if not records:
        return pl.DataFrame(
            schema={c: served.dtypes.get(c, pl.String()) for c in served.loaded.suite.columns}
        )
    try:
        frame = pl.DataFrame(records, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unprocessable(
            f"the records do not form a table: {first}; give each field one JSON type"
        ) from None
    return _coerce(frame, served.dtypes)


def _fast_frame(body: bytes) -> pl.DataFrame | None:
    """The ``records`` array decoded by Polars' JSON reader; None for any other shape or error."""
    try:
        doc = pl.read_json(io.BytesIO(body), infer_schema_length=None)
    except Exception:  # anything unusual: the slow path gives the precise message
        return None
    dtype = doc.schema.get("records")
    if doc.height != 1 or not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
        return None
    return doc.select(pl.col("records").explode()).unnest("records")


def records_body_frame(body: bytes, served: ServedSuite, *, max_records: int) -> pl.DataFrame:
    """A typed frame from a ``{"records": [...]}`` body, decoded straight into Polars.

    No Python object is built per record: Polars' JSON reader parses the body into a list of
    structs, which is exploded and unnested. Bodies of another shape take the slow path
    (``json.loads`` + :func:`records_frame`) so their errors name the problem exactly.

    Raises:
        PayloadTooLarge: more than ``max_records`` records.
        Unprocessable: not JSON, not ``{"records": [...]}``, or the values cannot form a table.
    """
    frame = _fast_frame(body)
    if frame is None:
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Unprocessable(
                f'the body is not JSON ({exc}); send {{"records": [{{...}}, ...]}}'
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
            raise Unprocessable('the body must be a JSON object {"records": [{...}, ...]}')
        return records_frame(doc["records"], served, max_records=max_records)
    if frame.height > max_records:
        raise PayloadTooLarge(
            f"{frame.height:,} records in one batch; the limit is {max_records:,}; send smaller batches"
        )
    if frame.height == 0 or frame.width == 0:
        return records_frame([], served, max_records=max_records) if frame.height == 0 else frame
    return _coerce(frame, served.dtypes)
