"""The benchmark generator, floors, harness and report, at tiny sizes."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import polars as pl
import pytest

import benchmarks
from benchmarks import (
    CHECK_NAMES,
    COLUMNS,
    Measurement,
    Result,
    Run,
    Task,
    defect_rows,
    ensure_dataset,
    generate_frame,
    measure,
    render_table,
)
from benchmarks._cli import main
from benchmarks._floors import (
    duckdb_check_counts,
    duckdb_profile,
    polars_check_counts,
    polars_profile,
)
from benchmarks._spec import DEFECT_CHECKS, defects_per_kind, parse_size, size_label


def _digest(df: pl.DataFrame) -> str:
    return hashlib.sha256(df.write_csv().encode()).hexdigest()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> benchmarks.Dataset:
    """A 2,000-row table written as Parquet and CSV."""
    return ensure_dataset(2_000, seed=3, data_dir=tmp_path_factory.mktemp("data"))


class TestGenerator:
    def test_same_seed_gives_same_bytes(self) -> None:
        """Two generations with one seed are byte-identical; another seed differs."""
        assert _digest(generate_frame(1_000, seed=11)) == _digest(generate_frame(1_000, seed=11))
        assert _digest(generate_frame(1_000, seed=11)) != _digest(generate_frame(1_000, seed=12))

    def test_has_the_21_columns(self) -> None:
        """The table has the 21 named columns of mixed types and unique order ids."""
        df = generate_frame(1_000, seed=11)
        assert tuple(df.columns) == COLUMNS
        assert len(COLUMNS) == 21
        assert df.height == 1_000
        assert df["order_id"].is_unique().all()
        assert df.schema["created_at"] == pl.Datetime("us")
        assert df.schema["is_active"] == pl.Boolean
        assert df["amount"].null_count() > 0
        assert df["product"].n_unique() > 200
        assert df["label"].value_counts(sort=True)["label"][0] == "good"

    def test_defects_are_injected_where_announced(self) -> None:
        """Each defect kind touches exactly its announced rows."""
        df = generate_frame(1_000, seed=11)
        d = defect_rows(1_000, seed=11)
        assert df["customer_id"].null_count() == len(d.customer_id_null) == defects_per_kind(1_000)
        assert df["customer_id"].gather(list(d.customer_id_null)).null_count() == 3
        assert set(df["status"].gather(list(d.status_unknown))) == {"unknown"}
        bad_age = df["age"].gather(list(d.age_out_of_range)).to_list()
        assert all(a < 18 or a > 100 for a in bad_age)

    def test_chunks_do_not_change_the_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Generating in smaller chunks keeps defects and row ids in place."""
        import benchmarks._data as data

        monkeypatch.setattr(data, "CHUNK_ROWS", 400)
        df = generate_frame(1_000, seed=11)
        assert df["order_id"].to_list() == list(range(10_000_000, 10_001_000))
        assert df["customer_id"].null_count() == 3

    def test_dataset_is_cached(self, tiny: benchmarks.Dataset) -> None:
        """A second call reuses the files instead of writing them again."""
        before = tiny.parquet.stat().st_mtime_ns
        again = ensure_dataset(2_000, seed=3, data_dir=tiny.parquet.parent)
        assert again == tiny
        assert again.parquet.stat().st_mtime_ns == before
        assert pl.read_csv(tiny.csv).height == pl.read_parquet(tiny.parquet).height == 2_000


class TestFloors:
    def test_duckdb_and_polars_check_counts_agree(self, tiny: benchmarks.Dataset) -> None:
        """The SQL floor and the Polars floor count the same failures for all 12 checks."""
        duck = duckdb_check_counts(str(tiny.parquet))
        assert duck == polars_check_counts(str(tiny.parquet))
        k = defects_per_kind(2_000)
        assert duck == {name: (k if name in DEFECT_CHECKS else 0) for name in CHECK_NAMES}

    def test_profile_floors_agree(self, tiny: benchmarks.Dataset) -> None:
        """Both profile floors see every column with the same counts, nulls, min and max."""
        duck = duckdb_profile(str(tiny.parquet))
        pol = polars_profile(str(tiny.parquet))
        assert list(duck) == list(pol) == list(COLUMNS)
        for name in ("customer_id", "amount", "age", "status"):
            assert duck[name][:4] == pol[name][:4], name


class TestHarness:
    def test_trivial_child(self) -> None:
        """Three runs of a trivial child give a median within min..max and a sane RSS."""
        m = measure([sys.executable, "-c", "print('{\"ok\": 1}')"], repeat=3)
        assert m.error is None
        assert len(m.runs) == 3
        assert m.min_s <= m.median_s <= m.max_s < 10
        assert 1 < m.peak_rss_mb < 200
        assert m.summary == {"ok": 1}

    def test_rss_is_the_childs_whole_process(self) -> None:
        """A child holding 150 MB reports at least that as its peak RSS."""
        m = measure([sys.executable, "-c", "b = b'x' * 150_000_000"], repeat=1)
        assert m.peak_rss_mb >= 150

    def test_failing_child_is_an_error_row(self) -> None:
        """Exit code 2 stops the repeats and keeps the last stderr line."""
        code = "import sys; print('first\\nNo such command check', file=sys.stderr); sys.exit(2)"
        m = measure([sys.executable, "-c", code], repeat=3, ok_codes=(0, 1))
        assert m.runs == ()
        assert m.error == "exit 2: No such command check"
        m2 = measure([sys.executable, "-c", "import sys; sys.exit(1)"], repeat=2, ok_codes=(0, 1))
        assert m2.error is None
        assert len(m2.runs) == 2


class TestReport:
    def _result(self, tool: str, secs: float, floor: str | None = None) -> Result:
        task = Task("check", tool, 1_000_000, ("x",), floor=floor)  # type: ignore[arg-type]
        run = Run(wall_s=secs, peak_rss_mb=100.0, returncode=0, stdout_last="", stderr_last="")
        return Result(task, Measurement((run,)))

    def test_ratios_are_to_the_floors_of_the_same_run(self) -> None:
        """A 2 s tool over a 1 s DuckDB floor and a 0.5 s Polars floor shows ratios 2 and 4."""
        table = render_table(
            [
                self._result("duck", 1.0, "duckdb"),
                self._result("pol", 0.5, "polars"),
                self._result("tool", 2.0),
            ]
        )
        assert "| check | tool | 1M | 2.000 | 2.000–2.000 | 2.00× | 4.00× | 100 |  |" in table

    def test_checks_failed_read_from_datagates_output(self) -> None:
        """A child printing datagates' verdict line gets its failed-check count noted."""
        task = Task("check", "gates", 100_000, ("x",), ok_codes=(0, 1))
        tail = "wrote /dev/null\nverdict: BLOCK  5 of 12 checks failed in 9.62s"
        run = Run(1.0, 50.0, 1, "", "", tail=tail)
        assert render_table([Result(task, Measurement((run,)))]).endswith(
            "| 1.000 | 1.000–1.000 | — | — | 50 | 5/12 checks failed |"
        )

    def test_error_row(self) -> None:
        """A failed task shows 'error' and its reason."""
        task = Task("check", "gates", 100_000, ("x",))
        table = render_table([Result(task, Measurement((), error="exit 2: No such command"))])
        assert "| check | gates | 100k | error | — | — | — | — | exit 2: No such command |" in table


def test_sizes_parse_and_print() -> None:
    """Size labels round-trip, and a bad size names the fix."""
    assert [parse_size(s) for s in ("100k", "1M", "2500")] == [100_000, 1_000_000, 2_500]
    assert [size_label(n) for n in (100_000, 1_000_000, 2_500)] == ["100k", "1M", "2500"]
    with pytest.raises(ValueError, match="use a positive row count"):
        parse_size("ten")


def test_cli_rejects_unknown_task_group(capsys: pytest.CaptureFixture[str]) -> None:
    """`--tasks nope` exits 2 with a one-line error naming the valid groups."""
    assert main(["--tasks", "nope"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: unknown task group(s) nope in --tasks: use check,profile,startup"
    )


def test_cli_startup_only_writes_report(tmp_path: Path) -> None:
    """A start-up-only run needs no data and writes bench-<date>.md with the table."""
    assert main(["--tasks", "startup", "--repeat", "1", "--out", str(tmp_path)]) == 0
    (report,) = tmp_path.glob("bench-*.md")
    text = report.read_text()
    assert "| startup | `import duckdb` (floor) | — |" in text
    assert "machine: " in text


def test_exports_are_sorted_and_complete() -> None:
    """`__all__` is sorted and lists every public name."""
    public = {n for n in vars(benchmarks) if not n.startswith("_")}
    assert benchmarks.__all__ == sorted(benchmarks.__all__, key=lambda s: (not s.isupper(), s))
    assert set(benchmarks.__all__) == public


def test_missing_extra_benchmark_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """An --include benchmark whose file is absent is reported as skipped, not run."""
    import benchmarks._cli as cli

    monkeypatch.setattr(cli, "EXTRAS", {"labels": "no_such_bench"})
    assert cli._run_extras(["labels"]) == [
        "- labels: benchmarks/no_such_bench.py not present, skipped"
    ]


def test_out_of_core_writes_parts_and_measures_every_backend(tmp_path: Path) -> None:
    """At 30k rows: parts written once, every command ran, all see the same 5 failed checks."""
    from benchmarks.out_of_core import main as out_of_core

    data, out = tmp_path / "data", tmp_path / "out"
    argv = ["--rows", "30k", "--data-dir", str(data), "--out", str(out)]
    assert out_of_core(argv) == 0
    (folder,) = data.glob("orders-30k-*.parts")
    assert len(list(folder.glob("part-*.parquet"))) == 1
    (report,) = out.glob("out-of-core-30k-*.md")
    rows = [line for line in report.read_text().splitlines() if line.startswith("| check |")]
    assert [r.split(" | ")[1] for r in rows] == [
        "DuckDB floor (1 SQL aggregate)",
        "Polars floor (1 select)",
        "datagates `--engine polars`",
        "datagates `--engine duckdb`",
        "datagates `--engine duckdb`, GATES_DUCKDB_MEMORY_LIMIT=1GB",
    ]
    assert all(r.endswith("| 5/12 checks failed |") for r in rows), rows


def test_a_second_report_of_the_day_does_not_overwrite_the_first(tmp_path: Path) -> None:
    import datetime as dt

    from benchmarks._results import dated_path

    day = dt.date(2026, 12, 4)
    first = dated_path(tmp_path / "results", "bench", today=day)
    assert first == tmp_path / "results" / "bench-2026-12-04.md"
    first.write_text("run 1", encoding="utf-8")
    second = dated_path(tmp_path / "results", "bench", today=day)
    assert second.name == "bench-2026-12-04-2.md"
    second.write_text("run 2", encoding="utf-8")
    assert dated_path(tmp_path / "results", "bench", today=day).name == "bench-2026-12-04-3.md"
    assert first.read_text(encoding="utf-8") == "run 1"
