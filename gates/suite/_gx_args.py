"""GX expectation kwargs checked at load: the types GX would refuse only when it runs.

Two layers:

- hand-written rules for the kwargs most suites use (columns, ``mostly``, bounds, value sets,
  flags, regexes), with hints on what to write instead;
- for every other kwarg of every expectation, the type GX itself declares: the pydantic fields
  of GX's expectation classes (``ExpectColumnMeanToBeBetween.__fields__``), reduced to the
  JSON/YAML kinds a suite can hold and shipped as ``gx_kwarg_types.json`` so that loading a
  suite never imports GX. ``python -m gates.suite._gx_args`` rewrites the file from the
  installed GX; ``tests/hostile/test_gx_kwarg_types.py`` pins it.

Kinds: ``number`` (int or float), ``int``, ``string``, ``bool``, ``date``/``datetime`` (a YAML
date or ISO text), ``list``, ``list[string]``, ``mapping`` (a plain dict field, or a GX object
such as a row condition), ``param`` (GX's ``dict`` alternative for a suite parameter,
``{"$PARAMETER": ...}``), ``null``, ``any`` and ``{"one of": [...]}`` (a ``Literal``/``Enum``).
A value no kind of its kwarg accepts is a problem. Booleans are never numbers, text is never
a number: GX's pydantic would coerce ``"5"`` or ``true`` into a bound; a suite should not.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import re
import typing
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, TypeGuard

from ._args import describe_value

__all__ = ["derive_kwarg_types", "gx_kwarg_problems", "gx_kwarg_types"]

_BOUND_PAIRS = (("min_value", "max_value"), ("min", "max"))
_FLAGS = ("strict_min", "strict_max", "parse_strings_as_datetimes", "ignore_row_if_any_null")
#: Kwargs every expectation takes, typed too (``result_format`` is left to GX: a name or a dict).
_COMMON = ("mostly", "catch_exceptions", "meta")
_FILE = "gx_kwarg_types.json"

Kind = str | dict[str, list[Any]]


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- the table: derived from GX's classes, read from the shipped file ---------------------


def _kinds_of(annotation: Any, *, in_union: bool = False) -> list[Kind]:
    """The suite value kinds a GX field annotation accepts (pydantic v1 types, as GX uses)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _kinds_of(args[0], in_union=in_union)
    if origin is typing.Union:
        members = [a for a in args if a is not type(None)]
        out: list[Kind] = []
        for member in members:
            for kind in _kinds_of(member, in_union=len(members) > 1):
                if kind not in out:
                    out.append(kind)
        if len(members) < len(args):
            out.append("null")
        return out
    if origin is typing.Literal:
        return [{"one of": [a.value if isinstance(a, enum.Enum) else a for a in args]}]
    if origin in (list, set, tuple, frozenset, Sequence, typing.Sequence) or annotation in (
        list,
        set,
        tuple,
    ):
        if args and args[0] is not Any and _kinds_of(args[0]) == ["string"]:
            return ["list[string]"]
        return ["list"]
    if annotation is Any:
        return ["any"]
    if not isinstance(annotation, type):
        return ["any"]
    if issubclass(annotation, enum.Enum):
        return [{"one of": [m.value for m in annotation]}]
    if issubclass(annotation, bool):
        return ["bool"]
    if issubclass(annotation, int):
        return ["int"]
    if issubclass(annotation, float):
        return ["number"]
    if issubclass(annotation, str):
        return ["string"]
    if issubclass(annotation, dt.datetime):
        return ["datetime"]
    if issubclass(annotation, dt.date):
        return ["date"]
    if issubclass(annotation, dict):
        return ["param"] if in_union else ["mapping"]
    if hasattr(annotation, "__fields__") or hasattr(annotation, "model_fields"):
        return ["mapping"]  # a GX object (a row condition, a quantile range): given as a mapping
    return ["any"]


def derive_kwarg_types() -> dict[str, dict[str, list[Kind]]]:
    """Every known expectation's kwargs with the kinds GX's own pydantic fields accept.

    Imports GX (slow); used to write ``gx_kwarg_types.json`` and by the test that pins it.
    """
    from great_expectations.expectations.registry import get_expectation_impl

    from ._model import gx_expectation_signatures

    table: dict[str, dict[str, list[Kind]]] = {}
    for name, sig in sorted(gx_expectation_signatures().items()):
        fields = {(f.alias or key): f for key, f in get_expectation_impl(name).__fields__.items()}
        kinds: dict[str, list[Kind]] = {}
        for kwarg in sorted({*sig["required"], *sig["optional"], *_COMMON}):
            field = fields.get(kwarg)
            if field is not None:
                found = _kinds_of(field.outer_type_)
                if not field.required and field.default is None and "null" not in found:
                    found.append("null")  # pydantic v1: Optional by a None default
                kinds[kwarg] = found
        table[name] = kinds
    return table


@functools.cache
def gx_kwarg_types() -> dict[str, dict[str, list[Kind]]]:
    """The shipped table (``gx_kwarg_types.json``), without importing GX."""
    text = resources.files("gates.suite").joinpath(_FILE).read_text("utf-8")
    data: dict[str, dict[str, list[Kind]]] = json.loads(text)["expectations"]
    return data


# --- checking a value against its kinds ----------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ].*)?$")


def _iso(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        return False
    try:
        dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _accepts(kind: Kind, value: Any) -> bool:
    if isinstance(kind, dict):
        return any(value == v and type(value) is type(v) for v in kind["one of"])
    if kind == "any":
        return True
    if kind == "null":
        return value is None
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return _number(value)
    if kind == "string":
        return isinstance(value, str)
    if kind in ("date", "datetime"):
        return isinstance(value, dt.date) or _iso(value)
    if kind == "list":
        return isinstance(value, list)
    if kind == "list[string]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "mapping":
        return isinstance(value, Mapping)
    if kind == "param":
        return isinstance(value, Mapping) and "$PARAMETER" in value
    return True


_SAY = {
    "number": "a number",
    "int": "a whole number",
    "string": "text",
    "bool": "true or false",
    "date": "a date",
    "datetime": "a datetime (ISO text)",
    "list": "a list",
    "list[string]": "a list of strings",
    "mapping": "a mapping",
    "param": 'a suite parameter {"$PARAMETER": ...}',
    "null": "empty (null)",
}


def _expected(kinds: Sequence[Kind]) -> str:
    words = [
        "one of " + ", ".join(map(repr, k["one of"])) if isinstance(k, dict) else _SAY.get(k, k)
        for k in kinds
        if k not in ("any", "param")  # GX's suite parameters are not a suite value to suggest
    ]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# --- the problems ----------------------------------------------------------------------------


def _hand_written(kind: str, kwargs: Mapping[str, Any]) -> dict[str, str]:
    """The rules with hints: kwarg -> problem."""
    out: dict[str, str] = {}
    for key in ("column", "column_A", "column_B"):
        if key in kwargs and not isinstance(kwargs[key], str):
            hint = (
                "; for several columns use an expectation that takes column_list"
                if isinstance(kwargs[key], list)
                else ""
            )
            out[key] = f"{key} is one column name, got {describe_value(kwargs[key])}{hint}"
    if "column_list" in kwargs:
        cols = kwargs["column_list"]
        if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
            out["column_list"] = (
                f"column_list is a list of column names, got {describe_value(cols)}"
            )
    if "mostly" in kwargs:
        m = kwargs["mostly"]
        if not _number(m) or not 0 <= m <= 1:
            out["mostly"] = f"mostly is a share of rows from 0 to 1, got {describe_value(m)}"
    for lo_key, hi_key in _BOUND_PAIRS:
        lo, hi = kwargs.get(lo_key), kwargs.get(hi_key)
        for key, v in ((lo_key, lo), (hi_key, hi)):
            if isinstance(v, bool | list | dict):
                out[key] = f"{key} is one number or date, got {describe_value(v)}"
        if _number(lo) and _number(hi) and lo > hi:
            out.setdefault(lo_key, f"{lo_key} {lo!r} is greater than {hi_key} {hi!r}; swap them")
    if "value_set" in kwargs and not isinstance(kwargs["value_set"], list):
        v = kwargs["value_set"]
        out["value_set"] = (
            f"value_set is a list of values, got {describe_value(v)}; write `[{v}]`"
            if isinstance(v, str | int | float)
            else f"value_set is a list of values, got {describe_value(v)}"
        )
    for key in _FLAGS:
        if key in kwargs and not isinstance(kwargs[key], bool):
            out[key] = f"{key} is true or false, got {describe_value(kwargs[key])}"
    if "regex" in kwargs:
        rx = kwargs["regex"]
        if not isinstance(rx, str):
            out["regex"] = f"regex is a string, got {describe_value(rx)}; quote it"
        else:
            try:  # GX runs Python's re
                re.compile(rx)
            except re.error as exc:
                out["regex"] = f"regex {rx!r} is not a valid pattern ({exc}); fix it"
    if "regex_list" in kwargs:
        rxs = kwargs["regex_list"]
        if not isinstance(rxs, list) or not all(isinstance(r, str) for r in rxs):
            out["regex_list"] = f"regex_list is a list of strings, got {describe_value(rxs)}"
    if "value" in kwargs and kind.startswith("expect_table_row_count_to_equal"):
        v = kwargs["value"]
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            out["value"] = (
                f"value is a number of rows (a whole number >= 0), got {describe_value(v)}"
            )
    return out


def gx_kwarg_problems(kind: str, kwargs: Mapping[str, Any]) -> list[str]:
    """Every problem with an expectation's kwargs that needs no data (empty when fine)."""
    out = _hand_written(kind, kwargs)
    types = gx_kwarg_types().get(kind, {})
    for key, value in kwargs.items():
        kinds = types.get(key)
        if key in out or not kinds or any(_accepts(k, value) for k in kinds):
            continue
        out[key] = f"{key} is {_expected(kinds)}, got {describe_value(value)}"
    return list(out.values())


def _write(path: str) -> None:  # pragma: no cover - run by hand after a GX upgrade
    from importlib import metadata

    doc = {
        "source": f"great-expectations {metadata.version('great-expectations')}: the pydantic "
        "fields of each expectation class (python -m gates.suite._gx_args)",
        "expectations": derive_kwarg_types(),
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":  # pragma: no cover
    import sys
    from pathlib import Path

    _write(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name(_FILE)))
