"""GX expectation kwargs checked at load: the types GX would refuse only when it runs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from ._args import describe_value

__all__ = ["gx_kwarg_problems"]

_BOUND_PAIRS = (("min_value", "max_value"), ("min", "max"))
_FLAGS = ("strict_min", "strict_max", "parse_strings_as_datetimes", "ignore_row_if_any_null")


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def gx_kwarg_problems(kind: str, kwargs: Mapping[str, Any]) -> list[str]:
    """Every problem with an expectation's kwargs that needs no data (empty when fine)."""
    out: list[str] = []
    for key in ("column", "column_A", "column_B"):
        if key in kwargs and not isinstance(kwargs[key], str):
            hint = (
                "; for several columns use an expectation that takes column_list"
                if isinstance(kwargs[key], list)
                else ""
            )
            out.append(f"{key} is one column name, got {describe_value(kwargs[key])}{hint}")
    if "column_list" in kwargs:
        cols = kwargs["column_list"]
        if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
            out.append(f"column_list is a list of column names, got {describe_value(cols)}")
    if "mostly" in kwargs:
        m = kwargs["mostly"]
        if not _number(m) or not 0 <= m <= 1:
            out.append(f"mostly is a share of rows from 0 to 1, got {describe_value(m)}")
    for lo_key, hi_key in _BOUND_PAIRS:
        lo, hi = kwargs.get(lo_key), kwargs.get(hi_key)
        for key, v in ((lo_key, lo), (hi_key, hi)):
            if isinstance(v, bool | list | dict):
                out.append(f"{key} is one number or date, got {describe_value(v)}")
        if _number(lo) and _number(hi) and lo > hi:
            out.append(f"{lo_key} {lo!r} is greater than {hi_key} {hi!r}; swap them")
    for key in ("value_set",):
        if key in kwargs and not isinstance(kwargs[key], list):
            v = kwargs[key]
            out.append(
                f"{key} is a list of values, got {describe_value(v)}; write `[{v}]`"
                if isinstance(v, str | int | float)
                else f"{key} is a list of values, got {describe_value(v)}"
            )
    for key in _FLAGS:
        if key in kwargs and not isinstance(kwargs[key], bool):
            out.append(f"{key} is true or false, got {describe_value(kwargs[key])}")
    if "regex" in kwargs:
        rx = kwargs["regex"]
        if not isinstance(rx, str):
            out.append(f"regex is a string, got {describe_value(rx)}; quote it")
        else:
            try:  # GX runs Python's re
                re.compile(rx)
            except re.error as exc:
                out.append(f"invalid regex {rx!r}: {exc}; fix the pattern")
    if "regex_list" in kwargs:
        rxs = kwargs["regex_list"]
        if not isinstance(rxs, list) or not all(isinstance(r, str) for r in rxs):
            out.append(f"regex_list is a list of strings, got {describe_value(rxs)}")
    if "value" in kwargs and kind.startswith("expect_table_row_count_to_equal"):
        v = kwargs["value"]
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            out.append(f"value is a number of rows (a whole number >= 0), got {describe_value(v)}")
    return out
