"""The pandera engine: the suite's column checks, run by pandera's polars backend.

Each check is a pandera ``Check`` (``pa.Check.in_range(...)``) applied by pandera's own check
backend; nullability and uniqueness go through a pandera ``DataFrameSchema`` validated
lazily, so every failure is collected in one run. Schemas named in ``include.pandera`` run
as they are (polars schemas on the frame; pandas schemas on a pandas copy of it).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

import polars as pl

from .._errors import InputError
from .._io._names import row_index_name
from .._result import CheckResult, Severity
from ..suite._model import ColumnCheck, ColumnSpec
from ..suite._regex import anchored
from ._base import RunContext, describe_check, threshold_result, unrunnable
from ._items import column_check_id

__all__ = ["PanderaEngine", "column_check_id"]

_STRING_CHECKS = {"str_matches", "str_contains", "str_startswith", "str_endswith", "str_length"}


def _is_texty(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


class PanderaEngine:
    """Column checks from ``columns:`` and schemas from ``include.pandera``."""

    name = "pandera"

    def applies(self, ctx: RunContext) -> bool:
        """True when an included schema or a column check is left that the native engine did not run."""
        s = ctx.suite.suite
        if s.include.pandera:
            return True
        for column, spec in s.columns.items():
            if column not in ctx.present:
                continue
            keys = [("column", column, str(i)) for i in range(len(spec.checks))]
            keys += [
                ("column", column, n)
                for n, on in (("not_nullable", not spec.nullable), ("unique", spec.unique))
                if on
            ]
            if any(k not in ctx.handled for k in keys):
                return True
        return False

    def run(self, ctx: RunContext) -> list[CheckResult]:
        import pandera.polars as pa

        results: list[CheckResult] = []
        schema = ctx.dataset.schema
        lf = ctx.dataset.lazy
        rows = ctx.dataset.rows
        for column, spec in ctx.suite.suite.columns.items():
            if column not in schema:
                continue
            results.extend(self._column_constraints(ctx, pa, column, spec, rows))
            for i, check in enumerate(spec.checks):
                if ("column", column, str(i)) in ctx.handled:
                    continue
                ctx.say(f"pandera {column}::{check.check}")
                results.append(
                    self._one_check(ctx, pa, lf, column, spec, check, i, schema[column], rows)
                )
        for ref in ctx.suite.suite.include.pandera:
            ctx.say(f"pandera schema {ref}")
            results.extend(self._included(ctx, ref, rows))
        return results

    # --- one column check ---------------------------------------------------------------
    def _one_check(
        self,
        ctx: RunContext,
        pa: Any,
        lf: pl.LazyFrame,
        column: str,
        spec: ColumnSpec,
        check: ColumnCheck,
        index: int,
        dtype: pl.DataType,
        rows: int,
    ) -> CheckResult:
        cid = column_check_id(column, spec, check, index)
        expected = describe_check(column, check.check, check.kwargs)
        severity = ctx.suite.suite.severity_of(check, spec)
        cannot_run = functools.partial(
            unrunnable,
            id=cid,
            name=check.label or check.check,
            engine=self.name,
            column=column,
            severity=severity,
            expected=expected,
        )
        if check.check in _STRING_CHECKS and not _is_texty(dtype):
            msg = f"{check.check} needs a string column; {column!r} is {dtype}"
            return cannot_run(error=msg)
        keep = ctx.where(check)
        positions: pl.Series | None = None
        try:
            if keep is not None:  # where: pandera judges the kept rows; samples keep their numbers
                row_col = row_index_name(ctx.dataset.columns)
                kept = lf.with_row_index(row_col).filter(keep).select(row_col, column).collect()
                positions, lf = kept[row_col], kept.drop(row_col).lazy()
                rows = kept.height
            kwargs = check.kwargs
            if check.check == "str_matches" and isinstance(kwargs.get("pattern"), str):
                # one meaning on every backend (gates.suite._regex): ^(?:p) binds the whole
                # pattern, where pandera's own "^" + p lets the `b` of `a|b` match anywhere
                kwargs = {**kwargs, "pattern": anchored(check.check, kwargs["pattern"])}
            pandera_check = getattr(pa.Check, check.check)(**kwargs)
            outcome = pandera_check(lf.select(column), column)
            if check.check == "unique_values_eq":
                ok = bool(outcome.check_passed.collect().item())
                observed = sorted(
                    map(
                        str,
                        lf.select(pl.col(column).drop_nulls().unique())
                        .collect()
                        .to_series()
                        .to_list(),
                    )
                )
                return CheckResult(
                    id=cid,
                    name=check.label or check.check,
                    engine=self.name,
                    column=column,
                    severity=severity,
                    passed=ok,
                    observed=observed[:50],
                    expected=expected,
                    message="distinct values match"
                    if ok
                    else f"distinct values are {observed[:10]}",
                )
            flags = outcome.check_output.select(
                pl.col("check_output").fill_null(True).not_().alias("bad")
            ).with_row_index("row")
            failing = int(flags.select(pl.col("bad").sum()).collect().item())
            sample = (
                flags.filter("bad").head(ctx.sample_size).select("row").collect().to_dicts()
                if failing
                else []
            )
            if positions is not None:
                sample = [{"row": int(positions[int(r["row"])])} for r in sample]
        except InputError:
            raise
        except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
            if (
                isinstance(exc, pl.exceptions.ComputeError)
                and ctx.dataset.files
                and _is_read_error(exc)
            ):
                raise ctx.dataset.input_error(exc) from exc  # the data, not the check, is broken
            msg = str(exc).strip().splitlines()[0]
            return cannot_run(error=msg)
        return threshold_result(
            ctx=ctx,
            spec=check,
            id=cid,
            name=check.check,
            engine=self.name,
            column=column,
            failing=failing,
            rows=rows,
            expected=expected,
            sample=sample,
            col_spec=spec,
            details={"kwargs": check.kwargs},
        )

    # --- nullable / unique ------------------------------------------------------------------
    def _column_constraints(
        self, ctx: RunContext, pa: Any, column: str, spec: ColumnSpec, rows: int
    ) -> list[CheckResult]:
        wanted = [
            (n, on)
            for n, on in (("not_nullable", not spec.nullable), ("unique", spec.unique))
            if on
        ]
        wanted = [(n, on) for n, on in wanted if ("column", column, n) not in ctx.handled]
        if not wanted:
            return []
        ctx.say(f"pandera {column}: nullable/unique")
        schema = pa.DataFrameSchema(
            {column: pa.Column(None, nullable=spec.nullable, unique=spec.unique)}
        )
        failures: dict[str, list[int]] = {n: [] for n, _ in wanted}
        try:
            from pandera.config import ValidationDepth, config_context

            with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
                schema.validate(ctx.dataset.lazy.select(column), lazy=True)
        except pa.errors.SchemaErrors as exc:
            fc = exc.failure_cases
            for name, pandera_name in (
                ("not_nullable", "not_nullable"),
                ("unique", "field_uniqueness"),
            ):
                if name in failures:
                    idx = fc.filter(pl.col("check") == pandera_name)["index"]
                    failures[name] = [int(i) for i in idx.drop_nulls().to_list()]
        out = []
        for name, _ in wanted:
            bad = failures[name]
            thresholds = ColumnCheck.model_validate({"check": name, "kwargs": {}})
            expected = (
                f"{column} has no nulls"
                if name == "not_nullable"
                else f"{column} values are unique"
            )
            out.append(
                threshold_result(
                    ctx=ctx,
                    spec=thresholds,
                    id=f"{column}::{name}",
                    name=name,
                    engine=self.name,
                    column=column,
                    failing=len(bad),
                    rows=rows,
                    expected=expected,
                    sample=[{"row": r} for r in sorted(bad)[: ctx.sample_size]],
                    col_spec=spec,
                )
            )
        return out

    # --- include.pandera ----------------------------------------------------------------------
    def _included(self, ctx: RunContext, ref: str, rows: int) -> list[CheckResult]:
        schema = _load_schema(ctx, ref)
        module = type(schema).__module__
        severity = ctx.suite.suite.severity
        if module.startswith("pandera.api.polars"):
            from pandera.config import ValidationDepth, config_context

            data: Any = ctx.dataset.lazy
            errors_mod = importlib.import_module("pandera.errors")
            ctxmgr: Any = config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA)
        else:  # a pandas schema: pandera's pandas backend needs a pandas frame
            data = ctx.dataset.lazy.collect().to_pandas()
            errors_mod = importlib.import_module("pandera.errors")
            import contextlib

            ctxmgr = contextlib.nullcontext()
        failure_cases: pl.DataFrame | None = None
        try:
            with ctxmgr:
                out = schema.validate(data, lazy=True)
                if isinstance(out, pl.LazyFrame):
                    out.collect()
        except errors_mod.SchemaErrors as exc:
            fc = exc.failure_cases
            failure_cases = (
                fc
                if isinstance(fc, pl.DataFrame)
                else pl.from_pandas(fc.astype({"failure_case": str}))
            )
        except errors_mod.SchemaError as exc:  # raised eagerly for schema-level problems
            failure_cases = pl.DataFrame(
                {
                    "column": [getattr(exc, "column_name", None)],
                    "check": [str(exc.check or exc.reason_code)],
                    "index": [None],
                    "failure_case": [str(exc).splitlines()[0]],
                },
                schema={
                    "column": pl.String,
                    "check": pl.String,
                    "index": pl.Int64,
                    "failure_case": pl.String,
                },
            )
        return _results_from_pandera_schema(
            ctx, schema, failure_cases, ref, rows, severity, self.name
        )


def _is_read_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("utf-8", "fields", "parse", "csv", "json", "could not"))


def _load_schema(ctx: RunContext, ref: str) -> Any:
    """``file.py:Name``, ``package.module:Name`` or a pandera YAML file → a pandera schema."""
    where = ("include", "pandera")
    if ref.endswith((".yml", ".yaml")):
        from pandera.io import polars_io

        try:
            return polars_io.from_yaml(str(ctx.suite.resolve(ref)))  # type: ignore[no-untyped-call]  # pandera ships it untyped
        except Exception as exc:  # pandera raises several types for a bad file
            raise ctx.suite.error(
                f"include.pandera: {ref!r} is not a pandera YAML schema: {exc}", where
            ) from None
    target, _, attr = ref.rpartition(":")
    if not target or not attr:
        raise ctx.suite.error(
            f"include.pandera: {ref!r} should be `file.py:Name`, `module:Name` or a .yml file",
            where,
        )
    try:
        if target.endswith(".py"):
            path = ctx.suite.resolve(target)
            spec = importlib.util.spec_from_file_location(f"_gates_schema_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
        obj = getattr(module, attr)
    except (ImportError, AttributeError, SyntaxError, OSError) as exc:
        raise ctx.suite.error(f"include.pandera: cannot load {ref!r}: {exc}", where) from None
    if isinstance(obj, type) and hasattr(obj, "to_schema"):
        obj = obj.to_schema()  # a DataFrameModel
    if not hasattr(obj, "validate") or not hasattr(obj, "columns"):
        raise ctx.suite.error(
            f"include.pandera: {ref!r} is a {type(obj).__name__}, not a pandera schema", where
        )
    return obj


def _results_from_pandera_schema(
    ctx: RunContext,
    schema: Any,
    fc: pl.DataFrame | None,
    ref: str,
    rows: int,
    severity: Severity,
    engine: str,
) -> list[CheckResult]:
    """One result per check the schema declares, failed where pandera reported failure cases."""
    name = getattr(schema, "name", None) or Path(ref.split(":")[0]).stem
    declared: list[
        tuple[str | None, str, str]
    ] = []  # (column, check key in failure cases, display name)
    for col_name, col in schema.columns.items():
        declared.append((col_name, "column_in_dataframe", "column_exists"))
        if getattr(col, "dtype", None) is not None:
            declared.append((col_name, "dtype", "dtype"))
        if not col.nullable:
            declared.append((col_name, "not_nullable", "not_nullable"))
        if col.unique:
            declared.append((col_name, "field_uniqueness", "unique"))
        for chk in col.checks:
            declared.append((col_name, str(chk.error or chk.name), str(chk.name)))
    for chk in getattr(schema, "checks", []) or []:
        declared.append((None, str(chk.error or chk.name), str(chk.name)))
    groups: dict[tuple[str | None, str], pl.DataFrame] = {}
    if fc is not None and fc.height:
        for group_key, group_frame in fc.group_by(["column", "check"], maintain_order=True):
            col_key, check_key = group_key
            groups[(col_key, str(check_key))] = group_frame
    results: list[CheckResult] = []
    matched: set[tuple[str | None, str]] = set()
    for column, key, display in declared:
        found = _match(groups, column, key)
        cid = f"{name}:{column}::{display}" if column else f"{name}::{display}"
        if found is None:
            results.append(
                CheckResult(
                    id=cid,
                    name=display,
                    engine=engine,
                    column=column,
                    severity=severity,
                    passed=True,
                    failing_count=0,
                    failing_fraction=0.0,
                    message="passed",
                    details={"schema": ref},
                )
            )
            continue
        matched.add(found[0])
        frame = found[1]
        idx = (
            [int(i) for i in frame["index"].drop_nulls().to_list()]
            if "index" in frame.columns
            else []
        )
        failing = len(idx) if idx else frame.height
        sample = [{"row": r} for r in idx[: ctx.sample_size]] or [
            {"failure_case": v} for v in frame["failure_case"].to_list()[: ctx.sample_size]
        ]
        results.append(
            CheckResult(
                id=cid,
                name=display,
                engine=engine,
                column=column,
                severity=severity,
                passed=False,
                observed=frame["failure_case"][0]
                if not idx
                else round(failing / rows, 6)
                if rows
                else None,
                failing_count=failing,
                failing_fraction=failing / rows if rows else None,
                sample=tuple(sample),
                message=f"{failing:,} failure case{'s' if failing != 1 else ''} from pandera schema {name}",
                details={"schema": ref},
            )
        )
    for (
        other_column,
        other_key,
    ), frame in groups.items():  # failures pandera reported that we did not map
        if (other_column, other_key) in matched:
            continue
        results.append(
            CheckResult(
                id=f"{name}:{other_column}::{other_key}",
                name=other_key,
                engine=engine,
                column=other_column,
                severity=severity,
                passed=False,
                failing_count=frame.height,
                message=f"{frame.height:,} failure cases: {frame['failure_case'][0]}",
                details={"schema": ref},
            )
        )
    return results


def _match(
    groups: dict[tuple[str | None, str], pl.DataFrame], column: str | None, key: str
) -> tuple[tuple[str | None, str], pl.DataFrame] | None:
    for (col, check), frame in groups.items():
        if col == column and (check == key or check.startswith(key + "(") or key.startswith(check)):
            return (col, check), frame
        if (
            column is not None
            and col is None
            and key == "column_in_dataframe"
            and check == key
            and column in str(frame["failure_case"][0])
        ):
            return (col, check), frame
    return None
