"""DuckDB sources: a table of a database file, or a query (``load(db, table=...)``/``sql=``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from .._errors import DataSourceNotFound, InputError
from ._dataset import Dataset

__all__ = ["MEMORY", "duckdb_config", "load_duckdb"]


#: ``:memory:`` (any case) names DuckDB's in-memory database, as in ``duckdb.connect``.
MEMORY = ":memory:"
_RESERVED_CATALOGS = {"memory", "system", "temp", "main"}


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB settings from the environment: ``GATES_DUCKDB_MEMORY_LIMIT`` (e.g. ``1GB``) caps
    the memory DuckDB's operators hold (a larger group-by or a stored query spills to
    ``GATES_DUCKDB_TEMP_DIRECTORY``, default DuckDB's ``.tmp`` beside the working folder);
    unset, DuckDB's own defaults (80% of RAM) apply. docs/backends.md, "Memory"."""
    import os

    config: dict[str, str | bool | int | float | list[str]] = {}
    for env, key in (
        ("GATES_DUCKDB_MEMORY_LIMIT", "memory_limit"),
        ("GATES_DUCKDB_TEMP_DIRECTORY", "temp_directory"),
    ):
        value = os.environ.get(env, "").strip()
        if value:
            config[key] = value
    return config


def _connect(database: str | None) -> tuple[Any, str | None]:
    """An in-memory DuckDB connection with ``database`` attached read-only and in use.

    The file is attached rather than connected to, so that the in-memory catalog is writable
    (a ``--sql`` result is stored there once) and every cursor of the connection sees both:
    each Polars scan reads through a cursor of its own, so passes that run at once (the
    profile's ``collect_all``, a fingerprint beside the checks) never share one connection.
    Returns the connection and the attached catalog's name (None for in-memory data).
    """
    import duckdb

    con = duckdb.connect(MEMORY, config=duckdb_config())
    if database is None:
        return con, None
    catalog = Path(database).stem
    if not catalog or catalog.lower() in _RESERVED_CATALOGS:
        catalog = "__gates_db"
    quoted = '"' + catalog.replace('"', '""') + '"'
    try:
        con.execute(f"ATTACH '{database.replace(chr(39), chr(39) * 2)}' AS {quoted} (READ_ONLY)")
        con.execute(f"USE {quoted}")
    except duckdb.Error as exc:
        con.close()
        raise InputError(
            f"{database}: not a DuckDB database ({str(exc).strip().splitlines()[0]})",
            source=database,
        ) from exc
    return con, quoted


def _cursor_scan(con: Any, catalog: str | None, query: str, schema: pl.Schema) -> pl.LazyFrame:
    """A LazyFrame whose every scan runs ``query`` on a fresh cursor of ``con``.

    Projection and row limits go to DuckDB; the predicate is applied to each batch.
    """
    from polars.io.plugins import register_io_source

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        cur = con.cursor()
        try:
            if catalog is not None:
                cur.execute(f"USE {catalog}")
            rel = cur.sql(query)
            if with_columns is not None:
                rel = rel.project(", ".join('"' + c.replace('"', '""') + '"' for c in with_columns))
            if n_rows is not None and predicate is None:
                rel = rel.limit(n_rows)
            reader = rel.to_arrow_reader(batch_size or 122_880)
            left = n_rows
            try:
                for batch in iter(reader.read_next_batch, None):
                    frame = pl.from_arrow(batch)
                    assert isinstance(frame, pl.DataFrame)
                    if predicate is not None:
                        frame = frame.filter(predicate)
                    if left is not None:
                        frame = frame.head(left)
                        left -= frame.height
                    yield frame
                    if left is not None and left <= 0:
                        break
            finally:
                reader.close()
        finally:
            cur.close()

    return register_io_source(source, schema=schema, explain_name="duckdb")


def load_duckdb(database: str | None, *, table: str | None, sql: str | None) -> Dataset:
    """A Dataset over a DuckDB table or query, read through cursors of one connection.

    Raises:
        DataSourceNotFound: no such database file, or no such table in it.
        InputError: not a DuckDB database, a table of the in-memory database, or a query
            that fails.
    """
    import duckdb

    if database is not None and database.strip().lower() == MEMORY:
        database = None
    if database is not None and not Path(database).exists():
        raise DataSourceNotFound(
            f"{database}: no such DuckDB database; check the path", source=database
        )
    if database is None and table is not None:
        raise InputError(
            f"--table {table}: an in-memory database has no tables; name a database file,"
            " or read the data with --sql",
            source=MEMORY,
        )
    con, catalog = _connect(database)
    if table is not None:
        names = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables"
                " where table_catalog = current_database()"
            ).fetchall()
        }
        if table not in names:
            from ..suite._catalog import did_you_mean

            raise DataSourceNotFound(
                f"{database}: no table {table!r}{did_you_mean(table, names)}; tables: {', '.join(sorted(names)) or 'none'}",
                source=database,
            )
        query = 'select * from "' + table.replace('"', '""') + '"'
        label = f"{database}:{table}"
    else:
        query = str(sql)
        label = f"sql: {query}" if database is None else f"{database}: {query}"
    try:
        if table is None:
            # the query runs once, into a table of the in-memory catalog that every pass
            # (and every cursor) reads
            name = f"__gates_{uuid.uuid4().hex}"
            con.execute(f'create table memory.main."{name}" as {query}')
            query = f'select * from memory.main."{name}"'
        rel = con.sql(query)
        schema: pl.Schema = rel.limit(0).pl().schema
    except duckdb.Error as exc:
        msg = str(exc).strip().splitlines()[0]
        raise InputError(
            f"query failed: {msg}; check the SQL (DuckDB dialect)", source=label
        ) from exc
    ds = Dataset(
        source=label,
        format="duckdb" if table else "sql",
        lazy=_cursor_scan(con, catalog, query, schema),
        backend="duckdb",
        native=rel,
        _schema=schema,
    )
    ds._con = con
    return ds
