"""``gates profile``, ``gates drift`` and ``gates suggest`` end to end through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

GATES = str(Path(sys.executable).with_name("gates"))
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # the installed command, importing this working tree (not wherever the venv was installed from)
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [GATES, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(5)
    n = 3000
    pl.DataFrame(
        {"order_id": np.arange(n), "amount": rng.gamma(2, 40, n), "tier": rng.choice(["a", "b"], n)}
    ).write_parquet(root / "base.parquet")
    pl.DataFrame(
        {
            "order_id": np.arange(n),
            "amount": rng.gamma(2, 90, n),
            "tier": rng.choice(["a", "b", "c"], n),
        }
    ).write_parquet(root / "today.parquet")
    return root


def test_profile_writes_json_html_and_prints_a_table(data: Path) -> None:
    """Console table on stdout, no progress bar when not a TTY, JSON and HTML files written."""
    r = run("profile", "base.parquet", "--json", "base.json", "--html", "base.html", cwd=data)
    assert r.returncode == 0, r.stderr
    assert "base.parquet: 3,000 rows × 3 columns" in r.stdout
    assert "id-like" in r.stdout
    assert r.stderr == ""
    doc = json.loads((data / "base.json").read_text())
    assert doc["schema_version"] == "1.1"
    assert doc["rows"] == 3000
    assert (data / "base.html").read_text().startswith("<!doctype html>")


def test_profile_json_to_stdout(data: Path) -> None:
    """--json - prints only the document."""
    r = run("profile", "base.parquet", "--json", "-", "--sample", "500", cwd=data)
    assert r.returncode == 0
    assert json.loads(r.stdout)["sample"] == {"method": "rows", "value": 500, "seed": 0}


def test_drift_and_baseline(data: Path) -> None:
    """gates drift ranks drifted columns; --fail-on-drift exits 1; --baseline adds drift to the profile JSON."""
    assert run("profile", "base.parquet", "--json", "base.json", "-q", cwd=data).returncode == 0
    r = run(
        "drift", "today.parquet", "base.json", "--json", "drift.json", "--fail-on-drift", cwd=data
    )
    assert r.returncode == 1, r.stderr
    doc = json.loads((data / "drift.json").read_text())
    assert [c["column"] for c in doc["columns"]][:2] in (["tier", "amount"], ["amount", "tier"])
    assert doc["columns"][-1]["column"] == "order_id"
    assert doc["columns"][-1]["drifted"] == []
    quiet = run("drift", "today.parquet", "base.json", "--fail-on-drift", "-q", cwd=data)
    # -q still says why the gate failed: each drifted column with the metric over its limit
    assert quiet.returncode == 1 and quiet.stdout.count("\n") == 1, quiet.stdout
    line = quiet.stdout.strip()
    assert line.startswith(f"drift: {len([c for c in doc['columns'] if c['drifted']])} of ")
    assert "amount (" in line and "tier (" in line and " > 0.2" in line
    r = run("drift", "today.parquet", "base.json", "-t", "psy=1", cwd=data)
    assert r.returncode == 2
    assert "unknown metric 'psy'" in r.stderr
    r = run(
        "profile", "today.parquet", "--baseline", "base.json", "--json", "p.json", "-q", cwd=data
    )
    assert r.returncode == 0
    assert json.loads((data / "p.json").read_text())["drift"]["columns"]


def test_suggest_then_check_passes_and_refuses_overwrite(data: Path) -> None:
    """The suggested suite passes gates check on the same data; a second run without --force exits 2."""
    r = run("suggest", "base.parquet", "--out", "suites/base.yml", cwd=data)
    assert r.returncode == 0, r.stderr
    r = run("check", "base.parquet", "--suite", "suites/base.yml", "--no-ledger", cwd=data)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("suggest", "base.parquet", "--out", "suites/base.yml", cwd=data)
    assert r.returncode == 2
    assert "the file exists; pass --force" in r.stderr
    assert (
        run("suggest", "base.parquet", "--out", "suites/base.yml", "--force", cwd=data).returncode
        == 0
    )


def test_bad_input_is_one_line_exit_2(data: Path) -> None:
    """A non-UTF-8 CSV and a missing file give one error line and exit 2, no traceback."""
    (data / "bad.csv").write_bytes(b"a,b\n1,caf\xe9\n")
    for target in ("bad.csv", "missing.parquet"):
        r = run("profile", target, cwd=data)
        assert r.returncode == 2
        assert r.stderr.startswith("error:"), r.stderr
        assert "Traceback" not in r.stderr


# --- --incremental: per-file states, only new or changed files read ---

#: Statistics the merged profile has exactly as the one-pass profile of all files.
EXACT = (
    "dtype",
    "semantic",
    "count",
    "null_count",
    "distinct",
    "distinct_method",
    "min",
    "max",
    "zeros",
    "negatives",
    "nan_count",
    "true_count",
    "top_values",
    "length_min",
    "length_max",
)


def _partition(root: Path, day: int, rows: int = 4_000) -> Path:
    rng = np.random.default_rng(day)
    path = root / "parts" / f"day={day:02d}.parquet"
    path.parent.mkdir(exist_ok=True)
    amount = rng.gamma(2, 40, rows)
    amount[:: 17 + day] = np.nan
    pl.DataFrame(
        {
            "order_id": np.arange(day * rows, (day + 1) * rows),
            "amount": amount,
            "qty": rng.integers(0, 9, rows),
            "tier": rng.choice(["gold", "silver", "bronze"], rows),
            "paid": rng.random(rows) < 0.8,
            "note": [None if i % 7 == 0 else f"n{(i * day) % 500}" for i in range(rows)],
        }
    ).write_parquet(path)
    return path


def _same_as_one_pass(merged: dict[str, object], full: dict[str, object]) -> None:
    assert merged["rows"] == full["rows"]
    for m, f in zip(merged["columns"], full["columns"], strict=True):  # type: ignore[call-overload]
        for key in EXACT:
            assert m.get(key) == f.get(key), (m["name"], key)
        if f["mean"] is not None:
            assert m["mean"] == pytest.approx(f["mean"], rel=1e-12)
            assert m["std"] == pytest.approx(f["std"], rel=1e-9)


def test_incremental_reads_only_new_and_changed_files(tmp_path: Path) -> None:
    """Four days profiled, a fifth added, one rewritten, one deleted: each run reads only what changed."""
    files = [_partition(tmp_path, d) for d in range(4)]
    glob = "parts/*.parquet"
    r = run("profile", glob, "--incremental", "state.json", "--json", "merged.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "incremental: profiled 4 file(s)" in r.stdout
    assert "quantiles from a merged KLL sketch of 4 partition(s)" in r.stdout
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["partitions"] == 4
    assert merged["incremental"]["bytes_read"] == sum(f.stat().st_size for f in files)
    assert run("profile", glob, "--json", "full.json", cwd=tmp_path).returncode == 0
    _same_as_one_pass(merged, json.loads((tmp_path / "full.json").read_text()))
    amount = merged["columns"][1]
    assert amount["quantile_method"] == "kll"
    assert 0 < amount["quantile_rank_error"] < 0.01

    new = _partition(tmp_path, 4)
    r = run("profile", glob, "--incremental", "state.json", "--json", "merged.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["incremental"] == {
        "profiled": ["parts/day=04.parquet"],
        "reused": 4,
        "removed": [],
        "bytes_read": new.stat().st_size,
    }
    assert run("profile", glob, "--json", "full.json", cwd=tmp_path).returncode == 0
    _same_as_one_pass(merged, json.loads((tmp_path / "full.json").read_text()))

    _partition(tmp_path, 1, rows=1_000)  # rewritten: another size
    files[2].unlink()
    r = run("profile", glob, "--incremental", "state.json", "--json", "merged.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["incremental"]["profiled"] == ["parts/day=01.parquet"]
    assert merged["incremental"]["reused"] == 3
    assert merged["incremental"]["removed"] == ["parts/day=02.parquet"]
    assert run("profile", glob, "--json", "full.json", cwd=tmp_path).returncode == 0
    _same_as_one_pass(merged, json.loads((tmp_path / "full.json").read_text()))
    assert merged["rows"] == 4_000 * 3 + 1_000

    # the merged profile is a baseline like any other: drift of one day against all of them
    r = run("drift", "parts/day=04.parquet", "merged.json", "--json", "drift.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    drift = json.loads((tmp_path / "drift.json").read_text())
    assert {c["column"] for c in drift["columns"]} == {c["name"] for c in merged["columns"]}


def test_incremental_refuses_what_does_not_merge(tmp_path: Path) -> None:
    """Flags that need every row in one pass, a corrupt state and a table are one line, exit 2."""
    _partition(tmp_path, 0)
    r = run(
        "profile",
        "parts",
        "--incremental",
        "s.json",
        "--sample",
        "10",
        "--correlations",
        cwd=tmp_path,
    )
    assert r.returncode == 2
    assert "--incremental does not combine with --sample, --correlations" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    (tmp_path / "bad.json").write_text('{"rows": 3}')
    r = run("profile", "parts", "--incremental", "bad.json", cwd=tmp_path)
    assert r.returncode == 2
    assert "bad.json: not a datagates profile state" in r.stderr
    assert (tmp_path / "bad.json").read_text() == '{"rows": 3}'  # never overwritten


# --- docs/profile.md: its commands run, its flag table is complete ---

DOC = ROOT / "docs" / "profile.md"


def test_the_commands_in_docs_profile_md_run(tmp_path: Path) -> None:
    """Every ``$ gates ...`` line of docs/profile.md, in order, on generated data."""
    import shlex

    from gates._sample import make_orders

    (tmp_path / "data").mkdir()
    make_orders(2_000, seed=1, clean=True).write_parquet(tmp_path / "data" / "orders.parquet")
    make_orders(2_000, seed=2, clean=False).write_parquet(tmp_path / "data" / "today.parquet")
    for day in (1, 2, 3):
        make_orders(500, seed=10 + day).write_parquet(tmp_path / "data" / f"day={day:02d}.parquet")
    commands = [
        line[2:]
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("$ gates ")
    ]
    assert len(commands) >= 4
    for command in commands:
        args = shlex.split(command)[1:]
        r = run(*args, cwd=tmp_path)
        allowed = (0, 1) if "--fail-on-drift" in args else (0,)
        assert r.returncode in allowed, (command, r.stderr)
    assert (tmp_path / "profiles" / "orders.state.json").is_file()


@pytest.mark.parametrize("command", ["profile", "drift", "suggest"])
def test_every_flag_is_in_docs_profile_md(command: str, tmp_path: Path) -> None:
    """Each option ``gates COMMAND --help`` lists is named in docs/profile.md."""
    import re

    r = run(command, "--help", cwd=tmp_path)
    assert r.returncode == 0
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", r.stdout)) - {"--help"}
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(f for f in flags if f"`{f}" not in text)
    assert not missing, f"{command}: flags not in docs/profile.md: {missing}"
