"""datagates on Spark against a hand-written Spark floor and GX's own Spark engine.

One ``local[N]`` session runs everything on the same Parquet file (the benchmark generator's
21-column orders table): the floor (one ``df.agg`` computing the 12 checks' failure counts,
plus the ``groupBy`` pass uniqueness needs), ``gates.check`` on the Spark DataFrame with
benchmarks/suites/bench.yml (the fingerprint is the file's hash there; the "rows hashed" row
hands in a derived frame, whose rows are hashed in the fused pass), and the same 12 checks as
GX 1.x expectations through GX's SparkDFExecutionEngine. GX ``persist()``s the frame it
checks; its cache is dropped after each run (a run on new data builds its own), and at 1M a
second GX row keeps it, to show what reusing it is worth. Each is run once to warm the
session (unless ``--no-warmup``), then ``--repeat`` times; the table shows the median wall
time and the ratios to the floor and to datagates. The Polars path is measured by the main
harness (``python -m benchmarks``), which runs each command in a fresh process.

Run ``python -m benchmarks.spark_bench`` (1M rows) or ``--sizes 1M,10M``; the table is
printed and written to ``benchmarks/results/spark-<date>.md`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._data import dataset_paths, iter_chunks
from ._results import dated_path
from ._spec import (
    AGE_RANGE,
    ALLOWED_COUNTRIES,
    ALLOWED_STATUSES,
    AMOUNT_RANGE,
    EMAIL_PATTERN,
    MEAN_AMOUNT_RANGE,
    MIN_ROWS,
    QUANTITY_RANGE,
    size_label,
)

HERE = Path(__file__).resolve().parent
SUITE = HERE / "suites" / "bench.yml"
RESULTS = HERE / "results"
_SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}


def parquet(n_rows: int) -> Path:
    """The benchmark table of ``n_rows`` rows as Parquet (written chunk by chunk if missing)."""
    path = dataset_paths(n_rows).parquet
    if path.exists():
        return path
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    writer = None
    for chunk in iter_chunks(n_rows):
        table = chunk.to_arrow()
        writer = writer or pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    tmp.rename(path)
    return path


def floor(df: Any) -> int:
    """The 12 checks by hand: one ``df.agg`` for 11, one ``groupBy`` pass for uniqueness."""
    from pyspark.sql import functions as F

    c = F.col
    email_ok = c("email").rlike(EMAIL_PATTERN)
    row = df.agg(
        F.count_if(c("order_id").isNull()),
        F.count_if(c("customer_id").isNull()),
        F.count_if(c("created_at").isNull()),
        F.count_if(~c("amount").between(*AMOUNT_RANGE)),
        F.count_if(~c("age").between(*AGE_RANGE)),
        F.count_if(~c("quantity").between(*QUANTITY_RANGE)),
        F.count_if(~c("status").isin(*ALLOWED_STATUSES)),
        F.count_if(~c("country").isin(*ALLOWED_COUNTRIES)),
        F.count_if(~email_ok),
        (F.count(F.lit(1)) < MIN_ROWS).cast("int"),
        F.coalesce(~F.avg("amount").between(*MEAN_AMOUNT_RANGE), F.lit(True)).cast("int"),
    ).first()
    dup = (
        df.where(c("order_id").isNotNull())
        .groupBy("order_id")
        .count()
        .where(c("count") > 1)
        .agg(F.sum("count"))
        .first()
    )
    counts = [*row, dup[0] or 0]
    return sum(1 for v in counts if v)


def gates_check(df: Any) -> int:
    """``gates.check`` on the Spark DataFrame: the failed checks."""
    import gates

    result = gates.check(df, SUITE)
    assert result.backend == "spark", result.backend
    assert all(c.error is None for c in result.checks), [c.error for c in result.checks]
    return len(result.failed_checks)


def gates_check_hashed(df: Any) -> int:
    """``gates.check`` on a derived frame (``where(true)``): its rows are hashed for the
    fingerprint (one more aggregate in the fused pass) instead of the Parquet file's bytes."""
    from pyspark.sql import functions as F

    return gates_check(df.where(F.lit(True)))


def gx_check(df: Any, *, keep_cache: bool = False) -> int:
    """The 12 checks as GX expectations, run by GX's SparkDFExecutionEngine on the same frame.

    GX's engine ``persist()``s the frame it is given (``persist=True`` is its default), so
    without ``unpersist()`` every run after the first reads the cache the first one built:
    ``keep_cache=False`` (the default) drops it after each run, so each run pays for its own,
    as a validation of new data does. ``keep_cache=True`` measures the warm case.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe_module

    gxe: Any = gxe_module
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_spark("bench")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    suite = gx.ExpectationSuite(name="bench")
    for exp in (
        gxe.ExpectColumnValuesToNotBeNull(column="order_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="created_at"),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=AMOUNT_RANGE[0], max_value=AMOUNT_RANGE[1]),
        gxe.ExpectColumnValuesToBeBetween(column="age", min_value=AGE_RANGE[0], max_value=AGE_RANGE[1]),
        gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=QUANTITY_RANGE[0], max_value=QUANTITY_RANGE[1]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(ALLOWED_STATUSES)),
        gxe.ExpectColumnValuesToBeInSet(column="country", value_set=list(ALLOWED_COUNTRIES)),
        gxe.ExpectColumnValuesToBeUnique(column="order_id"),
        gxe.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN),
        gxe.ExpectTableRowCountToBeBetween(min_value=MIN_ROWS),
        gxe.ExpectColumnMeanToBeBetween(column="amount", min_value=MEAN_AMOUNT_RANGE[0], max_value=MEAN_AMOUNT_RANGE[1]),
    ):  # fmt: skip
        suite.add_expectation(exp)
    result = batch.validate(suite, result_format="SUMMARY")
    if not keep_cache:
        df.unpersist(blocking=True)
    return sum(1 for r in result.results if not r.success)


def timed(
    fn: Callable[[], int], repeat: int, *, warmup: bool = True
) -> tuple[float, float, float, int]:
    """``fn`` once to warm up (unless not ``warmup``), then ``repeat`` times: (median, min,
    max) seconds, its answer."""
    answer = fn() if warmup else None
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        got = fn()
        times.append(time.perf_counter() - start)
        assert answer is None or got == answer, (got, answer)
        answer = got
    assert answer is not None, "repeat must be at least 1"
    return statistics.median(times), min(times), max(times), answer


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print the table; write it to ``benchmarks/results/spark-<date>.md``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_bench")
    parser.add_argument("--sizes", default="1M", help="comma-separated: 100k, 1M, 10M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--no-gx", action="store_true", help="skip GX on Spark")
    parser.add_argument(
        "--no-warmup", action="store_true", help="no warm-up run before the timed ones"
    )
    parser.add_argument("--out", type=Path, default=None, help="the Markdown file to write")
    args = parser.parse_args(argv)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from gates.backends._spark import session

    spark = session(args.master)
    rows: list[str] = []
    for label in args.sizes.split(","):
        n = _SIZES[label.strip()]
        path = parquet(n)
        df = spark.read.parquet(str(path))
        warm = not args.no_warmup
        measured: dict[str, tuple[float, float, float, int] | str] = {
            "Spark floor (df.agg + groupBy)": timed(
                functools.partial(floor, df), args.repeat, warmup=warm
            ),
            "datagates on Spark": timed(
                functools.partial(gates_check, df), args.repeat, warmup=warm
            ),
            "datagates on Spark, rows hashed": timed(
                functools.partial(gates_check_hashed, df), args.repeat, warmup=warm
            ),
        }
        if not args.no_gx:
            gx_runs = {"GX 1.x SparkDFExecutionEngine": functools.partial(gx_check, df)}
            if n <= 1_000_000:
                gx_runs["GX 1.x, its cache of an earlier run kept"] = functools.partial(
                    gx_check, df, keep_cache=True
                )
            for name, run in gx_runs.items():
                try:
                    repeat = max(1, args.repeat if n <= 1_000_000 else 1)
                    measured[name] = timed(run, repeat, warmup=warm)
                except Exception as exc:  # reported in the table, with the error
                    measured[name] = f"failed: {type(exc).__name__}: {exc}"
            df.unpersist(blocking=True)
        base = measured["Spark floor (df.agg + groupBy)"]
        assert not isinstance(base, str)
        for name, got in measured.items():
            if isinstance(got, str):
                rows.append(f"| {size_label(n)} | {name} | {got.splitlines()[0][:200]} | | | |")
                continue
            med, lo, hi, failed = got
            rows.append(
                f"| {size_label(n)} | {name} | {med:.2f} s ({lo:.2f}–{hi:.2f}) | {failed}"
                f" | {med / base[0]:.2f}× | "
                + (
                    f"{measured_ratio(measured, med):s} |"
                    if name != "datagates on Spark"
                    else "1.00× |"
                )
            )
        print("\n".join(rows[-len(measured) :]), flush=True)
    versions = _versions()
    table = "\n".join(
        [
            f"# datagates on Spark — {dt.date.today().isoformat()}",
            "",
            f"Command: `python -m benchmarks.spark_bench --sizes {args.sizes} --repeat {args.repeat}"
            f" --master {args.master}{' --no-warmup' if args.no_warmup else ''}`; one session,"
            f" {'no warm-up run' if args.no_warmup else 'each run once to warm up'}, then the"
            f" median of {args.repeat} (GX above 1M: one run). {versions}; {os.cpu_count()} cores.",
            "",
            "| rows | what | wall (median, min–max) | checks failed | × floor | × datagates |",
            "|---:|---|---|---:|---:|---:|",
            *rows,
        ]
    )
    out = args.out or dated_path(RESULTS, "spark")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    print(f"wrote {out}")
    spark.stop()
    return 0


def measured_ratio(measured: dict[str, Any], med: float) -> str:
    """This row's time over datagates' time."""
    ours = measured["datagates on Spark"]
    return f"{med / ours[0]:.2f}×"


def _versions() -> str:
    from importlib import metadata

    names = ("datagates", "pyspark", "great-expectations", "narwhals")
    return ", ".join(f"{n} {metadata.version(n)}" for n in names)


if __name__ == "__main__":
    sys.exit(main())
