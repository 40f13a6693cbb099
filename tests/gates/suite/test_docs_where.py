"""docs/suites.md "Row filters and warn/block thresholds": the example file shown verbatim, run
by the installed `gates` command, and the errors the page quotes are what `gates` prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gates

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "docs_src" / "suites"
PAGE = (ROOT / "docs" / "suites.md").read_text()
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


def _gates(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [GATES, *args, "--no-ledger"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_example_is_shown_and_its_run_is_what_the_page_says() -> None:
    text = (SRC / "storms.yml").read_text()
    assert f"```yaml\n{text}```" in PAGE
    done = _gates(
        "check", "docs_src/suites/storms.csv", "-s", "docs_src/suites/storms.yml", cwd=ROOT
    )
    assert done.returncode == 0, done.stderr  # a warning, not a block
    command = "$ gates check docs_src/suites/storms.csv -s docs_src/suites/storms.yml\n"
    shown = PAGE.split(command, 1)[1].split("```", 1)[0]
    for line in shown.strip().splitlines():
        if line == "...":
            continue
        if line.startswith("verdict:"):  # the run's duration differs
            line = re.sub(r" in [0-9.]+s$", "", line)
        assert line in done.stdout, line
    result = {c.id: c for c in gates.check(SRC / "storms.csv", SRC / "storms.yml").checks}
    wind = result["wind::greater_than_or_equal_to"]
    assert (wind.failing_count, wind.details["rows_checked"], wind.details["crossed"]) == (
        1,
        6,
        "warn_if",
    )
    assert result["table::row_count"].observed == 6
    assert all(c.passed for cid, c in result.items() if cid != wind.id)


def test_the_errors_the_page_quotes_are_what_gates_prints(tmp_path: Path) -> None:
    (tmp_path / "suites").mkdir()
    shutil.copy(SRC / "storms.csv", tmp_path / "storms.csv")
    text = (SRC / "storms.yml").read_text()
    where = "\"status = 'hurricane'\"   # only"
    for broken, quoted in [
        (
            '"status = \'hurricane"   # only',
            "suites/storms.yml:7:9: columns.wind.checks.0.where: invalid where"
            " \"status = 'hurricane\": unclosed quote ' at character 10",
        ),
        (
            "\"stauts = 'hurricane'\"   # only",
            "no column 'stauts' in the data (did you mean 'status'?)",
        ),
        (
            "\"status ilike 'hurr%'\"   # only",
            "columns.wind.checks.0.where: invalid where \"status ilike 'hurr%'\": ILIKE at"
            " character 8 is not in the where: dialect, which has comparisons",
        ),
        (
            "\"wind = 'strong'\"   # only",
            "`=` compares column 'wind' (Int64, a number) with 'strong' (a string)",
        ),
    ]:
        assert where in text
        (tmp_path / "suites" / "storms.yml").write_text(text.replace(where, broken, 1))
        done = _gates("check", "storms.csv", "-s", "suites/storms.yml", cwd=tmp_path)
        assert done.returncode == 2, done.stdout
        (line,) = done.stderr.strip().splitlines()
        assert quoted in line
        assert quoted in " ".join(PAGE.split()), quoted
