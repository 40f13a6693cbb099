"""The native engine: one fused pass, mode handling, hand-over to the reference engines."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import gates
from gates.engines import RunContext
from gates.engines._native import NativeEngine
from gates.engines._native_plan import rust_regex
from gates.suite._load import parse_suite

FRAME = pl.DataFrame(
    {
        "id": [1, 2, 3, 3, 5],
        "amount": [10.0, -5.0, 20000.0, None, 30.0],
        "status": ["new", "paid", "lost", "new", None],
    }
)
SUITE: dict[str, Any] = {
    "name": "orders",
    "columns": {
        "id": {
            "nullable": False,
            "unique": True,
            "checks": [{"greater_than": 0}, {"greater_than": 2}],
        },
        "amount": {"checks": [{"in_range": [0, 10000]}]},
        "status": {"checks": [{"isin": ["new", "paid"]}, {"unique_values_eq": ["new", "paid"]}]},
        "absent": {"checks": [{"greater_than": 0}]},
    },
    "checks": [
        {"row_count": {"min": 1}},
        {"unique": ["id", "status"]},
        {"expression": "amount > 0"},
    ],
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "amount"}},
        {
            "type": "expect_column_mean_to_be_between",
            "kwargs": {"column": "amount", "min_value": 0},
        },
        {"type": "expect_column_values_to_be_increasing", "kwargs": {"column": "id"}},
    ],
}


def _ctx(mode: str) -> RunContext:
    return RunContext(dataset=gates.load(FRAME), suite=parse_suite(json.dumps(SUITE)), mode=mode)


def test_auto_handles_what_translates_with_reference_ids() -> None:
    """Column checks, constraints, expectations and row_count/unique table checks are handled."""
    ctx = _ctx("auto")
    results = {r.id: r for r in NativeEngine().run(ctx)}
    assert ctx.handled == {
        ("column", "id", "not_nullable"),
        ("column", "id", "unique"),
        ("column", "id", "0"),
        ("column", "id", "1"),
        ("column", "amount", "0"),
        ("column", "status", "0"),
        ("table", "0"),
        ("table", "1"),
        ("gx", "0"),
        ("gx", "1"),
    }
    assert set(results) == {
        "id::not_nullable",
        "id::unique",
        "id::greater_than#1",
        "id::greater_than#2",
        "amount::in_range",
        "status::isin",
        "table::row_count",
        "table::unique",
        "amount::expect_column_values_to_not_be_null",
        "amount::expect_column_mean_to_be_between",
    }
    assert {r.engine for r in results.values()} == {"native"}
    assert results["id::unique"].failing_count == 2
    assert [s["row"] for s in results["id::unique"].sample] == [2, 3]
    assert results["amount::in_range"].sample == ({"row": 1}, {"row": 2})
    assert results["id::greater_than#2"].failing_count == 2
    assert results["amount::expect_column_mean_to_be_between"].observed == pytest.approx(20035 / 4)


@pytest.mark.parametrize(
    ("mode", "kinds"),
    [
        ("gx", {"column", "table"}),
        ("pandera", {"gx", "table"}),
        ("auto", {"column", "gx", "table"}),
    ],
)
def test_modes_choose_what_to_translate(mode: str, kinds: set[str]) -> None:
    """``gx`` leaves expectations to GX, ``pandera`` leaves column checks to pandera."""
    ctx = _ctx(mode)
    NativeEngine().run(ctx)
    assert {k[0] for k in ctx.handled} == kinds


def test_reference_mode_does_not_apply() -> None:
    """``engine="reference"`` never runs the native engine."""
    assert not NativeEngine().applies(_ctx("reference"))


def test_full_run_matches_reference_verdict_and_leaves_the_rest() -> None:
    """Untranslated checks (unique_values_eq, increasing, expression) still run in their engines."""
    suite = parse_suite(json.dumps(SUITE))
    auto = {c.id: c for c in gates.check(FRAME, suite).checks}
    ref = {c.id: c for c in gates.check(FRAME, suite, engine="reference").checks}
    assert auto.keys() == ref.keys()
    assert auto["status::unique_values_eq"].engine == "pandera"
    assert auto["id::expect_column_values_to_be_increasing"].engine == "gx"
    assert auto["table::expression"].engine == "table"
    for cid, r in ref.items():
        assert (auto[cid].passed, auto[cid].failing_count) == (r.passed, r.failing_count), cid


def test_dtype_mismatch_is_left_to_the_reference_engine() -> None:
    """A string check on a number column is not translated: pandera reports the mismatch."""
    suite = parse_suite(
        json.dumps(
            {
                "name": "x",
                "columns": {"id": {"checks": [{"str_startswith": "a"}, {"equal_to": "a"}]}},
            }
        )
    )
    results = gates.check(FRAME, suite).checks
    assert {r.engine for r in results} == {"pandera"}
    assert all(r.error for r in results)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[a-z]+$", r"^[a-z]+(?:\n?\z)"),
        (r"\d{3}", r"\d{3}"),
        ("[$]x", "[$]x"),
        ("a(?=b)", None),
        (r"(a)\1", None),
        ("[[:alpha:]]", None),
        ("[a-z&&[^b]]", None),
        ("(?m)^a$", None),
        ("a{", None),
        (r"a\Z", None),
        (3, None),
    ],
)
def test_rust_regex(pattern: Any, expected: str | None) -> None:
    """Patterns Rust reads like Python are rewritten; the others are refused."""
    assert rust_regex(pattern) == expected


def test_dollar_matches_before_a_final_newline_like_python() -> None:
    """``b$`` matches ``"ab\\n"`` in Python ``re.search``; the rewrite keeps that."""
    pattern = rust_regex("b$")
    assert pattern is not None
    got = pl.Series(["ab\n", "ab", "ba", "ab\n\n"]).str.contains(pattern).to_list()
    assert got == [True, True, False, False]


def test_no_great_expectations_import_when_everything_translates(tmp_path: Path) -> None:
    """The installed ``gates check`` never imports GX when every expectation is translated."""
    data = tmp_path / "d.parquet"
    FRAME.write_parquet(data)
    suite = {k: v for k, v in SUITE.items() if k != "expectations"}
    suite["columns"] = {**SUITE["columns"], "status": {"checks": [{"isin": ["new", "paid"]}]}}
    suite["expectations"] = SUITE["expectations"][:2]
    (tmp_path / "s.yml").write_text(json.dumps(suite), encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        from gates._cli._app import app
        sys.argv = ["gates", "check", {str(data)!r}, "--suite", {str(tmp_path / "s.yml")!r}]
        try:
            app()
        except SystemExit as exc:
            print("exit", exc.code)
        print("gx", "great_expectations" in sys.modules)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert "gx False" in out.stdout, out.stdout + out.stderr
    assert "exit 1" in out.stdout, out.stdout + out.stderr  # the gate fails: amount has a null
