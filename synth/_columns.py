"""Columns SDV should not model (id-like, free text) and how they are filled in the output."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from ._errors import SynthConfigError
from ._plan import condition_mask

#: sdtypes accepted in ``sdtypes=`` overrides; ``id`` and ``text`` are handled by ``synth``.
KNOWN_SDTYPES = frozenset({"categorical", "numerical", "boolean", "datetime", "id", "text"})
#: A string column is "free text" when at least this share of its values are distinct ...
TEXT_UNIQUE_RATIO = 0.5
#: ... and it has more than this many distinct values.
TEXT_MIN_DISTINCT = 20
#: Columns shorter than this are never treated as id-like (too little evidence).
MIN_ROWS_FOR_ID = 10

_ID_NAME = re.compile(r"(^|_)(id|uuid|guid|key)$|[a-z]Id$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnRoles:
    """How each column is treated.

    Attributes:
        model: Columns given to the SDV model.
        ids: Id-like columns: dropped from the model, new unique values in the output.
        texts: Free-text columns: dropped from the model, sampled from real rows of the
            same condition in the output.
        sdtypes: sdtype overrides applied to the SDV metadata.
    """

    model: tuple[str, ...]
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    sdtypes: Mapping[str, str]


def classify_columns(
    real: pl.DataFrame,
    *,
    condition_columns: Sequence[str],
    sdtypes: Mapping[str, str] | None,
) -> tuple[ColumnRoles, list[str]]:
    """Split columns into modelled / id-like / free-text, and explain the split in notes."""
    overrides = dict(sdtypes or {})
    for column, sdtype in overrides.items():
        if column not in real.columns:
            raise SynthConfigError(
                f"sdtypes names unknown column '{column}'; use columns of the data: "
                f"{', '.join(real.columns)}"
            )
        if sdtype not in KNOWN_SDTYPES:
            raise SynthConfigError(
                f"sdtypes['{column}'] = '{sdtype}' is not supported; "
                f"use one of {', '.join(sorted(KNOWN_SDTYPES))}"
            )
    notes: list[str] = []
    model: list[str] = []
    ids: list[str] = []
    texts: list[str] = []
    model_sdtypes: dict[str, str] = {}
    conditions = set(condition_columns)
    for column in real.columns:
        role = overrides.get(column) or _detect(real.get_column(column))
        if column in conditions and role in {"id", "text"}:
            notes.append(
                f"column '{column}' looks {role}-like but is a condition: modelled as categorical"
            )
            role = "categorical"
        if role == "id":
            ids.append(column)
            notes.append(
                f"column '{column}' is id-like: not modelled; new unique values continue after the real ones"
            )
        elif role == "text":
            texts.append(column)
            notes.append(
                f"column '{column}' is free text: not modelled; values sampled from real rows of the same condition"
            )
        else:
            model.append(column)
            if column in overrides or (column in conditions and role == "categorical"):
                model_sdtypes[column] = role
    roles = ColumnRoles(tuple(model), tuple(ids), tuple(texts), model_sdtypes)
    return roles, notes


def _detect(series: pl.Series) -> str:
    """``id``, ``text`` or ``model`` (let SDV decide) for one column."""
    values = series.drop_nulls()
    n = values.len()
    if n < MIN_ROWS_FOR_ID:
        return "model"
    distinct = values.n_unique()
    named_id = bool(_ID_NAME.search(series.name))
    if series.dtype.is_integer() and distinct == n:
        span = int(values.max()) - int(values.min()) + 1  # type: ignore[arg-type]
        if named_id or span <= 2 * n:
            return "id"
    if series.dtype in (pl.String, pl.Categorical):
        strings = values.cast(pl.String)
        if named_id and distinct >= 0.9 * n:
            return "id"
        if distinct / n >= TEXT_UNIQUE_RATIO and distinct > TEXT_MIN_DISTINCT:
            spaced = strings.str.contains(" ").mean() or 0.0
            if distinct == n and spaced < 0.5 and (strings.str.len_chars().mean() or 0) < 40:  # type: ignore[operator]
                return "id"
            return "text"
    return "model"


class ColumnFiller:
    """Fills id-like and free-text columns of generated rows, deterministically.

    Free text is drawn from ``texts_from`` (default: the real rows), so a caller that passes
    only the rows its validator accepts gets text that passes it too. A string id column with
    a pattern in ``patterns`` gets new values enumerated from that regular expression (RDT's
    ``strings_from_regex``, the generator SDV uses for ``regex_format`` ids), skipping values
    real rows hold; without one, ``syn-00000000``, ``syn-00000001``, ...
    """

    def __init__(
        self,
        real: pl.DataFrame,
        roles: ColumnRoles,
        *,
        seed: int,
        texts_from: pl.DataFrame | None = None,
        patterns: Mapping[str, str] | None = None,
    ) -> None:
        self._real = real
        self._texts = real if texts_from is None else texts_from
        self._roles = roles
        self._rng = np.random.default_rng(seed)
        self._next_int: dict[str, int] = {}
        self._next_str: dict[str, int] = {}
        self._taken: dict[str, set[str]] = {}
        self._patterned: dict[str, Iterator[str]] = {}
        for column in roles.ids:
            series = real.get_column(column)
            if series.dtype.is_integer():
                top = series.max()
                self._next_int[column] = int(top) + 1 if top is not None else 0  # type: ignore[arg-type]
            else:
                self._next_str[column] = 0
                self._taken[column] = set(series.drop_nulls().cast(pl.String).to_list())
                pattern = (patterns or {}).get(column)
                source = None if pattern is None else _from_regex(pattern)
                if source is not None:
                    self._patterned[column] = source

    def fill(self, rows: pl.DataFrame, condition: Mapping[str, object]) -> pl.DataFrame:
        """Add the id and text columns to ``rows`` (generated under ``condition``)."""
        n = rows.height
        new: list[pl.Series] = []
        for column in self._roles.ids:
            dtype = self._real.schema[column]
            if column in self._next_int:
                start = self._next_int[column]
                self._next_int[column] = start + n
                new.append(pl.Series(column, np.arange(start, start + n)).cast(dtype))
            else:
                new.append(pl.Series(column, self._new_strings(column, n)).cast(dtype))
        if self._roles.texts:
            same = self._texts.filter(condition_mask(self._texts, condition))
            for column in self._roles.texts:
                pool = same.get_column(column).drop_nulls()
                if pool.len() == 0:
                    new.append(pl.Series(column, [None] * n, dtype=self._real.schema[column]))
                else:
                    picks = self._rng.integers(0, pool.len(), size=n)
                    new.append(pool.gather(picks).alias(column))
        return rows.with_columns(new) if new else rows

    def _new_strings(self, column: str, n: int) -> list[str | None]:
        """``n`` new ids that collide with no real value (None once a pattern runs out)."""
        taken = self._taken[column]
        out: list[str | None] = []
        source = self._patterned.get(column)
        if source is not None:
            for value in source:
                if len(out) == n:
                    break
                if value not in taken:
                    out.append(value)
            return out + [None] * (n - len(out))  # a null fails the suite: resampled, reported
        k = self._next_str[column]
        while len(out) < n:
            value = f"syn-{k:08d}"
            k += 1
            if value not in taken:
                out.append(value)
        self._next_str[column] = k
        return out


def _from_regex(pattern: str) -> Iterator[str] | None:
    """Strings matching ``pattern`` in RDT's enumeration order; None if RDT cannot parse it."""
    from ._deps import require

    utils = require("rdt.transformers.utils")
    bare = pattern.removeprefix("^")
    if bare.endswith("$") and not bare.endswith("\\$"):
        bare = bare[:-1]
    try:
        generator, _ = utils.strings_from_regex(bare)
        found: Iterator[str] = iter(generator)
    except Exception:  # a construct RDT does not enumerate (lookaround ...): plain syn- ids
        return None
    return found
