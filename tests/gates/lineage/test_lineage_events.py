"""The events of a run: START then COMPLETE (or FAIL), their facets and values, file transport."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from lineage_schema import validate_event

import gates
from gates.lineage import Lineage, resolve

SUITE = """\
name: orders
columns:
  order_id: {dtype: int64, nullable: false, unique: true}
  amount:
    nullable: false
    checks:
      - in_range: {min_value: 0, max_value: 100}
checks:
  - row_count: {min: 3}
expectations:
  - type: expect_column_unique_value_count_to_be_between
    kwargs: {column: status, min_value: 1, max_value: 10}
  - type: expect_column_max_to_be_between
    kwargs: {column: amount, max_value: 1000}
    severity: warn
"""


def _events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yml"
    path.write_text(SUITE, encoding="utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "orders.parquet"
    pl.DataFrame(
        {
            "order_id": [1, 2, 3, 3, 5],
            "amount": [10.0, -5.0, 20.0, None, 300.0],
            "status": ["new", "paid", "new", None, "lost"],
        }
    ).write_parquet(path)
    return path


def test_start_and_complete_with_quality_facets(tmp_path: Path, suite: Path, data: Path) -> None:
    """One START and one COMPLETE, same run id (the ledger's), assertions and metrics of the run."""
    out = tmp_path / "events.ndjson"
    result = gates.check(data, suite, lineage=f"file:{out}")
    start, complete = _events(out)
    for event in (start, complete):
        validate_event(event)
    assert (start["eventType"], complete["eventType"]) == ("START", "COMPLETE")
    assert start["run"]["runId"] == complete["run"]["runId"] == str(uuid.UUID(result.run_id))
    assert complete["job"]["namespace"] == "datagates"
    assert complete["job"]["name"] == "orders"
    assert complete["job"]["facets"]["jobType"]["jobType"] == "DATA_QUALITY_CHECK"
    (inp,) = complete["inputs"]
    assert (inp["namespace"], inp["name"]) == ("file", str(data))
    assert [(f["name"], f["type"]) for f in inp["facets"]["schema"]["fields"]] == [
        ("order_id", "Int64"),
        ("amount", "Float64"),
        ("status", "String"),
    ]
    assertions = inp["facets"]["dataQualityAssertions"]["assertions"]
    assert [a["assertion"] for a in assertions] == [c.id for c in result.checks]
    assert {a["assertion"]: a["success"] for a in assertions} == {
        c.id: c.passed for c in result.checks
    }
    by_id = {a["assertion"]: a for a in assertions}
    assert by_id["order_id::unique"]["success"] is False
    assert by_id["order_id::unique"]["column"] == "order_id"
    assert by_id["amount::in_range"]["severity"] == "error"
    assert by_id["amount::expect_column_max_to_be_between"]["severity"] == "warn"
    assert "column" not in by_id["table::row_count"]
    assert by_id["table::row_count"]["actual"] == "5"
    metrics = inp["inputFacets"]["dataQualityMetrics"]
    assert metrics["rowCount"] == 5
    assert metrics["columnMetrics"]["amount"]["nullCount"] == 1
    assert metrics["columnMetrics"]["amount"]["max"] == 300.0
    assert metrics["columnMetrics"]["order_id"]["nullCount"] == 0
    assert metrics["columnMetrics"]["status"]["distinctCount"] == 3
    facet = complete["run"]["facets"]["datagates"]
    assert facet == {
        "_producer": "https://pypi.org/project/datagates/",
        "_schemaURL": "https://pypi.org/project/datagates/#/$defs/DatagatesRunFacet",
        "suite": "orders",
        "suiteHash": result.suite.hash,
        "runId": result.run_id,
        "verdict": "block",
        "failedChecks": len(result.failed_checks),
        "checks": len(result.checks),
        "fingerprint": result.dataset.fingerprint,
        "backend": "polars",
    }
    assert start["run"]["facets"]["datagates"]["runId"] == result.run_id
    assert "dataQualityAssertions" not in start["inputs"][0]["facets"]
    assert complete["run"]["facets"]["processing_engine"]["name"] == "datagates"


def test_an_unreadable_input_is_start_then_fail(tmp_path: Path, suite: Path) -> None:
    """The gate's exit-2 error still raises; the run is START + FAIL with the message."""
    out = tmp_path / "events.ndjson"
    with pytest.raises(gates.InputError):
        gates.check(tmp_path / "missing.parquet", suite, lineage=f"file:{out}")
    start, fail = _events(out)
    for event in (start, fail):
        validate_event(event)
    assert (start["eventType"], fail["eventType"]) == ("START", "FAIL")
    message = fail["run"]["facets"]["errorMessage"]["message"]
    assert message.startswith("DataSourceNotFound: ")
    assert "missing.parquet: no such file" in message
    assert fail["inputs"][0]["name"] == str(tmp_path / "missing.parquet")


def test_a_sql_query_names_its_query(tmp_path: Path, suite: Path, data: Path) -> None:
    out = tmp_path / "events.ndjson"
    query = f"SELECT * FROM '{data}'"
    gates.check(None, suite, sql=query, lineage=f"file:{out}")
    _, complete = _events(out)
    assert complete["inputs"][0]["namespace"] == "duckdb://:memory:"
    assert complete["inputs"][0]["name"] == query
    assert complete["job"]["facets"]["sql"]["query"] == query


def test_a_lineage_object_is_reused_across_runs(tmp_path: Path, suite: Path, data: Path) -> None:
    config = resolve(f"file:{tmp_path / 'events.ndjson'}")
    assert config is not None
    tracker = Lineage(config)
    first = gates.check(data, suite, lineage=tracker)
    second = gates.check(data, suite, lineage=tracker)
    events = _events(tmp_path / "events.ndjson")
    assert [e["eventType"] for e in events] == ["START", "COMPLETE", "START", "COMPLETE"]
    assert {e["run"]["facets"]["datagates"]["runId"] for e in events} == {
        first.run_id,
        second.run_id,
    }
    assert tracker.sent == 4


def test_an_unwritable_target_warns_once_and_keeps_the_verdict(
    tmp_path: Path, suite: Path, data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Delivery problems are one warning line; the result is the same as without lineage."""
    target = tmp_path / "no-such-folder" / "events.ndjson"
    with caplog.at_level(logging.WARNING, logger="gates.lineage"):
        result = gates.check(data, suite, lineage=f"file:{target}")
        again = gates.check(data, suite, lineage=f"file:{target}")
    plain = gates.check(data, suite)
    assert result.verdict == again.verdict == plain.verdict
    lines = [r.getMessage() for r in caplog.records if r.name == "gates.lineage"]
    assert len(lines) == 1
    assert lines[0].startswith(f"warning: lineage events to file:{target} not delivered (")
    assert lines[0].endswith("; the verdict is not affected")


def test_anomaly_measured_statistics_fill_the_metrics_facet(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An anomaly item on amount.p75 measures amount's statistics: quantiles, min, max, sum."""
    monkeypatch.setenv("GATES_HISTORY", str(tmp_path / "history.duckdb"))
    suite = tmp_path / "anomaly.yml"
    suite.write_text("name: orders\nanomaly:\n  - metric: amount.p75\n", encoding="utf-8")
    out = tmp_path / "events.ndjson"
    gates.check(data, suite, lineage=f"file:{out}")
    complete = _events(out)[1]
    validate_event(complete)
    amount = complete["inputs"][0]["inputFacets"]["dataQualityMetrics"]["columnMetrics"]["amount"]
    values = pl.read_parquet(data)["amount"]
    assert amount["nullCount"] == 1
    assert amount["distinctCount"] == 4
    assert (amount["min"], amount["max"], amount["sum"]) == (-5.0, 300.0, 325.0)
    assert amount["quantiles"] == pytest.approx(
        {"0.5": values.median(), "0.75": values.quantile(0.75, interpolation="linear")}
    )
    assert "count" not in amount  # an anomaly item does not count values; a profile does


def test_the_official_schemas_refuse_what_the_spec_refuses(
    data: Path, suite: Path, tmp_path: Path
) -> None:
    """The vendored spec files really judge the facets: an edited event is refused."""
    import jsonschema

    out = tmp_path / "events.ndjson"
    gates.check(data, suite, lineage=f"file:{out}")
    complete = _events(out)[-1]
    validate_event(complete)
    inp = complete["inputs"][0]
    facets = {**inp.get("facets", {}), **inp.get("inputFacets", {})}
    where = {k: "facets" if k in inp.get("facets", {}) else "inputFacets" for k in facets}
    broken = json.loads(json.dumps(complete))
    assertions = broken["inputs"][0][where["dataQualityAssertions"]]["dataQualityAssertions"]
    del assertions["assertions"][0]["success"]
    with pytest.raises(jsonschema.ValidationError, match="'success' is a required property"):
        validate_event(broken)
    broken = json.loads(json.dumps(complete))
    broken["inputs"][0][where["dataQualityMetrics"]]["dataQualityMetrics"]["rowCount"] = "five"
    with pytest.raises(jsonschema.ValidationError, match="'five' is not of type 'integer'"):
        validate_event(broken)
    assert {"dataQualityAssertions", "dataQualityMetrics"} <= set(facets)
    broken = json.loads(json.dumps(complete))
    broken["eventType"] = "DONE"
    with pytest.raises(jsonschema.ValidationError):
        validate_event(broken)
