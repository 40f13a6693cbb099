"""pandera's own built-in check tests, run through datagates on every backend.

The cases are those of pandera's ``tests/common/test_builtin_checks.py`` (see
data/PROVENANCE.md): a check, a column dtype, a frame that must pass and one that must fail.
Each case becomes a suite column check (``code: {checks: [{equal_to: {value: 30}}]}``) and both
frames run through the native engine on Polars and on DuckDB, through the reference engine
(pandera itself) and on Spark. Cases are batched, one column per case, so each backend sees a
handful of frames (Spark: three, see :func:`spark_outcomes`). A case agrees when the pass
frame passes and the fail frame fails; a documented divergence (``DIVERGENCES``) must still
hold (a stale entry fails); a case the suite language cannot state, or that Spark does not
translate or cannot hold, is counted as not expressible with the reason. Native and Spark
must never contradict the reference: same verdict, same failing count, wherever both give one.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter, defaultdict
from functools import cache
from typing import Any

import polars as pl
import pytest
from _peers import (
    AGREE,
    DATA,
    DIVERGE,
    INEXPRESSIBLE,
    KINDS,
    NOT_ON_SPARK,
    Inexpressible,
    decode,
    tally,
    yaml_value,
)

import gates
from gates import SuiteDefinitionError
from gates.suite._load import parse_suite

#: The backends run in this process, and Spark (the module's session; see conftest.py).
LOCAL = ("polars", "duckdb", "reference")
BACKENDS = (*LOCAL, "spark")
CASES: list[dict[str, Any]] = json.loads((DATA / "pandera" / "builtin_checks.json").read_text())[
    "cases"
]

#: (case-id regex, backend regex) -> why datagates differs from pandera's test there
#: (each one is a row of docs/engines.md#where-datagates-differs-from-the-peers-tests).
DIVERGENCES: dict[tuple[str, str], str] = {
    (r"^Test(Not)?EqualToCheck::.*\[19-", ".*"): (
        "equal_to/not_equal_to with a list value on a List(String) column: pandera compares"
        " the element lists (and raises 'cannot cast List type' on a String column); the"
        " suite loader refuses a list for `value` before it knows the column's dtype (`use"
        " isin for a list of values`, gates/suite/_args.py _kind_problem), a suite error on"
        " every backend"
    ),
}


@dataclasses.dataclass(frozen=True)
class Verdict:
    passed: bool | None  # None: the check could not run (error) or the suite was refused
    failing: int | None
    engine: str
    error: str | None = None


def _kwargs(case: dict[str, Any]) -> dict[str, Any]:
    # pandera's statistics list every parameter; None means "not given"
    return {k: v for k, v in (case.get("kwargs") or {}).items() if v is not None}


def _check_yaml(case: dict[str, Any]) -> str:
    return "{" + json.dumps(case["check"]) + ": " + yaml_value(_kwargs(case)) + "}"


def _dtype(name: str) -> pl.DataType:
    return eval(name, {k: getattr(pl, k) for k in dir(pl) if not k.startswith("_")})  # type: ignore[no-any-return]  # our own fixture text


def _frame(values: dict[str, list[Any]], dtypes: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [pl.Series(name, vals, dtype=_dtype(dtypes[name])) for name, vals in values.items()]
    )


def _suite_text(columns: dict[str, str]) -> str:
    body = ", ".join(f"{json.dumps(c)}: {{checks: [{chk}]}}" for c, chk in columns.items())
    return f"name: pandera-peer\ncolumns: {{{body}}}\n"


_LOAD_ERRORS: dict[str, str | None] = {}


def _load_error(check: str) -> str | None:
    """Why the suite loader refuses a column with this check (None: it loads)."""
    if check not in _LOAD_ERRORS:
        try:
            parse_suite(_suite_text({"c": check}))
            _LOAD_ERRORS[check] = None
        except SuiteDefinitionError as exc:
            _LOAD_ERRORS[check] = str(exc).replace("columns.c.", "")
    return _LOAD_ERRORS[check]


def _run(
    frame: pl.DataFrame, columns: dict[str, str], backend: str, **options: Any
) -> dict[str, Verdict]:
    """Every column's verdict: a check the loader refuses on its own is a suite error, the
    rest run as one suite (column by column only if that suite is refused)."""
    out = {
        c: Verdict(None, None, "suite", err)
        for c, chk in columns.items()
        if (err := _load_error(chk))
    }
    columns = {c: chk for c, chk in columns.items() if c not in out}
    if not columns:
        return out
    try:
        suite = parse_suite(_suite_text(columns))
    except SuiteDefinitionError as exc:
        if len(columns) == 1:
            return {**out, **{c: Verdict(None, None, "suite", str(exc)) for c in columns}}
        for col, chk in columns.items():
            out.update(_run(frame.select(col), {col: chk}, backend, **options))
        return out
    for res in gates.check(frame.select(list(columns)), suite, engine=backend, **options).checks:  # type: ignore[arg-type]
        out[str(res.column)] = Verdict(
            None if res.error else res.passed, res.failing_count, res.engine, res.error
        )
    return out


def _expressible() -> tuple[dict[str, str], list[tuple[str, dict[str, Any], str]]]:
    """Why each case the suite language cannot state is left out, and the rest as
    (column name, case, check YAML)."""
    why, run = {}, []
    for i, case in enumerate(CASES):
        if case.get("raises"):
            continue
        try:
            run.append((f"c{i}", case, _check_yaml(case)))
        except Inexpressible as exc:
            why[case["id"]] = str(exc)
    return why, run


def _raising(backend: str, **options: Any) -> dict[str, tuple[Verdict, Verdict]]:
    """The cases whose check pandera's test expects to raise when it is built."""
    out = {}
    for case in CASES:
        if case.get("raises"):
            columns = {"code": "{" + json.dumps(case["check"]) + ": {}}"}
            frame = pl.DataFrame({"code": ["Bat"]})
            (v,) = _run(frame, columns, backend, **options).values()
            out[case["id"]] = (v, v)
    return out


@cache
def outcomes() -> dict[str, dict[str, tuple[Verdict, Verdict] | str]]:
    """case id -> backend -> (pass-frame verdict, fail-frame verdict), or why not expressible;
    for the backends in this process (not Spark)."""
    result: dict[str, dict[str, tuple[Verdict, Verdict] | str]] = defaultdict(dict)
    why, run = _expressible()
    for cid, reason in why.items():
        for b in LOCAL:
            result[cid][b] = reason
    groups: dict[tuple[str, int, int], list[tuple[str, dict[str, Any], str]]] = defaultdict(list)
    for col, case, check in run:
        key = (case["dtype"], len(case["pass_data"]), len(case["fail_data"]))
        groups[key].append((col, case, check))
    for (dtype, _, _), members in groups.items():
        frames = {
            part: _frame(
                {col: [decode(row[1]) for row in case[part]] for col, case, _ in members},
                dict.fromkeys((c for c, _, _ in members), dtype),
            )
            for part in ("pass_data", "fail_data")
        }
        columns = {col: chk for col, _, chk in members}
        for backend in LOCAL:
            got = {part: _run(frame, columns, backend) for part, frame in frames.items()}
            for col, case, _ in members:
                pair = tuple(got[part][col] for part in ("pass_data", "fail_data"))
                result[case["id"]][backend] = pair  # type: ignore[assignment]
    for backend in LOCAL:
        for cid, pair in _raising(backend).items():
            result[cid][backend] = pair
    return result


#: What Spark cannot hold: a frame with such a column fails to become a Spark DataFrame.
_SPARK_CONVERSION = "UNSUPPORTED_DATA_TYPE_FOR_ARROW_CONVERSION"


@cache
def _spark_refuses(dtype: str) -> str | None:
    """Why a frame with a column of ``dtype`` cannot become a Spark DataFrame (None: it can)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    assert spark is not None
    try:
        spark.createDataFrame(_frame({"x": []}, {"x": dtype}).to_arrow())
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@cache
def spark_outcomes() -> dict[str, tuple[Verdict, Verdict] | str]:
    """case id -> (pass-frame verdict, fail-frame verdict) on Spark, or why not expressible.

    Spark runs cost about a second each and about 0.1 s per check, so a case's pass and fail
    frames are two columns of one frame (``c<i>_pass_data``, ``c<i>_fail_data``), every case
    of the same row count whose dtype Spark holds shares it (three Spark runs instead of 42),
    and a case identical to an earlier one (pandera tests each check under two names, e.g.
    ``eq`` and ``equal_to``) shares its columns: 230 distinct cases of 390. A dtype Spark
    cannot hold (the unsigned integers) gets a frame of its own, which gates.check refuses.
    """
    result: dict[str, tuple[Verdict, Verdict] | str] = {}
    why, run = _expressible()
    result.update(why)
    groups: dict[tuple[str, int], list[tuple[str, str, Any, str]]] = defaultdict(list)
    dtypes: dict[str, str] = {}  # column -> dtype
    same: dict[str, str] = {}  # case id -> column prefix of the identical case that runs
    seen: dict[str, str] = {}
    for col, case, check in run:
        key = json.dumps([case["dtype"], check, case["pass_data"], case["fail_data"]])
        if key in seen:
            same[case["id"]] = seen[key]
            continue
        seen[key] = same[case["id"]] = col
        for part in ("pass_data", "fail_data"):
            values = [decode(row[1]) for row in case[part]]
            dtypes[f"{col}_{part}"] = case["dtype"]
            group = _spark_refuses(case["dtype"]) and case["dtype"]
            groups[(group or "", len(values))].append((f"{col}_{part}", check, values, col))
    got: dict[str, Verdict] = {}
    refused: dict[str, str] = {}  # column prefix -> why Spark cannot hold its frame
    for (dtype, _), members in groups.items():
        frame = _frame(
            {name: values for name, _, values, _ in members},
            {name: dtypes[name] for name, *_ in members},
        )
        columns = {name: check for name, check, _, _ in members}
        try:
            got.update(_run(frame, columns, "spark", sample_size=0))
        except Exception as exc:
            text = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            if not dtype or _SPARK_CONVERSION not in text:
                raise
            for *_, col in members:
                refused[col] = (
                    f"Spark has no {dtype} type: a {dtype} frame does not convert ({text})"
                )
    for _, case, _ in run:
        col = same.get(case["id"])
        if case["id"] in result or col is None:
            continue
        result[case["id"]] = refused.get(col) or (got[f"{col}_pass_data"], got[f"{col}_fail_data"])
    result.update(_raising("spark", sample_size=0))
    return result


def _divergence(case_id: str, backend: str) -> str | None:
    for (case_re, backend_re), reason in DIVERGENCES.items():
        if re.search(case_re, case_id) and re.fullmatch(backend_re, backend):
            return reason
    return None


def _agrees(case: dict[str, Any], got: tuple[Verdict, Verdict]) -> bool:
    ok, bad = got
    if case.get("raises"):
        return ok.passed is None  # refused at load or a check error, as pandera raises
    return ok.passed is True and bad.passed is False


def _got(case: dict[str, Any], backend: str) -> tuple[Verdict, Verdict] | str:
    if backend == "spark":
        return spark_outcomes()[case["id"]]
    return outcomes()[case["id"]][backend]


def judge(case: dict[str, Any], backend: str) -> tuple[str, str]:
    """The case's bucket on ``backend`` and why; an unexplained difference fails here."""
    got = _got(case, backend)
    if isinstance(got, str):
        return INEXPRESSIBLE, got
    if backend == "spark":
        skipped = [v.error for v in got if v.error and NOT_ON_SPARK in v.error]
        if skipped:
            return INEXPRESSIBLE, f"the Spark backend does not run it ({skipped[0]})"
    reason = _divergence(case["id"], backend)
    if _agrees(case, got):
        assert reason is None, f"stale divergence entry, the case now agrees: {reason}"
        return AGREE, ""
    assert reason is not None, (
        f"{case['check']}({_kwargs(case)}) on {case['dtype']} ({backend}): pass frame ->"
        f" {got[0]}, fail frame -> {got[1]}; pandera's test expects pass then fail"
    )
    return DIVERGE, reason


def _needs_spark(backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "spark":
        request.getfixturevalue("spark")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_pandera_case(case: dict[str, Any], backend: str, request: pytest.FixtureRequest) -> None:
    """Each pandera case passes/fails as pandera's test says, or its divergence is documented."""
    _needs_spark(backend, request)
    tally("pandera").add(case["id"], backend, *judge(case, backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_case_is_counted(backend: str, request: pytest.FixtureRequest) -> None:
    """Every recorded pandera case lands in exactly one bucket on each backend."""
    _needs_spark(backend, request)
    assert len({c["id"] for c in CASES}) == len(CASES)
    kinds = Counter(judge(c, backend)[0] for c in CASES)
    assert set(kinds) <= set(KINDS)
    assert sum(kinds.values()) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_native_never_contradicts_reference(case: dict[str, Any]) -> None:
    """Where native and pandera both give a verdict, it is the same, with the same failing count."""
    got = outcomes()[case["id"]]
    if isinstance(got["reference"], str):
        return
    for backend in ("polars", "duckdb"):
        mine, ref = got[backend], got["reference"]
        assert not isinstance(mine, str)
        for m, r in zip(mine, ref, strict=True):
            if m.passed is None or r.passed is None:
                continue
            assert (m.passed, m.failing) == (r.passed, r.failing), (backend, m, r)


def test_spark_never_contradicts_reference(spark: Any) -> None:
    """Where Spark and pandera both give a verdict, it is the same, with the same failing count."""
    bad = []
    for case in CASES:
        mine, ref = spark_outcomes()[case["id"]], outcomes()[case["id"]]["reference"]
        if isinstance(mine, str) or isinstance(ref, str):
            continue
        for m, r in zip(mine, ref, strict=True):
            if (
                m.passed is not None
                and r.passed is not None
                and (m.passed, m.failing) != (r.passed, r.failing)
            ):
                bad.append((case["id"], m, r))
    assert not bad, bad
