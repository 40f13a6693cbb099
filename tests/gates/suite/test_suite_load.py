"""Suite files: every key, and author mistakes reported with file, line, column and a fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gates import SuiteDefinitionError, load_suite
from gates.suite import parse_suite
from gates.suite._jsonschema import suite_json_schema

ROOT = Path(__file__).resolve().parents[3]

FULL = """\
name: orders
description: all keys
data: {path: data/orders.parquet}
severity: warn
sample_size: 5
columns:
  order_id: {dtype: int64, nullable: false, unique: true}
  amount:
    dtype: float64
    severity: block
    required: false
    description: money
    checks:
      - in_range: {min_value: 0, max_value: 10000, include_max: false}
      - greater_than: 0
        severity: warn
        mostly: 0.99
        name: positive amount
      - between: [0, 5]
        max_failing: 3
        max_failing_fraction: 0.1
  status:
    checks:
      - isin: [new, paid]
  note:
checks:
  - row_count: {min: 1000, max: 2000}
  - unique: [order_id, status]
  - no_duplicate_rows
  - expression: "amount >= 0"
expectations:
  - type: expect_column_mean_to_be_between
    kwargs: {column: amount, min_value: 10, max_value: 500}
    severity: block
"""


def test_every_key_is_read(write_suite) -> None:
    """Each documented key lands in the model with its value."""
    s = load_suite(write_suite(FULL)).suite
    assert s.name == "orders" and s.severity.value == "warn" and s.sample_size == 5
    assert s.data is not None and s.data.path == "data/orders.parquet"
    assert s.columns["order_id"].nullable is False and s.columns["order_id"].unique is True
    amount = s.columns["amount"]
    assert amount.required is False and amount.severity.value == "block"
    c0, c1, c2 = amount.checks
    assert (c0.check, c0.kwargs) == (
        "in_range",
        {"min_value": 0, "max_value": 10000, "include_max": False},
    )
    assert (c1.check, c1.kwargs, c1.mostly, c1.label) == (
        "greater_than",
        {"min_value": 0},
        0.99,
        "positive amount",
    )
    assert (c2.check, c2.kwargs, c2.max_failing) == (
        "in_range",
        {"min_value": 0, "max_value": 5},
        3,
    )
    assert s.columns["status"].checks[0].kwargs == {"allowed_values": ["new", "paid"]}
    assert s.columns["note"].checks == []
    assert [c.check for c in s.checks] == ["row_count", "unique", "no_duplicate_rows", "expression"]
    assert s.checks[1].kwargs == {"columns": ["order_id", "status"]}
    assert s.expectations[0].type == "expect_column_mean_to_be_between"
    assert s.severity_of(c1, amount).value == "warn" and s.severity_of(c0, amount).value == "block"


def test_name_defaults_to_file_name(write_suite) -> None:
    assert load_suite(write_suite("columns: {}\n", "payments.yml")).suite.name == "payments"


def test_threshold_arithmetic(write_suite) -> None:
    s = load_suite(write_suite(FULL)).suite
    greater = s.columns["amount"].checks[1]
    assert greater.allowed_failures(1000) == 10
    assert s.columns["amount"].checks[2].allowed_failures(1000) == 100  # the larger of 3 and 10%


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colums: {}\n", "suite.yml:1:1: unknown key 'colums' (did you mean 'columns'?)"),
        (
            "columns:\n  a:\n    checks:\n      - in_rang: {min_value: 0}\n",
            "suite.yml:4:9: columns.a.checks.0: unknown column check 'in_rang' (did you mean 'in_range'?)",
        ),
        (
            "columns:\n  a:\n    checks:\n      - isin: {allowed: [1]}\n",
            "suite.yml:4:9: columns.a.checks.0: check 'isin' has no argument 'allowed' (did you mean 'allowed_values'?); it takes: allowed_values",
        ),
        (
            "columns:\n  a:\n    checks:\n      - in_range: {min_value: 0}\n",
            "suite.yml:4:9: columns.a.checks.0: check 'in_range' needs the argument 'max_value'",
        ),
        (
            "columns:\n  a:\n    checks:\n      - str_matches: {pattern: '(unclosed'}\n",
            "suite.yml:4:9: columns.a.checks.0: invalid regex '(unclosed' in str_matches: unclosed group; fix the pattern",
        ),
        (
            "columns:\n  a: {dtype: flaot64}\n",
            "suite.yml:2:7: columns.a.dtype: unknown dtype 'flaot64' (did you mean 'float64'?)",
        ),
        (
            "expectations:\n  - type: expect_column_mean_to_be_betwen\n    kwargs: {column: a}\n",
            "suite.yml:2:5: expectations.0: unknown Great Expectations expectation 'expect_column_mean_to_be_betwen' (did you mean 'expect_column_mean_to_be_between'?)",
        ),
        (
            "expectations:\n  - type: expect_column_mean_to_be_between\n    kwargs: {column: a, minimum: 1}\n",
            "suite.yml:2:5: expectations.0: expect_column_mean_to_be_between has no kwarg 'minimum'",
        ),
        (
            "expectations:\n  - type: expect_column_mean_to_be_between\n    kwargs: {min_value: 1}\n",
            "suite.yml:2:5: expectations.0: expect_column_mean_to_be_between needs the kwarg 'column'",
        ),
        (
            "checks:\n  - row_count: {min: 1}\n    in_range: {}\n",
            "suite.yml:2:5: checks.0: a table check item holds one check, got 2: row_count, in_range",
        ),
        ("severity: stop\n", "suite.yml:1:1: severity: Input should be 'block' or 'warn'"),
        ("columns:\n  a:\n   b: 1\n  c: [\n", "suite.yml:5:1: invalid YAML"),
        (
            "- a\n- b\n",
            "suite.yml:1: a suite is a YAML mapping (name:, columns:, ...), got a list",
        ),
        ("", "suite.yml: the suite is empty"),
    ],
)
def test_author_mistakes_name_file_line_and_fix(write_suite, text: str, message: str) -> None:
    """Each mistake is one SuiteDefinitionError whose text starts with file:line:col."""
    path = write_suite(text)
    with pytest.raises(SuiteDefinitionError) as info:
        load_suite(path)
    assert str(info.value).replace(str(path.parent) + "/", "").startswith(message)
    assert "\n" not in str(info.value)


def test_missing_suite_file_suggests_a_near_name(tmp_path: Path) -> None:
    (tmp_path / "orders.yml").write_text("columns: {}\n")
    with pytest.raises(
        SuiteDefinitionError,
        match=r"orders\.yaml: suite file not found \(did you mean 'orders\.yml'\?\)",
    ):
        load_suite(tmp_path / "orders.yaml")


def test_gx_suite_json_is_included(write_suite, tmp_path: Path) -> None:
    """A GX 1.x and a GX 0.x suite JSON are both read as expectations, and hashed."""
    (tmp_path / "new.gx.json").write_text(
        json.dumps(
            {
                "name": "x",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}
                ],
            }
        )
    )
    (tmp_path / "old.gx.json").write_text(
        json.dumps(
            {
                "expectation_suite_name": "x",
                "expectations": [
                    {
                        "expectation_type": "expect_column_max_to_be_between",
                        "kwargs": {"column": "a", "max_value": 3},
                    }
                ],
            }
        )
    )
    loaded = load_suite(write_suite("include:\n  gx: [new.gx.json, old.gx.json]\n"))
    assert [s.type for s, _ in loaded.included_expectations] == [
        "expect_column_values_to_not_be_null",
        "expect_column_max_to_be_between",
    ]
    before = loaded.hash
    (tmp_path / "old.gx.json").write_text(json.dumps({"expectations": []}))
    assert load_suite(tmp_path / "suite.yml").hash != before


def test_bad_gx_suite_json_names_the_file(write_suite, tmp_path: Path) -> None:
    (tmp_path / "bad.gx.json").write_text(
        json.dumps({"expectations": [{"type": "expect_nothing", "kwargs": {}}]})
    )
    with pytest.raises(
        SuiteDefinitionError,
        match=r"bad\.gx\.json:1:19: expectations\[0\]: unknown Great Expectations expectation 'expect_nothing'",
    ):
        load_suite(write_suite("include: {gx: bad.gx.json}\n"))
    with pytest.raises(
        SuiteDefinitionError, match=r"suite\.yml:1:11: include\.gx: 'nope\.json' does not exist"
    ):
        load_suite(write_suite("include: {gx: nope.json}\n"))


def test_json_schema_accepts_the_shipped_suites_and_is_current() -> None:
    schema = suite_json_schema()
    shipped = json.loads((ROOT / "docs" / "suite.schema.json").read_text())
    assert shipped == schema, (
        "docs/suite.schema.json is stale: run `gates suite schema --out docs/suite.schema.json`"
    )
    for path in (ROOT / "suites").glob("*.yml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
        load_suite(path)


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    schema = suite_json_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"columns": {"a": {"checks": [{"in_rang": {"min_value": 0}}]}}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"colums": {}}, schema)


_names = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
_check = st.one_of(
    st.builds(
        lambda lo, span: {"in_range": {"min_value": lo, "max_value": lo + span}},
        st.integers(-100, 100),
        st.integers(0, 100),
    ),
    st.builds(
        lambda vs: {"isin": {"allowed_values": vs}},
        st.lists(_names, min_size=1, max_size=4, unique=True),
    ),
    st.builds(
        lambda v, m: {"greater_than": {"min_value": v}, "mostly": m},
        st.integers(-5, 5),
        st.floats(0, 1),
    ),
    st.builds(lambda lo: {"str_length": {"min_value": lo, "max_value": lo + 3}}, st.integers(0, 5)),
)
_column = st.fixed_dictionaries(
    {"nullable": st.booleans(), "unique": st.booleans()},
    optional={
        "dtype": st.sampled_from(["int64", "float64", "string", "bool"]),
        "checks": st.lists(_check, max_size=3),
        "severity": st.sampled_from(["block", "warn"]),
    },
)
_suite = st.fixed_dictionaries(
    {"name": _names, "columns": st.dictionaries(_names, _column, max_size=4)},
    optional={
        "severity": st.sampled_from(["block", "warn"]),
        "sample_size": st.integers(0, 50),
        "checks": st.lists(
            st.builds(lambda n: {"row_count": {"min": n}}, st.integers(0, 10)), max_size=2
        ),
    },
)


@given(_suite)
def test_yaml_round_trip(doc: dict) -> None:
    """Any valid suite document dumped as YAML loads back to the same model, and its JSON form validates."""
    first = parse_suite(yaml.safe_dump(doc, sort_keys=False), path="gen.yml").suite
    again = parse_suite(
        yaml.safe_dump(
            first.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=False
        ),
        path="gen.yml",
    ).suite
    assert again == first
    jsonschema.validate(doc, suite_json_schema())


@pytest.mark.parametrize(
    "item",
    [
        {"in_range": {"min_value": 0, "max_value": 9}},
        {"isin": [1, 2, 3]},
        {"isin": {"allowed_values": ["a", "b"]}},
        {"between": [0, 5], "severity": "warn", "name": "small"},
        {"str_matches": "^a"},
    ],
)
def test_a_repeated_check_item_is_a_copy_of_the_checked_one(item: object) -> None:
    """The second time an item is seen it is copied, not validated: same check, own kwargs."""
    from gates.suite import _model

    checked = _model.ColumnCheck.model_validate(item)
    first, second = _model._known_check(item), _model._known_check(item)
    for made in (first, second):
        assert made == checked and made.model_fields_set == checked.model_fields_set
        assert made.model_dump() == checked.model_dump()
    assert first.kwargs is not second.kwargs
    for name, value in first.kwargs.items():
        if isinstance(value, list | dict):
            assert value is not second.kwargs[name]


def test_equal_but_different_values_are_not_one_check_item() -> None:
    """``1``, ``1.0`` and ``true``, ``0.0`` and ``-0.0``: each is checked on its own."""
    from gates.suite import _model

    for value in (1, 1.0, True, 0.0, -0.0, "1"):
        made = _model._known_check({"eq": value})
        assert repr(made.kwargs) == repr({"value": value}), value
    assert _model._known_check({"isin": [[1]]}) == {"isin": [[1]]}  # invalid: left to pydantic
    dated = {"ge": dt.date(2024, 1, 1)}  # not cached (not marshalled): validated as given
    assert _model._known_check(dated) is dated
