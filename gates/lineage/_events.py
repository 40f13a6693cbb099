"""OpenLineage ``RunEvent``s of a gate run: START, then COMPLETE (a verdict) or FAIL (no verdict).

The checked data is the run's input dataset, with the standard ``schema``,
``dataQualityMetrics`` (input facet) and ``dataQualityAssertions`` facets; the run carries
``processing_engine`` and a small ``datagates`` facet (suite hash, verdict, ledger run id).
Built with the openlineage-python client's generated classes (the ``[lineage]`` extra).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._naming import DatasetName

if TYPE_CHECKING:
    from .._result import CheckResult, GateResult

__all__ = ["FACET_SCHEMA_URL", "PRODUCER", "fail_event", "ol_run_id", "run_event"]

#: The producer URI every event and facet carries.
PRODUCER = "https://pypi.org/project/datagates/"
#: Where the ``datagates`` run facet's JSON Schema is described (shipped as
#: ``gates/lineage/datagates_run_facet.json``; docs/lineage.md).
FACET_SCHEMA_URL = PRODUCER + "#/$defs/DatagatesRunFacet"


def ol_run_id(run_id: str) -> str:
    """The OpenLineage run id (a UUID) of a datagates run id (a uuid4 hex, or any text)."""
    try:
        return str(uuid.UUID(run_id))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"datagates:{run_id}"))


@functools.cache
def _facet_class() -> Any:
    import attr
    from openlineage.client.facet_v2 import RunFacet

    @attr.define
    class DatagatesRunFacet(RunFacet):
        """datagates' own run facet: which suite, what verdict, which ledger record."""

        suite: str
        suiteHash: str
        runId: str  # the ledger record's run_id
        verdict: str | None = attr.field(default=None)
        failedChecks: int | None = attr.field(default=None)
        checks: int | None = attr.field(default=None)
        fingerprint: str | None = attr.field(default=None)
        backend: str | None = attr.field(default=None)

        @staticmethod
        def _get_schema() -> str:
            return FACET_SCHEMA_URL

    return DatagatesRunFacet


def _time(value: dt.datetime | None = None) -> str:
    return (value or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


_NULL_CHECKS = ("not_nullable", "expect_column_values_to_not_be_null")
#: GX expectations whose observed value is a column statistic of the metrics facet.
_STAT_CHECKS = {
    "expect_column_unique_value_count_to_be_between": "distinctCount",
    "expect_column_min_to_be_between": "min",
    "expect_column_max_to_be_between": "max",
    "expect_column_sum_to_be_between": "sum",
}


#: ``COLUMN.STAT`` statistics (an anomaly item's ``column_stats``, the drift profile's
#: ``profile_stats``) → the metrics facet's fields; quantiles (``pNN``, ``median``) apart.
_STAT_FIELDS = {
    "null_count": "nullCount",
    "distinct": "distinctCount",
    "sum": "sum",
    "count": "count",
    "min": "min",
    "max": "max",
}
_QUANTILE = re.compile(r"p(\d+(?:\.\d+)?)")
#: Where measured statistics sit in a check's details, most exact first.
_STATS_KEYS = ("column_stats", "profile_stats")


def _quantile_key(stat: str) -> str | None:
    """``p25`` → ``"0.25"``, ``median`` → ``"0.5"`` (the facet's keys are the quantile)."""
    if stat == "median":
        return "0.5"
    found = _QUANTILE.fullmatch(stat)
    return f"{float(found.group(1)) / 100:g}" if found else None


def _temporal(dtype: str | None) -> bool:
    # measured as epoch milliseconds (anomaly) or ISO text (profile): not the facet's numbers
    return bool(dtype) and str(dtype).startswith(("Date", "Datetime", "Time", "Duration"))


def _column_metrics(checks: Sequence[CheckResult], columns: Mapping[str, str]) -> dict[str, Any]:
    """Per-column metrics: what a check measured, then the statistics the run measured.

    First the checks' own observations (``nullCount`` from a not-null check, ``distinctCount``,
    ``min``, ``max``, ``sum`` from GX's column-statistic expectations), then the statistics an
    ``anomaly:`` item measured (exact), then those of the run's profile (a ``drift:`` section):
    null and distinct counts, non-null ``count``, min, max and the quantiles
    (``{"0.25": ..., "0.5": ...}``). Temporal columns get counts only.
    """
    from openlineage.client.facet_v2 import data_quality_metrics_input_dataset as dqm

    found: dict[str, dict[str, Any]] = {}
    quantiles: dict[str, dict[str, float]] = {}
    for c in checks:
        if c.column is None or c.error:
            continue
        slot = found.setdefault(c.column, {})
        name = c.name
        value = _number(c.observed)
        if name in _NULL_CHECKS and c.failing_count is not None:
            slot["nullCount"] = int(c.failing_count)
        elif name in _STAT_CHECKS and value is not None:
            key = _STAT_CHECKS[name]
            slot[key] = int(value) if key == "distinctCount" else value
    for key in _STATS_KEYS:
        for c in checks:
            stats = (c.details or {}).get(key)
            if c.column is None or not isinstance(stats, Mapping):
                continue
            counts_only = _temporal(columns.get(c.column))
            slot, quants = found.setdefault(c.column, {}), quantiles.setdefault(c.column, {})
            prefix = f"{c.column}."
            for metric, raw in stats.items():
                value = _number(raw)
                if value is None or not str(metric).startswith(prefix):
                    continue
                stat = str(metric)[len(prefix) :]
                field = _STAT_FIELDS.get(stat)
                if field in ("nullCount", "distinctCount", "count"):
                    slot.setdefault(field, int(value))
                elif counts_only:
                    continue
                elif field is not None:
                    slot.setdefault(field, value)
                elif (q := _quantile_key(stat)) is not None:
                    quants.setdefault(q, value)
    for column, quants in quantiles.items():
        if quants:
            found[column]["quantiles"] = dict(sorted(quants.items(), key=lambda kv: float(kv[0])))
    order = {c: i for i, c in enumerate(columns)}
    return {
        col: dqm.ColumnMetrics(**vals)
        for col, vals in sorted(found.items(), key=lambda kv: order.get(kv[0], len(order)))
        if vals
    }


def _severity(check: CheckResult) -> str:
    return "error" if check.severity.value == "block" else "warn"


def _assertions(checks: Sequence[CheckResult]) -> Any:
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa

    return dqa.DataQualityAssertionsDatasetFacet(
        producer=PRODUCER,
        assertions=[
            dqa.Assertion(
                assertion=c.id,
                success=bool(c.passed),
                column=c.column,
                severity=_severity(c),
                name=c.name or None,
                description=c.error or c.message or None,
                expected=_text(c.expected),
                actual=_text(c.observed),
                params={"engine": c.engine},
            )
            for c in checks
        ],
    )


def _input(
    name: DatasetName,
    *,
    schema: Mapping[str, str] | None = None,
    result: GateResult | None = None,
) -> Any:
    from openlineage.client.event_v2 import InputDataset
    from openlineage.client.facet_v2 import (
        data_quality_metrics_input_dataset as dqm,
    )
    from openlineage.client.facet_v2 import (
        schema_dataset,
    )

    facets: dict[str, Any] = {}
    input_facets: dict[str, Any] = {}
    if schema:
        facets["schema"] = schema_dataset.SchemaDatasetFacet(
            producer=PRODUCER,
            fields=[
                schema_dataset.SchemaDatasetFacetFields(name=col, type=dtype, ordinal_position=i)
                for i, (col, dtype) in enumerate(schema.items(), 1)
            ],
        )
    if result is not None:
        checks = result.checks
        columns = dict(schema) if schema else dict.fromkeys(result.dataset.columns, "")
        facets["dataQualityAssertions"] = _assertions(checks)
        input_facets["dataQualityMetrics"] = dqm.DataQualityMetricsInputDatasetFacet(
            producer=PRODUCER,
            columnMetrics=_column_metrics(checks, columns),
            rowCount=result.dataset.rows,
        )
    return InputDataset(
        namespace=name.namespace, name=name.name, facets=facets, inputFacets=input_facets
    )


def _job(namespace: str, suite: str, sql: str | None) -> Any:
    from openlineage.client.event_v2 import Job
    from openlineage.client.facet_v2 import job_type_job, sql_job

    facets: dict[str, Any] = {
        "jobType": job_type_job.JobTypeJobFacet(
            producer=PRODUCER,
            processingType="BATCH",
            integration="DATAGATES",
            jobType="DATA_QUALITY_CHECK",
        )
    }
    if sql:
        facets["sql"] = sql_job.SQLJobFacet(producer=PRODUCER, query=sql, dialect="duckdb")
    return Job(namespace=namespace, name=suite, facets=facets)


def _engine() -> Any:
    from openlineage.client.constants import __version__ as ol_version
    from openlineage.client.facet_v2 import processing_engine_run

    from .._runner import versions

    return processing_engine_run.ProcessingEngineRunFacet(
        producer=PRODUCER,
        version=versions()["datagates"],
        name="datagates",
        openlineageAdapterVersion=ol_version,
    )


def run_event(
    state: str,
    *,
    run_id: str,
    namespace: str,
    suite: str,
    dataset: DatasetName,
    suite_hash: str = "",
    sql: str | None = None,
    schema: Mapping[str, str] | None = None,
    result: GateResult | None = None,
    when: dt.datetime | None = None,
) -> Any:
    """One ``RunEvent`` (``state``: START or COMPLETE) of a gate run.

    Args:
        state: ``START`` or ``COMPLETE``.
        run_id: the datagates run id (the ledger's ``run_id``).
        namespace: the job namespace.
        suite: the suite name (the job name).
        dataset: the checked data's identity.
        suite_hash: the suite's content hash.
        sql: the query, when the data is one (a ``sql`` job facet).
        schema: column name → dtype, for the ``schema`` facet.
        result: the run's result (COMPLETE): assertions, metrics and the verdict.
        when: the event time (default: now).
    """
    from openlineage.client.event_v2 import Run, RunEvent, RunState

    facets: dict[str, Any] = {"processing_engine": _engine()}
    if result is not None:
        facets["datagates"] = _facet_class()(
            producer=PRODUCER,
            suite=suite,
            suiteHash=result.suite.hash,
            runId=run_id,
            verdict=result.verdict.value,
            failedChecks=len(result.failed_checks),
            checks=len(result.checks),
            fingerprint=result.dataset.fingerprint,
            backend=result.backend,
        )
    else:
        facets["datagates"] = _facet_class()(
            producer=PRODUCER, suite=suite, suiteHash=suite_hash, runId=run_id
        )
    return RunEvent(
        eventType=RunState(state),
        eventTime=_time(when),
        run=Run(runId=ol_run_id(run_id), facets=facets),
        job=_job(namespace, suite, sql),
        inputs=[_input(dataset, schema=schema, result=result)],
        producer=PRODUCER,
    )


def fail_event(
    error: BaseException,
    *,
    run_id: str,
    namespace: str,
    suite: str,
    dataset: DatasetName,
    suite_hash: str = "",
    sql: str | None = None,
) -> Any:
    """The FAIL ``RunEvent`` of a run that ended without a verdict (unreadable data or suite)."""
    from openlineage.client.event_v2 import Run, RunEvent, RunState
    from openlineage.client.facet_v2 import error_message_run

    facets: dict[str, Any] = {
        "processing_engine": _engine(),
        "errorMessage": error_message_run.ErrorMessageRunFacet(
            producer=PRODUCER,
            message=f"{type(error).__name__}: {error}",
            programmingLanguage="PYTHON",
        ),
        "datagates": _facet_class()(
            producer=PRODUCER, suite=suite, suiteHash=suite_hash, runId=run_id
        ),
    }
    return RunEvent(
        eventType=RunState.FAIL,
        eventTime=_time(),
        run=Run(runId=ol_run_id(run_id), facets=facets),
        job=_job(namespace, suite, sql),
        inputs=[_input(dataset)],
        producer=PRODUCER,
    )
