"""docs/suites.md "coerce": the example file shown verbatim, run by the installed `gates` command,
with the lines the page shows, and the suite errors it quotes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gates

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "docs_src" / "suites"
PAGE = (ROOT / "docs" / "suites.md").read_text()
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


def test_the_example_is_shown_and_its_run_is_what_the_page_says() -> None:
    text = (SRC / "stops.yml").read_text()
    assert f"```yaml\n{text}```" in PAGE
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    done = subprocess.run(
        [
            GATES,
            "check",
            "docs_src/suites/stops.csv",
            "-s",
            "docs_src/suites/stops.yml",
            "--no-ledger",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    command = "$ gates check docs_src/suites/stops.csv -s docs_src/suites/stops.yml\n"
    shown = PAGE.split(command, 1)[1].split("```", 1)[0]
    for line in shown.strip().splitlines():
        if line == "...":
            continue
        if line.startswith("verdict:"):
            line = re.sub(r" in [0-9.]+s$", "", line)
        assert line in done.stdout, line
    result = {c.id: c for c in gates.check(SRC / "stops.csv", SRC / "stops.yml").checks}
    assert [r["age"] for r in result["age::dtype"].sample] == ["n/a"]
    assert [r["stopped_at"] for r in result["stopped_at::dtype"].sample] == ["yesterday"]
    assert result["searched::dtype"].passed and result["stop_id::unique"].passed


@pytest.mark.parametrize(
    ("column", "quoted"),
    [
        ("  x: {coerce: true}", "coerce: true needs a `dtype` to convert the column to; add one"),
        ("  x: {dtype: numeric, coerce: true}", "coerce: true cannot convert to 'numeric'"),
    ],
)
def test_the_suite_errors_the_page_quotes(column: str, quoted: str, tmp_path: Path) -> None:
    suite = tmp_path / "s.yml"
    suite.write_text(f"name: s\ncolumns:\n{column}\n")
    with pytest.raises(gates.SuiteDefinitionError, match=re.escape(quoted)):
        gates.load_suite(suite)
    assert quoted in " ".join(PAGE.split())
