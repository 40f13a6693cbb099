"""The same suite gives the same statuses, failing counts and observed values on every backend."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import gates
from gates._sample import make_orders

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "suites" / "orders.yml"


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seam") / "orders.parquet"
    make_orders().write_parquet(path)
    return path


def _digest(result: gates.GateResult) -> dict[str, tuple[object, ...]]:
    return {
        c.id: (
            c.passed,
            c.failing_count,
            round(c.observed, 9) if isinstance(c.observed, float) else c.observed,
        )
        for c in result.checks
    }


def test_duckdb_backend_matches_polars(orders: Path) -> None:
    """engine=duckdb runs the fused plan in DuckDB with the Polars path's results."""
    on_polars = gates.check(orders, SUITE, engine="polars")
    on_duckdb = gates.check(orders, SUITE, engine="duckdb")
    assert (on_polars.backend, on_duckdb.backend) == ("polars", "duckdb")
    assert _digest(on_duckdb) == _digest(on_polars)
    assert on_duckdb.to_dict()["backend"] == "duckdb"


def test_duckdb_relation_is_materialised_once(orders: Path) -> None:
    """A relation handed to gates.check runs its query once, however many passes follow."""
    con = duckdb.connect()
    calls: list[int] = []

    def tick(x: int) -> int:
        calls.append(1)
        return x

    con.create_function("tick", tick, ["BIGINT"], "BIGINT", side_effects=True)
    rel = con.sql(f"select * replace (tick(order_id) as order_id) from '{orders}'")
    result = gates.check(rel, SUITE)
    assert result.backend == "duckdb"
    assert len(calls) == result.dataset.rows  # one execution of the query, row by row
    assert _digest(result) == _digest(gates.check(orders, SUITE, engine="polars"))


def test_a_relation_on_a_busy_connection_is_an_input_error(orders: Path) -> None:
    """DuckDB 2.x refuses work on a connection whose last execute() was not read to its end:
    gates says so in one line (exit 2 material), not with DuckDB's traceback."""
    con = duckdb.connect()
    rel = con.sql(f"select * from '{orders}'")
    con.execute("select 1 union all select 2").fetchone()  # half read
    with pytest.raises(gates.InputError, match=r"unfinished result from execute\(\).*fetchall"):
        gates.check(rel, SUITE)
    con.execute("select 1").fetchall()  # read to the end: the connection is free again
    assert gates.check(rel, SUITE).backend == "duckdb"
