"""Shared helpers of the peer conformance runners: tagged values, suite text, the tally."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import json
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

#: Outcome kinds of one peer case on one backend.
AGREE, DIVERGE, INEXPRESSIBLE = "agree", "disagree-with-reason", "not expressible"
KINDS = (AGREE, DIVERGE, INEXPRESSIBLE)

#: What a check the Spark backend does not translate says (gates/backends/_spark.py).
NOT_ON_SPARK = "not translated"


class Inexpressible(Exception):
    """A peer case datagates' suite language cannot state (the message says why)."""


def decode(value: Any) -> Any:
    """The Python value of an extracted (tagged) value."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith("$"):
            ((tag, raw),) = value.items()
            return {
                "$bytes": lambda r: base64.b64decode(r),
                "$date": dt.date.fromisoformat,
                "$datetime": dt.datetime.fromisoformat,
                "$time": dt.time.fromisoformat,
                "$timedelta": lambda r: dt.timedelta(*r),
                "$decimal": decimal.Decimal,
                "$regex": lambda r: r,
            }[tag](raw)
        return {k: decode(v) for k, v in value.items()}
    return value


def yaml_value(value: Any) -> str:
    """``value`` as suite YAML (flow style); raises :class:`Inexpressible` for what YAML lacks."""
    if value is None or isinstance(value, bool | int | float | str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith("$"):
            ((tag, raw),) = value.items()
            if tag == "$bytes":
                return f"!!binary {raw}"
            if tag in ("$date", "$datetime"):
                return str(raw)
            if tag == "$regex":
                return json.dumps(raw)  # a compiled pattern is written as its pattern text
            if tag == "$decimal":
                return str(raw)  # a suite has no decimal literal: the number it stands for
            if tag == "$time":
                raise Inexpressible("a suite has no time-of-day literal (YAML has none)")
            if tag == "$timedelta":
                raise Inexpressible("a suite has no duration literal for a check argument")
        return "{" + ", ".join(f"{json.dumps(k)}: {yaml_value(v)}" for k, v in value.items()) + "}"
    raise Inexpressible(f"no YAML form for {type(value).__name__}")


@dataclasses.dataclass
class Tally:
    """Per-peer counts for the summary line: every case lands in exactly one bucket per backend."""

    peer: str
    outcomes: dict[tuple[str, str], tuple[str, str]] = dataclasses.field(default_factory=dict)

    def add(self, case: str, backend: str, kind: str, reason: str = "") -> None:
        assert kind in KINDS, kind
        assert kind == AGREE or reason, f"{case} on {backend}: {kind} needs a reason"
        self.outcomes[(case, backend)] = (kind, reason)

    def counts(self) -> Counter[str]:
        return Counter(kind for kind, _ in self.outcomes.values())

    def line(self) -> str:
        cases = {c for c, _ in self.outcomes}
        per = self.counts()
        backends = sorted({b for _, b in self.outcomes})
        return (
            f"{self.peer}: {len(cases)} cases x {len(backends)} backends ({', '.join(backends)}):"
            f" {per[AGREE]} agree, {per[DIVERGE]} disagree-with-reason,"
            f" {per[INEXPRESSIBLE]} not expressible"
        )

    def backend_lines(self) -> list[str]:
        """One line per backend: the same three buckets, for that backend's cases."""
        per: dict[str, Counter[str]] = {}
        for (_, backend), (kind, _) in self.outcomes.items():
            per.setdefault(backend, Counter())[kind] += 1
        return [
            f"  {b}: {n[AGREE]} agree, {n[DIVERGE]} disagree-with-reason,"
            f" {n[INEXPRESSIBLE]} not expressible"
            for b, n in sorted(per.items())
        ]

    def dump(self) -> list[list[str]]:
        """The outcomes as JSON-able rows (an xdist worker hands them to the controller)."""
        return [[c, b, k, r] for (c, b), (k, r) in self.outcomes.items()]


#: Filled by the runners, printed by conftest.py at the end of the session.
TALLIES: dict[str, Tally] = {}


def tally(peer: str) -> Tally:
    return TALLIES.setdefault(peer, Tally(peer))
