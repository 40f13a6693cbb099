"""The native engine ("fast GX"): translated checks fused into one Polars pass over the data.

Every check that translates (pandera-style column checks, common GX expectations, the
``row_count`` and ``unique`` table checks) becomes a few aggregate expressions; all of them
run in ONE ``select`` collected once. A second pass fetches failing-row samples, only when
some row-level check had failing rows. Checks that do not translate are left to the
reference engines (pandera, GX, table), which skip what ``ctx.handled`` lists. With
``engine="reference"`` nothing is translated; ``"gx"`` translates only column checks and
``"pandera"`` only expectations. docs/engines.md has the translation table.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import polars as pl

from .._io._names import row_index_name
from .._result import CheckResult
from ._base import RunContext
from ._native_plan import Plan, plan_compiles
from ._translate_gx import gx_plans
from ._translate_pandera import pandera_plans
from ._translate_table import table_plans

__all__ = ["NativeEngine"]

_ROWS = "__rows"
#: Polars engine for the fused pass: streaming keeps memory flat on large files.
_ENGINE: Literal["streaming", "in-memory"] = "streaming"


class NativeEngine:
    """Fused Polars evaluation of every check it can translate."""

    name = "native"

    def applies(self, ctx: RunContext) -> bool:
        if ctx.mode == "reference":
            return False
        s = ctx.suite.suite
        return bool(s.columns or s.expectations or s.checks or ctx.suite.included_expectations)

    def plans(self, ctx: RunContext) -> list[Plan]:
        """The translated checks for this run's mode (nothing is read)."""
        schema = ctx.dataset.schema
        plans: list[Plan] = []
        if ctx.mode in ("auto", "gx"):
            plans += pandera_plans(ctx, schema)
        if ctx.mode in ("auto", "pandera"):
            plans += gx_plans(ctx, schema)
        if ctx.mode != "reference":
            plans += table_plans(ctx, schema)
        return [p for p in plans if plan_compiles(p, schema)]

    def run(self, ctx: RunContext) -> list[CheckResult]:
        plans = self.plans(ctx)
        if not plans:
            return []
        ctx.say(f"native: {len(plans)} checks in one pass")
        values = self._aggregate(ctx, plans)
        if values is None:
            return []  # the fused pass failed on a check: the reference engines run everything
        rows = int(values[_ROWS])
        values.update(self._costly(ctx, plans, values))
        results = [
            p.finish({n: values[f"{i}:{n}"] for n in [*p.aggs, *p.costly]}, rows)
            for i, p in enumerate(plans)
        ]
        results = self._samples(ctx, plans, results)
        ctx.handled.update(p.key for p in plans)
        return results

    def _aggregate(self, ctx: RunContext, plans: list[Plan]) -> dict[str, Any] | None:
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

    def _costly(self, ctx: RunContext, plans: list[Plan], values: dict[str, Any]) -> dict[str, Any]:
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
        self, ctx: RunContext, plans: list[Plan], results: list[CheckResult]
    ) -> list[CheckResult]:
        """One pass for the failing rows of every row-level check that failed."""
        wanted = [
            i
            for i, (p, r) in enumerate(zip(plans, results, strict=True))
            if p.bad is not None and not r.passed and r.failing_count and ctx.sample_size > 0
        ]
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
