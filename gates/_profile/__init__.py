"""Profiling, drift against a baseline profile, and suite suggestion (docs/profile.md)."""

from ._errors import ProfileFormatError as ProfileFormatError
from ._errors import SuggestTargetExists as SuggestTargetExists
from ._model import PROFILE_SCHEMA_VERSION as PROFILE_SCHEMA_VERSION
from ._model import ColumnProfile as ColumnProfile
from ._model import Histogram as Histogram
from ._model import Profile as Profile
from ._model import TopValues as TopValues
from ._model import read_profile as read_profile
from ._profile import profile as profile

__all__ = [
    "PROFILE_SCHEMA_VERSION",
    "ColumnProfile",
    "Histogram",
    "Profile",
    "ProfileFormatError",
    "SuggestTargetExists",
    "TopValues",
    "profile",
    "read_profile",
]
