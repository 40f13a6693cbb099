"""docs/history.md: its YAML loads, its console session runs as shown, its Python example runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gates.history._demo import SUITE
from gates.suite import load_suite

ROOT = Path(__file__).resolve().parents[3]
PAGE = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```$", PAGE, re.S | re.M)


def test_every_yaml_block_is_a_valid_anomaly_section(tmp_path: Path) -> None:
    blocks = _blocks("yaml")
    assert len(blocks) == 2
    for i, block in enumerate(blocks):
        path = tmp_path / f"s{i}.yml"
        path.write_text(block if block.startswith("name:") else "name: doc\n" + block)
        assert load_suite(path).suite.anomaly
    # the demo's suite is shown as it is written (without its two header comments)
    assert blocks[1] == "".join(SUITE.splitlines(keepends=True)[2:])


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """Run every `$` line of the console block in one folder; keep (command, output)."""
    [block] = _blocks("console")
    folder = tmp_path_factory.mktemp("docs")
    shown: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            shown.append((line[2:], []))
        else:
            shown[-1][1].append(line)
    ran = []
    for command, lines in shown:
        argv = command.split()
        argv = [sys.executable, *argv[1:]] if argv[0] == "python" else [GATES, *argv[1:]]
        argv = [a.strip('"') for a in argv]
        done = subprocess.run(
            argv,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 0, (command, done.stderr)
        ran.append((done.stdout, "\n".join(lines)))
    return folder, ran


def test_the_console_session_prints_what_the_page_shows(
    session: tuple[Path, list[tuple[str, str]]],
) -> None:
    _, ran = session
    demo_out, demo_shown = ran[0]
    got, want = demo_out.splitlines(), demo_shown.splitlines()
    # dates end yesterday; everything after the date is as shown
    assert got[0][10:] == want[0][10:]
    assert [g[10:] for g in got[-3:-1]] == [w[10:] for w in want[-3:-1]]
    assert got[-1] == want[-1]
    assert len(got) == 15
    verify_out, verify_shown = ran[-1]
    assert verify_out.strip() == verify_shown.strip()


def test_the_python_example_reads_the_demo_history(
    session: tuple[Path, list[tuple[str, str]]],
) -> None:
    folder, _ = session
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs_src" / "history" / "read_history.py")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1:3] for line in lines[:3]] == [
        ["pass", "5036.0"],
        ["pass", "5011.0"],
        ["block", "1963.0"],
    ]
    assert lines[3].startswith("amount.distinct 14 ")
    assert "amount.mean 14 80.39" in lines
    assert lines[-1] == "history matches the ledger: 14 runs"
    assert (folder / "demo" / "metrics.parquet").exists()
