"""OpenLineage events for gate runs: START, then COMPLETE or FAIL, with data-quality facets.

Off unless configured the way OpenLineage users configure any integration (``OPENLINEAGE_URL``,
``OPENLINEAGE_CONFIG`` / ``openlineage.yml``, ``OPENLINEAGE__TRANSPORT__*``), or asked for with
``gates check --lineage URL|file:PATH|console`` / ``gates.check(..., lineage=...)``. Delivery
never fails the gate nor holds it up longer than the ``timeout``. docs/lineage.md.

Example:
    >>> import gates  # doctest: +SKIP
    >>> gates.check("orders.parquet", "suites/orders.yml", lineage="file:lineage.ndjson")  # doctest: +SKIP
"""

from ._config import DEFAULT_NAMESPACE as DEFAULT_NAMESPACE
from ._config import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from ._config import LineageConfig as LineageConfig
from ._config import resolve as resolve
from ._emit import Lineage as Lineage
from ._emit import lineage_for as lineage_for
from ._events import fail_event as fail_event
from ._events import ol_run_id as ol_run_id
from ._events import run_event as run_event
from ._naming import DatasetName as DatasetName
from ._naming import dataset_name as dataset_name

__all__ = [
    "DEFAULT_NAMESPACE",
    "DEFAULT_TIMEOUT",
    "DatasetName",
    "Lineage",
    "LineageConfig",
    "dataset_name",
    "fail_event",
    "lineage_for",
    "ol_run_id",
    "resolve",
    "run_event",
]
