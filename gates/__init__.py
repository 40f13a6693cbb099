"""datagates: a data-quality gate for machine-learning teams.

Example:
    >>> import gates
    >>> result = gates.check("data/orders.parquet", "suites/orders.yml")  # doctest: +SKIP
    >>> result.verdict
    <Verdict.BLOCK: 'block'>
"""

from importlib import metadata as _metadata

from ._errors import DataSourceNotFound as DataSourceNotFound
from ._errors import EngineError as EngineError
from ._errors import GateError as GateError
from ._errors import GateFailed as GateFailed
from ._errors import GateWarning as GateWarning
from ._errors import InputError as InputError
from ._errors import MissingExtraError as MissingExtraError
from ._errors import SuiteDefinitionError as SuiteDefinitionError
from ._io import Dataset as Dataset
from ._io import load as load
from ._result import CheckResult as CheckResult
from ._result import DatasetInfo as DatasetInfo
from ._result import GateResult as GateResult
from ._result import Severity as Severity
from ._result import SuiteInfo as SuiteInfo
from ._result import Verdict as Verdict
from ._runner import check as check
from .suite import LoadedSuite as LoadedSuite
from .suite import load_suite as load_suite

try:
    __version__ = _metadata.version("datagates")
except _metadata.PackageNotFoundError:  # pragma: no cover  (running from a source tree)
    __version__ = "0.0.0"

__all__ = [
    "CheckResult",
    "DataSourceNotFound",
    "Dataset",
    "DatasetInfo",
    "EngineError",
    "GateError",
    "GateFailed",
    "GateResult",
    "GateWarning",
    "InputError",
    "LoadedSuite",
    "MissingExtraError",
    "Severity",
    "SuiteDefinitionError",
    "SuiteInfo",
    "Verdict",
    "__version__",
    "check",
    "load",
    "load_suite",
]
