"""Sources → a Dataset: a lazy Polars frame, a content fingerprint, and a cheap row count."""

from __future__ import annotations

import concurrent.futures
import glob as globlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .._errors import DataSourceNotFound, InputError
from ._csv import csv_header, diagnose_text_file
from ._fingerprint import _POOL, _hash_files, frame_fingerprint, spark_fingerprint
from ._pandas import from_pandas

__all__ = ["FORMATS", "Dataset", "load"]

#: File suffix → format name.
#: Formats whose files are parsed as they are read (a bad byte or row fails the read).
TEXT_FORMATS = frozenset({"csv", "tsv", "json", "ndjson"})
FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".arrow": "arrow",
    ".ipc": "arrow",
    ".feather": "arrow",
    ".duckdb": "duckdb",
    ".ddb": "duckdb",
    ".db": "duckdb",
}
_GLOB_CHARS = set("*?[")


@dataclass
class Dataset:
    """Data ready to be checked: lazy, fingerprinted, with its row count when cheap.

    Build one with :func:`load`. ``lazy`` is a Polars LazyFrame; nothing is read until an
    engine collects it.
    """

    #: How the user named the data (a path, a glob, ``db.duckdb:table``, a query).
    source: str
    #: parquet, csv, tsv, json, ndjson, arrow, duckdb, sql or frame.
    format: str
    lazy: pl.LazyFrame
    #: The files read, in order (empty for in-memory data and queries).
    files: tuple[Path, ...] = ()
    _fingerprint: concurrent.futures.Future[str] | None = field(default=None, repr=False)
    _rows: int | None = field(default=None, repr=False)
    _columns: tuple[str, ...] | None = field(default=None, repr=False)
    #: The backend that runs the fused pass: ``polars``, ``duckdb`` or ``spark``.
    backend: str = "polars"
    #: The backend's own data (a DuckDB relation, a PySpark DataFrame); None on Polars.
    native: Any = field(default=None, repr=False)
    _schema: pl.Schema | None = field(default=None, repr=False)
    #: The DuckDB connection the data is read through: it lives as long as the data.
    _con: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.backend == "spark" and self._fingerprint is None:
            native = self.native
            self._task = lambda: spark_fingerprint(native)
            return
        if self._fingerprint is None:
            files, lf = self.files, self.lazy
            task: Callable[[], str] = (
                (lambda: _hash_files(files)) if files else (lambda: frame_fingerprint(lf))
            )
            self._task = task

    def prefetch_fingerprint(self) -> None:
        """Start hashing the files in the background, for :attr:`fingerprint` to read later.

        The check runner calls it first, so the hash runs beside the checks (hashlib
        releases the GIL on large buffers). It is not started for every dataset: a command
        that never reads the fingerprint (``gates profile``) would give a core to a hash it
        throws away and wait for it at exit. In-memory data and queries are hashed when
        :attr:`fingerprint` is first read.
        """
        if self._fingerprint is None and self.files and self.backend != "spark":
            self._fingerprint = _POOL.submit(self._task)

    @property
    def fingerprint(self) -> str:
        """A content hash of the data read (blake2b of the files, or of the rows)."""
        if self._fingerprint is None:
            self._fingerprint = _POOL.submit(self._task)
        try:
            return self._fingerprint.result()
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise self.input_error(exc) from exc

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names, from the schema (no data is read for files with a schema)."""
        if self._columns is None:
            try:
                self._columns = tuple(self.lazy.collect_schema().names())
            except pl.exceptions.PolarsError as exc:
                raise self.input_error(exc) from exc
        return self._columns

    @property
    def schema(self) -> pl.Schema:
        """The Polars schema."""
        if self._schema is not None:
            return self._schema
        try:
            return self.lazy.collect_schema()
        except pl.exceptions.PolarsError as exc:
            raise self.input_error(exc) from exc

    @property
    def rows(self) -> int:
        """Number of rows (Parquet: from metadata; text formats: one counting pass)."""
        if self._rows is None:
            try:
                if self.format in ("csv", "tsv"):
                    # parse every field: a bare count skips the parser's ragged-line check, and
                    # projection pushdown would let a malformed row through unnoticed
                    self._rows = int(
                        self.lazy.select(pl.len(), pl.all().null_count()).collect().row(0)[0]
                    )
                else:
                    self._rows = int(self.lazy.select(pl.len()).collect().item())
            except pl.exceptions.PolarsError as exc:
                raise self.input_error(exc) from exc
        return self._rows

    @property
    def is_text(self) -> bool:
        """True for CSV/TSV/JSON/NDJSON files: parsed while read, so a read can fail half-way."""
        return self.format in TEXT_FORMATS

    def take_identity(self, before: Dataset) -> Dataset:
        """This view of ``before``'s data with ``before``'s format, files, row count and
        fingerprint: they describe the data as read (and are not computed again)."""
        self.format, self.files, self._rows = before.format, before.files, before._rows
        self._fingerprint = before._fingerprint
        if hasattr(before, "_task"):
            self._task = before._task
        if before._con is not None:
            self._con = before._con
        return self

    def known_rows(self) -> int | None:
        """The row count if it has been computed already, else None."""
        return self._rows

    def set_rows(self, rows: int) -> None:
        """Record a row count an engine computed anyway (saves a pass)."""
        self._rows = rows

    def input_error(self, exc: BaseException) -> InputError:
        """Turn a reader's exception into a one-line :class:`InputError` naming the file and line."""
        for f in self.files:
            if self.format in TEXT_FORMATS:
                found = diagnose_text_file(f, separator="\t" if self.format == "tsv" else ",")
                if found:
                    return InputError(found, source=str(f))
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        late = _LATE_VALUE.search(first)
        if late and self.format in ("csv", "tsv"):
            value, dtype, column = late.groups()
            return InputError(
                f"{self.source}: column {column!r} holds {value!r}, not a {dtype} like its first"
                f" {_INFER_ROWS:,} rows (a column's type is inferred from them); fix or blank"
                " the value",
                source=self.source,
            )
        return InputError(
            f"{self.source}: could not read the {self.format} data: {first}", source=self.source
        )

    def duckdb_source(self) -> str:
        """A DuckDB table expression reading the same data (for SQL checks)."""
        files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self.files)
        reader = {
            "parquet": "read_parquet",
            "csv": "read_csv",
            "tsv": "read_csv",
            "json": "read_json_auto",
            "ndjson": "read_json_auto",
        }.get(self.format)
        if reader and self.files:
            return f"{reader}([{files}])"
        return ""


#: Rows of a text file whose values decide each column's type. ISO dates (``2024-05-01``) and
#: datetimes (``2024-05-01T10:00:00``, ``…Z``, ``…+02:00``) become Date / Datetime columns.
_INFER_ROWS = 10_000
#: Polars' error for a value past the inferred rows that does not fit the column's type.
_LATE_VALUE = re.compile(r"could not parse `(.*?)` as dtype `(.+?)` at column '(.+?)'")


def _scan(fmt: str, files: list[Path], *, separator: str | None) -> pl.LazyFrame:
    names = [str(f) for f in files]
    if fmt == "parquet":
        return pl.scan_parquet(names)
    if fmt in ("csv", "tsv"):
        sep = separator or ("\t" if fmt == "tsv" else ",")
        # the header as RFC 4180 reads it: refuses UTF-16 and repeated names, unquotes "a ""b"""
        heads = {n: csv_header(Path(n), separator=sep) for n in names}
        return (
            pl.concat(
                [
                    pl.scan_csv(
                        n,
                        separator=sep,
                        infer_schema_length=_INFER_ROWS,
                        new_columns=heads[n],
                        try_parse_dates=True,
                    )
                    for n in names
                ],
                how="vertical_relaxed",
            )
            if len(names) > 1
            else pl.scan_csv(
                names[0],
                separator=sep,
                infer_schema_length=_INFER_ROWS,
                new_columns=heads[names[0]],
                try_parse_dates=True,
            )
        )
    if fmt == "ndjson":
        return pl.scan_ndjson(names, infer_schema_length=10_000)
    if fmt == "json":
        # a JSON array document: polars reads it eagerly; NDJSON is scanned lazily
        frames = []
        for n in names:
            with open(n, "rb") as fh:
                head = fh.read(64).lstrip()
            frames.append(pl.read_json(n).lazy() if head.startswith(b"[") else pl.scan_ndjson(n))
        return pl.concat(frames, how="vertical_relaxed")
    if fmt == "arrow":
        return pl.scan_ipc(names)
    raise InputError(f"unsupported format {fmt!r}")


def _resolve_files(source: str) -> list[Path]:
    if _GLOB_CHARS & set(source):
        matches = sorted(Path(p) for p in globlib.glob(os.path.expanduser(source), recursive=True))
        files = [m for m in matches if m.is_file()]
        if not files:
            raise DataSourceNotFound(
                f"{source}: the glob matches no files; check the pattern and the folder",
                source=source,
            )
        return files
    path = Path(source).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
        if not files:
            raise DataSourceNotFound(
                f"{source}: the folder holds no data files ({', '.join(sorted(set(FORMATS)))})",
                source=source,
            )
        return files
    if not path.exists():
        raise DataSourceNotFound(
            f"{source}: no such file; check the path (relative to {Path.cwd()})", source=source
        )
    return [path]


def _format_of(files: list[Path], source: str, fmt: str | None) -> str:
    if fmt:
        return {"jsonl": "ndjson", "ipc": "arrow", "feather": "arrow"}.get(fmt, fmt)
    kinds = {FORMATS.get(f.suffix.lower()) for f in files}
    if None in kinds:
        odd = next(f for f in files if f.suffix.lower() not in FORMATS)
        raise InputError(
            f"{odd}: unknown file type {odd.suffix or '(no suffix)'!r}; name the format with --format "
            "(parquet, csv, tsv, json, ndjson, arrow, duckdb)",
            source=source,
        )
    if len(kinds) > 1:
        raise InputError(
            f"{source}: mixes file types ({', '.join(sorted(str(k) for k in kinds))}); check one type at a time",
            source=source,
        )
    return str(kinds.pop())


def load(
    source: str | os.PathLike[str] | pl.DataFrame | pl.LazyFrame | Any,
    *,
    table: str | None = None,
    sql: str | None = None,
    format: str | None = None,
    separator: str | None = None,
) -> Dataset:
    """Open data for checking, lazily.

    Args:
        source: a file (Parquet, CSV/TSV, JSON/NDJSON, Arrow IPC), a glob or folder of such
            files, a DuckDB database file (with ``table`` or ``sql``), or an in-memory Polars
            or pandas frame. May be None with ``sql``.
        table: a table or view in the DuckDB database ``source``.
        sql: a DuckDB query; it may read files (``FROM 'data/*.parquet'``) or, with a DuckDB
            database as ``source``, its tables.
        format: force the format instead of guessing it from the suffix.
        separator: the field separator for CSV (default ``,``; ``\\t`` for TSV).

    Returns:
        A :class:`Dataset`; nothing has been read yet except file metadata.

    Raises:
        DataSourceNotFound: the file, glob, database or table does not exist.
        InputError: the data cannot be read, with the file and line when known.
    """
    if isinstance(source, pl.DataFrame):
        return Dataset(
            source="<polars.DataFrame>", format="frame", lazy=source.lazy(), _rows=source.height
        )
    if isinstance(source, pl.LazyFrame):
        return Dataset(source="<polars.LazyFrame>", format="frame", lazy=source)
    from ..backends import backend_for

    kind = None if source is None else backend_for(source)
    if kind in ("duckdb", "spark"):
        return from_native(source, str(kind), source=f"<{type(source).__name__}>")
    if source is not None and type(source).__module__.startswith("pandas"):
        frame = from_pandas(source)
        return Dataset(
            source="<pandas.DataFrame>", format="frame", lazy=frame.lazy(), _rows=frame.height
        )
    if sql is not None and table is not None:
        raise InputError(
            "--table and --sql both name the data: pass one (a query can read the table:"
            f' --sql "SELECT * FROM {table}")'
        )
    if sql is not None or table is not None:
        from ._duckdb import load_duckdb

        return load_duckdb(None if source is None else str(source), table=table, sql=sql)
    if source is None:
        raise InputError(
            "no data given: pass a file, a glob, a DuckDB database with --table, or --sql"
        )
    text = os.fspath(source)
    files = _resolve_files(text)
    fmt = _format_of(files, text, format)
    if fmt == "duckdb":
        raise InputError(
            f"{text}: a DuckDB database; name the table with --table NAME or a query with --sql",
            source=text,
        )
    empty = [f for f in files if f.stat().st_size == 0]
    if empty:
        raise InputError(
            f"{empty[0]}: the file is empty; expected data (and a header row for CSV)",
            source=str(empty[0]),
        )
    try:
        lf = _scan(fmt, files, separator=separator)
    except pl.exceptions.PolarsError as exc:
        ds = Dataset(
            source=text,
            format=fmt,
            lazy=pl.LazyFrame(),
            files=tuple(files),
            _fingerprint=concurrent.futures.Future(),
        )
        raise ds.input_error(exc) from exc
    return Dataset(source=text, format=fmt, lazy=lf, files=tuple(files))


def from_native(data: Any, backend: str, *, source: str, materialise: bool = True) -> Dataset:
    """A Dataset over a DuckDB relation or a PySpark DataFrame, read by that engine.

    A DuckDB relation is materialised once into a temporary table (every pass reads it; the
    reference engines read it through a Polars view) unless ``materialise`` is false (a scan
    of Parquet files or of an in-memory frame: cheap to read again, and a copy would hold the
    whole table in memory); a Spark frame is never collected.
    """
    from ..backends import get_backend

    if backend == "duckdb":
        from ..backends._duckdb import materialise as stored

        rel = stored(data) if materialise else data
        ds = Dataset(
            source=source, format="relation", lazy=rel.pl(lazy=True), backend="duckdb", native=rel
        )
        ds._schema = get_backend("duckdb").schema(rel)
        return ds
    schema = get_backend(backend).schema(data)
    return Dataset(
        source=source,
        format="spark",
        lazy=pl.LazyFrame(schema=schema),
        backend=backend,
        native=data,
        _schema=schema,
        _columns=tuple(schema.names()),
    )
