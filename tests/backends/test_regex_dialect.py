"""Spark matches suite regexes (Rust syntax) with java.util.regex: the rewrite makes them agree.

Every pattern is matched by Polars (Rust regex, the suite's dialect) and by Spark's ``rlike``
on the rewritten pattern, over the same strings (line ends, Unicode digits and letters, case);
the answers must be the same row for row.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from gates.backends._regex import RegexDialectError, java_regex

pytestmark = pytest.mark.spark

STRINGS = [
    "b", "b\n", "b\r\n", "b\r", "ab", "", "A", "a1", "\u0663\u0664", "42", "caf\u00e9", "CAF\u00c9",
    "x\u2028y", "x\ny", "x\ry", "tab\there", "[x]", "$5", "a]b", "snake_case", "\u00c5ngstr\u00f6m",
]  # fmt: skip

PATTERNS = [
    "^b$", "b$", "^[a-z]+$", "^\\d+$", "\\d", "^\\w+$", "\\s", "(?i)^caf\u00e9$", "^x.y$",
    "(?m)^y$", "(?s)^x.y$", "^[[:alpha:]]+$", "[[:digit:]]", "^(?P<w>[a-z]+)_(?P<v>[a-z]+)$",
    "[$]", "\\$\\d", "[]a]", "^[^]]+$", "\\bcase\\b", "^\\p{L}+$", "(?i)^\u00e5",
]  # fmt: skip


def test_rewrites() -> None:
    """What the rewrite does to each difference (docs/spark.md, "Regular expressions")."""
    assert java_regex("^[a-z]+$") == "(?dU)^[a-z]+\\z"
    assert java_regex("(?m)^y$") == "(?dU)(?m)^y$"
    assert java_regex("[$]\\$") == "(?dU)[$]\\$"
    assert java_regex("(?P<year>\\d{4})") == "(?dU)(?<year>\\d{4})"
    assert java_regex("[[:alpha:]_]") == "(?dU)[A-Za-z_]"
    assert java_regex("[]a]") == "(?dU)[\\]a]"
    with pytest.raises(RegexDialectError, match=r"^pattern '\[\[:nope:\]\]': \[:nope:\] has no"):
        java_regex("[[:nope:]]")


def test_spark_agrees_with_polars(spark: Any) -> None:
    """Row for row, Spark's rlike on the rewritten pattern gives Polars' str.contains answer."""
    from pyspark.sql import functions as F

    frame = pl.DataFrame({"s": STRINGS})
    want = frame.select(
        pl.col("s").str.contains(p).alias(f"p{i}") for i, p in enumerate(PATTERNS)
    ).to_dicts()
    df = spark.createDataFrame(frame.to_arrow())
    got = [
        r.asDict()
        for r in df.select(
            *(F.col("s").rlike(java_regex(p)).alias(f"p{i}") for i, p in enumerate(PATTERNS))
        ).collect()
    ]
    diffs = [
        (PATTERNS[int(k[1:])], STRINGS[row], w[k], g[k])
        for row, (w, g) in enumerate(zip(want, got, strict=True))
        for k in w
        if w[k] != g[k]
    ]
    assert diffs == []
