"""Profile statistics checked against NumPy and DuckDB on generated data, and bad input."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import numpy as np
import polars as pl
import pytest

from gates import InputError
from gates._profile import Profile, profile, read_profile


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    n = 5_000
    amount = rng.normal(100, 30, n)
    amount[::50] = np.nan
    amount[7] = np.inf
    return pl.DataFrame(
        {
            "id": np.arange(n),
            "amount": amount,
            "qty": rng.integers(-5, 20, n),
            "cat": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "flag": rng.random(n) < 0.3,
            "day": [
                dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)
            ],
            "note": [None if i % 10 == 0 else f"note number {i}" for i in range(n)],
        }
    )


def test_all_exported_names_are_public() -> None:
    """__all__ lists every public name once (the module, not ``gates.profile`` the function)."""
    module = importlib.import_module("gates._profile")
    assert len(module.__all__) == len(set(module.__all__))
    assert set(module.__all__) == {
        n for n in dir(module) if n.isidentifier() and not n.startswith("_")
    }


def test_numeric_statistics_match_numpy(frame: pl.DataFrame) -> None:
    """Finite values only for min/max/mean/std/quantiles; NaN and inf are counted apart."""
    p = profile(frame)
    a = p.column("amount")
    raw = frame["amount"].to_numpy()
    fin = raw[np.isfinite(raw)]
    assert a.nan_count == int(np.isnan(raw).sum()) == 100
    assert a.inf_count == 1
    assert a.min == pytest.approx(fin.min())
    assert a.max == pytest.approx(fin.max())
    assert a.mean == pytest.approx(fin.mean())
    assert a.std == pytest.approx(fin.std(ddof=1))
    assert a.quantiles is not None
    for name, q in {"p1": 1, "p25": 25, "p50": 50, "p99": 99}.items():
        assert a.quantiles[name] == pytest.approx(np.percentile(fin, q))
    q = p.column("qty")
    qty = frame["qty"].to_numpy()
    assert (q.zeros, q.negatives, q.min, q.max) == (
        int((qty == 0).sum()),
        int((qty < 0).sum()),
        -5,
        19,
    )
    assert q.histogram is not None
    assert sum(q.histogram.counts) == len(qty)
    assert len(q.histogram.counts) == 20  # one bin per integer value -5..19 would be 25 > 20 bins
    assert a.histogram is not None
    assert sum(a.histogram.counts) == len(fin)


def test_counts_match_duckdb(frame: pl.DataFrame) -> None:
    """Nulls, distinct counts, top values and string lengths agree with DuckDB."""
    p = profile(frame)
    con = duckdb.connect()
    con.register("t", frame.to_arrow())
    nulls, distinct_note, lmin, lmax = con.execute(
        "select count(*) - count(note), count(distinct note), min(length(note)), max(length(note)) from t"
    ).fetchone()
    note = p.column("note")
    assert (note.null_count, note.distinct, note.length_min, note.length_max) == (
        nulls,
        distinct_note,
        lmin,
        lmax,
    )
    assert note.null_fraction == pytest.approx(0.1)
    cat = p.column("cat")
    expected = con.execute(
        "select cat, count(*) n from t group by cat order by n desc, cat"
    ).fetchall()
    assert cat.top_values is not None
    assert cat.top_values.complete
    assert cat.top_values.other == 0
    assert list(zip(cat.top_values.values, cat.top_values.counts, strict=True)) == [
        (v, n) for v, n in expected
    ]
    assert cat.semantic == "categorical"
    assert p.column("id").semantic == "id-like"
    assert p.column("flag").true_count == int(frame["flag"].sum())
    assert p.column("flag").semantic == "boolean"
    day = p.column("day")
    assert day.semantic == "datetime"
    assert day.min == str(frame["day"].min())
    assert day.physical_unit == "days"
    assert p.rows == 5_000
    assert p.duplicate_rows == 0


def test_duplicates_and_approx_distinct() -> None:
    """Duplicate rows are counted; an estimated distinct count says so, with its bound."""
    values = np.random.default_rng(1).permutation(1_000_000)[:3000].tolist()
    df = pl.DataFrame({"a": values * 2, "b": ["x"] * 6000})
    p = profile(df, distinct="approx")
    assert p.duplicate_rows == 3000
    col = p.column("a")
    assert col.distinct_method == "hll"
    assert col.distinct_rse == pytest.approx(0.0081, abs=1e-4)
    assert col.distinct == pytest.approx(3000, rel=3 * col.distinct_rse)
    assert p.column("b").semantic == "constant"


def test_json_round_trip_validates_against_schema(frame: pl.DataFrame, tmp_path: Path) -> None:
    """to_json is valid JSON under profile.schema.json and reads back equal."""
    p = profile(frame, correlations=True)
    schema = json.loads(
        resources.files("gates._profile").joinpath("profile.schema.json").read_text()
    )
    doc = json.loads(p.to_json())
    jsonschema.validate(doc, schema)
    path = tmp_path / "p.json"
    path.write_text(p.to_json())
    back = read_profile(path)
    assert back.to_dict() == doc
    assert p.correlations is not None
    pair = next(r for r in p.correlations if {r["a"], r["b"]} == {"amount", "qty"})
    assert abs(pair["pearson"]) < 0.1


def test_sampling_is_seeded() -> None:
    """--fraction/--sample look at a deterministic subset and say so."""
    df = pl.DataFrame({"x": np.arange(20_000)})
    a, b = profile(df, fraction=0.1, seed=3), profile(df, fraction=0.1, seed=3)
    assert a.rows == b.rows
    assert a.column("x").mean == b.column("x").mean
    assert 1_600 < a.rows < 2_400
    assert a.sample == {"method": "fraction", "value": 0.1, "seed": 3}
    assert profile(df, sample=500).rows <= 500


@pytest.mark.parametrize(
    ("frame", "column", "semantic"),
    [
        (pl.DataFrame({"x": [None, None]}, schema={"x": pl.Float64}), "x", "empty"),
        (pl.DataFrame({"x": [1.5]}), "x", "constant"),
        (pl.DataFrame({"x": [float("nan"), float("inf"), -float("inf")]}), "x", "numeric"),
        (pl.DataFrame({"x": []}, schema={"x": pl.String}), "x", "empty"),
    ],
)
def test_edge_frames_profile_without_wrong_numbers(
    frame: pl.DataFrame, column: str, semantic: str
) -> None:
    """All-null, single-row, all-non-finite and empty frames give nulls, not made-up numbers."""
    p = profile(frame)
    col = p.column(column)
    assert col.semantic == semantic
    if col.count == 0 or (
        col.nan_count == col.count - (col.inf_count or 0) - 0 and col.min is None
    ):
        assert col.mean is None or math.isnan(col.mean) is False
    json.loads(p.to_json())  # always valid JSON (NaN/inf become null)


def test_wide_table() -> None:
    """500+ columns profile in one pass."""
    df = pl.DataFrame({f"c{i}": np.arange(50) * i for i in range(520)})
    p = profile(df)
    assert len(p.columns) == 520
    assert p.column("c519").max == 49 * 519


def test_huge_cardinality_strings_skip_top_values() -> None:
    """Free text with more than 100k distinct values keeps no top list (but counts distinct)."""
    df = pl.DataFrame({"s": [f"value-{i}" for i in range(100_500)]})
    col = profile(df).column("s")
    assert col.distinct == 100_500
    assert col.top_values is None
    assert col.semantic == "id-like"


def test_csv_bad_input_is_one_line_input_error(tmp_path: Path) -> None:
    """Non-UTF-8, empty and mixed-type CSV files raise InputError naming the file."""
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"a,b\n1,caf\xe9\n")
    with pytest.raises(InputError, match=r"latin\.csv"):
        profile(str(bad))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        profile(str(empty))
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("a\n" + "1\n" * 12_000 + "oops\n")
    with pytest.raises(InputError, match=r"mixed\.csv"):
        profile(str(mixed))
    header = tmp_path / "header.csv"
    header.write_text("a,b\n")
    p = profile(str(header))
    assert p.rows == 0
    assert [c.semantic for c in p.columns] == ["empty", "empty"]


def test_profile_from_json_rejects_other_versions(tmp_path: Path) -> None:
    """A profile of another major version or not a profile at all is a clear error."""
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema_version": "9.0", "columns": []}))
    with pytest.raises(InputError, match=r"schema_version '9\.0' is not supported"):
        read_profile(path)
    assert isinstance(
        Profile.from_dict(json.loads(profile(pl.DataFrame({"a": [1]})).to_json())), Profile
    )


def test_quantiles_use_a_hash_sample_above_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past QUANTILE_EXACT_MAX_ROWS quantiles come from a hash sample, and the profile says so
    (the bound itself is tested in test_profile_quantiles.py)."""
    import gates._profile._profile as module

    monkeypatch.setattr(module, "QUANTILE_EXACT_MAX_ROWS", 1_000)
    values = np.random.default_rng(0).normal(size=20_000)
    p = profile(pl.DataFrame({"x": values}))
    assert p.quantile_stride == 1
    assert p.quantile_sample is not None and p.quantile_sample["rate"] == 0.05
    col = p.column("x")
    assert col.quantile_method == "hash_sample"
    assert col.quantile_rank_error is not None and 0.04 < col.quantile_rank_error < 0.06
    quantiles = col.quantiles
    assert quantiles is not None
    assert quantiles["p50"] == pytest.approx(np.median(values), abs=0.1)
    assert col.mean == pytest.approx(values.mean())  # other statistics stay exact


def test_a_file_that_fails_to_parse_fails_cleanly_every_time(tmp_path: Path) -> None:
    """A parse error never meets a batch of queries (Polars 2.1 panics or deadlocks there).

    Before pass 1 read text files on their own, about one run in twenty printed a Rust panic
    ("joined on cancelled task") above the error line, and some runs hung.
    """
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"a,b\n1,caf\xe9\n2,ok\n")
    script = (
        "import sys\n"
        "from gates import InputError\n"
        "from gates._profile import profile\n"
        "for _ in range(80):\n"
        "    try:\n"
        "        profile(sys.argv[1])\n"
        "    except InputError:\n"
        "        continue\n"
        "    raise SystemExit('the bad file profiled')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(bad)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "panicked" not in run.stderr, run.stderr


def _comparable(p: Profile, *, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """The profile's dict without what names its source, and without the columns ``skip``."""
    out = p.to_dict()
    for key in ("source", "format", "elapsed_seconds", "files", "fingerprint", "file_bytes"):
        out.pop(key, None)
    out["columns"] = [c for c in out["columns"] if c["name"] not in skip]
    out["alerts"] = [a for a in out["alerts"] or [] if a["column"] not in skip]
    return out


def _assert_same(a: object, b: object, path: str = "") -> None:
    """Equal, floats to 12 digits (the two engines sum in a different order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.fixture(scope="module")
def wide_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300,005 rows (above the exact limits), 5 of them duplicates, as Parquet."""
    rows = 300_000
    rng = np.random.default_rng(11)
    df = pl.DataFrame(
        {
            "id": np.arange(rows),
            "amount": np.round(rng.gamma(2.0, 40.0, rows), 2),
            "qty": rng.integers(0, 30, rows),
            "city": rng.choice([f"city {i}" for i in range(700)], rows),
            "note": [f"free text {i % 1_700} of row {i}" for i in range(rows)],
            "seen": pl.datetime_range(
                dt.datetime(2024, 1, 1),
                dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rows - 1),
                "1m",
                eager=True,
            ),
        }
    )
    path = tmp_path_factory.mktemp("wide") / "t.parquet"
    df.vstack(df.head(5)).write_parquet(path, row_group_size=50_000)
    return path


def _spy_groups(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[tuple[str, ...], bool]]]:
    from gates._profile import _profile as module

    seen: list[list[tuple[tuple[str, ...], bool]]] = []
    real = module.run_groups

    def spy(lf: pl.LazyFrame, schema: object, groups: list[Any], **kw: Any) -> Any:
        seen.append([(g.names, g.held) for g in groups])
        return real(lf, schema, groups, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "run_groups", spy)
    return seen


def test_a_file_read_into_memory_profiles_as_the_same_frame(
    wide_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table that fits TABLE_BYTES is decoded once and every pass reads that copy on the
    in-memory engine: the profile is the one of the same frame (which takes the path that
    reads a lazy frame), floats to 12 digits."""
    seen = _spy_groups(monkeypatch)
    from_file = profile(str(wide_file), correlations=True)
    assert seen == [[(("id", "amount", "qty", "city", "note", "seen"), True)]]
    from_frame = profile(pl.read_parquet(wide_file), correlations=True)
    assert len(seen) == 1  # a frame is in memory already
    # the file's key column is counted exactly in memory (the frame's gets the HyperLogLog)
    _assert_same(_comparable(from_file, skip=("id",)), _comparable(from_frame, skip=("id",)))
    assert (from_file.column("id").distinct, from_file.column("id").distinct_method) == (
        300_000,
        "exact",
    )
    assert from_file.duplicate_rows == 5
    assert from_file.column("city").distinct == 700
    assert from_file.column("qty").distinct == 30


def test_column_groups_give_the_same_profile(
    wide_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut into column groups (one of them streamed from the file, too big to hold), the
    profile is the same; the key column found in a group stops the duplicate count there
    only when every row has its own value (here 5 rows repeat, so the rows are hashed)."""
    from gates._profile import _groups

    whole = profile(str(wide_file), correlations=True)
    monkeypatch.setattr(_groups, "TABLE_BYTES", 1 << 20)
    monkeypatch.setattr(_groups, "GROUP_BYTES", 5 << 20)
    monkeypatch.setattr(_groups, "COLUMN_BYTES", 5 << 20)
    seen = _spy_groups(monkeypatch)
    grouped = profile(str(wide_file), correlations=True)
    assert seen == [
        [
            (("id", "amount"), True),
            (("qty",), True),
            (("city",), False),
            (("note",), False),
            (("seen",), True),
        ]
    ]
    # the key column (id) repeats, so count_duplicates tries the next one (seen) from the
    # file before it hashes the rows: both are counted exactly, not by the HyperLogLog
    keys = ("id", "seen")
    _assert_same(_comparable(grouped, skip=keys), _comparable(whole, skip=keys))
    assert [grouped.column(k).distinct_method for k in keys] == ["exact", "exact"]
    assert grouped.column("seen").distinct == 300_000
    assert grouped.duplicate_rows == 5
    assert grouped.column("id").distinct == 300_000
    assert grouped.column("id").distinct_method == "exact"


def test_a_parse_error_while_reading_into_memory_is_one_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text file counted first (its row count known) is read into memory before pass 1: a
    parse error there is the same one-line InputError naming the file."""
    from gates._profile import _profile as module

    monkeypatch.setattr(module, "EXACT_DISTINCT_MAX_BYTES", 10)  # count the rows first
    monkeypatch.setattr(module, "EXACT_DISTINCT_MAX_ROWS", 100)  # and profile above the limit
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("a\n" + "1\n" * 12_000 + "oops\n")
    with pytest.raises(InputError, match=r"mixed\.csv"):
        profile(str(mixed))
    good = tmp_path / "good.csv"
    good.write_text("a,b\n" + "".join(f"{i % 7},{i % 500}\n" for i in range(12_000)))
    p = profile(str(good))
    assert p.rows == 12_000
    assert [c.distinct for c in p.columns] == [7, 500]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1_000)), 1_000),  # in order: counted without hashing
        (list(np.random.default_rng(3).permutation(1_000)), 1_000),  # shuffled: hashed
        ([*range(999), 5], 999),  # one repeat, late
        ([*range(500), *range(499, 999)], 999),  # rising but for one tie
    ],
)
def test_a_key_column_is_counted_exactly(values: list[int], expected: int) -> None:
    from gates._profile._groups import _count_key

    lf = pl.DataFrame({"k": values}, schema={"k": pl.Int64}).lazy()
    raw = [{"distinct": 1_000, "null_count": 0}]
    assert _count_key(lf, pl.Schema({"k": pl.Int64}), raw, 1_000, lambda step: step())
    assert raw[0] == {"distinct": expected, "null_count": 0, "distinct_method": "exact"}


@pytest.mark.parametrize(
    ("ids", "duplicates", "hashed"),
    [
        ([1, 2, 3, 4, 5, 6], 0, False),  # only rises: a key, no row hashed
        ([1, 2, 2, 3, 4, 5], 1, True),  # a tie: rows 2 and 3 are the same row
        ([1, 2, None, None, 5, 6], 1, True),  # nulls: rows 3 and 4 are the same row
        ([6, 5, 4, 3, 2, 1], 0, True),  # falls: no repeat, but it takes the hash to know
    ],
)
def test_a_rising_key_settles_the_duplicate_rows_without_hashing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ids: list[int | None],
    duplicates: int,
    hashed: bool,
) -> None:
    """A column that only rises and has no nulls proves that no row repeats."""
    import gates._profile._stats as stats

    calls: list[object] = []
    real = stats.row_hash_unique
    monkeypatch.setattr(stats, "row_hash_unique", lambda schema: calls.append(1) or real(schema))
    frame = pl.DataFrame(
        {"id": ids, "x": [f"v{i}" for i in ids], "when": [dt.date(2024, 1, 1)] * 6},
        schema={"id": pl.Int64, "x": pl.String, "when": pl.Date},
    )
    path = tmp_path / "t.parquet"
    frame.write_parquet(path)
    p = profile(str(path))
    assert p.duplicate_rows == duplicates
    assert bool(calls) is hashed
    # its own connection, read to the end: a half-read result on DuckDB's default connection
    # would refuse the next test's relations there
    with duckdb.connect() as con:
        ((expected,),) = con.execute(f"SELECT count(DISTINCT id) FROM '{path}'").fetchall()
    assert p.column("id").distinct == expected
    # the same file held as a frame in memory (no file path, no key shortcut) agrees
    assert profile(frame).duplicate_rows == duplicates
