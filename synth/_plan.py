"""Shortfalls and the fill plan: how many rows each condition gets, and what is skipped."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ._errors import ConditionError, SynthConfigError

#: Default minimum number of real rows a condition needs before we learn from it.
DEFAULT_MIN_ROWS_TO_LEARN = 5


@dataclass(frozen=True)
class Shortfall:
    """A coverage gap: rows matching ``condition`` that the dataset is missing.

    Attributes:
        condition: Column -> value, e.g. ``{"label": "fraud"}`` or
            ``{"region": "eu", "label": "fraud"}``. ``None`` matches nulls.
        missing: How many rows are missing (>= 0).
    """

    condition: Mapping[str, object]
    missing: int


class SkipReason(enum.StrEnum):
    """Why a condition is not filled; kept in the plan and the result."""

    NOTHING_MISSING = "nothing_missing"
    VALUE_NOT_IN_DATA = "value_not_in_data"
    TOO_FEW_ROWS = "too_few_rows"


def condition_label(condition: Mapping[str, object]) -> str:
    """A stable, readable key for a condition: ``label=fraud, region=eu`` (sorted)."""
    return ", ".join(f"{k}={condition[k]}" for k in sorted(condition))


def condition_mask(real: pl.DataFrame, condition: Mapping[str, object]) -> pl.Expr:
    """A polars expression true on the rows matching every column of ``condition``."""
    expr = pl.lit(True)
    for column, value in condition.items():
        col = pl.col(column)
        expr = expr & (col.is_null() if value is None else col.eq(value).fill_null(False))
    return expr


@dataclass(frozen=True)
class PlannedCondition:
    """One shortfall after planning.

    Attributes:
        condition: The condition, as given.
        requested: Rows asked for (the shortfall's ``missing``).
        real_rows: Real rows that match the condition.
        skip: Why it is skipped, or ``None`` when it will be filled.
        reason: One-line human explanation of ``skip`` (empty when filled).
    """

    condition: Mapping[str, object]
    requested: int
    real_rows: int
    skip: SkipReason | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        """The condition as ``col=value, ...``."""
        return condition_label(self.condition)

    @property
    def to_fill(self) -> int:
        """Rows to generate: ``requested`` unless skipped, then 0."""
        return 0 if self.skip is not None else self.requested


@dataclass(frozen=True)
class FillPlan:
    """What ``fill`` will generate, condition by condition.

    Attributes:
        items: One entry per shortfall, in the order given.
        min_rows_to_learn: The threshold used for ``TOO_FEW_ROWS``.
    """

    items: tuple[PlannedCondition, ...]
    min_rows_to_learn: int = DEFAULT_MIN_ROWS_TO_LEARN
    _by_label: dict[str, PlannedCondition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_label", {item.label: item for item in self.items})

    @property
    def active(self) -> tuple[PlannedCondition, ...]:
        """The conditions that will be filled."""
        return tuple(item for item in self.items if item.skip is None)

    @property
    def skipped(self) -> tuple[PlannedCondition, ...]:
        """The conditions that will not be filled, each with its reason."""
        return tuple(item for item in self.items if item.skip is not None)

    @property
    def total_rows(self) -> int:
        """Rows to generate over all active conditions."""
        return sum(item.to_fill for item in self.items)

    def __getitem__(self, label: str) -> PlannedCondition:
        return self._by_label[label]


def plan_fill(
    real: pl.DataFrame,
    shortfalls: Sequence[Shortfall],
    *,
    min_rows_to_learn: int = DEFAULT_MIN_ROWS_TO_LEARN,
) -> FillPlan:
    """Decide how many rows each condition gets, and skip what cannot be learned.

    A condition is skipped (kept in the plan with a reason, never dropped) when nothing is
    missing, when no real row carries its values, or when fewer than ``min_rows_to_learn``
    real rows match it: a model cannot learn what such rows look like.

    Args:
        real: The real data.
        shortfalls: The gaps to fill.
        min_rows_to_learn: Minimum matching real rows for a condition to be filled (>= 1).

    Returns:
        The plan, one ``PlannedCondition`` per shortfall in the given order.

    Raises:
        ConditionError: A condition names an unknown column, has a value of the wrong type,
            is empty, is repeated, or has a negative ``missing``.
        SynthConfigError: ``min_rows_to_learn`` is below 1.
    """
    if min_rows_to_learn < 1:
        raise SynthConfigError(
            f"min_rows_to_learn must be >= 1, got {min_rows_to_learn}: pass a positive count"
        )
    items: list[PlannedCondition] = []
    seen: set[str] = set()
    for shortfall in shortfalls:
        _check_shortfall(real, shortfall, seen)
        real_rows = _count(real, shortfall.condition)
        label = condition_label(shortfall.condition)
        skip: SkipReason | None = None
        reason = ""
        if shortfall.missing == 0:
            skip, reason = SkipReason.NOTHING_MISSING, f"{label}: 0 rows missing"
        elif real_rows == 0:
            skip = SkipReason.VALUE_NOT_IN_DATA
            reason = f"{label}: no real row has these values; nothing to learn from"
        elif real_rows < min_rows_to_learn:
            skip = SkipReason.TOO_FEW_ROWS
            reason = (
                f"{label}: {real_rows} real rows, fewer than min_rows_to_learn={min_rows_to_learn}"
            )
        items.append(
            PlannedCondition(
                condition=dict(shortfall.condition),
                requested=shortfall.missing,
                real_rows=real_rows,
                skip=skip,
                reason=reason,
            )
        )
    return FillPlan(items=tuple(items), min_rows_to_learn=min_rows_to_learn)


def _check_shortfall(real: pl.DataFrame, shortfall: Shortfall, seen: set[str]) -> None:
    """Raise ``ConditionError`` on a malformed shortfall."""
    if not shortfall.condition:
        raise ConditionError("shortfall has an empty condition: give at least one column=value")
    label = condition_label(shortfall.condition)
    if isinstance(shortfall.missing, bool) or not isinstance(shortfall.missing, int):
        raise ConditionError(
            f"shortfall {label}: missing must be an int, got {shortfall.missing!r}"
        )
    if shortfall.missing < 0:
        raise ConditionError(f"shortfall {label}: missing must be >= 0, got {shortfall.missing}")
    unknown = sorted(set(shortfall.condition) - set(real.columns))
    if unknown:
        names = ", ".join(f"'{c}'" for c in unknown)
        raise ConditionError(
            f"shortfall {label}: {len(unknown)} unknown column(s) {names}; "
            f"use columns of the data: {', '.join(real.columns)}"
        )
    if label in seen:
        raise ConditionError(f"shortfall {label} is given twice: merge the two into one")
    seen.add(label)


def _count(real: pl.DataFrame, condition: Mapping[str, Any]) -> int:
    """Real rows matching ``condition``; a value of the wrong type is a ``ConditionError``."""
    try:
        return real.select(condition_mask(real, condition).sum()).item() or 0
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        label = condition_label(condition)
        dtypes = ", ".join(f"{c}: {real.schema[c]}" for c in condition)
        raise ConditionError(
            f"shortfall {label}: a value does not match its column type ({dtypes}); "
            "give values of the column's type"
        ) from exc
