"""The peers: the same 12 checks, or a profile, in each other tool's own form.

Run as a child process by the harness (`python -m benchmarks._peers TASK FILE`); each task
reads the Parquet file itself and prints one JSON line (`failed`: how many of the 12 checks
failed, so the tools can be seen to agree).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from ._spec import (
    AGE_RANGE,
    ALLOWED_COUNTRIES,
    ALLOWED_STATUSES,
    AMOUNT_RANGE,
    EMAIL_PATTERN,
    MEAN_AMOUNT_RANGE,
    MIN_ROWS,
    QUANTITY_RANGE,
)


def gx_check(path: str) -> dict[str, Any]:
    """The 12 checks as Great Expectations 1.x expectations on a pandas DataFrame."""
    import great_expectations as gx
    import great_expectations.expectations as gx_expectations
    import pandas as pd

    gxe: Any = gx_expectations  # the classes are not re-exported for mypy

    df = pd.read_parquet(path)
    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("bench").add_dataframe_asset("orders")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": df}
    )
    suite = gx.ExpectationSuite(name="bench")
    for exp in (
        gxe.ExpectColumnValuesToNotBeNull(column="order_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="created_at"),
        gxe.ExpectColumnValuesToBeBetween(
            column="amount", min_value=AMOUNT_RANGE[0], max_value=AMOUNT_RANGE[1]
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="age", min_value=AGE_RANGE[0], max_value=AGE_RANGE[1]
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="quantity", min_value=QUANTITY_RANGE[0], max_value=QUANTITY_RANGE[1]
        ),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(ALLOWED_STATUSES)),
        gxe.ExpectColumnValuesToBeInSet(column="country", value_set=list(ALLOWED_COUNTRIES)),
        gxe.ExpectColumnValuesToBeUnique(column="order_id"),
        gxe.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN),
        gxe.ExpectTableRowCountToBeBetween(min_value=MIN_ROWS),
        gxe.ExpectColumnMeanToBeBetween(
            column="amount", min_value=MEAN_AMOUNT_RANGE[0], max_value=MEAN_AMOUNT_RANGE[1]
        ),
    ):
        suite.add_expectation(exp)
    result = batch.validate(suite)
    return {"failed": sum(1 for r in result.results if not r.success)}


def _pandera_failed(exc: Exception) -> int:
    cases = exc.failure_cases  # type: ignore[attr-defined]
    if hasattr(cases, "to_pandas"):  # polars backend
        cases = cases.to_pandas()
    return int(cases[["column", "check"]].astype(str).drop_duplicates().shape[0])


def pandera_pandas_check(path: str) -> dict[str, Any]:
    """The 12 checks as a `pandera.pandas.DataFrameSchema`, validated lazily."""
    import pandas as pd
    import pandera.pandas as pa

    df = pd.read_parquet(path)
    schema = pa.DataFrameSchema(
        {
            "order_id": pa.Column(nullable=False, unique=True),
            "customer_id": pa.Column(nullable=False),
            "created_at": pa.Column(nullable=False),
            "amount": pa.Column(nullable=True, checks=pa.Check.in_range(*AMOUNT_RANGE)),
            "age": pa.Column(checks=pa.Check.in_range(*AGE_RANGE)),
            "quantity": pa.Column(checks=pa.Check.in_range(*QUANTITY_RANGE)),
            "status": pa.Column(nullable=True, checks=pa.Check.isin(ALLOWED_STATUSES)),
            "country": pa.Column(nullable=True, checks=pa.Check.isin(ALLOWED_COUNTRIES)),
            "email": pa.Column(nullable=True, checks=pa.Check.str_matches(EMAIL_PATTERN)),
        },
        checks=[
            pa.Check(lambda d: len(d) >= MIN_ROWS, name="row_count_min"),
            pa.Check(
                lambda d: MEAN_AMOUNT_RANGE[0] <= d["amount"].mean() <= MEAN_AMOUNT_RANGE[1],
                name="amount_mean_between",
            ),
        ],
    )
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return {"failed": _pandera_failed(exc)}
    return {"failed": 0}


def pandera_polars_check(path: str) -> dict[str, Any]:
    """The 12 checks as a `pandera.polars.DataFrameSchema`, validated lazily."""
    import pandera.polars as pa
    import polars as pl

    df = pl.read_parquet(path)
    schema = pa.DataFrameSchema(
        {
            "order_id": pa.Column(nullable=False, unique=True),
            "customer_id": pa.Column(nullable=False),
            "created_at": pa.Column(nullable=False),
            "amount": pa.Column(nullable=True, checks=pa.Check.in_range(*AMOUNT_RANGE)),
            "age": pa.Column(checks=pa.Check.in_range(*AGE_RANGE)),
            "quantity": pa.Column(checks=pa.Check.in_range(*QUANTITY_RANGE)),
            "status": pa.Column(nullable=True, checks=pa.Check.isin(ALLOWED_STATUSES)),
            "country": pa.Column(nullable=True, checks=pa.Check.isin(ALLOWED_COUNTRIES)),
            "email": pa.Column(nullable=True, checks=pa.Check.str_matches(EMAIL_PATTERN)),
        },
        checks=[
            pa.Check(lambda d: d.lazyframe.select(pl.len() >= MIN_ROWS), name="row_count_min"),
            pa.Check(
                lambda d: d.lazyframe.select(
                    pl.col("amount").mean().is_between(*MEAN_AMOUNT_RANGE)
                ),
                name="amount_mean_between",
            ),
        ],
    )
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return {"failed": _pandera_failed(exc)}
    return {"failed": 0}


def duckdb_summarize(path: str) -> dict[str, Any]:
    """DuckDB's `SUMMARIZE` over the file."""
    import duckdb

    rows = duckdb.connect().execute(f"SUMMARIZE SELECT * FROM read_parquet('{path}')").fetchall()
    return {"columns": len(rows)}


def polars_describe(path: str) -> dict[str, Any]:
    """Polars' `describe()` of the file, read lazily."""
    import polars as pl

    out = pl.scan_parquet(path).describe()
    return {"columns": out.width - 1}


def ydata_profile(path: str) -> dict[str, Any]:
    """ydata-profiling's minimal report of the file: its statistics, not rendered.

    `to_json()` would serialise every value count of every column (500 MB at 1M rows, where
    order_id, email and description are near-unique), timing the serialiser, not the profiler.
    """
    import importlib.metadata
    import types

    try:
        import pkg_resources  # noqa: F401
    except ImportError:  # setuptools>=81 dropped it; ydata-profiling 4.x still imports it
        shim = types.ModuleType("pkg_resources")
        shim.get_distribution = lambda name: types.SimpleNamespace(  # type: ignore[attr-defined]
            version=importlib.metadata.version(name)
        )
        sys.modules["pkg_resources"] = shim
    import pandas as pd
    from ydata_profiling import ProfileReport

    df = pd.read_parquet(path)
    report = ProfileReport(df, minimal=True, progress_bar=False)
    return {"columns": len(report.get_description().variables)}


TASKS: dict[str, Callable[[str], dict[str, Any]]] = {
    "check-gx": gx_check,
    "check-pandera-pandas": pandera_pandas_check,
    "check-pandera-polars": pandera_polars_check,
    "profile-duckdb-summarize": duckdb_summarize,
    "profile-polars-describe": polars_describe,
    "profile-ydata": ydata_profile,
}


def main(argv: list[str]) -> int:
    """Run one peer task on one file and print its JSON summary."""
    task, path = argv
    print(json.dumps(TASKS[task](path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
