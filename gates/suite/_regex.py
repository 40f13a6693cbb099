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

Constructs that Polars cannot run, or that Python (which checks the pattern at load) reads
differently, are refused when the suite loads, naming the construct. On DuckDB (RE2) and
Spark (Java) a pattern is rewritten to that engine's spelling of the same meaning; one that
has no safe spelling there is left to the reference engine, which runs Polars' regex.
"""

from __future__ import annotations

import re
import warnings

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
        (r"\(\?[imsx-]*[aLu]", "the Python-only flag `(?a)`/`(?L)`/`(?u)`"),
    ]
)
_CLASS_OPS = re.compile(r"&&|--|~~")


def _escaped(pattern: str, i: int) -> bool:
    n = 0
    while i > 0 and pattern[i - 1] == "\\":
        n += 1
        i -= 1
    return n % 2 == 1


def _nested_class(pattern: str) -> bool:
    """A ``[`` inside a character class: Rust nests classes, Python reads a literal ``[``."""
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if not in_class and ch == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1  # a leading "]" is literal
            continue
        if in_class and ch == "[":
            return True
        if in_class and ch == "]":
            in_class = False
        i += 1
    return False


def regex_problem(check: str, pattern: str) -> str | None:
    """Why ``pattern`` is refused at load (it does not compile, or uses a refused construct)."""
    try:
        with warnings.catch_warnings():  # "possible nested set": refused below, by name
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(pattern)
    except re.error as exc:
        return f"invalid regex {pattern!r} in {check}: {exc}; fix the pattern"
    found = [what for rx, what in REFUSED if rx.search(pattern)]
    if _nested_class(pattern):
        found.append("a `[` inside a character class (escape it: `\\[`)")
    if _CLASS_OPS.search(pattern) and "[" in pattern:
        found.append("`&&`, `--` or `~~` (class set operations)")
    if not found:
        import polars as pl

        try:
            pl.select(pl.lit("").str.contains(pattern)).item()
        except pl.exceptions.PolarsError as exc:
            first = str(exc).strip().splitlines()[0]
            found.append(f"a construct Polars' regex engine rejects ({first[:80]})")
    if found:
        return (
            f"regex {pattern!r} in {check} uses {', '.join(found)}, which the regex engines of"
            " Polars, DuckDB and Spark do not run alike; rewrite the pattern without it"
            " (docs/suites.md#patterns)"
        )
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
    if backend == "spark":  # Java: `$` skips a final line terminator, classes are ASCII
        if "\\p" in pattern or "\\P" in pattern or "(?x" in pattern:
            return None
        out: list[str] = []
        in_class = False
        i = 0
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                out.append(pattern[i : i + 2])
                i += 2
                continue
            if ch == "[" and not in_class:
                in_class = True
            elif ch == "]" and in_class:
                in_class = False
            if ch == "$" and not in_class:
                out.append("\\z")
            elif pattern.startswith("(?P<", i):
                out.append("(?<")
                i += 4
                continue
            else:
                out.append(ch)
            i += 1
        return "(?U)" + "".join(out)
    return None
