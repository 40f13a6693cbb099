"""`--help` of every command is pinned, and console output fits the width it is given.

The snapshots under ``tests/integration/snapshots/help/`` are the help texts at 100 columns.
After changing a flag on purpose, refresh them with
``GATES_UPDATE_SNAPSHOTS=1 pytest tests/integration/test_cli_help.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import typer.main

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "snapshots" / "help"
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


def _commands() -> list[tuple[str, ...]]:
    from gates._cli import _app

    root = typer.main.get_command(_app.app)

    def walk(cmd: object, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        out = [path]
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            out += walk(sub, (*path, name))
        return out

    return walk(root, ())


def _gates(
    *args: str, columns: int = 100, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns), "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [GATES, *args], capture_output=True, text=True, env=env, timeout=60, cwd=cwd
    )


COMMANDS = _commands()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "gates")
def test_help_matches_its_snapshot(command: tuple[str, ...]) -> None:
    done = _gates(*command, "--help")
    assert done.returncode == 0, done.stderr
    snapshot = SNAPSHOTS / f"{'_'.join(command) or 'gates'}.txt"
    if os.environ.get("GATES_UPDATE_SNAPSHOTS"):
        snapshot.write_text(done.stdout, encoding="utf-8")
    assert snapshot.exists(), (
        f"no help snapshot for `gates {' '.join(command)}`: run with GATES_UPDATE_SNAPSHOTS=1"
    )
    assert done.stdout == snapshot.read_text(encoding="utf-8"), (
        f"`gates {' '.join(command)} --help` changed; if on purpose, refresh the snapshots"
        " (GATES_UPDATE_SNAPSHOTS=1) and review the diff"
    )


def test_every_snapshot_belongs_to_a_command() -> None:
    names = {f"{'_'.join(c) or 'gates'}.txt" for c in COMMANDS}
    assert {p.name for p in SNAPSHOTS.glob("*.txt")} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "gates")
def test_no_help_line_is_longer_than_the_width(command: tuple[str, ...]) -> None:
    text = (SNAPSHOTS / f"{'_'.join(command) or 'gates'}.txt").read_text(encoding="utf-8")
    assert all(len(line) <= 100 for line in text.splitlines())


def test_help_is_spelled_one_way() -> None:
    """Issue 16: no <bool> beside flags, positional arguments in capitals, defaults only as
    ``[default: ...]`` (never in prose, never in parentheses), one overwrite flag (--force)."""
    for path in SNAPSHOTS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        usage = next(line for line in text.splitlines() if "Usage:" in line)
        assert "<bool>" not in text, path.name
        assert "(default" not in text.lower() and "[default: (" not in text, path.name
        assert "--overwrite" not in text, path.name
        assert not re.search(r"[\[{][a-z_]+[\]}]", usage), (path.name, usage)


def _long_ids_project(tmp_path: Path) -> Path:
    name = "amount_with_a_rather_long_column_name"
    (tmp_path / "s.yml").write_text(
        f"name: s\ncolumns:\n  {name}:\n    checks:\n      - in_range: [0, 1]\n"
        "      - greater_than: 5\n"
    )
    pl.DataFrame({name: [1.5, 2.0]}).write_parquet(tmp_path / "d.parquet")
    return tmp_path


@pytest.mark.parametrize("columns", [100, 120, 200])
def test_piped_check_output_fits_the_width_and_keeps_ids_whole(
    tmp_path: Path, columns: int
) -> None:
    done = _gates(
        "check",
        "d.parquet",
        "-s",
        "s.yml",
        "--no-ledger",
        columns=columns,
        cwd=_long_ids_project(tmp_path),
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    for cid in (
        "amount_with_a_rather_long_column_name::in_range",
        "amount_with_a_rather_long_column_name::greater_than",
    ):
        assert any(cid in line for line in lines), done.stdout
    assert any(line.rstrip().endswith(("┓", "┐")) for line in lines)  # the right edge is there


def test_piped_output_without_columns_is_120_wide(tmp_path: Path) -> None:
    project = _long_ids_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [GATES, "check", "d.parquet", "-s", "s.yml", "--no-ledger"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=project,
    )
    widths = [len(line) for line in done.stdout.splitlines() if line.startswith(("┏", "┌"))]
    assert widths and max(widths) <= 120


def test_debug_works_after_the_subcommand_too(tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_text("name: s\ncolumns:\n  a: {}\n")
    after = _gates("check", "missing.parquet", "-s", "s.yml", "--debug", cwd=tmp_path)
    before = _gates("--debug", "check", "missing.parquet", "-s", "s.yml", cwd=tmp_path)
    plain = _gates("check", "missing.parquet", "-s", "s.yml", cwd=tmp_path)
    for run in (after, before):
        assert "Traceback (most recent call last)" in run.stderr
        assert "DataSourceNotFound: missing.parquet: no such file" in run.stderr
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("error: missing.parquet: no such file")


LAZY = """
import sys
sys.argv = ["gates", *sys.argv[1:]]
from gates._cli import main
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith("gates._cli."))), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "loaded", "absent"),
    [
        (("profile", "--help"), "gates._cli.profile", "gates._cli.check"),
        (("--debug", "check", "--help"), "gates._cli.check", "gates._cli.profile"),
        (("history", "list", "--help"), "gates._cli.history", "gates._cli.labels"),
        (("--help",), "gates._cli.serve", None),  # the root's help lists every command
        (("profil",), "gates._cli.profile", None),  # "did you mean" needs them all too
    ],
)
def test_a_command_line_builds_only_its_command(
    args: tuple[str, ...], loaded: str, absent: str | None
) -> None:
    """``gates CMD`` imports CMD's module alone (typer builds every registered parameter)."""
    got = subprocess.run(
        [sys.executable, "-c", LAZY, *args], capture_output=True, text=True, timeout=60
    )
    modules = got.stderr.strip().splitlines()[-1].split()
    assert loaded in modules
    assert absent is None or absent not in modules
    if args == ("profil",):
        assert "Did you mean 'profile'?" in got.stderr
