"""pandas frames → Polars, with a column of mixed types named instead of a raw Arrow error."""

from __future__ import annotations

from typing import Any

import polars as pl

from .._errors import InputError

__all__ = ["from_pandas"]


def _conversion_error(exc: BaseException) -> bool:
    """Whether converting a column raised because of its values (not a bug elsewhere)."""
    return type(exc).__module__.startswith("pyarrow") or isinstance(
        exc, TypeError | ValueError | pl.exceptions.PolarsError
    )


def from_pandas(frame: Any) -> pl.DataFrame:
    """Convert a pandas DataFrame to Polars.

    Raises:
        InputError: a column holds values of several types (e.g. ints and strings) that Arrow
            cannot put in one column; the message names the column and the types found.
    """
    try:
        return pl.from_pandas(frame)
    except Exception as exc:  # pyarrow's ArrowInvalid/ArrowTypeError, or Polars' own TypeError
        if not _conversion_error(exc):
            raise
        for name in frame.columns:
            try:
                pl.from_pandas(frame[[name]])
            except Exception as col_exc:  # the same errors, one column at a time
                if not _conversion_error(col_exc):
                    raise
                kinds = sorted({type(v).__name__ for v in frame[name].dropna().tolist()})
                raise InputError(
                    f"<pandas.DataFrame>: column {str(name)!r} mixes types ({', '.join(kinds)}); "
                    "convert it to one type first, e.g. df[col].astype(str)",
                    source="<pandas.DataFrame>",
                    column=str(name),
                ) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"<pandas.DataFrame>: could not convert the frame to Arrow: {first}",
            source="<pandas.DataFrame>",
        ) from exc
