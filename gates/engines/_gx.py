"""The Great Expectations engine: expectations by their GX names and kwargs, run by GX.

GX runs on pandas (its SQL engine through duckdb-engine fails on every expectation), so
only the columns the expectations read are converted: the ones they name, the ones a
``row_condition`` mentions, and every column (in order) for table expectations and
``column_index``. GX is imported here, lazily: a suite whose expectations the native engine
translates never imports it.

GX 1.x reports an exception per metric (``exception_info`` keyed by metric), and an exception
inside ``batch.validate`` would lose every result: both become that expectation's check error,
and a failing batch is re-validated one expectation at a time so the others still run.
"""

from __future__ import annotations

import re
from typing import Any

from .._errors import SuiteDefinitionError
from .._result import CheckResult, jsonable
from ..suite._model import ExpectationSpec
from ._base import RunContext, unrunnable

__all__ = ["GXEngine", "expectation_ids", "gx_items", "missing_column_result"]

_COLUMN_KWARGS = ("column", "column_A", "column_B")


def _columns_of(spec: ExpectationSpec) -> list[str] | None:
    """Columns an expectation reads; None when it needs the whole table (table-level)."""
    if spec.type.startswith("expect_table_"):
        return None
    cols = [str(spec.kwargs[k]) for k in _COLUMN_KWARGS if k in spec.kwargs]
    cols += [str(c) for c in spec.kwargs.get("column_list", [])]
    return cols or None


def _frame_columns(spec: ExpectationSpec, present: list[str]) -> list[str] | None:
    """Columns GX must be handed for ``spec``; None for all of them, in the data's order."""
    cols = _columns_of(spec)
    if cols is None or "column_index" in spec.kwargs:
        return None
    condition = spec.kwargs.get("row_condition")
    if isinstance(condition, str) and condition:
        # over-inclusive on purpose: a name that merely appears in the text costs one column
        cols += [c for c in present if c in condition and c not in cols]
    return cols


def _exception_message(info: Any) -> str | None:
    """The first exception GX reported, top-level or per metric (GX 1.x), as one line."""
    if not isinstance(info, dict):
        return None
    found: list[tuple[str, dict[str, Any]]] = []
    if info.get("raised_exception"):
        found.append(("", info))
    for key, value in info.items():
        if isinstance(value, dict) and value.get("raised_exception"):
            metric = re.search(r"metric_name='([^']+)'", str(key))
            found.append((metric.group(1) if metric else "", value))
    if not found:
        return None
    name, detail = found[0]
    text = str(detail.get("exception_message") or "GX raised an exception").strip()
    line = text.splitlines()[0] if text else "GX raised an exception"
    return f"{name}: {line}" if name else line


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
            cols = _columns_of(spec)
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
        for _, _, expectation in runnable:
            suite.add_expectation(expectation)

        def alone(cid: str, spec: ExpectationSpec, expectation: Any) -> CheckResult:
            try:
                res = batch.validate(expectation, result_format=result_format)
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
            return _to_result(ctx, cid, spec, res, len(pdf))

        try:
            pending = list(batch.validate(suite, result_format=result_format).results)
        except Exception:  # one expectation sank GX's batch: validate each on its own
            pending = []
        # GX does not keep the suite's order in its results: match each by the id in its meta;
        # one GX folded into an identical one (or lost with a sunk batch) runs on its own
        for cid, spec, expectation in runnable:
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
            results[cid] = _to_result(ctx, cid, spec, match, len(pdf))
        return [results[c] for c in order]


def gx_items(
    ctx: RunContext,
) -> list[tuple[tuple[str, ...], ExpectationSpec, tuple[str | int, ...] | str]]:
    """Every expectation of the run: (handled-key, spec, location or source file)."""
    own = [
        (("gx", str(i)), spec, ("expectations", i))
        for i, spec in enumerate(ctx.suite.suite.expectations)
    ]
    inc = [
        (("gx-include", str(i)), spec, src)
        for i, (spec, src) in enumerate(ctx.suite.included_expectations)
    ]
    return [*own, *inc]


def missing_column_result(
    ctx: RunContext, cid: str, spec: ExpectationSpec, column: str, *, engine: str = "gx"
) -> CheckResult:
    """The result of an expectation on a column the data lacks (a failed check, not a crash)."""
    return unrunnable(
        id=cid,
        name=spec.label or spec.type,
        engine=engine,
        column=spec.column,
        severity=spec.severity or ctx.suite.suite.severity,
        observed="missing",
        error=f"column {column!r} is not in the data",
    )


def expectation_ids(specs: list[ExpectationSpec]) -> list[str]:
    """Stable check ids for expectations (``column::expect_...``, ``#2`` for repeats)."""
    seen: dict[str, int] = {}
    out = []
    for s in specs:
        base = f"{s.column or 'table'}::{s.type}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def _to_result(
    ctx: RunContext, cid: str, spec: ExpectationSpec, res: Any, rows: int
) -> CheckResult:
    severity = spec.severity or ctx.suite.suite.severity
    msg = _exception_message(res.exception_info)
    if msg is not None:
        return unrunnable(
            id=cid,
            name=spec.label or spec.type,
            engine="gx",
            column=spec.column,
            severity=severity,
            error=msg,
        )
    r = dict(res.result or {})
    observed = jsonable(r.get("observed_value"))
    failing = r.get("unexpected_count")
    fraction = None
    sample: list[dict[str, Any]] = []
    if failing is not None:
        # GX's own share: unexpected values among the non-missing ones
        pct = r.get("unexpected_percent")
        fraction = float(pct) / 100 if pct is not None else 0.0
        observed = round(fraction, 6)
        idx = r.get("unexpected_index_list") or r.get("partial_unexpected_index_list") or []
        sample = [{"row": int(i)} for i in idx[: ctx.sample_size] if isinstance(i, int | float)]
    expected = ", ".join(f"{k}={v!r}" for k, v in spec.kwargs.items() if k != "column")
    mostly = spec.kwargs.get("mostly")
    if res.success:
        message = (
            "passed"
            if failing in (None, 0)
            else f"{failing:,} unexpected values, within mostly {mostly}"
        )
    elif failing is not None:
        message = f"{failing:,} unexpected values ({fraction:.2%})"
    else:
        message = f"observed {observed!r}"
    return CheckResult(
        id=cid,
        name=spec.label or spec.type,
        engine="gx",
        column=spec.column,
        severity=severity,
        passed=bool(res.success),
        observed=observed,
        expected=expected,
        failing_count=failing,
        failing_fraction=fraction,
        sample=tuple(sample),
        threshold=f"mostly {mostly}" if mostly is not None else None,
        message=message,
        details={
            "kwargs": spec.kwargs,
            "result": {
                k: v
                for k, v in r.items()
                if k
                not in (
                    "unexpected_list",
                    "unexpected_index_list",
                    "partial_unexpected_list",
                    "partial_unexpected_index_list",
                    "partial_unexpected_counts",
                    "unexpected_index_query",
                )
            },
        },
    )
