"""Lazy access to the optional [synth] dependencies (sdv, sdmetrics)."""

from __future__ import annotations

import importlib
from importlib import metadata as importlib_metadata
from types import ModuleType

from ._errors import MissingSynthExtraError


def require(module: str) -> ModuleType:
    """Import ``module`` or raise ``MissingSynthExtraError`` with the install command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingSynthExtraError(module) from exc


def versions() -> dict[str, str]:
    """Versions of the libraries that shape the output, for the manifest."""
    found: dict[str, str] = {}
    for dist in ("sdv", "sdmetrics", "rdt", "copulas", "polars", "datagates"):
        try:
            found[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found
