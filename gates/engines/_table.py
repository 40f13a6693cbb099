"""Table-level checks: row count, compound uniqueness, SQL expressions and queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from .._errors import InputError
from .._io._names import row_index_name, sample_row
from .._result import CheckResult
from ..suite._model import TableCheck
from ._base import RunContext, row_count_message, threshold_result, unrunnable

__all__ = ["TableEngine"]


class TableEngine:
    """Runs the suite's ``checks:`` list with Polars (and DuckDB for ``query``)."""

    name = "table"

    def applies(self, ctx: RunContext) -> bool:
        return bool(ctx.suite.suite.checks)

    def run(self, ctx: RunContext) -> list[CheckResult]:
        results: list[CheckResult] = []
        seen: dict[str, int] = {}
        for i, spec in enumerate(ctx.suite.suite.checks):
            n = seen[spec.check] = seen.get(spec.check, 0) + 1
            cid = f"table::{spec.check}" + (f"#{n}" if n > 1 else "")
            if ("table", str(i)) in ctx.handled:
                continue
            ctx.say(f"table check {spec.check}")
            try:
                results.append(getattr(self, f"_{spec.check}")(ctx, spec, cid, i))
            except InputError:
                raise
            except (pl.exceptions.PolarsError, ValueError, RuntimeError) as exc:
                if isinstance(exc, pl.exceptions.PolarsError) and ctx.dataset.files:
                    diagnosed = ctx.dataset.input_error(exc)
                    if diagnosed.line is not None or "line" in str(diagnosed):
                        raise diagnosed from exc
                msg = str(exc).strip().splitlines()[0]
                results.append(
                    unrunnable(
                        id=cid,
                        name=spec.label or spec.check,
                        engine=self.name,
                        column=None,
                        severity=ctx.suite.suite.severity_of(spec),
                        error=msg,
                    )
                )
        return results

    def _result(
        self, ctx: RunContext, spec: TableCheck, cid: str, name: str, **fields: Any
    ) -> CheckResult:
        """A table check's result: its id, display name, this engine and the suite's severity."""
        return CheckResult(
            id=cid,
            name=spec.label or name,
            engine=self.name,
            severity=ctx.suite.suite.severity_of(spec),
            **fields,
        )

    @staticmethod
    def _frame(ctx: RunContext, spec: TableCheck, index: str | None = None) -> pl.LazyFrame:
        """The data (with a row number column ``index``), only the rows ``where:`` keeps."""
        lf = ctx.dataset.lazy
        if index is not None:
            lf = lf.with_row_index(index)
        keep = ctx.where(spec)
        return lf if keep is None else lf.filter(keep)

    def _row_count(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        rows = (
            ctx.dataset.rows
            if spec.where is None
            else int(self._frame(ctx, spec).select(pl.len()).collect().item())
        )
        lo, hi, eq = spec.kwargs.get("min"), spec.kwargs.get("max"), spec.kwargs.get("equal")
        ok = (
            (lo is None or rows >= lo) and (hi is None or rows <= hi) and (eq is None or rows == eq)
        )
        expected = (
            f"rows == {eq}"
            if eq is not None
            else f"{lo if lo is not None else 0} <= rows" + (f" <= {hi}" if hi is not None else "")
        )
        bounds = expected
        if spec.where is not None:
            expected += f", where {spec.where}"
        return self._result(
            ctx,
            spec,
            cid,
            "row_count",
            column=None,
            passed=ok,
            observed=rows,
            expected=expected,
            message=row_count_message(rows, spec.where, ok, bounds),
        )

    def _dupes(
        self, ctx: RunContext, spec: TableCheck, cid: str, columns: list[str], name: str
    ) -> CheckResult:
        missing = [c for c in columns if c not in ctx.present]
        if missing:
            raise ValueError(
                f"column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} not in the data"
            )
        index = row_index_name(ctx.dataset.columns)
        lf = self._frame(ctx, spec, index).select(index, *columns)
        dup = pl.struct(columns).is_duplicated()
        stats = lf.select(pl.len().alias("n"), dup.sum().alias("bad")).collect().row(0)
        rows, failing = int(stats[0]), int(stats[1])
        sample: list[dict[str, Any]] = []
        if failing:
            sample = [
                sample_row(d.pop(index), d)
                for d in lf.filter(dup).head(ctx.sample_size).collect().to_dicts()
            ]
        return threshold_result(
            ctx=ctx,
            spec=spec,
            id=cid,
            name=name,
            engine=self.name,
            column=None,
            failing=failing,
            rows=rows,
            expected=f"no two rows share ({', '.join(columns)})",
            sample=sample,
        )

    def _unique(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        cols = spec.kwargs["columns"]
        return self._dupes(
            ctx, spec, cid, [cols] if isinstance(cols, str) else list(cols), "unique"
        )

    def _no_duplicate_rows(
        self, ctx: RunContext, spec: TableCheck, cid: str, i: int
    ) -> CheckResult:
        return self._dupes(ctx, spec, cid, list(ctx.dataset.columns), "no_duplicate_rows")

    def _columns_present(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        cols = spec.kwargs["columns"]
        wanted = [cols] if isinstance(cols, str) else list(cols)
        missing = [c for c in wanted if c not in ctx.present]
        return self._result(
            ctx,
            spec,
            cid,
            "columns_present",
            column=None,
            passed=not missing,
            observed=missing or "all present",
            expected=f"columns {', '.join(wanted)}",
            message="all present" if not missing else f"missing: {', '.join(missing)}",
        )

    def _expression(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        text = str(spec.kwargs["sql"])
        try:
            expr = pl.sql_expr(text)
        except pl.exceptions.PolarsError as exc:
            raise ctx.suite.error(
                f"invalid SQL expression {text!r}: {str(exc).splitlines()[0]}", ("checks", i)
            ) from None
        bad = expr.not_().fill_null(False)
        index = row_index_name(ctx.dataset.columns)
        lf = self._frame(ctx, spec, index)
        stats = lf.select(pl.len().alias("n"), bad.sum().alias("bad")).collect().row(0)
        rows, failing = int(stats[0]), int(stats[1])
        sample = (
            [
                sample_row(d.pop(index), d)
                for d in lf.filter(bad).head(ctx.sample_size).collect().to_dicts()
            ]
            if failing
            else []
        )
        return threshold_result(
            ctx=ctx,
            spec=spec,
            id=cid,
            name="expression",
            engine=self.name,
            column=None,
            failing=failing,
            rows=rows,
            expected=text,
            sample=sample,
        )

    def _freshness(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        from ..suite._duration import format_duration, parse_duration, reference_time

        column = str(spec.kwargs["column"])
        if column not in ctx.present:
            raise ValueError(f"column {column!r} not in the data")
        dtype = ctx.dataset.schema[column]
        if not isinstance(dtype, pl.Datetime | pl.Date):
            raise ValueError(
                f"freshness needs a date or datetime column; {column!r} is {dtype}"
                " (declare it `dtype: datetime`, or parse it upstream)"
            )
        max_age = parse_duration(spec.kwargs["max_age"])
        now = reference_time(spec.kwargs.get("now"))
        newest = self._frame(ctx, spec).select(pl.col(column).max()).collect().item()
        expected = f"newest {column} within {spec.kwargs['max_age']} of {now:%Y-%m-%dT%H:%M:%SZ}"
        if spec.where is not None:
            expected += f", where {spec.where}"
        if newest is None:
            return self._result(
                ctx,
                spec,
                cid,
                "freshness",
                column=column,
                passed=False,
                observed=None,
                expected=expected,
                message=f"{column} has no values"
                + (f" where {spec.where}" if spec.where else "")
                + ": nothing is fresh",
            )
        if isinstance(newest, dt.datetime):
            at = newest.replace(tzinfo=dt.UTC) if newest.tzinfo is None else newest
        else:
            at = dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)
        age = now - at
        ok = age <= max_age
        return self._result(
            ctx,
            spec,
            cid,
            "freshness",
            column=column,
            passed=ok,
            observed=format_duration(age),
            expected=expected,
            message=f"newest {column} is {newest} ({format_duration(age)} old)"
            + ("" if ok else f"; expected at most {spec.kwargs['max_age']}"),
            details={"newest": str(newest), "now": now.isoformat(), "age_s": age.total_seconds()},
        )

    def _query(self, ctx: RunContext, spec: TableCheck, cid: str, i: int) -> CheckResult:
        import duckdb

        text = str(spec.kwargs["sql"])
        con = duckdb.connect()
        source = ctx.dataset.duckdb_source()
        # the row number is `row`, or a reserved name when the data has its own `row` column
        index = "row" if "row" not in ctx.dataset.columns else row_index_name(ctx.dataset.columns)
        if source:
            con.execute(
                f'create view data as select (row_number() over () - 1) as "{index}", * from {source}'
            )
        else:
            frame = ctx.dataset.lazy.with_row_index(index).collect()  # noqa: F841  (seen by DuckDB by name)
            con.execute("create view data as select * from frame")
        try:
            rows = int(con.execute("select count(*) from data").fetchall()[0][0])
            failing = int(con.execute(f"select count(*) from ({text})").fetchall()[0][0])
            sample = (
                [
                    sample_row(d.pop(index), d) if index in d else d
                    for d in con.sql(f"select * from ({text}) limit {ctx.sample_size}")
                    .pl()
                    .to_dicts()
                ]
                if failing
                else []
            )
        except duckdb.Error as exc:
            raise ctx.suite.error(
                f"query check failed in DuckDB: {str(exc).splitlines()[0]}", ("checks", i)
            ) from None
        return threshold_result(
            ctx=ctx,
            spec=spec,
            id=cid,
            name="query",
            engine=self.name,
            column=None,
            failing=failing,
            rows=rows,
            expected=f"no rows from: {text}",
            sample=sample,
        )
