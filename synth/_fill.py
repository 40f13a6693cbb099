"""``fill``: fit once, sample each short condition, re-validate, reject copies, score."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from ._columns import ColumnFiller, ColumnRoles, classify_columns
from ._deps import versions
from ._errors import SynthConfigError
from ._model import (
    ConditionModel,
    FittedModel,
    Inequality,
    SynthesizerName,
    check_synthesizer,
    fit_model,
)
from ._plan import (
    DEFAULT_MIN_ROWS_TO_LEARN,
    FillPlan,
    PlannedCondition,
    Shortfall,
    condition_mask,
    plan_fill,
)
from ._privacy import PrivacyScores, dcr
from ._quality import GENERATOR_ROWS, MIN_REFERENCE_ROWS, QualityScores, quality
from ._result import ConditionOutcome, FillResult
from ._sampling import Validator, condition_models, draw, fill_one, valid_rows

#: A progress callback gets a stage name and the overall fraction done (0..1).
Progress = Callable[[str, float], None]
#: Default cap on the rows the model is fitted on.
DEFAULT_FIT_ROWS = 50_000
#: A condition with at least this many real rows gets a model fitted on its own rows.
DEFAULT_CONDITION_MODEL_ROWS = 20
#: ... which is the smoothed bootstrap below this many rows, and the SDV synthesizer above.
DEFAULT_BOOTSTRAP_ROWS = 500
#: Share of ``fit_rows`` reserved for the short conditions' rows when the data is capped.
_CONDITION_SHARE = 0.75


def fill(
    real: pl.DataFrame,
    shortfalls: Sequence[Shortfall] | FillPlan,
    *,
    synthesizer: SynthesizerName = "gaussian_copula",
    epochs: int | None = None,
    sdtypes: Mapping[str, str] | None = None,
    fit_rows: int = DEFAULT_FIT_ROWS,
    min_rows_to_learn: int = DEFAULT_MIN_ROWS_TO_LEARN,
    condition_model_rows: int = DEFAULT_CONDITION_MODEL_ROWS,
    bootstrap_rows: int = DEFAULT_BOOTSTRAP_ROWS,
    validator: Validator | None = None,
    learn_from_valid: bool = True,
    id_patterns: Mapping[str, str] | None = None,
    inequalities: Sequence[Inequality] = (),
    max_rounds: int = 5,
    reject_copies: bool = True,
    marker: str = "is_synthetic",
    seed: int = 0,
    progress: Progress | None = None,
) -> FillResult:
    """Fill coverage gaps of ``real`` with SDV synthetic rows carrying the short conditions.

    One single-table synthesizer is fitted on (a capped sample of) the real data, then each
    planned condition is sampled conditionally, so every generated row carries exactly the
    condition's values. Generated rows equal to a real row are dropped (``reject_copies``);
    rows the ``validator`` fails are dropped; both are resampled for up to ``max_rounds``
    rounds. Whatever is still missing is reported per condition, never hidden.

    Args:
        real: The real data.
        shortfalls: The gaps, or a ``FillPlan`` from ``plan_fill``.
        synthesizer: ``"gaussian_copula"`` (fast, default), ``"ctgan"`` or ``"tvae"``.
        epochs: Training epochs for CTGAN/TVAE (default 30); ignored by the copula.
        sdtypes: Per-column SDV sdtype overrides, e.g. ``{"zip": "categorical"}``;
            ``"id"`` and ``"text"`` mark columns to keep out of the model.
        fit_rows: Fit on at most this many rows (short conditions' rows kept first).
        min_rows_to_learn: Conditions with fewer matching real rows are skipped.
        condition_model_rows: A condition with at least this many real rows is sampled from
            a model fitted on those rows alone (so its rows look like the class they claim
            to be); smaller ones are sampled conditionally from the model of the whole
            table. 0 always uses the whole-table model.
        bootstrap_rows: Such a condition with fewer real rows than this is sampled by the
            smoothed bootstrap (new rows between a real row and a near neighbour of the same
            condition, ``synth._bootstrap``), too few rows for SDV to learn its column pairs;
            larger ones get their own ``synthesizer``. 0 never uses the bootstrap.
        validator: Returns one pass flag per candidate row; failing rows are resampled.
        learn_from_valid: With a ``validator``, fit every model (and draw free text) from
            the real rows it passes only, so the generated rows satisfy what it checks by
            construction wherever the generator keeps to its training rows: SDV keeps
            numbers inside the training min/max and categories to the seen values, a column
            without nulls gets none, and the smoothed bootstrap interpolates between rows
            (a range, an allowed value, a pattern or ``a <= b`` that holds for both ends
            holds between them). The validator still judges every generated row (what is
            left, e.g. a rule across columns for an SDV model, is rejected and resampled).
            The validator's ``passes`` method is used on the real rows when it has one, so
            a validator that counts its rejections counts generated rows only. If no real
            row passes, every row is learned from and a note says so.
        id_patterns: Regular expression per id-like string column (e.g. a suite's
            ``str_matches``): its new values are enumerated from the pattern (RDT's
            ``strings_from_regex``), skipping real values, instead of ``syn-00000000``.
        inequalities: ``Inequality(low, high, strict)`` rules (e.g. a suite's ``a <= b``
            expression): SDV models get them as ``sdv.cag.Inequality`` constraints, so
            their rows hold them by construction; the smoothed bootstrap holds them too (a
            point between two rows that hold ``a <= b`` holds it).
        max_rounds: Sampling rounds per condition (>= 1).
        reject_copies: Drop generated rows identical to a real row (modelled columns).
        marker: Name of the boolean provenance column added to the output.
        seed: Same seed, same data and options → identical synthetic rows.
        progress: Called with ``(stage, fraction_done)`` as the run advances.

    Returns:
        The ``FillResult``: synthetic rows, per-condition counts, scores and notes.

    Raises:
        ConditionError: A shortfall is malformed.
        SynthConfigError: An option is invalid (synthesizer, sdtypes, marker, counts).
        ValidatorError: The validator returned a mask of the wrong length.
        GenerationError: SDV failed to fit or sample.
        MissingSynthExtraError: sdv/sdmetrics are not installed.
    """
    report = progress or (lambda _stage, _done: None)
    _check_options(real, synthesizer, epochs, fit_rows, max_rounds, marker)
    plan = (
        shortfalls
        if isinstance(shortfalls, FillPlan)
        else plan_fill(real, shortfalls, min_rows_to_learn=min_rows_to_learn)
    )
    report("plan", 0.0)
    notes = [item.reason for item in plan.skipped]
    active = plan.active
    parameters: dict[str, Any] = {
        "fit_rows": fit_rows,
        "min_rows_to_learn": plan.min_rows_to_learn,
        "max_rounds": max_rounds,
        "reject_copies": reject_copies,
        "validator": getattr(validator, "__name__", type(validator).__name__)
        if validator
        else None,
    }
    if not active:
        notes.append("nothing to fill: every condition was skipped")
        report("done", 1.0)
        return _result(
            real,
            plan,
            _skipped_outcomes(plan),
            {},
            PrivacyScores(0, 0, None, None, None, 0),
            notes,
            synthesizer,
            parameters,
            seed,
            marker,
            _empty(real, marker),
        )

    columns = sorted({c for item in active for c in item.condition})
    roles, column_notes = classify_columns(real, condition_columns=columns, sdtypes=sdtypes)
    notes.extend(column_notes)
    learn = real
    if validator is not None and learn_from_valid:
        learn, learn_note = valid_rows(real, validator)
        notes.append(learn_note)
    parameters["learn_from_valid"] = learn_from_valid and validator is not None
    train, fit_note = _fit_sample(learn, active, fit_rows, seed)
    if fit_note:
        notes.append(fit_note)
    report("fit", 0.05)
    model = fit_model(
        train.select(roles.model),
        synthesizer=synthesizer,
        epochs=epochs,
        sdtypes=roles.sdtypes,
        seed=seed,
        inequalities=inequalities,
        notes=notes,
    )
    parameters = {**model.parameters, **parameters}
    report("fit", 0.4)

    real_keys = real.select(roles.model).unique() if reject_copies else real.select([])
    filler = ColumnFiller(real, roles, seed=seed, texts_from=learn, patterns=id_patterns)
    outcomes: dict[str, ConditionOutcome] = {}
    kept: dict[str, pl.DataFrame] = {}
    own = condition_models(
        learn,
        active,
        roles,
        condition_model_rows,
        bootstrap_rows,
        synthesizer,
        epochs,
        model,
        seed,
        inequalities,
        notes,
    )
    if own:
        boot = sum(1 for m in own.values() if m.method == "smoothed_bootstrap")
        notes.append(
            f"{len(own)} of {len(active)} condition(s) sampled from their own real rows (at "
            f"least {condition_model_rows}): {boot} by the smoothed bootstrap (fewer than "
            f"{bootstrap_rows} rows), {len(own) - boot} by a {synthesizer} model of the rows; "
            "the rest conditionally from the whole table"
        )
    parameters["condition_model_rows"] = condition_model_rows
    parameters["bootstrap_rows"] = bootstrap_rows
    for i, item in enumerate(active):
        use: FittedModel | ConditionModel = own.get(item.label, model)
        rows, outcome = fill_one(item, i, use, filler, real_keys, validator, max_rounds, seed)
        outcome = replace(
            outcome, method=use.method if isinstance(use, ConditionModel) else "whole_table"
        )
        if outcome.method == "whole_table" and 0 < item.real_rows < condition_model_rows:
            notes.append(
                f"{item.label}: {item.real_rows} real rows, fewer than condition_model_rows="
                f"{condition_model_rows}: too few to learn the condition from, so its rows were "
                "sampled from the model of the whole table and their other columns follow the "
                "whole table, not the condition (quality is scored against all real rows)"
            )
        elif outcome.method == "whole_table" and 0 < condition_model_rows <= item.real_rows:
            notes.append(
                f"{item.label}: fewer than condition_model_rows={condition_model_rows} of its "
                f"{item.real_rows} real rows pass the validator, so its rows were sampled from "
                "the model of the whole table"
            )
        outcomes[item.label] = outcome
        if rows.height:
            kept[item.label] = rows.select(real.columns)
        if outcome.unfilled:
            notes.append(outcome.reason)
        report("sample", 0.4 + 0.45 * (i + 1) / len(active))

    synthetic = pl.concat(list(kept.values()), how="vertical_relaxed") if kept else real.clear()
    synthetic = synthetic.with_columns(pl.lit(True).alias(marker))
    report("score", 0.9)
    copies = sum(o.rejected_copies for o in outcomes.values())
    privacy = dcr(synthetic, train, roles.model, exact_copies_rejected=copies)
    notes.append(f"DCR measured against the {train.height} real rows the model was fitted on")
    report("score", 0.92)
    used = {item.label: own.get(item.label, model) for item in active}
    draws = {
        item.label: draw(item, i, used[item.label], filler, real_keys, validator, seed)
        for i, item in enumerate(active)
        if 0 < kept.get(item.label, real.clear()).height < GENERATOR_ROWS
    }
    scores = _quality(real, kept, active, model, roles, seed, draws)
    report("done", 1.0)
    notes = list(dict.fromkeys(notes))  # a constraint note from each model fit, once
    ordered = tuple(outcomes.get(item.label) or _skipped(item) for item in plan.items)
    return _result(
        real,
        plan,
        ordered,
        scores,
        privacy,
        notes,
        synthesizer,
        parameters,
        seed,
        marker,
        synthetic,
    )


def _fit_sample(
    real: pl.DataFrame, active: Sequence[PlannedCondition], fit_rows: int, seed: int
) -> tuple[pl.DataFrame, str | None]:
    """At most ``fit_rows`` rows, the short conditions' rows first."""
    if real.height <= fit_rows:
        return real, None
    mask = pl.lit(False)
    for item in active:
        mask = mask | condition_mask(real, item.condition)
    short = real.filter(mask)
    rest = real.filter(~mask)
    keep_short = min(short.height, max(int(fit_rows * _CONDITION_SHARE), fit_rows - rest.height))
    if keep_short < short.height:
        short = short.sample(keep_short, seed=seed)
    rest = rest.sample(min(rest.height, fit_rows - short.height), seed=seed)
    note = (
        f"model fitted on {short.height + rest.height} of {real.height} real rows "
        f"(fit_rows={fit_rows}; {short.height} rows of the short conditions kept first)"
    )
    return pl.concat([short, rest]), note


def _quality(
    real: pl.DataFrame,
    kept: Mapping[str, pl.DataFrame],
    active: Sequence[PlannedCondition],
    model: FittedModel,
    roles: ColumnRoles,
    seed: int,
    draws: Mapping[str, pl.DataFrame] | None = None,
) -> dict[str, QualityScores]:
    """Per-condition quality against the same condition's real rows (or all real rows), and
    of each condition's fresh draw (``draws``) against the same rows."""
    scores: dict[str, QualityScores] = {}
    sdtypes = {c: t for c, t in model.sdtypes.items() if c in roles.model}
    for item in active:
        syn = kept.get(item.label, real.clear())
        same = real.filter(condition_mask(real, item.condition))
        enough = same.height >= MIN_REFERENCE_ROWS
        scores[item.label] = quality(
            same if enough else real,
            syn,
            sdtypes=sdtypes,
            skip_columns=list(item.condition),  # constant by construction: nothing to score
            reference="condition" if enough else "overall",
            seed=seed,
            draw=(draws or {}).get(item.label),
        )
    return scores


def _check_options(
    real: pl.DataFrame,
    synthesizer: str,
    epochs: int | None,
    fit_rows: int,
    max_rounds: int,
    marker: str,
) -> None:
    """Raise ``SynthConfigError`` on invalid options."""
    check_synthesizer(synthesizer, epochs)
    if fit_rows < 1:
        raise SynthConfigError(f"fit_rows must be >= 1, got {fit_rows}")
    if max_rounds < 1:
        raise SynthConfigError(f"max_rounds must be >= 1, got {max_rounds}")
    if marker in real.columns:
        raise SynthConfigError(
            f"marker column '{marker}' already exists in the data; pass another name with marker="
        )


def _skipped(item: PlannedCondition) -> ConditionOutcome:
    """The outcome of a condition the plan skipped: nothing filled, all unfilled."""
    return ConditionOutcome(
        condition=item.condition,
        requested=item.requested,
        filled=0,
        unfilled=item.requested,
        skip=item.skip,
        reason=item.reason,
    )


def _skipped_outcomes(plan: FillPlan) -> tuple[ConditionOutcome, ...]:
    return tuple(_skipped(item) for item in plan.items)


def _empty(real: pl.DataFrame, marker: str) -> pl.DataFrame:
    return real.clear().with_columns(pl.lit(True).alias(marker))


def _result(
    real: pl.DataFrame,
    plan: FillPlan,
    outcomes: tuple[ConditionOutcome, ...],
    scores: Mapping[str, QualityScores],
    privacy: PrivacyScores,
    notes: list[str],
    synthesizer: str,
    parameters: Mapping[str, Any],
    seed: int,
    marker: str,
    synthetic: pl.DataFrame,
) -> FillResult:
    return FillResult(
        synthetic=synthetic,
        real=real,
        plan=plan,
        outcomes=outcomes,
        quality=scores,
        privacy=privacy,
        notes=tuple(notes),
        synthesizer=synthesizer,
        parameters=parameters,
        seed=seed,
        marker=marker,
        versions=versions(),
    )
