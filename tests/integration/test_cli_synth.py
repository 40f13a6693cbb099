"""`gates synth` end to end: blocked by coverage → synth → the same suite passes; bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.synth

GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"

SUITE = """\
name: small
columns:
  amount:
    checks:
      - in_range: {min_value: 5, max_value: 200}
        max_failing: 20
  label:
    nullable: false
    checks:
      - isin: {allowed_values: [ok, fraud]}
coverage:
  - column: label
    min_rows: 40
  - columns: [region, label]
    values: [[eu, fraud]]
    min_share: 0.04
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "220"}
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=180
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth")
    rng = np.random.default_rng(0)
    n = 400
    label = np.where(rng.random(n) < 0.06, "fraud", "ok")
    pl.DataFrame(
        {
            "id": np.arange(n),
            "region": rng.choice(["eu", "us", "apac"], n, p=[0.5, 0.35, 0.15]),
            "label": label,
            "amount": np.round(rng.lognormal(3, 0.6, n) + np.where(label == "fraud", 40, 0), 2),
            "qty": rng.integers(1, 5, n),
        }
    ).write_parquet(root / "train.parquet")
    (root / "small.yml").write_text(SUITE)
    return root


@pytest.fixture(scope="module")
def synthed(project: Path) -> subprocess.CompletedProcess[str]:
    """``gates synth`` run once (SDV is slow to import): writes aug.parquet with seed 3."""
    return run(
        "synth",
        "train.parquet",
        "-s",
        "small.yml",
        "--out",
        "aug.parquet",
        "--seed",
        "3",
        cwd=project,
    )


def test_blocked_then_synth_then_pass(
    project: Path, synthed: subprocess.CompletedProcess[str]
) -> None:
    before = run(
        "check", "train.parquet", "-s", "small.yml", "--no-ledger", "--json", "-", cwd=project
    )
    assert before.returncode == 1, before.stderr
    failed = {c["id"]: c for c in json.loads(before.stdout)["checks"] if not c["passed"]}
    assert set(failed) == {"label::coverage", "region+label::coverage"}
    short = failed["label::coverage"]["details"]["shortfalls"]
    assert [(s["condition"], s["missing"]) for s in short] == [
        ({"label": "fraud"}, 40 - short[0]["rows"])
    ]

    synth = synthed
    assert synth.returncode == 0, synth.stderr
    for text in (
        "coverage before",
        "synthetic fill",
        "label=fraud",
        "rejected",
        "generator",
        "quality (SDMetrics",
        "coverage after",
        "wrote aug.parquet: 400 real +",
        "manifest: aug.parquet.manifest.json",
    ):
        assert text in synth.stdout
    manifest = json.loads((project / "aug.parquet.manifest.json").read_text())
    assert manifest["unfilled"] == 0
    assert manifest["parameters"]["validator"] == "suite small: 3 row-level checks"

    aug = pl.read_parquet(project / "aug.parquet")
    real = pl.read_parquet(project / "train.parquet")
    assert aug.filter(~pl.col("is_synthetic")).drop("is_synthetic").equals(real)  # nothing lost
    syn = aug.filter(pl.col("is_synthetic"))
    assert syn.height == manifest["synthetic_rows"] > 0
    assert syn["amount"].is_between(5, 200).all()
    assert set(syn["label"]) == {"fraud"}

    after = run("check", "aug.parquet", "-s", "small.yml", "--no-ledger", "-q", cwd=project)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "verdict: PASS  all" in after.stdout


def test_existing_out_needs_force_and_same_seed_same_rows(
    project: Path, synthed: subprocess.CompletedProcess[str]
) -> None:
    assert synthed.returncode == 0, synthed.stderr
    target = project / "aug.parquet"
    data = pl.read_parquet(target)
    refused = run("synth", "train.parquet", "-s", "small.yml", "-o", "aug.parquet", cwd=project)
    assert refused.returncode == 2
    assert (
        "aug.parquet already exists; pass --force to replace it or choose another --out"
        in refused.stderr
    )
    forced = run(
        "synth",
        "train.parquet",
        "-s",
        "small.yml",
        "-o",
        "aug.parquet",
        "--seed",
        "3",
        "--force",
        "-q",
        cwd=project,
    )
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("wrote aug.parquet (400 real + ")
    assert pl.read_parquet(target).equals(data)


def test_a_narrow_console_shows_every_column_and_whole_numbers(project: Path) -> None:
    """Piped into an 80-column log: no line is wider, the last column is there, no number split."""
    import re

    from rich.text import Text

    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [GATES, "synth", "train.parquet", "-s", "small.yml", "-o", "narrow.parquet", "--seed", "3"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert max(Text(line).cell_len for line in done.stdout.splitlines()) <= 80
    table = done.stdout.split("synthetic fill", 1)[1].split("\nmethod:", 1)[0]
    header, body = table.split("━\n", 1)
    assert header.splitlines()[-2].rstrip().endswith("note")  # the last column is not cropped
    manifest = json.loads((project / "narrow.parquet.manifest.json").read_text())
    rows = [line.split("│") for line in body.splitlines()]
    # real rows, requested, filled, rejected (checks / copies), unfilled, quality, yardstick,
    # generator (method is text)
    cells = (1, 3, 4, 5, 6, 7, 8, 9)
    numbers = [row[i].strip() for row in rows for i in cells if row[i].strip()]
    number = r"-|[0-9][0-9,]*|[01]\.[0-9]{3}|[0-9][0-9,]* / [0-9][0-9,]*"
    assert all(re.fullmatch(number, n) for n in numbers), numbers
    assert sum(int(r[4]) for r in rows if r[4].strip()) == manifest["synthetic_rows"]


def test_out_may_not_be_the_input(project: Path) -> None:
    got = run(
        "synth", "train.parquet", "-s", "small.yml", "-o", "train.parquet", "--force", cwd=project
    )
    assert got.returncode == 2
    assert "is the input data; write the augmented data to a new file" in got.stderr


def test_suite_without_coverage(project: Path) -> None:
    (project / "plain.yml").write_text("name: plain\ncolumns:\n  label: {}\n")
    got = run("synth", "train.parquet", "-s", "plain.yml", "-o", "x.parquet", cwd=project)
    assert (got.returncode, got.stdout.strip()) == (
        0,
        "nothing to fill: suite 'plain' has no coverage section",
    )
    assert not (project / "x.parquet").exists()


def in_process(args: list[str]) -> tuple[int, str]:
    from gates._cli._app import app

    result = CliRunner(env={"COLUMNS": "300"}).invoke(app, args)  # wide: table cells are asserted
    return result.exit_code, result.output


def test_absent_value_and_too_few_rows_are_reported_and_skipped(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "skips.yml").write_text(
        "name: skips\ncoverage:\n  - column: label\n    values: [chargeback]\n    min_rows: 5\n"
        "  - columns: [region, label]\n    values: [[apac, fraud]]\n    min_rows: 50\n"
    )
    monkeypatch.chdir(project)
    code, out = in_process(
        [
            "synth",
            "train.parquet",
            "-s",
            "skips.yml",
            "-o",
            "skips.parquet",
            "--min-rows-to-learn",
            "500",
        ]
    )
    assert code == 0, out
    assert "label=chargeback: no real row has these values; nothing to learn from" in out
    assert "fewer than min_rows_to_learn=500" in out
    assert "value_not_in_data" in out
    assert "too_few_rows" in out
    assert "nothing to fill: every condition was skipped" in out
    assert pl.read_parquet(project / "skips.parquet").height == 400  # real rows only


def test_missing_synth_extra(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sdv", None)  # `import sdv` now raises ImportError
    monkeypatch.chdir(project)
    code, out = in_process(["synth", "train.parquet", "-s", "small.yml", "-o", "never.parquet"])
    assert code == 2
    assert "synthetic fill needs the [synth] extra: pip install 'datagates[synth]'" in " ".join(
        out.split()
    )
    assert not (project / "never.parquet").exists()
