"""Durations and reference times in suites: ``max_age: 1d12h``, ``now: 2024-06-01T00:00:00Z``."""

from __future__ import annotations

import datetime as dt
import os
import re

__all__ = ["format_duration", "parse_duration", "parse_instant", "reference_time"]

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhms])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[wdhms]\s*)+$")

#: The environment variable that fixes "now" for freshness checks (``gates check --now`` sets it).
NOW_ENV = "GATES_NOW"


def parse_duration(text: object) -> dt.timedelta:
    """``"1d12h"`` → 36 hours. Units: w, d, h, m, s. Raises ``ValueError`` with the fix."""
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit (w, d, h, m, s), e.g. 1d, 12h, 1d12h, 90m"
        )
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return dt.timedelta(seconds=seconds)


def parse_instant(value: object) -> dt.datetime:
    """A date, a datetime or an ISO string as an aware UTC datetime (naive means UTC)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date or datetime; write ISO 8601, e.g. 2024-06-01T00:00:00Z"
            ) from None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise ValueError(f"{value!r} is not a date or datetime; write ISO 8601, e.g. 2024-06-01")


def reference_time(now: object = None) -> dt.datetime:
    """The check's ``now:``, else ``$GATES_NOW``, else the clock (UTC)."""
    if now is not None:
        return parse_instant(now)
    env = os.environ.get(NOW_ENV)
    if env:
        return parse_instant(env)
    return dt.datetime.now(dt.UTC)


def format_duration(delta: dt.timedelta) -> str:
    """``2d 3h 5m`` (to the second; negative ages are "in the future")."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n}{unit}")
    return sign + (" ".join(parts) or "0s")
