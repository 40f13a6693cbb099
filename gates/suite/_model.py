"""The suite as users declare it: a pydantic model of ``suites/NAME.yml``.

Every key is documented in docs/suites.md; ``gates suite schema`` prints the JSON Schema
that editors use to complete and check suite files.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._result import Severity
from ._anomaly import AnomalySpec
from ._catalog import ALIASES, COLUMN_CHECKS, TABLE_CHECKS, CheckSignature, did_you_mean
from ._coverage import CoverageRule
from ._drift import DriftSpec
from ._labels import LabelsSpec

__all__ = [
    "ColumnCheck",
    "ColumnSpec",
    "DataSpec",
    "ExpectationSpec",
    "IncludeSpec",
    "Suite",
    "TableCheck",
    "gx_expectation_signatures",
]

#: Keys that may sit beside a check's name in a check item.
MODIFIERS = ("severity", "mostly", "max_failing", "max_failing_fraction", "name", "description")


#: dtype names from other tools, with the name a suite uses for them.
_DTYPE_HINTS = {
    "int": "int64",
    "uint": "uint64",
    "int64[pyarrow]": "int64",
    "float64[pyarrow]": "float64",
    "string[pyarrow]": "string",
    "object": "string",
    "datetime64": "datetime",
    "datetime64[ns]": "datetime",
    "timestamp": "datetime",
    "varchar": "string",
    "bigint": "int64",
    "real": "float32",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Thresholded(_Strict):
    severity: Severity | None = Field(
        None, description="block or warn; defaults to the column's, then the suite's"
    )
    mostly: float | None = Field(
        None, ge=0, le=1, strict=True, description="share of rows that must pass (0-1)"
    )
    max_failing: int | None = Field(
        None, ge=0, strict=True, description="most failing rows allowed"
    )
    max_failing_fraction: float | None = Field(
        None, ge=0, le=1, strict=True, description="most failing share allowed (0-1)"
    )
    label: str | None = Field(None, alias="name", description="a display name for the check")
    description: str | None = None

    def allowed_failures(self, rows: int) -> int:
        """How many failing rows still pass, out of ``rows``."""
        allowed = 0
        if self.mostly is not None:
            allowed = max(allowed, int((1 - self.mostly) * rows + 1e-9))
        if self.max_failing_fraction is not None:
            allowed = max(allowed, int(self.max_failing_fraction * rows + 1e-9))
        if self.max_failing is not None:
            allowed = max(allowed, self.max_failing)
        return allowed

    def threshold_text(self) -> str | None:
        """``mostly 0.99`` / ``max_failing 10`` or None when all rows must pass."""
        parts = []
        if self.mostly is not None:
            parts.append(f"mostly {self.mostly:g}")
        if self.max_failing is not None:
            parts.append(f"max_failing {self.max_failing}")
        if self.max_failing_fraction is not None:
            parts.append(f"max_failing_fraction {self.max_failing_fraction:g}")
        return ", ".join(parts) or None


def _split_check_item(
    item: Any, catalogue: Mapping[str, CheckSignature], where: str
) -> dict[str, Any]:
    """``{in_range: {...}, severity: warn}`` → ``{check: in_range, kwargs: {...}, severity: warn}``."""
    if isinstance(item, str):
        item = {item: None}
    if not isinstance(item, Mapping):
        raise ValueError(
            f"a {where} check is a mapping like `- in_range: {{min_value: 0}}`, got {item!r}"
        )
    names = [k for k in item if k not in MODIFIERS]
    if len(names) != 1:
        if not names:
            raise ValueError(f"a {where} check needs a check name (one of: {', '.join(catalogue)})")
        raise ValueError(
            f"a {where} check item holds one check, got {len(names)}: {', '.join(map(str, names))}; "
            "start a new list item (`- `) for each"
        )
    name = str(names[0])
    canonical = ALIASES.get(name, name) if catalogue is COLUMN_CHECKS else name
    if canonical not in catalogue:
        raise ValueError(
            f"unknown {where} check {name!r}{did_you_mean(name, [*catalogue, *ALIASES])}; "
            f"known: {', '.join(catalogue)}"
        )
    kwargs = catalogue[canonical].normalise(item[name])
    out = {k: v for k, v in item.items() if k != name}
    out.update(check=canonical, kwargs=kwargs)
    return out


class ColumnCheck(_Thresholded):
    """One pandera-style check on a column, e.g. ``in_range: {min_value: 0, max_value: 10}``."""

    check: str
    kwargs: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "check" in data:
            return data
        return _split_check_item(data, COLUMN_CHECKS, "column")


class TableCheck(_Thresholded):
    """One table-level check, e.g. ``row_count: {min: 1000}``."""

    check: str
    kwargs: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "check" in data:
            return data
        return _split_check_item(data, TABLE_CHECKS, "table")


class ColumnSpec(_Strict):
    """What a column must be: its dtype, nullability, uniqueness, and checks."""

    dtype: str | None = Field(
        None, description="a Polars dtype name: int64, float64, string, bool, date, datetime, ..."
    )
    nullable: bool = Field(
        True, strict=True, description="false: nulls fail the `not_nullable` check"
    )
    unique: bool = Field(
        False, strict=True, description="true: duplicate values fail the `unique` check"
    )
    required: bool = Field(
        True, strict=True, description="false: a missing column is not a failure"
    )
    severity: Severity | None = Field(None, description="default severity of this column's checks")
    description: str | None = None
    checks: list[ColumnCheck] = Field(default_factory=list)

    @field_validator("dtype")
    @classmethod
    def _known_dtype(cls, value: str | None) -> str | None:
        if value is not None:
            from .._dtypes import parse_dtype

            near = _DTYPE_HINTS.get(value.strip().lower())
            try:
                parse_dtype(value)
            except ValueError:
                if near is None:
                    raise
                raise ValueError(f"unknown dtype {value!r}; write {near!r}") from None
        return value


class ExpectationSpec(_Strict):
    """A Great Expectations expectation by its GX name and kwargs, verbatim."""

    type: str = Field(description="the GX expectation name, e.g. expect_column_mean_to_be_between")
    kwargs: dict[str, Any] = Field(default_factory=dict)
    severity: Severity | None = None
    label: str | None = Field(None, alias="name")
    meta: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_expectation(self) -> ExpectationSpec:
        sigs = gx_expectation_signatures()
        if self.type not in sigs:
            raise ValueError(
                f"unknown Great Expectations expectation {self.type!r}{did_you_mean(self.type, sigs)}"
            )
        sig = sigs[self.type]
        known = {
            *sig["required"],
            *sig["optional"],
            "mostly",
            "result_format",
            "catch_exceptions",
            "meta",
        }
        unknown = [k for k in self.kwargs if k not in known]
        if unknown:
            raise ValueError(
                f"{self.type} has no kwarg {unknown[0]!r}{did_you_mean(unknown[0], known)}; "
                f"it takes: {', '.join(sorted({*sig['required'], *sig['optional']}))}"
            )
        missing = [k for k in sig["required"] if k not in self.kwargs]
        if missing:
            raise ValueError(
                f"{self.type} needs the kwarg{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}"
            )
        from ._gx_args import gx_kwarg_problems

        problems = gx_kwarg_problems(self.type, self.kwargs)
        if problems:  # the expectation's name leads: it says which item this is
            raise ValueError(f"{self.type}: invalid kwargs: " + "; ".join(problems))
        return self

    @property
    def column(self) -> str | None:
        """The column the expectation is about, if it names one."""
        col = self.kwargs.get("column")
        return str(col) if col is not None else None


class IncludeSpec(_Strict):
    """Suites users already have, run beside this one."""

    pandera: list[str] = Field(
        default_factory=list,
        description="pandera schemas: `path/to/file.py:Name`, `package.module:Name` or a pandera YAML file",
    )
    gx: list[str] = Field(default_factory=list, description="GX expectation-suite JSON files")

    @field_validator("pandera", "gx", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DataSpec(_Strict):
    """Where the suite's default data lives."""

    path: str | None = Field(None, description="a file, a glob, or a DuckDB database file")
    table: str | None = Field(None, description="a table in the DuckDB database at `path`")
    sql: str | None = Field(
        None, description="a DuckDB query (may read files: FROM 'data/*.parquet')"
    )
    format: Literal["parquet", "csv", "tsv", "json", "ndjson", "arrow", "duckdb"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, data: Any) -> Any:
        return {"path": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if not (self.path or self.sql):
            raise ValueError("data needs `path` (a file, glob or DuckDB database) or `sql`")
        return self


class Suite(_Strict):
    """A suite: the checks a dataset must pass, as declared in ``suites/NAME.yml``."""

    name: str = Field(description="the suite's name (defaults to the file name)")
    description: str | None = None
    data: DataSpec | None = Field(None, description="optional default data for this suite")
    severity: Severity = Field(Severity.BLOCK, description="default severity of every check")
    sample_size: int = Field(
        20, ge=0, le=10_000, strict=True, description="failing rows kept per check"
    )
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    checks: list[TableCheck] = Field(default_factory=list, description="table-level checks")
    expectations: list[ExpectationSpec] = Field(
        default_factory=list, description="GX expectations, verbatim"
    )
    include: IncludeSpec = Field(default_factory=IncludeSpec)
    drift: DriftSpec | None = Field(
        None, description="drift against a baseline profile (docs/profile.md)"
    )
    labels: LabelsSpec | None = Field(None, description="label-issue gate (docs/labeling.md)")
    coverage: list[CoverageRule] | None = Field(
        None, description="minimum rows per class or segment (docs/synth.md)"
    )
    anomaly: list[AnomalySpec] | None = Field(
        None, description="metrics judged against their own history (docs/history.md)"
    )

    @field_validator("columns", mode="before")
    @classmethod
    def _null_columns(cls, value: Any) -> Any:
        if isinstance(value, Mapping):  # `amount:` with nothing under it is a column with no checks
            return {k: ({} if v is None else v) for k, v in value.items()}
        return value

    def severity_of(self, spec: _Thresholded, column: ColumnSpec | None = None) -> Severity:
        """The check's own severity, else its column's, else the suite's."""
        return spec.severity or (column.severity if column else None) or self.severity


@functools.cache
def gx_expectation_signatures() -> dict[str, dict[str, list[str]]]:
    """GX expectation names with their required and optional kwargs, without importing GX.

    The list ships as ``gx_expectations.json`` (made from GX's registry; a test pins it).
    """
    text = resources.files("gates.suite").joinpath("gx_expectations.json").read_text("utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(text)["expectations"]
    return data
