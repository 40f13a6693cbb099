"""``gates synth``: fill the coverage gaps a suite reports with validated synthetic rows."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import (
    ExitCode,
    FormatOpt,
    SqlOpt,
    TableOpt,
    fail,
    is_tty,
    load_data,
    out_console,
    progress_bar,
    user_errors,
)

if TYPE_CHECKING:
    from rich.console import Console

    from gates._synth_bridge import FillRequest, SuiteRowValidator
    from gates.engines._coverage import RuleOutcome
    from synth import FillResult, QualityScores

__all__ = ["register"]


class SynthesizerChoice(StrEnum):
    gaussian_copula = "gaussian_copula"
    ctgan = "ctgan"
    tvae = "tvae"


_STAGES = {
    "plan": "planning",
    "fit": "fitting the model",
    "sample": "sampling + validating",
    "score": "scoring",
    "done": "done",
}


def synth(
    data: Annotated[
        str | None,
        typer.Argument(
            help="The real data: a file, glob or folder (Parquet, CSV/TSV, JSON/NDJSON, Arrow), or a DuckDB database file with --table or --sql (:memory: for none). Default: the suite's `data:`.",
            show_default=False,
            metavar="DATA",
        ),
    ] = None,
    suite: Annotated[
        Path,
        typer.Option(
            "--suite",
            "-s",
            help="The suite YAML file with a `coverage:` section.",
            show_default=False,
        ),
    ] = ...,  # type: ignore[assignment]
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The augmented data to write (.parquet/.pq/.csv); a manifest goes next to it.",
            show_default=False,
        ),
    ] = ...,  # type: ignore[assignment]
    synthesizer: Annotated[
        SynthesizerChoice, typer.Option(help="gaussian_copula (fast), ctgan or tvae (need torch).")
    ] = SynthesizerChoice.gaussian_copula,
    seed: Annotated[int, typer.Option(help="Same seed, data and options: identical rows.")] = 0,
    fit_rows: Annotated[
        int, typer.Option(min=1, help="Fit the model on at most this many rows.")
    ] = 50_000,
    max_rounds: Annotated[
        int,
        typer.Option(min=1, help="Sampling rounds per condition (rejected rows are resampled)."),
    ] = 5,
    min_rows_to_learn: Annotated[
        int, typer.Option(min=1, help="Skip classes with fewer real rows than this.")
    ] = 5,
    marker: Annotated[
        str, typer.Option(help="Boolean column marking synthetic rows.")
    ] = "is_synthetic",
    table: TableOpt = None,
    sql: SqlOpt = None,
    fmt: FormatOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace --out (and its manifest) if they exist.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress bar; print only where the output went."),
    ] = False,
) -> None:
    """Fill the classes/segments a suite's `coverage:` rules find short with synthetic rows.

    Every synthetic row carries its class's values, passes the suite's row-level checks,
    is no copy of a real row, and is marked in the --marker column. Writes a NEW file
    (real + synthetic rows) and <out>.manifest.json; never changes DATA.

    Examples:

        gates synth data/train.parquet --suite suites/fraud.yml --out data/train_aug.parquet

        gates synth --suite suites/fraud.yml -o aug.parquet --synthesizer ctgan --seed 7

        gates check aug.parquet --suite suites/fraud.yml    # the coverage checks now pass
    """
    import polars as pl

    from gates import _synth_bridge as bridge
    from gates._errors import InputError, MissingExtraError
    from gates.suite import load_suite

    with user_errors():
        loaded = load_suite(suite)
        if not loaded.suite.coverage:
            out_console().print(f"nothing to fill: suite {loaded.name!r} has no coverage section")
            raise typer.Exit(int(ExitCode.OK))
        _check_out(out, force, data)
        bridge.require_synth()
        import synth as synth_lib

        if data is None and table is None and sql is None:
            spec = loaded.suite.data
            if spec is None or (spec.path is None and spec.sql is None):
                raise InputError(
                    f"no data given and suite {loaded.name!r} has no `data:` section;"
                    " pass DATA or --sql"
                )
            data = str(loaded.resolve(spec.path)) if spec.path else None
            table, sql, fmt = spec.table, spec.sql, fmt or spec.format
        dataset = load_data(data, table=table, sql=sql, fmt=fmt)
        if dataset.files and out.resolve() in {f.resolve() for f in dataset.files}:
            fail(f"--out {out} is the input data; write the augmented data to a new file")
        try:
            real = dataset.lazy.collect()
        except pl.exceptions.PolarsError as exc:  # a read error → one line naming the file
            raise dataset.input_error(exc) from exc
        request = bridge.coverage_request(loaded, real, min_rows_to_learn=min_rows_to_learn)
        console = out_console()
        if not request.shortfalls:
            _print_rules(console, "coverage", request.before)
            for note in request.notes:
                console.print(f"[yellow]note:[/] {note}")
            console.print(f"nothing to fill: every coverage rule of suite {loaded.name!r} holds")
            raise typer.Exit(int(ExitCode.OK))
        if not quiet:
            _print_rules(console, "coverage before", request.before)
        validator = bridge.SuiteRowValidator.from_suite(loaded, real.schema)
        try:
            with progress_bar(is_tty() and not quiet, "synth", stages=_STAGES) as progress:
                result = synth_lib.fill(
                    real,
                    list(request.shortfalls),
                    synthesizer=synthesizer.value,
                    fit_rows=fit_rows,
                    min_rows_to_learn=min_rows_to_learn,
                    validator=validator,
                    id_patterns=bridge.id_patterns(loaded),
                    inequalities=bridge.inequalities(loaded, real.schema),
                    max_rounds=max_rounds,
                    marker=marker,
                    seed=seed,
                    progress=progress,
                )
            manifest = synth_lib.write(result, out, overwrite=force)
        except synth_lib.MissingSynthExtraError as exc:
            raise MissingExtraError("synthetic fill", "synth") from exc
        except FileExistsError:
            raise
        except synth_lib.SynthError as exc:
            fail(_escape(str(exc)))
        after = bridge.coverage_outcomes(loaded, result.augmented().lazy())
        if quiet:
            console.print(
                f"wrote {out} ({result.real.height:,} real + {result.filled:,} synthetic rows); manifest {manifest}"
            )
        else:
            _print_summary(console, result, request, validator, after, out, manifest)
    raise typer.Exit(int(ExitCode.OK))


def _check_out(out: Path, force: bool, data: str | None) -> None:
    """Refuse to replace an existing output (or its manifest) unless --force."""
    from synth import manifest_path

    if out.suffix.lower() not in (".parquet", ".pq", ".csv"):
        fail(f"--out {out}: unknown suffix {out.suffix!r}; use .parquet, .pq or .csv")
    if data is not None and Path(data).exists() and out.resolve() == Path(data).resolve():
        fail(f"--out {out} is the input data; write the augmented data to a new file")
    if force:
        return
    for target in (out, manifest_path(out)):
        if target.exists():
            fail(f"{target} already exists; pass --force to replace it or choose another --out")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _print_rules(
    console: Console, title: str, outcomes: tuple[RuleOutcome, ...] | list[RuleOutcome]
) -> None:
    """One line per rule: its id, what it requires, and what is short."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False)
    for name in ("check", "requires", "status"):
        table.add_column(name, overflow="fold")
    for o in outcomes:
        if o.passed:
            status = "[green]ok[/]"
        elif o.infeasible:
            status = f"[red]cannot be met by adding rows[/] ({len(o.short)} short)"
        else:
            missing = sum(s.missing or 0 for s in o.short)
            status = f"[red]{len(o.short)} short[/], {missing:,} rows missing"
        table.add_row(o.rule.check_id, _escape(o.rule.requirement_text()), status)
    console.print(table)


def _print_summary(
    console: Console,
    result: FillResult,
    request: FillRequest,
    validator: SuiteRowValidator,
    after: list[RuleOutcome],
    out: Path,
    manifest: Path,
) -> None:
    """The per-condition table, scores, notes, the coverage after the fill, and the files."""
    from rich.table import Table
    from rich.text import Text

    from synth import GENERATOR_ROWS

    # long conditions and notes fold inside their cells and numbers are never split, so a
    # narrow or piped console never crops the columns on the right (tests/integration/
    # test_cli_synth.py::test_a_narrow_console_shows_every_column_and_whole_numbers)
    table = Table(title="synthetic fill", title_justify="left", show_edge=False)
    for name, justify in (
        ("condition", "left"),
        ("real rows", "right"),
        ("method", "left"),
        ("requested", "right"),
        ("filled", "right"),
        ("rejected", "right"),
        ("unfilled", "right"),
        ("quality", "right"),
        ("yardstick", "right"),
        ("generator", "right"),
        ("note", "left"),
    ):
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
        )
    for o in result.outcomes:
        q = result.quality.get(o.label)
        real_rows = result.plan[o.label].real_rows
        table.add_row(
            _escape(o.label),
            f"{real_rows:,}",
            _METHODS.get(o.method, o.method or "-"),
            f"{o.requested:,}",
            f"[green]{o.filled:,}[/]" if o.filled == o.requested else f"[yellow]{o.filled:,}[/]",
            f"{o.rejected_validation:,} / {o.rejected_copies:,}",
            f"[red]{o.unfilled:,}[/]" if o.unfilled else "0",
            f"{q.overall:.3f}" if q is not None and q.overall is not None else "-",
            f"{q.yardstick:.3f}" if q is not None and q.yardstick is not None else "-",
            _generator(q),
            _escape(o.skip.value if o.skip is not None else ""),
        )
    for column in table.columns:  # a count or a score is read whole: never split its digits
        if column.justify == "right":
            column.min_width = max(
                (Text.from_markup(str(c)).cell_len for c in column.cells), default=1
            )
    console.print(table)
    console.print(
        "method: how the rows were made (bootstrap: the smoothed bootstrap of the condition's "
        "real rows; own model: SDV fitted on them; whole table: SDV's conditional sampling). "
        "rejected: by the suite's checks / as copies of real rows. "
        "yardstick: the quality one half of the condition's real rows scores against the other. "
        f"generator: the quality of a fresh draw of {GENERATOR_ROWS:,} rows from the same "
        "generator (shown when fewer rows were filled: a few rows score low whatever made them)"
    )
    quality = result.quality_score
    p = result.privacy
    console.print(
        f"quality (SDMetrics, 0-1): {quality:.3f}" if quality is not None else "quality: -",
        f"· privacy DCR min/p5/median: {_num(p.dcr_min)} / {_num(p.dcr_p5)} / {_num(p.dcr_median)}",
        f"· exact copies rejected: {p.exact_copies_rejected:,}",
    )
    judged = sum(o.validated for o in result.outcomes)
    if judged:
        passed = judged - sum(o.rejected_validation for o in result.outcomes)
        console.print(
            f"generated rows passing the suite's {len(validator.checks)} row-level checks: "
            f"{passed:,} of {judged:,} ({passed / judged:.1%})"
        )
    if validator.rejected:
        top = ", ".join(f"{cid} {n:,}" for cid, n in validator.rejected.most_common(6))
        console.print(
            f"rows rejected by the suite's checks ({len(validator.checks)} row-level): {_escape(top)}"
        )
    for note in (*request.notes, *result.notes):
        console.print(f"[yellow]note:[/] {_escape(note)}")
    _print_rules(console, "coverage after", after)
    console.print(
        f"wrote {_escape(str(out))}: {result.real.height:,} real + {result.filled:,} synthetic rows "
        f"(marker column '{result.marker}')"
    )
    console.print(f"manifest: {_escape(str(manifest))}")


#: ConditionOutcome.method as the console shows it.
_METHODS = {
    "smoothed_bootstrap": "bootstrap",
    "own_model": "own model",
    "whole_table": "whole table",
}


def _generator(q: QualityScores | None) -> str:
    """The generator's score (a fresh draw's), or "-"."""
    if q is None or q.generator is None or q.generator.overall is None:
        return "-"
    return f"{q.generator.overall:.3f}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def register(app: typer.Typer) -> None:
    """Add ``synth`` to the app."""
    app.command(no_args_is_help=True)(synth)
