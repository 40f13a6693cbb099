"""A ledger record → the rows the history keeps (one deterministic mapping, so verify can redo it)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["CHECK_FIELDS", "band_rows", "metric_rows"]

#: The per-check fields a history row keeps, as ``<check id>.<field>`` metrics.
CHECK_FIELDS = ("observed", "failing_count", "failing_fraction")

MetricRow = tuple[str, str, str | None, str | None, float]
BandRow = tuple[str, str, float | None, float | None, float | None, bool]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return None


def metric_rows(record: Mapping[str, Any]) -> Iterator[MetricRow]:
    """``(metric, kind, check_id, column, value)`` for every numeric metric of one run.

    ``kind`` is ``table`` (``row_count``), ``check`` (``<check id>.observed`` /
    ``.failing_count`` / ``.failing_fraction``; not for anomaly checks, whose observed value
    is the metric they judged) or ``column`` (``COLUMN.STAT``: the column
    statistics an anomaly check measured, then those of the run's profile when the suite has
    a ``drift:`` section (``details.profile_stats``), kept under their own names so later runs
    learn from them). Each metric appears once per run (the first occurrence wins).
    """
    seen: set[str] = set()

    def once(row: MetricRow) -> Iterator[MetricRow]:
        if row[0] not in seen:
            seen.add(row[0])
            yield row

    rows = _number((record.get("dataset") or {}).get("rows"))
    if rows is not None:
        yield from once(("row_count", "table", None, None, rows))
    for check in record.get("checks") or ():
        cid = str(check.get("id"))
        column = check.get("column")
        details = check.get("details") or {}
        # an anomaly check's observed value is the metric it judged, kept under that name
        for name in () if "anomaly" in details else CHECK_FIELDS:
            value = _number(check.get(name))
            if value is not None:
                yield from once((f"{cid}.{name}", "check", cid, column, value))
        stats = details.get("column_stats") or {}
        for metric, raw in stats.items() if isinstance(stats, Mapping) else ():
            value = _number(raw)
            if value is not None:
                yield from once((str(metric), "column", None, column, value))
        anomaly = details.get("anomaly") or {}
        value = _number(anomaly.get("value"))
        if anomaly.get("kind") == "column" and value is not None:
            yield from once((str(anomaly.get("metric")), "column", None, column, value))
    # then the run's profile (drift:), so a statistic an anomaly item measured exactly wins
    for check in record.get("checks") or ():
        stats = (check.get("details") or {}).get("profile_stats") or {}
        for metric, raw in stats.items() if isinstance(stats, Mapping) else ():
            value = _number(raw)
            if value is not None:
                yield from once((str(metric), "column", None, check.get("column"), value))


def band_rows(record: Mapping[str, Any]) -> Iterator[BandRow]:
    """``(metric, method, lower, upper, centre, passed)`` for every anomaly check that judged.

    One band per metric and run: when several items judge one metric, the first item's.
    """
    seen: set[str] = set()
    for check in record.get("checks") or ():
        anomaly = (check.get("details") or {}).get("anomaly") or {}
        if not anomaly.get("judged") or str(anomaly.get("metric")) in seen:
            continue
        seen.add(str(anomaly.get("metric")))
        lower, upper = _number(anomaly.get("lower")), _number(anomaly.get("upper"))
        yield (
            str(anomaly.get("metric")),
            str(anomaly.get("method")),
            -math.inf if lower is None else lower,
            math.inf if upper is None else upper,
            _number(anomaly.get("centre")),
            bool(check.get("passed")),
        )
