"""datagates: a data-quality gate for machine-learning teams.

Example:
    >>> import gates
    >>> result = gates.check("data/orders.parquet", "suites/orders.yml")  # doctest: +SKIP
    >>> result.verdict
    <Verdict.BLOCK: 'block'>
"""

import importlib as _importlib
import typing as _typing

from ._errors import DataSourceNotFound as DataSourceNotFound
from ._errors import EngineError as EngineError
from ._errors import GateError as GateError
from ._errors import GateFailed as GateFailed
from ._errors import GateWarning as GateWarning
from ._errors import InputError as InputError
from ._errors import MissingExtraError as MissingExtraError
from ._errors import SuiteDefinitionError as SuiteDefinitionError
from ._result import CheckResult as CheckResult
from ._result import DatasetInfo as DatasetInfo
from ._result import GateResult as GateResult
from ._result import Severity as Severity
from ._result import SuiteInfo as SuiteInfo
from ._result import Verdict as Verdict

if _typing.TYPE_CHECKING:
    from ._io import Dataset as Dataset
    from ._io import load as load
    from ._profile import ColumnProfile as ColumnProfile
    from ._profile import Profile as Profile
    from ._profile import ProfileFormatError as ProfileFormatError
    from ._profile import TableState as TableState
    from ._profile import merge_states as merge_states
    from ._profile import profile as profile
    from ._profile import profile_from_state as profile_from_state
    from ._profile import profile_state as profile_state
    from ._profile import read_profile as read_profile
    from ._runner import check as check
    from .suite import LoadedSuite as LoadedSuite
    from .suite import load_suite as load_suite

# Imported on first use, so that `import gates` (and the pytest plugin) stays light:
# these pull in polars, pydantic and ruamel.
_LAZY = {
    "Dataset": "._io",
    "load": "._io",
    "check": "._runner",
    "LoadedSuite": ".suite",
    "load_suite": ".suite",
    "profile": "._profile",
    "Profile": "._profile",
    "ColumnProfile": "._profile",
    "ProfileFormatError": "._profile",
    "read_profile": "._profile",
    "TableState": "._profile",
    "merge_states": "._profile",
    "profile_state": "._profile",
    "profile_from_state": "._profile",
}


def __getattr__(name: str) -> _typing.Any:
    if name == "__version__":  # importlib.metadata costs 0.03 s of every command's start-up
        globals()[name] = _version()
        return globals()[name]
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gates' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("datagates")
    except metadata.PackageNotFoundError:  # pragma: no cover  (running from a source tree)
        return "0.0.0"


__all__ = [
    "CheckResult",
    "ColumnProfile",
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
    "Profile",
    "ProfileFormatError",
    "Severity",
    "SuiteDefinitionError",
    "SuiteInfo",
    "TableState",
    "Verdict",
    "__version__",
    "check",
    "load",
    "load_suite",
    "merge_states",
    "profile",
    "profile_from_state",
    "profile_state",
    "read_profile",
]
