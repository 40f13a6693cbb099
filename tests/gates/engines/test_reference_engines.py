"""pandera, GX, schema and table engines: a pass/fail pair per check, polars and DuckDB sources."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

import gates
from gates import SuiteDefinitionError

DATA = pl.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "amount": [5.0, 10.0, 15.0, None, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0],
        "status": ["new", "paid", "paid", "new", "shipped", "paid", None, "new", "paid", "paid"],
        "code": ["AB1", "CD2", "EF3", "GH4", "IJ5", "KL6", "MN7", "OP8", "QR9", "ST0"],
    }
)

# (check yaml, passes on DATA?) pairs: each check once passing and once failing
COLUMN_CASES = [
    ("amount", "in_range: {min_value: 0, max_value: 50}", True, 0),
    ("amount", "in_range: {min_value: 0, max_value: 50, include_max: false}", False, 1),
    ("amount", "greater_than: 0", True, 0),
    ("amount", "greater_than: 10", False, 2),
    ("amount", "greater_than_or_equal_to: 5", True, 0),
    ("amount", "less_than: 50", False, 1),
    ("amount", "less_than_or_equal_to: 50", True, 0),
    ("status", "isin: [new, paid, shipped]", True, 0),
    ("status", "isin: [new, paid]", False, 1),
    ("status", "notin: [lost]", True, 0),
    ("status", "notin: [shipped]", False, 1),
    ("code", "str_matches: '^[A-Z]{2}[0-9]$'", True, 0),
    ("code", "str_matches: '^[A-Z]{2}[1-9]$'", False, 1),
    ("code", "str_contains: '[0-9]'", True, 0),
    ("code", "str_startswith: A", False, 9),
    ("code", "str_endswith: '0'", False, 9),
    ("code", "str_length: {exact_value: 3}", True, 0),
    ("code", "str_length: {min_value: 4}", False, 10),
    ("status", "equal_to: paid", False, 4),
    ("status", "not_equal_to: lost", True, 0),
]


@pytest.fixture(params=["parquet", "duckdb"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> dict:
    """The same data as a Parquet file and as a DuckDB table."""
    if request.param == "parquet":
        path = tmp_path / "d.parquet"
        DATA.write_parquet(path)
        return {"data": path}
    db = tmp_path / "d.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select * from DATA")
    con.close()
    return {"data": db, "table": "t"}


@pytest.mark.parametrize(("column", "check", "passes", "failing"), COLUMN_CASES)
def test_column_check_pass_fail_pairs(
    source: dict, write_suite, column: str, check: str, passes: bool, failing: int
) -> None:
    suite = write_suite(f"columns:\n  {column}:\n    checks:\n      - {check}\n")
    result = gates.check(source["data"], suite, table=source.get("table"), engine="reference")
    (res,) = [c for c in result.checks if c.column == column and c.engine == "pandera"]
    assert (res.passed, res.failing_count) == (passes, failing)
    assert res.failing_fraction == pytest.approx(failing / 10)
    assert len(res.sample) == failing and all("row" in r and column in r for r in res.sample)
    assert result.verdict.value == ("pass" if passes else "block")


def test_not_nullable_and_unique(write_suite) -> None:
    frame = pl.DataFrame({"a": [1, 2, 2, None], "b": [1, 2, 3, 4]})
    suite = write_suite(
        "columns:\n  a: {nullable: false, unique: true}\n  b: {nullable: false, unique: true}\n"
    )
    got = {
        c.id: (c.passed, c.failing_count, [r["row"] for r in c.sample])
        for c in gates.check(frame, suite, engine="reference").checks
    }
    assert got == {
        "a::not_nullable": (False, 1, [3]),
        "a::unique": (False, 2, [1, 2]),
        "b::not_nullable": (True, 0, []),
        "b::unique": (True, 0, []),
    }


@pytest.mark.parametrize(
    ("modifier", "passes"),
    [
        ("mostly: 0.8", True),
        ("mostly: 0.9", False),
        ("max_failing: 2", True),
        ("max_failing: 1", False),
        ("max_failing_fraction: 0.2", True),
    ],
)
def test_thresholds(write_suite, modifier: str, passes: bool) -> None:
    """2 of 10 rows fail greater_than 10: thresholds decide."""
    suite = write_suite(
        f"columns:\n  amount:\n    checks:\n      - greater_than: 10\n        {modifier}\n"
    )
    (res,) = [
        c for c in gates.check(DATA, suite, engine="reference").checks if c.name == "greater_than"
    ]
    assert res.passed is passes and res.failing_count == 2


def test_severity_warn_gives_warn_verdict(write_suite) -> None:
    suite = write_suite(
        "severity: warn\ncolumns:\n  amount:\n    checks:\n      - greater_than: 10\n"
    )
    result = gates.check(DATA, suite)
    assert result.verdict is gates.Verdict.WARN and result.passed and result.exit_code() == 0
    assert result.exit_code(fail_on=gates.Verdict.WARN) == 1


def test_missing_column_is_a_failed_check_not_a_crash(write_suite) -> None:
    suite = write_suite(
        "columns:\n  nope:\n    checks:\n      - greater_than: 0\n  opt: {required: false}\n"
    )
    result = gates.check(DATA, suite)
    (res,) = result.checks
    assert (res.id, res.passed, res.observed) == ("nope::column_exists", False, "missing")
    assert "column 'nope' is not in the data; its 1 other checks did not run" in res.message


def test_dtype_check(write_suite) -> None:
    suite = write_suite(
        "columns:\n  id: {dtype: int64}\n  amount: {dtype: string}\n  code: {dtype: text}\n"
    )
    got = {c.id: (c.passed, c.observed) for c in gates.check(DATA, suite).checks}
    assert got == {
        "id::dtype": (True, "Int64"),
        "amount::dtype": (False, "Float64"),
        "code::dtype": (True, "String"),
    }


def test_string_check_on_number_column_is_an_error_result(write_suite) -> None:
    suite = write_suite("columns:\n  amount:\n    checks:\n      - str_matches: '^x'\n")
    (res,) = gates.check(DATA, suite, engine="reference").checks
    assert not res.passed and res.error == "str_matches needs a string column; 'amount' is Float64"


TABLE_CASES = [
    ("row_count: {min: 10}", True, 10),
    ("row_count: {min: 11}", False, 10),
    ("row_count: {equal: 10}", True, 10),
    ("unique: [id]", True, 0.0),
    ("unique: [status]", False, 0.8),
    ("no_duplicate_rows", True, 0.0),
    ("columns_present: [id, amount]", True, "all present"),
    ("columns_present: [id, nope]", False, ["nope"]),
    ("expression: amount < 50", False, 0.1),
    ("expression: amount <= 50", True, 0.0),
    ("query: select * from data where amount > 40", False, 0.2),
    ("query: select * from data where amount > 50", True, 0.0),
]


@pytest.mark.parametrize(("check", "passes", "observed"), TABLE_CASES)
def test_table_checks(
    source: dict, write_suite, check: str, passes: bool, observed: object
) -> None:
    suite = write_suite(f"checks:\n  - {check}\n")
    (res,) = gates.check(source["data"], suite, table=source.get("table")).checks
    assert (res.passed, res.observed) == (passes, observed)


def test_expectations_run_by_gx(write_suite) -> None:
    suite = write_suite("""\
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: amount, min_value: 0, max_value: 40}
  - type: expect_column_values_to_be_between
    kwargs: {column: amount, min_value: 0, max_value: 40, mostly: 0.7}
  - type: expect_column_mean_to_be_between
    kwargs: {column: amount, min_value: 20, max_value: 30}
  - type: expect_table_row_count_to_equal
    kwargs: {value: 9}
    severity: warn
  - type: expect_column_values_to_not_be_null
    kwargs: {column: missing_col}
""")
    result = gates.check(DATA, suite, engine="reference")
    got = [(c.id, c.passed, c.failing_count, c.observed) for c in result.checks]
    assert got == [
        ("amount::expect_column_values_to_be_between", False, 2, pytest.approx(2 / 9, abs=1e-6)),
        ("amount::expect_column_values_to_be_between#2", True, 2, pytest.approx(2 / 9, abs=1e-6)),
        ("amount::expect_column_mean_to_be_between", True, None, pytest.approx(255 / 9)),
        ("table::expect_table_row_count_to_equal", False, None, 10),
        ("missing_col::expect_column_values_to_not_be_null", False, None, "missing"),
    ]
    assert [r["row"] for r in result.checks[0].sample] == [8, 9]
    assert result.checks[0].sample[0]["amount"] == 45.0


def test_gx_wrong_kwarg_type_is_a_suite_error_with_line(write_suite) -> None:
    suite = write_suite(
        "expectations:\n  - type: expect_column_values_to_be_in_set\n    kwargs: {column: status, value_set: 3}\n"
    )
    with pytest.raises(
        SuiteDefinitionError,
        match=r"suite\.yml:2:5: expect_column_values_to_be_in_set: invalid kwargs: ",
    ):
        gates.check(DATA, suite, engine="reference")


def test_included_gx_suite_and_pandera_schema(tmp_path: Path, write_suite) -> None:
    import json

    (tmp_path / "legacy.gx.json").write_text(
        json.dumps(
            {
                "name": "legacy",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "status"}},
                    {
                        "type": "expect_column_max_to_be_between",
                        "kwargs": {"column": "amount", "max_value": 100},
                    },
                ],
            }
        )
    )
    (tmp_path / "schemas.py").write_text(
        "import pandera.polars as pa\nimport polars as pl\n"
        "class Orders(pa.DataFrameModel):\n"
        "    id: int = pa.Field(ge=1, unique=True)\n"
        "    amount: float = pa.Field(le=40, nullable=True)\n"
    )
    suite = write_suite("include:\n  gx: legacy.gx.json\n  pandera: schemas.py:Orders\n")
    result = gates.check(DATA, suite, engine="reference")
    got = {c.id: (c.passed, c.failing_count) for c in result.checks}
    assert got["status::expect_column_values_to_not_be_null"] == (False, 1)
    assert got["amount::expect_column_max_to_be_between"] == (True, None)
    assert got["Orders:amount::less_than_or_equal_to"] == (False, 2)
    assert got["Orders:id::greater_than_or_equal_to"] == (True, 0)
    assert got["Orders:id::unique"] == (True, 0)
    assert result.verdict.value == "block"


def test_included_pandera_yaml(tmp_path: Path, write_suite) -> None:
    import pandera.polars as pa
    from pandera.io import polars_io

    schema = pa.DataFrameSchema(
        {"amount": pa.Column(float, pa.Check.le(40), nullable=True)}, name="yamlschema"
    )
    (tmp_path / "schema.yml").write_text(polars_io.to_yaml(schema))
    result = gates.check(DATA, write_suite("include: {pandera: schema.yml}\n"))
    failed = [(c.id, c.failing_count) for c in result.checks if not c.passed]
    assert failed == [("yamlschema:amount::less_than_or_equal_to", 2)]


def test_bad_include_reference(write_suite) -> None:
    with pytest.raises(
        SuiteDefinitionError, match=r"include\.pandera: cannot load 'nosuchmodule:X'"
    ):
        gates.check(DATA, write_suite("include: {pandera: 'nosuchmodule:X'}\n"))


def test_gx_results_are_matched_to_their_expectations(write_suite) -> None:
    """GX reorders its results; each check still gets its own (quantiles vs regex, reference mode)."""
    suite = write_suite("""\
expectations:
  - type: expect_column_quantile_values_to_be_between
    kwargs: {column: amount, quantile_ranges: {quantiles: [0.5], value_ranges: [[0, 100]]}}
  - type: expect_column_values_to_match_regex
    kwargs: {column: code, regex: '^[A-M]'}
  - type: expect_column_values_to_not_be_null
    kwargs: {column: amount}
""")
    by_id = {c.id: c for c in gates.check(DATA, suite, engine="reference").checks}
    assert by_id["code::expect_column_values_to_match_regex"].failing_count == 3
    assert by_id["amount::expect_column_values_to_not_be_null"].failing_count == 1
    assert by_id["amount::expect_column_quantile_values_to_be_between"].failing_count is None
    assert by_id["amount::expect_column_quantile_values_to_be_between"].passed
