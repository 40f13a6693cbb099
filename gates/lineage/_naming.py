"""The OpenLineage name of the data a run checks (the dataset naming spec: namespace + name).

| data | namespace | name |
|---|---|---|
| a local file, folder or glob | ``file`` | the absolute path (the glob as written, made absolute) |
| ``s3://b/k``, ``gs://b/k``, ``abfss://…``, ``hdfs://h/p`` | ``s3://b`` (the scheme and authority) | ``k`` (the path) |
| a DuckDB table | ``duckdb://`` + the absolute database path | the table |
| a DuckDB query (``--sql``) | ``duckdb://`` + the database, or ``duckdb://:memory:`` | the query, whitespace collapsed |
| frames, uploads, records | the job namespace | the source label (``upload:orders.csv``, ``<polars.DataFrame>``) |
"""

from __future__ import annotations

import os
import re
from typing import Any, NamedTuple
from urllib.parse import urlsplit

__all__ = ["DatasetName", "dataset_name"]

_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class DatasetName(NamedTuple):
    """An OpenLineage dataset identity."""

    namespace: str
    name: str


def _path(text: str) -> DatasetName:
    if _REMOTE.match(text):
        parts = urlsplit(text)
        scheme = {"s3a": "s3", "s3n": "s3"}.get(parts.scheme.lower(), parts.scheme.lower())
        return DatasetName(f"{scheme}://{parts.netloc}", parts.path.lstrip("/") or "/")
    return DatasetName("file", os.path.abspath(os.path.expanduser(text)))


def _duckdb(database: str | None) -> str:
    if database is None or database.strip().lower() == ":memory:":
        return "duckdb://:memory:"
    return "duckdb://" + os.path.abspath(os.path.expanduser(database))


def dataset_name(
    data: Any, *, table: str | None, sql: str | None, namespace: str, spec: Any = None
) -> DatasetName:
    """The identity of ``data`` as ``gates.check`` was given it.

    Args:
        data: what ``check`` got: a path or glob, a DuckDB database, a loaded ``Dataset``, a
            frame, or ``None`` for the suite's ``data:`` section (``spec``, resolved).
        table: ``--table``.
        sql: ``--sql``.
        namespace: the job namespace (used for data that has no place of its own).
        spec: ``(path, table, sql)`` from the suite's ``data:`` when ``data`` is ``None``.
    """
    from .._io import Dataset

    if data is None and table is None and sql is None and spec is not None:
        data, table, sql = spec
    if isinstance(data, Dataset):
        files = data.files
        if len(files) == 1:
            return DatasetName("file", str(files[0].resolve()))
        if files and not data.source.startswith(("upload:", "records:")):
            return _path(data.source)
        return DatasetName(namespace, data.source)
    if sql is not None:
        return DatasetName(_duckdb(None if data is None else str(data)), " ".join(sql.split()))
    if table is not None:
        return DatasetName(_duckdb(str(data)), table)
    if isinstance(data, (str, os.PathLike)):
        return _path(os.fspath(data))
    return DatasetName(namespace, f"<{type(data).__module__.split('.')[0]}.{type(data).__name__}>")
