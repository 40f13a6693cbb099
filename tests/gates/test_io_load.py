"""Reading data: every source format, globs, DuckDB, SQL, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

import gates
from gates import DataSourceNotFound, InputError


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"], "x": [0.5, None, 2.0]})


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".tsv", ".ndjson", ".json", ".arrow"])
def test_each_format_loads_lazily_with_rows_and_fingerprint(
    tmp_path: Path, frame: pl.DataFrame, suffix: str
) -> None:
    path = tmp_path / f"data{suffix}"
    {
        ".parquet": frame.write_parquet,
        ".csv": frame.write_csv,
        ".ndjson": frame.write_ndjson,
        ".json": frame.write_json,
        ".arrow": frame.write_ipc,
        ".tsv": lambda p: frame.write_csv(p, separator="\t"),
    }[suffix](path)
    ds = gates.load(path)
    assert isinstance(ds.lazy, pl.LazyFrame)
    assert ds.rows == 3 and ds.columns == ("id", "name", "x")
    assert ds.lazy.collect().equals(frame)
    assert ds.fingerprint.startswith("blake2b:") and ds.fingerprint == gates.load(path).fingerprint


def test_files_are_hashed_for_a_check_and_not_for_a_profile(
    tmp_path: Path, frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash of the files is only started when its reader needs it: a profile never does,
    a check's record does (and gets the same hash as reading it directly)."""
    import gates._io._dataset as dataset_mod

    hashed: list[tuple[Path, ...]] = []
    real = dataset_mod._hash_files
    monkeypatch.setattr(
        dataset_mod, "_hash_files", lambda files: hashed.append(files) or real(files)
    )
    path = tmp_path / "d.parquet"
    frame.write_parquet(path)
    gates.profile(path)
    assert hashed == []
    suite = tmp_path / "s.yml"
    suite.write_text("name: s\ncolumns:\n  id: {dtype: int64}\n")
    result = gates.check(path, suite)
    assert hashed == [(path,)]
    assert result.dataset.fingerprint == real((path,))


def test_fingerprint_follows_content_not_name(tmp_path: Path, frame: pl.DataFrame) -> None:
    frame.write_parquet(tmp_path / "a.parquet")
    frame.write_parquet(tmp_path / "b.parquet")
    frame.with_columns(pl.col("x") * 2).write_parquet(tmp_path / "c.parquet")
    fa, fb, fc = (gates.load(tmp_path / f"{n}.parquet").fingerprint for n in "abc")
    assert fa == fb != fc


def test_glob_and_folder_read_every_file(tmp_path: Path, frame: pl.DataFrame) -> None:
    for i in range(3):
        frame.write_parquet(tmp_path / f"part-{i}.parquet")
    assert gates.load(str(tmp_path / "part-*.parquet")).rows == 9
    assert len(gates.load(tmp_path).files) == 3


def test_duckdb_table_and_sql(tmp_path: Path, frame: pl.DataFrame) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table items as select * from frame")
    con.close()
    ds = gates.load(db, table="items")
    assert (
        ds.rows == 3 and ds.source.endswith("w.duckdb:items") and ds.fingerprint.startswith("rows:")
    )
    frame.write_parquet(tmp_path / "f.parquet")
    q = gates.load(None, sql=f"select * from '{tmp_path}/f.parquet' where id > 1")
    assert q.rows == 2 and q.lazy.collect()["id"].to_list() == [2, 3]
    with pytest.raises(
        DataSourceNotFound, match=r"no table 'itmes' \(did you mean 'items'\?\); tables: items"
    ):
        gates.load(db, table="itmes")
    with pytest.raises(InputError, match=r"a DuckDB database; name the table with --table NAME"):
        gates.load(db)
    with pytest.raises(InputError, match=r"^query failed: .*check the SQL"):
        gates.load(None, sql="selec 1")


def test_in_memory_frames(frame: pl.DataFrame) -> None:
    assert gates.load(frame).rows == 3
    assert gates.load(frame.lazy()).columns == ("id", "name", "x")
    assert gates.load(frame.to_pandas()).lazy.collect().equals(frame)
    assert gates.load(frame).fingerprint == gates.load(frame.lazy()).fingerprint


def test_missing_file_glob_and_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(DataSourceNotFound, match=r"nope\.parquet: no such file; check the path"):
        gates.load(tmp_path / "nope.parquet")
    with pytest.raises(DataSourceNotFound, match=r"the glob matches no files"):
        gates.load(str(tmp_path / "*.csv"))
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(
        InputError, match=r"data\.xlsx: unknown file type '\.xlsx'; name the format with --format"
    ):
        gates.load(tmp_path / "data.xlsx")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(InputError, match=r"e\.csv: the file is empty"):
        gates.load(tmp_path / "e.csv")


def test_malformed_csv_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    ds = gates.load(tmp_path / "m.csv")
    with pytest.raises(pl.exceptions.PolarsError) as info:
        ds.lazy.collect()
    err = ds.input_error(info.value)
    assert str(err).endswith(
        "m.csv: line 4 has 3 fields, the header has 2; fix or quote that row (a stray separator or an unclosed quote)"
    )


def test_wrong_encoding_names_line_and_byte(tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_bytes("name,city\nana,Köln\nzoé,Paris\n".encode("latin-1"))
    ds = gates.load(tmp_path / "l.csv")
    with pytest.raises(pl.exceptions.PolarsError) as info:
        ds.lazy.collect()
    assert str(ds.input_error(info.value)).endswith(
        "l.csv: line 2, column 6 is not valid UTF-8 (byte 0xf6); re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
    )


def test_failing_samples_carry_the_whole_row_from_parquet_and_csv(
    tmp_path: Path, write_suite
) -> None:
    """Sample rows are filled with the row's values whether DuckDB (one Parquet file) or Polars reads them."""
    frame = pl.DataFrame(
        {"id": list(range(1000)), "x": [i % 97 for i in range(1000)], "t": ["a"] * 1000}
    )
    frame.write_parquet(tmp_path / "one.parquet")
    frame.write_csv(tmp_path / "one.csv")
    suite = write_suite("columns:\n  x:\n    checks:\n      - less_than: 95\n")
    for name in ("one.parquet", "one.csv"):
        (res,) = gates.check(tmp_path / name, suite).checks
        assert res.failing_count == 20
        assert [r["row"] for r in res.sample] == [
            95,
            96,
            192,
            193,
            289,
            290,
            386,
            387,
            483,
            484,
            580,
            581,
            677,
            678,
            774,
            775,
            871,
            872,
            968,
            969,
        ]
        assert all(r["id"] == r["row"] and r["x"] in (95, 96) and r["t"] == "a" for r in res.sample)


def test_duckdb_and_polars_sample_lookups_agree(tmp_path: Path, write_suite, monkeypatch) -> None:
    """The DuckDB lookup used for large Parquet files gives the same sample rows as Polars."""
    import gates._runner

    frame = pl.DataFrame(
        {"id": list(range(3000)), "x": [i % 101 for i in range(3000)], "s": ["é"] * 3000}
    )
    frame.write_parquet(tmp_path / "f.parquet", row_group_size=500)
    suite = write_suite("columns:\n  x:\n    checks:\n      - less_than: 99\n")
    polars_rows = gates.check(tmp_path / "f.parquet", suite).checks[0].sample
    monkeypatch.setattr(gates._runner, "DUCKDB_LOOKUP_MIN_BYTES", 0)
    duckdb_rows = gates.check(tmp_path / "f.parquet", suite).checks[0].sample
    assert [dict(r) for r in duckdb_rows] == [dict(r) for r in polars_rows]
    assert len(duckdb_rows) == 20 and all(
        r["x"] in (99, 100) and r["s"] == "é" for r in duckdb_rows
    )


def test_duckdb_data_can_be_scanned_by_many_passes_at_once(tmp_path: Path) -> None:
    """The profile collects several queries at once; each scan reads through its own cursor."""
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select range as i, range % 7 as k from range(50000)")
    con.close()
    for ds in (gates.load(db, table="t"), gates.load(db, sql="select * from t where k < 3")):
        lf = ds.lazy
        sums, counts, firsts = pl.collect_all(
            [
                lf.select(pl.col("i").sum()),
                lf.group_by("k").len().sort("k"),
                lf.filter(pl.col("i") > 10).head(2),
            ],
            engine="streaming",
        )
        expected = pl.DataFrame({"i": range(50000), "k": [i % 7 for i in range(50000)]})
        if ds.format == "sql":
            expected = expected.filter(pl.col("k") < 3)
        assert sums.item() == expected["i"].sum()
        assert counts["len"].to_list() == expected.group_by("k").len().sort("k")["len"].to_list()
        assert firsts.height == 2 and (firsts["i"] > 10).all()
        assert ds.rows == expected.height


def test_in_memory_duckdb_and_refused_combinations(tmp_path: Path) -> None:
    ds = gates.load(":memory:", sql="select 1 as a union all select 2")
    assert ds.rows == 2 and ds.source == "sql: select 1 as a union all select 2"
    with pytest.raises(InputError, match=r"^--table t: an in-memory database has no tables"):
        gates.load(":memory:", table="t")
    with pytest.raises(InputError, match=r"^--table and --sql both name the data: pass one"):
        gates.load(tmp_path / "w.duckdb", table="t", sql="select 1")


STORMS_CSV = """\
name,status,date,observed_at,observed_utc,wind
Alberto,tropical storm,2018-05-25,2018-05-25T12:00:00,2018-05-25T12:00:00Z,35
Beryl,hurricane,2018-07-06,2018-07-06 18:00:00,2018-07-06T18:00:00+00:00,70
Chris,hurricane,2018-07-10,2018-07-10T06:30:00,2018-07-10T06:30:00Z,90
"""


def test_iso_dates_and_datetimes_in_csv_are_parsed_on_load(tmp_path: Path) -> None:
    path = tmp_path / "storms.csv"
    path.write_text(STORMS_CSV)
    ds = gates.load(path)
    assert ds.schema["date"] == pl.Date
    assert ds.schema["observed_at"] == pl.Datetime("us")
    assert ds.schema["observed_utc"] == pl.Datetime("us", "UTC")
    assert ds.schema["name"] == pl.String and ds.schema["wind"] == pl.Int64
    frame = ds.lazy.collect()
    assert frame["date"].to_list()[1].isoformat() == "2018-07-06"
    assert str(frame["observed_at"][1]) == "2018-07-06 18:00:00"


def test_a_suite_asking_for_datetime_passes_on_a_csv(tmp_path: Path, write_suite) -> None:
    path = tmp_path / "storms.csv"
    path.write_text(STORMS_CSV)
    suite = write_suite(
        "name: storms\ncolumns:\n  date: {dtype: date}\n  observed_at: {dtype: datetime}\n"
        "  observed_utc: {dtype: datetime}\n"
    )
    result = gates.check(path, suite)
    assert result.verdict == "pass", [(c.id, c.message) for c in result.failed_checks]


def test_the_profile_calls_a_csv_date_column_a_datetime_not_an_id(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text(
        "day,n\n" + "".join(f"2024-{m:02d}-{d:02d},{d}\n" for m in (1, 2) for d in range(1, 29))
    )
    col = gates.profile(path).column("day")
    assert col.semantic == "datetime"
    assert col.dtype == "Date"


def test_csv_dates_fall_back_to_text_when_a_value_in_the_inferred_rows_is_no_date(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("d\n2024-01-01\nsoon\n2024-01-03\n")
    assert gates.load(path).schema["d"] == pl.String


def test_a_late_value_that_is_no_date_is_one_line_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("d\n" + "2024-01-01\n" * 10_000 + "soon\n")
    ds = gates.load(path)
    with pytest.raises(InputError) as bad:
        ds.rows  # noqa: B018  (the counting pass parses every value)
    assert str(bad.value) == (
        f"{path}: column 'd' holds 'soon', not a date like its first 10,000 rows"
        " (a column's type is inferred from them); fix or blank the value"
    )
