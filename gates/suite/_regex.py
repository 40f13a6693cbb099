"""One meaning for ``str_matches`` and ``str_contains`` patterns, on every backend.

The dialect is the regex syntax Polars runs (Rust's ``regex`` crate), which is also what
pandera's polars backend runs, so the reference engine agrees with the native one:

- ``str_matches: p`` matches at the start of the string and binds the whole pattern: it is
  ``^(?:p)``, so ``"a|b"`` means "starts with a or with b" (pandera's own ``^a|b`` would let
  ``b`` match anywhere).
- ``str_contains: p`` matches anywhere in the string.
- ``$`` is the end of the string only: ``"abc$"`` does not match ``"abc\\n"`` (Python's ``re``
  and Java would let it skip one final newline).
- ``\\d``, ``\\w``, ``\\s`` and ``\\b`` are Unicode-aware.

A pattern that Polars cannot compile is refused when the suite loads; the common cases
(look-arounds, back-references, possessive quantifiers, ...) are named. On DuckDB (RE2) and
Spark (Java) a pattern is rewritten to that engine's spelling of the same meaning (Spark's by
``gates.backends._regex.java_regex``); one that has no safe spelling there is left to the
reference engine, which runs Polars' regex.
"""

from __future__ import annotations

import re

__all__ = ["anchored", "backend_pattern", "regex_problem"]

#: (construct, what it is, why it is refused) for the constructs refused at load.
REFUSED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rx), what)
    for rx, what in [
        (r"\(\?=|\(\?!", "a look-ahead `(?=...)`/`(?!...)`"),
        (r"\(\?<=|\(\?<!", "a look-behind `(?<=...)`/`(?<!...)`"),
        (r"\\[1-9]|\(\?P=", "a back-reference (`\\1`, `(?P=name)`)"),
        (r"\(\?>", "an atomic group `(?>...)`"),
        (r"\(\?\(", "a conditional `(?(...)...)`"),
        (r"(?<!\\)[*+?}]\+", "a possessive quantifier (`*+`, `++`, `?+`)"),
        (r"\\Z", "`\\Z` (write `$`: it is the end of the string)"),
        (r"\\G", "`\\G`"),
        (r"\(\?[imsx-]*[aL]", "the Python-only flag `(?a)`/`(?L)`"),
    ]
)


def regex_problem(check: str, pattern: str) -> str | None:
    """Why ``pattern`` is refused at load: a construct named in :data:`REFUSED`, or it does not
    compile in Polars' regex engine (the dialect of suites)."""
    found = [what for rx, what in REFUSED if rx.search(pattern)]
    if found:
        return (
            f"regex {pattern!r} in {check} uses {', '.join(found)}, which Polars' regex engine"
            " (the dialect of suites, also pandera's) does not run; rewrite the pattern without it"
            " (docs/suites.md#patterns)"
        )
    import polars as pl

    try:
        pl.select(pl.lit("").str.contains(pattern)).item()
    except pl.exceptions.PolarsError as exc:
        said = [ln.strip() for ln in str(exc).splitlines() if ln.strip().startswith("error: ")]
        reason = said[0].removeprefix("error: ") if said else "it does not compile"
        return f"invalid regex {pattern!r} in {check}: {reason}; fix the pattern"
    return None


def anchored(check: str, pattern: str) -> str:
    """The pattern as searched for: ``str_matches`` anchored at the start, whole pattern bound."""
    return f"^(?:{pattern})" if check == "str_matches" else pattern


_UNICODE_CLASS = re.compile(r"(?<!\\)(?:\\\\)*\\[dDwWsSbB]")


def backend_pattern(pattern: str, backend: str) -> str | None:
    """``pattern`` (already :func:`anchored`) for ``backend``'s regex engine, or None.

    None means the engine has no safe spelling of the same meaning: the reference engine
    (Polars' regex) runs the check instead.
    """
    if backend == "polars":
        return pattern
    if backend == "duckdb":  # RE2: `$` is the end already; \d \w \s \b are ASCII-only there
        if _UNICODE_CLASS.search(pattern) or "\\p" in pattern or "\\P" in pattern:
            return None
        return pattern
    return None  # spark: gates.backends._regex.java_regex (the translator calls it)
