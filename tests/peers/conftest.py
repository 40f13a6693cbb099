"""The peer conformance runners print one summary line per peer at the end of the session."""

from __future__ import annotations

import pytest
from _peers import TALLIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLIES:
        return
    terminalreporter.section("peer conformance")
    for board in TALLIES.values():
        terminalreporter.write_line(board.line())
