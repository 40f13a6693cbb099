"""Errors of the pytest plugin.

The tree::

    GateError (gates._errors)
    └── CheckFailed     a suite item's check failed (or could not run); also an
                        AssertionError so pytest reports it as a test failure

Data and suite errors (``InputError``, ``SuiteDefinitionError``) keep their own types and
are shown as their one-line message.
"""

from __future__ import annotations

from gates._errors import GateError

__all__ = ["CheckFailed"]


class CheckFailed(GateError, AssertionError):
    """A check collected from a suite failed; the message is the full explanation."""
