"""Incremental profiling: add one partition to ten, re-profile, count what was read.

``python -m benchmarks.profile_incremental [--rows 1000000] [--parts 10]`` writes ``--parts``
Parquet partitions of the benchmark table (each its own seed), then times, each in a fresh
process through the harness (wall time and peak RSS):

1. ``gates profile "parts/*.parquet"`` of the ten (one pass);
2. ``gates profile ... --incremental state.json`` of the ten (first run: every file);
3. after one more partition is written: the one-pass profile of the eleven, and
4. the incremental re-profile, which should read only the new partition.

It reports the bytes the re-profile read against all the partitions' bytes, its wall time as a
ratio of the one-pass profile of the eleven, the state file's size, and whether the merged
profile equals the one-pass one on every exactly merged statistic. Prints Markdown and writes
``benchmarks/results/profile-incremental-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._data import generate_frame
from ._harness import run_once
from ._results import dated_path

ROOT = Path(__file__).resolve().parent.parent
GATES = str(Path(sys.executable).with_name("gates"))
RESULTS = Path(__file__).resolve().parent / "results"
#: Column statistics a merge reproduces exactly.
EXACT = (
    "count",
    "null_count",
    "distinct",
    "distinct_method",
    "min",
    "max",
    "zeros",
    "negatives",
    "nan_count",
    "true_count",
    "top_values",
    "length_min",
    "length_max",
)


def _write_part(folder: Path, i: int, rows: int) -> Path:
    path = folder / f"part-{i:03d}.parquet"
    generate_frame(rows, seed=1000 + i).write_parquet(path)
    return path


def _run(args: list[str], cwd: Path) -> tuple[float, float]:
    run = run_once([GATES, *args, "-q"], cwd=cwd)
    if run.returncode != 0:
        raise SystemExit(f"gates {' '.join(args)} failed ({run.returncode}): {run.stderr_last}")
    return run.wall_s, run.peak_rss_mb


def _mismatches(merged: dict[str, Any], full: dict[str, Any]) -> list[str]:
    out = [] if merged["rows"] == full["rows"] else ["rows"]
    for m, f in zip(merged["columns"], full["columns"], strict=True):
        # top values of partitions that kept only their 1,000 most frequent are lower bounds
        keys = [k for k in EXACT if k != "top_values" or (m["top_values"] or {}).get("exact", 1)]
        out += [f"{m['name']}.{k}" for k in keys if m.get(k) != f.get(k)]
    return out


def _bounded_tops(merged: dict[str, Any], full: dict[str, Any]) -> list[str]:
    """Columns whose merged top counts are lower bounds, each within ``max_error`` of the truth."""
    out = []
    for m, f in zip(merged["columns"], full["columns"], strict=True):
        top = m.get("top_values")
        if top and not top.get("exact", True):
            truth = dict(zip(f["top_values"]["values"], f["top_values"]["counts"], strict=True))
            ok = all(
                c <= truth.get(v, c) <= c + top["max_error"]
                for v, c in zip(top["values"], top["counts"], strict=True)
            )
            out.append(
                f"{m['name']} (max_error {top['max_error']}{'' if ok else ', OUT OF BOUND'})"
            )
    return out


def measured_rank_errors(merged: dict[str, Any], files: str) -> dict[str, float]:
    """Per numeric column, the worst distance of a merged KLL quantile's share from its true rank.

    For a reported quantile ``v`` at share ``q``, the true ranks of ``v`` over all the finite
    values are ``[share < v, share <= v]``; the error is how far ``q`` lies outside them (0
    when inside). This measures the sketch, where ``quantile_rank_error`` states its bound.
    """
    import polars as pl

    from gates._profile._stats import QUANTILES

    cols = [
        c
        for c in merged["columns"]
        if c.get("quantile_method") == "kll" and c["dtype"].startswith(("Int", "UInt", "Float"))
    ]
    exprs: list[pl.Expr] = []
    for c in cols:
        x = pl.col(c["name"]).cast(pl.Float64)
        x = x.filter(x.is_finite())
        exprs.append(x.count().alias(f"{c['name']}|n"))
        for key, v in c["quantiles"].items():
            exprs += [
                (x < v).sum().alias(f"{c['name']}|{key}|lt"),
                (x <= v).sum().alias(f"{c['name']}|{key}|le"),
            ]
    row = pl.scan_parquet(files).select(exprs).collect(engine="streaming").row(0, named=True)
    out: dict[str, float] = {}
    for c in cols:
        n = row[f"{c['name']}|n"]
        worst = 0.0
        for key, q in QUANTILES.items():
            lo, hi = row[f"{c['name']}|{key}|lt"] / n, row[f"{c['name']}|{key}|le"] / n
            worst = max(worst, lo - q if q < lo else q - hi if q > hi else 0.0)
        out[c["name"]] = worst
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per partition")
    parser.add_argument("--parts", type=int, default=10, help="partitions before the new one")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    opts = parser.parse_args(argv)
    # the gates command imports this checkout, whatever the venv was installed from
    os.environ["PYTHONPATH"] = str(ROOT)
    work = opts.keep or Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    parts = work / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for i in range(opts.parts):
        _write_part(parts, i, opts.rows)
    glob = "parts/*.parquet"
    rows: list[tuple[str, float, float]] = []
    wall, rss = _run(["profile", glob, "--json", "full-a.json"], work)
    rows.append((f"one pass, {opts.parts} partitions", wall, rss))
    wall, rss = _run(["profile", glob, "--incremental", "state.json", "--json", "inc-a.json"], work)
    rows.append((f"--incremental, first run ({opts.parts} partitions)", wall, rss))
    new = _write_part(parts, opts.parts, opts.rows)
    full_wall, rss = _run(["profile", glob, "--json", "full-b.json"], work)
    rows.append((f"one pass, {opts.parts + 1} partitions", full_wall, rss))
    inc_wall, rss = _run(
        ["profile", glob, "--incremental", "state.json", "--json", "inc-b.json"], work
    )
    rows.append(("--incremental after adding one partition", inc_wall, rss))
    merged = json.loads((work / "inc-b.json").read_text())
    full = json.loads((work / "full-b.json").read_text())
    total = sum(p.stat().st_size for p in parts.glob("*.parquet"))
    read = int(merged["incremental"]["bytes_read"])
    wrong = _mismatches(merged, full)
    bounded = _bounded_tops(merged, full)
    worst = max(
        (c.get("quantile_rank_error") or 0.0)
        for c in merged["columns"]
        if c.get("quantile_method") == "kll"
    )
    measured = measured_rank_errors(merged, str(parts / "*.parquet"))
    worst_col = max(measured, key=lambda k: measured[k]) if measured else "-"
    lines = [
        f"# Incremental profile: {opts.parts} + 1 partitions of {opts.rows:,} rows "
        f"({dt.date.today().isoformat()})",
        "",
        "| run | wall s | peak RSS MB |",
        "|---|---|---|",
        *[f"| {name} | {w:.2f} | {r:,.0f} |" for name, w, r in rows],
        "",
        f"- re-profile read {read:,} of {total:,} bytes ({read / total:.1%}); the new partition "
        f"is {new.stat().st_size:,} bytes; files profiled: {merged['incremental']['profiled']}",
        f"- re-profile / one-pass profile of all {opts.parts + 1}: {inc_wall / full_wall:.2f}x",
        f"- state file: {(work / 'state.json').stat().st_size / 1e6:.1f} MB",
        f"- merged vs one pass, exactly merged statistics: "
        f"{'all equal' if not wrong else 'DIFFER: ' + ', '.join(wrong)}",
        f"- top values as lower bounds (partitions kept their 1,000 most frequent): "
        f"{', '.join(bounded) or 'none'}",
        f"- stated quantile rank error (DataSketches KLL k=2048, 99% confidence per quantile): "
        f"{worst:.3%}",
        f"- measured: worst distance of a merged quantile's share from its true rank, over "
        f"{len(measured)} numeric columns x 7 quantiles: "
        f"{measured.get(worst_col, 0.0):.4%} ({worst_col})",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    dated_path(RESULTS, "profile-incremental").write_text(report)
    new_bytes = new.stat().st_size
    if opts.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not wrong and read == new_bytes else 1


if __name__ == "__main__":
    raise SystemExit(main())
