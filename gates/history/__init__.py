"""Metric history of gate runs, next to the ledger; the suite's ``anomaly:`` section learns from it.

Every recorded run (``gates check``, the pytest plugin, ``gates serve``) adds its row count,
every check's observed value / failing count / failing fraction and the column statistics an
anomaly check measured to ``<ledger>.history.duckdb``; each row names its ledger record, so
:func:`verify_history` tells when one was edited without the other. docs/history.md.

Example:
    >>> from gates.history import History, history_path  # doctest: +SKIP
    >>> [p.value for p in History(history_path()).series("row_count", suite="orders")]  # doctest: +SKIP
    [1000.0, 1012.0, 998.0]
"""

from ._detectors import METHODS as METHODS
from ._detectors import Band as Band
from ._detectors import judge as judge
from ._errors import HistoryError as HistoryError
from ._paths import history_enabled as history_enabled
from ._paths import history_for as history_for
from ._paths import history_path as history_path
from ._record import record_runs as record_runs
from ._schema import EXPORT_COLUMNS as EXPORT_COLUMNS
from ._store import DEFAULT_BASELINE_VERDICTS as DEFAULT_BASELINE_VERDICTS
from ._store import History as History
from ._store import HistoryRun as HistoryRun
from ._store import Point as Point
from ._store import Series as Series
from ._verify import HistoryReport as HistoryReport
from ._verify import rebuild as rebuild
from ._verify import verify_history as verify_history

__all__ = [
    "DEFAULT_BASELINE_VERDICTS",
    "EXPORT_COLUMNS",
    "METHODS",
    "Band",
    "History",
    "HistoryError",
    "HistoryReport",
    "HistoryRun",
    "Point",
    "Series",
    "history_enabled",
    "history_for",
    "history_path",
    "judge",
    "rebuild",
    "record_runs",
    "verify_history",
]
