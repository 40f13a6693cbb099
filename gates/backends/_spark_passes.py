"""The Spark backend's passes: narwhals plans on a ``pyspark.sql.DataFrame`` (classic or Connect).

The shared lowering (:mod:`._narwhals`) with these Spark-specific changes, each measured on
benchmarks/spark_bench.py (1M rows, ``local[2]``):

- **Compile check by analysis, of the fused aggregate itself.** The plans' aggregates are
  lowered once into the fused pass's own frame; Spark analyses it (and refuses what it cannot
  run) without starting a job, and the same frame is collected as the fused pass. Collecting
  an empty frame cost about 1.4 s per run, and lowering the expressions twice (once to check
  them, once to run them) about 0.5 s at 1M rows.
- **The fingerprint from the files, else riding along.** A classic session's frame that is
  exactly a Parquet scan of local files (``sameSemantics`` with a fresh read of
  ``inputFiles()``) gets the Polars path's fingerprint: blake2b of the files, hashed by the
  driver in a background thread while Spark runs the checks, so the same file has the same
  fingerprint on every backend. Any other frame hashes its rows, ``sum(xxhash64(row))``, as
  one more aggregate in the fused pass instead of a pass of its own over every column
  (:func:`fingerprint_of` gives the value ``gates._io._dataset.spark_fingerprint`` gives).
  Hashing every value of every column is most of that pass's time (8 of 13 s at 1M rows).
- **Three jobs at once.** The uniqueness group-bys need nothing from the fused pass and run
  beside it in a thread; the samples (:mod:`._spark_samples`) need its failing counts and run
  in another after it. At 1M rows each job is mostly fixed cost, which the overlap hides.
"""

from __future__ import annotations

import concurrent.futures
import decimal
import hashlib
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl

from .._io._fingerprint import _POOL, _hash_files
from .._result import CheckResult
from ..engines._base import RunContext
from ..engines._native_plan import Plan
from ._narwhals import _ROWS, NarwhalsBackend, _own, _plain
from ._spark_samples import SparkSamples, free, quoted

__all__ = ["SparkBackend", "fingerprint_of"]

_FP = "__gates_fp"
_FP_ROWS = "__gates_fp_rows"
#: The fused frame's failing-row counts added for the compile check (``__gates_bad<i>``).
_BAD = "__gates_bad"


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

    def join(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        self.join()
        if self._exc is not None:
            raise self._exc
        return self._out


class SparkBackend(SparkSamples, NarwhalsBackend):
    """Narwhals plans on a ``pyspark.sql.DataFrame`` (classic or Connect)."""

    name = "spark"

    def schema(self, native: Any) -> pl.Schema:
        frame = pl.from_arrow(native.limit(0).toArrow())
        assert isinstance(frame, pl.DataFrame)
        return frame.schema

    def run(self, ctx: RunContext, plans: Sequence[Plan]) -> list[CheckResult] | None:
        """The shared passes, three jobs at once where they do not wait for each other.

        The uniqueness group-bys need nothing from the fused pass, so they run in a second
        thread from the start, beside it; the samples need only the row-level checks'
        results, which the fused pass gives, so they are a job of their own in a third
        thread while the ``after`` passes run. At 1M rows each job is mostly fixed cost
        (stages, tasks, the driver), which the overlap hides; Spark shares the cores.
        """
        lf = self.frame(ctx)
        session = ctx.dataset.native.sparkSession
        grouped = sampling = None
        if any(p.duplicates for p in plans):
            grouped = _Job(self._duplicate_counts, ctx, lf, plans)
            grouped.start(session)
        try:
            values, rows = self._first_pass(ctx, lf, plans)
            early = self._early(plans)
            if early:
                first = [plans[i].finish(_own(values, i), rows) for i in early]
                sampling = _Job(self._samples, ctx, lf, [plans[i] for i in early], first)
                sampling.start(session)
            self._after(ctx, lf, plans, values, rows)
        finally:  # both threads end before anything is raised
            for job in (grouped, sampling):
                if job is not None:
                    job.join()
        if grouped is not None:
            values.update(grouped.result())
        sampled = {} if sampling is None else dict(zip(early, sampling.result(), strict=True))
        return [
            sampled[i] if i in sampled else p.finish(_own(values, i), rows)
            for i, p in enumerate(plans)
        ]

    @staticmethod
    def _early(plans: Sequence[Plan]) -> list[int]:
        """The row-level plans whose results the fused pass alone gives (sampled early)."""
        from ._spark_plans import SparkPlan

        return [
            i
            for i, p in enumerate(plans)
            if p.bad is not None
            and not p.duplicates
            and not (isinstance(p, SparkPlan) and p.after is not None)
        ]

    def _duplicate_counts(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], plans: Sequence[Plan]
    ) -> dict[str, Any]:
        """Every uniqueness plan's duplicated rows, ``"i:bad"``, one group-by pass each."""
        return {
            f"{i}:bad": self._duplicated_rows(ctx, lf, p)
            for i, p in enumerate(plans)
            if p.duplicates
        }

    def compiling(self, ctx: RunContext, plans: Sequence[Plan]) -> list[Plan]:
        """The shared plans and the Spark-only ones (:mod:`._spark_plans`) Spark analyses.

        The check is the fused pass's own aggregate (with every row-level predicate counted),
        built once: a classic session analyses it as it is built, a Connect server when its
        schema is asked for; :meth:`_first_pass` collects that same frame, so the expressions
        are lowered and analysed once per run. Only when Spark refuses it are the plans tried
        one by one on an empty frame.
        """
        from ._spark_plans import spark_plans

        extra = spark_plans(ctx, ctx.dataset.schema, {p.key for p in plans})
        every = [*plans, *extra]
        if not every:
            return []
        try:
            fused = self._fused_frame(ctx, every, checked=True)
            _ = fused.schema
        except Exception:  # any refusal: find the plans Spark cannot run, one by one
            return super().compiling(ctx, every)
        ctx.backend_state[self.name] = (tuple(map(id, every)), fused)
        return every

    def _fused_frame(self, ctx: RunContext, plans: Sequence[Plan], *, checked: bool) -> Any:
        """The ONE aggregate (a native DataFrame, not run): every plan's values ``"i:name"``,
        the row count, with ``checked`` the count of each row-level predicate no ``"bad"``
        aggregate counts already (so Spark analyses every predicate the samples use; lowering
        one twice costs Python→Java calls), and the rows' hash sum when the fingerprint is not
        the files' hash.

        A classic session's frame that is exactly a Parquet scan of local files starts
        hashing them here, in a background thread (the Dataset's own fingerprint slot,
        read by the runner).
        """
        ds = ctx.dataset
        if ds._fingerprint is None and (files := local_parquet_files(ds.native)):
            ds._fingerprint = _POOL.submit(_hash_files, files)
        lf = self.frame(ctx)
        exprs = [e.alias(f"{i}:{n}") for i, p in enumerate(plans) for n, e in p.aggs.items()]
        if checked:
            exprs += [
                p.bad.cast(nw.Int64).sum().alias(f"{_BAD}{i}")
                for i, p in enumerate(plans)
                if p.bad is not None and "bad" not in p.aggs  # "bad" counts it already
            ]
        exprs.append(nw.len().alias(_ROWS))
        if ds._fingerprint is None and ds.columns:  # not known already, and rows to hash
            from pyspark.sql import functions as F

            df = nw.to_native(lf)
            fp = free(_FP, ds.columns)
            hashed = df.withColumn(
                fp, F.xxhash64(*[F.col(quoted(c)) for c in df.columns]).cast("decimal(38,0)")
            )
            lf = nw.from_native(hashed).lazy()
            exprs.append(nw.col(fp).sum().alias(_FP_ROWS))
        return nw.to_native(lf.select(exprs))

    def _first_pass(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], plans: Sequence[Plan]
    ) -> tuple[dict[str, Any], int]:
        """The fused pass on the frame :meth:`compiling` built for these plans (else a new one)."""
        built = ctx.backend_state.pop(self.name, None)
        if built is not None and built[0] == tuple(map(id, plans)):
            fused = built[1]
        else:
            fused = self._fused_frame(ctx, plans, checked=False)
        frame = pl.from_arrow(fused.toArrow())
        assert isinstance(frame, pl.DataFrame)
        row = dict(frame.row(0, named=True))
        rows = int(row[_ROWS])
        if _FP_ROWS in row:
            schema = ctx.dataset.native.schema.simpleString()
            done: concurrent.futures.Future[str] = concurrent.futures.Future()
            done.set_result(fingerprint_of(schema, row.pop(_FP_ROWS), rows, has_columns=True))
            ctx.dataset._fingerprint = done
        ctx.dataset.set_rows(rows)
        values = {k: _plain(v) for k, v in row.items() if not k.startswith(_BAD)}
        return values, rows

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
        n = free("__gates_n", keys)
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
