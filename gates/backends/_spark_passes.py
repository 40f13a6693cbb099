"""The Spark backend's passes: narwhals plans on a ``pyspark.sql.DataFrame`` (classic or Connect).

The shared lowering (:mod:`._narwhals`) with three Spark-specific changes, each measured on
benchmarks/spark_bench.py (1M rows, ``local[2]``):

- **Compile check by analysis.** A plan is tried by building its aggregate on the frame and
  asking for the result's schema: Spark analyses the plan (and refuses what it cannot run)
  without starting a job. Collecting an empty frame cost about 1.4 s per run.
- **The fingerprint from the files, else riding along.** A classic session's frame that is
  exactly a Parquet scan of local files (``sameSemantics`` with a fresh read of
  ``inputFiles()``) gets the Polars path's fingerprint: blake2b of the files, hashed by the
  driver in a background thread while Spark runs the checks, so the same file has the same
  fingerprint on every backend. Any other frame hashes its rows, ``sum(xxhash64(row))``, as
  one more aggregate in the fused pass instead of a pass of its own over every column
  (:func:`fingerprint_of` gives the value ``gates._io._dataset.spark_fingerprint`` gives).
  Hashing every value of every column is most of that pass's time (8 of 13 s at 1M rows).
- **Samples from a prefix, else one sample pass.** Every failed row-level check's sample is
  its first ``sample_size`` failing rows in scan order (partitions in order, rows in file
  order within each). When every such check fails often enough (its ``sample_size``-th
  failing row expected in the first quarter of the data, with a margin), a classic session
  first collects ``filter(any bad).limit(k)``: ``CollectLimit`` scans partition by partition
  and stops once it has ``k`` rows, so it reads a prefix of the data, and a check with
  ``sample_size`` rows in it has its first ones. The other checks (or all, on Spark Connect,
  whose limit goes through a shuffle) come from ONE scan: rows failing any of them, tagged
  with the checks they fail, exploded, and cut to ``sample_size`` per check by
  ``row_number() <= n`` over ``monotonically_increasing_id()`` (scan order), which Spark runs
  as a ``WindowGroupLimit`` before the shuffle (so a check failing on most rows ships at most
  ``n`` rows per partition). Both give the same rows. At 10M rows the prefix reads about a
  tenth of the data where the window pass reads all of it (7.7 s); a union of
  ``filter(bad).limit(n)`` scanned the data once per check whenever failures were rare
  (14 s for 5 checks at 1M).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import decimal
import functools
import hashlib
import math
import operator
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl

from .._io._dataset import _POOL, _hash_files
from .._result import CheckResult
from ..engines._base import RunContext
from ..engines._native_plan import Plan
from ._narwhals import _ROWS, _SAMPLE_COLUMNS, NarwhalsBackend, _own, _plain

__all__ = ["SparkBackend", "fingerprint_of"]

_FP = "__gates_fp"
_FP_ROWS = "__gates_fp_rows"
_CHECK = "__gates_check"
_ORDER = "__gates_order"
_RANK = "__gates_rank"

#: The prefix pass is tried when each check's ``sample_size``-th failing row, were failures
#: spread evenly, lies in this first fraction of the data (with :data:`_PREFIX_MARGIN`).
_PREFIX_REACH = 0.25
#: Standard deviations of that row's position added to its expected one.
_PREFIX_MARGIN = 4.0
#: No prefix of more rows than this: they are collected as Python rows.
_PREFIX_MAX_ROWS = 5000


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _free(name: str, columns: Sequence[str]) -> str:
    """``name``, lengthened until no data column has it."""
    while name in columns:
        name += "_"
    return name


def fingerprint_of(schema: str, hash_sum: Any, rows: int, *, has_columns: bool) -> str:
    """The fingerprint ``spark_fingerprint`` computes, from the fused pass's two values."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(schema).encode())
    if has_columns:
        total = None if hash_sum is None else decimal.Decimal(int(hash_sum))
        h.update(repr((total, rows)).encode())
    return "rows:" + h.hexdigest()


def local_parquet_files(df: Any) -> tuple[Path, ...]:
    """The local files ``df`` reads when it is exactly a Parquet scan of them, else ``()``.

    Only for a classic session (a Connect server's paths are not the client's), only
    ``file:`` URIs that exist here, and only when Spark finds the frame semantically equal to
    ``spark.read.parquet(files)``: a filter, a projection or a derived column makes it
    another frame, whose rows are hashed instead.
    """
    if type(df).__module__.startswith("pyspark.sql.connect"):
        return ()
    try:
        uris = df.inputFiles()
        paths = tuple(Path(urllib.parse.unquote(urllib.parse.urlparse(u).path)) for u in uris)
        if not uris or not all(u.startswith("file:") for u in uris):
            return ()
        if not all(p.is_file() for p in paths):
            return ()
        same = df.sameSemantics(df.sparkSession.read.parquet(*map(str, paths)))
    except Exception:  # any refusal (not a file source, a file gone): hash the rows instead
        return ()
    return paths if same else ()


class _Job:
    """``fn(*args)`` in a thread that carries the session's job properties (PySpark's
    ``InheritableThread``); :meth:`result` waits for it and raises what it raised."""

    def __init__(self, fn: Any, *args: Any) -> None:
        self._fn, self._args = fn, args
        self._out: Any = None
        self._exc: BaseException | None = None

    def _run(self) -> None:
        try:
            self._out = self._fn(*self._args)
        except BaseException as exc:  # handed to the caller's thread by result()
            self._exc = exc

    def start(self, session: Any) -> None:
        from pyspark.util import InheritableThread

        self._thread = InheritableThread(self._run, session=session)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        if self._exc is not None:
            raise self._exc
        return self._out


def _collects_exactly(dtype: Any) -> bool:
    """A Spark type whose collected value (a timestamp as its microseconds) converts to the
    Arrow value ``toArrow`` gives; nested, interval and other types are not tried."""
    from pyspark.sql import types as T

    exact = (
        T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType,
        T.DoubleType, T.StringType, T.BinaryType, T.DateType, T.DecimalType, T.TimestampType,
        T.TimestampNTZType,
    )  # fmt: skip
    return type(dtype) in exact


class SparkBackend(NarwhalsBackend):
    """Narwhals plans on a ``pyspark.sql.DataFrame`` (classic or Connect)."""

    name = "spark"

    def schema(self, native: Any) -> pl.Schema:
        frame = pl.from_arrow(native.limit(0).toArrow())
        assert isinstance(frame, pl.DataFrame)
        return frame.schema

    def run(self, ctx: RunContext, plans: Sequence[Plan]) -> list[CheckResult] | None:
        """The shared passes, with the samples beside the group-by and ``after`` passes.

        The samples need only the row-level checks' results, which the fused pass gives, so
        they are a job of their own in a second thread (Spark runs both jobs at once; the
        prefix is one task, which leaves a core free) while the uniqueness group-bys run.
        """
        from ._spark_plans import SparkPlan

        lf = self.frame(ctx)
        values, rows = self._first_pass(ctx, lf, plans)
        early = [
            i
            for i, p in enumerate(plans)
            if p.bad is not None
            and not p.duplicates
            and not (isinstance(p, SparkPlan) and p.after is not None)
        ]
        sampled: dict[int, CheckResult] = {}
        if early:
            first = [plans[i].finish(_own(values, i), rows) for i in early]
            job = _Job(self._samples, ctx, lf, [plans[i] for i in early], first)
            job.start(ctx.dataset.native.sparkSession)
        try:
            self._group_passes(ctx, lf, plans, values, rows)
        finally:
            if early:
                sampled = dict(zip(early, job.result(), strict=True))
        return [
            sampled[i] if i in sampled else p.finish(_own(values, i), rows)
            for i, p in enumerate(plans)
        ]

    def compiling(self, ctx: RunContext, plans: Sequence[Plan]) -> list[Plan]:
        """The shared plans Spark analyses, and the Spark-only ones (:mod:`._spark_plans`)."""
        from ._spark_plans import spark_plans

        extra = spark_plans(ctx, ctx.dataset.schema, {p.key for p in plans})
        return super().compiling(ctx, [*plans, *extra])

    def _after(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        values: dict[str, Any],
        rows: int,
    ) -> None:
        from ._spark_plans import SparkPlan

        for i, p in enumerate(plans):
            if isinstance(p, SparkPlan) and p.after is not None:
                own = {n: values[f"{i}:{n}"] for n in p.aggs}
                values.update(
                    {f"{i}:{n}": v for n, v in p.after(nw.to_native(lf), own, rows).items()}
                )

    def _duplicated_rows(self, ctx: RunContext, lf: nw.LazyFrame[Any], plan: Plan) -> int:
        from ._spark_plans import SparkPlan

        if not isinstance(plan, SparkPlan) or not plan.dup_values:
            return super()._duplicated_rows(ctx, lf, plan)
        keys = list(plan.duplicates)
        kept = lf if plan.dup_keep is None else lf.filter(plan.dup_keep)
        n = _free("__gates_n", keys)
        counted = (
            kept.select(*plan.dup_values)
            .group_by(keys)
            .agg(nw.len().alias(n))
            .filter(nw.col(n) > 1)
        )
        got = self._row(counted.select(nw.col(n).sum().alias(n)))[n]
        return int(got or 0)

    def _compiles(self, empty: nw.LazyFrame[Any], exprs: list[Any]) -> None:
        # analysis, not a job: Connect analyses on the server when the schema is asked for
        _ = nw.to_native(empty.select(exprs)).schema

    def _fused(self, ctx: RunContext, lf: nw.LazyFrame[Any], exprs: list[Any]) -> dict[str, Any]:
        ds = ctx.dataset
        if ds._fingerprint is None and (files := local_parquet_files(ds.native)):
            # the Dataset's own fingerprint slot (gates._io): filled here, read by the runner
            ds._fingerprint = _POOL.submit(_hash_files, files)
        if ds._fingerprint is not None or not ds.columns:  # known already, or nothing to hash
            return super()._fused(ctx, lf, exprs)
        from pyspark.sql import functions as F

        df = nw.to_native(lf)
        fp = _free(_FP, ds.columns)
        hashed = df.withColumn(
            fp, F.xxhash64(*[F.col(_quoted(c)) for c in df.columns]).cast("decimal(38,0)")
        )
        frame: nw.LazyFrame[Any] = nw.from_native(hashed).lazy()
        row = self._raw_row(frame.select([*exprs, nw.col(fp).sum().alias(_FP_ROWS)]))
        rows = int(row[_ROWS])
        done: concurrent.futures.Future[str] = concurrent.futures.Future()
        done.set_result(
            fingerprint_of(df.schema.simpleString(), row.pop(_FP_ROWS), rows, has_columns=True)
        )
        ds._fingerprint = done
        return {k: _plain(v) for k, v in row.items()}

    def _raw_row(self, lf: nw.LazyFrame[Any]) -> dict[str, Any]:
        frame: pl.DataFrame = lf.collect(backend="polars").to_native()
        return dict(frame.row(0, named=True))

    def _samples(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        results: list[CheckResult],
    ) -> list[CheckResult]:
        wanted = [
            i
            for i, (p, r) in enumerate(zip(plans, results, strict=True))
            if p.bad is not None and not r.passed and r.failing_count and ctx.sample_size > 0
        ]
        if not wanted:
            return results
        cols = list(ctx.dataset.columns)[:_SAMPLE_COLUMNS]
        bads: dict[int, Any] = {i: plans[i].bad for i in wanted}  # wanted keeps plans with a bad
        by_check = self._prefix_samples(ctx, lf, cols, bads, results)
        left = {i: bad for i, bad in bads.items() if i not in by_check}
        if left:
            by_check.update(self._window_samples(ctx, lf, cols, left))
        out = list(results)
        for i in wanted:
            out[i] = dataclasses.replace(results[i], sample=tuple(by_check.get(i, [])))
        return out

    def _prefix_samples(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        cols: list[str],
        bads: dict[int, Any],
        results: list[CheckResult],
    ) -> dict[int, list[dict[str, Any]]]:
        """The first ``sample_size`` failing rows of each check, from a prefix of the scan.

        ``filter(any bad).limit(k).collect()``: a classic session's ``collect`` of a limit
        (``CollectLimit``) scans partitions in order and stops once it has ``k`` rows, so the
        rows are the first ``k`` failing rows in scan order, and a check with ``sample_size``
        of them among those has its first ``sample_size`` in scan order, the rows the window
        pass picks. Tried only when every check fails often enough that, were its failures
        spread evenly, its ``sample_size``-th would lie in the first :data:`_PREFIX_REACH` of
        the data (:data:`_PREFIX_MARGIN` standard deviations late); ``k`` is the failing rows
        expected up to there, plus ``sample_size``.
        Returns the checks it completed (none when not tried); the rest go to the window pass.
        """
        native = ctx.dataset.native
        n = ctx.sample_size
        if type(native).__module__.startswith("pyspark.sql.connect"):
            return {}  # Connect collects a limit through a shuffle: not a prefix in scan order
        counts = {i: int(results[i].failing_count or 0) for i in bads}
        # the n-th of c evenly spread failing rows: at n / c of the data, give or take sqrt(n) / c
        reach = max((n + _PREFIX_MARGIN * math.sqrt(n)) / c for c in counts.values())
        if reach > _PREFIX_REACH:
            return {}
        failing = min(sum(counts.values()), ctx.dataset.known_rows() or sum(counts.values()))
        k = math.ceil(reach * failing) + n
        if k > _PREFIX_MAX_ROWS:
            return {}
        from pyspark.sql import functions as F
        from pyspark.sql import types as T
        from pyspark.sql.pandas.types import to_arrow_schema

        fields = {f.name: f for f in native.schema.fields}
        if not all(c in fields and _collects_exactly(fields[c].dataType) for c in cols):
            return {}  # a type whose collected Python value is not the one Arrow would give
        taken = [*ctx.dataset.columns]
        flags = {i: _free(f"__gates_bad{i}", taken) for i in bads}
        picked = nw.to_native(
            lf.filter(functools.reduce(operator.or_, bads.values())).select(
                *[nw.col(c) for c in cols], *[bad.alias(flags[i]) for i, bad in bads.items()]
            )
        )
        # a timestamp is collected as its microseconds: a Python datetime is local time
        wire = [
            F.unix_micros(F.col(_quoted(c)))
            if type(fields[c].dataType) is T.TimestampType
            else F.col(_quoted(c))
            for c in cols
        ]
        got = picked.select(*wire, *[F.col(_quoted(f)) for f in flags.values()]).limit(k).collect()
        schema = to_arrow_schema(T.StructType([fields[c] for c in cols]), timezone="UTC")
        import pyarrow as pa

        arrays = [
            pa.array([r[j] for r in got], type=schema.field(j).type) for j in range(len(cols))
        ]
        frame = pl.from_arrow(pa.Table.from_arrays(arrays, schema=schema))
        assert isinstance(frame, pl.DataFrame)
        rows = frame.to_dicts()
        out: dict[int, list[dict[str, Any]]] = {}
        for j, i in enumerate(bads):
            mine = [rows[r] for r, row in enumerate(got) if row[len(cols) + j] is True][:n]
            if len(mine) == n or len(got) < k:  # n found, or every failing row was collected
                out[i] = mine
        return out

    def _window_samples(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], cols: list[str], bads: dict[int, Any]
    ) -> dict[int, list[dict[str, Any]]]:
        """The first ``sample_size`` failing rows of each check in scan order, in one pass."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        taken = [*ctx.dataset.columns]
        flags = {i: _free(f"__gates_bad{i}", taken) for i in bads}
        check, order, rank = (_free(n, taken) for n in (_CHECK, _ORDER, _RANK))
        picked = nw.to_native(
            lf.filter(functools.reduce(operator.or_, bads.values())).select(
                *[nw.col(c) for c in cols], *[bad.alias(flags[i]) for i, bad in bads.items()]
            )
        )
        tags = F.array_compact(F.array(*[F.when(F.col(f), F.lit(i)) for i, f in flags.items()]))
        window = Window.partitionBy(check).orderBy(order)
        got = (
            picked.withColumn(order, F.monotonically_increasing_id())
            .withColumn(check, F.explode(tags))
            .withColumn(rank, F.row_number().over(window))
            .where(F.col(rank) <= ctx.sample_size)
            .select(*[F.col(_quoted(c)) for c in cols], check, order)
        )
        table = pl.from_arrow(got.toArrow())
        assert isinstance(table, pl.DataFrame)
        by_check: dict[int, list[dict[str, Any]]] = {}
        for row in table.sort(check, order).drop(order).to_dicts():
            by_check.setdefault(int(row.pop(check)), []).append(row)
        return by_check
