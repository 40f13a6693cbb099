"""Lineage tests start from a clean OpenLineage environment (no URL, no config file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_openlineage_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("OPENLINEAGE") or key == "GATES_LINEAGE_TIMEOUT":
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.openlineage/openlineage.yml
    monkeypatch.chdir(tmp_path)
