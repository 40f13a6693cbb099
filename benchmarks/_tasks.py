"""What is measured: the check, profile and start-up tasks, per tool and per table size."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from ._data import Dataset

Group = Literal["check", "profile", "startup"]
Floor = Literal["duckdb", "polars"]

#: The task groups, in report order.
GROUPS: Final[tuple[Group, ...]] = ("check", "profile", "startup")
#: The repository root (children run there, so `python -m benchmarks._peers` resolves).
ROOT: Final = Path(__file__).resolve().parent.parent
#: The datagates suite holding the 12 checks.
SUITE: Final = Path(__file__).resolve().parent / "suites" / "bench.yml"
#: ydata-profiling is slow (~50 s at 1M rows): quick mode runs it up to this size only.
YDATA_QUICK_MAX_ROWS: Final = 100_000
#: ... and the full mode up to this one, YDATA_FULL_REPEAT times per size above the quick limit.
YDATA_FULL_MAX_ROWS: Final = 1_000_000
#: Runs of ydata-profiling above the quick limit: its time varies by 50% between runs here
#: (33-53 s at 1M), and the 1M ratio against it is a goal, so one run is too few to judge.
YDATA_FULL_REPEAT: Final = 3


@dataclass(frozen=True)
class Task:
    """One command to measure."""

    #: Which comparison it belongs to.
    group: Group
    #: The tool, as the report names it.
    tool: str
    #: The table's row count (None for start-up tasks).
    rows: int | None
    #: The command.
    argv: tuple[str, ...]
    #: Exit codes meaning "ran".
    ok_codes: tuple[int, ...] = (0,)
    #: Which floor this task is (None for a measured tool).
    floor: Floor | None = None
    #: Runs to take (None: the run's --repeat).
    repeat: int | None = None
    #: A note shown in the report.
    note: str = ""
    #: A command proving the tool exists (its output must contain `probe_expect`), or ().
    probe: tuple[str, ...] = ()
    #: Text the probe's output must contain.
    probe_expect: str = ""


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _py(*args: str) -> tuple[str, ...]:
    return (sys.executable, *args)


def check_tasks(ds: Dataset) -> list[Task]:
    """The 12-check suite in each tool's form, plus the two one-pass floors."""
    p, n = str(ds.parquet), ds.n_rows
    gates = (_bin("gates"), "check", p, "--suite", str(SUITE), "--no-ledger", "--json", "/dev/null")
    return [
        Task("check", "DuckDB floor (1 SQL aggregate)", n, _py("-m", "benchmarks._floors", "check-duckdb", p), floor="duckdb"),
        Task("check", "Polars floor (1 select)", n, _py("-m", "benchmarks._floors", "check-polars", p), floor="polars"),
        Task("check", "datagates `gates check`", n, gates, ok_codes=(0, 1), probe=(_bin("gates"), "check", "--help"), probe_expect="--suite"),
        Task("check", "datagates `--engine duckdb`", n, (*gates, "--engine", "duckdb"), ok_codes=(0, 1)),
        Task("check", "datagates `--sql` (DuckDB backend)", n, (*gates[:2], "--sql", f"SELECT * FROM '{p}'", *gates[3:]), ok_codes=(0, 1)),
        Task("check", "GX 1.x on pandas", n, _py("-m", "benchmarks._peers", "check-gx", p)),
        Task("check", "pandera on pandas", n, _py("-m", "benchmarks._peers", "check-pandera-pandas", p)),
        Task("check", "pandera on polars", n, _py("-m", "benchmarks._peers", "check-pandera-polars", p)),
    ]  # fmt: skip


def profile_tasks(ds: Dataset, *, full: bool) -> list[Task]:
    """Profiling the table with each tool, plus the one-pass floors."""
    p, n = str(ds.parquet), ds.n_rows
    tasks = [
        Task("profile", "DuckDB floor (1 aggregate, all columns)", n, _py("-m", "benchmarks._floors", "profile-duckdb", p), floor="duckdb"),
        Task("profile", "Polars floor (1 select, all columns)", n, _py("-m", "benchmarks._floors", "profile-polars", p), floor="polars"),
        Task("profile", "datagates `gates profile`", n, (_bin("gates"), "profile", p, "--json", "/dev/null", "--quiet"), probe=(_bin("gates"), "profile", "--help"), probe_expect="--json"),
        Task("profile", "DuckDB SUMMARIZE", n, _py("-m", "benchmarks._peers", "profile-duckdb-summarize", p)),
        Task("profile", "Polars describe()", n, _py("-m", "benchmarks._peers", "profile-polars-describe", p)),
    ]  # fmt: skip
    ydata = _py("-m", "benchmarks._peers", "profile-ydata", p)
    if n <= YDATA_QUICK_MAX_ROWS:
        tasks.append(Task("profile", "ydata-profiling minimal", n, ydata))
    elif full and n <= YDATA_FULL_MAX_ROWS:
        tasks.append(
            Task(
                "profile",
                "ydata-profiling minimal",
                n,
                ydata,
                repeat=YDATA_FULL_REPEAT,
                note=f"{YDATA_FULL_REPEAT} runs (slow)",
            )
        )
    return tasks


def startup_tasks() -> list[Task]:
    """Start-up cost: the CLI's help and the package import, against bare library imports."""
    return [
        Task("startup", "`import duckdb` (floor)", None, _py("-c", "import duckdb"), floor="duckdb"),
        Task("startup", "`import polars` (floor)", None, _py("-c", "import polars"), floor="polars"),
        Task("startup", "bare interpreter `python -c pass`", None, _py("-c", "pass")),
        Task("startup", "`gates --help`", None, (_bin("gates"), "--help"), probe=(_bin("gates"), "--help"), probe_expect="check"),
        Task("startup", "`python -c 'import gates'`", None, _py("-c", "import gates")),
    ]  # fmt: skip


def build_tasks(datasets: list[Dataset], groups: tuple[Group, ...], *, full: bool) -> list[Task]:
    """Every task of the chosen groups over the chosen tables, in report order.

    Args:
        datasets: The generated tables, smallest first.
        groups: Which task groups to run.
        full: Whether this is the full run (ydata-profiling also at 1M rows).

    Returns:
        The tasks, group by group, size by size, floors first.
    """
    tasks: list[Task] = []
    if "check" in groups:
        for ds in datasets:
            tasks += check_tasks(ds)
    if "profile" in groups:
        for ds in datasets:
            tasks += profile_tasks(ds, full=full)
    if "startup" in groups:
        tasks += startup_tasks()
    return tasks
