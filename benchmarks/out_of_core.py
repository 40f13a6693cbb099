"""Out of core: the 12-check suite on a table larger than a comfortable share of memory.

The benchmark generator's orders table at 100M rows (~11 GB of Parquet) is written chunk by
chunk into a folder of part files (``benchmarks/data/orders-100M-g<v>-s<seed>.parts/``; one
500,000-row chunk in memory at a time) and checked with benchmarks/suites/bench.yml, uniqueness
and failing-row samples included, by ``gates check FOLDER`` on each backend asked for, beside
the one-pass DuckDB and Polars floors over the same files. Each command is a fresh process
timed whole, its peak RSS read by the harness (benchmarks/_harness.py). The goal (issue #11):
peak RSS under 2 GB at 100M rows.

Run ``python -m benchmarks.out_of_core`` (100M rows, about 15 minutes to write the data the first
time) or ``--rows 20M`` to try it smaller; the table is printed and written to
``benchmarks/results/out-of-core-<rows>-<date>.md`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from ._data import DATA_DIR, iter_chunks
from ._harness import measure
from ._report import Result, machine, render_table, versions
from ._results import dated_path
from ._spec import DEFAULT_SEED, GENERATOR_VERSION, parse_size, size_label
from ._tasks import SUITE, Task

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def parts_folder(n_rows: int, *, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> Path:
    """The folder of Parquet parts holding the table (written chunk by chunk if missing)."""
    folder = data_dir / f"orders-{size_label(n_rows)}-g{GENERATOR_VERSION}-s{seed}.parts"
    if folder.is_dir():
        return folder
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".gen-parts-", dir=data_dir))
    try:
        for i, chunk in enumerate(iter_chunks(n_rows, seed=seed)):
            chunk.write_parquet(tmp / f"part-{i:05d}.parquet")
            if i % 20 == 19:
                print(f"   {(i + 1) * len(chunk):,} rows written", file=sys.stderr, flush=True)
        tmp.replace(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def tasks(
    folder: Path, n_rows: int, engines: list[str], memory_limit: str | None = None
) -> list[Task]:
    """The two floors over the part files, then ``gates check FOLDER`` on each backend (and
    on DuckDB with ``GATES_DUCKDB_MEMORY_LIMIT`` when ``memory_limit`` is given)."""
    glob = str(folder / "*.parquet")
    py = sys.executable
    gates = str(Path(py).with_name("gates"))
    out = [
        Task("check", "DuckDB floor (1 SQL aggregate)", n_rows, (py, "-m", "benchmarks._floors", "check-duckdb", glob), floor="duckdb"),
        Task("check", "Polars floor (1 select)", n_rows, (py, "-m", "benchmarks._floors", "check-polars", glob), floor="polars"),
    ]  # fmt: skip
    for engine in engines:
        argv = (gates, "check", str(folder), "--suite", str(SUITE), "--engine", engine)
        out.append(
            Task(
                "check",
                f"datagates `--engine {engine}`",
                n_rows,
                (*argv, "--no-ledger", "--json", "/dev/null"),
                ok_codes=(0, 1),
            )
        )
    if memory_limit and "duckdb" in engines:
        argv = (gates, "check", str(folder), "--suite", str(SUITE), "--engine", "duckdb")
        env = ("/usr/bin/env", f"GATES_DUCKDB_MEMORY_LIMIT={memory_limit}")
        out.append(
            Task(
                "check",
                f"datagates `--engine duckdb`, GATES_DUCKDB_MEMORY_LIMIT={memory_limit}",
                n_rows,
                (*env, *argv, "--no-ledger", "--json", "/dev/null"),
                ok_codes=(0, 1),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the table if needed, measure each command, print and write the report."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.out_of_core", description=__doc__)
    p.add_argument("--rows", default="100M", help="table size (default 100M)")
    p.add_argument("--engines", default="polars,duckdb", help="gates backends to run")
    p.add_argument("--repeat", type=int, default=1, help="runs per command (default 1)")
    p.add_argument(
        "--memory-limit",
        default="1GB",
        help="also run --engine duckdb with GATES_DUCKDB_MEMORY_LIMIT set to this (default 1GB;"
        " empty: not)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where the parts are kept")
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for the report")
    p.add_argument("--timeout", type=float, default=7200.0, help="seconds per run before a kill")
    args = p.parse_args(argv)
    try:
        n_rows = parse_size(args.rows)
    except ValueError as exc:
        print(f"error: --rows: {exc}", file=sys.stderr)
        return 2
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    print(f"== data {size_label(n_rows)} rows (Parquet parts)", file=sys.stderr, flush=True)
    folder = parts_folder(n_rows, seed=args.seed, data_dir=args.data_dir)
    gb = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 1e9
    results = []
    for task in tasks(folder, n_rows, engines, args.memory_limit or None):
        print(f"== {task.tool}", file=sys.stderr, flush=True)
        m = measure(
            task.argv, repeat=args.repeat, ok_codes=task.ok_codes, timeout=args.timeout, cwd=ROOT
        )
        results.append(Result(task, m))
    today = dt.date.today().isoformat()
    v = versions()
    report = (
        f"# datagates out of core — {today}\n\n"
        f"- data: {size_label(n_rows)} rows, {len(list(folder.glob('*.parquet')))} Parquet parts,"
        f" {gb:.1f} GB (`{folder.name}`)\n"
        f"- command: `python -m benchmarks.out_of_core --rows {args.rows} --engines"
        f" {args.engines} --repeat {args.repeat} --memory-limit {args.memory_limit}`\n"
        f"- versions: {', '.join(f'{k} {val}' for k, val in v.items())}\n"
        f"- machine: {machine()}\n"
        "- each command a fresh process timed whole; peak RSS of the whole process; goal: peak"
        " RSS < 2 GB\n\n" + render_table(results)
    )
    path = dated_path(args.out, f"out-of-core-{size_label(n_rows)}")
    path.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
