"""``coerce: true``: columns converted to their dtype before the checks, the same on every backend."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from _coerce_cases import FRAME, NOT_COERCED, SUITE

import gates
from gates import SuiteDefinitionError


def _on(backend: str, frame: pl.DataFrame) -> Any:
    if backend == "polars":
        return frame
    con = duckdb.connect()
    return con.from_arrow(frame.to_arrow())


def _dtype_results(result: gates.GateResult) -> dict[str, tuple[bool, int | None]]:
    return {
        c.column: (c.passed, c.failing_count)
        for c in result.checks
        if c.name == "dtype" and c.column
    }


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_values_that_do_not_convert_fail_the_dtype_check(backend: str, write_suite: Any) -> None:
    """Each column's dtype check counts the values that did not convert and shows them."""
    result = gates.check(_on(backend, FRAME), write_suite(SUITE))
    assert result.backend == backend
    found = _dtype_results(result)
    assert found == {c: (not bad, len(bad)) for c, bad in NOT_COERCED.items()}
    by_id = {c.id: c for c in result.checks}
    for column, bad in NOT_COERCED.items():
        check = by_id[f"{column}::dtype"]
        assert [r[column] for r in check.sample] == bad
        if bad:
            assert check.message.startswith(f"{len(bad)} value")
            assert f"did not coerce to {check.details['coerced_to']}" in check.message
    assert by_id["qty::dtype"].failing_fraction == pytest.approx(2 / 6)


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_the_checks_read_the_converted_column(backend: str, write_suite: Any) -> None:
    """After conversion the other checks see numbers, dates and text, and nulls for what failed."""
    result = gates.check(_on(backend, FRAME), write_suite(SUITE))
    by_id = {c.id: c for c in result.checks}
    # 12, 13, 7 are > 0; n/a and 1.5 are null now, so they do not fail greater_than again
    assert by_id["qty::greater_than"].passed
    # code 6 became "6": the isin on text catches it, and only it
    isin = by_id["code::isin"]
    assert (isin.passed, isin.failing_count) == (False, 1)
    assert result.verdict == "block"
    assert result.dataset.rows == 6


def test_converted_values_are_the_same_on_polars_and_duckdb() -> None:
    """The conversion rules are one set: Polars and DuckDB give the same converted values."""
    from gates._coerce import _duckdb, _polars
    from gates._io import load

    convert = {"qty": "int64", "price": "int64", "when": "datetime", "flag": "bool", "day": "date"}
    on_polars, _, _ = _polars(load(FRAME), convert, 5)
    rel = duckdb.connect().from_arrow(FRAME.to_arrow())
    from gates._io._dataset import from_native

    on_duckdb, _, _ = _duckdb(from_native(rel, "duckdb", source="t"), convert, 5)
    a = on_polars.lazy.collect()
    b = on_duckdb.native.pl()
    assert a.to_dicts() == b.to_dicts()
    assert a["qty"].to_list() == [12, 13, None, 7, None, None]
    assert a["when"].to_list() == [
        dt.datetime(2024, 1, 5, 10, 30),
        dt.datetime(2024, 1, 5, 10, 30, 0, 500000),
        dt.datetime(2024, 1, 5),
        None,
        None,
        dt.datetime(2024, 1, 5, 10, 30),
    ]
    assert a["flag"].to_list() == [True, False, True, None, None, False]


def test_a_column_of_its_type_already_is_left_to_the_schema_engine(write_suite: Any) -> None:
    """Nothing to convert: no extra pass, the usual dtype result."""
    frame = pl.DataFrame({"n": [1, 2]})
    result = gates.check(
        frame, write_suite("name: s\ncoerce: true\ncolumns:\n  n: {dtype: int64}\n")
    )
    (check,) = result.checks
    assert (check.id, check.passed, check.message) == ("n::dtype", True, "dtype is Int64")
    assert "coerced_to" not in check.details


def test_column_coerce_overrides_the_suite(write_suite: Any) -> None:
    """`coerce: false` on a column keeps the plain dtype check; `coerce: true` alone converts."""
    frame = pl.DataFrame({"a": ["1", "2"], "b": ["3", "x"]})
    off = gates.check(
        frame,
        write_suite(
            "name: s\ncoerce: true\ncolumns:\n  a: {dtype: int64, coerce: false}\n  b: {dtype: int64}\n"
        ),
    )
    assert _dtype_results(off) == {"a": (False, None), "b": (False, 1)}
    on = gates.check(
        frame,
        write_suite("name: s\ncolumns:\n  a: {dtype: int64, coerce: true}\n  b: {dtype: int64}\n"),
    )
    assert _dtype_results(on) == {"a": (True, 0), "b": (False, None)}


def test_pairs_that_cannot_convert_are_refused_without_reading(write_suite: Any) -> None:
    """A number to a date is not a conversion: the dtype check fails with what to do."""
    frame = pl.DataFrame({"d": [20240105]})
    result = gates.check(
        frame, write_suite("name: s\ncolumns:\n  d: {dtype: date, coerce: true}\n")
    )
    (check,) = result.checks
    assert not check.passed
    assert check.error == (
        "a Int64 column cannot be coerced to date; convert it before the gate or change dtype"
    )


def test_float_to_int_keeps_only_whole_numbers(write_suite: Any) -> None:
    """2.0 becomes 2; 2.5 and NaN do not convert; 300 does not fit int8."""
    frame = pl.DataFrame({"f": [2.0, 2.5, float("nan"), None], "i": [1, 300, -5, None]})
    suite = "name: s\ncoerce: true\ncolumns:\n  f: {dtype: int64}\n  i: {dtype: int8}\n"
    result = gates.check(frame, write_suite(suite))
    by_id = {c.id: c for c in result.checks}
    assert by_id["f::dtype"].failing_count == 2
    assert by_id["i::dtype"].failing_count == 1
    assert [r["i"] for r in by_id["i::dtype"].sample] == [300]


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("  a: {coerce: true}", "coerce: true needs a `dtype` to convert the column to; add one"),
        ("  a: {dtype: numeric, coerce: true}", "coerce: true cannot convert to 'numeric'"),
        ("  a: {dtype: int64, coerce: yes please}", "coerce"),
    ],
)
def test_suite_mistakes_are_caught_when_it_loads(yaml: str, message: str, write_suite: Any) -> None:
    """A coerce that cannot work is a suite error at load, with its line."""
    path = write_suite(f"name: s\ncolumns:\n{yaml}\n")
    with pytest.raises(SuiteDefinitionError, match=message) as info:
        gates.load_suite(path)
    assert info.value.line == 3  # the column's line


def test_suite_level_coerce_skips_dtype_families(write_suite: Any) -> None:
    """`dtype: numeric` names a family: checked as before, not converted."""
    frame = pl.DataFrame({"a": ["1"], "b": ["2"]})
    suite = "name: s\ncoerce: true\ncolumns:\n  a: {dtype: numeric}\n  b: {dtype: int32}\n"
    result = gates.check(frame, write_suite(suite))
    assert _dtype_results(result) == {"a": (False, None), "b": (True, 0)}


def test_cli_on_a_csv_file(tmp_path: Path, write_suite: Any) -> None:
    """What a user does: a CSV whose integer column holds a stray 'n/a'; exit 1, the value named."""
    data = tmp_path / "stops.csv"
    data.write_text("id,age\n1,34\n2,n/a\n3,51\n", encoding="utf-8")
    suite = write_suite(
        "name: stops\ncolumns:\n  age: {dtype: int64, coerce: true, checks: [{in_range: {min_value: 0, max_value: 120}}]}\n"
    )
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("gates")),
            "check",
            str(data),
            "-s",
            str(suite),
            "--json",
            str(out),
            "--no-ledger",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "FAIL  │ age::dtype" in proc.stdout
    doc = json.loads(out.read_text())
    by_id = {c["id"]: c for c in doc["checks"]}
    assert by_id["age::dtype"]["message"] == (
        "1 value of String did not coerce to int64 (e.g. 'n/a'); fix them or blank them"
    )
    assert by_id["age::dtype"]["sample"] == [{"row": 1, "age": "n/a", "id": 2}]
    assert by_id["age::in_range"]["passed"] is True


def test_a_malformed_csv_line_is_still_an_input_error(tmp_path: Path, write_suite: Any) -> None:
    """Coercing reads only its columns; the strict parse of every field still names the bad line."""
    data = tmp_path / "rag.csv"
    data.write_text("id,qty\n1,2\n2,x\n3,4,5\n", encoding="utf-8")
    suite = write_suite("name: r\ncolumns:\n  qty: {dtype: int64, coerce: true}\n")
    with pytest.raises(gates.InputError, match=r"line 4 has 3 fields, the header has 2"):
        gates.check(data, suite)
