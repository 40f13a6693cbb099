"""Great Expectations' own test definitions, run through datagates on every backend.

Each dataset of GX's ``tests/test_definitions/**.json`` (see data/PROVENANCE.md) becomes a
Polars frame and all its tests one suite of expectations, run by the native engine on Polars
and on DuckDB, by the reference engine (GX 1.24 on pandas) and on Spark (the column-level
cases of all datasets with one row count share a frame there: see :func:`spark_batches`).
A test agrees when ``success``, the unexpected count (``len(unexpected_list)``) and the
``observed_value`` of an aggregate match (within the test's ``tolerance`` where it has one,
as GX's harness compares), or, for a test that expects GX to raise (``traceback_substring``),
when the check reports an error. Where the installed GX disagrees with its older test, the
installed GX is the reference: the case is counted as a divergence naming both answers, and
the other backends must give the installed GX's answer. A check the Spark backend does not
translate is not expressible there (with its "not translated" message), never an agreement.
Every test of the JSON files is one case (unique ids: test_every_case_is_counted), and native
and Spark never contradict the reference.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter, defaultdict
from functools import cache
from importlib import metadata
from typing import Any

import polars as pl
import pytest
from _peers import AGREE, DATA, DIVERGE, INEXPRESSIBLE, KINDS, NOT_ON_SPARK, tally

import gates
from gates import SuiteDefinitionError
from gates.engines._items import expectation_ids
from gates.suite._load import parse_suite

#: The backends run in this process, and Spark (the module's session; see conftest.py).
LOCAL = ("polars", "duckdb", "reference")
BACKENDS = (*LOCAL, "spark")
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
    tolerance: float | None = None  # GX's harness: observed values np.allclose(rtol=tolerance)


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
                # the file, not the expectation type: several files test one type (the
                # tz_naive copy of expect_column_values_to_be_between had the same ids)
                cid = f"{path.stem}/{d_i}/{t_i}:{test.get('title', '')}"
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
                    test.get("tolerance"),
                )
                cases.append(case)
                if why is None and etype == _QUANTILES:
                    batches.append((f"{path.stem}/{d_i}/{t_i}", frame, [case]))
                elif why is None:
                    runnable.append(case)
            if runnable:
                batches.append((f"{path.stem}/{d_i}", frame, runnable))
    ids = [c.id for c in cases]
    assert len(set(ids)) == len(ids), "two GX cases share an id"
    return cases, batches


#: GX 1.24 fixes a metric's id before this expectation adds its quantiles to it, so two quantile
#: expectations on one column in one validation share the first one's `column.quantile_values`
#: (the second gets 'list index out of range', or the wrong values); GX's own harness runs one
#: test at a time, so each quantile case gets a batch of its own here.
_QUANTILES = "expect_column_quantile_values_to_be_between"


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


_LOAD_ERRORS: dict[str, str | None] = {}


def _load_error(case: Case) -> str | None:
    """Why the suite loader refuses ``case`` on its own (None: it loads)."""
    if case.id not in _LOAD_ERRORS:
        try:
            parse_suite(_suite_text([case]))
            _LOAD_ERRORS[case.id] = None
        except SuiteDefinitionError as exc:
            _LOAD_ERRORS[case.id] = str(exc)
    return _LOAD_ERRORS[case.id]


def _run(
    frame: pl.DataFrame, cases: list[Case], backend: str, **options: Any
) -> dict[str, Verdict]:
    """Each case's verdict: the cases the loader refuses are suite errors, the rest run as one
    suite (split up only if GX's kwargs check refuses that suite)."""
    out = {c.id: Verdict(None, None, None, "suite", err) for c in cases if (err := _load_error(c))}
    cases = [c for c in cases if c.id not in out]
    if not cases:
        return out
    try:
        suite = parse_suite(_suite_text(cases))
        results = gates.check(frame, suite, engine=backend, **options).checks  # type: ignore[arg-type]
    except SuiteDefinitionError as exc:
        if len(cases) == 1:
            return {**out, cases[0].id: Verdict(None, None, None, "suite", str(exc))}
        for case in cases:
            out.update(_run(frame, [case], backend, **options))
        return out
    got = {r.id: r for r in results}
    for case, cid in zip(cases, expectation_ids(list(suite.suite.expectations)), strict=True):
        r = got[cid]
        observed = (r.details or {}).get("result", {}).get("observed_value", r.observed)
        out[case.id] = Verdict(
            None if r.error else r.passed, r.failing_count, observed, r.engine, r.error
        )
    return out


def _run_all(
    batches: list[tuple[str, pl.DataFrame, list[Case]]], backend: str, **options: Any
) -> dict[str, Verdict]:
    got: dict[str, Verdict] = {}
    for _, frame, cases in batches:
        try:
            got.update(_run(frame, cases, backend, **options))
        except Exception as exc:  # a crash is every case's verdict, not a re-run per test
            crash = f"{type(exc).__name__}: {exc}"
            got.update({c.id: Verdict(None, None, None, "crash", crash) for c in cases})
    return got


@cache
def outcomes() -> dict[str, dict[str, Verdict]]:
    """case id -> backend -> verdict, for the backends in this process (not Spark)."""
    result: dict[str, dict[str, Verdict]] = defaultdict(dict)
    for backend in LOCAL:
        for cid, v in _run_all(BATCHES, backend).items():
            result[cid][backend] = v
    return result


def _table_level(case: Case) -> bool:
    """A case whose answer depends on the whole table (its columns, their order, the rows)."""
    return (
        not any(k in case.kwargs for k in ("column", "column_A", "column_list"))
        or case.type.startswith("expect_table_")
        or case.type == "expect_column_to_exist"
        or "row_condition" in case.kwargs
    )


#: case id -> the identical case whose Spark verdict it shares.
_SPARK_SAME: dict[str, str] = {}


def spark_batches() -> list[tuple[str, pl.DataFrame, list[Case]]]:
    """The batches for Spark, where each run costs about a second: the column-level cases of
    every dataset with the same row count share one frame (each dataset's columns prefixed
    ``d<k>__``, the cases' column kwargs renamed to match); table-level cases keep their own
    dataset; a case identical to an earlier one (same data, type and kwargs: the tz_naive copy
    of the between tests) is not run again (:data:`_SPARK_SAME`). 24 Spark runs instead of 90."""
    out = []
    by_height: dict[int, tuple[list[pl.DataFrame], list[Case]]] = defaultdict(lambda: ([], []))
    seen: dict[tuple[str, str, str], str] = {}
    for k, (name, frame, all_cases) in enumerate(BATCHES):
        content, cases = frame.write_json(), []
        for c in all_cases:
            key = (content, c.type, json.dumps(c.kwargs, sort_keys=True, default=str))
            if key in seen:
                _SPARK_SAME[c.id] = seen[key]
            else:
                seen[key] = c.id
                cases.append(c)
        own = [c for c in cases if _table_level(c)]
        if own:
            out.append((name, frame, own))
        rest = [c for c in cases if not _table_level(c)]
        if not rest:
            continue
        prefix = f"d{k}__"
        frames, merged = by_height[frame.height]
        frames.append(frame.rename({c: prefix + c for c in frame.columns}))
        for c in rest:
            kw = dict(c.kwargs)
            for key in ("column", "column_A", "column_B"):
                if key in kw:
                    kw[key] = prefix + str(kw[key])
            if "column_list" in kw:
                kw["column_list"] = [prefix + str(col) for col in kw["column_list"]]
            merged.append(dataclasses.replace(c, kwargs=kw))
    for height, (frames, merged) in sorted(by_height.items()):
        out.append((f"rows={height}", pl.concat(frames, how="horizontal"), merged))
    return out


@cache
def spark_outcomes() -> dict[str, Verdict]:
    """case id -> verdict on Spark (the module's session is active: gates.check uses it)."""
    got = _run_all(spark_batches(), "spark", sample_size=0)
    return {**got, **{cid: got[same] for cid, same in _SPARK_SAME.items()}}


def _close(a: Any, b: Any, rtol: float | None = None) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rtol) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y, rtol) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if rtol is not None:  # numpy.allclose, as GX's harness compares with a tolerance
            return abs(a - b) <= 1e-8 + rtol * abs(b)
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return bool(a == b)


def _mismatch(case: Case, v: Verdict) -> str | None:
    """How ``v`` differs from what GX's test expects (None: it agrees)."""
    out = case.out
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
        and not _close(v.observed, out["observed_value"], case.tolerance)
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
DIVERGENCES: dict[tuple[str, str], str] = {
    (r"^expect_column_stdev_to_be_between/0/3:positive_test__exact_min_and_max", "spark"): (
        "Spark's stddev_samp (an incremental update) differs from pandas' two-pass value in"
        " the last bit (1.1547005383792515, pandas 1.1547005383792517 for [1, 1, 3]); the"
        " test's bounds are pandas' value to the last bit, so Spark fails it"
    ),
}


def _divergence(case_id: str, backend: str) -> str | None:
    for (case_re, backend_re), reason in DIVERGENCES.items():
        if re.search(case_re, case_id) and re.fullmatch(backend_re, backend):
            return reason
    return None


def _verdict(case: Case, backend: str) -> Verdict:
    return spark_outcomes()[case.id] if backend == "spark" else outcomes()[case.id][backend]


def judge(case: Case, backend: str) -> tuple[str, str]:
    """The case's bucket on ``backend`` and why; an unexplained difference fails here."""
    if case.why_not:
        return INEXPRESSIBLE, case.why_not
    mine = _verdict(case, backend)
    if backend == "spark" and mine.error and NOT_ON_SPARK in mine.error:
        return INEXPRESSIBLE, f"the Spark backend does not run it ({mine.error})"
    ref = outcomes()[case.id]["reference"]
    ref_vs_test = _mismatch(case, ref)
    reason = _divergence(case.id, backend)
    if ref_vs_test is not None and (backend == "reference" or _same(mine, ref)):
        # the installed GX is the reference, and this backend gives its answer
        assert reason is None, f"stale divergence entry: {reason}"
        return DIVERGE, (
            f"installed GX {GX_INSTALLED} differs from GX {GX_TESTED}'s test ({ref_vs_test});"
            " the installed version is the reference"
        )
    differs = _mismatch(case, mine)
    if differs is None:
        assert reason is None, f"stale divergence entry, the case now agrees: {reason}"
        return AGREE, ""
    assert reason is not None, (
        f"{case.type}({case.kwargs}) on {backend}: {differs}; reference: {ref}"
    )
    return DIVERGE, reason


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_gx_case(case: Case, backend: str, request: pytest.FixtureRequest) -> None:
    """Each GX test definition gives GX's expected result, or its difference is explained."""
    if backend == "spark" and not case.why_not:
        request.getfixturevalue("spark")
    tally("great_expectations").add(case.id, backend, *judge(case, backend))


def _loaded_tests() -> int:
    """The tests in GX's JSON files, counted without the runner's loader."""
    docs = [json.loads(p.read_text()) for p in (DATA / "gx").rglob("*.json")]
    return sum(len(ds["tests"]) for d in docs for ds in d["datasets"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_case_is_counted(backend: str, request: pytest.FixtureRequest) -> None:
    """Every test in GX's files is one case, and lands in exactly one bucket on each backend."""
    if backend == "spark":
        request.getfixturevalue("spark")
    assert len({c.id for c in CASES}) == len(CASES) == _loaded_tests()
    kinds = Counter(judge(c, backend)[0] for c in CASES)
    assert set(kinds) <= set(KINDS)
    assert sum(kinds.values()) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if not c.why_not], ids=lambda c: c.id)
def test_native_never_contradicts_reference(case: Case) -> None:
    """Where native and GX both give a verdict, it is the same (success, count, observed)."""
    got = outcomes()[case.id]
    for backend in ("polars", "duckdb"):
        mine, ref = got[backend], got["reference"]
        if mine.passed is None or ref.passed is None:
            continue
        assert _same(mine, ref), (backend, mine, ref)


def test_spark_never_contradicts_reference(spark: Any) -> None:
    """Where Spark and GX both give a verdict, it is the same (success, count, observed)."""
    ref = outcomes()
    contradictions = [
        (c.id, mine, ref[c.id]["reference"])
        for c in CASES
        if not c.why_not
        and (mine := spark_outcomes()[c.id]).passed is not None
        and ref[c.id]["reference"].passed is not None
        and not _same(mine, ref[c.id]["reference"])
        and _divergence(c.id, "spark") is None  # documented: a last-bit float difference
    ]
    assert not contradictions, contradictions
