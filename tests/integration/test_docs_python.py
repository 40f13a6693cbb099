"""Every Python example in the docs is a file under docs_src/, shown verbatim and run here.

Each example runs as a script in a fresh folder holding the data its text names, in its own
interpreter (as a reader would run it), and the test checks what it printed or wrote.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gates._sample import make_orders

ROOT = Path(__file__).resolve().parents[2]
DOCS_SRC = ROOT / "docs_src"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def _without_docstring(text: str) -> str:
    """A file's text after its module docstring (the page shows the code, not the header)."""
    if text.startswith('"""'):
        end = text.index('"""', 3) + 3
        return text[end:].lstrip("\n")
    return text


def _snippet_files() -> dict[str, Path]:
    return {
        _without_docstring(p.read_text()): p
        for p in sorted(DOCS_SRC.rglob("*.py"))
        if "pytest" not in p.parts or p.name.startswith("test_")
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_python_block_is_a_docs_src_file_verbatim(page: Path) -> None:
    files = _snippet_files()
    for block in _BLOCK.findall(page.read_text()):
        assert block in files, (
            f"{page.name}: this ```python block is not the text of a docs_src/ file"
            f" (put it in docs_src/ and add it to this test):\n{block}"
        )


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(DOCS_SRC / script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _orders_project(tmp_path: Path, *, clean: bool, name: str = "orders") -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "suites").mkdir()
    make_orders(2000, seed=1, clean=clean).write_parquet(tmp_path / "data" / f"{name}.parquet")
    shutil.copy(ROOT / "suites" / "orders.yml", tmp_path / "suites" / f"{name}.yml")
    return tmp_path


def test_readme_check_passes_on_clean_data_and_raises_on_defects(tmp_path: Path) -> None:
    clean = _run("readme/check.py", _orders_project(tmp_path / "clean", clean=True))
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.strip() == "pass []"
    dirty = _run("readme/check.py", _orders_project(tmp_path / "dirty", clean=False))
    assert dirty.returncode == 1
    assert dirty.stdout.startswith("block ['order_id::unique'")
    assert re.search(
        r"GateFailed: gate block: \d+ of \d+ checks failed on data/orders", dirty.stderr
    )


def test_python_api_error_example_lists_failed_checks_or_the_input_problem(
    tmp_path: Path,
) -> None:
    dirty = _run("python_api/errors.py", _orders_project(tmp_path / "d", clean=False, name="train"))
    assert dirty.returncode == 0, dirty.stderr
    assert [line.split(" ", 1)[0] for line in dirty.stdout.splitlines()] == [
        "order_id::unique",
        "customer_id::not_nullable",
        "amount::in_range",
        "status::isin",
    ]
    missing = tmp_path / "m"
    (missing / "suites").mkdir(parents=True)
    shutil.copy(ROOT / "suites" / "orders.yml", missing / "suites" / "train.yml")
    nodata = _run("python_api/errors.py", missing)
    assert nodata.returncode == 0, nodata.stderr
    assert nodata.stdout.startswith("fix the input: ")
    assert "data/train.parquet" in nodata.stdout


def test_profile_example_profiles_and_reads_back_the_baseline(tmp_path: Path) -> None:
    project = _orders_project(tmp_path, clean=True)
    done = _run("profile/profile_api.py", project)
    assert done.returncode == 0, done.stderr
    p99, names = done.stdout.splitlines()
    amounts = pl.read_parquet(project / "data" / "orders.parquet")["amount"]
    assert float(p99) == pytest.approx(amounts.quantile(0.99), rel=0.05)
    assert names == "0 ['order_id', 'customer_id', 'created_at']"
    saved = json.loads((project / "profiles" / "orders.json").read_text())
    assert saved["rows"] == 2000


def test_ledger_example_appends_verifies_and_exports(tmp_path: Path) -> None:
    done = _run("ledger/ledger_api.py", tmp_path)
    assert done.returncode == 0, done.stderr
    first, verified = done.stdout.splitlines()
    assert first.startswith("1 ") and verified == "True"
    assert (tmp_path / ".gates" / "ledger.duckdb").exists()
    runs = pl.read_parquet(tmp_path / "runs.parquet")
    assert runs.height == 1
    assert runs["verdict"].to_list() == ["block"]
    assert runs["suite_name"].to_list() == ["churn"]


def test_labeling_quickstart_finds_the_flipped_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=600), rng.normal(size=600)
    target = np.where(x + y > 0, "a", "b")
    flipped = rng.random(600) < 0.05
    target = np.where(flipped, np.where(target == "a", "b", "a"), target)
    pl.DataFrame({"x": x, "y": y, "target": target}).write_parquet(tmp_path / "train.parquet")
    script = (DOCS_SRC / "labeling" / "quickstart.py").read_text()
    probe = tmp_path / "probe.py"
    probe.write_text(
        script + "\nimport json\nprint(json.dumps({'rates': report.rates,"
        " 'rows': report.issues.filter(pl.col('issue_type') == 'label')['row'].to_list()}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(probe)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert set(found["rates"]) == {"label", "outlier", "near_duplicate", "class_imbalance"}
    hits = set(found["rows"]) & set(np.flatnonzero(flipped).tolist())
    assert len(hits) >= flipped.sum() // 2


def test_synth_quickstart_fills_both_shortfalls_and_writes_a_manifest(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 1000
    pl.DataFrame(
        {
            "amount": rng.gamma(2, 50, n).round(2),
            "region": rng.choice(["eu", "us"], n),
            "label": np.where(rng.random(n) < 0.1, "fraud", "ok"),
        }
    ).write_parquet(tmp_path / "transactions.parquet")
    done = _run("synth/quickstart.py", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.rsplit(" ", 5)[0] for line in lines] == ["label=fraud", "label=fraud, region=eu"]
    assert [int(line.rsplit(" ", 5)[1]) for line in lines] == [900, 120]
    out = pl.read_parquet(tmp_path / "train_augmented.parquet")
    assert out.height > n
    assert (out["amount"] > 0).all()
    assert (tmp_path / "train_augmented.parquet.manifest.json").exists()
