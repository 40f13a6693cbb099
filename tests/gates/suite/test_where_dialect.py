"""The ``where:`` dialect is DuckDB's SQL, a subset: each generated condition keeps the rows
DuckDB's own ``WHERE`` keeps, whether compiled for Polars or for narwhals on a DuckDB relation
(a derandomized property test; DuckDB's SQL engine is the oracle, the mapping of its parse tree
and our compiler are under test), and what DuckDB parses beyond the subset is refused by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import narwhals as nw
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates import SuiteDefinitionError
from gates.suite import parse_suite
from gates.suite._where import _SUPPORTED as SUPPORTED
from gates.suite._where import WhereError, parse_where
from gates.suite._where_compile import compile_where

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
ops = st.sampled_from(["=", "==", "!=", "<>", "<", "<=", ">", ">="])


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


# --- what DuckDB's parser reads but a where: refuses ------------------------------------------
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("n = 1; drop table t", "`;` at character 6: a where: is one condition, not statements"),
        ("n = 1;", "`;` at character 6: a where: is one condition, not statements"),
        ("n = 1 order by s", "ORDER BY after the condition: a where: is one condition"),
        ("n = 1 limit 1", "LIMIT/OFFSET after the condition"),
        ("n = 1 offset 2", "LIMIT/OFFSET after the condition"),
        ("n = 1 group by s", "GROUP BY after the condition"),
        ("n = 1 having n > 1", "HAVING after the condition"),
        ("n = 1 qualify n > 1", "QUALIFY after the condition"),
        ("n = 1 using sample 1", "USING SAMPLE after the condition"),
        ("n = 1 union select 1", "UNION after the condition: a where: is one condition"),
        # DuckDB drops an unused window definition from its tree; its words are still there
        ("n = 1 window w as ()", "'window' at character 7 follows the condition"),
        ("(n = 1) window w as ()", "'window' at character 9 follows the condition"),
        ("n = 1 -- or true", "a comment at character 7: a where: condition holds no SQL comments"),
        ("n = 1 /* or true */", "a comment at character 7"),
        ("n = 1 /* or true", "a comment at character 7"),
        ("n = 1) or (1 = 1", 'syntax error at character 6, near ")"'),
    ],
)
def test_a_condition_cannot_add_a_statement_a_clause_or_a_comment(where: str, message: str) -> None:
    with pytest.raises(WhereError) as err:
        parse_where(where)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("where", "construct"),
    [
        ("n = (select 1)", "a subquery at character 5"),
        ("exists (select 1)", "a subquery at character 1"),
        ("n in (select 1)", "a subquery at character 6"),
        ("row_number() over () = 1", "a window function at character 1"),
        ("s ilike 'a%'", "ILIKE at character 3"),
        ("s not ilike 'a%'", "NOT ILIKE at character 7"),
        ("s ~ 'a'", "a regular expression (~ or regexp_matches()) at character 3"),
        ("regexp_matches(s, 'a')", "a regular expression (~ or regexp_matches()) at character 1"),
        ("s similar to 'a'", "SIMILAR TO at character 3"),
        ("s glob 'a*'", "GLOB at character 3"),
        ("s like 'a%' escape '!'", "LIKE … ESCAPE at character 3"),
        ("n::varchar = '1'", "a cast (cast(… as …) or ::) at character 2"),
        ("cast(n as varchar) = '1'", "a cast (cast(… as …) or ::) at character 1"),
        ("d = timestamptz '2024-01-01'", "a timestamptz literal (timestamptz '…') at character 5"),
        ("case when ok then 1 end = 1", "CASE at character 1"),
        ("coalesce(n, 0) = 1", "COALESCE at character 1"),
        ("n is distinct from 1", "IS DISTINCT FROM at character 1"),
        ("ok is true", "IS NOT DISTINCT FROM (or IS TRUE/IS FALSE) at character 4"),
        ("n = ?", "a parameter (? or $1) at character 5"),
        ("n % 2 = 1", "the % operator at character 1"),
        ("s || 'a' = 'ba'", "the || operator at character 1"),
        ("+n > 1", "unary + at character 1"),
        (
            "lower(distinct s) = 'a'",
            "lower() with a qualifier (schema., DISTINCT, FILTER, ORDER BY) at character 1",
        ),
        ("s = 'a' collate nocase", "COLLATE at character 5"),
        ("n in ()", "IN () or IN [...] at character 6"),
    ],
)
def test_what_duckdb_parses_beyond_the_subset_is_refused_by_name(
    where: str, construct: str
) -> None:
    with pytest.raises(WhereError) as err:
        parse_where(where)
    assert str(err.value).startswith(f"{construct} is not in the where: dialect, which has ")
    assert SUPPORTED in str(err.value)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("sum(n) > 1", "unknown function 'sum' at character 1; the functions are lower, upper"),
        ("lenght(s) > 1", "unknown function 'lenght' at character 1 (did you mean 'length'?)"),
        ("lower(s, 1) = 'a'", "lower() at character 1 takes one argument, got 2"),
        ("t.n = 1", "'t.n' at character 1: a column is named alone; quote a name with a dot"),
        ("n in (1, null)", "IN at character 6 takes a list of literal values"),
        ("n in (x)", "IN at character 6 takes a list of literal values"),
        ("s like x", "LIKE at character 3 takes a quoted pattern"),
        ("d = date '2024-13-01'", "date '2024-13-01' is not an ISO date"),
        ("größe = 'a", "unclosed quote ' at character 9"),  # characters, not UTF-8 bytes
        ('"größe = 1', 'unclosed quote " at character 1'),
        ("n = 1 and", 'the condition is incomplete: it ends after "and" at character 7'),
        ("(n = 1", 'the condition is incomplete: it ends after "1" at character 6'),
        ("n = = 1", 'syntax error at character 5, near "="'),
        ("1 = 1", "'1 = 1' mentions no column"),
        (
            "start < end",
            'syntax error at character 9, near "end": end is a reserved SQL word; write a column'
            ' of that name in double quotes, "end"',
        ),
        ("not " * 1200 + "ok", "the condition nests too deeply"),  # DuckDB's depth limit
        ("not " * 900 + "ok", "the condition nests too deeply"),  # Python's
    ],
)
def test_other_refusals_say_where_and_what(where: str, message: str) -> None:
    with pytest.raises(WhereError) as err:
        parse_where(where)
    assert message in str(err.value)


def test_duckdb_spellings_of_the_subset_mean_what_they_say() -> None:
    same = [
        ("n isnull", "n is null"),
        ("n notnull", "n is not null"),
        ("not n in (1, 2)", "n not in (1, 2)"),
        ("N IS NOT NULL AND S LIKE 'a%'", "N is not null and S like 'a%'"),
        ("LOWER(s) = 'a'", "lower(s) = 'a'"),
        ("n = -(1)", "n = -1"),
        ("d = DATE '2024-01-01'", "d = date '2024-01-01'"),
        ('"date" > 1', "date > 1"),
        ("`two words` = 1", '"two words" = 1'),
        ("n > 1 and n < 5 and n != 3", "((n > 1) and (n < 5)) and (n != 3)"),
    ]
    for a, b in same:
        assert parse_where(a) == parse_where(b), (a, b)


def test_a_refused_where_is_a_suite_error_at_its_line() -> None:
    text = "columns:\n  n:\n    checks:\n      - ge: 0\n        where: \"s ilike 'a%'\"\n"
    with pytest.raises(SuiteDefinitionError) as err:
        parse_suite(text, path="s.yml")
    assert str(err.value).startswith(
        "s.yml:5:9: columns.n.checks.0.where: invalid where \"s ilike 'a%'\": ILIKE at"
        " character 3 is not in the where: dialect, which has comparisons"
    )


def test_a_long_chain_of_ands_is_no_deeper_than_its_log() -> None:
    where = " and ".join(f"n != {i}" for i in range(3000))
    keep = compile_where(where, FRAME.schema)
    assert FRAME.filter(keep)["n"].to_list() == [-3]


def test_a_refusal_in_a_block_scalar_gives_the_line_and_column_in_the_condition() -> None:
    text = (
        "columns:\n  n:\n    checks:\n      - ge: 0\n        where: |-\n"
        "          status = 'a'\n          and s ilike 'b%'\n"
    )
    with pytest.raises(SuiteDefinitionError) as err:
        parse_suite(text, path="s.yml")
    assert "s.yml:5:9: columns.n.checks.0.where: invalid where" in str(err.value)
    assert "ILIKE at character 20 (line 2, column 7) is not in the where: dialect" in str(err.value)
