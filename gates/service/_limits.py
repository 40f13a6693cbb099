"""Back-pressure: a bounded pool of validation workers that refuses (503) rather than queues."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import TypeVar

from ._errors import Busy, RunTimeout

__all__ = ["WorkerPool"]

T = TypeVar("T")


class WorkerPool:
    """At most ``workers`` validations at once; a request that finds every slot taken gets 503.

    A slot is held until the validation's thread finishes, even when the request gave up on
    it (504), so a slow run keeps counting against the limit and nothing queues unbounded.

    Args:
        workers: how many validations may run at the same time.
        retry_after: seconds suggested to refused clients (the ``Retry-After`` header).
    """

    def __init__(self, workers: int, *, retry_after: int = 1) -> None:
        self.workers = workers
        self.retry_after = retry_after
        self._slots = threading.BoundedSemaphore(workers)
        self._busy = 0
        self._lock = threading.Lock()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="gates-validate"
        )

    @property
    def in_flight(self) -> int:
        """Validations running now."""
        return self._busy

    def refuse_if_full(self) -> None:
        """Raise :class:`Busy` now if every worker is taken (checked before reading an upload)."""
        if self._busy >= self.workers:
            raise self._busy_error()

    def _busy_error(self) -> Busy:
        return Busy(
            f"all {self.workers} validation workers are busy; retry after {self.retry_after} s",
            retry_after=self.retry_after,
        )

    def _guarded(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        finally:
            with self._lock:
                self._busy -= 1
            self._slots.release()

    async def run(self, fn: Callable[[], T], *, timeout: float) -> T:
        """Run ``fn`` on a worker thread and wait at most ``timeout`` seconds for it.

        Raises:
            Busy: every worker is taken (nothing was started).
            RunTimeout: ``fn`` did not finish in time; it keeps running to completion.
        """
        if not self._slots.acquire(blocking=False):
            raise self._busy_error()
        with self._lock:
            self._busy += 1
        try:
            future = self._executor.submit(self._guarded, fn)
        except BaseException:
            with self._lock:
                self._busy -= 1
            self._slots.release()
            raise
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
        except TimeoutError:
            raise RunTimeout(
                f"the validation took longer than {timeout:g} s; it finishes in the background "
                "and is recorded in the ledger; raise --timeout or send less data"
            ) from None

    def shutdown(self) -> None:
        """Wait for running validations, then stop the threads."""
        self._executor.shutdown(wait=True)
