"""From a suite to ``synth``: coverage shortfalls to fill, and a row validator from its checks.

``synth`` never imports ``gates``; this module is the one place that speaks both. It turns the
suite's ``coverage:`` rules, measured on the real data, into ``synth.Shortfall`` s (planned
jointly, so rows added for one rule count for the others and ``min_share`` rules see the table
grow), and the suite's row-level checks into a validator that rejects synthetic rows which
would fail them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from ._errors import InputError, MissingExtraError
from .engines._coverage import (
    Key,
    RuleOutcome,
    coerce_values,
    condition_of,
    count_classes,
    coverage_rules,
    evaluate,
)
from .suite import LoadedSuite
from .suite._coverage import CoverageRule

if TYPE_CHECKING:
    from synth import Inequality, Shortfall

__all__ = [
    "FillRequest",
    "SuiteRowValidator",
    "coverage_outcomes",
    "coverage_request",
    "id_patterns",
    "inequalities",
    "require_synth",
]

#: Joint planning rounds; ``min_share`` rules interacting with others converge geometrically.
_MAX_PLAN_ROUNDS = 100


def require_synth() -> None:
    """Import the [synth] extra's libraries or raise ``MissingExtraError`` with the install hint."""
    try:
        import sdmetrics  # noqa: F401
        import sdv  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("synthetic fill", "synth") from exc


@dataclass
class _Planned:
    condition: dict[str, Any]
    real_rows: int
    learnable: bool
    rows: int = 0


@dataclass(frozen=True)
class FillRequest:
    """What ``gates synth`` asks ``synth.fill`` for.

    Attributes:
        shortfalls: One per short class/segment, in rule order (a condition shared by two
            rules appears once, with the rows both need).
        before: Each rule measured on the real data.
        notes: What the fill will not fix (``min_total``, unreachable shares, ...).
    """

    shortfalls: tuple[Shortfall, ...]
    before: tuple[RuleOutcome, ...]
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """Rows requested over all shortfalls."""
        return sum(s.missing for s in self.shortfalls)


def coverage_outcomes(loaded: LoadedSuite, lazy: pl.LazyFrame) -> list[RuleOutcome]:
    """Every coverage rule of the suite measured on ``lazy``.

    Raises:
        InputError: a rule names a column the data does not have.
        SuiteDefinitionError: the coverage section or a rule's ``values`` is invalid.
    """
    schema = lazy.collect_schema()
    out = []
    for i, rule in enumerate(coverage_rules(loaded)):
        values = _values(loaded, rule, i, schema)
        counts, total = count_classes(lazy, rule, values)
        out.append(evaluate(rule, counts, total))
    return out


def _values(loaded: LoadedSuite, rule: CoverageRule, i: int, schema: pl.Schema) -> list[Key] | None:
    missing = [c for c in rule.keys if c not in schema]
    if missing:
        raise InputError(
            f"coverage rule {rule.check_id}: column {missing[0]!r} is not in the data "
            f"(columns: {', '.join(list(schema)[:12])}); fix the suite or pass other data",
            column=missing[0],
        )
    try:
        return coerce_values(rule, schema)
    except ValueError as exc:
        raise loaded.error(f"coverage.{i}.values: {exc}", ("coverage", i, "values")) from None


def coverage_request(
    loaded: LoadedSuite, real: pl.DataFrame, *, min_rows_to_learn: int = 5
) -> FillRequest:
    """The rows to add per class/segment so every coverage rule holds after the fill.

    Rules are planned together: rows added for ``{region: eu, label: fraud}`` also count
    for ``label=fraud``; every row added grows the table, which ``min_share`` rules take
    into account (``n_i + x_i >= s * (N + X)``, docs/synth.md). Rows for a condition with
    fewer than ``min_rows_to_learn`` real rows are still requested (``synth`` reports them
    as skipped) but are not counted towards other rules. ``min_total`` rules are not
    filled: they are a volume requirement, and a note says whether the fill meets them.

    Args:
        loaded: The suite.
        real: The real data.
        min_rows_to_learn: The threshold ``synth`` will skip conditions under.

    Returns:
        The shortfalls, the rules measured on the real data, and notes.

    Raises:
        InputError: a rule names a column the data does not have.
        SuiteDefinitionError: the coverage section or a rule's ``values`` is invalid.
    """
    from synth import Shortfall

    rules = coverage_rules(loaded)
    lazy = real.lazy()
    total = real.height
    measured: list[tuple[CoverageRule, dict[Key, int]]] = []
    before: list[RuleOutcome] = []
    for i, rule in enumerate(rules):
        counts, _ = count_classes(lazy, rule, _values(loaded, rule, i, real.schema))
        measured.append((rule, counts))
        before.append(evaluate(rule, counts, total))
    planned: dict[tuple[tuple[str, Any], ...], _Planned] = {}
    notes: list[str] = []
    infeasible: set[int] = set()
    # segments first: their rows also count for the coarser classes they belong to
    order = sorted(range(len(measured)), key=lambda i: -len(measured[i][0].keys))
    for _ in range(_MAX_PLAN_ROUNDS):
        changed = False
        for i in order:
            rule, counts = measured[i]
            if rule.min_total is not None or i in infeasible:
                continue
            added = sum(p.rows for p in planned.values() if p.learnable)
            sim = {v: n + _rows_for(planned, rule, v) for v, n in counts.items()}
            out = evaluate(rule, sim, total + added)
            if out.infeasible:
                infeasible.add(i)
                notes.append(f"{rule.check_id}: {out.infeasible}; not filled")
                continue
            for short in out.short:
                cond = condition_of(rule, short.values)
                key = tuple(sorted(cond.items(), key=lambda kv: kv[0]))
                item = planned.get(key)
                if item is None:
                    real_rows = counts[short.values]
                    item = planned[key] = _Planned(cond, real_rows, real_rows >= min_rows_to_learn)
                item.rows += short.missing or 0
                changed = True
        if not changed:
            break
    else:
        notes.append(
            f"coverage plan did not settle after {_MAX_PLAN_ROUNDS} rounds; some rules may stay short"
        )
    grown = total + sum(p.rows for p in planned.values() if p.learnable)
    for rule in rules:
        if rule.min_total is not None and grown < rule.min_total:
            notes.append(
                f"{rule.check_id}: min_total {rule.min_total:,} not met ({grown:,} rows after the fill); "
                "synthetic fill adds rows to short classes and segments only: add real data"
            )
    shortfalls = tuple(Shortfall(p.condition, p.rows) for p in planned.values() if p.rows > 0)
    return FillRequest(shortfalls=shortfalls, before=tuple(before), notes=tuple(notes))


def _rows_for(planned: Mapping[Any, _Planned], rule: CoverageRule, values: Key) -> int:
    """Planned rows that land in ``rule``'s class ``values``: the class's own, plus learnable
    rows of more specific conditions that carry the same values."""
    own = condition_of(rule, values)
    rows = 0
    for p in planned.values():
        if all(k in p.condition and p.condition[k] == v for k, v in own.items()) and (
            p.learnable or p.condition == own
        ):
            rows += p.rows
    return rows


@dataclass
class SuiteRowValidator:
    """Passes the candidate rows that every row-level check of the suite accepts.

    Used: each column's value checks (``in_range``, ``isin``, ``str_matches``, ...; the
    pandera-style checks the native engine evaluates row by row), ``nullable: false``, and
    table ``expression`` checks. Not used: ``unique`` (needs the real rows),
    ``unique_values_eq`` and other aggregates, ``dtype`` (synthetic rows keep the real
    dtypes), GX ``expectations``, ``include``\\ d suites, ``query`` checks, drift, labels
    and coverage. Thresholds (``mostly``, ``max_failing``) are ignored: every synthetic
    row must pass every check, whatever its severity.
    """

    suite_name: str
    #: (check id, "this row fails" expression), in suite order.
    checks: tuple[tuple[str, pl.Expr], ...]
    #: Rejections per check id over every call, for the summary.
    rejected: Counter[str] = field(default_factory=Counter)

    @property
    def __name__(self) -> str:  # fill() records it in the manifest
        return f"suite {self.suite_name}: {len(self.checks)} row-level checks"

    @classmethod
    def from_suite(cls, loaded: LoadedSuite, schema: pl.Schema) -> SuiteRowValidator:
        """Compile the suite's row-level checks against the data's ``schema``.

        Raises:
            SuiteDefinitionError: an ``expression`` check is not valid SQL.
        """
        from ._io import load
        from .engines._base import RunContext
        from .engines._items import column_check_id
        from .engines._native_plan import plan_compiles
        from .engines._translate_pandera import pandera_plans

        suite = loaded.suite
        ctx = RunContext(dataset=load(pl.DataFrame(schema=schema)), suite=loaded)
        checks: list[tuple[str, pl.Expr]] = []
        for plan in pandera_plans(ctx, schema):
            _, column, what = plan.key
            if what == "unique" or plan.bad is None or not plan_compiles(plan, schema):
                continue
            spec = suite.columns[column]
            cid = (
                f"{column}::{what}"
                if what == "not_nullable"
                else column_check_id(column, spec, spec.checks[int(what)], int(what))
            )
            checks.append((cid, plan.bad))
        n_expr = 0
        for i, table_check in enumerate(suite.checks):
            if table_check.check != "expression":
                continue
            n_expr += 1
            text = str(table_check.kwargs["sql"])
            try:
                expr = pl.sql_expr(text)
            except pl.exceptions.PolarsError as exc:
                raise loaded.error(
                    f"invalid SQL expression {text!r}: {str(exc).splitlines()[0]}", ("checks", i)
                ) from None
            bad = expr.not_().fill_null(False)
            if table_check.where:
                # only the rows the check is about can fail it (docs/suites.md, where:)
                from .suite._where import WhereError
                from .suite._where_compile import compile_where

                try:
                    bad = compile_where(table_check.where, schema) & bad
                except WhereError as exc:
                    raise loaded.error(str(exc), ("checks", i, "where")) from None
            checks.append(("table::expression" + (f"#{n_expr}" if n_expr > 1 else ""), bad))
        return cls(suite_name=suite.name, checks=tuple(checks))

    def __call__(self, rows: pl.DataFrame) -> pl.Series:
        """One flag per row: True when the row passes every check (rejections are counted)."""
        return self._judge(rows, count=True)

    def passes(self, rows: pl.DataFrame) -> pl.Series:
        """The same flags, not counted: ``synth.fill`` uses it to pick the real rows to learn."""
        return self._judge(rows, count=False)

    def _judge(self, rows: pl.DataFrame, *, count: bool) -> pl.Series:
        if not self.checks or rows.height == 0:
            return pl.Series("passed", [True] * rows.height, dtype=pl.Boolean)
        bad = rows.select(
            [expr.fill_null(False).alias(f"c{i}") for i, (_, expr) in enumerate(self.checks)]
        )
        for i, (cid, _) in enumerate(self.checks):
            n = int(bad.get_column(f"c{i}").sum()) if count else 0
            if n:
                self.rejected[cid] += n
        return bad.select(~pl.any_horizontal(pl.all())).to_series().alias("passed")


#: ``a <= b`` (or <, >=, >) between two bare column names: a rule SDV can hold by construction.
_COMPARISON = re.compile(r'^\s*"?(\w+)"?\s*(<=|<|>=|>)\s*"?(\w+)"?\s*$')


def inequalities(loaded: LoadedSuite, schema: pl.Schema) -> list[Inequality]:
    """The suite's table ``expression`` checks of the form ``a <= b`` between two numeric or
    temporal columns, as ``synth.Inequality`` rules (``a > b`` becomes ``b < a``).

    Other expressions stay with the validator (reject and resample).
    """
    from synth import Inequality

    out: list[Inequality] = []
    for check in loaded.suite.checks:
        if check.check != "expression" or check.where:
            continue
        found = _COMPARISON.match(str(check.kwargs.get("sql", "")))
        if found is None:
            continue
        left, op, right = found.groups()
        if not all(c in schema and _orderable(schema[c]) for c in (left, right)):
            continue
        low, high = (left, right) if op in ("<=", "<") else (right, left)
        out.append(Inequality(low, high, strict=op in ("<", ">")))
    return out


def _orderable(dtype: pl.DataType) -> bool:
    return (dtype.is_numeric() and dtype != pl.Boolean) or dtype.is_temporal()


def id_patterns(loaded: LoadedSuite) -> dict[str, str]:
    """Each column's ``str_matches`` pattern (the first, without ``where:``), for new ids.

    ``synth`` uses a pattern only for a column it treats as id-like (its values are made,
    not learned): new ids are enumerated from the pattern so they pass the check.
    """
    out: dict[str, str] = {}
    for column, spec in loaded.suite.columns.items():
        for check in spec.checks:
            pattern = check.kwargs.get("pattern")
            if check.check == "str_matches" and isinstance(pattern, str) and not check.where:
                out.setdefault(column, pattern)
    return out
