"""The examples of docs/spark.md are real: its commands and its Python recipe run on local Spark.

The Python block is docs_src/spark/check_dataframe.py (tests/integration/test_docs_python.py
pins that it is shown verbatim); it runs in a folder holding the data it names and must print
the output the page shows. Every `gates check` line of the command-line block runs too: the
local ones on Spark, the cluster ones against a port nobody listens at, where they must stop
with the page's one-line error (the real cluster and Connect runs are in
test_spark_cluster.py, which also runs docs_src/spark/connect.py).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from _backend_cli import GATES, ROOT

from gates._sample import make_orders

pytestmark = pytest.mark.spark

PAGE = ROOT / "docs" / "spark.md"


def docs_project(tmp_path: Path) -> Path:
    """A folder with data/orders.parquet (2000 demo orders, seed 1) and suites/orders.yml."""
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "suites").mkdir()
    make_orders(2000, seed=1).write_parquet(tmp_path / "data" / "orders.parquet")
    shutil.copy(ROOT / "suites" / "orders.yml", tmp_path / "suites" / "orders.yml")
    return tmp_path


def run_example(script: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run docs_src/spark/SCRIPT as a reader would; its stdout."""
    env = {**(env or os.environ), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs_src" / "spark" / script)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _block_after(marker: str, lang: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(marker)
    found = re.search(rf"^```{lang}\n(.*?)^```$", text[start:], re.S | re.M)
    assert found is not None, f"no ```{lang} block after {marker!r} in {PAGE.name}"
    return found.group(1)


def test_python_example_prints_what_the_page_shows(needs_spark: Path, tmp_path: Path) -> None:
    """check_dataframe.py on the demo orders: the page's output, line for line."""
    out = run_example("check_dataframe.py", docs_project(tmp_path))
    assert out == _block_after("for check in result.failed_checks:", "text")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("marker", "count"), [("## From the command line", 4), ("without `DATA` reads a table", 2)]
)
def test_command_line_examples_run(
    marker: str, count: int, needs_spark: Path, tmp_path: Path
) -> None:
    """Each `gates check` line of "From the command line" (files, then catalog tables) runs
    as written."""
    project = docs_project(tmp_path)
    lines = [ln for ln in _block_after(marker, "bash").splitlines() if ln.strip()]
    assert len(lines) == count and all(ln.startswith("gates check ") for ln in lines)
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "GATES_SPARK_MASTER")}
    for line in lines:
        args = shlex.split(line)[1:]
        remote = re.search(r"(spark|sc)://127\.0\.0\.1:\d+", line)
        if remote:  # no cluster here: the same command, pointed at a closed port
            url = f"{remote.group(1)}://127.0.0.1:{_closed_port()}"
            args = [url if a == remote.group(0) else a for a in args]
        done = subprocess.run(
            [GATES, *args, "--no-ledger", "-q"],
            cwd=project, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if remote:
            assert done.returncode == 2, (line, done.stderr)
            assert done.stderr.startswith("error: cannot reach the Spark"), (line, done.stderr)
        else:
            assert (done.returncode, done.stdout) == (1, "verdict: BLOCK  4 of 20 checks failed\n"), (
                line, done.stderr[-2000:],
            )  # fmt: skip
