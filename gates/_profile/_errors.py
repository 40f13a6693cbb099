"""Errors raised by ``gates.profile`` (all under :class:`gates.GateError`).

The tree::

    GateError
    ├── InputError
    │   └── ProfileFormatError    a baseline/profile JSON file that is missing, not JSON,
    │                             or of an unsupported schema_version (exit code 2)
    └── SuggestTargetExists       ``gates suggest --out`` would overwrite a file; also a
                                  FileExistsError (pass ``force=True`` / ``--force``)
"""

from __future__ import annotations

from .._errors import GateError, InputError

__all__ = ["ProfileFormatError", "SuggestTargetExists"]


class ProfileFormatError(InputError):
    """A profile JSON file cannot be used: missing, malformed or of an unsupported version."""


class SuggestTargetExists(GateError, FileExistsError):
    """The suite file ``gates suggest`` would write exists already."""
