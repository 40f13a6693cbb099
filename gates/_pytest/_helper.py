"""The ``gate`` fixture's helper, the ``@pytest.mark.gate`` marker, and readable assertions."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gates._errors import GateError
from gates._result import GateResult, Verdict, as_verdict

from ._explain import explain_result
from ._state import STATE_KEY

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "RESULTS_KEY",
    "CheckedResult",
    "GateHelper",
    "assertrepr",
    "marker_result",
    "marker_verdict_failure",
    "profile_function",
]

#: Results a test produced through ``gate`` or the marker, for its failure report.
RESULTS_KEY = pytest.StashKey[list[GateResult]]()
_MARKER_KEY = pytest.StashKey[GateResult]()


class CheckedResult(GateResult):
    """A :class:`~gates.GateResult` whose repr is one line and which compares to a verdict.

    ``result == "pass"`` (or ``gates.Verdict.PASS``) is True when the verdict is ``pass``,
    and a failed ``assert result == "pass"`` prints every failing check with its rows.
    """

    __slots__ = ()
    __hash__ = GateResult.__hash__

    @classmethod
    def of(cls, result: GateResult) -> CheckedResult:
        """Wrap a plain result (no copy of the checks)."""
        return cls(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):  # Verdict is a str enum
            return self.verdict.value == str(getattr(other, "value", other))
        return GateResult.__eq__(self, other)

    __repr__ = GateResult.__repr__


def _remember(node: pytest.Item, result: GateResult) -> None:
    results = node.stash.setdefault(RESULTS_KEY, [])
    results.append(result)
    node.config.stash[STATE_KEY].recent = results


def _run(config: pytest.Config, data: Any, suite: Any, **kwargs: Any) -> CheckedResult:
    from gates._runner import check

    kwargs.setdefault("engine", config.stash[STATE_KEY].options.engine)
    return CheckedResult.of(check(data, suite, **kwargs))


class GateHelper:
    """What the ``gate`` fixture gives a test.

    Example:
        >>> def test_orders(gate):  # doctest: +SKIP
        ...     result = gate.check("data/orders.parquet", "suites/orders.yml")
        ...     assert result == "pass"
    """

    def __init__(self, node: pytest.Item) -> None:
        self._node = node

    def check(self, data: Any, suite: str | os.PathLike[str] | Any, **kwargs: Any) -> CheckedResult:
        """Run ``gates.check(data, suite, **kwargs)``; the engine defaults to ``--gate-engine``.

        Args:
            data: a frame, path, glob or ``None`` for the suite's ``data:`` section.
            suite: a suite file or a loaded suite.
            **kwargs: passed on to :func:`gates.check` (``table``, ``sql``, ``engine``, ...).

        Returns:
            The result; a failing test that used it shows every failed check.
        """
        result = _run(self._node.config, data, suite, **kwargs)
        _remember(self._node, result)
        return result

    def assert_passes(
        self,
        data: Any,
        suite: str | os.PathLike[str] | Any,
        *,
        fail_on: Verdict | str = "block",
        **kwargs: Any,
    ) -> CheckedResult:
        """Check and fail the test (no traceback) when the verdict reaches ``fail_on``.

        Args:
            data: as in :meth:`check`.
            suite: as in :meth:`check`.
            fail_on: ``block`` (default) or ``warn``.
            **kwargs: passed on to :func:`gates.check`.

        Returns:
            The result, when it passes.
        """
        result = self.check(data, suite, **kwargs)
        if result.exit_code(fail_on=as_verdict(fail_on)):
            pytest.fail(explain_result(result), pytrace=False)
        return result


def _resolve(node: pytest.Item, value: Any) -> Any:
    """A relative path in the marker: beside the test file when it exists there, else as given."""
    if isinstance(value, str | os.PathLike) and not Path(value).is_absolute():
        beside = node.path.parent / value
        if beside.exists():
            return beside
    return value


def marker_result(node: pytest.Item) -> GateResult | None:
    """The result of the test's ``@pytest.mark.gate(suite=..., data=...)``, run once; None without one."""
    mark = node.get_closest_marker("gate")
    if mark is None or not (mark.args or "suite" in mark.kwargs):
        return None
    if _MARKER_KEY not in node.stash:
        kwargs = dict(mark.kwargs)
        suite = _resolve(node, mark.args[0] if mark.args else kwargs.pop("suite"))
        data = _resolve(node, kwargs.pop("data", None))
        kwargs.pop("fail_on", None)
        try:
            result = _run(node.config, data, suite, **kwargs)
        except GateError as exc:
            pytest.fail(f"@pytest.mark.gate: {exc}", pytrace=False)
        node.stash[_MARKER_KEY] = result
        _remember(node, result)
    return node.stash[_MARKER_KEY]


def marker_verdict_failure(node: pytest.Item) -> str | None:
    """The failure text when the marker's gate reaches its ``fail_on`` (default ``block``)."""
    result = marker_result(node)
    mark = node.get_closest_marker("gate")
    if result is None or mark is None:
        return None
    try:
        fail_on = as_verdict(mark.kwargs.get("fail_on", "block"))
    except ValueError as exc:
        return f"@pytest.mark.gate: {exc}"
    return (
        f"@pytest.mark.gate: {explain_result(result)}"
        if result.exit_code(fail_on=fail_on)
        else None
    )


def assertrepr(left: object, op: str, right: object, recent: list[GateResult]) -> list[str] | None:
    """Lines for a failed ``result == "pass"`` or ``result.verdict == "pass"``."""
    if op not in ("==", "!="):
        return None
    if isinstance(right, GateResult) and not isinstance(left, GateResult):
        left, right = right, left
    result: GateResult | None = left if isinstance(left, GateResult) else None
    if result is None and isinstance(left, Verdict) and isinstance(right, str):
        result = next((r for r in reversed(recent) if r.verdict is left), None)
    if result is None or not isinstance(right, str):
        return None
    text = explain_result(result).splitlines()
    return [
        f"gate verdict {result.verdict.value!r} {op} {str(getattr(right, 'value', right))!r}",
        *text,
    ]


def profile_function() -> Callable[..., Any]:
    """``gates.profile``, for the ``data_profile`` fixture."""
    from .._profile import profile

    return profile
