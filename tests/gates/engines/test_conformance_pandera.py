"""Every pandera-style column check the native engine translates gives pandera's own answer.

Each case runs through ``gates.check`` with ``engine="auto"`` (native) and ``engine="reference"``
(pandera's polars backend) on frames with nulls, NaN, duplicates, an empty frame and an all-null
frame; passed, failing count, observed share and message must agree.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gates
from gates.suite._load import parse_suite

NAN = float("nan")
BASE = pl.DataFrame(
    {
        "i": [1, 2, 2, None, 5, 7, 9, 10, -3, 4],
        "f": [0.5, NAN, None, 2.5, 2.5, 10.0, -1.0, 3.0, 3.0, None],
        "s": ["ab", "abc", None, "xyz", "ab", "", "a1", "A", "abcd", "b\n"],
    },
    schema={"i": pl.Int64, "f": pl.Float64, "s": pl.String},
)
FRAMES = {
    "base": BASE,
    "empty": BASE.head(0),
    "nulls": BASE.select(pl.lit(None).cast(t).alias(c) for c, t in BASE.schema.items()),
}

CASES: list[tuple[str, Any, dict[str, Any]]] = [
    ("i", {"equal_to": 2}, {}),
    ("f", {"not_equal_to": 2.5}, {}),
    ("i", {"greater_than": 1}, {}),
    ("f", {"greater_than": 0}, {"mostly": 0.6}),
    ("i", {"greater_than_or_equal_to": 1}, {}),
    ("f", {"less_than": 3}, {}),
    ("i", {"less_than_or_equal_to": 9}, {"max_failing": 1}),
    ("i", {"in_range": {"min_value": 1, "max_value": 9}}, {}),
    (
        "f",
        {
            "in_range": {
                "min_value": 0.5,
                "max_value": 10,
                "include_min": False,
                "include_max": False,
            }
        },
        {},
    ),
    ("i", {"isin": [1, 2, 5, 7]}, {}),
    ("s", {"isin": ["ab", "abc"]}, {"max_failing_fraction": 0.5}),
    ("i", {"notin": [2, 9]}, {}),
    ("s", {"str_matches": "a"}, {}),
    ("s", {"str_matches": "^[a-z]+$"}, {}),
    ("s", {"str_contains": "b"}, {}),
    ("s", {"str_startswith": "a"}, {}),
    ("s", {"str_endswith": "b"}, {}),
    ("s", {"str_length": {"min_value": 1, "max_value": 2}}, {}),
    ("s", {"str_length": {"min_value": 3}}, {}),
    ("s", {"str_length": {"exact_value": 2}}, {}),
]


def _suite(column: str, column_spec: dict[str, Any]) -> Any:
    return parse_suite(json.dumps({"name": "conformance", "columns": {column: column_spec}}))


def _same(native: Any, ref: Any, where: str) -> None:
    assert native.engine == "native", where
    assert ref.engine == "pandera", where
    assert (native.id, native.passed, native.failing_count) == (
        ref.id,
        ref.passed,
        ref.failing_count,
    ), where
    assert native.observed == ref.observed, where
    assert native.message == ref.message, where
    if not ref.passed:  # samples are fetched for failed checks only
        assert [r["row"] for r in native.sample] == [r["row"] for r in ref.sample], where


@pytest.mark.parametrize(
    ("column", "check", "modifiers"),
    CASES,
    ids=[f"{next(iter(c[1]))}-{i}" for i, c in enumerate(CASES)],
)
def test_native_matches_pandera(
    column: str, check: dict[str, Any], modifiers: dict[str, Any]
) -> None:
    """Same passed, failing count, observed share, message and sample rows as pandera."""
    suite = _suite(column, {"checks": [{**check, **modifiers}]})
    for name, frame in FRAMES.items():
        (native,) = gates.check(frame, suite, engine="auto").checks
        (ref,) = gates.check(frame, suite, engine="reference").checks
        _same(native, ref, f"{column} {check} on {name}: {native} vs {ref}")


@pytest.mark.parametrize("column", ["i", "f", "s"])
def test_nullable_and_unique_match_pandera(column: str) -> None:
    """``nullable: false`` (NaN counts as null in floats) and ``unique`` (nulls repeat) as pandera."""
    suite = _suite(column, {"nullable": False, "unique": True})
    for name, frame in FRAMES.items():
        native = sorted(gates.check(frame, suite, engine="auto").checks, key=lambda c: c.id)
        ref = sorted(gates.check(frame, suite, engine="reference").checks, key=lambda c: c.id)
        assert len(native) == len(ref) == 2
        for n, r in zip(native, ref, strict=True):
            _same(n, r, f"{column} on {name}: {n} vs {r}")


@given(
    values=st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=12),
    lo=st.integers(-5, 5),
    width=st.integers(0, 6),
    include=st.tuples(st.booleans(), st.booleans()),
    mostly=st.sampled_from([None, 0.5, 0.9]),
)
def test_in_range_property(
    values: list[int | None], lo: int, width: int, include: tuple[bool, bool], mostly: float | None
) -> None:
    """in_range agrees with pandera for any integers, nulls, bounds and inclusiveness."""
    check: dict[str, Any] = {
        "in_range": {
            "min_value": lo,
            "max_value": lo + width,
            "include_min": include[0],
            "include_max": include[1],
        }
    }
    if mostly is not None:
        check["mostly"] = mostly
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int64})
    suite = _suite("v", {"checks": [check]})
    (native,) = gates.check(frame, suite, engine="auto").checks
    (ref,) = gates.check(frame, suite, engine="reference").checks
    if (
        ref.error is not None
    ):  # pandera refuses an empty interval: the native engine leaves it to pandera
        assert native.engine == "pandera"
        assert native.error == ref.error
        return
    _same(native, ref, f"{values} {check}")
