"""``gates profile``, ``gates drift`` and ``gates suggest``: look at data, compare it, draft a suite."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._common import (
    DataArg,
    ExitCode,
    FormatOpt,
    SqlOpt,
    TableOpt,
    err_console,
    fail,
    is_tty,
    load_data,
    out_console,
    progress_bar,
    user_errors,
)

if TYPE_CHECKING:
    from .._profile import Profile
    from .._profile._drift import DriftReport

__all__ = ["register"]


class DistinctChoice(StrEnum):
    auto = "auto"
    exact = "exact"
    approx = "approx"


JsonOpt = Annotated[
    Path | None, typer.Option("--json", help="Write the JSON document here (- for stdout).")
]
HtmlOpt = Annotated[
    Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar and no console table.")
]


def _is_profile_json(path: str) -> bool:
    """Whether ``path`` is a profile JSON document (rather than JSON data)."""
    p = Path(path)
    if p.suffix.lower() != ".json" or not p.is_file() or p.stat().st_size > 256 << 20:
        return False
    with p.open("rb") as fh:
        if not fh.read(64).lstrip().startswith(b"{"):
            return False
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False  # NDJSON data, or not JSON at all: let the data reader say what is wrong
    return isinstance(doc, dict) and "schema_version" in doc and "columns" in doc


def _side(
    source: str | None,
    *,
    baseline: Profile | None = None,
    progress: Callable[[str, float], None] | None = None,
    table: str | None = None,
    sql: str | None = None,
    fmt: str | None = None,
) -> Profile:
    """A profile JSON as it is, or the data (read as ``gates check`` reads it) profiled."""
    from .._profile import profile, read_profile

    if source is not None and not sql and not table and _is_profile_json(source):
        return read_profile(source)
    edges = (
        {c.name: c.histogram.edges for c in baseline.columns if c.histogram} if baseline else None
    )
    data = load_data(source, table=table, sql=sql, fmt=fmt)
    return profile(data, bin_edges=edges, progress=progress)


def _write(path: Path, text: str, *, reads: tuple[str | Path | None, ...] = ()) -> str | None:
    if str(path) == "-":
        typer.echo(text, nl=False)
        return None
    from ..report import run_inputs, write_text

    # atomic, and never onto the data or baseline this command reads
    inputs = [p for r in reads if r is not None for p in run_inputs(data=str(r))]
    return str(write_text(path, text, inputs=inputs))


def _drift_doc(report: DriftReport) -> dict[str, Any]:
    return {"schema_version": "1.0", "kind": "drift", **report.to_dict()}


def profile_cmd(
    data: DataArg = None,
    table: TableOpt = None,
    sql: SqlOpt = None,
    fmt: FormatOpt = None,
    json_path: JsonOpt = None,
    html: HtmlOpt = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A baseline profile JSON (or data): add a ranked drift table."),
    ] = None,
    correlations: Annotated[
        bool,
        typer.Option(
            "--correlations", help="Pearson and Spearman correlations between numeric columns."
        ),
    ] = False,
    sample: Annotated[
        int | None, typer.Option(min=1, help="Profile about N rows (seeded hash sample).")
    ] = None,
    fraction: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Profile this share of rows (0-1).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of --sample/--fraction.")] = 0,
    bins: Annotated[int, typer.Option(min=1, max=1000, help="Histogram bins.")] = 20,
    top: Annotated[
        int, typer.Option(min=0, max=1000, help="Top values kept per categorical column.")
    ] = 20,
    distinct: Annotated[
        DistinctChoice,
        typer.Option(
            help="Distinct counts: auto (exact up to 200,000 distinct values, a HyperLogLog "
            "of ±0.8% above), exact, or approx (the HyperLogLog for every column)."
        ),
    ] = DistinctChoice.auto,
    incremental: Annotated[
        Path | None,
        typer.Option(
            "--incremental",
            metavar="STATE",
            help="Keep per-file states in STATE: profile only new or changed files of DATA, "
            "merge them all, and rewrite STATE.",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Profile DATA: types, nulls, distinct counts, ranges, quantiles, histograms and top values.

    Examples:

        gates profile data/orders.parquet

        gates profile "data/day=*/*.parquet" --incremental profiles/orders.state.json

        gates profile data/orders.parquet --json profiles/orders.json --html reports/orders.html

        gates profile "data/2024-*.csv" --baseline profiles/orders.json --html reports/drift.html

        gates profile warehouse.duckdb --table orders --sample 100000 --correlations
    """
    from .._profile import profile, read_profile
    from .._profile._console import print_drift, print_profile
    from .._profile._drift import compare
    from .._profile._html import to_html

    with user_errors():
        base = None
        if baseline is not None:
            base = (
                read_profile(baseline)
                if _is_profile_json(str(baseline))
                else profile(str(baseline))
            )
        edges = {c.name: c.histogram.edges for c in base.columns if c.histogram} if base else None
        if incremental is not None:
            prof, state_written = _incremental(
                data,
                incremental,
                fmt=fmt,
                bins=bins,
                top=top,
                edges=edges,
                quiet=quiet,
                refused={
                    "--table": table is not None,
                    "--sql": sql is not None,
                    "--sample": sample is not None,
                    "--fraction": fraction is not None,
                    "--correlations": correlations,
                    "--distinct": distinct != DistinctChoice.auto,
                },
            )
        else:
            state_written = None
            with progress_bar(is_tty() and not quiet, "profiling") as say:
                prof = profile(
                    load_data(data, table=table, sql=sql, fmt=fmt),
                    sample=sample,
                    fraction=fraction,
                    seed=seed,
                    correlations=correlations,
                    bins=bins,
                    top_k=top,
                    distinct=distinct.value,
                    bin_edges=edges,
                    progress=say,
                )
        drift = compare(prof, base) if base is not None else None
        written: list[str | None] = []
        if json_path is not None:
            doc = prof.to_dict()
            if drift is not None:
                doc["drift"] = drift.to_dict()
            written.append(
                _write(
                    json_path,
                    json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                    reads=(data, baseline),
                )
            )
        if html is not None:
            written.append(_write(html, to_html(prof, drift=drift), reads=(data, baseline)))
        if not quiet and str(json_path) != "-":
            console = out_console()
            print_profile(prof, console)
            if drift is not None:
                print_drift(drift, console)
            for w in [*written, state_written]:
                if w:
                    console.print(f"[dim]wrote {w}[/]")


def _incremental(
    data: str | None,
    state: Path,
    *,
    fmt: str | None,
    bins: int,
    top: int,
    edges: dict[str, list[float]] | None,
    quiet: bool,
    refused: dict[str, bool],
) -> tuple[Profile, str | None]:
    """The profile of DATA's files merged from STATE, after profiling the new and changed ones."""
    import dataclasses
    import time

    from .._profile import profile_from_state
    from .._profile._incremental import update_incremental

    if data is None:
        fail("--incremental needs DATA: a file, glob or folder of files (each one a partition)")
    given = [flag for flag, on in refused.items() if on]
    if given:
        fail(
            f"--incremental does not combine with {', '.join(given)}: it profiles every row of "
            "each file into a mergeable state (exact distinct counts up to 200,000, a "
            "HyperLogLog above); drop the flag or profile without --incremental"
        )
    started = time.perf_counter()
    with progress_bar(is_tty() and not quiet, "profiling") as say:
        run = update_incremental(data, state, format=fmt, progress=say)
    prof = profile_from_state(run.state, bins=bins, top_k=top, bin_edges=edges)
    prof = dataclasses.replace(
        prof,
        incremental=run.summary(),
        elapsed_seconds=round(time.perf_counter() - started, 4),
    )
    return prof, str(run.written) if run.written else None


def drift_cmd(
    current: Annotated[
        str | None,
        typer.Argument(
            help="The data now: a data path or a profile JSON (a DuckDB database with --table"
            " or --sql). Leave it out with --sql.",
            show_default=False,
            metavar="CURRENT",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Argument(
            help="The reference: a profile JSON or a data path.",
            show_default=False,
            metavar="BASELINE",
        ),
    ] = None,
    table: Annotated[str | None, typer.Option(help="Table in the DuckDB database CURRENT.")] = None,
    sql: Annotated[
        str | None,
        typer.Option(
            help='A DuckDB query for the data now, instead of CURRENT, e.g. "SELECT * FROM'
            " 'data/*.parquet'\"; with a DuckDB database as CURRENT it can read its tables."
        ),
    ] = None,
    fmt: FormatOpt = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option("--threshold", "-t", help="metric=value, e.g. psi=0.25 (repeatable)."),
    ] = None,
    json_path: JsonOpt = None,
    html: HtmlOpt = None,
    fail_on_drift: Annotated[
        bool, typer.Option("--fail-on-drift", help="Exit 1 when any column drifted.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bar; one line instead of the table: each drifted column and why.",
        ),
    ] = False,
) -> None:
    """Compare CURRENT with BASELINE column by column and print a ranked drift table.

    Examples:

        gates drift data/today.parquet profiles/baseline.json

        gates drift profiles/today.json profiles/baseline.json --json reports/drift.json --fail-on-drift

        gates drift data/today.parquet data/last_month.parquet -t psi=0.1 -t null_rate_change=0.01

        gates drift --sql "SELECT * FROM 'data/2024-06-*.parquet'" profiles/baseline.json
    """
    from .._profile._console import print_drift
    from .._profile._drift import DEFAULT_THRESHOLDS, METRICS, compare
    from .._profile._html import to_html

    if baseline is None and sql is not None and current is not None:
        current, baseline = None, current  # `gates drift --sql QUERY BASELINE`
    if baseline is None:
        fail(
            "missing BASELINE: pass the data now and the reference, e.g. `gates drift"
            " data/today.parquet profiles/baseline.json` (or `--sql QUERY BASELINE`)"
        )
    with user_errors():
        limits = dict(DEFAULT_THRESHOLDS)
        for item in threshold or []:
            key, _, value = item.partition("=")
            if key not in METRICS:
                fail(
                    f"--threshold {item!r}: unknown metric {key!r}; use one of: {', '.join(METRICS)}"
                )
            try:
                limits[key] = float(value)
            except ValueError:
                fail(
                    f"--threshold {item!r}: {value!r} is not a number; write metric=value, e.g. psi=0.2"
                )
        base = _side(baseline)
        with progress_bar(is_tty() and not quiet, "profiling") as say:
            cur = _side(current, baseline=base, progress=say, table=table, sql=sql, fmt=fmt)
        report = compare(cur, base, thresholds=limits)
        if json_path is not None:
            _write(
                json_path,
                json.dumps(_drift_doc(report), indent=2, ensure_ascii=False, allow_nan=False)
                + "\n",
                reads=(current, baseline),
            )
        if html is not None:
            _write(html, to_html(cur, drift=report), reads=(current, baseline))
        if str(json_path) != "-":
            if quiet:
                out_console().print(_drift_line(report), soft_wrap=True, markup=False)
            else:
                print_drift(report, out_console())
    if fail_on_drift and report.drifted:
        raise typer.Exit(int(ExitCode.FAILED))


def _drift_line(report: Any) -> str:
    """What ``drift -q`` prints: the count, then each drifted column with what crossed its limit."""
    head = f"drift: {len(report.drifted)} of {len(report.columns)} columns drifted"
    parts = []
    for col in report.drifted:
        why = []
        for metric in col.drifted:
            value = col.metrics.get(metric)
            limit = report.thresholds.get(metric)
            if value is None or limit is None:  # missing_column, new_column
                why.append(metric.replace("_", " "))
            else:
                why.append(f"{metric} {value:.3g} > {limit:g}")
        parts.append(f"{col.column} ({', '.join(why)})")
    return f"{head}: {'; '.join(parts)}" if parts else head


def suggest_cmd(
    data: DataArg = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the suite here.", show_default="print it"),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The suite's name.", show_default="the data file's stem")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    margin: Annotated[
        float,
        typer.Option(min=0.0, max=10.0, help="Widen numeric ranges by this share of the span."),
    ] = 0.1,
    table: TableOpt = None,
    sql: SqlOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Draft a commented suite from DATA that DATA passes; review it, then commit it.

    Examples:

        gates suggest data/orders.parquet --out suites/orders.yml

        gates suggest warehouse.duckdb --table orders --name orders -o suites/orders.yml --force
    """
    from .._profile._suggest import suggest, write_suite

    with user_errors():
        if out is not None and out.exists() and not force:
            fail(
                f"{out}: the file exists; pass --force to overwrite it or choose another --out path"
            )
        text = suggest(
            load_data(data, table=table, sql=sql, fmt=fmt),
            name=name or (out.stem if out else None),
            margin=margin,
        )
        if out is None:
            typer.echo(text, nl=False)
            return
        path = write_suite(out, text, force=force)
        err_console().print(
            f"wrote {path}; review it, then run: gates check {_data_words(data, table, sql)}"
            f" --suite {path}",
            markup=False,
        )


def _data_words(data: str | None, table: str | None, sql: str | None) -> str:
    """DATA, --table and --sql as a command line would give them."""
    import shlex

    words = [data] if data else []
    words += ["--table", table] if table else []
    words += ["--sql", sql] if sql else []
    return shlex.join(words)


def register(app: typer.Typer) -> None:
    """Add ``profile``, ``drift`` and ``suggest`` to the app."""
    app.command("profile", no_args_is_help=True)(profile_cmd)
    app.command("drift", no_args_is_help=True)(drift_cmd)
    app.command("suggest", no_args_is_help=True)(suggest_cmd)
