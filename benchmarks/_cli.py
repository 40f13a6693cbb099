"""`python -m benchmarks`: generate the tables, measure every task, write the report."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Final

from ._data import DATA_DIR, ensure_dataset
from ._harness import Measurement, measure
from ._report import Result, render_report
from ._results import dated_path
from ._spec import DEFAULT_SEED, parse_size, size_label
from ._tasks import GROUPS, ROOT, Group, Task, build_tasks

#: Quick mode's sizes; --full adds 10M.
QUICK_SIZES: Final = "100k,1M"
FULL_SIZES: Final = "100k,1M,10M"
#: Benchmarks other helpers own, run by --full or --include when present.
EXTRAS: Final = {"labels": "labels_accuracy", "synth": "synth_help"}
RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time datagates against DuckDB/Polars floors, GX, pandera and ydata-profiling.",
        epilog="Examples: python -m benchmarks | python -m benchmarks --full | "
        "python -m benchmarks --sizes 100k --repeat 5 --tasks check",
    )
    p.add_argument("--full", action="store_true", help="add 10M rows and ydata-profiling at 1M")
    p.add_argument("--sizes", help=f"row counts (default {QUICK_SIZES}; --full: {FULL_SIZES})")
    p.add_argument("--repeat", type=int, default=3, help="runs per task; median taken (default 3)")
    p.add_argument("--tasks", default=",".join(GROUPS), help="task groups: check,profile,startup")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for bench-<date>.md")
    p.add_argument(
        "--include", default="", help="also run other benchmarks: labels,synth (none: neither)"
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR, help="cache of generated tables")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run before a kill")
    p.add_argument(
        "--tools",
        default="",
        help="only the tools whose name contains one of these words, e.g. datagates,GX"
        " (the floors always run: every ratio needs them)",
    )
    return p


def _groups(text: str) -> tuple[Group, ...]:
    names = [g.strip() for g in text.split(",") if g.strip()]
    bad = [g for g in names if g not in GROUPS]
    if bad:
        msg = f"unknown task group(s) {', '.join(bad)} in --tasks: use {','.join(GROUPS)}"
        raise ValueError(msg)
    return tuple(g for g in GROUPS if g in names)


def _run_extras(names: list[str]) -> list[str]:
    lines = []
    for name in names:
        module = EXTRAS[name]
        if not (Path(__file__).resolve().parent / f"{module}.py").exists():
            lines.append(f"- {name}: benchmarks/{module}.py not present, skipped")
            continue
        print(f"== python -m benchmarks.{module}", file=sys.stderr, flush=True)
        rc = subprocess.run([sys.executable, "-m", f"benchmarks.{module}"], cwd=ROOT).returncode
        lines.append(f"- {name}: `python -m benchmarks.{module}` exited {rc}")
    return lines


def _probe(task: Task, cache: dict[tuple[str, ...], bool]) -> bool:
    """Whether the task's tool exists (e.g. `gates check` is implemented), cached."""
    if not task.probe:
        return True
    if task.probe not in cache:
        try:
            done = subprocess.run(task.probe, capture_output=True, text=True, timeout=120, cwd=ROOT)
            cache[task.probe] = task.probe_expect in done.stdout + done.stderr
        except (OSError, subprocess.TimeoutExpired):
            cache[task.probe] = False
    return cache[task.probe]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; print the table and write it to `--out`/bench-<date>.md."""
    args = _parser().parse_args(argv)
    try:
        sizes = sorted(
            {
                parse_size(s)
                for s in (args.sizes or (FULL_SIZES if args.full else QUICK_SIZES)).split(",")
            }
        )
        groups = _groups(args.tasks)
        extras = [e.strip() for e in args.include.split(",") if e.strip()]
        if args.full and not extras:
            extras = list(EXTRAS)
        if extras == ["none"]:
            extras = []
        unknown = [e for e in extras if e not in EXTRAS]
        if unknown:
            raise ValueError(f"unknown --include {', '.join(unknown)}: use {','.join(EXTRAS)}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    datasets = []
    if set(groups) - {"startup"}:
        for n in sizes:
            print(f"== data {size_label(n)} rows", file=sys.stderr, flush=True)
            datasets.append(ensure_dataset(n, seed=args.seed, data_dir=args.data_dir))
    results = []
    probes: dict[tuple[str, ...], bool] = {}
    wanted = [w.strip().lower() for w in args.tools.split(",") if w.strip()]
    for task in build_tasks(datasets, groups, full=args.full):
        if wanted and task.floor is None and not any(w in task.tool.lower() for w in wanted):
            continue
        rows = size_label(task.rows) if task.rows else "-"
        print(f"== {task.group} {rows} {task.tool}", file=sys.stderr, flush=True)
        if not _probe(task, probes):
            pending = (
                f"pending: `{' '.join(task.probe[-2:])}` does not list {task.probe_expect} yet"
            )
            results.append(Result(task, Measurement((), error=pending)))
            continue
        m = measure(
            task.argv,
            repeat=task.repeat or args.repeat,
            ok_codes=task.ok_codes,
            timeout=args.timeout,
            cwd=ROOT,
        )
        results.append(Result(task, m))
    report = render_report(results, repeat=args.repeat, full=args.full, today=dt.date.today())
    if extras:
        report += "\n## Other benchmarks\n\n" + "\n".join(_run_extras(extras)) + "\n"
    path = dated_path(args.out, "bench")
    path.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {path}", file=sys.stderr)
    return 0
