"""The ``where:`` dialect is SQL: each generated condition keeps the rows DuckDB's own ``WHERE``
keeps, whether compiled for Polars or for narwhals on a DuckDB relation (a derandomized
property test; DuckDB's SQL engine is the oracle, our parser and compiler are under test)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import narwhals as nw
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.suite._where import compile_where

FRAME = pl.DataFrame(
    {
        "n": [1, 5, None, -3, 10, 0, 7, None],
        "x": [0.5, None, 2.5, -1.0, 9.75, 3.0, None, 1.0],
        "s": ["ab", "Abc", None, "b", "", "abc", "ba", "zz"],
        "d": [dt.date(2024, 1, m) for m in (1, 2, 3, 4, 5, 6, 7, 8)],
        "ok": [True, False, None, True, True, False, None, False],
    }
)
CON = duckdb.connect()
CON.register("t", FRAME.to_arrow())

number_columns = st.sampled_from(
    ["n", "x", "abs(n)", "length(s)", "n + x", "n * 2", "x - n", "n / 4", "-n"]
)
numbers = st.one_of(number_columns, st.integers(-5, 12).map(str))
string_columns = st.sampled_from(["s", "lower(s)", "upper(s)"])
strings = st.one_of(
    string_columns, st.sampled_from(["'ab'", "'abc'", "'b'", "''", "'Abc'", "'zz'", "'it''s'"])
)
ops = st.sampled_from(["=", "!=", "<", "<=", ">", ">="])


def _atom() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, o, b: f"{a} {o} {b}", number_columns, ops, numbers),
        st.builds(lambda a, o, b: f"{b} {o} {a}", number_columns, ops, numbers),
        st.builds(lambda a, o, b: f"{a} {o} {b}", string_columns, ops, strings),
        st.builds(lambda o, d: f"d {o} '2024-01-0{d}'", ops, st.integers(1, 8)),
        st.builds(lambda o, d: f"d {o} date '2024-01-0{d}'", ops, st.integers(1, 8)),
        st.sampled_from(["ok", "not ok", "ok = true", "ok != false", "n is null", "s is not null"]),
        st.builds(
            lambda neg, vals: f"n {'not ' if neg else ''}in ({', '.join(map(str, vals))})",
            st.booleans(),
            st.lists(st.integers(-3, 10), min_size=1, max_size=3),
        ),
        st.builds(
            lambda neg, lo, hi: f"x {'not ' if neg else ''}between {lo} and {hi}",
            st.booleans(),
            st.integers(-2, 5),
            st.integers(0, 10),
        ),
        st.builds(
            lambda neg, p: f"s {'not ' if neg else ''}like '{p}'",
            st.booleans(),
            st.sampled_from(["a%", "%b", "%b%", "ab", "%", "A%"]),
        ),
    )


conditions = st.recursive(
    _atom(),
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
        st.builds(lambda a: f"not ({a})", inner),
    ),
    max_leaves=4,
)


def _duckdb_rows(where: str) -> list[int]:
    sql = f"select i from (select row_number() over () - 1 as i, * from t) where {where} order by i"
    return [int(r[0]) for r in CON.execute(sql).fetchall()]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(conditions)
def test_polars_and_narwhals_keep_the_rows_duckdb_sql_keeps(where: str) -> None:
    want = _duckdb_rows(where)
    keep = compile_where(where, FRAME.schema)
    got = FRAME.with_row_index("i").filter(keep)["i"].to_list()
    assert got == want, where
    rel: Any = nw.from_native(CON.sql("select * from t")).lazy()
    on_duckdb = compile_where(where, FRAME.schema, nw)
    count = rel.select(on_duckdb.cast(nw.Int64).sum().alias("k")).collect(backend="polars")
    assert int(count.to_native()["k"][0] or 0) == len(want), where


def test_categorical_and_enum_columns_compare_as_their_text() -> None:
    frame = pl.DataFrame({"c": ["storm", "hurricane", None, "depression"]}).with_columns(
        cat=pl.col("c").cast(pl.Categorical),
        enum=pl.col("c").cast(pl.Enum(["storm", "hurricane", "depression"])),
    )
    con = duckdb.connect()
    con.register("f", frame.to_arrow())
    rel: Any = nw.from_native(con.sql("select * from f")).lazy()
    for column in ("cat", "enum"):
        for where, kept in [
            (f"{column} = 'storm'", 1),
            (f"{column} < 'i'", 2),  # by the text, not by the enum's order
            (f"{column} like '%ion'", 1),
            (f"upper({column}) in ('STORM', 'HURRICANE')", 2),
        ]:
            keep = compile_where(where, frame.schema)
            assert frame.filter(keep).height == kept, where
            on_duckdb = compile_where(where, frame.schema, nw)
            got = rel.select(on_duckdb.cast(nw.Int64).sum().alias("k")).collect(backend="polars")
            assert int(got.to_native()["k"][0]) == kept, where


def test_column_names_may_be_unicode_or_called_date() -> None:
    frame = pl.DataFrame({"date": [dt.date(2024, 1, 1), dt.date(2024, 3, 1)], "größe": [1, 5]})
    keep = compile_where("date >= '2024-02-01' and größe > 2", frame.schema)
    assert frame.filter(keep)["größe"].to_list() == [5]
    keep = compile_where("date > date '2024-01-01'", frame.schema)
    assert frame.filter(keep).height == 1
