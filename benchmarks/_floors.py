"""The floors: one DuckDB query, or one Polars `select`, computing what a suite needs in one pass.

Run as a child process by the harness (`python -m benchmarks._floors TASK FILE`); prints one
JSON line. The check floors return the failure count of each of the 12 checks; the profile
floors return count, nulls, min, max and approximate distinct count of every column.
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
    CHECK_NAMES,
    EMAIL_PATTERN,
    MEAN_AMOUNT_RANGE,
    MIN_ROWS,
    QUANTITY_RANGE,
)


def _sql_set(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def check_sql(path: str) -> str:
    """The single aggregate query computing the 12 checks' failure counts over `path`."""
    lo, hi = AMOUNT_RANGE
    return f"""
    SELECT
      count(*) FILTER (WHERE order_id IS NULL) AS order_id_not_null,
      count(*) FILTER (WHERE customer_id IS NULL) AS customer_id_not_null,
      count(*) FILTER (WHERE created_at IS NULL) AS created_at_not_null,
      count(*) FILTER (WHERE amount < {lo} OR amount > {hi}) AS amount_in_range,
      count(*) FILTER (WHERE age < {AGE_RANGE[0]} OR age > {AGE_RANGE[1]}) AS age_in_range,
      count(*) FILTER (WHERE quantity < {QUANTITY_RANGE[0]} OR quantity > {QUANTITY_RANGE[1]})
        AS quantity_in_range,
      count(*) FILTER (WHERE status NOT IN ({_sql_set(ALLOWED_STATUSES)})) AS status_in_set,
      count(*) FILTER (WHERE country NOT IN ({_sql_set(ALLOWED_COUNTRIES)})) AS country_in_set,
      count(order_id) - count(DISTINCT order_id) AS order_id_unique,
      count(*) FILTER (WHERE NOT regexp_matches(email, '{EMAIL_PATTERN}')) AS email_matches,
      CAST(count(*) < {MIN_ROWS} AS BIGINT) AS row_count_min,
      CAST(coalesce(avg(amount) NOT BETWEEN {MEAN_AMOUNT_RANGE[0]} AND {MEAN_AMOUNT_RANGE[1]}, true)
        AS BIGINT) AS amount_mean_between
    FROM read_parquet('{path}')
    """


def duckdb_check_counts(path: str) -> dict[str, int]:
    """The 12 checks' failure counts over the Parquet file at `path`, by DuckDB in one query."""
    import duckdb

    con = duckdb.connect()
    row = con.execute(check_sql(path)).fetchone()
    assert row is not None
    return dict(zip(CHECK_NAMES, (int(v) for v in row), strict=True))


def polars_check_counts(path: str) -> dict[str, int]:
    """The 12 checks' failure counts over the Parquet file at `path`, by one Polars `select`."""
    import polars as pl

    c = pl.col
    mean = c("amount").mean()
    out = (
        pl.scan_parquet(path)
        .select(
            order_id_not_null=c("order_id").null_count(),
            customer_id_not_null=c("customer_id").null_count(),
            created_at_not_null=c("created_at").null_count(),
            amount_in_range=c("amount").is_between(*AMOUNT_RANGE).not_().sum(),
            age_in_range=c("age").is_between(*AGE_RANGE).not_().sum(),
            quantity_in_range=c("quantity").is_between(*QUANTITY_RANGE).not_().sum(),
            status_in_set=c("status").is_in(ALLOWED_STATUSES).not_().sum(),
            country_in_set=c("country").is_in(ALLOWED_COUNTRIES).not_().sum(),
            order_id_unique=c("order_id").count() - c("order_id").drop_nulls().n_unique(),
            email_matches=c("email").str.contains(EMAIL_PATTERN).not_().sum(),
            row_count_min=(pl.len() < MIN_ROWS).cast(pl.Int64),
            amount_mean_between=(
                mean.is_between(*MEAN_AMOUNT_RANGE).not_().fill_null(True).cast(pl.Int64)
            ),
        )
        .collect()
    )
    return {name: int(out[name][0]) for name in CHECK_NAMES}


def duckdb_profile(path: str) -> dict[str, list[Any]]:
    """Count, nulls, min, max and approximate distinct of every column, in one DuckDB query."""
    import duckdb

    con = duckdb.connect()
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
    aggs = ", ".join(
        f'count("{n}"), count(*) - count("{n}"), min("{n}"), max("{n}"), approx_count_distinct("{n}")'
        for n in names
    )
    row = con.execute(f"SELECT {aggs} FROM read_parquet('{path}')").fetchone()
    assert row is not None
    return {n: list(row[5 * i : 5 * i + 5]) for i, n in enumerate(names)}


def polars_profile(path: str) -> dict[str, list[Any]]:
    """Count, nulls, min, max and approximate distinct of every column, in one Polars `select`."""
    import polars as pl

    lf = pl.scan_parquet(path)
    names = lf.collect_schema().names()
    exprs = []
    for n in names:
        c = pl.col(n)
        exprs += [
            c.count().alias(f"{n}|count"),
            c.null_count().alias(f"{n}|nulls"),
            c.min().alias(f"{n}|min"),
            c.max().alias(f"{n}|max"),
            c.approx_n_unique().alias(f"{n}|distinct"),
        ]
    row = lf.select(exprs).collect().row(0)
    return {n: list(row[5 * i : 5 * i + 5]) for i, n in enumerate(names)}


def _failed(counts: dict[str, int]) -> dict[str, Any]:
    return {"failed": sum(1 for v in counts.values() if v), "counts": counts}


TASKS: dict[str, Callable[[str], dict[str, Any]]] = {
    "check-duckdb": lambda p: _failed(duckdb_check_counts(p)),
    "check-polars": lambda p: _failed(polars_check_counts(p)),
    "profile-duckdb": lambda p: {"columns": len(duckdb_profile(p))},
    "profile-polars": lambda p: {"columns": len(polars_profile(p))},
}


def main(argv: list[str]) -> int:
    """Run one floor task on one file and print its JSON summary."""
    task, path = argv
    print(json.dumps(TASKS[task](path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
