"""The Polars backend: every plan's aggregates in ONE streaming ``select``, samples in one more.

Costly aggregates (the rows involved in duplicates) run in a second pass only when their cheap
probe (``n_unique() == len()``) did not settle them. Failing-row samples are row numbers
(``with_row_index``); the runner fills in the rows' values in one lookup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import polars as pl

from .._io._names import row_index_name
from .._result import CheckResult
from ..engines._base import RunContext
from ..engines._native_plan import Plan
from ._base import failed_row_checks

__all__ = ["BACKEND", "PolarsBackend"]

_ROWS = "__rows"
#: Polars engine for the fused pass: streaming keeps memory flat on large files.
_ENGINE: Literal["streaming", "in-memory"] = "streaming"


class PolarsBackend:
    """Plans built from Polars expressions, run on the dataset's LazyFrame."""

    name = "polars"
    ns: Any = pl

    def schema(self, native: Any) -> pl.Schema:
        lf = native.lazy() if isinstance(native, pl.DataFrame) else native
        schema: pl.Schema = lf.collect_schema()
        return schema

    def run(self, ctx: RunContext, plans: Sequence[Plan]) -> list[CheckResult] | None:
        values = self._aggregate(ctx, plans)
        if values is None:
            return None
        rows = int(values[_ROWS])
        values.update(self._costly(ctx, plans, values))
        results = [
            p.finish({n: values[f"{i}:{n}"] for n in [*p.aggs, *p.costly]}, rows)
            for i, p in enumerate(plans)
        ]
        return self._samples(ctx, plans, results)

    def _aggregate(self, ctx: RunContext, plans: Sequence[Plan]) -> dict[str, Any] | None:
        exprs = [e.alias(f"{i}:{n}") for i, p in enumerate(plans) for n, e in p.aggs.items()]
        exprs += [p.probe.alias(f"{i}:probe") for i, p in enumerate(plans) if p.probe is not None]
        if not exprs:
            return {_ROWS: ctx.dataset.rows}
        known = ctx.dataset.known_rows()
        exprs.append(pl.len().alias(_ROWS))
        try:
            row = ctx.dataset.lazy.select(exprs).collect(engine=_ENGINE).row(0, named=True)
        except pl.exceptions.PolarsError:
            # a reading error is the data's fault (the runner reports it); anything else is a
            # check Polars could not evaluate here, so let the reference engines run them all
            ctx.dataset.lazy.select(pl.len()).collect()
            return None
        if known is None:
            ctx.dataset.set_rows(int(row[_ROWS]))
        return dict(row)

    def _costly(
        self, ctx: RunContext, plans: Sequence[Plan], values: dict[str, Any]
    ) -> dict[str, Any]:
        """The costly aggregates whose probe did not settle them, in one more pass (if any)."""
        out: dict[str, Any] = {}
        exprs = []
        for i, p in enumerate(plans):
            settled = p.probe is not None and bool(values.get(f"{i}:probe"))
            for n, (expr, known) in p.costly.items():
                if settled:
                    out[f"{i}:{n}"] = known
                else:
                    exprs.append(expr.alias(f"{i}:{n}"))
        if exprs:
            out.update(ctx.dataset.lazy.select(exprs).collect(engine=_ENGINE).row(0, named=True))
        return out

    def _samples(
        self, ctx: RunContext, plans: Sequence[Plan], results: list[CheckResult]
    ) -> list[CheckResult]:
        """One pass for the failing rows of every row-level check that failed."""
        wanted = failed_row_checks(ctx, plans, results)
        if not wanted:
            return results
        index = row_index_name(ctx.dataset.columns)
        row = pl.col(index)
        exprs = [
            row.filter(bad).head(ctx.sample_size).implode().alias(str(i))
            for i in wanted
            if (bad := plans[i].bad) is not None
        ]
        got = (
            ctx.dataset.lazy.with_row_index(index)
            .select(exprs)
            .collect(engine=_ENGINE)
            .row(0, named=True)
        )
        out = list(results)
        for i in wanted:
            sample = tuple({"row": int(r)} for r in got[str(i)])
            out[i] = dataclasses.replace(results[i], sample=sample)
        return out


BACKEND = PolarsBackend()
