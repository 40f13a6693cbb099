"""The pytest plugin's logic; ``gates.pytest_plugin`` holds only its hooks and fixtures."""

from ._errors import CheckFailed as CheckFailed
from ._explain import explain_check as explain_check
from ._explain import explain_result as explain_result
from ._helper import RESULTS_KEY as RESULTS_KEY
from ._helper import CheckedResult as CheckedResult
from ._helper import GateHelper as GateHelper
from ._helper import assertrepr as assertrepr
from ._helper import marker_result as marker_result
from ._helper import marker_verdict_failure as marker_verdict_failure
from ._helper import profile_function as profile_function
from ._items import SuiteFile as SuiteFile
from ._options import GateOptions as GateOptions
from ._options import add_options as add_options
from ._options import expand_suites as expand_suites
from ._options import suites_to_add as suites_to_add
from ._state import STATE_KEY as STATE_KEY
from ._state import GateState as GateState

__all__ = [
    "RESULTS_KEY",
    "STATE_KEY",
    "CheckFailed",
    "CheckedResult",
    "GateHelper",
    "GateOptions",
    "GateState",
    "SuiteFile",
    "add_options",
    "assertrepr",
    "expand_suites",
    "explain_check",
    "explain_result",
    "marker_result",
    "marker_verdict_failure",
    "profile_function",
    "suites_to_add",
]
