"""Hostile data: files an ordinary user has, read as written or refused in one line that says what to do.

Every broken file goes through the installed ``gates`` command: exit 2, one line on stderr
without a traceback, naming the file (and the line where there is one), the file unchanged.
Readable oddities (RFC 4180 headers, UTF-8 BOM, a column named ``row``, Duration columns) must
give the same verdict as ordinary data.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import gates
from gates import InputError

GATES = str(Path(sys.executable).with_name("gates"))
TIMEOUT = 60
#: Passed on to the CLI so it imports the same datagates as the tests.
_PASS = {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}

SUITE_A = "name: t\ncolumns:\n  a:\n    checks:\n      - ge: 0\n"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed CLI, bounded in time, without a ledger."""
    return subprocess.run(
        [GATES, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "400", "HOME": str(cwd), **_PASS},
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (asserting there is exactly one)."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# --- broken files: (id, file name, content, fragments the one-line error must hold) ---------
U16 = "a,b\n1,2\n"
BROKEN: list[tuple[str, str, bytes, list[str]]] = [
    (
        "utf16-le-csv",
        "d.csv",
        U16.encode("utf-16-le") and U16.encode("utf-16"),
        ["UTF-16", "iconv"],
    ),
    ("utf16-be-csv", "d.csv", codecs.BOM_UTF16_BE + U16.encode("utf-16-be"), ["UTF-16", "iconv"]),
    ("utf32-csv", "d.csv", U16.encode("utf-32"), ["UTF-32", "iconv"]),
    ("utf16-tsv", "d.tsv", "a\tb\n1\t2\n".encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("utf16-ndjson", "d.ndjson", '{"a": 1}\n'.encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("repeated-header", "d.csv", b"a,a,b\n1,2,3\n", ["line 1", "columns 1 and 2", "'a'", "rename"]),
    ("repeated-header-far", "d.csv", b"a,b,a\n1,2,3\n", ["columns 1 and 3", "'a'"]),
    ("repeated-quoted", "d.csv", b'"a",a\n1,2\n', ["columns 1 and 2", "'a'"]),
    ("repeated-tsv", "d.tsv", b"a\tb\tb\n1\t2\t3\n", ["columns 2 and 3", "'b'"]),
    ("unclosed-quote", "d.csv", b'a,b\n1,"oops\n2,3\n4,5\n', ["line 2", "quote", "never closed"]),
    ("unclosed-quote-late", "d.csv", b'a,b\n1,2\n3,4\n5,"x\n', ["line 4", "quote"]),
    ("unclosed-quote-header", "d.csv", b'"a,b\n1,2\n', ["line 1", "quote"]),
    ("unclosed-quote-tsv", "d.tsv", b'a\tb\n1\t2\n"3\t4\n', ["line 3", "quote"]),
    ("ragged-row", "d.csv", b"a,b\n1,2\n3,4,5\n", ["line 3", "3 fields", "header has 2"]),
    ("latin1-byte", "d.csv", b"a,b\n1,caf\xe9\n", ["line 2, column 6", "UTF-8", "iconv"]),
    ("json-object", "d.json", b'{\n  "a": 1,\n  "b": 2\n}\n', ["one JSON object", "not records"]),
    (
        "json-object-wrapping-records",
        "d.json",
        b'{\n "records": [{"a": 1}, {"a": 2}]\n}\n',
        ["one JSON object", "'records'", "array of objects"],
    ),
    (
        "json-array-syntax",
        "d.json",
        b'[{"a": 1},\n {"a": 2,]\n',
        ["line 2, column", "not valid JSON"],
    ),
    ("json-array-of-numbers", "d.json", b"[1, 2, 3]\n", ["item 1", "not an object"]),
    (
        "ndjson-bad-line",
        "d.ndjson",
        b'{"a": 1}\n{"a": 2}\n{"a": 3\n{"a": 4}\n',
        ["line 3", "NDJSON"],
    ),
    ("ndjson-array-line", "d.ndjson", b'{"a": 1}\n[2]\n', ["line 2", "not an object"]),
    ("jsonl-bad-line", "d.jsonl", b'{"a": 1}\n\n{"a": }\n', ["line 3", "not valid JSON"]),
    ("ndjson-latin1", "d.ndjson", b'{"a": 1}\n{"a": "\xe9"}\n', ["line 2", "UTF-8"]),
]


@pytest.mark.parametrize(
    ("name", "content", "fragments"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_file_is_one_line_naming_it(
    tmp_path: Path, name: str, content: bytes, fragments: list[str]
) -> None:
    data = tmp_path / name
    data.write_bytes(content)
    suite = tmp_path / "s.yml"
    suite.write_text(SUITE_A, encoding="utf-8")
    before = digest(data)
    proc = run("check", name, "--suite", "s.yml", "--no-ledger", cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    line = one_line_error(proc)
    assert name in line
    for fragment in fragments:
        assert fragment in line, line
    assert digest(data) == before


def test_glob_names_the_broken_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "p1.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "p2.csv").write_bytes("a,b\n3,4\n".encode("utf-16"))
    (tmp_path / "s.yml").write_text(SUITE_A, encoding="utf-8")
    proc = run("check", "p*.csv", "--suite", "s.yml", "--no-ledger", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "p2.csv" in line and "UTF-16" in line


@pytest.mark.parametrize("command", ["profile", "suggest"])
def test_profile_and_suggest_refuse_utf16_in_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "d.csv").write_bytes(U16.encode("utf-16"))
    proc = run(command, "d.csv", cwd=tmp_path)
    assert proc.returncode == 2
    assert "UTF-16" in one_line_error(proc)


# --- readable oddities: the same verdict as ordinary data -----------------------------------
READABLE: list[tuple[str, str, bytes, list[str]]] = [
    ("rfc4180-doubled-quote", "d.csv", b'"say ""hi""",b\n1,2\n', ['say "hi"', "b"]),
    ("quoted-separator", "d.csv", b'"a,b",c\n1,2\n', ["a,b", "c"]),
    ("quoted-plain", "d.csv", b'"x","y"\n1,2\n', ["x", "y"]),
    ("utf8-bom", "d.csv", codecs.BOM_UTF8 + b"a,b\n1,2\n", ["a", "b"]),
    ("utf8-bom-tsv", "d.tsv", codecs.BOM_UTF8 + b"a\tb\n1\t2\n", ["a", "b"]),
    ("unicode-header", "d.csv", "größe,ñ\n1,2\n".encode(), ["größe", "ñ"]),
    ("quoted-tsv", "d.tsv", b'"t ""q"""\tb\n1\t2\n', ['t "q"', "b"]),
]


@pytest.mark.parametrize(
    ("name", "content", "columns"), [c[1:] for c in READABLE], ids=[c[0] for c in READABLE]
)
def test_header_is_read_as_written(
    tmp_path: Path, name: str, content: bytes, columns: list[str]
) -> None:
    data = tmp_path / name
    data.write_bytes(content)
    ds = gates.load(data)
    assert list(ds.columns) == columns
    first = columns[0]
    suite = tmp_path / "s.yml"
    suite.write_text(
        f"name: t\ncolumns:\n  {json.dumps(first)}:\n    checks:\n      - ge: 0\n", encoding="utf-8"
    )
    proc = run("check", name, "--suite", "s.yml", "--no-ledger", "--json", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["verdict"] == "pass"
    assert doc["dataset"]["columns"] == columns


# --- a user column named `row` (or the reserved name) never collides -------------------------
ROW_SUITE = """\
name: t
columns:
  x:
    checks:
      - ge: 0
checks:
  - unique: [row, x]
  - expression: "x > 0"
  - query: "select * from data where x < 0"
"""


@pytest.fixture(scope="module")
def row_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("row")
    pl.DataFrame(
        {"row": [10, 10, 30, 40], "x": [5, 5, -7, 1], "__gates_row": [1, 2, 3, 4]}
    ).write_csv(folder / "d.csv")
    (folder / "s.yml").write_text(ROW_SUITE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ["auto", "reference", "pandera"])
def test_column_named_row_keeps_its_values_and_the_verdict(row_data: Path, engine: str) -> None:
    proc = run(
        "check",
        "d.csv",
        "--suite",
        "s.yml",
        "--no-ledger",
        "--engine",
        engine,
        "--json",
        "-",
        cwd=row_data,
    )
    assert proc.returncode == 1, proc.stderr  # the data is bad (x < 0), not the input
    checks = {c["id"]: c for c in json.loads(proc.stdout)["checks"]}
    ge = checks["x::greater_than_or_equal_to"]
    assert ge["error"] is None
    assert ge["sample"] == [{"row": 2, "row (column)": 30, "x": -7, "__gates_row": 3}]
    dup = checks["table::unique"]["sample"]
    assert [(r["row"], r["row (column)"]) for r in dup] == [(0, 10), (1, 10)]
    assert checks["table::expression"]["sample"][0]["row"] == 2
    assert checks["table::query"]["sample"][0]["row"] == 2
    assert checks["table::query"]["sample"][0]["row (column)"] == 30


def test_column_named_row_from_a_frame_api(row_data: Path) -> None:
    frame = pl.read_csv(row_data / "d.csv")
    result = gates.check(frame, row_data / "s.yml")
    assert result.verdict.value == "block"
    ge = next(c for c in result.checks if c.id == "x::greater_than_or_equal_to")
    assert ge.sample[0]["row"] == 2 and ge.sample[0]["row (column)"] == 30


# --- Duration columns profile, suggest and check ---------------------------------------------
@pytest.fixture(scope="module")
def duration_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dur")
    pl.DataFrame(
        {"wait": [dt.timedelta(seconds=1), None, dt.timedelta(days=2, seconds=5)], "n": [1, 2, 3]}
    ).write_parquet(folder / "d.parquet")
    return folder


def test_duration_column_profiles(duration_data: Path) -> None:
    proc = run("profile", "d.parquet", "--json", "p.json", "--quiet", cwd=duration_data)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((duration_data / "p.json").read_text(encoding="utf-8"))
    wait = next(c for c in doc["columns"] if c["name"] == "wait")
    assert wait["min"] == "PT1S" and wait["max"] == "P2DT5S"


def test_duration_column_suggest_then_check_passes(duration_data: Path) -> None:
    proc = run("suggest", "d.parquet", "--out", "sug.yml", "--force", cwd=duration_data)
    assert proc.returncode == 0, proc.stderr
    proc = run("check", "d.parquet", "--suite", "sug.yml", "--no-ledger", "-q", cwd=duration_data)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- pandas frames with a mixed-type column ---------------------------------------------------
@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        ([1, "a", 2.5], "float, int, str"),
        (["x", 2], "int, str"),
        ([1, [2]], "int, list"),
        ([{"k": 1}, 3], "dict, int"),
        ([1.5, "x"], "float, str"),
    ],
    ids=["int-str-float", "str-int", "int-list", "dict-int", "float-str"],
)
def test_pandas_mixed_column_is_an_input_error_naming_it(
    tmp_path: Path, values: list[object], kinds: str
) -> None:
    pd = pytest.importorskip("pandas")
    suite = tmp_path / "s.yml"
    suite.write_text(SUITE_A, encoding="utf-8")
    frame = pd.DataFrame({"a": list(range(len(values))), "mixed": values})
    with pytest.raises(InputError) as info:
        gates.check(frame, suite)
    assert info.value.column == "mixed"
    assert str(info.value) == (
        f"<pandas.DataFrame>: column 'mixed' mixes types ({kinds}); "
        "convert it to one type first, e.g. df[col].astype(str)"
    )


def test_pandas_frame_of_one_type_per_column_still_checks(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    suite = tmp_path / "s.yml"
    suite.write_text(SUITE_A, encoding="utf-8")
    result = gates.check(pd.DataFrame({"a": [1, 2, -3], "s": ["x", None, "z"]}), suite)
    assert result.verdict.value == "block"
