"""Run a suite against data: engines in order, samples filled in one pass, one verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import uuid
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from ._coerce import coerce_columns
from ._errors import InputError
from ._io import Dataset, load
from ._io._names import row_index_name, sample_key, sample_row
from ._result import CheckResult, DatasetInfo, GateResult, SuiteInfo
from ._typecheck_args import typecheck_args
from .engines import ENGINES, RunContext, get_engine
from .suite import LoadedSuite, load_suite

if TYPE_CHECKING:
    from .lineage import Lineage

__all__ = ["EngineMode", "check", "versions"]

#: ``auto``: the fused native engine on the backend for the data given (Polars for files and
#: frames, DuckDB for relations and ``--table``/``--sql``, Spark for Spark frames), pandera/GX
#: for the rest; ``polars``/``duckdb``/``spark``: that backend; ``reference``: pandera and GX
#: for everything; ``gx``/``pandera``: that library for its own part.
EngineMode = Literal["auto", "polars", "duckdb", "spark", "reference", "gx", "pandera"]

#: Engines that may run on Spark data (the others read a Polars frame).
_SPARK_ENGINES = ("schema", "native")

#: Parquet files larger than this have their sample rows looked up through DuckDB.
DUCKDB_LOOKUP_MIN_BYTES = 128 << 20

_TRACKED = ("datagates", "polars", "duckdb", "pandera", "great-expectations")


@functools.cache
def versions() -> dict[str, str]:
    """Versions of datagates and the libraries that decide a verdict (no imports needed)."""
    out = {}
    for name in _TRACKED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _enrich(
    dataset: Dataset, results: list[CheckResult], limit_columns: int = 60
) -> list[CheckResult]:
    """Fill each failing sample with the row's values, reading the data once for all checks."""
    cols = list(dataset.columns)[:limit_columns]
    keys = {sample_key(c) for c in cols}
    # a sample row that already carries every column needs no lookup
    wanted = sorted(
        {int(r["row"]) for res in results for r in res.sample if "row" in r and not keys <= set(r)}
    )
    if not wanted:
        return results
    # the row index gets a reserved name, so a user column named `row` stays itself
    index = row_index_name(dataset.columns)
    by_row = {
        (n := int(d.pop(index))): sample_row(n, d)
        for d in _rows_at(dataset, wanted, cols, index).to_dicts()
    }
    out = []
    for res in results:
        if not res.sample:
            out.append(res)
            continue
        sample = tuple(
            {**by_row.get(int(r["row"]), {}), **r} if "row" in r else r for r in res.sample
        )
        out.append(_replace(res, sample=sample))
    return out


def _rows_at(dataset: Dataset, wanted: list[int], cols: list[str], index: str) -> pl.DataFrame:
    """The rows numbered ``wanted`` (0-based), with their number in the column ``index``.

    One large Parquet file goes through DuckDB, which skips the row groups that hold none of
    the rows (10M rows: ~0.4 s and ~0.4 GB instead of a full Polars scan); the rest, and small
    files (where importing DuckDB costs more than the scan), through Polars.
    """
    big = dataset.files and dataset.files[0].stat().st_size > DUCKDB_LOOKUP_MIN_BYTES
    if dataset.format == "parquet" and len(dataset.files) == 1 and big:
        import duckdb

        path = str(dataset.files[0]).replace("'", "''")
        names = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
        ids = ", ".join(str(i) for i in wanted)
        query = (
            f"select file_row_number as \"{index}\", {names} from read_parquet('{path}', file_row_number=true)"
            f" where file_row_number in ({ids}) order by file_row_number"
        )
        # a small buffer pool: it only has to find ~100 rows, after Polars already holds memory
        con = duckdb.connect(config={"memory_limit": "256MB", "threads": 2})
        frame: pl.DataFrame = con.sql(query).pl()
        return frame
    return (
        dataset.lazy.with_row_index(index)
        .select(index, *cols)
        .filter(pl.col(index).is_in(pl.Series(wanted, dtype=pl.UInt32).implode()))
        .collect(engine="streaming")
    )


def _replace(res: CheckResult, **changes: Any) -> CheckResult:
    import dataclasses

    return dataclasses.replace(res, **changes)


def _unique_ids(results: list[CheckResult]) -> list[CheckResult]:
    seen: dict[str, int] = {}
    out = []
    for r in results:
        seen[r.id] = seen.get(r.id, 0) + 1
        out.append(r if seen[r.id] == 1 else _replace(r, id=f"{r.id}#{seen[r.id]}"))
    return out


def check(
    data: Any,
    suite: str | os.PathLike[str] | LoadedSuite,
    *,
    table: str | None = None,
    sql: str | None = None,
    format: str | None = None,
    engine: EngineMode = "auto",
    sample_size: int | None = None,
    progress: Callable[[str], None] | None = None,
    run_id: str | None = None,
    spark_master: str | None = None,
    history: str | os.PathLike[str] | None = None,
    lineage: str | Lineage | None = None,
) -> GateResult:
    """Check data against a suite and return every check's result and the verdict.

    Args:
        data: a path, glob, DuckDB database (with ``table``/``sql``), a Polars or pandas
            frame, or an already loaded :class:`~gates.Dataset`. ``None`` uses the suite's
            ``data:`` section.
        suite: a suite file path or a loaded suite.
        table: a table in the DuckDB database ``data``; with ``engine="spark"`` and no
            ``data``, a table in the Spark session's catalog (or ``parquet.`/path```).
        sql: a DuckDB query to check instead of a file.
        format: force the file format (parquet, csv, tsv, json, ndjson, arrow).
        engine: ``auto`` (default), ``polars``, ``duckdb``, ``spark``, ``reference``, ``gx`` or
            ``pandera``; see :data:`EngineMode`.
        sample_size: failing rows kept per check (default: the suite's ``sample_size``, 20).
        progress: called with a short label as each step starts.
        run_id: an id for the run (default: a new uuid4 hex).
        spark_master: with ``engine="spark"`` and path data: the master URL
            (:func:`gates.backends.spark.session`); default ``GATES_SPARK_MASTER``/``SPARK_REMOTE``.
        history: the metric history the suite's ``anomaly:`` items learn from (default:
            :func:`gates.history.history_path`, next to ``GATES_LEDGER`` or the default ledger).
        lineage: where the run's OpenLineage events go: ``None`` (default) follows
            OpenLineage's own configuration (``OPENLINEAGE_URL``, ``openlineage.yml``) and sends
            nothing without one; an ``http(s)://`` URL, ``file:PATH``, ``console``, ``off``, or a
            :class:`gates.lineage.Lineage` (docs/lineage.md).

    Returns:
        The :class:`GateResult`; ``result.verdict`` is ``pass``, ``warn`` or ``block``.

    Raises:
        InputError: the data cannot be read (missing, empty, malformed, wrong encoding).
        SuiteDefinitionError: the suite is invalid.
    """
    if engine == "spark" and table is not None and data is None and sql is None:
        from .backends._spark import catalog_table  # --table NAME: the Spark session's catalog

        data, table = catalog_table(table, spark_master), None
    tracker = None if lineage == "off" else _lineage_for(lineage)
    if tracker is not None:  # the same run between a START and a COMPLETE/FAIL event
        return tracker.run(
            lambda: suite if isinstance(suite, LoadedSuite) else load_suite(suite),
            data,
            lambda s: _dataset(data, s, table=table, sql=sql, format=format),
            lambda ds, s, rid: check(
                ds,
                s,
                engine=engine,
                sample_size=sample_size,
                progress=progress,
                run_id=rid,
                spark_master=spark_master,
                history=history,
                lineage="off",
            ),
            table=table,
            sql=sql,
            run_id=run_id,
            suite_label=suite.name if isinstance(suite, LoadedSuite) else Path(suite).stem,
        )
    started = dt.datetime.now(dt.UTC)
    loaded = suite if isinstance(suite, LoadedSuite) else load_suite(suite)
    dataset = _dataset(data, loaded, table=table, sql=sql, format=format)
    dataset.prefetch_fingerprint()  # the record needs it: hash the files beside the checks
    dataset = _on_backend(dataset, engine, spark_master)
    keep = loaded.suite.sample_size if sample_size is None else sample_size
    try:
        # `coerce: true` columns converted on the backend before any check reads them
        coerced = coerce_columns(dataset, loaded, sample_size=keep)
    except pl.exceptions.PolarsError as exc:
        raise dataset.input_error(exc) from exc
    dataset = coerced.dataset
    # arguments that do not fit their column's dtype: converted when lossless, else explained
    typed = typecheck_args(loaded, dataset.schema)
    loaded = typed.suite
    ctx = RunContext(
        dataset=dataset,
        suite=loaded,
        mode=engine,
        sample_size=keep,
        progress=progress,
        history=Path(history) if history is not None else None,
        started_at=started,
        coerced=coerced.columns,
    )
    ctx.handled.update(typed.keys)  # misfits: no engine runs them, explain() reports them
    results: list[CheckResult] = ctx.results
    results.extend(coerced.results)
    try:
        if dataset.format in ("csv", "tsv"):
            _ = (
                dataset.rows
            )  # a strict parse first: a malformed row is an input error, not a number
        for name in ENGINES:
            if dataset.backend == "spark" and name not in _SPARK_ENGINES:
                continue
            eng = get_engine(name)
            if not eng.applies(ctx):
                continue
            results.extend(eng.run(ctx))
        results[:] = typed.explain(results)  # misfit checks: one line each, not Polars' words
        if dataset.backend == "spark":
            from .backends._spark import not_translated as not_on_spark

            results.extend(not_on_spark(ctx))
        # reference engines' samples are row numbers; Spark's are the rows' values already
        if dataset.backend != "spark":
            results = _enrich(dataset, _unique_ids(results))
        else:
            results = _unique_ids(results)
        rows = dataset.rows
        fingerprint = dataset.fingerprint
    except pl.exceptions.PolarsError as exc:
        raise dataset.input_error(exc) from exc
    info = DatasetInfo(
        source=dataset.source,
        fingerprint=fingerprint,
        rows=rows,
        columns=dataset.columns,
        format=dataset.format,
    )
    return GateResult(
        checks=tuple(results),
        dataset=info,
        suite=SuiteInfo(name=loaded.name, hash=loaded.hash, path=loaded.path),
        run_id=run_id or uuid.uuid4().hex,
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        versions=versions(),
        backend=dataset.backend,
        backend_master=_master_kind(dataset),
    )


def _master_kind(dataset: Dataset) -> str | None:
    """The kind of Spark master the data's session runs on (None off Spark)."""
    if dataset.backend != "spark":
        return None
    from .backends._spark import frame_master_kind

    return frame_master_kind(dataset.native)


def _lineage_for(target: str | Lineage | None) -> Lineage | None:
    from .lineage import lineage_for

    return lineage_for(target)


def _on_backend(dataset: Dataset, engine: str, spark_master: str | None) -> Dataset:
    """The dataset on the backend ``engine`` names (``auto`` keeps the one its data came with)."""
    if engine not in ("polars", "duckdb", "spark") or engine == dataset.backend:
        return dataset
    if engine == "polars":
        if dataset.backend == "spark":
            raise InputError(
                f"{dataset.source}: Spark data cannot run on Polars without collecting it; "
                "use --engine spark or auto"
            )
        return dataclasses.replace(dataset, backend="polars", native=None)
    if dataset.backend == "spark":
        raise InputError(f"{dataset.source}: Spark data runs on Spark; use --engine spark or auto")
    from ._io._dataset import from_native

    if engine == "duckdb":
        import duckdb

        from ._io._duckdb import duckdb_config

        con = duckdb.connect(config=duckdb_config())
        rel = _duckdb_relation(con, dataset)
        # Parquet and frames are read again by each pass (no copy in memory); text formats
        # are parsed once into a temporary table
        again = dataset.format not in ("csv", "tsv", "json", "ndjson")
        out = from_native(rel, "duckdb", source=dataset.source, materialise=not again)
        out.take_identity(dataset)  # the files' hash, not a pass hashing the relation's rows
        if again:  # the same typed rows: Parquet's types, or the frame itself
            # the reference engines and the sample lookup read them through Polars' own scan,
            # not through DuckDB's Arrow export of the relation (CSV keeps DuckDB's parse)
            out.lazy = dataset.lazy
        out._con = con
        return out
    from .backends._spark import read, session

    spark = session(spark_master)
    if dataset.files:
        names = [str(f) for f in dataset.files]
        df = read(spark, names[0] if len(names) == 1 else names, format=dataset.format)
    else:
        df = spark.createDataFrame(_spark_safe(dataset).to_arrow())
    return from_native(df, "spark", source=dataset.source)


#: Spark has no unsigned integers: each widens to the signed type that holds all its values.
_WIDER = {"UInt8": "Int16", "UInt16": "Int32", "UInt32": "Int64", "UInt64": "Int64"}


def _spark_safe(dataset: Dataset) -> Any:
    """The frame with unsigned integer columns widened for Spark (UInt64 only when it fits)."""
    import polars as pl

    frame = dataset.lazy.collect()
    casts = []
    for name, dtype in frame.schema.items():
        wider = _WIDER.get(str(dtype))
        if wider is None:
            continue
        if wider == "Int64" and str(dtype) == "UInt64":
            top = frame.get_column(name).max()
            if top is not None and int(top) > 2**63 - 1:  # type: ignore[arg-type]
                raise InputError(
                    f"{dataset.source}: column {name!r} is UInt64 with values above Spark's"
                    " largest integer (2^63-1); cast it to a decimal or run on Polars/DuckDB"
                )
        casts.append(pl.col(name).cast(getattr(pl, wider)))
    return frame.with_columns(casts) if casts else frame


def _duckdb_relation(con: Any, dataset: Dataset) -> Any:
    """A DuckDB relation over the dataset's files (or its in-memory frame)."""
    names = [str(f) for f in dataset.files]
    if dataset.format == "parquet":
        return con.read_parquet(names)
    if dataset.format in ("csv", "tsv"):
        return con.read_csv(names, sep="\t" if dataset.format == "tsv" else ",")
    if dataset.format in ("json", "ndjson"):
        return con.read_json(names)
    frame = dataset.lazy.collect().to_arrow()  # in-memory data: already on this machine
    return con.from_arrow(frame)


def _dataset(
    data: Any, loaded: LoadedSuite, *, table: str | None, sql: str | None, format: str | None
) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if data is None and sql is None and table is None:
        spec = loaded.suite.data
        if spec is None:
            raise InputError(
                f"no data given and suite {loaded.name!r} has no `data:` section; pass the data to check"
            )
        path = str(loaded.resolve(spec.path)) if spec.path else None
        return load(path, table=spec.table, sql=spec.sql, format=spec.format)
    return load(data, table=table, sql=sql, format=format)
