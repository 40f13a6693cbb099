"""The public surface of `labeling` is pinned, and it never imports `gates`."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.labels


def test_import_is_light_and_never_touches_gates() -> None:
    code = (
        "import sys, labeling; "
        "bad = [m for m in ('gates', 'sklearn', 'cleanlab', 'pandas') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
