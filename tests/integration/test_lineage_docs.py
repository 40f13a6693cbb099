"""The examples of docs/lineage.md are real: run against a loopback receiver standing in for Marquez."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gates._sample import make_orders

ROOT = Path(__file__).resolve().parents[2]
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"
DOC = (ROOT / "docs" / "lineage.md").read_text(encoding="utf-8")
MARQUEZ = "http://localhost:5000"

_spec = importlib.util.spec_from_file_location(
    "lineage_http", Path(__file__).with_name("test_lineage_http.py")
)
assert _spec is not None and _spec.loader is not None
_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_http)
Receiver = _http.Receiver


def block(name: str) -> str:
    """The fenced block right after ``<!-- test: NAME -->`` in docs/lineage.md."""
    found = re.search(rf"<!-- test: {re.escape(name)} -->\n```\w+\n(.*?)```", DOC, re.S)
    assert found, f"docs/lineage.md has no block marked {name}"
    return found.group(1)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "suites").mkdir()
    make_orders(1200, seed=5).write_parquet(tmp_path / "data" / "orders.parquet")
    shutil.copy(ROOT / "suites" / "orders.yml", tmp_path / "suites" / "orders.yml")
    return tmp_path


def _env(project: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OPENLINEAGE")}
    return {**clean, "HOME": str(project)}


def _gates(command: str, project: Path) -> subprocess.CompletedProcess[str]:
    args = shlex.split(command)
    assert args[0] == "gates"
    return subprocess.run(
        [GATES, *args[1:], "--no-ledger", "-q"],
        cwd=project, env=_env(project), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_examples(project: Path) -> None:
    with Receiver() as marquez:
        for line in block("cli").strip().splitlines():
            done = _gates(line.replace(MARQUEZ, marquez.url), project)
            assert done.returncode == 1, done.stderr  # the sample orders have defects
            assert done.stderr == ""
    events = [json.loads(x) for x in (project / "lineage.ndjson").read_text("utf-8").splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    assert [e["eventType"] for e in marquez.events] == ["START", "COMPLETE"]
    assert marquez.paths == ["/api/v1/lineage"] * 2


def test_marquez_config_file(project: Path) -> None:
    """The openlineage.yml of the docs, in the working folder: no flag needed."""
    with Receiver() as marquez:
        (project / "openlineage.yml").write_text(
            block("openlineage.yml").replace(MARQUEZ, marquez.url)
        )
        done = _gates("gates check data/orders.parquet -s suites/orders.yml", project)
    assert done.returncode == 1, done.stderr
    assert [e["eventType"] for e in marquez.events] == ["START", "COMPLETE"]
    complete = marquez.events[1]
    assert complete["job"]["namespace"] == "ml-data-gates"
    assert complete["job"]["name"] == "orders"
    assert complete["inputs"][0]["name"] == str(project / "data" / "orders.parquet")


def test_python_example(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", block("python")],
        cwd=project, env=_env(project), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"
    lines = (project / "lineage.ndjson").read_text("utf-8").splitlines()
    assert [json.loads(x)["eventType"] for x in lines] == ["START", "COMPLETE"] * 3
