"""A check's ``name:`` is shown in every report: console, Markdown, HTML and JUnit."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from gates._cli._app import app

SUITE = """\
columns:
  amount:
    checks:
      - gt: 0
        name: positive amount
      - lt: 100
checks:
  - row_count: {min: 10}
    name: enough rows
"""


def test_names_are_shown_in_every_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pl.DataFrame({"amount": [-1.0, 5.0, 500.0]}).write_parquet(tmp_path / "d.parquet")
    (tmp_path / "s.yml").write_text(SUITE)
    monkeypatch.chdir(tmp_path)
    args = ["check", "d.parquet", "-s", "s.yml", "--no-ledger"]
    args += ["--junit", "r.xml", "--markdown", "r.md", "--html", "r.html"]
    result = CliRunner(env={"COLUMNS": "300"}).invoke(app, args)
    assert result.exit_code == 1
    assert "amount::greater_than · positive amount" in result.stdout
    assert "table::row_count · enough rows" in result.stdout
    assert re.search(r"│ amount::less_than\s+│", result.stdout)  # no name: the id alone
    assert 'name="amount::greater_than (positive amount)"' in (tmp_path / "r.xml").read_text()
    assert 'name="amount::less_than"' in (tmp_path / "r.xml").read_text()
    md = (tmp_path / "r.md").read_text()
    assert (
        "| `amount::greater_than` positive amount |" in md
        and "| `table::row_count` enough rows |" in md
    )
    html = (tmp_path / "r.html").read_text()
    assert '<span class="name">positive amount</span>' in html
    assert '<span class="name">enough rows</span>' in html
