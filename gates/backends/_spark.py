"""The Spark backend: plans lowered by narwhals to ``pyspark.sql`` Columns, classic or Connect.

Nothing here needs an RDD or a ``SparkContext``, so the same code runs on a local session, a
standalone or YARN cluster, and Spark Connect. :func:`session` builds the session from a
master URL, ``GATES_SPARK_MASTER`` or Spark's own ``SPARK_REMOTE``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import polars as pl

from ._narwhals import NarwhalsBackend

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from .._result import CheckResult
    from ..engines._base import RunContext

__all__ = ["BACKEND", "SparkBackend", "not_translated", "read", "session"]

_NOT_TRANSLATED = "could not run on spark: not translated, use --engine polars"

#: Spark reads these formats by name; the suffix picks one.
_FORMATS = {"parquet": "parquet", "csv": "csv", "tsv": "csv", "json": "json", "ndjson": "json"}


class SparkBackend(NarwhalsBackend):
    """Narwhals plans on a ``pyspark.sql.DataFrame`` (classic or Connect)."""

    name = "spark"

    def schema(self, native: Any) -> pl.Schema:
        frame = pl.from_arrow(native.limit(0).toArrow())
        assert isinstance(frame, pl.DataFrame)
        return frame.schema


def session(master: str | None = None) -> SparkSession:
    """A Spark session for ``master``: ``local[N]``, ``spark://HOST:PORT`` or ``sc://HOST:PORT``.

    Args:
        master: the master URL; default ``GATES_SPARK_MASTER``, else ``SPARK_REMOTE`` (a Spark
            Connect server, as Spark itself reads it), else ``local[2]``. An ``sc://`` URL
            builds a Spark Connect session.

    Returns:
        The active session with that master, or a new one.

    Raises:
        ImportError: PySpark is not installed (``pip install 'datagates[spark]'``).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - the extra is part of the dev install
        raise ImportError(
            "the Spark backend needs PySpark: pip install 'datagates[spark]'"
        ) from exc
    url = master or os.environ.get("GATES_SPARK_MASTER") or os.environ.get("SPARK_REMOTE")
    url = url or "local[2]"
    builder: Any = SparkSession.builder
    if url.startswith("sc://"):
        return builder.remote(url).getOrCreate()  # type: ignore[no-any-return]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        builder.master(url)
        .appName("datagates")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    return spark  # type: ignore[no-any-return]


def read(
    spark: Any, source: str | list[str], *, format: str | None = None, table: str | None = None
) -> Any:
    """A Spark DataFrame for a file, glob or folder (Parquet, CSV, JSON), or a catalog table."""
    if table is not None:
        return spark.table(table)
    first = source if isinstance(source, str) else source[0]
    suffix = first.rstrip("/").rsplit(".", 1)[-1].lower() if "." in first else "parquet"
    fmt = _FORMATS.get((format or suffix).lower(), "parquet")
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", "true").option("inferSchema", "true")
        if (format or suffix) == "tsv":
            reader = reader.option("sep", "\t")
    return reader.load(source)


def not_translated(ctx: RunContext) -> list[CheckResult]:
    """A failed result for every check the Spark backend did not run (never silently dropped)."""
    from ..engines._base import unrunnable
    from ..engines._gx import expectation_ids, gx_items
    from ..engines._pandera import column_check_id

    suite = ctx.suite.suite
    left: list[tuple[str, str, str | None, Any]] = []  # (id, name, column, spec)
    for column, spec in suite.columns.items():
        if column not in ctx.dataset.columns:
            continue  # the schema engine reported it
        for name, on in (("not_nullable", not spec.nullable), ("unique", spec.unique)):
            if on and ("column", column, name) not in ctx.handled:
                left.append((f"{column}::{name}", name, column, None))
        for i, check in enumerate(spec.checks):
            if ("column", column, str(i)) not in ctx.handled:
                left.append((column_check_id(column, spec, check, i), check.check, column, check))
    items = gx_items(ctx)
    for (key, espec, _), cid in zip(items, expectation_ids([s for _, s, _ in items]), strict=True):
        if key not in ctx.handled:
            left.append((cid, espec.type, espec.column, espec))
    seen: dict[str, int] = {}
    for i, tspec in enumerate(suite.checks):
        n = seen[tspec.check] = seen.get(tspec.check, 0) + 1
        if ("table", str(i)) not in ctx.handled:
            cid = f"table::{tspec.check}" + (f"#{n}" if n > 1 else "")
            left.append((cid, tspec.check, None, tspec))
    for section in ("drift", "labels", "coverage"):
        if getattr(suite, section, None):
            left.append((f"{section}::spark", section, None, None))
    return [
        unrunnable(
            id=cid,
            name=name,
            engine="spark",
            column=column,
            severity=suite.severity_of(spec) if spec is not None else suite.severity,
            error=_NOT_TRANSLATED,
        )
        for cid, name, column, spec in left
    ]


BACKEND = SparkBackend()
