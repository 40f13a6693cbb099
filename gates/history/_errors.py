"""Errors of the metric history.

Tree::

    GateError
    └── HistoryError (ValueError)    a bad filter, metric name or export target
"""

from __future__ import annotations

from .._errors import GateError

__all__ = ["HistoryError"]


class HistoryError(GateError, ValueError):
    """A history query or export that cannot be done; the message says what to change."""
