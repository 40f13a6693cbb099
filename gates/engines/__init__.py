"""Engines turn their part of a suite into CheckResults; looked up through a registry."""

from ._base import Engine as Engine
from ._base import RunContext as RunContext
from ._registry import ENGINES as ENGINES
from ._registry import get_engine as get_engine

__all__ = ["ENGINES", "Engine", "RunContext", "get_engine"]
