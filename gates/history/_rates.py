"""Detection and false-alarm rates of the anomaly detectors on synthetic daily series.

``python -m gates.history._rates [--seeds 300]`` prints the table in docs/history.md: our four
methods beside Deequ's two published detectors, ``OnlineNormalStrategy`` (running mean and
population standard deviation including the current point, factor 3, anomalies left out of
the running statistics, the first 10 % of points ignored) and ``RateOfChangeStrategy``
(absolute change against the previous point), implemented as in Deequ's source.

Each series is 60 days of ``1000 · (1 + N(0, 0.02))``; the anomaly starts at day 40:

* ``step``: from day 40 on, the feed delivers 70 % (detected: an alarm on day 40);
* ``spike``: day 40 alone is 130 % (detected: an alarm on day 40);
* ``drift``: from day 40, +1 % a day (detected: any alarm on days 40-59);
* ``seasonal``: weekends (day % 7 in 5, 6) are 60 % every week; day 43, a weekday, is 60 %
  too (detected: an alarm on day 43).

False alarms are alarms on normal days from day 10 (every detector has learnt by then) up to
the anomaly, over all normal days (for ``seasonal``: every day but 43). Our detectors learn as
the gate does: from the newest 30 past values that were not alarms (``seasonal``: the newest
10 on the same weekday, at least 3; the others at least 5).
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

from ._detectors import judge

__all__ = ["SCENARIOS", "deequ_online_normal", "deequ_rate_of_change", "rates", "table"]

SCENARIOS = ("step", "spike", "drift", "seasonal")
_DAYS, _ONSET, _WARM = 60, 40, 10


def series(scenario: str, rng: np.random.Generator) -> tuple[list[float], set[int]]:
    """One synthetic series and the days that count as a detection."""
    x = 1000 * (1 + rng.normal(0, 0.02, _DAYS))
    if scenario == "step":
        x[_ONSET:] *= 0.7
        return list(x), {_ONSET}
    if scenario == "spike":
        x[_ONSET] *= 1.3
        return list(x), {_ONSET}
    if scenario == "drift":
        x[_ONSET:] *= 1 + 0.01 * np.arange(1, _DAYS - _ONSET + 1)
        return list(x), set(range(_ONSET, _DAYS))
    if scenario == "seasonal":
        weekend = np.array([d % 7 in (5, 6) for d in range(_DAYS)])
        x[weekend] *= 0.6
        x[43] *= 0.6
        return list(x), {43}
    raise ValueError(f"unknown scenario {scenario!r}; use one of {', '.join(SCENARIOS)}")


def deequ_online_normal(values: Sequence[float], factor: float = 3.0) -> list[bool]:
    """Deequ's OnlineNormalStrategy, judged as each point arrives (the last point of the prefix)."""
    out = []
    for end in range(1, len(values) + 1):
        mean = var = sn = 0.0
        skip = end * 0.1
        last_flag = False
        for i, v in enumerate(values[:end]):
            last_mean, last_var, last_sn = mean, var, sn
            mean = v if i == 0 else last_mean + (v - last_mean) / (i + 1)
            sn += (v - last_mean) * (v - mean)
            var = sn / (i + 1)
            sd = math.sqrt(var)
            anomalous = i >= skip and not (mean - factor * sd <= v <= mean + factor * sd)
            if anomalous:
                mean, var, sn = last_mean, last_var, last_sn
            last_flag = anomalous
        out.append(last_flag)
    return out


def deequ_rate_of_change(values: Sequence[float], max_change: float = 200.0) -> list[bool]:
    """Deequ's RateOfChangeStrategy (absolute change of order 1): ``|x_t - x_(t-1)| > max``."""
    return [False] + [abs(b - a) > max_change for a, b in itertools.pairwise(values)]


def _ours(method: str, **settings: float) -> Callable[[Sequence[float]], list[bool]]:
    def detect(values: Sequence[float]) -> list[bool]:
        flags: list[bool] = []
        kept: list[tuple[int, float]] = []  # (day, value) of past days that were not alarms
        for day, v in enumerate(values):
            if method == "seasonal":
                past = [x for d, x in kept if d % 7 == day % 7][-10:]
                enough = len(past) >= 3
            else:
                past = [x for _, x in kept][-30:]
                enough = len(past) >= 5
            alarm = enough and not judge(method, past, v, **settings).passed
            flags.append(alarm)
            if not alarm:
                kept.append((day, v))
        return flags

    return detect


#: The detectors compared: name → function from a series to one alarm flag per day.
DETECTORS: dict[str, Callable[[Sequence[float]], list[bool]]] = {
    "mad (3.5)": _ours("mad"),
    "zscore (3)": _ours("zscore"),
    "change (±20 %)": _ours("change", threshold=0.2),
    "seasonal (3.5, weekday)": _ours("seasonal"),
    "Deequ OnlineNormal (3)": deequ_online_normal,
    "Deequ RateOfChange (±200)": deequ_rate_of_change,
}


def rates(seeds: int = 300) -> dict[str, dict[str, tuple[float, float]]]:
    """``{detector: {scenario: (detection rate, false-alarm rate)}}`` over ``seeds`` series each."""
    out: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in DETECTORS}
    for scenario in SCENARIOS:
        cases = [series(scenario, np.random.default_rng(seed)) for seed in range(seeds)]
        for name, detect in DETECTORS.items():
            hits = alarms = normal = 0
            for values, targets in cases:
                flags = detect(values)
                hits += any(flags[d] for d in targets)
                end = _DAYS if scenario == "seasonal" else _ONSET
                days = [d for d in range(_WARM, end) if d not in targets]
                alarms += sum(flags[d] for d in days)
                normal += len(days)
            out[name][scenario] = (hits / seeds, alarms / normal)
    return out


def table(seeds: int = 300) -> str:
    """The Markdown table: detection rate / false-alarm rate per detector and scenario."""
    found = rates(seeds)
    head = "| detector | " + " | ".join(SCENARIOS) + " |"
    lines = [head, "|---|" + "---|" * len(SCENARIOS)]
    for name, by in found.items():
        cells = [f"{by[s][0]:.0%} / {by[s][1]:.1%}" for s in SCENARIOS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (detection rate / false-alarm rate)."""
    parser = argparse.ArgumentParser(prog="python -m gates.history._rates")
    parser.add_argument("--seeds", type=int, default=300)
    args = parser.parse_args(argv)
    print(table(args.seeds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
