"""One suite, one answer: Polars, DuckDB and Spark give the same check ids, statuses, failing
counts and observed values.

Three sources of cases: the shipped suites (suites/*.yml) on the bundled demo data; an edge-case
suite (tests/backends/cases/edge.yml: nulls, NaN, unicode, empty strings, dates) on a frame
written here; and the conformance case tables of tests/gates/engines/ (imported, not copied),
all cases of a table in one suite, so each frame costs one run per backend. Polars is the
answer; DuckDB and Spark (the module's one local[2] session) must give it.

What the Spark backend does not translate is not silently different: each such check comes
back failed with the "not translated" error, and ``_backend_cases.NOT_ON_SPARK`` pins exactly
which checks those are, so a translator that learns one must update that list.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest
from _backend_cases import EDGE_SUITE, NOT_TRANSLATED, assert_same, edge_frame

import gates
from gates._sample import make_orders
from gates.suite._load import parse_suite

ROOT = Path(__file__).resolve().parents[2]


#: Regex checks: Spark matches with java.util.regex, which reads `$` and `\d` differently;
#: the translators hand Spark gates.backends._regex.java_regex(pattern), tested on its own below.
REGEX_CHECKS = frozenset(
    {
        "str_matches",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
    }
)


def _conformance(name: str) -> ModuleType:
    """A conformance test module of tests/gates/engines/, by path (a site-packages `tests` shadows it)."""
    path = ROOT / "tests" / "gates" / "engines" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_cross_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gx_cases = _conformance("test_conformance_gx")
pandera_cases = _conformance("test_conformance_pandera")


def _gx_suite() -> Any:
    expectations = [{"type": k, "kwargs": kw} for k, kw in gx_cases.CASES]
    return parse_suite(json.dumps({"name": "cross-gx", "expectations": expectations}))


def _pandera_suite() -> Any:
    columns: dict[str, Any] = {}
    for column, check, modifiers in pandera_cases.CASES:
        spec = columns.setdefault(column, {"nullable": False, "unique": True, "checks": []})
        spec["checks"].append({**check, **modifiers})
    return parse_suite(json.dumps({"name": "cross-pandera", "columns": columns}))


def _on(backend: str, data: Any, request: pytest.FixtureRequest) -> Any:
    """The data as the backend takes it (a Spark DataFrame through Arrow: NaN stays NaN)."""
    if backend == "spark" and isinstance(data, pl.DataFrame):
        return request.getfixturevalue("spark").createDataFrame(data.to_arrow())
    if backend == "spark":
        request.getfixturevalue("spark")  # gates.check reads the path in the module's session
    return data


BACKENDS = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo data (5000 orders with known defects) as Parquet."""
    path = tmp_path_factory.mktemp("demo") / "orders.parquet"
    make_orders().write_parquet(path)
    return path


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edge") / "edge.parquet"
    edge_frame().write_parquet(path)
    return path


#: Each shipped suite and the section Spark does not run (one `<section>::spark` result there).
SHIPPED = {"orders": None, "fraud": "coverage", "labels": "labels"}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "suite", ["orders", "fraud", pytest.param("labels", marks=pytest.mark.labels)]
)
def test_shipped_suite(
    suite: str, backend: str, demo: Path, request: pytest.FixtureRequest
) -> None:
    """suites/*.yml on the demo file: Polars' answer, check for check."""
    if suite == "labels":
        pytest.importorskip("cleanlab", reason="the labels section needs the [labels] extra")
    path = ROOT / "suites" / f"{suite}.yml"
    want = gates.check(demo, path, engine="polars")
    got = gates.check(_on(backend, demo, request), path, engine=backend)  # type: ignore[arg-type]
    assert got.backend == backend
    section = SHIPPED[suite]
    if backend == "spark" and section is not None:
        # a section Spark does not run is one result there, one per rule elsewhere
        left = [(c.id, c.error) for c in got.checks if c.id.startswith(f"{section}::")]
        assert left == [(f"{section}::spark", NOT_TRANSLATED)]
        got = _without(got, section)
        want = dataclasses.replace(
            want, checks=tuple(c for c in want.checks if c.engine != section)
        )
    assert assert_same(got, want, f"{backend} {suite}.yml") == len(want.checks)
    assert len(want.checks) > 2 or (backend, suite) == ("spark", "labels")


def _without(result: gates.GateResult, section: str) -> gates.GateResult:
    kept = tuple(c for c in result.checks if not c.id.startswith(f"{section}::"))
    return dataclasses.replace(result, checks=kept)


@pytest.mark.parametrize("backend", BACKENDS)
def test_edge_cases(backend: str, edge: Path, request: pytest.FixtureRequest) -> None:
    """Nulls, NaN, unicode, empty strings and dates: every check native, same answer."""
    want = gates.check(edge, EDGE_SUITE, engine="polars")
    assert all(c.error is None for c in want.checks)
    assert not want.passed and {c.passed for c in want.checks} == {True, False}
    got = gates.check(_on(backend, edge, request), EDGE_SUITE, engine=backend)  # type: ignore[arg-type]
    assert assert_same(got, want, f"{backend} edge.yml") == len(want.checks)
    assert {c.engine for c in got.checks} <= {"schema", "native", backend}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("table", ["gx", "pandera"])
def test_conformance_tables(table: str, backend: str, request: pytest.FixtureRequest) -> None:
    """Every conformance case on every edge-case frame (empty, one row, all null, NaN)."""
    suite = _gx_suite() if table == "gx" else _pandera_suite()
    frames = gx_cases.FRAMES if table == "gx" else pandera_cases.FRAMES
    compared = 0
    for name, frame in frames.items():
        want = gates.check(frame, suite, engine="polars")
        got = gates.check(_on(backend, frame, request), suite, engine=backend)  # type: ignore[arg-type]
        compared += assert_same(got, want, f"{backend} {table} cases on {name}")
    assert compared > 10 * len(frames)


@pytest.mark.spark
def test_regex_checks_on_spark(spark: Any) -> None:
    """str_matches on Spark: Polars' (Rust regex) answer, e.g. `^[a-z]+$` refuses "b\\n"."""
    suite = _pandera_suite()
    frame = pandera_cases.FRAMES["base"]
    want = gates.check(frame, suite, engine="polars")
    got = gates.check(spark.createDataFrame(frame.to_arrow()), suite, engine="spark")
    keep = frozenset(c.name for c in want.checks) - REGEX_CHECKS
    assert assert_same(got, want, "spark regex cases", skip=keep) > 0
