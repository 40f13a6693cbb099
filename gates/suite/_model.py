"""The suite as users declare it: a pydantic model of ``suites/NAME.yml``.

Every key is documented in docs/suites.md; ``gates suite schema`` prints the JSON Schema
that editors use to complete and check suite files.
"""

from __future__ import annotations

import dataclasses
import fractions
import functools
import json
import marshal
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
    "Level",
    "Suite",
    "TableCheck",
    "gx_expectation_signatures",
    "parse_level",
]

#: Keys that may sit beside a check's name in a check item.
MODIFIERS = (
    "severity",
    "mostly",
    "max_failing",
    "max_failing_fraction",
    "warn_if",
    "error_if",
    "where",
    "name",
    "description",
)

#: Table checks that judge a number (not failing rows): no ``warn_if``/``error_if``.
_NOT_ROW_LEVEL = {"row_count", "freshness", "columns_present", "unique_values_eq"}
#: Checks a ``where:`` filter has no meaning for (or that filter in their own SQL).
_NO_WHERE = {
    "columns_present": "it looks at the column names, not at rows",
    "query": "write the condition in the query's own WHERE",
}
_LEVEL = re.compile(r"\s*(>=|<=|==|!=|<>|>|<|=)\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*")
_LEVEL_FORMS = (
    "write a comparison and a number of failing rows or a share of the rows checked,"
    ' e.g. "> 10" or "> 0.1%" (operators > >= < <= = !=)'
)


@dataclasses.dataclass(frozen=True)
class Level:
    """A ``warn_if``/``error_if`` threshold: ``> 10`` failing rows, or ``> 0.1%`` of the rows."""

    op: str
    value: fractions.Fraction
    percent: bool
    text: str

    def crossed(self, failing: int, rows: int) -> bool:
        """Whether ``failing`` of ``rows`` crosses the threshold (exact arithmetic, no rounding)."""
        left = fractions.Fraction(failing * 100) if self.percent else fractions.Fraction(failing)
        right = self.value * rows if self.percent else self.value
        return {
            ">": left > right,
            ">=": left >= right,
            "<": left < right,
            "<=": left <= right,
            "=": left == right,
            "!=": left != right,
        }[self.op]


@functools.lru_cache(maxsize=1024)
def parse_level(text: str) -> Level:
    """``"> 0.1%"`` → a :class:`Level`; ``ValueError`` naming the accepted forms otherwise."""
    m = _LEVEL.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r} is not a threshold; {_LEVEL_FORMS}")
    op, number, percent = m.groups()
    op = {"==": "=", "<>": "!="}.get(op, op)
    value = fractions.Fraction(number)
    if not percent and value.denominator != 1:
        raise ValueError(
            f"{text!r}: a number of failing rows is a whole number; for a share write"
            f' "{op} {number}%" (percent of the rows checked)'
        )
    if percent and value > 100:
        raise ValueError(f"{text!r}: a share is at most 100%")
    return Level(op, value, bool(percent), f"{op} {number}{percent}")


#: dtype names found valid (a large suite repeats a few).
_VALID_DTYPES: set[str] = set()

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


def _valid_where(value: Any) -> Any:
    """A ``where:`` that parses (its columns are checked against the data when the run starts)."""
    if value is None:
        return value
    from ._where import WhereError, parse_where

    if not isinstance(value, str):
        raise ValueError(
            f"where is a SQL condition written as a string, got {value!r};"
            " quote it: where: \"status = 'open'\""
        )
    try:
        parse_where(value)
    except WhereError as exc:
        raise ValueError(f"invalid where {value!r}: {exc}") from None
    return value


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
    warn_if: str | None = Field(
        None,
        description='failing rows that make the check warn: "> 10" rows or "> 0.1%" of the rows checked',
    )
    error_if: str | None = Field(
        None,
        description='failing rows that make the check block: "> 100" rows or "> 1%" of the rows checked',
    )
    where: str | None = Field(
        None,
        description="a SQL condition: the check judges only the rows where it is true,"
        " e.g. \"status = 'hurricane'\"",
    )
    label: str | None = Field(None, alias="name", description="a display name for the check")
    description: str | None = None

    @field_validator("warn_if", "error_if", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        if value is None:
            return value
        if not isinstance(value, str):
            raise ValueError(
                f'a threshold is a string such as "> {value}", got {value!r}; {_LEVEL_FORMS}'
            )
        parse_level(value)
        return value

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, value: Any) -> Any:
        return _valid_where(value)

    @model_validator(mode="after")
    def _one_pass_rule(self) -> Any:
        if self.warn_if is None and self.error_if is None:
            return self
        rules = [
            k
            for k in ("mostly", "max_failing", "max_failing_fraction")
            if getattr(self, k) is not None
        ]
        if rules:
            raise ValueError(
                f"{rules[0]} and warn_if/error_if both set when the check fails; keep one"
                ' (mostly: 0.99 is error_if: "> 1%")'
            )
        if self.severity is not None:
            raise ValueError(
                "severity and warn_if/error_if both set the severity: with warn_if/error_if the"
                " threshold crossed decides (warn_if: warn, error_if: block); drop severity"
            )
        return self

    def levels(self) -> tuple[Level | None, Level | None]:
        """The parsed ``(warn_if, error_if)``."""
        return (
            parse_level(self.warn_if) if self.warn_if is not None else None,
            parse_level(self.error_if) if self.error_if is not None else None,
        )

    def _check_modifiers(self, check: str) -> None:
        """Modifiers that have no meaning for ``check``."""
        if check in _NOT_ROW_LEVEL and (self.warn_if or self.error_if):
            raise ValueError(
                f"{check} has no failing rows to count: warn_if/error_if apply to row-level checks"
                " (use severity: warn, or a second check with other bounds)"
            )
        if check in _NO_WHERE and self.where is not None:
            raise ValueError(f"{check} takes no where: {_NO_WHERE[check]}")

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
        warn, error = self.levels()
        if warn is not None:
            parts.append(f"warn_if {warn.text}")
        if error is not None:
            parts.append(f"error_if {error.text}")
        return ", ".join(parts) or None


_MODIFIER_SET = frozenset(MODIFIERS)


def _signature(name: str, catalogue: Mapping[str, CheckSignature]) -> CheckSignature | None:
    """The signature a check name (or a column check's alias) stands for, or None."""
    if catalogue is COLUMN_CHECKS:
        name = ALIASES.get(name, name)
    return catalogue.get(name)


def _split_check_item(
    item: Any, catalogue: Mapping[str, CheckSignature], where: str
) -> dict[str, Any]:
    """``{in_range: {...}, severity: warn}`` → ``{check: in_range, kwargs: {...}, severity: warn}``."""
    if type(item) is dict and len(item) == 1:  # `- in_range: {...}`: most items, fast
        ((name, args),) = item.items()
        if type(name) is str and name not in _MODIFIER_SET:
            sig = _signature(name, catalogue)
            if sig is not None:
                return {"check": sig.name, "kwargs": sig.normalise(args)}
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

    @model_validator(mode="after")
    def _modifiers_fit(self) -> ColumnCheck:
        self._check_modifiers(self.check)
        return self


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

    @model_validator(mode="after")
    def _modifiers_fit(self) -> TableCheck:
        self._check_modifiers(self.check)
        return self


#: Check items found valid, by their ``marshal`` bytes: the check's fields but ``kwargs``, its
#: fields set, and its ``kwargs`` marshalled (only valid ones: a problem's message is always
#: worked out afresh, in its place in the suite).
_KNOWN_CHECKS: dict[bytes, tuple[dict[str, Any], frozenset[str], bytes]] = {}
_KNOWN_MAX = 10_000


def _known_check(item: Any) -> Any:
    """The check a column's check item makes, when an identical item was found valid before.

    A large suite repeats a few check items thousands of times: each is validated once and
    then copied (as ``BaseModel.__copy__`` copies, with its own ``kwargs``). The key is the
    item's ``marshal`` bytes (version 2, no back-references): equal bytes are the same values
    of the same types (``1``, ``1.0`` and ``true`` differ; so do ``0.0`` and ``-0.0``), and an
    item holding anything else (a date, a numpy number) is not cached. Anything not cached
    is returned as it is, for pydantic to validate (and report) in its place.
    """
    try:
        key = marshal.dumps(item, 2)
    except ValueError:  # not only str, numbers, bools, None, bytes, lists and dicts
        return item
    known = _KNOWN_CHECKS.get(key)
    if known is None:
        try:
            check = ColumnCheck.model_validate(item)
        except ValidationError:
            return item
        fields = dict(check.__dict__)
        try:
            known = (
                fields,
                frozenset(check.__pydantic_fields_set__),
                marshal.dumps(fields.pop("kwargs"), 2),
            )
        except ValueError:
            return check
        if len(_KNOWN_CHECKS) < _KNOWN_MAX:
            _KNOWN_CHECKS[key] = known
    fields, fields_set, kwargs = known
    copy = ColumnCheck.__new__(ColumnCheck)
    values = fields.copy()
    values["kwargs"] = marshal.loads(kwargs)  # its own lists and dicts
    object.__setattr__(copy, "__dict__", values)
    object.__setattr__(copy, "__pydantic_extra__", None)
    object.__setattr__(copy, "__pydantic_fields_set__", set(fields_set))
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy


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
    coerce: bool | None = Field(
        None,
        strict=True,
        description="true: convert the column to `dtype` before any check reads it; values that"
        " do not convert fail the `dtype` check (default: the suite's `coerce`)",
    )
    severity: Severity | None = Field(None, description="default severity of this column's checks")
    description: str | None = None
    checks: list[ColumnCheck] = Field(default_factory=list)

    @field_validator("checks", mode="before")
    @classmethod
    def _known_checks(cls, value: Any) -> Any:
        if type(value) is list:
            return [_known_check(item) for item in value]
        return value

    @field_validator("dtype")
    @classmethod
    def _known_dtype(cls, value: str | None) -> str | None:
        if value is not None and value not in _VALID_DTYPES:
            from .._dtypes import parse_dtype

            near = _DTYPE_HINTS.get(value.strip().lower())
            try:
                parse_dtype(value)
            except ValueError:
                if near is None:
                    raise
                raise ValueError(f"unknown dtype {value!r}; write {near!r}") from None
            if len(_VALID_DTYPES) < 1_000:
                _VALID_DTYPES.add(value)
        return value

    @model_validator(mode="after")
    def _coerce_to_a_type(self) -> ColumnSpec:
        if self.coerce and self.dtype is None:
            raise ValueError("coerce: true needs a `dtype` to convert the column to; add one")
        if self.coerce and self.dtype is not None:
            from .._coerce import coerce_problem

            problem = coerce_problem(self.dtype)
            if problem:
                raise ValueError(problem)
        return self


class ExpectationSpec(_Strict):
    """A Great Expectations expectation by its GX name and kwargs, verbatim."""

    type: str = Field(description="the GX expectation name, e.g. expect_column_mean_to_be_between")
    kwargs: dict[str, Any] = Field(default_factory=dict)
    severity: Severity | None = None
    label: str | None = Field(None, alias="name")
    where: str | None = Field(
        None,
        description="a SQL condition: the expectation sees only the rows where it is true",
    )
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, value: Any) -> Any:
        return _valid_where(value)

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
        if self.where is not None and "row_condition" in self.kwargs:
            raise ValueError(
                f"{self.type}: where and kwargs.row_condition both filter the rows; keep one"
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
    coerce: bool = Field(
        False,
        strict=True,
        description="true: convert every column with a `dtype` to it before the checks (a"
        " column's own `coerce` wins)",
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
        """The check's own severity, else its column's, else the suite's.

        A check with ``warn_if``/``error_if`` is at most ``block`` when it has an ``error_if``,
        else ``warn`` (the result's severity is the threshold it crossed).
        """
        warn_if, error_if = getattr(spec, "warn_if", None), getattr(spec, "error_if", None)
        if warn_if is not None or error_if is not None:
            return Severity.BLOCK if error_if is not None else Severity.WARN
        return spec.severity or (column.severity if column else None) or self.severity


@functools.cache
def gx_expectation_signatures() -> dict[str, dict[str, list[str]]]:
    """GX expectation names with their required and optional kwargs, without importing GX.

    The list ships as ``gx_expectations.json`` (made from GX's registry; a test pins it).
    """
    text = resources.files("gates.suite").joinpath("gx_expectations.json").read_text("utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(text)["expectations"]
    return data
