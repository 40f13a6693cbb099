"""The dashboard's one chart: an inline SVG line chart, a point per run, anomaly bands shaded."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["VERDICTS", "chart", "short"]

#: The verdicts a run can have; each has its colour class (``v-pass`` …) in style.css.
VERDICTS = ("pass", "warn", "block", "error")
e = html.escape


def short(value: Any, limit: int = 80) -> str:
    """``value`` as at most ``limit`` characters (floats to 6 significant digits)."""
    if value is None:
        return ""
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart(
    values: Sequence[float | None],
    *,
    label: str,
    verdicts: Sequence[str] | None = None,
    bands: Sequence[tuple[float | None, float | None]] | None = None,
    anomalies: Sequence[bool] | None = None,
    times: Sequence[str] | None = None,
    width: int = 320,
    height: int = 110,
) -> str:
    """An inline SVG line chart: one point per run, coloured by verdict, with anomaly bands.

    Args:
        values: the metric per run, oldest first (``None``: not measured in that run).
        label: the chart's accessible name (``aria-label``), escaped.
        verdicts: each run's verdict (point colour).
        bands: each run's ``(lower, upper)`` anomaly band (``None``/infinite: open side).
        anomalies: whether the anomaly check flagged the run's value (a red ring).
        times: each run's time, for the points' tooltips.
        width: view-box width.
        height: view-box height.
    """
    pad_l, pad_r, pad_t, pad_b = 54, 8, 8, 16
    n = len(values)
    finite = [v for v in values if v is not None and math.isfinite(v)]
    for lo, hi in bands or ():
        finite += [b for b in (lo, hi) if b is not None and math.isfinite(b)]
    parts = [
        f'<svg class="chart" role="img" aria-label="{e(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if not finite or n == 0:
        parts.append(f'<text x="{pad_l}" y="{height / 2:.0f}">no values yet</text></svg>')
        return "".join(parts)
    low, high = min(finite), max(finite)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y(v: float) -> float:
        v = min(max(v, low), high)
        return pad_t + inner_h * (1 - (v - low) / (high - low))

    parts.append(
        f'<line class="axis" x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - pad_r}" '
        f'y2="{pad_t + inner_h}"/>'
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end">{e(short(high, 9))}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + inner_h}" text-anchor="end">{e(short(low, 9))}</text>'
    )
    if bands and any(b != (None, None) for b in bands):
        upper = [(x(i), y(hi if hi is not None else high)) for i, (_, hi) in enumerate(bands)]
        lower = [(x(i), y(lo if lo is not None else low)) for i, (lo, _) in enumerate(bands)]
        ring = upper + lower[::-1]
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in ring)
        parts.append(
            f'<polygon class="band" points="{points}"><title>anomaly band</title></polygon>'
        )
    line = [(x(i), y(v)) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if len(line) > 1:
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
        parts.append(f'<polyline class="line" points="{points}"/>')
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            continue
        verdict = verdicts[i] if verdicts else "none"
        flagged = bool(anomalies and anomalies[i])
        cls = f"pt v-{verdict if verdict in VERDICTS else 'none'}" + (" anomaly" if flagged else "")
        tip = f"{times[i] + ': ' if times else ''}{short(v, 24)}" + (
            f" ({verdict})" if verdicts else ""
        )
        if flagged:
            tip += " anomaly"
        parts.append(
            f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.2">'
            f"<title>{e(tip)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
