"""Does synthetic fill help? And how fast is it?

Run: ``python -m benchmarks.synth_help`` (``--seeds N``, ``--speed-rows N``, ``--no-speed``).

1. Help: sklearn's shipped breast-cancer set (569 rows, 30 features). Per seed, a stratified
   70/30 split; in the training part the minority class (malignant) is cut to 5% of rows.
   The same HistGradientBoosting model is trained on real-only, real-only with balanced class
   weights, and real + synthetic (minority filled to parity with ``synth.fill``), and tested on
   the untouched held-out real rows. Reported: balanced accuracy and minority recall (mean ±
   sd over seeds), the SDMetrics quality score and the DCR distribution of the fill.
2. Speed: ``synth.fill`` (Gaussian copula, fit + fill 5,000 rows, scoring included) on a
   generated 50,000 x 15 table.

Prints a Markdown table and writes ``benchmarks/results/synth-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

import synth

RESULTS = Path(__file__).parent / "results"
MINORITY_SHARE = 0.05
LABEL = "diagnosis"
MINORITY = "malignant"


def load_cancer() -> pl.DataFrame:
    """The breast-cancer set shipped with scikit-learn, label as a string column."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    names = [n.replace(" ", "_") for n in data.feature_names]
    frame = pl.DataFrame(data.data, schema=names, orient="row")
    labels = np.where(data.target == 0, MINORITY, "benign")
    return frame.with_columns(pl.Series(LABEL, labels))


def imbalanced_split(data: pl.DataFrame, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Stratified 70/30 split, then the training minority cut to ``MINORITY_SHARE``."""
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(
        np.arange(data.height), test_size=0.3, stratify=data[LABEL].to_numpy(), random_state=seed
    )
    train, test = data[train_idx.tolist()], data[test_idx.tolist()]
    major = train.filter(pl.col(LABEL) != MINORITY)
    keep = round(MINORITY_SHARE / (1 - MINORITY_SHARE) * major.height)
    minor = train.filter(pl.col(LABEL) == MINORITY).sample(keep, seed=seed)
    return pl.concat([major, minor]).sample(fraction=1.0, shuffle=True, seed=seed), test


def evaluate(
    train: pl.DataFrame, test: pl.DataFrame, seed: int, *, balanced: bool = False
) -> tuple[float, float]:
    """Balanced accuracy and minority recall of HistGradientBoosting on the held-out rows."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import balanced_accuracy_score, recall_score

    features = [c for c in train.columns if c not in (LABEL, "is_synthetic")]
    model = HistGradientBoostingClassifier(
        random_state=seed, class_weight="balanced" if balanced else None
    )
    model.fit(train.select(features).to_numpy(), train[LABEL].to_numpy())
    predicted = model.predict(test.select(features).to_numpy())
    truth = test[LABEL].to_numpy()
    return (
        float(balanced_accuracy_score(truth, predicted)),
        float(recall_score(truth, predicted, pos_label=MINORITY)),
    )


def run_help(seeds: int) -> dict[str, object]:
    """The help experiment over ``seeds`` seeds."""
    data = load_cancer()
    scores: dict[str, list[tuple[float, float]]] = {
        "real only": [],
        "real only, class weights": [],
        "real + synthetic": [],
    }
    quality: list[float] = []
    dcr: list[tuple[float, float, float]] = []
    train_shape = ""
    for seed in range(seeds):
        train, test = imbalanced_split(data, seed)
        counts = dict(train.group_by(LABEL).len().iter_rows())
        missing = counts["benign"] - counts[MINORITY]
        train_shape = (
            f"{counts[MINORITY]} {MINORITY} vs {counts['benign']} benign; +{missing} synthetic"
        )
        result = synth.fill(train, [synth.Shortfall({LABEL: MINORITY}, missing)], seed=seed)
        scores["real only"].append(evaluate(train, test, seed))
        scores["real only, class weights"].append(evaluate(train, test, seed, balanced=True))
        scores["real + synthetic"].append(evaluate(result.augmented(), test, seed))
        if result.quality_score is not None:
            quality.append(result.quality_score)
        p = result.privacy
        dcr.append((p.dcr_min or 0.0, p.dcr_p5 or 0.0, p.dcr_median or 0.0))
    return {
        "scores": scores,
        "quality": quality,
        "dcr": dcr,
        "train_shape": train_shape,
        "test_rows": round(data.height * 0.3),
    }


def speed_table(rows: int, seed: int = 0) -> pl.DataFrame:
    """A generated ``rows`` x 15 table: 10 correlated numbers, an int, 3 categoricals, a label."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(rows, 3))
    mix = rng.normal(size=(3, 10))
    numbers = base @ mix + rng.normal(scale=0.5, size=(rows, 10))
    frame = pl.DataFrame(numbers, schema=[f"x{i}" for i in range(10)], orient="row")
    return frame.with_columns(
        pl.Series("count", rng.poisson(3, rows)),
        pl.Series("region", rng.choice(["eu", "us", "apac", "latam"], rows)),
        pl.Series("channel", rng.choice(["web", "store", "phone"], rows, p=[0.6, 0.3, 0.1])),
        pl.Series("tier", rng.choice(["a", "b"], rows)),
        pl.Series("label", np.where(base[:, 0] + rng.normal(size=rows) > 2.3, "fraud", "ok")),
    )


def run_speed(rows: int) -> dict[str, float | int]:
    """Seconds for one Gaussian-copula ``synth.fill`` (fit + fill 5,000 rows + scoring)."""
    table = speed_table(rows)
    start = time.perf_counter()
    result = synth.fill(table, [synth.Shortfall({"label": "fraud"}, 5_000)], seed=0)
    seconds = time.perf_counter() - start
    return {
        "rows": rows,
        "columns": table.width,
        "filled": result.filled,
        "seconds": round(seconds, 1),
    }


def _mean_sd(values: Sequence[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def render(
    help_: dict[str, object] | None, speed: dict[str, float | int] | None, seeds: int
) -> str:
    """The Markdown report."""
    lines = [f"# synth benchmark — {dt.date.today().isoformat()}", ""]
    lines.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; "
        f"sdv/sdmetrics: {_versions()}"
    )
    lines.append("")
    if help_ is not None:
        lines += [
            f"## Does filling the minority help? (breast_cancer, minority cut to {MINORITY_SHARE:.0%}, {seeds} seeds)",
            "",
            f"Training set per seed: {help_['train_shape']}. Test: {help_['test_rows']} held-out real rows.",
            "Model: HistGradientBoostingClassifier (defaults).",
            "",
            "| training data | balanced accuracy | minority recall |",
            "|---|---|---|",
        ]
        scores = help_["scores"]
        assert isinstance(scores, dict)
        for name, pairs in scores.items():
            lines.append(
                f"| {name} | {_mean_sd([p[0] for p in pairs])} | {_mean_sd([p[1] for p in pairs])} |"
            )
        quality = help_["quality"]
        dcr = help_["dcr"]
        assert isinstance(quality, list)
        assert isinstance(dcr, list)
        lines += [
            "",
            f"SDMetrics quality (synthetic minority vs real minority): {_mean_sd(quality)}",
            "",
            "DCR of synthetic rows to the closest real row (min-max scaled units), per seed: "
            + "; ".join(f"min {a:.3f}, p5 {b:.3f}, median {c:.3f}" for a, b, c in dcr),
            "",
        ]
    if speed is not None:
        lines += [
            "## Speed (Gaussian copula, 2 cores)",
            "",
            "| rows | columns | rows filled | fit + fill + scoring (s) |",
            "|---|---|---|---|",
            f"| {speed['rows']:,} | {speed['columns']} | {speed['filled']:,} | {speed['seconds']} |",
            "",
        ]
    return "\n".join(lines)


def _versions() -> str:
    from importlib.metadata import version

    return f"{version('sdv')}/{version('sdmetrics')}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table, write ``benchmarks/results/synth-<date>.md``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth_help", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="seeds for the help experiment (default 3)"
    )
    parser.add_argument(
        "--speed-rows", type=int, default=50_000, help="rows of the speed table (default 50000)"
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument("--no-help", action="store_true", help="skip the help experiment")
    parser.add_argument("--out-dir", type=Path, default=RESULTS, help="where the .md goes")
    args = parser.parse_args(argv)
    help_ = None if args.no_help else run_help(args.seeds)
    speed = None if args.no_speed else run_speed(args.speed_rows)
    text = render(help_, speed, args.seeds)
    print(text)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"synth-{dt.date.today().isoformat()}.md"
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
