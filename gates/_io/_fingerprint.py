"""Content fingerprints of the data read: blake2b of the files (in a background thread, see
:meth:`~gates._io._dataset.Dataset.prefetch_fingerprint`), or an order-independent hash of the
rows for frames, queries and Spark DataFrames."""

from __future__ import annotations

import concurrent.futures
import hashlib
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["frame_fingerprint", "spark_fingerprint"]

_HASH_CHUNK = 8 << 20
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="gates-fingerprint")


def _hash_files(files: tuple[Path, ...]) -> str:
    outer = hashlib.blake2b(digest_size=16)
    for f in files:
        inner = hashlib.blake2b(digest_size=16)
        with f.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                inner.update(chunk)
        outer.update(inner.digest())
    return "blake2b:" + outer.hexdigest()


def frame_fingerprint(lf: pl.LazyFrame) -> str:
    """An order-independent hash of a frame's rows and schema (for in-memory and SQL data)."""
    schema = lf.collect_schema()
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(list(schema.items())).encode())
    if len(schema):
        row_hash = lf.select(
            pl.struct(pl.all()).hash(seed=7).sum().alias("h"), pl.len().alias("n")
        ).collect()
        h.update(repr(row_hash.row(0)).encode())
    return "rows:" + h.hexdigest()


def spark_fingerprint(df: Any) -> str:
    """An order-independent hash of a Spark DataFrame's rows and schema, computed in Spark."""
    from pyspark.sql import functions as F

    h = hashlib.blake2b(digest_size=16)
    h.update(repr(df.schema.simpleString()).encode())
    if df.columns:
        row = df.agg(
            F.sum(F.xxhash64(*[F.col(f"`{c}`") for c in df.columns]).cast("decimal(38,0)")),
            F.count(F.lit(1)),
        ).first()
        h.update(repr(tuple(row)).encode())
    return "rows:" + h.hexdigest()
