"""Failing-row samples on Spark: each failed row-level check's first ``sample_size`` failing
rows in scan order (partitions in order, rows in file order within each), by the cheapest of
three passes that pick the same rows (tests/backends/test_spark_backend.py checks they agree):

- **a prefix** (classic session, checks that fail often): ``filter(any bad).limit(k)``,
  which ``CollectLimit`` reads partition by partition, stopping once it has ``k`` rows;
- **every failing row** (checks that fail rarely: the fused pass's failing counts add up to at
  most :data:`_ALL_MAX_ROWS`): ``filter(any bad)`` collected as it is, one stage with no
  shuffle, cut to ``sample_size`` per check here; a collect keeps partition order (classic and
  Connect), so the rows come in scan order;
- **the window pass** (the rest): the rows failing any check, tagged with the checks they fail,
  exploded, and cut to ``sample_size`` per check by ``row_number()`` over
  ``monotonically_increasing_id()`` (scan order), which Spark runs as a ``WindowGroupLimit``
  before the shuffle.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
from collections.abc import Sequence
from typing import Any

import narwhals as nw
import polars as pl

from .._result import CheckResult
from ..engines._base import RunContext
from ..engines._native_plan import Plan
from ._base import failed_row_checks
from ._narwhals import _SAMPLE_COLUMNS

__all__ = ["SparkSamples", "free", "quoted"]

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
#: Every failing row is collected (no window, no shuffle) when the checks' failing counts add
#: up to at most this many rows (a row failing two checks counts twice: a bound).
_ALL_MAX_ROWS = 5000


def quoted(name: str) -> str:
    """``name`` as a Spark column reference (backquoted)."""
    return "`" + name.replace("`", "``") + "`"


def free(name: str, columns: Sequence[str]) -> str:
    """``name``, lengthened until no data column has it."""
    while name in columns:
        name += "_"
    return name


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


class SparkSamples:
    """The sample passes of :class:`._spark_passes.SparkBackend`."""

    def _samples(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        results: list[CheckResult],
    ) -> list[CheckResult]:
        wanted = failed_row_checks(ctx, plans, results)
        if not wanted:
            return results
        cols = list(ctx.dataset.columns)[:_SAMPLE_COLUMNS]
        bads: dict[int, Any] = {i: plans[i].bad for i in wanted}  # wanted keeps plans with a bad
        by_check = self._prefix_samples(ctx, lf, cols, bads, results)
        left = {i: bad for i, bad in bads.items() if i not in by_check}
        if left and sum(int(results[i].failing_count or 0) for i in left) <= _ALL_MAX_ROWS:
            by_check.update(self._all_samples(ctx, lf, cols, left))
        elif left:
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
        flags = {i: free(f"__gates_bad{i}", taken) for i in bads}
        picked = nw.to_native(
            lf.filter(functools.reduce(operator.or_, bads.values())).select(
                *[nw.col(c) for c in cols], *[bad.alias(flags[i]) for i, bad in bads.items()]
            )
        )
        # a timestamp is collected as its microseconds: a Python datetime is local time
        wire = [
            F.unix_micros(F.col(quoted(c)))
            if type(fields[c].dataType) is T.TimestampType
            else F.col(quoted(c))
            for c in cols
        ]
        got = picked.select(*wire, *[F.col(quoted(f)) for f in flags.values()]).limit(k).collect()
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

    def _all_samples(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], cols: list[str], bads: dict[int, Any]
    ) -> dict[int, list[dict[str, Any]]]:
        """Every row failing any of the checks, in scan order, cut to ``sample_size`` each.

        For checks whose failing counts (from the fused pass) are few: one stage, no shuffle.
        A collect returns the partitions in order and each partition's rows in scan order, the
        order ``monotonically_increasing_id()`` numbers them in for the window pass.
        """
        from pyspark.sql import functions as F

        taken = [*ctx.dataset.columns]
        flags = {i: free(f"__gates_bad{i}", taken) for i in bads}
        picked = nw.to_native(
            lf.filter(functools.reduce(operator.or_, bads.values())).select(
                *[nw.col(c) for c in cols], *[bad.alias(flags[i]) for i, bad in bads.items()]
            )
        )
        got = picked.select(
            *[F.col(quoted(c)) for c in cols],
            *[F.coalesce(F.col(quoted(f)), F.lit(False)).alias(f) for f in flags.values()],
        )
        table = pl.from_arrow(got.toArrow())
        assert isinstance(table, pl.DataFrame)
        by_check: dict[int, list[dict[str, Any]]] = {}
        for i, f in flags.items():
            mine = table.filter(pl.col(f)).head(ctx.sample_size).select(cols)
            by_check[i] = mine.to_dicts()
        return by_check

    def _window_samples(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], cols: list[str], bads: dict[int, Any]
    ) -> dict[int, list[dict[str, Any]]]:
        """The first ``sample_size`` failing rows of each check in scan order, in one pass."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        taken = [*ctx.dataset.columns]
        flags = {i: free(f"__gates_bad{i}", taken) for i in bads}
        check, order, rank = (free(n, taken) for n in (_CHECK, _ORDER, _RANK))
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
            .select(*[F.col(quoted(c)) for c in cols], check, order)
        )
        table = pl.from_arrow(got.toArrow())
        assert isinstance(table, pl.DataFrame)
        by_check: dict[int, list[dict[str, Any]]] = {}
        for row in table.sort(check, order).drop(order).to_dicts():
            by_check.setdefault(int(row.pop(check)), []).append(row)
        return by_check
