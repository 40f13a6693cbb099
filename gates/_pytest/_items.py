"""Suite files as pytest items: file → suite → column (or ``table``) → one item per check."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gates._errors import GateError, GateWarning, SuiteDefinitionError
from gates._result import CheckResult, GateResult, Severity
from gates.suite import LoadedSuite, load_suite

from ._errors import CheckFailed
from ._expected import OTHER, ExpectedCheck, expected_checks
from ._explain import explain_check, one_line
from ._state import STATE_KEY

__all__ = ["CheckItem", "OtherItem", "SuiteFile"]


class SuiteFile(pytest.File):
    """A suite YAML file named by ``--gate-suites`` (or given as a path on the command line)."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        try:
            loaded = load_suite(self.path)
            _check_data_path(loaded)
        except SuiteDefinitionError as exc:
            yield BrokenSuiteItem.from_parent(self, name="load", error=exc)
            return
        if loaded.suite.data is None:
            pytest.skip(
                f"suite {loaded.name!r} has no `data:` section: add one to run it as tests,"
                " or check it from a test with the `gate` fixture"
            )
        yield SuiteNode.from_parent(self, name=loaded.name, loaded=loaded)


def _check_data_path(loaded: LoadedSuite) -> None:
    """A ``data.path`` that matches nothing is the suite author's mistake: say where it is written."""
    import glob

    spec = loaded.suite.data
    if spec is None or not spec.path or spec.sql:
        return
    resolved = loaded.resolve(spec.path)
    if glob.has_magic(str(resolved)) and glob.glob(str(resolved), recursive=True):
        return
    if not resolved.exists():
        raise loaded.error(
            f"data.path {spec.path!r} does not exist (looked in {loaded.base_dir});"
            " fix the path or run from the folder it is relative to",
            ("data", "path"),
        )


class SuiteNode(pytest.Collector):
    """One suite: a node per column (and ``table``), then the catch-all ``other`` item."""

    def __init__(self, *, loaded: LoadedSuite, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.expected = expected_checks(loaded)

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        groups: dict[str, list[ExpectedCheck]] = {}
        for exp in self.expected:
            groups.setdefault(exp.group, []).append(exp)
        for name, checks in groups.items():
            yield GroupNode.from_parent(self, name=name, checks=checks)
        yield OtherItem.from_parent(self, name=OTHER if OTHER not in groups else f"{OTHER}#")

    def result(self) -> GateResult:
        """The suite's result, run once per process on first use."""
        return self.config.stash[STATE_KEY].result_for(self.path, self.loaded)


class GroupNode(pytest.Collector):
    """The checks of one column, or the table-level checks."""

    def __init__(self, *, checks: list[ExpectedCheck], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checks = checks

    def collect(self) -> Iterator[pytest.Item]:
        for exp in self.checks:
            yield CheckItem.from_parent(self, name=exp.leaf, expected=exp)


class _SuiteItem(pytest.Item):
    """Shared by the suite's items: failure text, location, warnings."""

    def _suite(self) -> SuiteNode:
        node = self.getparent(SuiteNode)
        assert node is not None
        return node

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, GateError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def _warn(self, text: str, line: int | None) -> None:
        warnings.warn_explicit(
            GateWarning(text), GateWarning, filename=str(self.path), lineno=line or 1
        )


class CheckItem(_SuiteItem):
    """One check of a suite; the suite runs once, on the first of its items to run."""

    def __init__(self, *, expected: ExpectedCheck, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected = expected
        for mark in ("gate", expected.severity.value, expected.engine):
            self.add_marker(mark)
        self.user_properties += [
            ("gate_check", expected.id),
            ("gate_severity", expected.severity.value),
        ]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.expected.line
        return self.path, (line - 1 if line else None), f"{self._suite().name}::{self.expected.id}"

    def runtest(self) -> None:
        result = self._suite().result()
        by_id = {c.id: c for c in result.checks}
        check = by_id.get(self.expected.id)
        if check is None:
            self._no_result(by_id)
            return
        self.user_properties.append(("gate_engine", check.engine))
        _judge(self, [check], self.expected.line)

    def _no_result(self, by_id: dict[str, CheckResult]) -> None:
        exp = self.expected
        if exp.id.endswith("::column_exists"):
            return  # the schema engine reports column_exists only when the column is missing
        exists = by_id.get(f"{exp.column}::column_exists") if exp.column else None
        if exists is not None and not exists.passed:
            pytest.skip(
                f"column {exp.column!r} is not in the data (see {exp.column}::column_exists)"
            )
        pytest.skip(
            f"the run reported no result for {exp.id}"
            + (f" (column {exp.column!r} is optional and absent)" if exp.column else "")
        )


class OtherItem(_SuiteItem):
    """Results no collected item predicted (included schemas, drift, labels, coverage, ...)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("gate")

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self._suite().name}::{self.name}"

    def runtest(self) -> None:
        node = self._suite()
        predicted = {e.id for e in node.expected}
        extra = [c for c in node.result().checks if c.id not in predicted]
        self.user_properties.append(("gate_checks", ", ".join(c.id for c in extra) or "none"))
        _judge(self, extra, None)


class BrokenSuiteItem(_SuiteItem):
    """Stands for a suite that cannot be loaded: errors at setup with the suite's own message."""

    def __init__(self, *, error: SuiteDefinitionError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.add_marker("gate")

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.error.line - 1 if self.error.line else None), self.name

    def setup(self) -> None:
        raise self.error

    def runtest(self) -> None:  # pragma: no cover  (setup always raises)
        raise self.error


def _judge(item: _SuiteItem, checks: list[CheckResult], line: int | None) -> None:
    """Fail on blocking failures and errors; warn (and pass) on failing ``warn`` checks."""
    failures = [c for c in checks if c.error or (not c.passed and c.severity is Severity.BLOCK)]
    for c in checks:
        if not c.passed and not c.error and c.severity is Severity.WARN:
            item._warn(one_line(c), line)
    if failures:
        raise CheckFailed("\n\n".join(explain_check(c) for c in failures))
