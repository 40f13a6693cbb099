"""``gates check``: run a suite against data; the verdict decides the exit code."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import (
    ExitCode,
    FormatOpt,
    SqlOpt,
    err_console,
    fail,
    is_tty,
    out_console,
    user_errors,
)

if TYPE_CHECKING:
    from .._result import GateResult

__all__ = ["register"]


class EngineChoice(StrEnum):
    auto = "auto"
    polars = "polars"
    duckdb = "duckdb"
    spark = "spark"
    reference = "reference"
    gx = "gx"
    pandera = "pandera"


class FailOn(StrEnum):
    block = "block"
    warn = "warn"


@contextlib.contextmanager
def progress_status(enabled: bool) -> Iterator[object]:
    """A spinner on stderr that shows the current step; a no-op when not a terminal."""
    if not enabled:
        yield None
        return
    console = err_console()
    with console.status("starting…", spinner="dots") as status:
        yield status


def check(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Argument(
            help="File, glob or folder (Parquet, CSV/TSV, JSON/NDJSON, Arrow), or a DuckDB database"
            " file with --table or --sql (:memory: for none). Leave it out with --sql.",
            show_default="the suite's data:",
            metavar="DATA",
        ),
    ] = None,
    suite: Annotated[
        Path, typer.Option("--suite", "-s", help="The suite YAML file.", show_default=False)
    ] = ...,  # type: ignore[assignment]
    table: Annotated[
        str | None,
        typer.Option(
            help="Table in the DuckDB database DATA; with --engine spark and no DATA, a table of"
            " the Spark session's catalog (or parquet.`/path`)."
        ),
    ] = None,
    sql: SqlOpt = None,
    fmt: FormatOpt = None,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            help="auto: the fused native path on the backend where the data lives (Polars for files, DuckDB for --table/--sql), pandera/GX for the rest; polars / duckdb / spark: that backend; reference: pandera and GX for all; gx / pandera: that library for its part."
        ),
    ] = EngineChoice.auto,
    spark_master: Annotated[
        str | None,
        typer.Option(
            help="Where --engine spark runs: local[N], spark://HOST:PORT (standalone), yarn, or sc://HOST:PORT (Spark Connect). Implies --engine spark.",
            show_default="$GATES_SPARK_MASTER, else $SPARK_REMOTE, else local[2]",
        ),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            help="Write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set)."
        ),
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Write a self-contained HTML report here.")
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 on `block`, or on `warn` too.")
    ] = FailOn.block,
    sample_size: Annotated[
        int | None,
        typer.Option(
            min=0, help="Failing rows kept per check.", show_default="the suite's, else 20"
        ),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            envvar="GATES_LEDGER", help="Run ledger file.", show_default=".gates/ledger.duckdb"
        ),
    ] = None,
    no_ledger: Annotated[
        bool, typer.Option("--no-ledger", help="Do not record this run in the ledger.")
    ] = False,
    lineage: Annotated[
        str | None,
        typer.Option(
            help="Send this run's OpenLineage events (START, COMPLETE/FAIL) to an http(s):// URL (Marquez: http://localhost:5000), file:PATH (one JSON event per line), console (stderr) or off. Never fails the gate; docs/lineage.md.",
            show_default="OpenLineage's own configuration (OPENLINEAGE_URL, OPENLINEAGE_CONFIG, openlineage.yml), else off",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passed checks too.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the verdict line; no progress.")
    ] = False,
) -> None:
    """Check DATA against a suite and exit 0 (pass), 1 (blocked) or 2 (input error).

    Examples:

        gates check data/orders.parquet --suite suites/orders.yml

        gates check "data/2024-*.csv" -s suites/orders.yml --junit reports/gate.xml --markdown reports/gate.md

        gates check warehouse.duckdb --table orders -s suites/orders.yml --fail-on warn

        gates check --sql "SELECT * FROM 'data/*.parquet' WHERE day = current_date" -s suites/orders.yml

        gates check "s3a://lake/orders/" -s suites/orders.yml --engine spark --spark-master sc://spark:15002
    """
    from .. import report
    from .._runner import check as run_check
    from ..history import history_for

    with user_errors():
        if verbose and quiet:
            fail("--verbose (-v) and --quiet (-q) contradict each other: pass one of them")
        source = ctx.get_parameter_source("ledger")
        if no_ledger and ledger is not None and source is not None and source.name == "COMMANDLINE":
            # $GATES_LEDGER with --no-ledger is fine: the flag wins over the environment
            fail(f"--no-ledger and --ledger {ledger} contradict each other: pass one of them")
        mode = _engine_mode(engine, spark_master)
        # a report is re-written each run, but never onto a file this run reads: refused up front
        # anomaly items learn from the metric history next to this run's ledger (docs/history.md)
        history = history_for(ledger)
        inputs = report.run_inputs(
            data=data, suite=suite, ledger=ledger, extra=[history] if history else ()
        )
        for target in (json_path, junit, markdown, html):
            if target is not None and str(target) != "-":
                report.check_target(target, inputs=inputs)
        with progress_status(is_tty() and not quiet) as status:

            def say(message: str) -> None:
                if status is not None:
                    status.update(message)  # type: ignore[attr-defined]

            result = run_check(
                data,
                suite,
                table=table,
                sql=sql,
                format=fmt,
                engine=mode,  # type: ignore[arg-type]  # _engine_mode returns an EngineMode
                sample_size=sample_size,
                progress=say,
                spark_master=spark_master,
                history=history,
                lineage=lineage,
            )
        console = out_console()
        written: list[str] = []
        if json_path is not None:
            text = report.to_json(result)
            if str(json_path) == "-":
                typer.echo(text, nl=False)
            else:
                written.append(str(report.write_text(json_path, text, inputs=inputs)))
        if junit is not None:
            written.append(str(report.write_text(junit, report.to_junit(result), inputs=inputs)))
        md = None
        if markdown is not None or os.environ.get("GITHUB_STEP_SUMMARY"):
            md = report.to_markdown(result)
        if markdown is not None and md is not None:
            written.append(str(report.write_text(markdown, md, inputs=inputs)))
        if md is not None and os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write(md + "\n")
        if html is not None:
            written.append(str(report.write_text(html, report.to_html(result), inputs=inputs)))
        recorded = None if no_ledger else _record(result, ledger)
        if str(json_path) != "-":
            if quiet:
                console.print(report.verdict_line(result), soft_wrap=True)
            else:
                report.print_result(result, console, verbose=verbose)
                for path in written:
                    console.print(f"[dim]wrote {path}[/]")
                if recorded:
                    console.print(f"[dim]{recorded}[/]")
    from .._result import Verdict

    code = result.exit_code(fail_on=Verdict(fail_on.value))
    raise typer.Exit(int(ExitCode.FAILED if code else ExitCode.OK))


def _engine_mode(engine: EngineChoice, spark_master: str | None) -> str:
    """The runner's engine mode; ``--spark-master`` means Spark, and refuses another backend."""
    if spark_master is None:
        return engine.value
    if engine in (EngineChoice.auto, EngineChoice.spark):
        from ..backends._spark import master_kind

        master_kind(spark_master)  # an unknown URL is refused before any data is read
        return "spark"
    fail(
        f"--spark-master {spark_master} runs on Spark; it cannot be used with --engine {engine.value}"
    )


def _record(result: GateResult, ledger: Path | None) -> str:
    """Append the run to the ledger (a broken chain warns on stderr); returns a line saying where."""
    from ..ledger import record_result

    def warn(message: str) -> None:
        err_console().print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)

    return record_result(result, ledger, on_broken=warn)


def register(app: typer.Typer) -> None:
    """Add ``check`` to the app."""
    app.command(no_args_is_help=True)(check)
