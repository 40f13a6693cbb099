"""Profiling, drift against a baseline profile, and suite suggestion (docs/profile.md)."""

from ._errors import ProfileFormatError as ProfileFormatError
from ._errors import SuggestTargetExists as SuggestTargetExists
from ._model import PROFILE_SCHEMA_VERSION as PROFILE_SCHEMA_VERSION
from ._model import ColumnProfile as ColumnProfile
from ._model import Histogram as Histogram
from ._model import Profile as Profile
from ._model import TopValues as TopValues
from ._model import read_profile as read_profile
from ._partition import profile_from_state as profile_from_state
from ._partition import profile_state as profile_state
from ._profile import profile as profile
from ._state import TableState as TableState
from ._state import merge_states as merge_states

__all__ = [
    "PROFILE_SCHEMA_VERSION",
    "ColumnProfile",
    "Histogram",
    "Profile",
    "ProfileFormatError",
    "SuggestTargetExists",
    "TableState",
    "TopValues",
    "merge_states",
    "profile",
    "profile_from_state",
    "profile_state",
    "read_profile",
]
