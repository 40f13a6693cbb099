"""The Great Expectations engine: expectations by their GX names and kwargs, run by GX.

GX runs on pandas (its SQL engine through duckdb-engine fails on every expectation), so
only the columns the expectations read are converted: the ones they name, the ones a
``row_condition`` mentions, and every column (in order) for table expectations and
``column_index``. GX is imported here, lazily: a suite whose expectations the native engine
translates never imports it.

GX 1.x reports an exception per metric (``exception_info`` keyed by metric), and an exception
inside ``batch.validate`` would lose every result: both become that expectation's check error,
and a failing batch is re-validated one expectation at a time so the others still run.
Repeats of an expectation whose metric GX 1.24 shares across one validation (two quantile
expectations on one column) are validated on their own.
"""

from __future__ import annotations

from typing import Any

from .._errors import SuiteDefinitionError
from .._result import CheckResult
from ..suite._model import ExpectationSpec
from ._base import RunContext, unrunnable
from ._items import (
    expectation_columns,
    expectation_ids,
    gx_items,
    gx_result,
    missing_column_result,
)

__all__ = ["GXEngine", "expectation_ids", "gx_items", "missing_column_result"]


def _frame_columns(spec: ExpectationSpec, present: list[str]) -> list[str] | None:
    """Columns GX must be handed for ``spec``; None for all of them, in the data's order."""
    cols = expectation_columns(spec)
    if cols is None or "column_index" in spec.kwargs:
        return None
    condition = spec.kwargs.get("row_condition")
    if isinstance(condition, str) and condition:
        # over-inclusive on purpose: a name that merely appears in the text costs one column
        cols += [c for c in present if c in condition and c not in cols]
    return cols


class GXEngine:
    """Expectations from ``expectations:`` and ``include.gx`` files."""

    name = "gx"

    def applies(self, ctx: RunContext) -> bool:
        return any(not self._handled(ctx, key) for key, _, _ in gx_items(ctx))

    @staticmethod
    def _handled(ctx: RunContext, key: tuple[str, ...]) -> bool:
        return key in ctx.handled

    def run(self, ctx: RunContext) -> list[CheckResult]:
        ctx.say("importing Great Expectations")
        import great_expectations as gx
        from great_expectations.expectations.registry import get_expectation_impl

        present = ctx.present
        items = gx_items(ctx)
        ids = expectation_ids([s for _, s, _ in items])
        todo = [
            (k, s, loc, cid)
            for (k, s, loc), cid in zip(items, ids, strict=True)
            if not self._handled(ctx, k)
        ]
        results: dict[str, CheckResult] = {}
        runnable: list[tuple[str, ExpectationSpec, Any]] = []
        need_all = False
        need: set[str] = set()
        columns = list(present)
        for _key, spec, loc, cid in todo:
            cols = expectation_columns(spec)
            missing = [c for c in (cols or []) if c not in present]
            if missing:
                results[cid] = missing_column_result(ctx, cid, spec, missing[0])
                continue
            try:
                impl = get_expectation_impl(spec.type)
                kwargs = {
                    k: v
                    for k, v in spec.kwargs.items()
                    if k not in ("result_format", "catch_exceptions", "meta")
                }
                # tagged with the check id: GX's results come back in its own order
                expectation = impl(
                    **kwargs, meta={**spec.meta, **spec.kwargs.get("meta", {}), "gates_id": cid}
                )
            except (
                Exception
            ) as exc:  # GX raises pydantic v1 ValidationError and others on bad kwargs
                text = " ".join(str(exc).split())
                if isinstance(loc, str):
                    raise SuiteDefinitionError(
                        f"{spec.type}: invalid kwargs: {text}", path=loc
                    ) from None
                raise ctx.suite.error(f"{spec.type}: invalid kwargs: {text}", loc) from None
            runnable.append((cid, spec, expectation))
            frame_cols = _frame_columns(spec, columns)
            if frame_cols is None:
                need_all = True
            else:
                need.update(frame_cols)
        order = [cid for _, _, _, cid in todo]
        if not runnable:
            return [results[c] for c in order]
        ctx.say(f"Great Expectations: {len(runnable)} expectations on pandas")
        frame = (
            ctx.dataset.lazy
            if need_all
            else ctx.dataset.lazy.select([c for c in columns if c in need])
        )
        pdf = frame.collect().to_pandas()
        context = gx.get_context(mode="ephemeral")
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        batch_def = (
            context.data_sources.add_pandas("gates")
            .add_dataframe_asset("data")
            .add_batch_definition_whole_dataframe("all")
        )
        batch = batch_def.get_batch(batch_parameters={"dataframe": pdf})
        result_format = {"result_format": "COMPLETE", "partial_unexpected_count": ctx.sample_size}
        suite = gx.ExpectationSuite(name=ctx.suite.name)
        solo = _solo_ids(runnable)
        for cid, spec, expectation in runnable:
            if spec.where is None and cid not in solo:  # a where: runs on a batch of its rows
                suite.add_expectation(expectation)

        def alone(
            cid: str, spec: ExpectationSpec, expectation: Any, on: Any = None, rows: int = -1
        ) -> CheckResult:
            try:
                res = (on or batch).validate(expectation, result_format=result_format)
            except Exception as exc:  # any GX failure is this check's error
                text = " ".join(str(exc).split()) or type(exc).__name__
                return unrunnable(
                    id=cid,
                    name=spec.label or spec.type,
                    engine="gx",
                    column=spec.column,
                    severity=spec.severity or ctx.suite.suite.severity,
                    error=f"Great Expectations raised {type(exc).__name__}: {text}",
                )
            return gx_result(ctx, cid, spec, res, len(pdf) if rows < 0 else rows)

        def kept(cid: str, spec: ExpectationSpec, expectation: Any) -> CheckResult:
            """GX on the rows ``where:`` keeps; their pandas index is their row number."""
            mask = ctx.dataset.lazy.select(ctx.where(spec)).collect().to_series().to_numpy()
            rows = pdf[mask]
            on = batch_def.get_batch(batch_parameters={"dataframe": rows})
            return alone(cid, spec, expectation, on, len(rows))

        try:
            pending = list(batch.validate(suite, result_format=result_format).results)
        except Exception:  # one expectation sank GX's batch: validate each on its own
            pending = []
        # GX does not keep the suite's order in its results: match each by the id in its meta;
        # one GX folded into an identical one (or lost with a sunk batch) runs on its own
        for cid, spec, expectation in runnable:
            if spec.where is not None:
                results[cid] = kept(cid, spec, expectation)
                continue
            if cid in solo:
                results[cid] = alone(cid, spec, expectation)
                continue
            match = next(
                (
                    r
                    for r in pending
                    if (getattr(r.expectation_config, "meta", None) or {}).get("gates_id") == cid
                ),
                None,
            )
            if match is None:
                results[cid] = alone(cid, spec, expectation)
                continue
            pending.remove(match)
            results[cid] = gx_result(ctx, cid, spec, match, len(pdf))
        return [results[c] for c in order]


#: Expectations GX 1.24 mixes up when two share a column in one validation: the metric's id is
#: fixed before the quantiles join its kwargs, so the second reads the first one's values.
_SHARED_METRIC = frozenset({"expect_column_quantile_values_to_be_between"})


def _solo_ids(runnable: list[tuple[str, ExpectationSpec, Any]]) -> set[str]:
    """Ids to validate on their own: every repeat of a ``_SHARED_METRIC`` type on one column."""
    seen: set[tuple[str, str | None]] = set()
    solo = set()
    for cid, spec, _ in runnable:
        if spec.type in _SHARED_METRIC:
            key = (spec.type, spec.column)
            if key in seen:
                solo.add(cid)
            seen.add(key)
    return solo
