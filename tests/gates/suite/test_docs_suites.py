"""The examples of docs/suites.md and docs/errors.md: shown verbatim, run, and their output checked."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import gates
from gates._cli._app import app

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "docs_src" / "suites"


def test_every_problem_example_is_what_validate_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "docs_src")
    result = CliRunner(env={"COLUMNS": "400"}).invoke(
        app, ["suite", "validate", "suites/worse.yml"]
    )
    assert result.exit_code == 2
    printed = result.stderr.strip().splitlines()
    assert len(printed) == 4
    for page in ("suites.md", "errors.md"):
        text = (ROOT / "docs" / page).read_text()
        for line in printed:
            assert line in text, f"docs/{page} does not show: {line}"


def test_the_patterns_example_is_shown_and_means_what_it_says() -> None:
    text = (SRC / "patterns.yml").read_text()
    assert f"```yaml\n{text}```" in (ROOT / "docs" / "suites.md").read_text()
    frame = pl.DataFrame(
        {
            "code": ["apple", "banana", "xb", "abc", "abc\n"],
            "tag": ["abc", "abd", "ab", "xyzz", "xyz"],
        }
    )
    result = gates.check(frame, SRC / "patterns.yml")
    failing = {c.id: c.failing_count for c in result.checks}
    assert failing == {
        "code::str_matches": 1,  # "xb": the anchor binds the whole alternation
        "code::str_contains": 4,  # only "abc" ends in c; "abc\n" ends in a newline
        "tag::str_length": 2,  # "ab", "xyzz"
        "tag::isin": 2,  # "ab", "xyzz"
    }
