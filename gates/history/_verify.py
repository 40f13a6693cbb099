"""Cross-check the history against the ledger: each history row must match its ledger record."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..ledger import Ledger
from ._metrics import band_rows, metric_rows
from ._paths import history_path
from ._schema import run_row
from ._store import History

__all__ = ["HistoryReport", "rebuild", "verify_history"]


@dataclass(frozen=True, slots=True)
class HistoryReport:
    """What :func:`verify_history` found: ``ok`` when history and ledger agree."""

    #: Runs in the history.
    runs: int
    #: Runs in the ledger.
    ledger_runs: int
    #: One line per disagreement.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """One line for people."""
        if self.ok:
            return f"history matches the ledger: {self.runs} runs"
        return (
            f"history and ledger disagree: {len(self.problems)} problem(s) "
            f"({self.runs} runs in the history, {self.ledger_runs} in the ledger)"
        )


def _same(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def verify_history(
    ledger: str | os.PathLike[str], history: str | os.PathLike[str] | None = None
) -> HistoryReport:
    """Compare every history run with its ledger record (id, hash, and every stored value).

    A ledger record edited without the history shows as a hash mismatch; a history row edited
    without the ledger shows as a value that differs from the one the record gives; a run in
    one and not the other is named too.

    Args:
        ledger: The ledger file.
        history: The history file (default: :func:`history_path` of the ledger).
    """
    store = History(history if history is not None else history_path(ledger))
    stored = {run.seq: run for run in Ledger(ledger).list(limit=None)}
    runs = store.query(
        "SELECT ledger_seq, run_id, ledger_hash, started_at, suite_name, suite_hash, "
        'dataset_source, dataset_fingerprint, "rows", backend, verdict FROM history_runs '
        "ORDER BY ledger_seq"
    )
    metrics: dict[int, dict[str, float]] = {}
    for seq, metric, value in store.query("SELECT ledger_seq, metric, value FROM history_metrics"):
        metrics.setdefault(int(seq), {})[str(metric)] = float(value)
    bands: dict[int, dict[str, tuple[float | None, float | None, bool]]] = {}
    for seq, metric, lower, upper, passed in store.query(
        "SELECT ledger_seq, metric, lower, upper, passed FROM history_bands"
    ):
        bands.setdefault(int(seq), {})[str(metric)] = (lower, upper, bool(passed))
    problems: list[str] = []
    for row in runs:
        seq, run_id, hash_ = int(row[0]), str(row[1]), str(row[2])
        run = stored.get(seq)
        tag = f"history run #{seq} ({run_id[:12]})"
        if run is None:
            problems.append(f"{tag} has no ledger record")
            continue
        if run.run_id != run_id or run.hash != hash_:
            problems.append(
                f"{tag} points at ledger hash {hash_[:12]} but ledger record #{seq} hashes "
                f"{run.hash[:12]}: one was edited without the other"
            )
            continue
        want = run_row(run.seq, run.run_id, run.hash, run.record)
        names = ("started_at", "suite", "suite hash", "dataset", "fingerprint", "rows", "backend")
        for name, got, expected in zip((*names, "verdict"), row[3:], want[3:], strict=True):
            if got != expected:
                problems.append(
                    f"{tag}: {name} is {got!r} in the history but {expected!r} in the ledger"
                )
        expected_metrics = {m: v for m, _, _, _, v in metric_rows(run.record)}
        got_metrics = metrics.get(seq, {})
        for name in sorted(set(expected_metrics) | set(got_metrics)):
            a, b = got_metrics.get(name), expected_metrics.get(name)
            if a is None or b is None or not _same(a, b):
                problems.append(
                    f"{tag}: metric {name!r} is {a!r} in the history but {b!r} in the ledger"
                )
        expected_bands = {m: (lo, hi, ok) for m, _, lo, hi, _, ok in band_rows(run.record)}
        got_bands = bands.get(seq, {})
        for name in sorted(set(expected_bands) | set(got_bands)):
            g, e = got_bands.get(name), expected_bands.get(name)
            same = (
                g is not None
                and e is not None
                and g[2] == e[2]
                and all(
                    x is not None and y is not None and _same(x, y)
                    for x, y in zip(g[:2], e[:2], strict=True)
                )
            )
            if not same:
                problems.append(
                    f"{tag}: band of {name!r} is {g!r} in the history but {e!r} in the ledger"
                )
    missing = sorted(set(stored) - {int(r[0]) for r in runs})
    if missing:
        problems.append(
            f"{len(missing)} ledger run(s) are not in the history (first #{missing[0]}); "
            f"`gates history rebuild --ledger {ledger}` adds them"
        )
    return HistoryReport(runs=len(runs), ledger_runs=len(stored), problems=problems)


def rebuild(ledger: str | os.PathLike[str], history: str | os.PathLike[str] | None = None) -> int:
    """Rewrite the history of every ledger run from the ledger records; returns how many.

    History rows whose ledger record is gone are removed too.
    """
    target = Path(history) if history is not None else history_path(ledger)
    runs = Ledger(ledger).list(limit=None)
    store = History(target)
    count = store.add([(r.seq, r.run_id, r.hash, r.record) for r in reversed(runs)])
    _drop_orphans(store, {r.seq for r in runs})
    return count


def _drop_orphans(store: History, keep: set[int]) -> None:
    from ..ledger._lock import locked_connection

    if not store.exists:
        return
    orphans = [
        int(r[0])
        for r in store.query("SELECT ledger_seq FROM history_runs")
        if int(r[0]) not in keep
    ]
    if not orphans:
        return
    with locked_connection(store.path, write=True, timeout=store.timeout) as con:
        marks = ", ".join("?" * len(orphans))
        for table in ("history_metrics", "history_bands", "history_runs"):
            con.execute(f"DELETE FROM {table} WHERE ledger_seq IN ({marks})", orphans)
