"""``gates labels``: find suspect labels, outliers and near duplicates in a labelled table."""

from __future__ import annotations

import json
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
    fail,
    is_tty,
    load_data,
    out_console,
    progress_bar,
    user_errors,
)

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from gates._io import Dataset
    from labeling import LabelReport

__all__ = ["register"]

#: Value columns shown beside a suspect row, at most (all of them are in --out/--html).
_MAX_VALUE_COLUMNS = 6
#: Characters of a value shown in the terminal table.
_CELL = 18
#: Classes shown as a confusion matrix; more are listed as the largest off-diagonal pairs.
_MATRIX_CLASSES = 12


class ModelChoice(StrEnum):
    ensemble = "ensemble"
    hgb = "hgb"
    logistic = "logistic"


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def labels(
    data: DataArg = None,
    label: Annotated[
        str, typer.Option("--label", "-l", help="The label column.", show_default=False)
    ] = ...,  # type: ignore[assignment]
    features: Annotated[
        str | None,
        typer.Option(help="Comma-separated feature columns.", show_default="every other column"),
    ] = None,
    pred_probs: Annotated[
        Path | None,
        typer.Option(
            help="Your model's out-of-sample probabilities: .npy, or a table file with one column per class (named by class, or in sorted class order), one row per input row."
        ),
    ] = None,
    pred_probs_columns: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated columns of DATA holding the probabilities, e.g. p_fraud,p_ok."
        ),
    ] = None,
    model: Annotated[
        ModelChoice, typer.Option(help="Cross-validated model when no probabilities are given.")
    ] = ModelChoice.ensemble,
    folds: Annotated[int, typer.Option(min=2, help="Stratified K-fold count.")] = 5,
    seed: Annotated[int, typer.Option(help="Same seed and data: the same issues.")] = 0,
    issue_types: Annotated[
        str,
        typer.Option(help="Comma-separated: label, outlier, near_duplicate, class_imbalance."),
    ] = "label,outlier,near_duplicate,class_imbalance",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write every issue row here (.parquet/.pq or .csv)."),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Write a self-contained HTML review page here.")
    ] = None,
    top: Annotated[int, typer.Option(min=0, help="Suspect rows shown per issue type.")] = 10,
    table: TableOpt = None,
    sql: SqlOpt = None,
    fmt: FormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print a one-line summary; no progress.")
    ] = False,
) -> None:
    """Rank the rows whose label looks wrong (and outliers, near duplicates) for review.

    Cleanlab scores every row from out-of-sample probabilities (cross-validated HGB or
    logistic regression, or yours); lower scores are more suspect. Exits 0 when the analysis
    ran (gate on the rates with a suite's `labels:` section and `gates check`), 2 on bad input.

    Examples:

        gates labels data/train.parquet --label target

        gates labels data/train.parquet -l target --html review.html --out issues.parquet

        gates labels scored.parquet -l label --pred-probs-columns p_fraud,p_ok --issue-types label
    """
    from gates.engines._labels import require_labels, run_find_issues

    with user_errors():
        require_labels()
        from labeling import ISSUE_TYPES, LabelingError

        types = _split(issue_types) or []
        unknown = [t for t in types if t not in ISSUE_TYPES]
        if unknown or not types:
            fail(
                f"--issue-types: unknown issue type {(unknown or [''])[0]!r}; "
                f"use a comma-separated list of: {', '.join(ISSUE_TYPES)}"
            )
        if pred_probs is not None and pred_probs_columns is not None:
            fail("give --pred-probs or --pred-probs-columns, not both")
        if out is not None:
            _check_out(out, force, data)
        dataset = load_data(data, table=table, sql=sql, fmt=fmt)
        if (
            dataset.files
            and out is not None
            and out.resolve() in {f.resolve() for f in dataset.files}
        ):
            fail(f"--out {out} is the input data; write the issues to a new file")
        feats = _split(features)
        prob_cols = _split(pred_probs_columns)
        for what, cols in (
            ("--label", [label]),
            ("--features", feats),
            ("--pred-probs-columns", prob_cols),
        ):
            missing = [c for c in cols or () if c not in dataset.columns]
            if missing:
                shown = ", ".join(dataset.columns[:20]) + (
                    " …" if len(dataset.columns) > 20 else ""
                )
                fail(f"{what}: column {missing[0]!r} is not in {dataset.source} (columns: {shown})")
        frame, probs = _read(dataset, label, feats, prob_cols)
        if pred_probs is not None:
            probs = _read_pred_probs(pred_probs, frame.get_column(label))
        try:
            with progress_bar(
                is_tty() and not quiet and str(json_path) != "-", "labels"
            ) as progress:
                report = run_find_issues(
                    frame,
                    label=label,
                    features=feats,
                    pred_probs=probs,
                    model=model.value,
                    folds=folds,
                    seed=seed,
                    issue_types=types,
                    progress=progress,
                )
        except LabelingError as exc:
            fail(_escape(f"{dataset.source}: {exc}"))
        written = _write_outputs(
            report,
            out=out,
            json_path=json_path,
            html=html,
            source=dataset.source,
            label=label,
            model=model.value,
            seed=seed,
        )
        if str(json_path) == "-":
            raise typer.Exit(int(ExitCode.OK))
        console = out_console()
        if quiet:
            console.print(_one_line(report, dataset.source), soft_wrap=True)
        else:
            _print_report(console, report, label=label, top=top)
        for path in written:
            console.print(f"[dim]wrote {_escape(path)}[/]")
    raise typer.Exit(int(ExitCode.OK))


# --- input ---------------------------------------------------------------------------------
def _check_out(out: Path, force: bool, data: str | None) -> None:
    """Refuse an unknown suffix, the input file, or an existing --out without --force."""
    if out.suffix.lower() not in (".parquet", ".pq", ".csv"):
        fail(f"--out {out}: unknown suffix {out.suffix!r}; use .parquet, .pq or .csv")
    if data is not None and Path(data).exists() and out.resolve() == Path(data).resolve():
        fail(f"--out {out} is the input data; write the issues to a new file")
    if out.exists() and not force:
        fail(f"{out} already exists; pass --force to replace it or choose another --out")


def _read(
    dataset: Dataset, label: str, feats: list[str] | None, prob_cols: list[str] | None
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    import polars as pl

    from gates.engines._labels import collect_frame

    try:
        return collect_frame(
            dataset.lazy,
            label=label,
            features=feats,
            pred_probs_columns=prob_cols,
            columns=dataset.columns,
        )
    except pl.exceptions.PolarsError as exc:
        raise dataset.input_error(exc) from exc


def _read_pred_probs(path: Path, labels: pl.Series) -> Any:
    """An .npy array, or a table file read like DATA (columns named by class are reordered)."""
    from gates._errors import InputError
    from gates._io import load
    from gates.engines._labels import pred_probs_frame

    if not path.is_file():
        fail(f"--pred-probs {path}: no such file")
    if path.suffix.lower() == ".npy":
        import numpy as np

        try:
            return np.load(path, allow_pickle=False)
        except ValueError as exc:
            raise InputError(f"--pred-probs {path}: not a numeric .npy array ({exc})") from exc
    import polars as pl

    ds = load(str(path))
    try:
        frame = ds.lazy.collect()
    except pl.exceptions.PolarsError as exc:
        raise ds.input_error(exc) from exc
    return pred_probs_frame(frame, labels)


# --- output --------------------------------------------------------------------------------
def _write_outputs(
    report: LabelReport,
    *,
    out: Path | None,
    json_path: Path | None,
    html: Path | None,
    source: str,
    label: str,
    model: str,
    seed: int,
) -> list[str]:
    from gates.report import write_text
    from gates.report._labels_html import to_labels_html

    written: list[str] = []
    if out is not None:
        from gates._io._write import write_output

        issues = report.issues
        writer = issues.write_csv if out.suffix.lower() == ".csv" else issues.write_parquet
        # atomic, and never onto the data the issues were found in
        written.append(str(write_output(out, writer, inputs=[source], what="issue list")))
    if json_path is not None:
        doc = {
            "source": source,
            "label": label,
            "model": model if report.folds else "pred_probs",
            "seed": seed,
            **report.to_dict(),
        }
        text = json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
        if str(json_path) == "-":
            typer.echo(text, nl=False)
        else:
            written.append(str(write_text(json_path, text)))
    if html is not None:
        page = to_labels_html(report, source=source, label=label, model=model, seed=seed)
        written.append(str(write_text(html, page)))
    return written


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _one_line(report: LabelReport, source: str) -> str:
    parts = [f"{t} {int(report.flags[t].sum()):,} ({r:.2%})" for t, r in report.rates.items()]
    return _escape(f"{source}: {report.n_analysed:,} rows analysed; " + ", ".join(parts))


def _print_report(console: Console, report: LabelReport, *, label: str, top: int) -> None:
    """The ranked issues, per-class summary, confusion, rates, dropped features and notes."""
    import polars as pl
    from rich.table import Table
    from rich.text import Text

    fixed = ["row", "issue_type", "given_label", "suggested_label", "score"]
    values = [c for c in report.issues.columns[5:] if c != label]
    room = max(1, min(_MAX_VALUE_COLUMNS, (console.width - 70) // (_CELL + 3)))
    shown, hidden = values[:room], len(values) - room
    n_issues = report.issues.height
    title = (
        f"suspect rows: {n_issues:,} flags, up to {top} per issue type, worst (lowest score) first"
    )
    issues = Table(title=title, title_justify="left", show_edge=False)
    for c in fixed:
        issues.add_column(c, justify="right" if c in ("row", "score") else "left", no_wrap=True)
    for c in shown:
        issues.add_column(c, no_wrap=True, max_width=_CELL, overflow="ellipsis")
    if hidden > 0:
        issues.caption = f"+{hidden} more column(s): see --out or --html"
        issues.caption_justify = "left"
    for t in report.rates:
        part = report.issues.filter(pl.col("issue_type") == t).head(top)
        if part.height and issues.row_count:
            issues.add_section()
        for row in part.iter_rows(named=True):
            cells = [
                Text(str(row["row"])),
                Text(t),
                Text(_cell(row["given_label"])),
                Text(
                    _cell(row["suggested_label"]),
                    style="bold" if row["suggested_label"] != row["given_label"] else "",
                ),
                Text(f"{row['score']:.4f}"),
                *(Text(_cell(row[c])) for c in shown),
            ]
            issues.add_row(*cells)
    if top and n_issues:
        console.print(issues)
    elif not n_issues:
        console.print("no issues flagged")

    classes = Table(title=f"per class of {label!r}", title_justify="left", show_edge=False)
    for c, j in (
        ("class", "left"),
        ("rows", "right"),
        ("share", "right"),
        ("label issues", "right"),
        ("issue rate", "right"),
    ):
        classes.add_column(c, justify=j)  # type: ignore[arg-type]
    for row in report.class_summary.head(30).iter_rows(named=True):
        classes.add_row(
            Text(_cell(row["class"])),
            f"{row['rows']:,}",
            f"{row['share']:.2%}",
            f"{row['label_issues']:,}",
            f"{row['issue_rate']:.2%}",
        )
    if report.class_summary.height > 30:
        classes.caption = f"+{report.class_summary.height - 30} more classes: see --json or --html"
    console.print(classes)
    _print_confusion(console, report)
    rates = Table(title="rates per issue type", title_justify="left", show_edge=False)
    for c, j in (("issue type", "left"), ("flagged rows", "right"), ("rate", "right")):
        rates.add_column(c, justify=j)  # type: ignore[arg-type]
    for t, r in report.rates.items():
        rates.add_row(t, f"{int(report.flags[t].sum()):,}", f"{r:.2%}")
    console.print(rates)

    if report.dropped_features:
        console.print("dropped features:")
        for col, why in report.dropped_features:
            console.print(Text(f"  {col}: {why}"))
    for note in report.notes:
        console.print(Text.assemble(("note: ", "yellow"), note))
    console.print(
        f"{report.n_analysed:,} of {report.n_rows:,} rows analysed; "
        f"{'your pred_probs' if report.folds == 0 else f'{report.folds}-fold cross-validation'}; "
        f"{_agreement(report)}scores are in [0, 1], lower = more suspect"
    )


def _agreement(report: LabelReport) -> str:
    """The report's agreement summary and a separator, or "" without analysed rows."""
    text = report.agreement_summary()
    return "" if text is None else f"{text}; "


def _print_confusion(console: Console, report: LabelReport) -> None:
    """Given vs suggested label: a matrix for a few classes, else the largest mismatches."""
    from rich.table import Table
    from rich.text import Text

    counts = {(g, s): n for g, s, n in report.confusion.iter_rows()}
    if len(report.classes) <= _MATRIX_CLASSES:
        table = Table(title="given vs suggested label", title_justify="left", show_edge=False)
        table.add_column("given \\ suggested")
        for s in report.classes:
            table.add_column(_cell(s), justify="right")
        for g in report.classes:
            cells = []
            for s in report.classes:
                n = counts.get((g, s), 0)
                style = "" if g == s or not n else "red"
                cells.append(Text(f"{n:,}", style=style))
            table.add_row(Text(_cell(g)), *cells)
    else:
        table = Table(
            title="largest given → suggested mismatches", title_justify="left", show_edge=False
        )
        for c in ("given", "suggested", "rows"):
            table.add_column(c, justify="right" if c == "rows" else "left")
        off = sorted(((n, g, s) for (g, s), n in counts.items() if g != s), key=lambda x: -x[0])
        for n, g, s in off[:20]:
            table.add_row(Text(_cell(g)), Text(_cell(s)), f"{n:,}")
    console.print(table)


def _cell(value: Any) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add ``labels`` to the app."""
    app.command(no_args_is_help=True)(labels)
