"""The DuckDB backend: plans lowered to DuckDB SQL by narwhals, run on a DuckDB relation.

A ``--sql`` query or a relation handed to ``gates.check`` is materialised ONCE into a
temporary table (:func:`materialise`); every pass (fused aggregates, uniqueness group-bys,
the sample pass, and the Polars view the reference engines read) reads that table.
"""

from __future__ import annotations

import uuid
from typing import Any

import polars as pl

from .._errors import InputError
from ._narwhals import NarwhalsBackend

__all__ = ["BACKEND", "DuckDBBackend", "materialise"]


class DuckDBBackend(NarwhalsBackend):
    """Narwhals plans on a ``duckdb.DuckDBPyRelation``."""

    name = "duckdb"

    def schema(self, native: Any) -> pl.Schema:
        frame: pl.DataFrame = native.limit(0).pl()
        return frame.schema


def materialise(rel: Any) -> Any:
    """``rel`` run once into a temporary table on its own connection; a relation reading it.

    Raises:
        InputError: the relation's connection still holds a result that ``execute()``
            started and nothing fetched to its end (DuckDB 2.x refuses other work on it).
    """
    import duckdb

    name = f"__gates_{uuid.uuid4().hex}"
    try:
        rel.query("__gates_src", f'create temp table "{name}" as select * from __gates_src')
    except duckdb.ResourceInUseException as exc:
        raise InputError(
            "the DuckDB relation's connection has an unfinished result from execute(): "
            "fetch it to the end (fetchall()) or call complete() on it before gates reads "
            "the relation, or build the relation on its own connection (duckdb.connect())",
            source="<DuckDBPyRelation>",
        ) from exc
    return rel.query("__gates_src", f'select * from "{name}"')


BACKEND = DuckDBBackend()
