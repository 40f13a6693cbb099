"""datagates' pytest plugin: suite files as tests, the ``gate`` fixture and marker.

Loaded through the ``pytest11`` entry point. It stays inert until one of its options,
markers or fixtures is used. Only hooks and fixtures live here; the logic is in
``gates._pytest``. Guide: docs/pytest.md.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from . import _pytest as _impl
from ._result import GateResult, Verdict

#: Engine markers a collected check can carry (the engine family that declares it).
_ENGINE_MARKERS = ("schema", "pandera", "gx", "table", "anomaly")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--gate-*`` options and their ini twins.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_addoption
    """
    _impl.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register markers, keep the session state on ``config``, and add the suite files to collect.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_configure
    """
    config.addinivalue_line(
        "markers",
        "gate(suite, data=None, fail_on='block', **kwargs): check data against a datagates suite "
        "for this test; the test fails when the gate blocks (result in the `gate_result` fixture)",
    )
    config.addinivalue_line("markers", "block: a datagates check whose failure fails the gate")
    config.addinivalue_line("markers", "warn: a datagates check whose failure only warns")
    for engine in _ENGINE_MARKERS:
        config.addinivalue_line("markers", f"{engine}: a datagates check of the {engine} engine")
    options = _impl.GateOptions.from_config(config)
    state = _impl.GateState(config, options)
    config.stash[_impl.STATE_KEY] = state
    if options.suites:
        found, missing = _impl.expand_suites(options.suites)
        if missing:
            raise pytest.UsageError(
                f"--gate-suites: no suite file matches {', '.join(missing)}; "
                "pass a suite file, a folder of suites or a glob"
            )
        state.suite_paths.update(found)
        config.args.extend(_impl.suites_to_add(found, config, options))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a suite file named by ``--gate-suites`` (or given on the command line).

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_collect_file
    """
    if file_path.suffix not in (".yml", ".yaml"):
        return None
    state = parent.config.stash.get(_impl.STATE_KEY, None)
    if state is None or not (
        file_path.resolve() in state.suite_paths or parent.session.isinitpath(file_path)
    ):
        return None
    suite_file: pytest.Collector = _impl.SuiteFile.from_parent(parent, path=file_path)
    return suite_file


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Run a test's ``@pytest.mark.gate`` suite, then fail the test when it blocks.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_runtest_call
    """
    if isinstance(item, pytest.Function):
        _impl.marker_result(item)
    outcome = yield
    if isinstance(item, pytest.Function):
        failure = _impl.marker_verdict_failure(item)
        if failure:
            pytest.fail(failure, pytrace=False)
    return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Add a ``datagates`` section explaining the failed checks to a failed assertion.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_runtest_makereport
    """
    report = yield
    if (
        report.when == "call"
        and report.failed
        and call.excinfo
        and call.excinfo.errisinstance(AssertionError)
    ):
        results = [
            r for r in item.stash.get(_impl.RESULTS_KEY, []) if r.verdict is not Verdict.PASS
        ]
        if results and not isinstance(call.excinfo.value, _impl.CheckFailed):
            report.sections.append(
                ("datagates", "\n\n".join(_impl.explain_result(r) for r in results))
            )
    return report


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Forget the results of the test that just ran.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_runtest_teardown
    """
    state = item.config.stash.get(_impl.STATE_KEY, None)
    if state is not None and state.recent:
        state.recent = []


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """Explain ``assert result == "pass"`` and ``assert result.verdict == "pass"``.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_assertrepr_compare
    """
    state = config.stash.get(_impl.STATE_KEY, None)
    return _impl.assertrepr(left, op, right, state.recent if state else [])


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One ``datagates`` section: each suite's verdict and the reports written.

    https://docs.pytest.org/en/stable/reference/reference.html#pytest.hookspec.pytest_terminal_summary
    """
    state = config.stash.get(_impl.STATE_KEY, None)
    if state is None or not state.results:
        return
    terminalreporter.section("datagates")
    for path, outcome in state.results.items():
        where = terminalreporter.startpath and _relative(path, terminalreporter.startpath)
        if isinstance(outcome, GateResult):
            failed = len(outcome.failed_checks)
            terminalreporter.line(
                f"{where}: suite {outcome.suite.name!r} {outcome.verdict.value}"
                f" ({failed} of {len(outcome.checks)} checks failed)"
            )
        else:
            terminalreporter.line(f"{where}: error: {outcome}")
    for report in state.reports:
        terminalreporter.line(f"report written: {_relative(report, terminalreporter.startpath)}")


def _relative(path: Path, start: Path) -> str:
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)


@pytest.fixture
def gate(request: pytest.FixtureRequest) -> _impl.GateHelper:
    """Check data against a suite from a test: ``gate.check(data, suite)`` / ``gate.assert_passes(...)``."""
    node = request.node
    assert isinstance(node, pytest.Item)
    return _impl.GateHelper(node)


@pytest.fixture
def gate_result(request: pytest.FixtureRequest) -> GateResult:
    """The result of the test's ``@pytest.mark.gate(suite=..., data=...)``."""
    node = request.node
    result = _impl.marker_result(node) if isinstance(node, pytest.Item) else None
    if result is None:
        pytest.fail(
            "the gate_result fixture needs @pytest.mark.gate(suite=..., data=...) on the test",
            pytrace=False,
        )
    return result


@pytest.fixture
def data_profile() -> Callable[..., Any]:
    """``gates.profile.profile`` for profile-based assertions; skips when this build has no profiler."""
    return _impl.profile_function()
