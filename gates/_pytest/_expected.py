"""The checks a suite will report, known from the suite alone (no data is read).

Ids follow the engines' own rules (``column_check_id``, ``expectation_ids``), so results map
back to the items collected here; anything else a run reports lands in the ``other`` item.
"""

from __future__ import annotations

from dataclasses import dataclass

from gates._result import Severity
from gates.suite import LoadedSuite

__all__ = ["OTHER", "ExpectedCheck", "expected_checks"]

#: Name of the catch-all item for results no collected item predicted.
OTHER = "other"


@dataclass(frozen=True, slots=True)
class ExpectedCheck:
    """One check a suite declares, as a pytest item will show it."""

    #: The result id, e.g. ``amount::in_range`` or ``table::row_count``.
    id: str
    #: The engine family that declares it (``schema``, ``pandera``, ``gx``, ``table``).
    engine: str
    severity: Severity
    #: The column it is about, or ``None`` for table-level checks.
    column: str | None
    #: 1-based line in the suite file, when known.
    line: int | None = None

    @property
    def group(self) -> str:
        """The node under the suite: the column, or ``table``."""
        return self.id.rsplit("::", 1)[0]

    @property
    def leaf(self) -> str:
        """The item's own name: the check part of the id."""
        return self.id.rsplit("::", 1)[-1]


def expected_checks(loaded: LoadedSuite) -> list[ExpectedCheck]:
    """Every check id ``loaded`` will report, in suite order, with severity and line."""
    from gates.engines._items import column_check_id, expectation_ids

    suite = loaded.suite
    out: list[ExpectedCheck] = []

    def add(
        cid: str, engine: str, severity: Severity, column: str | None, loc: tuple[str | int, ...]
    ) -> None:
        out.append(ExpectedCheck(cid, engine, severity, column, loaded.where(loc)[0]))

    for column, spec in suite.columns.items():
        default = spec.severity or suite.severity
        where: tuple[str | int, ...] = ("columns", column)
        if spec.required:
            add(f"{column}::column_exists", "schema", default, column, where)
        if spec.dtype is not None:
            add(f"{column}::dtype", "schema", default, column, (*where, "dtype"))
        if not spec.nullable:
            add(f"{column}::not_nullable", "pandera", default, column, (*where, "nullable"))
        if spec.unique:
            add(f"{column}::unique", "pandera", default, column, (*where, "unique"))
        for i, check in enumerate(spec.checks):
            add(
                column_check_id(column, spec, check, i),
                "pandera",
                suite.severity_of(check, spec),
                column,
                (*where, "checks", i),
            )
    seen: dict[str, int] = {}
    for i, table_check in enumerate(suite.checks):
        n = seen[table_check.check] = seen.get(table_check.check, 0) + 1
        cid = f"table::{table_check.check}" + (f"#{n}" if n > 1 else "")
        add(cid, "table", suite.severity_of(table_check), None, ("checks", i))
    specs = [*suite.expectations, *(s for s, _ in loaded.included_expectations)]
    for i, (cid, exp_spec) in enumerate(zip(expectation_ids(specs), specs, strict=True)):
        loc: tuple[str | int, ...] = (
            ("expectations", i) if i < len(suite.expectations) else ("include", "gx")
        )
        add(cid, "gx", exp_spec.severity or suite.severity, exp_spec.column, loc)
    anomaly_ids: dict[str, int] = {}
    for i, item in enumerate(suite.anomaly or ()):
        n = anomaly_ids[item.check_id] = anomaly_ids.get(item.check_id, 0) + 1
        cid = item.check_id + (f"#{n}" if n > 1 else "")
        add(cid, "anomaly", item.severity or suite.severity, item.column, ("anomaly", i))
    return out
