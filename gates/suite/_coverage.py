"""The suite's ``coverage:`` section: minimum rows per class, per segment, and in total.

Each list item is one rule (docs/synth.md, "From the gate")::

    coverage:
      - column: label
        min_rows: 500            # every value of `label` needs at least 500 rows
      - columns: [region, label]
        min_share: 0.01          # every observed (region, label) pair at least 1% of rows
      - min_total: 10000         # the whole table needs at least 10,000 rows
        severity: warn
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gates._result import Severity

from ._catalog import did_you_mean

__all__ = ["CoverageRule"]

#: The keys a coverage rule accepts, in the order the docs list them.
RULE_KEYS = (
    "column",
    "columns",
    "values",
    "min_rows",
    "min_share",
    "min_total",
    "severity",
    "name",
    "description",
)

Scalar = str | int | float | bool | None


class CoverageRule(BaseModel):
    """One coverage rule: a minimum count or share per value/segment, or a minimum total."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str | None = Field(None, description="every value of this column needs enough rows")
    columns: tuple[str, ...] | None = Field(
        None, description="every combination (segment) of these columns needs enough rows"
    )
    values: tuple[tuple[Scalar, ...], ...] | None = Field(
        None,
        description="check exactly these values (a class with 0 rows is a shortfall); "
        "for `columns`, lists like [eu, fraud] or mappings like {region: eu, label: fraud}",
    )
    min_rows: int | None = Field(None, ge=1, description="least rows per value or segment")
    min_share: float | None = Field(
        None, gt=0, lt=1, description="least share of all rows per value or segment (0-1)"
    )
    min_total: int | None = Field(None, ge=1, description="least rows in the whole table")
    severity: Severity | None = Field(None, description="block or warn (default: the suite's)")
    label: str | None = Field(None, alias="name", description="a display name for the check")
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(
                f"a coverage rule is a mapping like `- column: label` + `min_rows: 500`, got {data!r}"
            )
        for key in data:
            if key not in RULE_KEYS:
                raise ValueError(
                    f"unknown key {key!r}{did_you_mean(str(key), RULE_KEYS)} in a coverage rule; "
                    f"it takes: {', '.join(RULE_KEYS)}"
                )
        out = dict(data)
        if isinstance(out.get("columns"), str):
            out["columns"] = [out["columns"]]
        if out.get("values") is not None:
            out["values"] = _normalise_values(out["values"], out.get("column"), out.get("columns"))
        return out

    @model_validator(mode="after")
    def _consistent(self) -> CoverageRule:
        if self.column is not None and self.columns is not None:
            raise ValueError("give `column` or `columns`, not both")
        if self.columns is not None:
            if not self.columns:
                raise ValueError("`columns` needs at least one column name")
            if len(set(self.columns)) != len(self.columns):
                raise ValueError(f"`columns` repeats a column: {', '.join(self.columns)}")
        counts = [k for k in ("min_rows", "min_share") if getattr(self, k) is not None]
        if self.min_total is not None:
            if self.column is not None or self.columns is not None or counts:
                raise ValueError(
                    "`min_total` is a rule of its own: put it in a separate list item "
                    "without column/columns/min_rows/min_share"
                )
            if self.values is not None:
                raise ValueError("`values` needs `column` or `columns`; min_total has none")
            return self
        if self.column is None and self.columns is None:
            raise ValueError(
                "a coverage rule needs `column`, `columns` or `min_total` "
                "(e.g. `- column: label` + `min_rows: 500`)"
            )
        if len(counts) != 1:
            raise ValueError(
                "give exactly one of `min_rows` (a count) or `min_share` (0-1), "
                f"got {'both' if counts else 'neither'}"
            )
        return self

    # --- what the rule is about ------------------------------------------------------------
    @property
    def kind(self) -> str:
        """``min_rows``, ``min_share`` or ``min_total``."""
        if self.min_total is not None:
            return "min_total"
        return "min_rows" if self.min_rows is not None else "min_share"

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns a class/segment is made of (empty for ``min_total``)."""
        if self.column is not None:
            return (self.column,)
        return tuple(self.columns or ())

    @property
    def check_id(self) -> str:
        """``label::coverage``, ``region+label::coverage`` or ``table::coverage``."""
        return f"{'+'.join(self.keys) or 'table'}::coverage"

    def requirement_text(self) -> str:
        """The rule in words: ``every label value has >= 500 rows``."""
        if self.min_total is not None:
            return f"the table has >= {self.min_total:,} rows"
        what = (
            f"every {self.keys[0]} value"
            if len(self.keys) == 1
            else f"every ({', '.join(self.keys)}) segment"
        )
        if self.values is not None:
            shown = "; ".join(_label(self.keys, v) for v in self.values[:5])
            what = f"each of ({shown}{'; …' if len(self.values) > 5 else ''})"
        if self.min_rows is not None:
            return f"{what} has >= {self.min_rows:,} rows"
        return f"{what} is >= {self.min_share:.4g} of all rows"


def _label(keys: tuple[str, ...], values: tuple[Scalar, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))


def _normalise_values(values: Any, column: Any, columns: Any) -> list[tuple[Any, ...]]:
    """``values`` as a list of tuples, one entry per class/segment, in the columns' order."""
    if not isinstance(values, list | tuple) or not values:
        raise ValueError(f"`values` is a non-empty list, got {values!r}")
    if column is not None or columns is None:
        for v in values:
            if isinstance(v, list | tuple | Mapping):
                raise ValueError(
                    f"`values` of a single column are plain values, got {v!r}; "
                    "use `columns: [...]` for segments"
                )
        out = [(v,) for v in values]
    else:
        names = [columns] if isinstance(columns, str) else list(columns)
        out = []
        for v in values:
            if isinstance(v, Mapping):
                if set(map(str, v)) != set(names):
                    raise ValueError(
                        f"`values` entry {dict(v)!r} must name exactly the columns {', '.join(names)}"
                    )
                out.append(tuple(v[n] for n in names))
            elif isinstance(v, list | tuple) and len(v) == len(names):
                out.append(tuple(v))
            else:
                raise ValueError(
                    f"`values` entry {v!r} must be a list of {len(names)} values "
                    f"({', '.join(names)}) or a mapping of them"
                )
    if len(set(out)) != len(out):
        raise ValueError("`values` lists a value twice; list each class or segment once")
    return out
