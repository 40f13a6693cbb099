"""A condition's generators, their draws, and the screening of every drawn row.

``condition_models`` fits a model of each condition's own real rows where it has enough;
``fill_one`` samples a condition in rounds until it is filled; ``draw`` takes the fresh
scoring draw of a generator; ``screened`` fills the free columns of drawn rows and drops
copies of real rows and rows the validator fails. ``fill`` (``_fill.py``) runs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from ._bootstrap import NeighbourBootstrap, interpolable
from ._columns import ColumnFiller, ColumnRoles
from ._errors import ValidatorError
from ._model import ConditionModel, FittedModel, Inequality, SynthesizerName, fit_model
from ._plan import PlannedCondition, condition_mask
from ._privacy import copy_mask
from ._quality import GENERATOR_ROWS
from ._result import ConditionOutcome

#: A validator gets candidate rows (real columns, no marker) and returns one pass flag per row.
Validator = Callable[[pl.DataFrame], "pl.Series | Sequence[bool]"]
#: A round never asks SDV for more than this multiple of the rows still missing.
_MAX_OVERSAMPLE = 20


def condition_models(
    real: pl.DataFrame,
    active: Sequence[PlannedCondition],
    roles: ColumnRoles,
    min_rows: int,
    bootstrap_rows: int,
    synthesizer: SynthesizerName,
    epochs: int | None,
    whole: FittedModel,
    seed: int,
    inequalities: Sequence[Inequality] = (),
    notes: list[str] | None = None,
) -> dict[str, ConditionModel]:
    """A model of each condition's own real rows, where it has at least ``min_rows``."""
    out: dict[str, ConditionModel] = {}
    if min_rows <= 0:
        return out
    schema = real.select(roles.model).schema
    for item in active:
        same = real.filter(condition_mask(real, item.condition))
        if same.height < min_rows:
            continue
        free = [c for c in roles.model if c not in item.condition]
        if not free:
            continue
        sdtypes = {c: t for c, t in whole.sdtypes.items() if c in free}
        inner: FittedModel | NeighbourBootstrap
        small = same.height < bootstrap_rows
        if small and any(interpolable(same.schema[c]) for c in free):
            inner = NeighbourBootstrap.fit(same.select(free), sdtypes)
        else:  # enough rows to learn from, or nothing to interpolate (rows would be copies)
            inner = fit_model(
                same.select(free),
                synthesizer=synthesizer,
                epochs=epochs,
                sdtypes=sdtypes,
                seed=seed,
                inequalities=[r for r in inequalities if {r.low, r.high} <= set(free)],
                notes=notes,
            )
        out[item.label] = ConditionModel(inner=inner, condition=dict(item.condition), schema=schema)
    return out


def fill_one(
    item: PlannedCondition,
    index: int,
    model: FittedModel | ConditionModel,
    filler: ColumnFiller,
    real_keys: pl.DataFrame,
    validator: Validator | None,
    max_rounds: int,
    seed: int,
) -> tuple[pl.DataFrame, ConditionOutcome]:
    """Sample one condition for up to ``max_rounds`` rounds; count what was rejected."""
    need = item.requested
    kept: list[pl.DataFrame] = []
    rejected_validation = rejected_copies = generated = validated = rounds = 0
    while need > 0 and rounds < max_rounds:
        pass_rate = (
            1.0
            if generated == 0
            else max((generated - rejected_copies - rejected_validation) / generated, 0.0)
        )
        ask = (
            need
            if pass_rate >= 1.0
            else min(math.ceil(need / max(pass_rate, 1 / _MAX_OVERSAMPLE)), need * _MAX_OVERSAMPLE)
        )
        round_seed = int(np.random.default_rng([seed, index, rounds]).integers(0, 2**31 - 1))
        rounds += 1
        batch = model.sample(item.condition, ask, seed=round_seed)
        if batch.height == 0:
            continue
        generated += batch.height
        batch, copies, judged, failed = screened(batch, item, filler, real_keys, validator)
        rejected_copies += copies
        validated += judged
        rejected_validation += failed
        batch = batch.head(need)
        kept.append(batch)
        need -= batch.height
    reason = ""
    if need:
        reason = (
            f"{item.label}: {need} of {item.requested} rows unfilled after {rounds} round(s) "
            f"({rejected_validation} failed validation, {rejected_copies} exact copies of real rows)"
        )
    outcome = ConditionOutcome(
        condition=item.condition,
        requested=item.requested,
        filled=item.requested - need,
        rejected_validation=rejected_validation,
        rejected_copies=rejected_copies,
        unfilled=need,
        rounds=rounds,
        reason=reason,
        validated=validated,
    )
    frame = pl.concat(kept, how="vertical_relaxed") if kept else pl.DataFrame()
    return frame, outcome


def valid_rows(real: pl.DataFrame, validator: Validator) -> tuple[pl.DataFrame, str]:
    """The real rows the validator passes (all rows if none does), and the note saying so."""
    judge: Validator = getattr(validator, "passes", validator)
    passed = mask(judge, real, what="real rows")
    n = int(passed.sum())
    if n == 0:
        return real, (
            f"no real row passes the validator: models learned from all {real.height:,} "
            "real rows, and every generated row is judged by the validator"
        )
    if n == real.height:
        return real, f"all {n:,} real rows pass the validator: models learned from all of them"
    return real.filter(pl.Series(passed)), (
        f"models learned from the {n:,} of {real.height:,} real rows that pass the validator "
        f"({real.height - n:,} fail it), so generated rows keep to their ranges, values and "
        "nulls"
    )


def mask(validator: Validator, rows: pl.DataFrame, *, what: str = "candidate rows") -> np.ndarray:
    """The validator's verdict as a boolean array (null counts as a failure)."""
    got = validator(rows)
    if isinstance(got, pl.Series):
        values = got.cast(pl.Boolean, strict=False).fill_null(False).to_numpy()
    else:
        values = np.asarray([bool(v) if v is not None else False for v in got], dtype=bool)
    if values.shape != (rows.height,):
        raise ValidatorError(
            f"validator returned {values.size} values for {rows.height} {what}; "
            "return one bool per row (a pl.Series or a sequence of bool)"
        )
    return values.astype(bool)


def draw(
    item: PlannedCondition,
    index: int,
    model: FittedModel | ConditionModel,
    filler: ColumnFiller,
    real_keys: pl.DataFrame,
    validator: Validator | None,
    seed: int,
) -> pl.DataFrame:
    """:data:`GENERATOR_ROWS` fresh rows of the condition from the generator that filled it,
    through the same filters (copies of real rows dropped; the validator's non-counting
    ``passes`` where it has one, so its rejection counts stay those of the kept rows): what
    the generator makes, scored apart from the few rows a fill may keep. Drawn after every
    condition was filled, so the filled rows are those of a run without it.
    """
    draw_seed = int(np.random.default_rng([seed, index, 1 << 20]).integers(0, 2**31 - 1))
    batch = model.sample(item.condition, GENERATOR_ROWS, seed=draw_seed)
    if batch.height == 0:
        return batch
    judge = None if validator is None else getattr(validator, "passes", validator)
    return screened(batch, item, filler, real_keys, judge)[0]


def screened(
    batch: pl.DataFrame,
    item: PlannedCondition,
    filler: ColumnFiller,
    real_keys: pl.DataFrame,
    validator: Validator | None,
) -> tuple[pl.DataFrame, int, int, int]:
    """Generated rows with their free columns filled, without copies of real rows and rows
    the validator fails; and the copies dropped, the rows judged and the rows failed."""
    batch = filler.fill(batch, item.condition)
    copies = 0
    if real_keys.width:
        copied = copy_mask(batch, real_keys)
        copies = int(copied.sum())
        batch = batch.filter(~copied)
    judged = failed = 0
    if validator is not None and batch.height:
        judged = batch.height
        passed = mask(validator, batch)
        failed = int((~passed).sum())
        batch = batch.filter(pl.Series(passed))
    return batch, copies, judged, failed
