"""The DuckDB backend: plans lowered to DuckDB SQL by narwhals, run on a DuckDB relation.

A ``--sql`` query or a relation handed to ``gates.check`` is materialised ONCE into a
temporary table (:func:`materialise`); every pass (fused aggregates, uniqueness group-bys,
the sample pass, and the Polars view the reference engines read) reads that table.
"""

from __future__ import annotations

import uuid
from typing import Any

import polars as pl

from ._narwhals import NarwhalsBackend

__all__ = ["BACKEND", "DuckDBBackend", "materialise"]


class DuckDBBackend(NarwhalsBackend):
    """Narwhals plans on a ``duckdb.DuckDBPyRelation``."""

    name = "duckdb"

    def schema(self, native: Any) -> pl.Schema:
        frame: pl.DataFrame = native.limit(0).pl()
        return frame.schema


def materialise(rel: Any) -> Any:
    """``rel`` run once into a temporary table on its own connection; a relation reading it."""
    name = f"__gates_{uuid.uuid4().hex}"
    rel.query("__gates_src", f'create temp table "{name}" as select * from __gates_src')
    return rel.query("__gates_src", f'select * from "{name}"')


BACKEND = DuckDBBackend()
