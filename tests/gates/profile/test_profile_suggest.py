"""gates suggest: the suite it writes loads, reads well, and passes on the data it came from."""

from __future__ import annotations

import uuid
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gates
from gates._profile import SuggestTargetExists
from gates._profile._suggest import suggest, write_suite

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(1, 40))
    ints = st.one_of(st.none(), st.integers(-(2**40), 2**40))
    floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64))
    small = st.one_of(st.none(), st.sampled_from(["red", "green", "yes", "null", "1", "a b"]))
    return pl.DataFrame(
        {
            "i": draw(st.lists(ints, min_size=n, max_size=n)),
            "f": draw(st.lists(floats, min_size=n, max_size=n)),
            "cat": draw(st.lists(small, min_size=n, max_size=n)),
            "txt": draw(st.lists(st.one_of(st.none(), _text), min_size=n, max_size=n)),
            "b": draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)),
            "k": list(range(n)),
        },
        schema={
            "i": pl.Int64,
            "f": pl.Float64,
            "cat": pl.String,
            "txt": pl.String,
            "b": pl.Boolean,
            "k": pl.Int64,
        },
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(df=frames())
def test_suggested_suite_passes_on_its_own_data(df: pl.DataFrame, tmp_path: Path) -> None:
    """suggest → load_suite → check gives verdict pass, and the YAML is deterministic."""
    text = suggest(df, name="prop")
    assert text == suggest(df, name="prop")
    path = tmp_path / f"{uuid.uuid4().hex}.yml"
    path.write_text(text, encoding="utf-8")
    gates.load_suite(path)
    result = gates.check(df, path)
    failed = [(c.id, c.message, c.error) for c in result.checks if not c.passed]
    assert result.verdict == gates.Verdict.PASS, failed


def test_rules_and_comments() -> None:
    """Formats get str_matches, small sets isin, ids unique, numbers a widened in_range, plus comments."""
    df = pl.DataFrame(
        {
            "user_id": [str(uuid.UUID(int=i)) for i in range(30)],
            "email": [f"p{i}@example.com" for i in range(30)],
            "day": [f"2024-01-{i % 28 + 1:02d}" for i in range(30)],
            "zip": [f"{10000 + i}" for i in range(30)],
            "tier": ["gold", "silver", "bronze"] * 10,
            "amount": [float(i) for i in range(10, 40)],
        }
    )
    text = suggest(df, name="people")
    assert "# Suggested by `gates suggest`" in text
    assert "str_matches: ^[0-9a-fA-F]{8}-" in text
    assert "unique: true" in text
    assert "email address" in text
    assert "an ISO date" in text
    assert "zip-like" in text
    assert "isin: [bronze, gold, silver]" in text
    assert "in_range: {min_value: 5.0, max_value: 45.0}" in text  # widened, then rounded
    assert "row_count" not in text.split("# No row_count")[1]  # a frame: no size to keep
    assert "nullable: false  # no nulls in 30 rows" in text
    assert "# every value distinct: an id" in text
    assert gates.check(df, _write(text)).verdict == gates.Verdict.PASS


def _write(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "s.yml"
    path.write_text(text)
    return path


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    """An existing --out file is refused with a clear message unless force=True."""
    target = tmp_path / "s.yml"
    write_suite(target, "name: a\n")
    with pytest.raises(SuggestTargetExists, match=r"s\.yml: the file exists; pass --force"):
        write_suite(target, "name: b\n")
    write_suite(target, "name: b\n", force=True)
    assert target.read_text() == "name: b\n"


def test_bounds_are_round_numbers_that_still_hold_the_data() -> None:
    df = pl.DataFrame({"p": [0.63, 0.7, 12.37], "n": [3, 180, 977]})
    text = suggest(df, name="r")
    assert "in_range: {min_value: 0.0, max_value: 14.0}" in text
    assert "in_range: {min_value: 0, max_value: 1200}" in text
    assert "9999" not in text and "0000001" not in text
    assert gates.check(df, _write(text)).verdict == gates.Verdict.PASS


def test_integer_codes_with_gaps_get_a_range_not_a_closed_set() -> None:
    months = [m for m in range(1, 13) if m not in (4, 9)] * 5
    text = suggest(pl.DataFrame({"month": months}), name="m")
    assert "in_range: {min_value: 1, max_value: 12}" in text
    assert "isin" not in text
    april = pl.DataFrame({"month": [4, 9, 1]})
    assert gates.check(april, _write(text)).verdict == gates.Verdict.PASS


def test_row_count_is_suggested_for_files_and_says_when_to_drop_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    pl.DataFrame({"a": list(range(40))}).write_parquet(path)
    text = suggest(path)
    assert "row_count: {min: 20, max: 80}" in text
    assert "Remove it for batches of any size (gates serve's /records)" in text


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 10_000))
def test_suggested_suite_passes_on_a_held_out_half(seed: int, tmp_path: Path) -> None:
    """Suggest from a random half of a realistic table; the other half passes the suite."""
    from gates._sample import make_orders

    frame = make_orders(2000, seed=seed % 50, clean=True).with_row_index("_i")
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    seen, held = shuffled.head(1000).drop("_i"), shuffled.tail(1000).drop("_i")
    text = suggest(seen, name="half")
    path = tmp_path / f"{uuid.uuid4().hex}.yml"
    path.write_text(text, encoding="utf-8")
    result = gates.check(held, path)
    failed = [(c.id, c.message) for c in result.checks if not c.passed]
    assert result.verdict == gates.Verdict.PASS, failed
