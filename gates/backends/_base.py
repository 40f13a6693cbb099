"""The backend protocol and the registry of backends, keyed by the kind of data they run on."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import polars as pl

    from .._result import CheckResult
    from ..engines._base import RunContext
    from ..engines._native_plan import Plan

__all__ = ["BACKENDS", "Backend", "backend_for", "failed_row_checks", "get_backend"]

#: Backend name → the module that defines ``BACKEND``. Order is the lookup order of
#: :func:`backend_for`.
BACKENDS: dict[str, str] = {
    "polars": "gates.backends._polars",
    "duckdb": "gates.backends._duckdb",
    "spark": "gates.backends._spark",
}

#: The module prefix of each backend's native data type (checked without importing it).
_NATIVE_MODULES: dict[str, tuple[str, ...]] = {
    "polars": ("polars",),
    "duckdb": ("duckdb", "_duckdb"),
    "spark": ("pyspark.sql",),
}


class Backend(Protocol):
    """Runs compiled plans on one kind of data, in as few passes as that engine allows."""

    #: ``polars``, ``duckdb`` or ``spark``: named in the result and the ledger.
    name: str
    #: The expression namespace plans are built in for this backend (``polars`` or ``narwhals``).
    ns: Any

    def schema(self, native: Any) -> pl.Schema:
        """The data's schema as Polars dtypes (translators decide on these); reads no rows."""
        ...

    def run(self, ctx: RunContext, plans: Sequence[Plan]) -> list[CheckResult] | None:
        """Every plan's result, or None when the fused pass could not evaluate a check."""
        ...


def backend_for(data: Any) -> str | None:
    """The backend for native data (a Polars frame, a DuckDB relation, a PySpark DataFrame)."""
    module = type(data).__module__
    for name, prefixes in _NATIVE_MODULES.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            if name == "duckdb" and type(data).__name__ != "DuckDBPyRelation":
                continue
            return name
    return None


@functools.cache
def get_backend(name: str) -> Backend:
    """The backend called ``name`` (its module is imported on first use)."""
    backend: Backend = importlib.import_module(BACKENDS[name]).BACKEND
    return backend


def failed_row_checks(
    ctx: RunContext, plans: Sequence[Plan], results: Sequence[CheckResult]
) -> list[int]:
    """The indexes of the failed row-level checks whose failing rows are sampled."""
    if ctx.sample_size <= 0:
        return []
    return [
        i
        for i, (p, r) in enumerate(zip(plans, results, strict=True))
        if p.bad is not None and not r.passed and r.failing_count
    ]
