"""``Service``: the state behind the HTTP API (suites, tokens, workers, ledger writer, metrics)
and the validation jobs that run on worker threads."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import polars as pl

from gates._errors import InputError
from gates._result import GateResult
from gates.history import history_for
from gates.ledger import Ledger, LedgerError, actor_from_env, ledger_record

from ._auth import TokenStore
from ._errors import Unprocessable
from ._ledger_writer import LedgerWriter
from ._limits import WorkerPool
from ._metrics import Metrics
from ._models import LedgerHealth
from ._settings import ServiceSettings
from ._suites import ServedSuite, SuiteCatalog, records_body_frame

__all__ = ["Service"]

_log = logging.getLogger("gates.service")

#: Seconds an upload waits for its run to reach the ledger before answering anyway.
LEDGER_WAIT = 10.0


class Service:
    """Everything loaded once at startup and shared by every request.

    Args:
        settings: the configuration (checked here).
        tokens: the accepted tokens (default: from ``settings.tokens_file`` and ``GATES_TOKENS``).
        ledger_in_process: write the ledger from a thread of this process (tests, embedding),
            or from a child process (``gates serve``: the appends never hold up a request).

    Raises:
        ServiceConfigError: bad settings or tokens.
        SuiteDefinitionError: a suite in the folder is invalid.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        tokens: TokenStore | None = None,
        ledger_in_process: bool = True,
    ) -> None:
        settings.check()
        self._ledger_in_process = ledger_in_process
        self.settings = settings
        env = (
            settings.tokens_env
            if settings.tokens_env is not None
            else os.environ.get("GATES_TOKENS")
        )
        self.tokens = (
            tokens if tokens is not None else TokenStore.load(file=settings.tokens_file, env=env)
        )
        self.catalog = SuiteCatalog.load(settings.suites_dir)
        self.metrics = Metrics()
        self.pool = WorkerPool(settings.workers)
        self.ledger = Ledger(settings.ledger_path)
        #: The metric history next to the ledger (anomaly checks learn from it; None: off).
        self.history = history_for(settings.ledger_path)
        self.writer: LedgerWriter | None = None

    # --- LIFECYCLE -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the ledger writer and warm every suite up (imports, engine caches)."""
        self.writer = LedgerWriter(
            self.ledger,
            on_error=self.metrics.ledger_error,
            on_depth=lambda depth: setattr(self.metrics, "ledger_queue", depth),
            on_spill=self.metrics.ledger_spilled,
            in_process=self._ledger_in_process,
        )
        from gates._runner import check

        for served in self.catalog:
            empty = pl.DataFrame(
                schema={c: served.dtypes.get(c, pl.String()) for c in served.loaded.suite.columns}
            )
            try:
                check(empty, served.loaded, lineage="off")
            except Exception as exc:  # warm-up only: a real request reports the problem
                _log.debug("warm-up of suite %s failed: %s", served.name, exc)

    def stop(self) -> None:
        """Finish running validations, then write every queued ledger record."""
        self.pool.shutdown()
        if self.writer is not None:
            self.writer.close()

    # --- JOBS (run on worker threads) ----------------------------------------------------

    def ledger_health(self) -> LedgerHealth:
        """The ledger writer's state for ``/healthz``."""
        writer = self.writer
        if writer is None:
            return LedgerHealth(
                path=str(self.ledger.path), spill_file="", spilled=0, queued=0, last_error=None
            )
        return LedgerHealth(
            status="degraded" if writer.degraded else "ok",
            path=str(self.ledger.path),
            spill_file=str(writer.spill_path),
            spilled=writer.spilled,
            queued=writer.queued,
            last_error=writer.last_error,
        )

    def _record(self, result: GateResult, token_name: str | None, *, wait: bool) -> str:
        """Queue the run for the ledger; with ``wait``, ``recorded``, ``spilled`` or ``queued``."""
        assert self.writer is not None, "Service.start() was not called"
        actor = actor_from_env(token_name=token_name)  # no tokens (loopback): the server's user
        future = self.writer.submit(ledger_record(result, actor=actor))
        if not wait:
            return "queued"
        try:
            future.result(timeout=LEDGER_WAIT)
        except LedgerError:
            return "spilled"  # the writer logged it and counted it; the run is in the spill file
        except concurrent.futures.TimeoutError:
            return "queued"  # still queued: it will be written or spilled, never dropped
        return "recorded"

    def _observe(self, result: GateResult, path: str, seconds: float) -> None:
        self.metrics.run(
            suite=result.suite.name,
            verdict=result.verdict.value,
            path=path,
            rows=result.dataset.rows or 0,
            seconds=seconds,
        )

    def validate_records(
        self, served: ServedSuite, body: bytes, token_name: str | None
    ) -> dict[str, Any]:
        """Validate a ``{"records": [...]}`` body; the ledger write happens in the background."""
        from gates._runner import check

        started = time.perf_counter()
        from gates._io import load

        frame = records_body_frame(body, served, max_records=self.settings.max_records)
        dataset = load(frame)
        dataset.source = f"records:{frame.height}"
        try:
            result = check(dataset, served.loaded, run_id=uuid.uuid4().hex, history=self.history)
        except InputError as exc:
            raise Unprocessable(str(exc)) from None
        self._record(result, token_name, wait=False)
        self._observe(result, "records", time.perf_counter() - started)
        return result.to_dict()

    def validate_file(
        self,
        served: ServedSuite,
        path: Path,
        *,
        fmt: str,
        filename: str,
        token_name: str | None,
        run_id: str,
    ) -> tuple[dict[str, Any], str]:
        """Validate an uploaded file (then delete its folder); waits (bounded) for the ledger.

        Returns:
            The JSON report and the ledger state: ``recorded``, ``spilled`` or ``queued``.
        """
        from gates._io import load
        from gates._runner import check

        started = time.perf_counter()
        try:
            dataset = load(path, format=fmt)
            dataset.source = f"upload:{filename}"
            result = check(dataset, served.loaded, run_id=run_id, history=self.history)
        except InputError as exc:
            raise Unprocessable(str(exc).replace(str(path), filename or "upload")) from None
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        state = self._record(result, token_name, wait=True)
        self._observe(result, "upload", time.perf_counter() - started)
        return result.to_dict(), state

    def profile_file(self, path: Path, *, fmt: str, filename: str) -> dict[str, Any]:
        """Profile an uploaded file (then delete its folder)."""
        from gates._profile import profile

        try:
            prof = profile(str(path), format=fmt)
        except (InputError, pl.exceptions.PolarsError) as exc:
            raise Unprocessable(str(exc).replace(str(path), filename or "upload")) from None
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        doc: dict[str, Any] = prof.to_dict()
        if isinstance(doc.get("source"), str):
            doc["source"] = f"upload:{filename}"
        return doc
