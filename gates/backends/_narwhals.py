"""Plans built from narwhals expressions, lowered by narwhals to DuckDB SQL or Spark Columns.

Three kinds of pass, none of which brings the data to Python: ONE fused aggregate ``select``
for every plan; one ``group_by(key).agg(len)`` per uniqueness check (a window or a
``count(DISTINCT)`` inside the fused aggregate would regroup it); and, when a row-level check
failed, one bounded pass that unions ``filter(bad).head(n)`` of every such check and is
collected in one action. Samples carry the failing rows' values (no row numbers: a query or
a distributed frame has no stable row order).
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Sequence
from typing import Any

import narwhals as nw
import polars as pl

from .._result import CheckResult
from ..engines._base import RunContext
from ..engines._native_plan import Plan, is_float
from ._base import failed_row_checks

__all__ = ["NarwhalsBackend"]

_ROWS = "__gates_rows"
_CHECK = "__gates_check"
#: Columns kept in a failing-row sample (as the Polars path's lookup).
_SAMPLE_COLUMNS = 60


def _plain(value: Any) -> Any:
    """DuckDB sums integers to HUGEINT (a Decimal in Python): back to int or float."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _own(values: dict[str, Any], i: int) -> dict[str, Any]:
    """Plan ``i``'s values from the fused pass's ``"i:name"`` keys, by name."""
    return {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith(f"{i}:")}


class NarwhalsBackend:
    """The shared lowering; subclasses name the backend and read the native schema."""

    name = "narwhals"
    ns: Any = nw

    def schema(self, native: Any) -> pl.Schema:
        raise NotImplementedError

    def frame(self, ctx: RunContext) -> nw.LazyFrame[Any]:
        """The dataset's native data as a narwhals LazyFrame."""
        frame: nw.LazyFrame[Any] = nw.from_native(ctx.dataset.native).lazy()
        return frame

    def _row(self, lf: nw.LazyFrame[Any]) -> dict[str, Any]:
        frame: pl.DataFrame = lf.collect(backend="polars").to_native()
        return {k: _plain(v) for k, v in frame.row(0, named=True).items()}

    def compiling(self, ctx: RunContext, plans: Sequence[Plan]) -> list[Plan]:
        """The plans the backend can evaluate, tried on an empty frame (all at once first)."""
        empty = self.frame(ctx).head(0)

        def ok(ps: Sequence[Plan]) -> bool:
            exprs = [
                e.alias(f"{i}:{n}")
                for i, p in enumerate(ps)
                for n, e in [
                    *p.aggs.items(),
                    *([("__bad", p.bad.cast(nw.Int64).sum())] if p.bad is not None else []),
                ]
            ]
            if not exprs:
                return True
            try:
                self._compiles(empty, exprs)
            except Exception:  # any library's refusal means "not translatable here"
                return False
            return True

        if ok(plans):
            return list(plans)
        return [p for p in plans if ok([p])]

    def _compiles(self, empty: nw.LazyFrame[Any], exprs: list[Any]) -> None:
        """Raise when the backend refuses ``exprs`` (DuckDB: run them on the empty frame)."""
        empty.select(exprs).collect(backend="polars")

    def _fused(self, ctx: RunContext, lf: nw.LazyFrame[Any], exprs: list[Any]) -> dict[str, Any]:
        """The ONE aggregate pass: every plan's values by name (and the row count)."""
        return self._row(lf.select(exprs))

    def run(self, ctx: RunContext, plans: Sequence[Plan]) -> list[CheckResult] | None:
        lf = self.frame(ctx)
        values, rows = self._first_pass(ctx, lf, plans)
        self._group_passes(ctx, lf, plans, values, rows)
        results = [p.finish(_own(values, i), rows) for i, p in enumerate(plans)]
        return self._samples(ctx, lf, plans, results)

    def _first_pass(
        self, ctx: RunContext, lf: nw.LazyFrame[Any], plans: Sequence[Plan]
    ) -> tuple[dict[str, Any], int]:
        """The fused pass: every plan's values keyed ``"i:name"``, and the row count."""
        exprs = [e.alias(f"{i}:{n}") for i, p in enumerate(plans) for n, e in p.aggs.items()]
        exprs.append(nw.len().alias(_ROWS))
        values = self._fused(ctx, lf, exprs)
        rows = int(values[_ROWS])
        ctx.dataset.set_rows(rows)
        return values, rows

    def _group_passes(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        values: dict[str, Any],
        rows: int,
    ) -> None:
        """The passes after the fused one (uniqueness group-bys, ``_after``), into ``values``."""
        for i, p in enumerate(plans):
            if p.duplicates:
                values[f"{i}:bad"] = self._duplicated_rows(ctx, lf, p)
        self._after(ctx, lf, plans, values, rows)

    def _after(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        values: dict[str, Any],
        rows: int,
    ) -> None:
        """Values that need a pass after the fused one, added to ``values`` (none here)."""

    def _duplicated_rows(self, ctx: RunContext, lf: nw.LazyFrame[Any], plan: Plan) -> int:
        """Rows whose key occurs more than once, by a group-by pass (nulls group together)."""
        keys = list(plan.duplicates)
        if plan.dup_skip_nulls:
            schema = ctx.dataset.schema
            keep = [
                (~nw.col(c).is_null() & ~nw.col(c).is_nan())
                if is_float(schema[c])
                else ~nw.col(c).is_null()
                for c in keys
            ]
            lf = lf.filter(*keep)
        # a name no key column has: the data's own columns may be called anything (even "n")
        n = "__gates_n" + "_" * max((len(k) for k in keys), default=0)
        counted = lf.group_by(keys).agg(nw.len().alias(n)).filter(nw.col(n) > 1)
        got = self._row(counted.select(nw.col(n).sum().alias(n)))[n]
        return int(got or 0)

    def _samples(
        self,
        ctx: RunContext,
        lf: nw.LazyFrame[Any],
        plans: Sequence[Plan],
        results: list[CheckResult],
    ) -> list[CheckResult]:
        """One bounded pass: ``filter(bad).head(n)`` of every failed row-level check, unioned."""
        wanted = failed_row_checks(ctx, plans, results)
        if not wanted:
            return results
        cols = list(ctx.dataset.columns)[:_SAMPLE_COLUMNS]
        parts = [
            lf.filter(plans[i].bad)  # type: ignore[arg-type]  # wanted keeps plans with a bad
            .select(cols)
            .head(ctx.sample_size)
            .with_columns(nw.lit(i, dtype=nw.Int64).alias(_CHECK))
            for i in wanted
        ]
        got: pl.DataFrame = nw.concat(parts, how="vertical").collect(backend="polars").to_native()
        by_check: dict[int, list[dict[str, Any]]] = {}
        for row in got.to_dicts():
            by_check.setdefault(int(row.pop(_CHECK)), []).append(row)
        out = list(results)
        for i in wanted:
            out[i] = dataclasses.replace(results[i], sample=tuple(by_check.get(i, [])))
        return out
