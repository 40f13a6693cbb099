"""Hostile outputs: no command writes onto a file its run reads, writes are atomic, failures are one line.

Real files and the installed ``gates`` command. Every refused or failed write must exit 2 with
one stderr line (no traceback) naming the target, and leave every input byte for byte as it was.
A full disk and a read-only file system are real tmpfs mounts (skipped when mounting is not
allowed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

GATES = str(Path(sys.executable).with_name("gates"))
TIMEOUT = 60
#: Passed on to the CLI so it imports the same datagates as the tests.
_PASS = {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}
FLAGS = ["--json", "--junit", "--markdown", "--html"]

SUITE = """\
name: outputs
columns:
  amount:
    checks:
      - ge: 0
include:
  gx: legacy.gx.json
  pandera: schemas.py:Orders
drift:
  baseline: base.json
  severity: warn
"""
GX = {
    "name": "legacy",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "status"}}
    ],
}
PANDERA = (
    "import pandera.polars as pa\n\n"
    "class Orders(pa.DataFrameModel):\n"
    "    amount: float = pa.Field(nullable=True)\n"
)


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed CLI, bounded in time."""
    return subprocess.run(
        [GATES, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "400", "HOME": str(cwd), **_PASS, **(env or {})},
    )


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (the run's inputs and anything written)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (asserting there is exactly one)."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every kind of input a run reads: data, suite, includes, baseline, ledger."""
    root = tmp_path_factory.mktemp("outputs")
    (root / "data.csv").write_text("amount,status\n1.0,new\n2.5,paid\n3.0,new\n", encoding="utf-8")
    (root / "part-2.csv").write_text("amount,status\n4.0,new\n", encoding="utf-8")
    (root / "suite.yml").write_text(SUITE, encoding="utf-8")
    (root / "legacy.gx.json").write_text(json.dumps(GX), encoding="utf-8")
    (root / "schemas.py").write_text(PANDERA, encoding="utf-8")
    os.symlink("data.csv", root / "link.csv")
    proc = run("profile", "data.csv", "--json", "base.json", "--quiet", cwd=root)
    assert proc.returncode == 0, proc.stderr
    proc = run(
        "check", "data.csv", "--suite", "suite.yml", "--ledger", "runs.duckdb", "-q", cwd=root
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


# --- never onto an input of the run ----------------------------------------------------------
#: (id, data argument, report target): the target is something the run reads.
INPUT_TARGETS = [
    ("data", "data.csv", "data.csv"),
    ("data-dot-spelling", "data.csv", "./data.csv"),
    ("data-via-symlink", "link.csv", "data.csv"),
    ("symlink-to-data", "data.csv", "link.csv"),
    ("data-in-glob", "*.csv", "part-2.csv"),
    ("data-in-folder", ".", "part-2.csv"),
    ("suite", "data.csv", "suite.yml"),
    ("include-gx", "data.csv", "legacy.gx.json"),
    ("include-pandera", "data.csv", "schemas.py"),
    ("drift-baseline", "data.csv", "base.json"),
    ("ledger", "data.csv", "runs.duckdb"),
]


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize(
    ("data", "target"), [c[1:] for c in INPUT_TARGETS], ids=[c[0] for c in INPUT_TARGETS]
)
def test_report_never_lands_on_an_input(project: Path, flag: str, data: str, target: str) -> None:
    before = digests(project)
    proc = run(
        "check", data, "--suite", "suite.yml", "--ledger", "runs.duckdb", flag, target, cwd=project
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line_error(proc)
    # the message names the file as the run resolved it (``./data.csv`` is ``data.csv``)
    named = Path(target).name
    assert named in line and "is an input of this run" in line and "another file" in line
    assert digests(project) == before


def test_default_ledger_is_an_input_too(project: Path) -> None:
    (project / ".gates").mkdir(exist_ok=True)
    ledger = project / ".gates" / "ledger.duckdb"
    ledger.write_bytes(b"placeholder: never opened, the run is refused first")
    before = digests(project)
    proc = run(
        "check", "data.csv", "--suite", "suite.yml", "--json", ".gates/ledger.duckdb", cwd=project
    )
    assert proc.returncode == 2
    assert "is an input of this run" in one_line_error(proc)
    assert digests(project) == before
    ledger.unlink()


def test_no_report_is_written_when_one_target_is_refused(project: Path) -> None:
    proc = run(
        "check", "data.csv", "--suite", "suite.yml", "--no-ledger",
        "--json", "fresh.json", "--html", "suite.yml", cwd=project,
    )  # fmt: skip
    assert proc.returncode == 2
    assert not (project / "fresh.json").exists()


# --- paths that cannot be a file ---------------------------------------------------------------
@pytest.mark.parametrize("flag", FLAGS)
def test_report_under_a_file_says_not_a_directory(project: Path, flag: str) -> None:
    before = digests(project)
    proc = run(
        "check", "data.csv", "-s", "suite.yml", "--no-ledger", flag, "data.csv/r.out", cwd=project
    )
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "data.csv/r.out" in line and "is a file, not a directory" in line
    assert digests(project) == before


@pytest.mark.parametrize("flag", FLAGS)
def test_report_onto_a_folder_says_give_a_file_name(project: Path, flag: str) -> None:
    (project / "reports").mkdir(exist_ok=True)
    proc = run("check", "data.csv", "-s", "suite.yml", "--no-ledger", flag, "reports", cwd=project)
    assert proc.returncode == 2
    assert "reports: is a directory; give a file name" in one_line_error(proc)


# --- an existing report is replaced, atomically ------------------------------------------------
@pytest.mark.parametrize("flag", FLAGS)
def test_existing_report_is_replaced_whole(tmp_path: Path, project: Path, flag: str) -> None:
    out = tmp_path / "deep" / "er" / f"report{flag.replace('--', '.')}"
    out.parent.mkdir(parents=True)
    out.write_text("old report " * 10_000, encoding="utf-8")
    os.chmod(out, 0o640)
    proc = run("check", "data.csv", "-s", "suite.yml", "--no-ledger", "-q", flag, out, cwd=project)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "old report" not in text and "outputs" in text
    assert out.stat().st_mode & 0o777 == 0o640  # the old file's permissions are kept
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("flag", FLAGS)
def test_report_folder_is_created(tmp_path: Path, project: Path, flag: str) -> None:
    out = tmp_path / "new" / "folder" / "r.out"
    proc = run("check", "data.csv", "-s", "suite.yml", "--no-ledger", "-q", flag, out, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 0


# --- disk full, read-only: real tmpfs mounts ---------------------------------------------------
@contextlib.contextmanager
def tmpfs(where: Path, *options: str) -> Iterator[Path]:
    where.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip() or 'not root'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs with 4 KiB left: big reports do not fit."""
    with tmpfs(tmp_path / "full", "size=64k") as mnt:
        filler = mnt / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as fh:
            fh.write(b"x" * (60 << 10))
        yield mnt


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "ro", "size=64k", "ro") as mnt:
        yield mnt


@pytest.mark.parametrize("flag", ["--json", "--html"])
def test_disk_full_is_one_line_exit_2_and_keeps_the_old_report(
    project: Path, full_disk: Path, flag: str
) -> None:
    out = full_disk / "r.out"
    out.write_bytes(b"old")
    proc = run("check", "data.csv", "-s", "suite.yml", "--no-ledger", "-q", flag, out, cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line_error(proc)
    assert str(out) in line and "the disk is full" in line
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "r.out"]


def test_disk_full_suite_schema(project: Path, full_disk: Path) -> None:
    proc = run("suite", "schema", "--out", full_disk / "s.json", cwd=project)
    assert proc.returncode == 2
    assert "the disk is full" in one_line_error(proc)
    assert not (full_disk / "s.json").exists()


@pytest.mark.parametrize("flag", FLAGS)
def test_read_only_file_system_is_one_line_exit_2(
    project: Path, read_only: Path, flag: str
) -> None:
    proc = run(
        "check",
        "data.csv",
        "-s",
        "suite.yml",
        "--no-ledger",
        "-q",
        flag,
        read_only / "r.out",
        cwd=project,
    )
    assert proc.returncode == 2
    assert "read-only" in one_line_error(proc)


# --- gates suite schema --out: refuses an existing file like suggest does ----------------------
def test_suite_schema_refuses_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("mine", encoding="utf-8")
    proc = run("suite", "schema", "--out", out, cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert str(out) in line and "already exists; pass --force" in line
    assert out.read_text(encoding="utf-8") == "mine"


def test_suite_schema_force_replaces(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("mine", encoding="utf-8")
    proc = run("suite", "schema", "--out", out, "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["title"]


def test_suite_schema_new_file_and_stdout(tmp_path: Path) -> None:
    proc = run("suite", "schema", "--out", tmp_path / "a" / "b.json", cwd=tmp_path)
    assert proc.returncode == 0
    stdout = run("suite", "schema", cwd=tmp_path)
    assert json.loads(stdout.stdout) == json.loads((tmp_path / "a" / "b.json").read_text("utf-8"))


def test_suite_schema_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    proc = run("suite", "schema", "--out", "f/s.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert "is a file, not a directory" in one_line_error(proc)


# --- profile, drift and suggest outputs ------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["profile", "data.csv", "--json", "data.csv"],
        ["profile", "data.csv", "--html", "./data.csv"],
        ["profile", "data.csv", "--baseline", "base.json", "--json", "base.json"],
        ["profile", "*.csv", "--json", "part-2.csv"],
        ["drift", "data.csv", "base.json", "--json", "base.json"],
        ["drift", "data.csv", "base.json", "--html", "data.csv"],
    ],
    ids=[
        "profile-json-data",
        "profile-html-data",
        "profile-baseline",
        "profile-glob",
        "drift-json-baseline",
        "drift-html-data",
    ],
)
def test_profile_outputs_never_land_on_what_they_read(project: Path, args: list[str]) -> None:
    before = digests(project)
    proc = run(*args, cwd=project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is an input of this run" in one_line_error(proc)
    assert digests(project) == before


def test_suggest_refuses_an_existing_file_and_force_replaces(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.yml"
    out.write_text("mine", encoding="utf-8")
    proc = run("suggest", "data.csv", "--out", out, cwd=project)
    assert proc.returncode == 2
    assert str(out) in one_line_error(proc)
    assert out.read_text(encoding="utf-8") == "mine"
    proc = run("suggest", "data.csv", "--out", out, "--force", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "columns:" in out.read_text(encoding="utf-8")


def test_suggest_disk_full(project: Path, full_disk: Path) -> None:
    big = project / "wide.csv"
    big.write_text(
        ",".join(f"c{i}" for i in range(300)) + "\n" + ",".join("1" for _ in range(300)) + "\n",
        encoding="utf-8",
    )
    try:
        proc = run("suggest", "wide.csv", "--out", full_disk / "s.yml", cwd=project)
    finally:
        big.unlink()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "the disk is full" in one_line_error(proc)


# --- the writer itself, in process ---------------------------------------------------------------
def test_writer_failure_inside_leaves_no_temporary_file(tmp_path: Path) -> None:
    from gates._io._write import write_output

    target = tmp_path / "out.parquet"
    target.write_bytes(b"old")

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("writer crashed")

    with pytest.raises(RuntimeError):
        write_output(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_writer_refuses_without_overwrite_and_names_the_flag(tmp_path: Path) -> None:
    from gates import InputError
    from gates._io._write import write_output

    target = tmp_path / "x.json"
    target.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"already exists; pass --replace to replace it"):
        write_output(target, "new", overwrite=False, force_flag="--replace")
    assert target.read_text(encoding="utf-8") == "{}"
