"""pandera's own built-in check tests, run through datagates on every backend.

The cases are those of pandera's ``tests/common/test_builtin_checks.py`` (see
data/PROVENANCE.md): a check, a column dtype, a frame that must pass and one that must fail.
Each case becomes a suite column check (``code: {checks: [{equal_to: {value: 30}}]}``) and both
frames run through the native engine on Polars and on DuckDB and through the reference engine
(pandera itself). Cases are batched, one column per case, so each backend sees a handful of
frames. A case agrees when the pass frame passes and the fail frame fails; a documented
divergence (``DIVERGENCES``) must still hold (a stale entry fails); a case the suite language
cannot state is counted as not expressible with the reason. Native and reference must never
contradict each other: same verdict, same failing count, wherever both give one.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from functools import cache
from typing import Any

import polars as pl
import pytest
from _peers import AGREE, DATA, DIVERGE, INEXPRESSIBLE, Inexpressible, decode, tally, yaml_value

import gates
from gates import SuiteDefinitionError
from gates.suite._load import parse_suite

BACKENDS = ("polars", "duckdb", "reference")
CASES: list[dict[str, Any]] = json.loads((DATA / "pandera" / "builtin_checks.json").read_text())[
    "cases"
]

#: (case-id regex, backend regex) -> why datagates differs from pandera's test there.
#: Roots in the suite loader or the native translators are hC's (issue #17).
DIVERGENCES: dict[tuple[str, str], str] = {
    (r"^Test(Not)?EqualToCheck::.*\[19-", ".*"): (
        "equal_to/not_equal_to with a list value on a List(String) column: pandera compares"
        " element lists; the suite loader refuses a list for `value` (`use isin for a list of"
        " values`), a suite error (gates/suite/_args.py, hC)"
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


def _run(frame: pl.DataFrame, columns: dict[str, str], backend: str) -> dict[str, Verdict]:
    """Every column's verdict; a suite the loader refuses is retried column by column."""
    try:
        suite = parse_suite(_suite_text(columns))
    except SuiteDefinitionError as exc:
        if len(columns) == 1:
            return {c: Verdict(None, None, "suite", str(exc)) for c in columns}
        out: dict[str, Verdict] = {}
        for col, chk in columns.items():
            out.update(_run(frame.select(col), {col: chk}, backend))
        return out
    out = {}
    for res in gates.check(frame, suite, engine=backend).checks:  # type: ignore[arg-type]
        out[str(res.column)] = Verdict(
            None if res.error else res.passed, res.failing_count, res.engine, res.error
        )
    return out


@cache
def outcomes() -> dict[str, dict[str, tuple[Verdict, Verdict] | str]]:
    """case id -> backend -> (pass-frame verdict, fail-frame verdict), or why not expressible."""
    result: dict[str, dict[str, tuple[Verdict, Verdict] | str]] = defaultdict(dict)
    groups: dict[tuple[str, int, int], list[tuple[str, dict[str, Any], str]]] = defaultdict(list)
    for i, case in enumerate(CASES):
        if case.get("raises"):
            continue
        try:
            check = _check_yaml(case)
        except Inexpressible as exc:
            for b in BACKENDS:
                result[case["id"]][b] = str(exc)
            continue
        key = (case["dtype"], len(case["pass_data"]), len(case["fail_data"]))
        groups[key].append((f"c{i}", case, check))
    for (dtype, _, _), members in groups.items():
        frames = {
            part: _frame(
                {col: [decode(row[1]) for row in case[part]] for col, case, _ in members},
                dict.fromkeys((c for c, _, _ in members), dtype),
            )
            for part in ("pass_data", "fail_data")
        }
        columns = {col: chk for col, _, chk in members}
        for backend in BACKENDS:
            got = {part: _run(frame, columns, backend) for part, frame in frames.items()}
            for col, case, _ in members:
                pair = tuple(got[part][col] for part in ("pass_data", "fail_data"))
                result[case["id"]][backend] = pair  # type: ignore[assignment]
    for case in CASES:
        if case.get("raises"):  # pandera's test expects the check's construction to raise
            columns = {"code": "{" + json.dumps(case["check"]) + ": {}}"}
            frame = pl.DataFrame({"code": ["Bat"]})
            for backend in BACKENDS:
                (v,) = _run(frame, columns, backend).values()
                result[case["id"]][backend] = (v, v)
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


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_pandera_case(case: dict[str, Any], backend: str) -> None:
    """Each pandera case passes/fails as pandera's test says, or its divergence is documented."""
    got = outcomes()[case["id"]][backend]
    board = tally("pandera")
    if isinstance(got, str):
        board.add(case["id"], backend, INEXPRESSIBLE, got)
        return
    reason = _divergence(case["id"], backend)
    if _agrees(case, got):
        assert reason is None, f"stale divergence entry, the case now agrees: {reason}"
        board.add(case["id"], backend, AGREE)
        return
    assert reason is not None, (
        f"{case['check']}({_kwargs(case)}) on {case['dtype']}: pass frame -> {got[0]},"
        f" fail frame -> {got[1]}; pandera's test expects pass then fail"
    )
    board.add(case["id"], backend, DIVERGE, reason)


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
