"""One background thread that writes run records to the ledger, in order, in batches.

A ledger append opens, locks and checkpoints the DuckDB file (30-150 ms). The records path
answers in a few milliseconds, so it hands its record to this writer instead of waiting.
The writer drains whatever has queued up and appends it in ONE locked transaction, so the
ledger keeps up with any request rate. Guarantees:

* order: records reach the ledger in the order they were submitted (one FIFO, one thread);
* no loss: the queue is bounded and ``submit`` blocks when it is full (back-pressure, never a
  drop); a batch that fails is retried with backoff (a locked ledger) or not at all (a broken
  file); ``close()`` drains the queue without retrying; a batch that still cannot be written is
  appended to the spill file ``<ledger>.unwritten.jsonl`` (one record per line), counted and
  logged in one line; if even that file cannot be written, to ``gates-unwritten-<pid>.jsonl``
  in the temp folder;
* the thread survives any error: one failed batch never stops the next;
* read-your-writes: ``flush()`` waits until every submitted record is written or spilled.

``gates serve`` runs the append itself in one child process (``in_process=False``): opening,
locking and checkpointing DuckDB, hashing the chain and updating the metric history then take
neither the server's GIL nor, at nice 10, CPU from validations; a request no longer waits
behind a batch (the 1-client p99 of ``benchmarks/service_latency.py``). The thread, its queue,
order, retries and spilling stay here; a child that dies is started again for the next try.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from gates.ledger import DuplicateRun, Ledger, LedgerCorrupt, LedgerError, StoredRun

__all__ = ["LedgerWriter", "append_batch"]

_log = logging.getLogger("gates.service")
_STOP = object()
_MAX_BATCH = 500
_RETRIES = 5
#: Seconds the writer lets records gather before a batch (one DuckDB open per batch).
_GATHER = 0.5
#: Nice value of the writer thread (Linux): ledger I/O yields the CPU to validations.
_NICE = 10


def append_batch(ledger: Ledger, records: Sequence[Mapping[str, Any]]) -> list[StoredRun]:
    """Append several records in one locked transaction; same chain as one ``append`` each.

    The stored runs then go to the metric history next to the ledger, as every recorder's do
    (``gates.history.record_runs``; a history failure warns once and never fails the batch).

    Raises:
        InvalidRecord: a record breaks the contract (nothing is written).
        DuplicateRun: a run id is already recorded (nothing is written).
    """
    from gates.history import record_runs

    stored = ledger.append_many(records, on_broken="ignore")
    record_runs(ledger.path, stored)
    return stored


def _child_setup() -> None:
    """In the writer process: lowest CPU share, and Ctrl+C goes to the server only (it drains)."""
    with contextlib.suppress(OSError):
        os.nice(_NICE)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ready() -> bool:
    return True


class _ChildAppender:
    """:func:`append_batch` run in one spawned child process, started on first use."""

    def __init__(self) -> None:
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_child_setup,
            )
        return self._pool

    def warm(self) -> None:
        """Start the child now (its imports take a second), without waiting for it."""
        self._executor().submit(_ready)

    def __call__(self, ledger: Ledger, records: Sequence[Mapping[str, Any]]) -> list[StoredRun]:
        try:
            return (
                self._executor().submit(append_batch, ledger, [dict(r) for r in records]).result()
            )
        except BrokenProcessPool:
            self.close(wait=False)  # the next attempt starts a new child
            _log.warning("the ledger writer process stopped; starting a new one for the batch")
            raise LedgerError(
                f"the ledger writer process for {ledger.path} stopped; a new one is started"
            ) from None

    def close(self, *, wait: bool = True) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=not wait)


class LedgerWriter:
    """The service's single ledger writer thread.

    Args:
        ledger: where records go.
        maxsize: records that may wait before ``submit`` blocks.
        on_error: called once per failed write attempt (for metrics).
        on_depth: called with the queue depth after each batch (for metrics).
        on_spill: called with the number of records spilled to the side file (for metrics).
        in_process: append in this process (True), or in a child process (``gates serve``).
    """

    def __init__(
        self,
        ledger: Ledger,
        *,
        maxsize: int = 10_000,
        on_error: Callable[[], None] | None = None,
        on_depth: Callable[[int], None] | None = None,
        on_spill: Callable[[int], None] | None = None,
        in_process: bool = True,
    ) -> None:
        self.ledger = ledger
        self._child = None if in_process else _ChildAppender()
        if self._child is not None:
            self._child.warm()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize)
        self._on_error = on_error
        self._on_depth = on_depth
        self._on_spill = on_spill
        self._idle = threading.Condition()
        self._pending = 0
        self._gathered = threading.Event()
        self._closing = False
        #: Records spilled since the writer started.
        self.spilled = 0
        #: The last write error (one line), cleared by the next batch that is written.
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._loop, name="gates-ledger", daemon=False)
        self._thread.start()

    @property
    def spill_path(self) -> Path:
        """Where records that could not be written end up: ``<ledger>.unwritten.jsonl``."""
        return self.ledger.path.with_name(self.ledger.path.name + ".unwritten.jsonl")

    @property
    def queued(self) -> int:
        """Records submitted but not yet written or spilled."""
        return self._pending

    @property
    def degraded(self) -> bool:
        """True while the last batch failed, or the spill file holds runs not in the ledger."""
        if self.last_error is not None or not self._thread.is_alive():
            return True
        try:
            return self.spill_path.stat().st_size > 0
        except OSError:
            return False

    def submit(self, record: Mapping[str, Any]) -> concurrent.futures.Future[StoredRun]:
        """Queue a record (blocks while the queue is full); the future gives the stored run.

        The future fails with ``LedgerError`` when the record was spilled instead.
        """
        future: concurrent.futures.Future[StoredRun] = concurrent.futures.Future()
        with self._idle:
            self._pending += 1
        self._queue.put((dict(record), future))
        return future

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every submitted record is written or spilled; False on timeout."""
        self._gathered.set()
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Write (or spill) everything queued, without retrying, then stop the thread."""
        self._closing = True
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._gathered.set()
            self._thread.join()
        if self._child is not None:
            self._child.close()

    def _drain(self, room: int) -> tuple[list[tuple[dict[str, Any], Any]], bool]:
        items: list[tuple[dict[str, Any], Any]] = []
        while len(items) < room:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return items, True
            items.append(item)
        return items, False

    def _take(self) -> tuple[list[tuple[dict[str, Any], Any]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        rest, stop = self._drain(_MAX_BATCH - 1)
        return [first, *rest], stop

    def _loop(self) -> None:
        # Linux: PRIO_PROCESS with a thread id renices only this thread (and DuckDB's, spawned from it)
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _NICE)
        stop = False
        while not stop:
            batch, stop = self._take()
            if batch and not stop and self._queue.qsize() < _MAX_BATCH:
                self._gathered.wait(_GATHER)  # flush() and close() cut the wait short
                more, stop = self._drain(_MAX_BATCH - len(batch))
                batch += more
            if batch:
                try:
                    self._write(batch)
                except BaseException as exc:  # never let the thread die with records in hand
                    self._spill([item for item in batch if not item[1].done()], exc)
            if self._on_depth is not None:
                self._on_depth(self._queue.qsize())

    def _attempts(self, error: BaseException) -> int:
        if self._closing:
            return 1
        # a locked or briefly unavailable file is worth waiting for; a damaged one is not
        return 2 if isinstance(error, LedgerCorrupt) else _RETRIES

    def _write(self, batch: list[tuple[dict[str, Any], Any]]) -> None:
        records = [record for record, _ in batch]
        error: BaseException | None = None
        attempt = 0
        while True:
            try:
                stored = (
                    append_batch(self.ledger, records)
                    if self._child is None
                    else self._child(self.ledger, records)
                )
            except DuplicateRun as exc:
                error = exc  # retrying cannot help; fall back to one by one below
                break
            except Exception as exc:
                error = exc
                if self._on_error is not None:
                    self._on_error()
                attempt += 1
                if attempt >= self._attempts(exc):
                    break
                time.sleep(min(0.1 * 2 ** (attempt - 1), 2.0))
            else:
                for (_, future), run in zip(batch, stored, strict=True):
                    future.set_result(run)
                self.last_error = None
                self._done(len(batch))
                return
        if isinstance(error, DuplicateRun):
            self._one_by_one(batch)
            return
        self._spill(batch, error)

    def _one_by_one(self, batch: list[tuple[dict[str, Any], Any]]) -> None:
        for record, future in batch:
            try:
                run = self.ledger.append(record, on_broken="ignore")
            except Exception as exc:
                self._spill([(record, future)], exc)
                continue
            future.set_result(run)
            self._done(1)

    def _spill_to(self, path: Path, batch: list[tuple[dict[str, Any], Any]]) -> None:
        with path.open("a", encoding="utf-8") as fh:
            for record, _ in batch:
                fh.write(json.dumps(record, sort_keys=True, default=str) + "\n")

    def _spill(self, batch: list[tuple[dict[str, Any], Any]], error: BaseException | None) -> None:
        if not batch:
            return
        reason = str(error).strip().splitlines()[0] if error and str(error).strip() else repr(error)
        self.last_error = reason
        target = self.spill_path
        try:
            self._spill_to(target, batch)
        except OSError:
            target = Path(tempfile.gettempdir()) / f"gates-unwritten-{os.getpid()}.jsonl"
            try:
                self._spill_to(target, batch)
            except OSError as exc:  # nowhere to write: the log line is the last record of them
                ids = ", ".join(str(record.get("run_id")) for record, _ in batch)
                _log.error("could not write or spill %d run(s) (%s): %s", len(batch), ids, exc)
                target = Path("<log>")
        _log.error(
            "could not write %d run(s) to ledger %s (%s); spilled them to %s",
            len(batch),
            self.ledger.path,
            reason,
            target,
        )
        self.spilled += len(batch)
        if self._on_spill is not None:
            self._on_spill(len(batch))
        failure = LedgerError(
            f"run not recorded in ledger {self.ledger.path} ({reason}); spilled to {target}"
        )
        for _, future in batch:
            if not future.done():
                future.set_exception(failure)
        self._done(len(batch))

    def _done(self, count: int) -> None:
        with self._idle:
            self._pending -= count
            if self._pending == 0:
                self._gathered.clear()
            self._idle.notify_all()
