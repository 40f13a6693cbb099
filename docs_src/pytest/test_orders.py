"""Hand-written data tests with the datagates fixtures and marker (docs/pytest.md)."""

import polars as pl
import pytest


def test_clean_orders_pass(gate):
    clean = pl.DataFrame(
        {"order_id": [1, 2], "amount": [12.5, 80.0], "status": ["paid", "refunded"]}
    )
    result = gate.check(clean, "suites/orders.yml")
    assert result.passed
    assert result == "pass"


def test_raw_orders_block(gate):
    result = gate.check("data/orders.csv", "suites/orders.yml")
    assert result == "block"
    assert [c.id for c in result.failed_checks] == ["amount::in_range", "status::isin"]


@pytest.mark.gate(suite="suites/orders.yml", data="data/orders.csv", fail_on="warn")
@pytest.mark.xfail(reason="the raw file has a negative amount", strict=True)
def test_marker_blocks(gate_result):
    assert gate_result.verdict == "block"
