"""Accuracy and speed of `labeling.find_issues` (run: ``python -m benchmarks.labels_accuracy``).

Accuracy: 10% of labels of sklearn's breast_cancer, wine and digits are flipped uniformly at
random to another class; flagged *label* issues are compared with the flipped rows
(precision / recall / F1, 3 seeds), and the label-issue rate on the unflipped data is reported.
Speed: wall and CPU seconds of `find_issues` on a generated 100k x 20 mixed-type frame.
Prints a Markdown table and writes it to ``benchmarks/results/labels-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sklearn.datasets import load_breast_cancer, load_digits, load_wine

from labeling import find_issues

DATASETS: dict[str, Callable[..., Any]] = {
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "digits": load_digits,
}
RESULTS_DIR = Path(__file__).parent / "results"


def load(name: str) -> pl.DataFrame:
    """A sklearn-shipped dataset as a polars frame with a ``target`` column."""
    x, y = DATASETS[name](return_X_y=True)
    frame = pl.DataFrame(np.asarray(x), schema=[f"f{i}" for i in range(x.shape[1])], orient="row")
    return frame.with_columns(pl.Series("target", np.asarray(y, dtype=np.int64)))


def flip(frame: pl.DataFrame, *, rate: float, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """Flip ``rate`` of the labels, each to a uniformly random *other* class."""
    rng = np.random.default_rng(seed)
    y = frame.get_column("target").to_numpy().copy()
    k = int(y.max()) + 1
    rows = rng.choice(y.size, size=round(rate * y.size), replace=False)
    y[rows] = (y[rows] + rng.integers(1, k, size=rows.size)) % k
    return frame.with_columns(pl.Series("target", y)), rows


def score(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``flagged`` against ``truth`` (both bool arrays)."""
    tp = int((flagged & truth).sum())
    precision = tp / max(int(flagged.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def synthetic(n_rows: int, *, seed: int = 0) -> pl.DataFrame:
    """A mixed frame: 12 numeric (some nulls), 4 categorical, bool, datetime, id, text + label."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    for i in range(12):
        x = rng.normal(size=n_rows)
        if i % 4 == 0:
            x[rng.random(n_rows) < 0.05] = np.nan
        cols[f"num{i}"] = x
    for i in range(4):
        cols[f"cat{i}"] = rng.choice([f"L{j}" for j in range(5 + 10 * i)], size=n_rows)
    cols["flag"] = rng.random(n_rows) < 0.3
    start = dt.datetime(2020, 1, 1)
    cols["when"] = pl.datetime_range(
        start, start + dt.timedelta(minutes=n_rows - 1), "1m", eager=True
    )
    cols["id"] = np.arange(n_rows)
    words = np.array(
        ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"]
    )
    cols["note"] = [" ".join(w) for w in words[rng.integers(0, 10, size=(n_rows, 4))]]
    signal = np.nan_to_num(cols["num0"]) + cols["num1"] + (cols["cat0"] == "L1")
    y = np.digitize(signal + rng.normal(scale=0.5, size=n_rows), [-0.5, 0.8])
    cols["target"] = np.array(["low", "mid", "high"])[y]
    return pl.DataFrame(cols)


def accuracy(seeds: Sequence[int], **options: Any) -> tuple[list[str], float]:
    """Markdown rows for every dataset and seed, and the mean F1."""
    lines = [
        "| dataset | seed | rows | flipped | flagged | precision | recall | F1 | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    f1s: list[float] = []
    for name in DATASETS:
        clean = load(name)
        for seed in seeds:
            noisy, rows = flip(clean, rate=0.10, seed=seed)
            start = time.perf_counter()
            report = find_issues(noisy, "target", seed=seed, issue_types=("label",), **options)
            took = time.perf_counter() - start
            truth = np.zeros(noisy.height, dtype=bool)
            truth[rows] = True
            flagged = report.flags["label"]
            p, r, f1 = score(flagged, truth)
            f1s.append(f1)
            lines.append(
                f"| {name} | {seed} | {noisy.height} | {rows.size} | {int(flagged.sum())} "
                f"| {p:.3f} | {r:.3f} | {f1:.3f} | {took:.1f} |"
            )
    return lines, float(np.mean(f1s))


def clean_rates(**options: Any) -> list[str]:
    """Markdown rows: label-issue rate with no injected flips (every flag is a false alarm)."""
    lines = ["| dataset | rows | label-issue rate (no flips) |", "|---|---|---|"]
    for name in DATASETS:
        report = find_issues(load(name), "target", seed=0, issue_types=("label",), **options)
        lines.append(f"| {name} | {report.n_rows} | {report.rates['label']:.3f} |")
    return lines


def speed(n_rows: int) -> list[str]:
    """Markdown rows: wall and CPU seconds of a default `find_issues` on a synthetic frame."""
    frame = synthetic(n_rows)
    wall, cpu = time.perf_counter(), time.process_time()
    report = find_issues(frame, "target", seed=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rates = ", ".join(f"{t} {v:.3f}" for t, v in report.rates.items())
    lines = [
        "| rows x columns | wall s | CPU s | rates | notes |",
        "|---|---|---|---|---|",
        f"| {frame.height:,} x {frame.width - 1} | {wall:.1f} | {cpu:.1f} | {rates} "
        f"| {'; '.join(report.notes)} |",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the Markdown report and write it under benchmarks/results/."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.labels_accuracy")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=100_000, help="rows for the speed test")
    parser.add_argument("--model", choices=["hgb", "logistic"], default="hgb")
    parser.add_argument("--filter-by", default=None, help="override the default filter_by")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    options: dict[str, Any] = {"model": args.model}
    if args.filter_by:
        options["filter_by"] = args.filter_by
    acc, mean_f1 = accuracy(args.seeds, **options)
    out = [
        f"# labeling benchmark ({dt.date.today().isoformat()})",
        "",
        f"Python {platform.python_version()}, {platform.machine()}; options: {options or 'defaults'}",
        "",
        "## Label-issue detection, 10% uniformly random flips",
        "",
        *acc,
        "",
        f"**Mean F1: {mean_f1:.3f}** (target >= 0.75)",
        "",
        "## False alarms on the original labels",
        "",
        *clean_rates(**options),
    ]
    if not args.skip_speed:
        out += ["", "## Speed (all four issue types, default settings)", "", *speed(args.rows)]
    text = "\n".join(out) + "\n"
    print(text)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"labels-{dt.date.today().isoformat()}.md"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
