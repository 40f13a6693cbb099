"""Profile depth against ydata-profiling: time ratio and which alerts each raises.

``python -m benchmarks.profile_ydata [--rows 100000]`` writes the benchmark table as Parquet,
then, each in a fresh process through the harness:

- ``gates profile FILE --correlations --json`` (Pearson + Spearman, alerts, histograms,
  top values, quantiles, duplicates);
- ydata-profiling's full report description (not rendered) with Pearson and Spearman
  correlations only, no interactions, no missing-value diagrams, no samples: the closest
  ydata run to what gates computes.

It reports both wall times, their ratio and peak RSS, and the alerts per column side by side
(ydata's names mapped to gates's), so the depth can be compared as well as the speed. Prints
Markdown and writes ``benchmarks/results/profile-ydata-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

from ._data import generate_frame
from ._harness import run_once
from ._results import dated_path

ROOT = Path(__file__).resolve().parent.parent
GATES = str(Path(sys.executable).with_name("gates"))
RESULTS = Path(__file__).resolve().parent / "results"
#: ydata alert names → gates's
NAMES = {
    "CONSTANT": "constant",
    "EMPTY": "empty",
    "MISSING": "missing",
    "UNIQUE": "unique",
    "HIGH_CARDINALITY": "high_cardinality",
    "IMBALANCE": "imbalance",
    "ZEROS": "zeros",
    "SKEWED": "skewed",
    "HIGH_CORRELATION": "high_correlation",
    "DUPLICATES": "duplicates",
}


def ydata_alerts(path: str, out: str) -> None:
    """Run ydata-profiling on ``path`` and write ``{column: [alerts]}`` to ``out``."""
    import importlib.metadata
    import types

    try:
        import pkg_resources  # noqa: F401
    except ImportError:  # setuptools>=81 dropped it; ydata-profiling 4.x still imports it
        shim = types.ModuleType("pkg_resources")
        shim.get_distribution = lambda name: types.SimpleNamespace(  # type: ignore[attr-defined]
            version=importlib.metadata.version(name)
        )
        sys.modules["pkg_resources"] = shim
    import pandas as pd
    from ydata_profiling import ProfileReport

    df = pd.read_parquet(path)
    report = ProfileReport(
        df,
        progress_bar=False,
        interactions={"continuous": False},
        missing_diagrams={"bar": False, "matrix": False, "heatmap": False},
        samples={"head": 0, "tail": 0},
        correlations={
            "auto": {"calculate": False},
            "pearson": {"calculate": True},
            "spearman": {"calculate": True},
            "kendall": {"calculate": False},
            "phi_k": {"calculate": False},
            "cramers": {"calculate": False},
        },
        duplicates={"head": 0},
    )
    found: dict[str, list[str]] = {}
    for alert in report.get_description().alerts:
        name = NAMES.get(alert.alert_type.name, alert.alert_type.name.lower())
        found.setdefault(str(alert.column_name or "(table)"), []).append(name)
    Path(out).write_text(json.dumps(found))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--ydata", nargs=2, help=argparse.SUPPRESS)  # the child's entry point
    opts = parser.parse_args(argv)
    if opts.ydata:
        ydata_alerts(*opts.ydata)
        return 0
    os.environ["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-ydata-") as tmp:
        work = Path(tmp)
        data = work / "orders.parquet"
        generate_frame(opts.rows).write_parquet(data)
        ours = run_once(
            [GATES, "profile", str(data), "--correlations", "--json", "p.json", "-q"], cwd=work
        )
        theirs = run_once(
            [
                sys.executable,
                "-m",
                "benchmarks.profile_ydata",
                "--ydata",
                str(data),
                str(work / "y.json"),
            ],
            cwd=ROOT,
        )
        if ours.returncode or theirs.returncode:
            raise SystemExit(
                f"a run failed: gates {ours.stderr_last!r}, ydata {theirs.stderr_last!r}"
            )
        profile = json.loads((work / "p.json").read_text())
        y = json.loads((work / "y.json").read_text())
    g: dict[str, list[str]] = {}
    for a in profile["alerts"]:
        g.setdefault(a["column"] or "(table)", []).append(a["alert"])
    names = [c["name"] for c in profile["columns"]]
    keys = names + sorted((set(g) | set(y)) - set(names))
    lines = [
        f"# Profile depth vs ydata-profiling: {opts.rows:,} rows x {len(names)} columns "
        f"({dt.date.today().isoformat()})",
        "",
        "| run | wall s | peak RSS MB |",
        "|---|---|---|",
        f"| gates profile --correlations | {ours.wall_s:.2f} | {ours.peak_rss_mb:,.0f} |",
        f"| ydata-profiling (Pearson + Spearman, no interactions) | {theirs.wall_s:.2f} | "
        f"{theirs.peak_rss_mb:,.0f} |",
        "",
        f"ydata / gates wall time: {theirs.wall_s / ours.wall_s:.1f}x",
        "",
        "| column | gates alerts | ydata alerts |",
        "|---|---|---|",
        *[
            f"| {k} | {', '.join(sorted(set(g.get(k, [])))) or '–'} | "
            f"{', '.join(sorted(set(y.get(k, [])))) or '–'} |"
            for k in keys
            if g.get(k) or y.get(k)
        ],
        "",
    ]
    report = "\n".join(lines)
    print(report)
    dated_path(RESULTS, "profile-ydata").write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
