"""The SDV boundary: metadata, synthesizer choice, seeded fit and conditional sampling.

Everything SDV-specific (pandas frames, dict-of-tables API, its random state) stays here;
the rest of ``synth`` sees polars frames only.
"""

from __future__ import annotations

import contextlib
import io
import random
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from ._bootstrap import NeighbourBootstrap
from ._deps import require
from ._errors import GenerationError, SynthConfigError

#: Synthesizers ``fill`` can use.
SynthesizerName = Literal["gaussian_copula", "ctgan", "tvae"]
SYNTHESIZERS: tuple[str, ...] = ("gaussian_copula", "ctgan", "tvae")
#: Default training epochs for CTGAN/TVAE: small, so a CPU run takes seconds to minutes.
DEFAULT_EPOCHS = 30
_TABLE = "real"
_NO_ROWS = "Unable to sample any rows"


@dataclass(frozen=True)
class Inequality:
    """``low <= high`` (``low < high`` when ``strict``) on every generated row.

    Passed to SDV as its constraint-augmented generation (``sdv.cag.Inequality``): the model
    learns ``high - low`` on a log scale and generates rows that hold it by construction.
    Used where both columns are numerical or datetime in the model; otherwise (or when SDV
    refuses it) the rule is left to the validator, and a note says so.
    """

    low: str
    high: str
    strict: bool = False

    @property
    def text(self) -> str:
        return f"{self.low} {'<' if self.strict else '<='} {self.high}"


@dataclass
class FittedModel:
    """A fitted SDV single-table synthesizer and what it was fitted on."""

    synthesizer: Any
    name: str
    parameters: dict[str, Any]
    schema: pl.Schema
    sdtypes: dict[str, str]

    def sample(self, condition: Mapping[str, object], rows: int, *, seed: int) -> pl.DataFrame:
        """Up to ``rows`` rows carrying exactly ``condition``; fewer if SDV cannot produce them."""
        sampling = require("sdv.sampling")
        values = {k: (np.nan if v is None else v) for k, v in condition.items()}
        with _quiet():
            self.synthesizer.reset_sampling()
            self.synthesizer._set_random_state(seed)
            if not values:  # a model of one condition's own rows: every sample carries it
                try:
                    out = self.synthesizer.sample(num_rows=rows)
                    if isinstance(out, dict):  # SDV 2: tables by name, like sample_from_conditions
                        out = out[_TABLE]
                except Exception as exc:
                    raise GenerationError(f"SDV could not sample: {exc}") from exc
                return _to_polars(out.reset_index(drop=True), self.schema)
            try:
                out = self.synthesizer.sample_from_conditions(
                    [sampling.Condition(values, num_rows=rows)], max_tries_per_batch=50
                )[_TABLE]
            except ValueError as exc:
                if _NO_ROWS in str(exc):
                    return pl.DataFrame(schema=self.schema)
                raise GenerationError(f"SDV could not sample {condition}: {exc}") from exc
            except Exception as exc:
                raise GenerationError(f"SDV could not sample {condition}: {exc}") from exc
        return _to_polars(out.reset_index(drop=True), self.schema)


@dataclass
class ConditionModel:
    """A synthesizer fitted on one condition's own real rows; the condition's columns are set.

    Conditional sampling from one model of the whole table gives rows whose other columns
    follow the whole table, not the class they claim to be (an SDMetrics shape score of 0.48
    against the class's own rows on the demo). A model of the class's rows learns the class.
    """

    inner: FittedModel | NeighbourBootstrap
    condition: dict[str, object]
    schema: pl.Schema

    @property
    def sdtypes(self) -> dict[str, str]:
        return self.inner.sdtypes

    @property
    def method(self) -> str:
        """``"smoothed_bootstrap"`` or ``"own_model"`` (an SDV synthesizer of these rows)."""
        return "smoothed_bootstrap" if isinstance(self.inner, NeighbourBootstrap) else "own_model"

    def sample(self, condition: Mapping[str, object], rows: int, *, seed: int) -> pl.DataFrame:
        """Up to ``rows`` rows of the condition the model was fitted on."""
        if dict(condition) != self.condition:
            raise GenerationError(f"a model of {self.condition} cannot sample {dict(condition)}")
        out = self.inner.sample({}, rows, seed=seed)
        fixed = [
            pl.lit(value, dtype=self.schema[column]).alias(column)
            for column, value in self.condition.items()
        ]
        return out.with_columns(fixed).select(list(self.schema.names()))


def check_synthesizer(name: str, epochs: int | None) -> None:
    """Raise ``SynthConfigError`` on an unknown synthesizer or a bad ``epochs``."""
    if name not in SYNTHESIZERS:
        raise SynthConfigError(
            f"unknown synthesizer '{name}'; use one of {', '.join(SYNTHESIZERS)}"
        )
    if epochs is not None and (isinstance(epochs, bool) or epochs < 1):
        raise SynthConfigError(f"epochs must be >= 1, got {epochs!r}")


def fit_model(
    train: pl.DataFrame,
    *,
    synthesizer: str,
    epochs: int | None,
    sdtypes: Mapping[str, str],
    seed: int,
    inequalities: Sequence[Inequality] = (),
    notes: list[str] | None = None,
) -> FittedModel:
    """Learn metadata from ``train`` (with ``sdtypes`` overrides) and fit the synthesizer.

    ``inequalities`` whose two columns are modelled as numerical/datetime become SDV
    ``Inequality`` constraints; the others, or all of them when SDV cannot fit with them,
    are skipped with a line in ``notes``.
    """
    check_synthesizer(synthesizer, epochs)
    metadata_mod = require("sdv.metadata")
    single_table = require("sdv.single_table")
    require("sdmetrics")
    # SDV's datetime transformer assumes nanoseconds: a pandas datetime64[us] column would come
    # back divided by 1000 (dates in January 1970). Hand it nanoseconds; _to_polars casts back.
    frame = train.with_columns(pl.col(pl.Datetime).dt.cast_time_unit("ns")).to_pandas()
    try:
        with _quiet():
            metadata = metadata_mod.Metadata.detect_from_dataframes(
                {_TABLE: frame}, infer_keys=None
            )
            for column, sdtype in sdtypes.items():
                metadata.update_column(column, table_name=_TABLE, sdtype=sdtype)
    except Exception as exc:
        raise GenerationError(f"SDV could not learn the metadata: {exc}") from exc
    detected = metadata.to_dict()["tables"][_TABLE]["columns"]
    parameters: dict[str, Any]
    with _quiet():
        if synthesizer == "gaussian_copula":
            parameters = {"default_distribution": "beta"}
            model = single_table.GaussianCopulaSynthesizer(metadata, **parameters)
        else:
            parameters = {"epochs": epochs or DEFAULT_EPOCHS, "enable_gpu": False}
            cls = (
                single_table.CTGANSynthesizer
                if synthesizer == "ctgan"
                else single_table.TVAESynthesizer
            )
            model = cls(metadata, **parameters)
    kinds = {column: str(spec["sdtype"]) for column, spec in detected.items()}
    usable = [
        rule
        for rule in inequalities
        if {kinds.get(rule.low), kinds.get(rule.high)} <= {"numerical", "datetime"}
        and kinds[rule.low] == kinds[rule.high]
    ]
    if notes is not None:
        notes.extend(
            f"{rule.text}: not an SDV constraint (both columns must be modelled as numerical "
            "or datetime); left to the validator"
            for rule in inequalities
            if rule not in usable
        )
    if usable:
        cag = require("sdv.cag")
        try:
            with _quiet():
                model.add_constraints(
                    [
                        cag.Inequality(
                            low_column_name=r.low,
                            high_column_name=r.high,
                            strict_boundaries=r.strict,
                        )
                        for r in usable
                    ]
                )
                with _seeded_globals(seed):
                    model.fit({_TABLE: frame})
            parameters = {**parameters, "constraints": [r.text for r in usable]}
        except Exception as exc:
            if notes is not None:
                shown = ", ".join(r.text for r in usable)
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                notes.append(
                    f"SDV could not fit with the constraint(s) {shown} ({first}); fitted "
                    "without them, the validator rejects rows that break them"
                )
            return fit_model(
                train, synthesizer=synthesizer, epochs=epochs, sdtypes=sdtypes, seed=seed
            )
        return FittedModel(
            synthesizer=model,
            name=synthesizer,
            parameters=parameters,
            schema=train.schema,
            sdtypes=kinds,
        )
    try:
        with _quiet(), _seeded_globals(seed):
            model.fit({_TABLE: frame})
    except Exception as exc:
        raise GenerationError(f"SDV could not fit the {synthesizer} model: {exc}") from exc
    return FittedModel(
        synthesizer=model,
        name=synthesizer,
        parameters=parameters,
        schema=train.schema,
        sdtypes={column: str(spec["sdtype"]) for column, spec in detected.items()},
    )


def _to_polars(frame: Any, schema: pl.Schema) -> pl.DataFrame:
    """Back from pandas, with the real data's dtypes."""
    out = pl.from_pandas(frame)
    casts = []
    for column, dtype in schema.items():
        if column not in out.columns:
            casts.append(pl.lit(None, dtype=dtype).alias(column))
        elif out.schema[column] != dtype:
            casts.append(pl.col(column).cast(dtype, strict=False))
    return out.with_columns(casts).select(list(schema.names()))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence SDV's progress bars and advisory warnings."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _seeded_globals(seed: int) -> Iterator[None]:
    """Seed the global RNGs SDV/CTGAN draw from during fit, and restore them afterwards."""
    py_state = random.getstate()
    np_state = np.random.get_state()
    torch: Any = None
    with contextlib.suppress(ImportError):
        import torch  # optional: only for CTGAN/TVAE determinism
    torch_state = torch.get_rng_state() if torch is not None else None
    random.seed(seed)
    np.random.seed(seed % 2**32)
    if torch is not None:
        torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        if torch is not None:
            torch.set_rng_state(torch_state)
