"""Errors raised by datagates.

The tree::

    GateError                      base of everything datagates raises on purpose
    ├── InputError                 the data could not be read (exit code 2)
    │   └── DataSourceNotFound     a path, glob or table that does not exist
    ├── SuiteDefinitionError       the suite author made a mistake (exit code 2);
    │                              also a ValueError; carries file, line, column
    ├── EngineError                an engine could not run a check it was given
    ├── MissingExtraError          an optional extra is not installed; also an ImportError
    └── GateFailed                 raised on demand (``result.raise_for_verdict()``)
                                   when a gate blocks; carries the GateResult

``GateWarning`` is the warning category for everything datagates warns about.

Data failures (``GateFailed``) and author mistakes (``SuiteDefinitionError``) are kept apart
on purpose: one means "the data is bad", the other "the suite is bad".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._result import GateResult

__all__ = [
    "DataSourceNotFound",
    "EngineError",
    "GateError",
    "GateFailed",
    "GateWarning",
    "InputError",
    "MissingExtraError",
    "SuiteDefinitionError",
]


class GateWarning(UserWarning):
    """Category of the warnings datagates emits."""


class GateError(Exception):
    """Base class of every error datagates raises on purpose."""


class InputError(GateError):
    """The data could not be read: missing, empty, malformed or wrongly encoded.

    Args:
        message: what went wrong and what to do, in one line.
        source: the file, glob, table or query that could not be read.
        line: 1-based line in a text file, when known.
        column: the column involved, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.line = line
        self.column = column


class DataSourceNotFound(InputError, FileNotFoundError):
    """A path, glob, database or table that does not exist."""


class SuiteDefinitionError(GateError, ValueError):
    """The suite is invalid: unknown key or check, wrong argument, bad regex, bad YAML.

    The message names the file, line and column when they are known, and the fix.

    Args:
        message: what is wrong and how to fix it.
        path: the suite file.
        line: 1-based line in the suite file.
        col: 1-based column in the suite file.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.reason = message
        where = path or "<suite>"
        if line is not None:
            where += f":{line}"
            if col is not None:
                where += f":{col}"
        super().__init__(f"{where}: {message}" if (path or line) else message)


class EngineError(GateError):
    """An engine could not run a check (a library raised something unexpected)."""


class MissingExtraError(GateError, ImportError):
    """An optional extra is needed for this feature and is not installed.

    Args:
        feature: what the user asked for, as a singular subject ("the service", "synthetic fill").
        extra: the extra that provides it ("labels").
    """

    def __init__(self, feature: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(f"{feature} needs the [{extra}] extra: pip install 'datagates[{extra}]'")


class GateFailed(GateError):
    """The gate blocked (or warned, with ``fail_on="warn"``); ``result`` holds every check."""

    def __init__(self, result: GateResult, *args: Any) -> None:
        self.result = result
        failing = [c for c in result.checks if not c.passed]
        names = ", ".join(c.id for c in failing[:5]) + (" …" if len(failing) > 5 else "")
        super().__init__(
            f"gate {result.verdict.value}: {len(failing)} of {len(result.checks)} checks failed"
            f" on {result.dataset.source} with suite {result.suite.name!r} ({names})",
            *args,
        )
