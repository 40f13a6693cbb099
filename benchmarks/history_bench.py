"""The metric history at scale: ``gates history`` and ``/ui`` on 10,000 recorded runs.

Builds (once, cached in ``--folder``) a ledger of ``--runs`` real-shaped runs and its metric
history: ``python -m gates.history._demo`` checks 14 daily files for real, then every stored
record is copied with a new run id, an hourly start time and values scaled by seeded noise,
appended to one ledger and recorded through ``gates.history.record_runs``, the hook every
recorder calls. Then, each command in a fresh process, repeated, median wall time:

* ``python -c pass`` and ``gates --version`` (interpreter and CLI start-up, the floor);
* ``gates history list`` / ``show row_count`` / ``list --json`` on that history;
* the same queries in-process (``History.list_series``/``series``), without start-up;
* with ``--ui``: a real ``gates serve`` on that ledger, each ``/ui`` page fetched with a
  stdlib client (``/ui``, an older page, a run, the suite trend);
* with ``--check-rows N``: ``gates check`` of ``make bench``'s 12-check suite on its N-row
  data, recorded in a ledger, with the history on and with ``GATES_HISTORY=off``, so the cost
  of recording is the difference.

    python -m benchmarks.history_bench                        # 10,000 runs, 5 repeats
    python -m benchmarks.history_bench --ui --check-rows 1000000 --repeat 3

Prints a Markdown table (the figures of docs/history.md § Speed) and writes
``benchmarks/results/history-<date>.md``. The goals (issue #13): ``gates history`` < 0.5 s,
``/ui`` pages < 1 s with 10,000 runs, recording ≤ 5 % of a 1M-row check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks._results import dated_path

RESULTS = Path(__file__).resolve().parent / "results"
_BIN = Path(sys.executable).parent


def _gates() -> str:
    found = _BIN / "gates"
    return str(found) if found.exists() else (shutil.which("gates") or "gates")


def build(folder: Path, runs: int, *, seed: int = 7) -> Path:
    """``folder/ledger.duckdb`` with ``runs`` runs and its history (reused when it has them)."""
    from gates.history import History, history_path, record_runs
    from gates.history._demo import write_series
    from gates.ledger import Ledger

    ledger = folder / "ledger.duckdb"
    if ledger.exists() and len(History(history_path(ledger))) == runs:
        return ledger
    shutil.rmtree(folder, ignore_errors=True)
    write_series(folder / "demo", days=14, rows=2000, seed=seed)
    templates = [r.record for r in Ledger(folder / "demo" / "ledger.duckdb").list(limit=None)]
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    chunk: list[dict[str, Any]] = []
    for i in range(runs):
        chunk.append(_variant(templates[i % len(templates)], start + dt.timedelta(hours=i), rng))
        if len(chunk) == 1000 or i == runs - 1:
            record_runs(ledger, Ledger(ledger).append_many(chunk, on_broken="ignore"))
            chunk = []
    return ledger


def _variant(record: dict[str, Any], when: dt.datetime, rng: random.Random) -> dict[str, Any]:
    """A copy of ``record`` as another run: new id and time, numbers scaled by ±2 %."""
    scale = 1 + rng.gauss(0, 0.02)

    def jiggle(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return type(value)(value * scale) if isinstance(value, float) else round(value * scale)

    doc = json.loads(json.dumps(record))
    doc["run_id"] = uuid.UUID(int=rng.getrandbits(128)).hex
    doc["started_at"] = when.isoformat()
    doc["finished_at"] = (when + dt.timedelta(seconds=1)).isoformat()
    doc["dataset"]["rows"] = jiggle(doc["dataset"]["rows"])
    for check in doc["checks"]:
        for key in ("observed", "failing_count"):
            check[key] = jiggle(check.get(key))
        stats = (check.get("details") or {}).get("column_stats") or {}
        for key in list(stats):
            stats[key] = jiggle(stats[key])
    return dict(doc)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    cmd: Sequence[str],
    repeat: int,
    env: dict[str, str] | None = None,
    *,
    codes: Sequence[int] = (0,),
) -> list[tuple[float, float]]:
    """``(wall s, CPU s)`` of each run of ``cmd``, each a fresh process (exit code in ``codes``).

    The CPU time (user + system of the child) is what the command costs on an idle machine;
    on a shared, loaded one the wall time is that times the wait for a core.
    """
    out = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _children_cpu()
        done = subprocess.run(cmd, capture_output=True, env=env, check=False)
        out.append((time.perf_counter() - t0, _children_cpu() - c0))
        if done.returncode not in codes:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {tail}")
    return out


def in_process(ledger: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """The queries behind the commands, and recording one run, without interpreter start-up."""
    from gates.history import History, history_path
    from gates.ledger import Ledger

    def clock(func: Any) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        func()
        return time.perf_counter() - t0, time.process_time() - c0

    store = History(history_path(ledger))
    copy = History(ledger.with_name("record-copy.duckdb"))
    shutil.copy(store.path, copy.path)
    (newest,) = Ledger(ledger).list(limit=1)
    rng = random.Random(1)
    when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    out: dict[str, list[tuple[float, float]]] = {"list_series": [], "series": [], "record": []}
    for i in range(repeat):
        out["list_series"].append(clock(lambda: store.list_series(recent=20)))
        out["series"].append(clock(lambda: store.series("row_count", limit=30)))
        run = (10**7 + i, f"r{i}", "h", _variant(newest.record, when, rng))
        out["record"].append(clock(lambda run=run: copy.add([run])))
    copy.path.unlink()
    copy.path.with_name(copy.path.name + ".lock").unlink(missing_ok=True)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ui_pages(ledger: Path, repeat: int) -> dict[str, list[float]]:
    """Each /ui page's time to full answer from a real ``gates serve`` of ``ledger``."""
    from gates.ledger import Ledger

    port, suites = _free_port(), ledger.parent / "demo"
    env = {**os.environ, "GATES_LEDGER": str(ledger)}
    env.pop("GATES_HISTORY", None)
    server = subprocess.Popen(
        [_gates(), "serve", "--port", str(port), "--ledger", str(ledger), "--suites", str(suites)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gates serve did not start") from None
                time.sleep(0.2)
        newest = Ledger(ledger).list(limit=1)[0]
        pages = {
            "/ui": "/ui",
            "/ui?offset=5000": "/ui?offset=5000",
            "/ui/runs/ID": f"/ui/runs/{newest.run_id}",
            "/ui/suites/orders-feed": "/ui/suites/orders-feed",
        }
        out: dict[str, list[float]] = {}
        for label, path in pages.items():
            urllib.request.urlopen(base + path, timeout=30).read()  # warm the worker
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                with urllib.request.urlopen(base + path, timeout=30) as answer:
                    answer.read()
                times.append(time.perf_counter() - t0)
            out[label] = times
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_overhead(folder: Path, rows: int, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """``gates check`` of the benchmark suite on ``rows`` rows, recorded: history on vs off.

    The 12-check suite and seeded data of ``make bench`` (benchmarks/_data.py). Each run
    records into a copy of a ledger that already holds one run and, with the history on, its
    history: the usual case (the first run of a new ledger also creates the history file).
    """
    from ._data import ensure_dataset
    from ._tasks import SUITE

    data = ensure_dataset(rows).parquet
    seed = folder / "seed"
    shutil.rmtree(seed, ignore_errors=True)
    seed.mkdir(parents=True)
    base = [_gates(), "check", str(data), "-s", str(SUITE), "-q"]
    env = {**os.environ, "GATES_LEDGER": str(seed / "ledger.duckdb")}
    env.pop("GATES_HISTORY", None)
    subprocess.run(
        [*base, "--ledger", str(seed / "ledger.duckdb")], env=env, check=False, capture_output=True
    )
    out: dict[str, list[tuple[float, float]]] = {"history on": [], "history off": []}
    for i in range(repeat):  # interleaved, so load drifts hit both alike
        for label in ("history on", "history off"):
            run = folder / f"check-{i}-{label.split()[1]}"
            shutil.rmtree(run, ignore_errors=True)
            shutil.copytree(seed, run)
            env = {**os.environ, "GATES_LEDGER": str(run / "ledger.duckdb")}
            env.pop("GATES_HISTORY", None)
            if label == "history off":
                env["GATES_HISTORY"] = "off"
            cmd = [*base, "--ledger", str(run / "ledger.duckdb")]
            out[label] += timed(cmd, 1, env, codes=(0, 1))
    return out


def _row(label: str, times: Sequence[float] | Sequence[tuple[float, float]]) -> str:
    walls = [t[0] if isinstance(t, tuple) else t for t in times]
    cpus = [t[1] for t in times if isinstance(t, tuple)]
    cpu = f"{statistics.median(cpus):.3f}" if cpus else "—"
    return (
        f"| {label} | {statistics.median(walls):.3f} | {min(walls):.3f} | "
        f"{max(walls):.3f} | {cpu} | {len(walls)} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the history, measure, print and write the Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history_bench")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path("benchmarks/data/history"))
    parser.add_argument("--ui", action="store_true", help="also time the /ui pages")
    parser.add_argument("--check-rows", type=int, default=0, help="also time gates check")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    ledger = build(args.folder, args.runs)
    built = time.perf_counter() - t0
    gates, hist = _gates(), ["--ledger", str(ledger)]
    rows = [
        _row("python -c pass", timed([sys.executable, "-c", "pass"], args.repeat)),
        _row("gates --version", timed([gates, "--version"], args.repeat)),
        _row("gates history list", timed([gates, "history", "list", *hist], args.repeat)),
        _row(
            "gates history list --json",
            timed([gates, "history", "list", "--json", *hist], args.repeat),
        ),
        _row(
            "gates history show row_count",
            timed([gates, "history", "show", "row_count", *hist], args.repeat),
        ),
    ]
    names = {"list_series": "History.list_series", "series": "History.series"}
    names["record"] = "recording one run (History.add, 10,000 runs there)"
    found_in = in_process(ledger, args.repeat)
    rows += [_row(f"in-process {names[k]}", v) for k, v in found_in.items()]
    if args.ui:
        rows += [_row(f"GET {k}", v) for k, v in ui_pages(ledger, args.repeat).items()]
    ratio = ""
    if args.check_rows:
        found = check_overhead(args.folder, args.check_rows, args.repeat)
        rows += [_row(f"gates check {args.check_rows:,} rows, {k}", v) for k, v in found.items()]
        on, off = (statistics.median(t[0] for t in found[k]) for k in ("history on", "history off"))
        cpu_on, cpu_off = (statistics.median(t[1] for t in found[k]) for k in found)
        ratio = (
            f"\nRecording the history: {on / off - 1:+.1%} of the check's wall time, "
            f"{cpu_on / cpu_off - 1:+.1%} of its CPU time (medians, on / off).\n"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    header = (
        f"# history benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"{args.runs:,} runs in {ledger} (built or reused in {built:.1f} s); "
        f"{platform.python_version()}, {os.cpu_count()} cores, load {load:.1f}.\n\n"
        "| what | median wall s | min wall s | max wall s | median CPU s | runs |\n"
        "|---|---:|---:|---:|---:|---:|\n"
    )
    text = header + "\n".join(rows) + "\n" + ratio
    print(text)
    dated_path(args.out, "history", today=dt.datetime.now(dt.UTC).date()).write_text(
        text, encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
