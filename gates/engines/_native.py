"""The native engine ("fast GX"): translated checks fused into one pass on the data's backend.

Every check that translates (pandera-style column checks, common GX expectations, the
``row_count`` and ``unique`` table checks) becomes a plan of a few aggregate expressions; the
backend for the kind of data (``gates.backends``: Polars, DuckDB, Spark) runs all of them in
ONE fused pass, and a second bounded pass fetches failing-row samples. On Polars the plans are
Polars expressions; on DuckDB and Spark they are narwhals expressions that narwhals lowers.
Checks that do not translate are left to the reference engines (pandera, GX, table), which
skip what ``ctx.handled`` lists. With ``engine="reference"`` nothing is translated; ``"gx"``
translates only column checks and ``"pandera"`` only expectations. docs/engines.md has the
translation table.
"""

from __future__ import annotations

from .._result import CheckResult
from ..backends import get_backend
from ._base import RunContext
from ._native_plan import Plan, compiling_plans
from ._translate_gx import gx_plans
from ._translate_pandera import pandera_plans
from ._translate_table import table_plans

__all__ = ["NativeEngine"]


class NativeEngine:
    """Fused evaluation, on the data's backend, of every check it can translate."""

    name = "native"

    def applies(self, ctx: RunContext) -> bool:
        if ctx.mode == "reference":
            return False
        s = ctx.suite.suite
        return bool(s.columns or s.expectations or s.checks or ctx.suite.included_expectations)

    def plans(self, ctx: RunContext) -> list[Plan]:
        """The translated checks for this run's mode (nothing is read)."""
        backend = get_backend(ctx.dataset.backend)
        schema, ns = ctx.dataset.schema, backend.ns
        plans: list[Plan] = []
        if ctx.mode in ("auto", "gx", "polars", "duckdb", "spark"):
            plans += pandera_plans(ctx, schema, ns)
        if ctx.mode in ("auto", "pandera", "polars", "duckdb", "spark"):
            plans += gx_plans(ctx, schema, ns)
        if ctx.mode != "reference":
            plans += table_plans(ctx, schema, ns)
        if backend.name == "polars":
            return compiling_plans(plans, schema)
        compiling = getattr(backend, "compiling", None)
        return list(compiling(ctx, plans)) if compiling is not None else plans

    def run(self, ctx: RunContext) -> list[CheckResult]:
        plans = self.plans(ctx)
        if not plans:
            return []
        backend = get_backend(ctx.dataset.backend)
        ctx.say(f"native: {len(plans)} checks in one {backend.name} pass")
        results = backend.run(ctx, plans)
        if results is None:
            return []  # the fused pass failed on a check: the reference engines run everything
        ctx.handled.update(p.key for p in plans)
        return results
