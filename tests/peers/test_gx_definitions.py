"""Great Expectations' own test definitions, run through datagates on every backend.

Each dataset of GX's ``tests/test_definitions/**.json`` (see data/PROVENANCE.md) becomes a
Polars frame and all its tests one suite of expectations, run by the native engine on Polars
and on DuckDB and by the reference engine (GX 1.24 on pandas). A test agrees when ``success``,
the unexpected count (``len(unexpected_list)``) and the ``observed_value`` of an aggregate
match, or, for a test that expects GX to raise (``traceback_substring``), when the check
reports an error. Where the installed GX disagrees with its older test, the installed GX is the
reference: the case is counted as a divergence naming both answers, and the other backends
must give the installed GX's answer. Native and reference must never contradict each other.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import defaultdict
from functools import cache
from importlib import metadata
from typing import Any

import polars as pl
import pytest
from _peers import AGREE, DATA, DIVERGE, INEXPRESSIBLE, tally

import gates
from gates import SuiteDefinitionError
from gates.engines._items import expectation_ids
from gates.suite._load import parse_suite

BACKENDS = ("polars", "duckdb", "reference")
GX_INSTALLED = metadata.version("great-expectations")
GX_TESTED = re.search(r"Great Expectations (\S+)", (DATA / "PROVENANCE.md").read_text()).group(1)  # type: ignore[union-attr]
REGISTRY = set(
    json.loads(
        (
            __import__("pathlib").Path(gates.__file__).parent / "suite" / "gx_expectations.json"
        ).read_text()
    )["expectations"]
)
_DROP = {"catch_exceptions", "result_format"}


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    type: str
    kwargs: dict[str, Any]
    out: dict[str, Any]
    dataset: str
    why_not: str | None = None


@dataclasses.dataclass(frozen=True)
class Verdict:
    passed: bool | None  # None: an error (check error or suite refused)
    failing: int | None
    observed: Any
    engine: str
    error: str | None = None


def _columns(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return [str(c) for c in cols + list(kwargs.get("column_list") or [])]


def _frame(ds: dict[str, Any]) -> tuple[pl.DataFrame, dict[str, str]]:
    """The dataset as a Polars frame, and why each column that cannot be one was left out."""
    pandas_types = (ds.get("schemas") or {}).get("pandas") or {}
    series, bad = [], {}
    data = ds["data"]
    if isinstance(data, list):  # records
        data = {k: [row.get(k) for row in data] for k in dict.fromkeys(k for r in data for k in r)}
    for name, values in data.items():
        try:
            s = pl.Series(name, values, strict=True)
        except (TypeError, pl.exceptions.PolarsError):
            bad[name] = (
                f"column {name!r} mixes value types (a pandas object column); a Polars column has one type"
            )
            continue
        kind = str(pandas_types.get(name, ""))
        if kind.startswith("datetime64") and s.dtype == pl.String:
            try:
                s = s.str.to_datetime()
            except pl.exceptions.PolarsError:
                bad[name] = (
                    f"column {name!r}: pandas reads it as datetime64, Polars cannot parse it"
                )
                continue
        series.append(s)
    return pl.DataFrame(series), bad


def _load() -> tuple[list[Case], list[tuple[str, pl.DataFrame, list[Case]]]]:
    cases: list[Case] = []
    batches = []
    for path in sorted((DATA / "gx").rglob("*.json")):
        doc = json.loads(path.read_text())
        etype = doc["expectation_type"]
        for d_i, ds in enumerate(doc["datasets"]):
            frame, bad = _frame(ds)
            runnable = []
            for t_i, test in enumerate(ds["tests"]):
                cid = f"{etype}/{d_i}/{t_i}:{test.get('title', '')}"
                kwargs = test["in"] if isinstance(test["in"], dict) else {}
                only = test.get("only_for")
                suppressed = set(test.get("suppress_test_for") or []) | set(
                    ds.get("suppress_test_for") or []
                )
                why = None
                if etype not in REGISTRY:
                    why = (
                        f"{etype} is not an expectation of GX {GX_INSTALLED} (not in its registry)"
                    )
                elif not isinstance(test["in"], dict):
                    why = "GX's test has no kwargs object"
                elif only and "pandas" not in only:
                    why = f"GX's test is only for {', '.join(only)}, not pandas"
                elif "pandas" in suppressed:
                    why = "GX suppresses this test on pandas"
                elif "$PARAMETER" in json.dumps(kwargs):
                    why = "evaluation parameters ($PARAMETER) are not part of a suite"
                elif any(c in bad for c in _columns(kwargs)):
                    why = next(bad[c] for c in _columns(kwargs) if c in bad)
                elif "other_table_name" in kwargs:
                    why = "a second table is not part of a suite run"
                case = Case(
                    cid,
                    etype,
                    {k: v for k, v in kwargs.items() if k not in _DROP},
                    test["out"] if isinstance(test["out"], dict) else {},
                    f"{path.stem}/{d_i}",
                    why,
                )
                cases.append(case)
                if why is None:
                    runnable.append(case)
            if runnable:
                batches.append((f"{path.stem}/{d_i}", frame, runnable))
    return cases, batches


CASES, BATCHES = _load()


def _suite_text(cases: list[Case]) -> str:
    return (
        json.dumps(
            {
                "name": "gx-peer",
                "expectations": [{"type": c.type, "kwargs": c.kwargs} for c in cases],
            },
            allow_nan=True,
        )
        .replace("NaN", ".nan")
        .replace("-Infinity", "-.inf")
        .replace("Infinity", ".inf")
    )


def _run(frame: pl.DataFrame, cases: list[Case], backend: str) -> dict[str, Verdict]:
    """Each case's verdict; a suite refused (at load or by GX's kwargs check) is split up."""
    try:
        suite = parse_suite(_suite_text(cases))
        results = gates.check(frame, suite, engine=backend).checks  # type: ignore[arg-type]
    except SuiteDefinitionError as exc:
        if len(cases) == 1:
            return {cases[0].id: Verdict(None, None, None, "suite", str(exc))}
        out: dict[str, Verdict] = {}
        for case in cases:
            out.update(_run(frame, [case], backend))
        return out
    got = {r.id: r for r in results}
    out = {}
    for case, cid in zip(cases, expectation_ids(list(suite.suite.expectations)), strict=True):
        r = got[cid]
        observed = (r.details or {}).get("result", {}).get("observed_value", r.observed)
        out[case.id] = Verdict(
            None if r.error else r.passed, r.failing_count, observed, r.engine, r.error
        )
    return out


@cache
def outcomes() -> dict[str, dict[str, Verdict]]:
    result: dict[str, dict[str, Verdict]] = defaultdict(dict)
    for _, frame, cases in BATCHES:
        for backend in BACKENDS:
            try:
                got = _run(frame, cases, backend)
            except Exception as exc:  # a crash is every case's verdict, not a re-run per test
                got = {
                    c.id: Verdict(None, None, None, "crash", f"{type(exc).__name__}: {exc}")
                    for c in cases
                }
            for cid, v in got.items():
                result[cid][backend] = v
    return result


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return bool(a == b)


def _mismatch(out: dict[str, Any], v: Verdict) -> str | None:
    """How ``v`` differs from what GX's test expects (None: it agrees)."""
    if "traceback_substring" in out:
        return None if v.passed is None else f"expected an error, got passed={v.passed}"
    if v.passed is None:
        return f"error: {v.error}"
    if "success" in out and v.passed != out["success"]:
        return f"success {v.passed}, GX's test expects {out['success']}"
    if (
        "unexpected_list" in out
        and v.failing is not None
        and v.failing != len(out["unexpected_list"])
    ):
        return f"{v.failing} unexpected, GX's test expects {len(out['unexpected_list'])}"
    if (
        "observed_value" in out
        and v.failing is None
        and not _close(v.observed, out["observed_value"])
    ):
        return f"observed {v.observed!r}, GX's test expects {out['observed_value']!r}"
    return None


def _same(a: Verdict, b: Verdict) -> bool:
    if a.passed is None or b.passed is None:
        return a.passed is b.passed
    return (
        a.passed == b.passed
        and a.failing == b.failing
        and (a.failing is not None or _close(a.observed, b.observed))
    )


#: (case-id regex, backend regex) -> why datagates differs from GX there.
DIVERGENCES: dict[tuple[str, str], str] = {}


#: Like DIVERGENCES, but the outcome varies between runs (so a case that agrees is not stale).
UNSTABLE: dict[tuple[str, str], str] = {
    (r"^expect_column_quantile_values_to_be_between/0/[0-2]:", "polars|duckdb"): (
        "installed GX raises 'list index out of range' for these quantile_ranges on pandas;"
        " native computes pandas' nearest-rank quantiles, GX's test lists values rounded or from"
        " another backend's approximate quantiles"
    ),
}


def _divergence(case_id: str, backend: str) -> str | None:
    for (case_re, backend_re), reason in DIVERGENCES.items():
        if re.search(case_re, case_id) and re.fullmatch(backend_re, backend):
            return reason
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_gx_case(case: Case, backend: str) -> None:
    """Each GX test definition gives GX's expected result, or its difference is explained."""
    board = tally("great_expectations")
    if case.why_not:
        board.add(case.id, backend, INEXPRESSIBLE, case.why_not)
        return
    got = outcomes()[case.id]
    ref = got["reference"]
    ref_vs_test = _mismatch(case.out, ref)
    reason = _divergence(case.id, backend)
    unstable = next(
        (w for (c, b), w in UNSTABLE.items() if re.search(c, case.id) and re.fullmatch(b, backend)),
        None,
    )
    if unstable is not None:
        agrees = _mismatch(case.out, got[backend]) is None
        board.add(case.id, backend, AGREE if agrees else DIVERGE, "" if agrees else unstable)
        return
    if ref_vs_test is not None and (backend == "reference" or _same(got[backend], ref)):
        # the installed GX is the reference, and this backend gives its answer
        assert reason is None, f"stale divergence entry: {reason}"
        board.add(
            case.id,
            backend,
            DIVERGE,
            f"installed GX {GX_INSTALLED} differs from GX {GX_TESTED}'s test ({ref_vs_test});"
            " the installed version is the reference",
        )
        return
    mine = _mismatch(case.out, got[backend])
    if mine is None:
        assert reason is None, f"stale divergence entry, the case now agrees: {reason}"
        board.add(case.id, backend, AGREE)
        return
    assert reason is not None, f"{case.type}({case.kwargs}) on {backend}: {mine}; reference: {ref}"
    board.add(case.id, backend, DIVERGE, reason)


@pytest.mark.parametrize("case", [c for c in CASES if not c.why_not], ids=lambda c: c.id)
def test_native_never_contradicts_reference(case: Case) -> None:
    """Where native and GX both give a verdict, it is the same (success, count, observed)."""
    got = outcomes()[case.id]
    for backend in ("polars", "duckdb"):
        mine, ref = got[backend], got["reference"]
        if mine.passed is None or ref.passed is None:
            continue
        assert _same(mine, ref), (backend, mine, ref)
