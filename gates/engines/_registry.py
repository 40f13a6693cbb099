"""Engines by name, imported only when a suite needs them."""

from __future__ import annotations

import functools
import importlib

from ._base import Engine

__all__ = ["ENGINES", "get_engine"]

#: Run order and where each engine lives. The native engine runs first and marks what it
#: handled, so the reference engines (pandera, gx) only run what it did not translate. The
#: anomaly engine runs last: it judges the other checks' metrics of this run.
ENGINES: dict[str, str] = {
    "schema": "gates.engines._schema:SchemaEngine",
    "native": "gates.engines._native:NativeEngine",
    "pandera": "gates.engines._pandera:PanderaEngine",
    "gx": "gates.engines._gx:GXEngine",
    "table": "gates.engines._table:TableEngine",
    "drift": "gates.engines._drift:DriftEngine",
    "labels": "gates.engines._labels:LabelsEngine",
    "coverage": "gates.engines._coverage:CoverageEngine",
    "anomaly": "gates.engines._anomaly:AnomalyEngine",
}


@functools.cache
def get_engine(name: str) -> Engine:
    """The engine called ``name`` (its module is imported on first use).

    Raises:
        KeyError: no engine has that name (see :data:`ENGINES`).
    """
    module_name, _, attr = ENGINES[name].partition(":")
    engine: Engine = getattr(importlib.import_module(module_name), attr)()
    return engine
