"""The peer conformance runners: one summary line per peer at the end, and a Spark session.

Under pytest-xdist each worker tallies the cases it ran; the tallies travel to the controller
(``workeroutput``), which prints the lines, so ``make test`` (``-n 2``) shows them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _peers import TALLIES, tally
from spark_local import local_session


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A `local[2]` session on loopback for the module (as tests/backends/conftest.py builds it).

    Without Java or PySpark the Spark cases skip and say why, except when the environment
    variable CI is set: CI must run them, so they fail.
    """
    session = local_session("datagates-peers", cores=2, partitions=2)
    yield session
    session.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = getattr(session.config, "workeroutput", None)
    if out is not None:  # an xdist worker: hand the tallies to the controller
        out["peer_tallies"] = {peer: board.dump() for peer, board in TALLIES.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for peer, rows in (getattr(node, "workeroutput", None) or {}).get("peer_tallies", {}).items():
        board = tally(peer)
        for case, backend, kind, reason in rows:
            board.add(case, backend, kind, reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLIES:
        return
    terminalreporter.section("peer conformance")
    for board in TALLIES.values():
        terminalreporter.write_line(board.line())
        for line in board.backend_lines():
            terminalreporter.write_line(line)
