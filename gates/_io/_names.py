"""Names datagates adds beside the user's columns, chosen so they never collide with them.

The failing-row samples of a report carry the 0-based row number under ``row``
(docs/reports.md). Internally the row index is a reserved column that no user column shares;
a user column that is itself named ``row`` is shown in samples as ``row (column)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ROW_KEY", "row_index_name", "sample_key", "sample_row"]

#: The key of the row number in every sample row.
ROW_KEY = "row"
_RESERVED = "__gates_row"


def row_index_name(columns: Iterable[str]) -> str:
    """A name for the internal row-index column that is not one of ``columns``."""
    taken = set(columns)
    name, n = _RESERVED, 0
    while name in taken:
        n += 1
        name = f"{_RESERVED}_{n}"
    return name


def sample_key(column: str) -> str:
    """The key of a data column in a sample row (``row`` is the row number's)."""
    return f"{column} (column)" if column == ROW_KEY else column


def sample_row(index: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """One sample row: the row number, then the row's values under their :func:`sample_key`."""
    return {ROW_KEY: int(index), **{sample_key(k): v for k, v in values.items()}}
