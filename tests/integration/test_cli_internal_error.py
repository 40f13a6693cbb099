"""A bug in datagates is exit code 3 with one line, never 1 ("blocked") with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import gates._cli._app as app_module
def broken():
    raise KeyError("boom")
app_module.app = broken
from gates._cli import main
main()
"""


def _run(*, debug: bool) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "GATES_DEBUG"}
    if debug:
        environ["GATES_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, env=environ
    )


def test_unexpected_error_is_exit_3_and_one_line() -> None:
    got = _run(debug=False)
    assert got.returncode == 3
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in got.stderr
    assert lines[0].startswith("internal error: KeyError: 'boom'")
    assert "bug in datagates" in lines[0] and "--debug" in lines[0]


def test_debug_shows_the_traceback() -> None:
    got = _run(debug=True)
    assert got.returncode == 1
    assert "Traceback" in got.stderr and "KeyError" in got.stderr
