"""Each public package's __all__ is sorted and lists exactly its public names."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "gates",
    "gates.suite",
    "gates.engines",
    "gates.report",
    "gates.ledger",
    "gates.history",
    "gates.lineage",
    "gates.service",
    "labeling",
    "synth",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    public = {n for n in dir(module) if not n.startswith("_") and not _is_submodule(module, n)}
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions
    assert list(module.__all__) == sorted(
        module.__all__, key=lambda n: (not n.isupper(), not n[:1].isupper(), n)
    )
    assert set(module.__all__) - {"__version__"} == public


def _is_submodule(module: object, name: str) -> bool:
    import types

    return isinstance(getattr(module, name), types.ModuleType)


def test_core_import_stays_light() -> None:
    """`import gates` pulls in neither GX, pandera, pandas nor the optional extras."""
    import subprocess
    import sys

    code = (
        "import sys, gates; heavy = [m for m in ('great_expectations', 'pandera', 'pandas', 'cleanlab', 'sdv', 'fastapi', 'sklearn')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
