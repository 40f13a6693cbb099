"""`str_matches` means one thing on every backend: the whole pattern, anchored at the start.

pandera's own polars check prefixes a bare ``^`` (``^a|b``: the ``b`` branch matches
anywhere); datagates anchors ``^(?:a|b)`` (gates.suite._regex.anchored) on the native path
and hands pandera the same anchored pattern, so the reference engine agrees (issue #17).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

import gates
from gates.suite._load import parse_suite

#: column -> (pattern, values, rows the documented semantics fail; nulls pass)
CASES: dict[str, tuple[str, list[str | None], int]] = {
    # starts with a or with b: "xb" and "xx" fail
    "alternation": ("a|b", ["ax", "xb", "bx", "xx", None], 2),
    # a match must start at the first character, but may end anywhere
    "start": ("b+", ["bbx", "abb", "b", "x", None], 2),
    # $ is the end of the string: not before a final line break
    "end": ("abc$", ["abc", "abc\n", "xabc", "abcd", None], 3),
    # a group of alternatives inside the pattern keeps its own meaning
    "group": ("(x|y)z", ["xz", "yz", "zz", "axz", None], 2),
}

FRAME = pl.DataFrame({col: pl.Series(vals, dtype=pl.String) for col, (_, vals, _) in CASES.items()})
SUITE = parse_suite(
    "name: str-matches\ncolumns:\n"
    + "".join(
        f"  {col}: {{checks: [{{str_matches: {{pattern: {pattern!r}}}}}]}}\n"
        for col, (pattern, _, _) in CASES.items()
    )
)


def _failing(engine: str) -> dict[str, tuple[int | None, str]]:
    results = gates.check(FRAME, SUITE, engine=engine).checks  # type: ignore[arg-type]
    return {str(r.column): (r.failing_count, r.engine) for r in results}


@pytest.mark.parametrize("engine", ["polars", "duckdb", "reference", "spark"])
def test_every_backend_matches_the_documented_semantics(
    engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "spark":
        request.getfixturevalue("spark")
    got = _failing(engine)
    want = {col: failing for col, (_, _, failing) in CASES.items()}
    assert {col: n for col, (n, _) in got.items()} == want
    expected_engine = {"reference": "pandera"}.get(engine, "native")
    assert {e for _, e in got.values()} == {expected_engine}


def test_pandera_is_handed_the_anchored_pattern() -> None:
    """The reference engine's answer is pandera's own, given ``^(?:a|b)`` (not ``a|b``)."""
    import pandera.polars as pa

    lf: Any = FRAME.lazy().select("alternation")
    raw = pa.Check.str_matches("a|b")(lf, "alternation").check_output.collect()
    anchored = pa.Check.str_matches("^(?:a|b)")(lf, "alternation").check_output.collect()
    assert raw["check_output"].to_list() == [True, True, True, False, True]  # ^a|b; a null passes
    assert anchored["check_output"].to_list() == [True, False, True, False, True]
    assert _failing("reference")["alternation"] == (2, "pandera")
