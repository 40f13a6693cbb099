"""Hostile suites: every author mistake is exit 2 before any data is read, each problem named.

Each case is a real suite file given to ``gates suite validate`` and to ``gates check`` (the
Typer app in-process through ``CliRunner``, as the docs examples are run; a few cases also go
through the installed command). The answer is exit code 2, no traceback, and one line per
problem on stderr with the file, line and column, the key path and what to write instead. The
data file handed to ``check`` is never read: it does not exist, and the suite error wins.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gates._cli._app import app

GATES = str(Path(sys.executable).with_name("gates"))

# --- (id, suite text, fragments of the one-line error: "L:C" first, then what it must say) ---
ONE_PROBLEM: list[tuple[str, str, list[str]]] = [
    # argument types
    (
        "min-value-word",
        "columns:\n  a:\n    checks:\n      - in_range: {min_value: zero, max_value: 9}\n",
        ["4:9", "columns.a.checks.0", "not the same kind of value"],
    ),
    (
        "gt-list",
        "columns:\n  a:\n    checks:\n      - gt: [1, 2]\n",
        ["4:9", "min_value is one value", "(a list)"],
    ),
    (
        "gt-bool",
        "columns:\n  a:\n    checks:\n      - gt: true\n",
        ["4:9", "true/false are not bounds"],
    ),
    (
        "gt-null",
        "columns:\n  a:\n    checks:\n      - gt: {min_value: null}\n",
        ["4:9", "min_value is empty"],
    ),
    (
        "eq-mapping",
        "columns:\n  a:\n    checks:\n      - eq: {value: {x: 1}}\n",
        ["4:9", "value is one value"],
    ),
    (
        "include-min-int",
        "columns:\n  a:\n    checks:\n      - in_range: {min_value: 0, max_value: 1, include_min: 1}\n",
        ["4:9", "include_min is true or false, got 1 (an integer)"],
    ),
    (
        "include-max-str",
        "columns:\n  a:\n    checks:\n      - in_range: {min_value: 0, max_value: 1, include_max: 'no'}\n",
        ["4:9", "include_max is true or false"],
    ),
    ("isin-string", "columns:\n  a:\n    checks:\n      - isin: abc\n", ["4:9", "write `[abc]`"]),
    (
        "notin-string",
        "columns:\n  a:\n    checks:\n      - notin: abc\n",
        ["4:9", "forbidden_values is a list of values"],
    ),
    (
        "isin-mapping",
        "columns:\n  a:\n    checks:\n      - isin: {allowed_values: {a: 1}}\n",
        ["4:9", "allowed_values is a list of values"],
    ),
    (
        "isin-nested",
        "columns:\n  a:\n    checks:\n      - isin: [[1, 2]]\n",
        ["4:9", "holds plain values"],
    ),
    (
        "unique-values-scalar",
        "columns:\n  a:\n    checks:\n      - unique_values_eq: 1\n",
        ["4:9", "values is a list of values, got 1"],
    ),
    (
        "startswith-int",
        "columns:\n  a:\n    checks:\n      - str_startswith: 7\n",
        ["4:9", "string is a string, got 7", "quote it"],
    ),
    (
        "str-length-negative",
        "columns:\n  a:\n    checks:\n      - str_length: -1\n",
        ["4:9", "a whole number >= 0"],
    ),
    (
        "str-length-float",
        "columns:\n  a:\n    checks:\n      - str_length: {min_value: 1.5}\n",
        ["4:9", "a whole number >= 0, got 1.5"],
    ),
    (
        "str-length-empty",
        "columns:\n  a:\n    checks:\n      - str_length: {}\n",
        ["4:9", "str_length needs a length"],
    ),
    (
        "str-length-both",
        "columns:\n  a:\n    checks:\n      - str_length: {exact_value: 2, max_value: 3}\n",
        ["4:9", "not both"],
    ),
    (
        "str-length-three",
        "columns:\n  a:\n    checks:\n      - str_length: [1, 2, 3]\n",
        ["4:9", "at most 2 positional"],
    ),
    # bounds
    (
        "min-over-max",
        "columns:\n  a:\n    checks:\n      - in_range: {min_value: 10, max_value: 1}\n",
        ["4:9", "greater than max_value 1; swap them"],
    ),
    (
        "min-over-max-dates",
        "columns:\n  d:\n    checks:\n      - in_range: [2024-02-01, 2024-01-01]\n",
        ["4:9", "swap them"],
    ),
    (
        "str-length-min-over-max",
        "columns:\n  a:\n    checks:\n      - str_length: [5, 2]\n",
        ["4:9", "min_value 5 is greater than max_value 2"],
    ),
    (
        "row-count-min-over-max",
        "checks:\n  - row_count: {min: 10, max: 1}\n",
        ["2:5", "checks.0", "min 10 is greater than max 1"],
    ),
    ("row-count-word", "checks:\n  - row_count: {min: ten}\n", ["2:5", "a number of rows"]),
    ("row-count-negative", "checks:\n  - row_count: {max: -1}\n", ["2:5", "a whole number >= 0"]),
    (
        "row-count-equal-outside",
        "checks:\n  - row_count: {min: 5, equal: 2}\n",
        ["2:5", "equal 2 is outside min/max"],
    ),
    (
        "mostly-over-one",
        "columns:\n  a:\n    checks:\n      - gt: 0\n        mostly: 1.5\n",
        ["5:9", "mostly", "less than or equal to 1"],
    ),
    (
        "max-failing-negative",
        "columns:\n  a:\n    checks:\n      - gt: 0\n        max_failing: -3\n",
        ["5:9", "max_failing"],
    ),
    # regexes
    (
        "regex-unclosed",
        "columns:\n  a:\n    checks:\n      - str_matches: '(abc'\n",
        ["4:9", "invalid regex '(abc'", "unclosed group; fix the pattern"],
    ),
    (
        "regex-number",
        "columns:\n  a:\n    checks:\n      - str_matches: 1\n",
        ["4:9", "quote it: '1'"],
    ),
    (
        "regex-lookahead",
        "columns:\n  a:\n    checks:\n      - str_contains: 'a(?=b)'\n",
        ["4:9", "a look-ahead"],
    ),
    (
        "regex-lookbehind",
        "columns:\n  a:\n    checks:\n      - str_contains: '(?<=a)b'\n",
        ["4:9", "a look-behind"],
    ),
    (
        "regex-backref",
        "columns:\n  a:\n    checks:\n      - str_matches: '(a)\\1'\n",
        ["4:9", "a back-reference"],
    ),
    (
        "regex-possessive",
        "columns:\n  a:\n    checks:\n      - str_matches: 'a*+'\n",
        ["4:9", "a possessive quantifier"],
    ),
    (
        "regex-atomic",
        "columns:\n  a:\n    checks:\n      - str_matches: '(?>a)'\n",
        ["4:9", "an atomic group"],
    ),
    (
        "regex-big-z",
        "columns:\n  a:\n    checks:\n      - str_matches: 'a\\Z'\n",
        ["4:9", "write `$`"],
    ),
    (
        "regex-unknown-class",
        "columns:\n  a:\n    checks:\n      - str_matches: '\\p{Nope}'\n",
        ["4:9", "Unicode property not found"],
    ),
    (
        "regex-python-flag",
        "columns:\n  a:\n    checks:\n      - str_matches: '(?a)x'\n",
        ["4:9", "Python-only flag"],
    ),
    # SQL
    (
        "expression-garbage",
        "checks:\n  - expression: 'a >>> 1'\n",
        ["2:5", "invalid SQL 'a >>> 1'", "Polars SQL"],
    ),
    ("expression-empty", "checks:\n  - expression: ''\n", ["2:5", "sql is SQL text"]),
    ("expression-number", "checks:\n  - expression: 5\n", ["2:5", "sql is SQL text, got 5"]),
    (
        "query-typo",
        "checks:\n  - query: 'select * frm data'\n",
        ["2:5", "Parser Error", "DuckDB SQL"],
    ),
    (
        "query-two-statements",
        "checks:\n  - query: 'select 1; select 2'\n",
        ["2:5", "got 2 statements"],
    ),
    (
        "query-not-select",
        "checks:\n  - query: 'drop table data'\n",
        ["2:5", "one SELECT statement"],
    ),
    (
        "unique-columns-int",
        "checks:\n  - unique: 5\n",
        ["2:5", "a column name or a list of column names"],
    ),
    (
        "columns-present-empty",
        "checks:\n  - columns_present: []\n",
        ["2:5", "a column name or a list"],
    ),
    # names, keys and hints
    (
        "unknown-check",
        "columns:\n  a:\n    checks:\n      - in_rang: {min_value: 0}\n",
        ["4:9", "did you mean 'in_range'?"],
    ),
    (
        "unknown-arg",
        "columns:\n  a:\n    checks:\n      - isin: {allowed: [1]}\n",
        ["4:9", "did you mean 'allowed_values'?"],
    ),
    (
        "two-checks-one-item",
        "columns:\n  a:\n    checks:\n      - gt: 0\n        lt: 9\n",
        ["4:9", "holds one check, got 2"],
    ),
    ("dtype-int", "columns:\n  a: {dtype: int}\n", ["2:7", "unknown dtype 'int'; write 'int64'"]),
    ("dtype-object", "columns:\n  a: {dtype: object}\n", ["2:7", "write 'string'"]),
    ("dtype-typo", "columns:\n  a: {dtype: flaot64}\n", ["2:7", "did you mean 'float64'?"]),
    (
        "mostly-on-column",
        "columns:\n  a:\n    mostly: 0.9\n",
        ["3:5", "mostly belongs to one check"],
    ),
    ("bounds-on-column", "columns:\n  a:\n    min_value: 0\n", ["3:5", "bounds go in a check"]),
    ("mostly-at-top", "mostly: 0.9\n", ["1:1", "mostly belongs to one check"]),
    (
        "gx-expectation-type",
        "expectations:\n  - expectation_type: expect_column_values_to_not_be_null\n    kwargs: {column: a}\n",
        ["2:5", "GX 1.x calls it `type`"],
    ),
    ("unknown-top-key", "colums: {}\n", ["1:1", "did you mean 'columns'?"]),
    ("severity-word", "severity: stop\n", ["1:1", "'block' or 'warn'"]),
    ("nullable-word", "columns:\n  a: {nullable: maybe}\n", ["2:7", "nullable", "boolean"]),
    (
        "nullable-int",
        "columns:\n  a: {nullable: 1}\n",
        ["2:7", "got 1 (an integer); write true or false"],
    ),
    (
        "unique-yes",
        "columns:\n  a: {unique: yes}\n",
        ["2:7", "got 'yes' (a string); write true or false"],
    ),
    ("sample-size-string", "sample_size: '20'\n", ["1:1", "valid integer, got '20' (a string)"]),
    (
        "mostly-string",
        "columns:\n  a:\n    checks:\n      - gt: 0\n        mostly: '0.5'\n",
        ["5:9", "valid number, got '0.5'"],
    ),
    (
        "max-failing-bool",
        "columns:\n  a:\n    checks:\n      - gt: 0\n        max_failing: true\n",
        ["5:9", "got True (a boolean)"],
    ),
    ("sample-size-huge", "sample_size: 1000000\n", ["1:1", "sample_size"]),
    (
        "check-item-number",
        "columns:\n  a:\n    checks:\n      - 5\n",
        ["4:9", "a column check is a mapping"],
    ),
    # GX kwargs
    (
        "gx-unknown",
        "expectations:\n  - type: expect_column_mean_to_be_betwen\n    kwargs: {column: a}\n",
        ["2:5", "did you mean 'expect_column_mean_to_be_between'?"],
    ),
    (
        "gx-column-list",
        "expectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs: {column: [a, b]}\n",
        ["2:5", "column is one column name", "column_list"],
    ),
    (
        "gx-value-set-scalar",
        "expectations:\n  - type: expect_column_values_to_be_in_set\n    kwargs: {column: a, value_set: 3}\n",
        ["2:5", "invalid kwargs", "write `[3]`"],
    ),
    (
        "gx-min-over-max",
        "expectations:\n  - type: expect_column_mean_to_be_between\n    kwargs: {column: a, min_value: 9, max_value: 1}\n",
        ["2:5", "min_value 9 is greater than max_value 1"],
    ),
    (
        "gx-row-count-min-over-max",
        "expectations:\n  - type: expect_table_row_count_to_be_between\n    kwargs: {min_value: 9, max_value: 1}\n",
        ["2:5", "swap them"],
    ),
    (
        "gx-mostly",
        "expectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs: {column: a, mostly: 2}\n",
        ["2:5", "mostly is a share of rows from 0 to 1"],
    ),
    (
        "gx-regex",
        "expectations:\n  - type: expect_column_values_to_match_regex\n    kwargs: {column: a, regex: '(x'}\n",
        ["2:5", "regex '(x' is not a valid pattern"],
    ),
    (
        "gx-strict-min",
        "expectations:\n  - type: expect_column_max_to_be_between\n    kwargs: {column: a, min_value: 1, strict_min: 1}\n",
        ["2:5", "strict_min is true or false"],
    ),
    (
        "gx-missing-kwarg",
        "expectations:\n  - type: expect_column_mean_to_be_between\n    kwargs: {min_value: 1}\n",
        ["2:5", "needs the kwarg 'column'"],
    ),
    # GX kwarg types from GX's own pydantic fields (gates/suite/gx_kwarg_types.json)
    (
        "gx-type-mean-word",
        "expectations:\n  - type: expect_column_mean_to_be_between\n    kwargs:\n      column: a\n      min_value: s\n",
        [
            "2:5",
            "min_value is a number, a date, a datetime (ISO text) or empty (null), got 's' (a string)",
        ],
    ),
    (
        "gx-type-max-not-date",
        "expectations:\n  - type: expect_column_max_to_be_between\n    kwargs:\n      column: a\n      max_value: '2024-13-45'\n",
        ["2:5", "max_value is a number, a date", "got '2024-13-45'"],
    ),
    (
        "gx-type-quantile-list",
        "expectations:\n  - type: expect_column_quantile_values_to_be_between\n    kwargs:\n      column: a\n      quantile_ranges: [0.5, 1]\n",
        ["2:5", "quantile_ranges is a mapping", "(a list)"],
    ),
    (
        "gx-type-literal",
        "expectations:\n  - type: expect_column_values_to_not_be_outliers\n    kwargs:\n      column: a\n      method: mad\n",
        ["2:5", "method is one of 'iqr', 'std', got 'mad'"],
    ),
    (
        "gx-type-int",
        "expectations:\n  - type: expect_column_to_exist\n    kwargs:\n      column: a\n      column_index: first\n",
        ["2:5", "column_index is a whole number or empty (null), got 'first'"],
    ),
    (
        "gx-type-int-float",
        "expectations:\n  - type: expect_column_to_exist\n    kwargs:\n      column: a\n      column_index: 1.5\n",
        ["2:5", "column_index is a whole number", "got 1.5 (a number)"],
    ),
    (
        "gx-type-list-of-strings",
        "expectations:\n  - type: expect_column_values_to_be_in_type_list\n    kwargs:\n      column: a\n      type_list: int\n",
        ["2:5", "type_list is a list of strings or empty (null), got 'int'"],
    ),
    (
        "gx-type-list-of-numbers",
        "expectations:\n  - type: expect_column_values_to_be_in_type_list\n    kwargs:\n      column: a\n      type_list: [1, 2]\n",
        ["2:5", "type_list is a list of strings"],
    ),
    (
        "gx-type-row-condition",
        "expectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs:\n      column: a\n      row_condition: 5\n",
        ["2:5", "row_condition is text, a mapping or empty (null), got 5 (an integer)"],
    ),
    (
        "gx-type-parser",
        "expectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs:\n      column: a\n      condition_parser: sql\n",
        ["2:5", "condition_parser is one of 'great_expectations'", "got 'sql'"],
    ),
    (
        "gx-type-ties-okay",
        "expectations:\n  - type: expect_column_most_common_value_to_be_in_set\n    kwargs:\n      column: a\n      value_set: [1]\n      ties_okay: 'yes'\n",
        ["2:5", "ties_okay is true or false or empty (null), got 'yes'"],
    ),
    (
        "gx-type-bool-flag-number",
        "expectations:\n  - type: expect_column_kl_divergence_to_be_less_than\n    kwargs:\n      column: a\n      bucketize_data: 1\n",
        ["2:5", "bucketize_data is true or false, got 1 (an integer)"],
    ),
    (
        "gx-type-threshold",
        "expectations:\n  - type: expect_column_kl_divergence_to_be_less_than\n    kwargs:\n      column: a\n      threshold: low\n",
        ["2:5", "threshold is a number or empty (null), got 'low'"],
    ),
    (
        "gx-type-partition",
        "expectations:\n  - type: expect_column_kl_divergence_to_be_less_than\n    kwargs:\n      column: a\n      partition_object: [1, 2]\n",
        ["2:5", "partition_object is a mapping or empty (null), got [1, 2] (a list)"],
    ),
    (
        "gx-type-value-length",
        "expectations:\n  - type: expect_column_value_lengths_to_equal\n    kwargs:\n      column: a\n      value: five\n",
        ["2:5", "value is a number, got 'five'"],
    ),
    (
        "gx-type-parameter-other-dict",
        "expectations:\n  - type: expect_column_values_to_be_of_type\n    kwargs:\n      column: a\n      type_: {x: 1}\n",
        ["2:5", "type_ is text, got {'x': 1} (a mapping)"],
    ),
    (
        "gx-type-catch",
        "expectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs:\n      column: a\n      catch_exceptions: 'no'\n",
        ["2:5", "catch_exceptions is true or false, got 'no'"],
    ),
    # includes
    (
        "include-gx-missing",
        "include:\n  gx: nope.json\n",
        ["2:3", "include.gx: 'nope.json' does not exist", "fix the path"],
    ),
    ("include-gx-folder", "include:\n  gx: sub\n", ["2:3", "is a folder, not a file"]),
    (
        "include-pandera-missing",
        "include:\n  pandera: nope.py:Schema\n",
        ["2:3", "include.pandera: 'nope.py' does not exist"],
    ),
    (
        "include-gx-not-list",
        "include:\n  gx: {a: 1}\n",
        ["2:3", "include.gx: Input should be a valid list"],
    ),
    # YAML itself
    (
        "duplicate-key",
        "columns:\n  a: {}\n  a: {}\n",
        ["3:3", "key 'a' is given twice (first at line 2)"],
    ),
    (
        "duplicate-check-arg",
        "columns:\n  a:\n    checks:\n      - in_range:\n          min_value: 0\n          min_value: 1\n          max_value: 5\n",
        ["6:11", "given twice"],
    ),
    ("tab-indent", "columns:\n\ta: {}\n", ["2:", "a tab in the indentation"]),
    ("unclosed-flow", "columns: {a: [1, 2}\n", ["invalid YAML"]),
    ("two-documents", "name: a\n---\nname: b\n", ["more than one YAML document"]),
    ("undefined-alias", "columns: *nope\n", ["1:10", "define the anchor"]),
    ("recursive-alias", "columns: &a {x: *a}\n", ["recursive alias"]),
    ("python-tag", "name: !!python/object:os.system ls\n", ["1:7", "unsupported YAML tag"]),
    ("custom-tag", "name: !secret x\n", ["1:7", "unsupported YAML tag '!secret'"]),
    (
        "bad-binary",
        "columns:\n  a:\n    checks:\n      - eq: !!binary '%%%'\n",
        ["4:13", "not a valid !!binary"],
    ),
    ("set-tag", "columns: !!set {a}\n", ["unsupported YAML tag"]),
    ("list-at-top", "- a\n- b\n", [":1:", "a suite is a YAML mapping", "got a list"]),
    ("scalar-at-top", "hello\n", [":1:", "got a str"]),
    ("empty", "", ["the suite is empty"]),
    ("comment-only", "# nothing\n", ["the suite is empty"]),
]

#: (id, suite bytes, fragment): files that are not UTF-8 text.
ENCODINGS: list[tuple[str, bytes, str]] = [
    ("utf-16", "name: a\n".encode("utf-16"), "UTF-16 text; save it as UTF-8"),
    ("latin-1", "name: caf\xe9\n".encode("latin-1"), "not UTF-8 text (byte 0xe9"),
    ("binary", b"\x00\x01\x02\xff\xfe", "not UTF-8"),
]

#: An include.gx file's content (as text) and the fragment its error must hold.
GX_FILES: list[tuple[str, str, str]] = [
    ("gx-not-json", "{not json", "not valid JSON"),
    ("gx-no-list", '{"name": "x"}', "an `expectations` list"),
    (
        "gx-item-string",
        '{"expectations": ["expect_column_to_exist"]}',
        "expectations[0]: an expectation is a JSON object",
    ),
    ("gx-item-number", '{"expectations": [5]}', "got int"),
    (
        "gx-unknown-type",
        '{"expectations": [{"type": "expect_nothing", "kwargs": {}}]}',
        "unknown Great Expectations expectation 'expect_nothing'",
    ),
    ("gx-list-top", "[1, 2]", "a JSON object with an `expectations` list"),
]


def _cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [ln for ln in stderr.splitlines() if ln.strip()]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("text", "fragments"), [c[1:] for c in ONE_PROBLEM], ids=[c[0] for c in ONE_PROBLEM]
)
def test_one_mistake_is_one_line_exit_2(
    folder: Path, text: str, fragments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "s.yml").write_text(text, encoding="utf-8")
    for args in (
        ["suite", "validate", "s.yml"],
        ["check", "never-read.csv", "-s", "s.yml", "--no-ledger"],
    ):
        code, stderr = _cli(args, folder, monkeypatch)
        lines = _lines(stderr)
        assert code == 2, stderr
        assert len(lines) == 1, stderr
        line = lines[0]
        assert line.startswith("error: s.yml"), line
        location, *rest = fragments
        if ":" in location and location[0].isdigit():
            assert line.startswith(f"error: s.yml:{location}"), line
        else:
            rest = fragments
        for fragment in rest:
            assert fragment in line, line
        assert "never-read.csv" not in line  # the suite is refused before the data is looked at


@pytest.mark.parametrize(
    ("raw", "fragment"), [c[1:] for c in ENCODINGS], ids=[c[0] for c in ENCODINGS]
)
def test_a_suite_that_is_not_utf8_is_named(
    folder: Path, raw: bytes, fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "s.yml").write_bytes(raw)
    code, stderr = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    (line,) = _lines(stderr)
    assert code == 2 and line.startswith("error: s.yml:1") and fragment in line, line


def test_a_utf8_bom_is_fine(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "s.yml").write_bytes(b"\xef\xbb\xbfname: bom\n")
    code, _ = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    assert code == 0


@pytest.mark.parametrize(
    ("content", "fragment"), [c[1:] for c in GX_FILES], ids=[c[0] for c in GX_FILES]
)
def test_an_included_gx_suite_is_checked_at_load(
    folder: Path, content: str, fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "legacy.json").write_text(content)
    (folder / "s.yml").write_text("include:\n  gx: legacy.json\n")
    code, stderr = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    (line,) = _lines(stderr)
    assert code == 2 and "legacy.json" in line and fragment in line, line


LEGACY = """\
{
  "name": "legacy",
  "expectations": [
    {"type": "expect_column_to_exist", "kwargs": {"column": "a"}},
    {
      "expectation_type": "expect_column_mean_to_be_between",
      "kwargs": {
        "column": "a",
        "min_value": "s"
      }
    },
    {"type": "expect_nothing", "kwargs": {}},
    5,
    {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "a"}}
  ]
}
"""


def test_problems_in_an_included_gx_suite_name_their_json_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JSON line (and column) of the kwarg or expectation, read with libyaml's marks."""
    (folder / "legacy.json").write_text(LEGACY)
    (folder / "s.yml").write_text("include:\n  gx: legacy.json\n")
    code, stderr = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    lines = _lines(stderr)
    assert code == 2 and lines[0].startswith("error: s.yml: 4 problems"), stderr
    where = [ln.strip().split(": ", 1)[0] for ln in lines[1:]]
    assert where == ["legacy.json:5:5", "legacy.json:12:5", "legacy.json:13:5", "legacy.json:14:5"]
    assert "min_value is a number" in lines[1] and "expect_nothing" in lines[2]
    assert "got int '5'" in lines[3] and "needs the kwarg 'value_set'" in lines[4]


def test_an_included_gx_suite_that_is_not_an_object_names_line_1(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "legacy.json").write_text('{\n  "expectations": {"a": 1}\n}\n')
    (folder / "s.yml").write_text("include:\n  gx: legacy.json\n")
    code, stderr = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    (line,) = _lines(stderr)
    assert code == 2 and line.startswith("error: legacy.json:2:3: a GX expectation suite"), line


MANY = """\
name: many
columns:
  a:
    dtype: int
    mostly: 0.5
    checks:
      - in_range: {min_value: 10, max_value: 1}
      - isin: abc
      - str_matches: '(?=x)'
  b:
    checks:
      - gt: [1]
checks:
  - row_count: {min: 5, max: 1}
  - expression: 'a >>> 1'
expectations:
  - expectation_type: expect_column_values_to_not_be_null
    kwargs: {column: a}
include:
  gx: missing.json
"""


def test_every_problem_is_listed_at_once(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten mistakes, ten lines, in file order, each with its line:col; no "and N more"."""
    (folder / "s.yml").write_text(MANY)
    code, stderr = _cli(["suite", "validate", "s.yml"], folder, monkeypatch)
    lines = _lines(stderr)
    assert code == 2
    assert (
        lines[0]
        == "error: s.yml: 10 problems in the suite; fix them all (each line says where and how):"
    )
    where = [ln.split(": ", 1)[0].strip() for ln in lines[1:]]
    assert where == [
        "s.yml:4:5",
        "s.yml:5:5",
        "s.yml:7:9",
        "s.yml:8:9",
        "s.yml:9:9",
        "s.yml:12:9",
        "s.yml:14:5",
        "s.yml:15:5",
        "s.yml:17:5",
        "s.yml:20:3",
    ]
    assert "more problem" not in stderr


# --- through the installed command: bounded in time -----------------------------------------
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def _installed(args: list[str], cwd: Path) -> tuple[int, list[str], float]:
    start = time.perf_counter()
    proc = subprocess.run([GATES, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    return proc.returncode, _lines(proc.stderr), time.perf_counter() - start


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """A 300-byte billion-laughs file: refused, naming the line, without expanding it."""
    (tmp_path / "bomb.yml").write_text(BOMB)
    code, lines, _ = _installed(["suite", "validate", "bomb.yml"], tmp_path)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith("error: bomb.yml:") and "an alias bomb?" in lines[0]


def test_a_large_suite_loads(tmp_path: Path) -> None:
    """A 5 MB suite (29,000 columns) validates; the time is measured in benchmarks, not here."""
    body = "".join(
        f"  c{i}:\n    dtype: int64\n    checks:\n      - in_range: {{min_value: 0, max_value: 9}}\n"
        "      - isin: [1, 2, 3]\n      - str_length: {min_value: 1, max_value: 9}\n"
        for i in range(29_000)
    )
    (tmp_path / "big.yml").write_text("name: big\ncolumns:\n" + body)
    assert (tmp_path / "big.yml").stat().st_size > 4_500_000
    code, lines, _ = _installed(["suite", "validate", "big.yml"], tmp_path)
    assert code == 0 and lines == []
