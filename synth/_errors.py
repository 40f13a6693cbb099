"""Errors raised by ``synth``.

The tree::

    SynthError(ValueError)                 base of every error raised here
    ├── ConditionError                     a shortfall is malformed (unknown column, bad value)
    ├── SynthConfigError                   an option is invalid (synthesizer, sdtypes, counts)
    ├── ValidatorError                     the caller's validator returned an unusable mask
    ├── GenerationError                    SDV failed to fit or sample (cause kept in ``__cause__``)
    ├── OutputError                        ``write()`` cannot write the requested file
    │   └── OutputExistsError(FileExistsError)  the target exists and ``overwrite`` is off
    └── MissingSynthExtraError(ImportError)     sdv / sdmetrics are not installed

Data problems (a condition that cannot be filled) are *not* errors: they are reported in the
``FillPlan`` / ``FillResult`` so nothing is hidden and nothing stops the run.
"""

from __future__ import annotations

__all__ = [
    "ConditionError",
    "GenerationError",
    "MissingSynthExtraError",
    "OutputError",
    "OutputExistsError",
    "SynthConfigError",
    "SynthError",
    "ValidatorError",
]

#: The message shown when the optional dependencies are missing.
INSTALL_HINT = "synthetic fill needs the [synth] extra: pip install 'datagates[synth]'"


class SynthError(ValueError):
    """Base class of every error raised by ``synth``."""


class ConditionError(SynthError):
    """A shortfall is malformed: unknown column, value of the wrong type, negative count."""


class SynthConfigError(SynthError):
    """An option passed to ``fill``/``plan_fill`` is invalid."""


class ValidatorError(SynthError):
    """The caller's validator returned a mask of the wrong length or type."""


class GenerationError(SynthError):
    """SDV failed to fit the model or to sample rows; the SDV error is the ``__cause__``."""


class OutputError(SynthError):
    """``write()`` cannot write the requested file (unknown suffix, ...)."""


class OutputExistsError(OutputError, FileExistsError):
    """``write()`` refused to replace an existing file because ``overwrite`` is off."""


class MissingSynthExtraError(SynthError, ImportError):
    """``sdv`` or ``sdmetrics`` is not installed; the message gives the install command."""

    def __init__(self, missing: str) -> None:
        super().__init__(INSTALL_HINT)
        #: The module that failed to import.
        self.missing = missing
