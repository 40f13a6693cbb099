"""Schema checks: every column the suite names exists and has its dtype (no data read)."""

from __future__ import annotations

from .._dtypes import dtype_matches
from .._result import CheckResult
from ._base import RunContext

__all__ = ["SchemaEngine"]


class SchemaEngine:
    """``column_exists`` and ``dtype`` checks, from the data's schema alone."""

    name = "schema"

    def applies(self, ctx: RunContext) -> bool:
        return bool(ctx.suite.suite.columns)

    def run(self, ctx: RunContext) -> list[CheckResult]:
        suite = ctx.suite.suite
        schema = ctx.dataset.schema
        results: list[CheckResult] = []
        for column, spec in suite.columns.items():
            severity = spec.severity or suite.severity
            if column not in schema:
                if spec.required:
                    results.append(
                        CheckResult(
                            id=f"{column}::column_exists",
                            name="column_exists",
                            engine=self.name,
                            column=column,
                            severity=severity,
                            passed=False,
                            observed="missing",
                            expected=f"column {column!r} exists",
                            message=f"column {column!r} is not in the data; its {len(spec.checks) + spec.unique + (not spec.nullable)} other checks did not run"
                            f" (columns: {', '.join(list(schema)[:12])}{' …' if len(schema) > 12 else ''})",
                        )
                    )
                continue
            if spec.dtype is not None and column not in ctx.coerced:
                actual = schema[column]
                ok = dtype_matches(actual, spec.dtype)
                results.append(
                    CheckResult(
                        id=f"{column}::dtype",
                        name="dtype",
                        engine=self.name,
                        column=column,
                        severity=severity,
                        passed=ok,
                        observed=str(actual),
                        expected=spec.dtype,
                        message=f"dtype is {actual}" + ("" if ok else f", expected {spec.dtype}"),
                    )
                )
        return results
