"""What suite values mean: binary values, str_length, scalars for sets, and one regex meaning.

Each case runs the real check on Polars and on a DuckDB relation (the native engine on each),
and the reference engine where it runs the check itself.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl
import pytest

import gates
from gates import SuiteDefinitionError
from gates.engines._translate_pandera import _spelled
from gates.suite import parse_suite
from gates.suite._regex import anchored


def _suite(column: str, check: str) -> Any:
    return parse_suite(f"columns:\n  {column}:\n    checks:\n      - {check}\n", path="s.yml")


def _failing(frame: pl.DataFrame, check: str, column: str = "s", *, on: str = "polars") -> int:
    suite = _suite(column, check)
    data: Any = frame
    if on == "duckdb":
        con = duckdb.connect()
        con.register("t", frame.to_arrow())
        data = con.sql("select * from t")
    (result,) = gates.check(data, suite).checks
    assert result.error is None, result.error
    return int(result.failing_count or 0)


BACKENDS = ["polars", "duckdb"]


@pytest.mark.parametrize("on", BACKENDS)
@pytest.mark.parametrize(
    ("check", "values", "failing"),
    [
        # the whole alternation is anchored: "xb" does not start with a or b
        ("str_matches: 'a|b'", ["apple", "banana", "xb"], 1),
        ("str_matches: '(?:a|b)'", ["apple", "banana", "xb"], 1),
        ("str_contains: 'a|b'", ["apple", "xb", "zzz"], 1),
        # `$` is the end of the string: a final newline is not skipped
        ("str_matches: 'abc$'", ["abc", "abc\n", "abcd"], 2),
        ("str_contains: 'c$'", ["abc", "abc\n"], 1),
        # \d is Unicode-aware everywhere (Arabic-Indic digit three)
        ("str_matches: '\\d+'", ["123", "\u0663", "x1"], 1),
        ("str_matches: '[[:alpha:]]+$'", ["abc", "ab1", "\u00e9"], 2),  # POSIX classes are ASCII
        ("str_length: 3", ["abc", "ab", "abcd"], 2),
        ("str_length: [3]", ["abc", "ab", "abcd"], 2),
        ("str_length: [2, 3]", ["abc", "a", "abcd"], 2),
        ("str_length: {min_value: 3}", ["abc", "ab", "abcd"], 1),
    ],
)
def test_string_checks_mean_the_same_on_every_backend(
    check: str, values: list[str], failing: int, on: str
) -> None:
    frame = pl.DataFrame({"s": values})
    assert _failing(frame, check, on=on) == failing


@pytest.mark.parametrize("on", BACKENDS)
@pytest.mark.parametrize(
    ("check", "failing"),
    [
        ("eq: !!binary aGVsbG8=", 1),  # b"hello"
        ("ne: !!binary aGVsbG8=", 1),
        ("isin: [!!binary aGVsbG8=]", 1),
        ("notin: [!!binary eA==]", 1),  # b"x"
    ],
)
def test_binary_values_stay_bytes(check: str, failing: int, on: str) -> None:
    frame = pl.DataFrame({"b": [b"hello", b"x"]}, schema={"b": pl.Binary})
    assert _failing(frame, check, "b", on=on) == failing


def test_binary_values_load_as_bytes() -> None:
    loaded = _suite("b", "unique_values_eq: [!!binary aGVsbG8=, !!binary eA==]")
    assert loaded.suite.columns["b"].checks[0].kwargs == {"values": [b"hello", b"x"]}


def test_binary_unique_values_eq_runs() -> None:
    frame = pl.DataFrame({"b": [b"hello", b"x", b"x"]}, schema={"b": pl.Binary})
    suite = _suite("b", "unique_values_eq: [!!binary aGVsbG8=, !!binary eA==]")
    (result,) = gates.check(frame, suite).checks
    assert result.passed and result.error is None


@pytest.mark.parametrize("on", BACKENDS)
def test_a_scalar_isin_is_a_one_value_set(on: str) -> None:
    """``isin: 5`` is the set {5}, as pandera's ``Check.isin(5)``."""
    assert _suite("n", "isin: 5").suite.columns["n"].checks[0].kwargs == {"allowed_values": [5]}
    assert _failing(pl.DataFrame({"n": [5, 6, 5]}), "isin: 5", "n", on=on) == 1
    assert _failing(pl.DataFrame({"n": [5, 6, 5]}), "notin: 5", "n", on=on) == 2


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("unique_values_eq: 1", "unique_values_eq: values is a list of values, got 1 (an integer)"),
        ("str_matches: 1", "pattern is a regular expression written as a string, got 1"),
        ("isin: abc", "a string is not read as a set of its characters"),
        ("str_length: {exact_value: 3, min_value: 1}", "exact_value or min_value/max_value"),
        ("str_length: [5, 2]", "min_value 5 is greater than max_value 2"),
        ("str_length: -1", "a whole number >= 0, got -1"),
        ("str_matches: '(?=a)'", "a look-ahead"),
        ("str_matches: '(a)\\1'", "a back-reference"),
        ("str_contains: 'a++'", "a possessive quantifier"),
        ("str_contains: 'a\\Z'", "`\\Z`"),
        ("str_contains: '\\p{Nope}'", "Unicode property not found"),
        ("str_contains: '(a'", "unclosed group"),
    ],
)
def test_values_pandera_refuses_are_refused_at_load(check: str, message: str) -> None:
    with pytest.raises(SuiteDefinitionError) as info:
        _suite("s", check)
    assert str(info.value).startswith("s.yml:4:9: columns.s.checks.0: ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("pattern", "backend", "spelled"),
    [
        ("a|b", "polars", "^(?:a|b)"),
        ("a|b", "duckdb", "^(?:a|b)"),
        ("abc$", "spark", "(?dU)^(?:abc\\z)"),  # gates.backends._regex.java_regex
        ("(?P<x>a)[$]", "spark", "(?dU)^(?:(?<x>a)[$])"),
        ("[[:alpha:]]+", "spark", "(?dU)^(?:[A-Za-z]+)"),
        ("\\d", "duckdb", None),  # RE2's \d is ASCII: Polars' regex runs it (reference engine)
    ],
)
def test_each_backend_gets_its_spelling_of_the_pattern(
    pattern: str, backend: str, spelled: str | None
) -> None:
    assert _spelled(anchored("str_matches", pattern), backend) == spelled
