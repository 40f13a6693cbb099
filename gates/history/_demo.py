"""A realistic run history from the bundled sample data: one gate run per day, a feed that drops.

``python -m gates.history._demo DIR [--days 14] [--drop-day N] [--rows 5000] [--seed 7]``
writes into ``DIR``:

* ``feed/orders-YYYY-MM-DD.parquet``: one clean orders file per day (``gates._sample``),
  its row count ``rows`` ± 2 % (seeded noise); on the drop day the feed delivers 40 %;
* ``orders-feed.yml``: a suite with column checks and an ``anomaly:`` section;
* ``ledger.duckdb`` and ``ledger.history.duckdb``: every day's run, checked in day order and
  recorded as having run at 06:00 UTC on its day, so the anomaly checks of each day learn
  from the days before it.

It prints one line per day. The drop day (default: the last) is blocked by
``anomaly::row_count``; every other day passes. ``DIR`` must be empty or new (``--force``
to write into a folder that has files).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SUITE", "DemoDay", "write_series"]

#: The demo's suite: what each day is checked against.
SUITE = """\
# yaml-language-server: $schema=../docs/suite.schema.json
# The daily orders feed (python -m gates.history._demo); docs/history.md explains every key.
name: orders-feed
columns:
  order_id: {dtype: int64, nullable: false, unique: true}
  amount:
    checks:
      - in_range: {min_value: 0, max_value: 10000}
  status:
    checks:
      - isin: {allowed_values: [new, paid, shipped, delivered, returned]}
anomaly:
  - metric: row_count                 # robust z-score on the median absolute deviation
    scope: suite                      # a new file every day: learn from every run of the suite
  - metric: amount.mean               # relative change against the last passing run
    method: change
    max_increase: 0.2
    max_decrease: 0.2
    scope: suite
  - metric: "amount::in_range.failing_fraction"
    method: zscore
    scope: suite
    severity: warn
"""

#: Share of the usual rows the feed delivers on the drop day.
DROP_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class DemoDay:
    """One simulated day: its file, its run and what the row-count anomaly check said."""

    day: dt.date
    path: Path
    rows: int
    verdict: str
    run_id: str
    #: ``anomaly::row_count``'s message.
    anomaly: str


def write_series(
    folder: str | Path,
    *,
    days: int = 14,
    drop_day: int | None = None,
    rows: int = 5000,
    seed: int = 7,
    end: dt.date | None = None,
    force: bool = False,
) -> list[DemoDay]:
    """Write ``days`` daily files, check each in order and record the runs; see the module doc.

    Args:
        folder: Where to write (created; must hold no files unless ``force``).
        days: How many daily runs (at least 2).
        drop_day: 1-based day whose feed drops to 40 % (default: the last; 0: no drop).
        rows: The usual rows per day (at least 200).
        seed: Seed of the noise and of the sample data; the same seed gives the same files.
        end: The last day (default: yesterday, UTC), so every run lies in the past.
        force: Write into a folder that already has files (the ledger is appended to).

    Returns:
        One :class:`DemoDay` per day, oldest first.

    Raises:
        ValueError: Bad ``days``/``rows``/``drop_day``, or ``folder`` has files and not ``force``.
    """
    from .._runner import check
    from .._sample import make_orders
    from ..ledger import record_result
    from ._paths import history_for

    if days < 2 or rows < 200:
        raise ValueError(f"days must be >= 2 and rows >= 200, got days={days}, rows={rows}")
    drop = days if drop_day is None else drop_day
    if not 0 <= drop <= days:
        raise ValueError(f"drop_day must be between 0 (no drop) and days ({days}), got {drop}")
    out = Path(folder)
    if out.exists() and any(out.iterdir()) and not force:
        raise ValueError(f"{out} already has files; pick an empty folder or pass --force")
    (out / "feed").mkdir(parents=True, exist_ok=True)
    suite = out / "orders-feed.yml"
    suite.write_text(SUITE, encoding="utf-8")
    ledger = out / "ledger.duckdb"
    last = end or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1))
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 0.02, days)
    results: list[DemoDay] = []
    for i in range(days):
        day = last - dt.timedelta(days=days - 1 - i)
        n = round(rows * (1 + noise[i]) * (DROP_SHARE if i + 1 == drop else 1.0))
        path = out / "feed" / f"orders-{day.isoformat()}.parquet"
        make_orders(n, seed=seed + i, clean=True).write_parquet(path)
        result = check(str(path), suite, history=history_for(ledger))
        when = dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC)
        took = result.finished_at - result.started_at
        result = dataclasses.replace(result, started_at=when, finished_at=when + took)
        record_result(result, ledger)
        anomaly = next(c for c in result.checks if c.id == "anomaly::row_count")
        results.append(
            DemoDay(day, path, n, result.verdict.value, result.run_id, anomaly.message or "")
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gates.history._demo DIR``: print one line per day; exit 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m gates.history._demo", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--drop-day", type=int, default=None, help="1-based; 0: no drop")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        series = write_series(
            args.folder,
            days=args.days,
            drop_day=args.drop_day,
            rows=args.rows,
            seed=args.seed,
            force=args.force,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for d in series:
        print(f"{d.day}  {d.rows:>6,} rows  {d.verdict:<5}  {d.anomaly}")
    print(f"wrote {len(series)} runs to {args.folder / 'ledger.duckdb'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
