"""Session state: each suite is run once per process and its result shared by its items."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gates._errors import GateError

from ._options import GateOptions

if TYPE_CHECKING:
    from gates._result import GateResult
    from gates.suite import LoadedSuite

__all__ = ["STATE_KEY", "GateState"]


class GateState:
    """What the plugin keeps on ``config.stash`` for one pytest process.

    Under pytest-xdist every worker has its own state: a suite whose items run on two
    workers is run by both (same data, same result); the ledger records it once.
    """

    def __init__(self, config: pytest.Config, options: GateOptions) -> None:
        self.config = config
        self.options = options
        #: Resolved suite files named by ``--gate-suites``/``gate_suites``.
        self.suite_paths: set[Path] = set()
        #: One entry per suite run in this process: the result or the error it raised.
        self.results: dict[Path, GateResult | GateError] = {}
        #: Reports written, for the terminal summary.
        self.reports: list[Path] = []
        #: Results the running test produced (for ``result.verdict == "pass"`` explanations).
        self.recent: list[GateResult] = []

    def result_for(self, path: Path, loaded: LoadedSuite) -> GateResult:
        """The suite's result, running it on first use; a data or suite error is re-raised for each item."""
        if path not in self.results:
            from gates._runner import check

            try:
                from gates.history import history_for

                result = check(
                    None,
                    loaded,
                    engine=self.options.engine,  # type: ignore[arg-type]
                    history=history_for(self.options.ledger) if self.options.ledger else None,
                )
            except GateError as exc:
                self.results[path] = exc
                raise
            self.results[path] = result
            self._publish(result)
        cached = self.results[path]
        if isinstance(cached, GateError):
            raise cached
        return cached

    # --- reports and ledger ---------------------------------------------------------------
    def _publish(self, result: GateResult) -> None:
        if self.options.report_dir is not None:
            from gates.report import to_html, to_json

            stem = re.sub(r"[^\w.-]+", "_", result.suite.name) or "suite"
            for suffix, text in ((".json", to_json(result)), (".html", to_html(result))):
                self.reports.append(
                    _atomic_write(self.options.report_dir / f"{stem}{suffix}", text)
                )
        if self.options.ledger is not None and self._claim(result):
            from ..ledger import record_result

            record_result(result, self.options.ledger)

    def _claim(self, result: GateResult) -> bool:
        """True for the one process that records this suite/data pair (all of them without xdist)."""
        workerinput = getattr(self.config, "workerinput", None)
        if not workerinput:
            return True
        folder = Path(tempfile.gettempdir()) / f"datagates-pytest-{workerinput['testrunuid']}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.close(
                os.open(
                    folder / f"{result.suite.hash[:16]}-{result.dataset.fingerprint[:16]}",
                    os.O_CREAT | os.O_EXCL | os.O_WRONLY,
                )
            )
        except FileExistsError:
            return False
        return True


def _atomic_write(path: Path, text: str) -> Path:
    """Write via a temporary file and rename, so parallel workers never leave half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


#: Where the plugin keeps its :class:`GateState` on ``config.stash``.
STATE_KEY = pytest.StashKey[GateState]()
