"""Send a run's events without ever failing or holding up the gate.

Events go through the OpenLineage client on one background thread, so a slow endpoint
overlaps the checks; at the end of the run the gate waits at most ``timeout`` seconds for them,
then goes on. A failed or late delivery is one warning line (logger ``gates.lineage``, once per
target and process); it never changes the verdict or the exit code.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import MissingExtraError
from ._config import LineageConfig, resolve
from ._events import fail_event, run_event
from ._naming import DatasetName, dataset_name

if TYPE_CHECKING:
    from .._io import Dataset
    from .._result import GateResult
    from ..suite import LoadedSuite

__all__ = ["Lineage", "lineage_for"]

log = logging.getLogger("gates.lineage")
_warned: set[str] = set()
_warned_lock = threading.Lock()
T = TypeVar("T")


def _warn_once(label: str, message: str) -> None:
    with _warned_lock:
        if label in _warned:
            return
        _warned.add(label)
    log.warning("warning: %s", message)


def _client(config: LineageConfig) -> Any:
    try:
        from openlineage.client import OpenLineageClient
    except ImportError as exc:
        raise MissingExtraError("lineage events", "lineage") from exc
    if config.transport is None:
        return OpenLineageClient()
    from openlineage.client.transport import get_default_factory

    if config.transport["type"] == "console":
        _console_handler()
    return OpenLineageClient(transport=get_default_factory().create(config.transport))


def _console_handler() -> None:
    """The console transport logs each event at INFO; show those lines on stderr."""
    console = logging.getLogger("openlineage.client.transport.console")
    if not any(getattr(h, "_gates", False) for h in console.handlers):
        handler = logging.StreamHandler()
        handler._gates = True  # type: ignore[attr-defined]
        console.addHandler(handler)
        console.setLevel(logging.INFO)
        console.propagate = False


class Lineage:
    """The lineage of one gate run: START when it begins, COMPLETE or FAIL when it ends.

    Args:
        config: where the events go (:func:`gates.lineage.resolve`).

    Example:
        >>> from gates.lineage import Lineage, resolve  # doctest: +SKIP
        >>> Lineage(resolve("file:lineage.ndjson")).run(...)  # doctest: +SKIP
    """

    def __init__(self, config: LineageConfig) -> None:
        self.config = config
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._client: Any = None
        #: Events handed to the transport without an error (for tests and reports).
        self.sent = 0
        self.errors: list[str] = []

    # --- DELIVERY ------------------------------------------------------------------------

    def _worker(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                self._queue.task_done()
                return
            try:
                if self._client is None:
                    self._client = _client(self.config)
                self._client.emit(event)
                self.sent += 1
            except Exception as exc:  # a lineage problem is never the gate's problem
                text = " ".join(f"{type(exc).__name__}: {exc}".split())
                self.errors.append(text if len(text) <= 200 else text[:199] + "…")
            finally:
                self._queue.task_done()

    def emit(self, event: Any) -> None:
        """Queue one event for the background sender."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._worker, name="gates-lineage", daemon=True)
            self._thread.start()
        self._queue.put(event)

    def close(self) -> bool:
        """Wait up to ``timeout`` seconds for the queued events; True when all left cleanly."""
        if self._thread is None:
            return True
        self._queue.put(None)
        self._thread.join(self.config.timeout)
        late = self._thread.is_alive()
        if late:
            _warn_once(
                self.config.label,
                f"lineage events to {self.config.label} not delivered within "
                f"{self.config.timeout:g} s; the gate went on without them",
            )
        elif self.errors:
            _warn_once(
                self.config.label,
                f"lineage events to {self.config.label} not delivered ({self.errors[0]}); "
                "the verdict is not affected",
            )
        return not late and not self.errors

    # --- A RUN ---------------------------------------------------------------------------

    def run(
        self,
        suite: Callable[[], LoadedSuite],
        data: Any,
        load: Callable[[LoadedSuite], Dataset],
        check: Callable[[Dataset, LoadedSuite, str], GateResult],
        *,
        table: str | None = None,
        sql: str | None = None,
        run_id: str | None = None,
        suite_label: str = "suite",
    ) -> GateResult:
        """Run ``check`` between a START and a COMPLETE event (FAIL when it raises).

        Args:
            suite: loads the suite.
            data: the data as given to ``gates.check`` (names the input dataset).
            load: reads the data for the loaded suite.
            check: runs the checks on the loaded data with a run id.
            table: ``--table``, for the dataset's name.
            sql: ``--sql``, for the name and a ``sql`` job facet.
            run_id: the run id (default: a new uuid4 hex); also the OpenLineage run id.
            suite_label: the job name when the suite itself cannot be loaded.
        """
        rid = run_id or uuid.uuid4().hex
        ns = self.config.namespace
        try:
            loaded = suite()
        except Exception as exc:
            here = dataset_name(data, table=table, sql=sql, namespace=ns)
            self._failed(exc, rid, suite_label, "", here, sql)
            raise
        spec = None
        if loaded.suite.data is not None and data is None:
            d = loaded.suite.data
            spec = (str(loaded.resolve(d.path)) if d.path else None, d.table, d.sql)
        name = dataset_name(data, table=table, sql=sql, namespace=ns, spec=spec)
        query = sql or (spec[2] if spec else None)
        common: dict[str, Any] = {
            "run_id": rid,
            "namespace": ns,
            "suite": loaded.name,
            "dataset": name,
            "sql": query,
        }
        try:
            dataset = load(loaded)
        except Exception as exc:
            self._failed(exc, rid, loaded.name, loaded.hash, name, query)
            raise
        try:
            schema = {c: str(t) for c, t in dataset.schema.items()}
        except Exception:  # unreadable data: the checks say why, in their own words
            schema = {}
        self.emit(run_event("START", suite_hash=loaded.hash, schema=schema, **common))
        try:
            result = check(dataset, loaded, rid)
        except Exception as exc:
            self.emit(fail_event(exc, suite_hash=loaded.hash, **common))
            self.close()
            raise
        self.emit(run_event("COMPLETE", schema=schema, result=result, **common))
        self.close()
        return result

    def _failed(
        self,
        exc: BaseException,
        rid: str,
        suite: str,
        suite_hash: str,
        name: DatasetName,
        sql: str | None,
    ) -> None:
        common: dict[str, Any] = {
            "run_id": rid,
            "namespace": self.config.namespace,
            "suite": suite,
            "dataset": name,
            "sql": sql,
        }
        self.emit(run_event("START", suite_hash=suite_hash, **common))
        self.emit(fail_event(exc, suite_hash=suite_hash, **common))
        self.close()


def lineage_for(target: str | Lineage | None) -> Lineage | None:
    """The :class:`Lineage` for a ``lineage=`` argument, or ``None`` when lineage is off.

    ``None`` follows OpenLineage's own configuration (``OPENLINEAGE_URL``, ``openlineage.yml``,
    ...); a string is a ``--lineage`` target (URL, ``file:PATH``, ``console``, ``off``).
    """
    if isinstance(target, Lineage):
        return target
    config = resolve(target)
    return None if config is None else Lineage(config)
