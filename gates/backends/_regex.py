"""Suite regexes are Rust-regex (Polars') patterns; Spark matches with ``java.util.regex``.

:func:`java_regex` rewrites a pattern so Java gives Rust's answer, or refuses it with a line
that names the pattern. What differs, and what the rewrite does:

- ``$`` outside ``(?m)``: Rust matches only at the very end; Java also before a final line
  terminator (``"b\\n"`` matches ``^b$`` in Java). Rewritten to ``\\z``.
- Line terminators: Java counts ``\\r``, ``\\u0085``, ``\\u2028``, ``\\u2029`` too (for ``.``,
  ``^``, ``$``); Rust only ``\\n``. The ``(?d)`` flag (UNIX_LINES) makes Java agree.
- ``\\d \\w \\s \\b`` and ``(?i)``: ASCII in Java, Unicode in Rust. The ``(?U)`` flag
  (UNICODE_CHARACTER_CLASS, which implies Unicode case folding) makes Java agree.
- ``(?P<name>…)``: Java spells it ``(?<name>…)``.
- ``[[:alpha:]]`` and the other ASCII classes: Java has no such syntax; rewritten to ranges.

DuckDB uses RE2, whose defaults match Rust's for ``$`` and line terminators, so DuckDB needs
no rewrite (RE2's ``\\d \\w \\s`` are ASCII: docs/spark.md lists it).
"""

from __future__ import annotations

__all__ = ["RegexDialectError", "java_regex"]

#: POSIX ASCII classes (Rust's ``[[:name:]]``) as the ranges they stand for.
_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\x0B\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}


class RegexDialectError(ValueError):
    """A pattern that Java's regex engine cannot be made to read as Rust does."""


def java_regex(pattern: str) -> str:
    """``pattern`` (Rust syntax) rewritten so ``java.util.regex`` (Spark's ``rlike``) agrees.

    Raises:
        RegexDialectError: the pattern uses Rust syntax Java has no equivalent for.
    """
    multiline = _has_flag(pattern, "m")
    out: list[str] = ["(?dU)"]
    i, depth = 0, 0  # depth: inside a [...] class (nested classes count)
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if depth == 0 and pattern.startswith("(?P<", i):
            out.append("(?<")
            i += 4
            continue
        if depth == 0 and pattern.startswith("(?P=", i):
            raise RegexDialectError(f"pattern {pattern!r}: (?P=name) is not Rust regex syntax")
        if ch == "[":
            if depth > 0 and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2 : end] if end > 0 else ""
                if name not in _POSIX:
                    raise RegexDialectError(
                        f"pattern {pattern!r}: [:{name}:] has no Java equivalent here; use one"
                        f" of [:{':], [:'.join(sorted(_POSIX))}:] or a range such as [^a-z]"
                    )
                out.append(_POSIX[name])
                i = end + 2
                continue
            depth += 1
            out.append(ch)
            # a ']' right after '[' or '[^' is a literal in both dialects
            j = i + 1
            if pattern.startswith("^", j):
                out.append("^")
                j += 1
            if pattern.startswith("]", j):
                out.append("\\]")
                j += 1
            i = j
            continue
        if ch == "]" and depth > 0:
            depth -= 1
        elif ch == "$" and depth == 0 and not multiline:
            out.append("\\z")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _has_flag(pattern: str, flag: str) -> bool:
    """Whether a ``(?flags)`` or ``(?flags:…)`` group anywhere turns ``flag`` on."""
    start = 0
    while (at := pattern.find("(?", start)) >= 0:
        j = at + 2
        while j < len(pattern) and pattern[j].isalpha():
            j += 1
        on = pattern[at + 2 : j]
        if j < len(pattern) and pattern[j] in ":)-" and flag in on:
            return True
        start = at + 2
    return False
