"""A check's arguments against its column's dtype, before the scan: converted, or one line each."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import gates
from gates._typecheck_args import typecheck_args

ROOT = Path(__file__).resolve().parents[2]

FITTING = """\
name: fit
columns:
  x:
    checks:
      - isin: {allowed_values: [1, 2, 3]}
  n:
    checks:
      - isin: [1.0, 2.0]
      - in_range: {min_value: 0.5, max_value: 2.5}
  d:
    checks:
      - in_range: {min_value: "2024-01-01", max_value: "2024-12-31"}
  t:
    checks:
      - greater_than: "2024-01-01"
      - less_than: 2025-01-01
  tz:
    checks:
      - greater_than_or_equal_to: "2024-01-01T00:00:00"
  b:
    checks:
      - isin: ["true"]
  s:
    checks:
      - isin: [2024-01-01, b]
"""


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "x": [1.0, 2.0, 4.0],
            "n": [1, 2, 3],
            "d": [dt.date(2024, 1, 1), dt.date(2024, 5, 1), dt.date(2025, 1, 1)],
            "t": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2), dt.datetime(2023, 1, 1)],
            "tz": pl.Series(
                [dt.datetime(2024, 1, 1), dt.datetime(2024, 6, 1), dt.datetime(2023, 6, 1)]
            ).dt.replace_time_zone("UTC"),
            "b": [True, False, True],
            "s": ["2024-01-01", "b", "c"],
        }
    )


EXPECTED_FAILING = {
    "x::isin": 1,  # 4.0
    "n::isin": 1,  # 3
    "n::in_range": 1,  # 3
    "d::in_range": 1,  # 2025-01-01
    "t::greater_than": 2,  # 2024-01-01 itself, 2023
    "t::less_than": 0,
    "tz::greater_than_or_equal_to": 1,  # 2023
    "b::isin": 1,  # False
    "s::isin": 1,  # c
}


@pytest.mark.parametrize("engine", ["auto", "reference", "duckdb"])
def test_arguments_that_convert_losslessly_run_as_meant(
    frame: pl.DataFrame, write_suite, engine: str
) -> None:
    result = gates.check(frame, write_suite(FITTING), engine=engine)  # type: ignore[arg-type]
    got = {c.id: c.failing_count for c in result.checks if c.id in EXPECTED_FAILING}
    errors = [(c.id, c.error) for c in result.checks if c.error]
    assert not errors
    assert got == EXPECTED_FAILING


def test_the_converted_values_have_the_columns_types(frame: pl.DataFrame, write_suite) -> None:
    typed = typecheck_args(gates.load_suite(write_suite(FITTING)), frame.schema)
    assert typed.problems == ()
    cols = typed.suite.suite.columns
    assert cols["x"].checks[0].kwargs["allowed_values"] == [1.0, 2.0, 3.0]
    assert all(type(v) is float for v in cols["x"].checks[0].kwargs["allowed_values"])
    assert all(type(v) is int for v in cols["n"].checks[0].kwargs["allowed_values"])
    assert cols["n"].checks[1].kwargs == {"min_value": 0.5, "max_value": 2.5}
    assert all(type(v) is int for v in cols["n"].checks[1].kwargs.values()) is False
    assert cols["d"].checks[0].kwargs["min_value"] == dt.date(2024, 1, 1)
    assert cols["t"].checks[1].kwargs["max_value"] == dt.datetime(2025, 1, 1)
    assert cols["tz"].checks[0].kwargs["min_value"].tzinfo is not None
    assert cols["b"].checks[0].kwargs["allowed_values"] == [True]
    assert cols["s"].checks[0].kwargs["allowed_values"] == ["2024-01-01", "b"]


def test_a_suite_that_fits_is_returned_unchanged(write_suite) -> None:
    loaded = gates.load_suite(
        write_suite("name: ok\ncolumns:\n  x:\n    checks:\n      - isin: [1.5]\n")
    )
    assert typecheck_args(loaded, pl.Schema({"x": pl.Float64})).suite is loaded
    assert typecheck_args(loaded, pl.Schema({"other": pl.Int64})).suite is loaded


MISFITS = """\
name: bad
columns:
  s:
    checks:
      - greater_than: 5
  i:
    checks:
      - isin: ["a"]
      - isin: [1.5]
  d:
    checks:
      - less_than: "next week"
  t:
    checks:
      - greater_than: "2024-01-01T00:00:00+02:00"
"""


@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_every_misfit_is_an_error_of_one_line_with_dtype_fix_and_place(
    write_suite, engine: str
) -> None:
    path = write_suite(MISFITS)
    frame = pl.DataFrame(
        {
            "s": ["a"],
            "i": [1],
            "d": [dt.date(2024, 1, 1)],
            "t": [dt.datetime(2024, 1, 1)],
        }
    )
    result = gates.check(frame, path, engine=engine)  # type: ignore[arg-type]
    assert result.verdict == "block"
    errors = {c.id: c.error for c in result.checks if c.error}
    assert errors == {
        "s::greater_than": "column 's' is String, but greater_than's min_value 5 is not text;"
        f" quote it ('5') to compare text, or check a numeric column ({path}:5:9)",
        "i::isin#1": "column 'i' is Int64, but isin's allowed_values value 'a' is text;"
        f" write a number without quotes ({path}:8:9)",
        "i::isin#2": "column 'i' is Int64, but isin's allowed_values value 1.5 is not a whole"
        " number, so no value of the column equals it; drop it, or cast the column to a float"
        f" ({path}:9:9)",
        "d::less_than": "column 'd' is Date, but less_than's max_value 'next week' is not an ISO"
        f" date; write YYYY-MM-DD, e.g. 2024-05-01 ({path}:12:9)",
        "t::greater_than": "column 't' is Datetime(time_unit='us', time_zone=None), but"
        " greater_than's min_value '2024-01-01T00:00:00+02:00' has a UTC offset but the column"
        f" has no time zone; drop the offset (write the time as the column holds it) ({path}:15:9)",
    }


def test_the_cli_shows_the_line_and_blocks(tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_text(
        "name: s\ncolumns:\n  amount:\n    checks:\n      - isin: ['a']\n"
    )
    pl.DataFrame({"amount": [1.5, 2.0]}).write_parquet(tmp_path / "d.parquet")
    gates_bin = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"
    done = subprocess.run(
        [gates_bin, "check", "d.parquet", "-s", "s.yml", "--no-ledger", "--json", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    (check,) = json.loads(done.stdout)["checks"]
    assert check["error"] == (
        "column 'amount' is Float64, but isin's allowed_values value 'a' is text;"
        " write a number without quotes (s.yml:5:9)"
    )


@pytest.mark.parametrize("engine", ["auto", "duckdb"])
def test_a_mixed_list_on_a_number_column_is_an_error_not_a_crash(write_suite, engine: str) -> None:
    path = write_suite("name: mixed\ncolumns:\n  i:\n    checks:\n      - isin: [1, a]\n")
    result = gates.check(pl.DataFrame({"i": [1, 2]}), path, engine=engine)  # type: ignore[arg-type]
    [check] = result.checks
    assert (result.verdict, check.id) == ("block", "i::isin")
    assert check.error is not None and "value 'a' is text" in check.error
