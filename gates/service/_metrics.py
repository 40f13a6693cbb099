"""Prometheus metrics, written in the text exposition format (no client library needed)."""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["LATENCY_BUCKETS", "Metrics"]

#: Upper bounds (seconds) of the latency histogram buckets.
LATENCY_BUCKETS: tuple[float, ...] = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)


def _labels(names: Iterable[str], values: Iterable[str]) -> str:
    pairs = []
    for name, value in zip(names, values, strict=True):
        text = value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        pairs.append(f'{name}="{text}"')
    return "{" + ",".join(pairs) + "}" if pairs else ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(LATENCY_BUCKETS, value)] += 1
        self.total += value
        self.n += 1


class Metrics:
    """Counters and histograms of the service, rendered for ``GET /metrics``.

    Thread-safe; every update takes one short lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[tuple[str, str, str], int] = defaultdict(int)
        self._rows: dict[tuple[str, str], int] = defaultdict(int)
        self._requests: dict[tuple[str, str], int] = defaultdict(int)
        self._latency: dict[tuple[str, str], _Histogram] = defaultdict(_Histogram)
        self._ledger_errors = 0
        self._ledger_spilled = 0
        self._disconnects = 0
        self.in_flight: int = 0
        self.ledger_queue: int = 0

    def run(self, *, suite: str, verdict: str, path: str, rows: int, seconds: float) -> None:
        """Count one finished validation (``path``: ``upload`` or ``records``)."""
        with self._lock:
            self._runs[(suite, verdict, path)] += 1
            self._rows[(suite, path)] += rows
            self._latency[(suite, path)].observe(seconds)

    def request(self, *, route: str, status: int) -> None:
        """Count one answered request by route template and status code."""
        with self._lock:
            self._requests[(route, str(status))] += 1

    def ledger_error(self) -> None:
        """Count a ledger write that had to be retried or spilled."""
        with self._lock:
            self._ledger_errors += 1

    def ledger_spilled(self, count: int) -> None:
        """Count runs that could not be written and went to the spill file."""
        with self._lock:
            self._ledger_spilled += count

    def client_disconnected(self) -> None:
        """Count a client that hung up before its request body arrived."""
        with self._lock:
            self._disconnects += 1

    def render(self) -> str:
        """The metrics in Prometheus text format 0.0.4."""
        out: list[str] = []
        with self._lock:
            out += [
                "# HELP gates_runs_total Validations finished, by suite, verdict and path.",
                "# TYPE gates_runs_total counter",
            ]
            for key, value in sorted(self._runs.items()):
                out.append(f"gates_runs_total{_labels(('suite', 'verdict', 'path'), key)} {value}")
            out += [
                "# HELP gates_rows_validated_total Rows validated, by suite and path.",
                "# TYPE gates_rows_validated_total counter",
            ]
            for key2, value in sorted(self._rows.items()):
                out.append(f"gates_rows_validated_total{_labels(('suite', 'path'), key2)} {value}")
            out += [
                "# HELP gates_validation_seconds Time to validate (load + checks), by suite and path.",
                "# TYPE gates_validation_seconds histogram",
            ]
            for key2, hist in sorted(self._latency.items()):
                cumulative = 0
                for bound, count in zip((*LATENCY_BUCKETS, float("inf")), hist.counts, strict=True):
                    cumulative += count
                    le = "+Inf" if bound == float("inf") else _num(bound)
                    labels = _labels(("suite", "path", "le"), (*key2, le))
                    out.append(f"gates_validation_seconds_bucket{labels} {cumulative}")
                labels = _labels(("suite", "path"), key2)
                out.append(f"gates_validation_seconds_sum{labels} {_num(hist.total)}")
                out.append(f"gates_validation_seconds_count{labels} {hist.n}")
            out += [
                "# HELP gates_http_requests_total Requests answered, by route and status.",
                "# TYPE gates_http_requests_total counter",
            ]
            for key2, value in sorted(self._requests.items()):
                out.append(f"gates_http_requests_total{_labels(('route', 'status'), key2)} {value}")
            out += [
                "# HELP gates_ledger_write_errors_total Ledger writes that failed and were retried or spilled.",
                "# TYPE gates_ledger_write_errors_total counter",
                f"gates_ledger_write_errors_total {self._ledger_errors}",
                "# HELP gates_ledger_spilled_runs_total Runs that could not be written to the ledger "
                "and were appended to the spill file (<ledger>.unwritten.jsonl).",
                "# TYPE gates_ledger_spilled_runs_total counter",
                f"gates_ledger_spilled_runs_total {self._ledger_spilled}",
                "# HELP gates_client_disconnects_total Clients that hung up before their request body arrived.",
                "# TYPE gates_client_disconnects_total counter",
                f"gates_client_disconnects_total {self._disconnects}",
                "# HELP gates_validations_in_flight Validations running now.",
                "# TYPE gates_validations_in_flight gauge",
                f"gates_validations_in_flight {self.in_flight}",
                "# HELP gates_ledger_queue_depth Run records waiting to be written to the ledger.",
                "# TYPE gates_ledger_queue_depth gauge",
                f"gates_ledger_queue_depth {self.ledger_queue}",
            ]
        return "\n".join(out) + "\n"
