"""``Service``: the state behind the HTTP API (suites, tokens, workers, ledger writer, metrics)
and the validation jobs that run on worker threads."""

from __future__ import annotations

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
from gates.ledger import Ledger, actor_from_env, ledger_record

from ._auth import TokenStore
from ._errors import Unprocessable
from ._ledger_writer import LedgerWriter
from ._limits import WorkerPool
from ._metrics import Metrics
from ._settings import ServiceSettings
from ._suites import ServedSuite, SuiteCatalog, records_frame

__all__ = ["Service"]

_log = logging.getLogger("gates.service")


class Service:
    """Everything loaded once at startup and shared by every request.

    Args:
        settings: the configuration (checked here).
        tokens: the accepted tokens (default: from ``settings.tokens_file`` and ``GATES_TOKENS``).

    Raises:
        ServiceConfigError: bad settings or tokens.
        SuiteDefinitionError: a suite in the folder is invalid.
    """

    def __init__(self, settings: ServiceSettings, *, tokens: TokenStore | None = None) -> None:
        settings.check()
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
        self.writer: LedgerWriter | None = None

    # --- LIFECYCLE -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the ledger writer and warm every suite up (imports, engine caches)."""
        self.writer = LedgerWriter(
            self.ledger,
            on_error=self.metrics.ledger_error,
            on_depth=lambda depth: setattr(self.metrics, "ledger_queue", depth),
        )
        from gates._runner import check

        for served in self.catalog:
            empty = pl.DataFrame(
                schema={c: served.dtypes.get(c, pl.String()) for c in served.loaded.suite.columns}
            )
            try:
                check(empty, served.loaded)
            except Exception as exc:  # warm-up only: a real request reports the problem
                _log.debug("warm-up of suite %s failed: %s", served.name, exc)

    def stop(self) -> None:
        """Finish running validations, then write every queued ledger record."""
        self.pool.shutdown()
        if self.writer is not None:
            self.writer.close()

    # --- JOBS (run on worker threads) ----------------------------------------------------

    def _record(self, result: GateResult, token_name: str | None, *, wait: bool) -> None:
        assert self.writer is not None, "Service.start() was not called"
        actor = actor_from_env(token_name=token_name)  # no tokens (loopback): the server's user
        future = self.writer.submit(ledger_record(result, actor=actor))
        if wait:
            future.result()

    def _observe(self, result: GateResult, path: str, seconds: float) -> None:
        self.metrics.run(
            suite=result.suite.name,
            verdict=result.verdict.value,
            path=path,
            rows=result.dataset.rows or 0,
            seconds=seconds,
        )

    def validate_records(
        self, served: ServedSuite, records: list[Any], token_name: str | None
    ) -> dict[str, Any]:
        """Validate a batch of JSON records; the ledger write happens in the background."""
        from gates._runner import check

        started = time.perf_counter()
        from gates._io import load

        frame = records_frame(records, served, max_records=self.settings.max_records)
        dataset = load(frame)
        dataset.source = f"records:{len(records)}"
        try:
            result = check(dataset, served.loaded, run_id=uuid.uuid4().hex)
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
    ) -> dict[str, Any]:
        """Validate an uploaded file (then delete its folder); waits until the run is in the ledger."""
        from gates._io import load
        from gates._runner import check

        started = time.perf_counter()
        try:
            dataset = load(path, format=fmt)
            dataset.source = f"upload:{filename}"
            result = check(dataset, served.loaded, run_id=run_id)
        except InputError as exc:
            raise Unprocessable(str(exc).replace(str(path), filename or "upload")) from None
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        self._record(result, token_name, wait=True)
        self._observe(result, "upload", time.perf_counter() - started)
        return result.to_dict()

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
