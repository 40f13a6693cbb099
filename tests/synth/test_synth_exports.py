"""The public surface of ``synth`` is pinned."""

import pytest

import synth

pytestmark = pytest.mark.synth


def test_synth_never_imports_gates() -> None:
    """``synth`` is a library of its own: no module of it imports ``gates``."""
    from pathlib import Path

    for path in Path(synth.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import gates" not in text, path
        assert "from gates" not in text, path
