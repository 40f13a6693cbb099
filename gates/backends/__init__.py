"""Execution backends: where a compiled check plan runs (Polars, DuckDB, Spark).

A backend is found by the kind of data handed in (:func:`backend_for`) or by name
(:func:`get_backend`); each lives in a module of its own, imported on first use, so
``import gates`` never loads DuckDB's relation API or PySpark.
"""

from ._base import BACKENDS as BACKENDS
from ._base import Backend as Backend
from ._base import backend_for as backend_for
from ._base import get_backend as get_backend

__all__ = ["BACKENDS", "Backend", "backend_for", "get_backend"]
