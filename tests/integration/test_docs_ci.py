"""The CI examples in docs/ci.md are real: run their commands on generated data."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from gates._sample import make_orders

ROOT = Path(__file__).resolve().parents[2]
GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"


def _project(tmp_path: Path, *, clean: bool) -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "suites").mkdir()
    make_orders(2000, seed=1, clean=clean).write_parquet(tmp_path / "data" / "train.parquet")
    shutil.copy(ROOT / "suites" / "orders.yml", tmp_path / "suites" / "train.yml")
    return tmp_path


def _run(command: str, cwd: Path, env_summary: Path) -> int:
    args = shlex.split(command)
    assert args[0] == "gates"
    env = {
        "PATH": str(Path(GATES).parent),
        "GITHUB_STEP_SUMMARY": str(env_summary),
        "HOME": str(cwd),
    }
    return subprocess.run(
        [GATES, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    ).returncode


def test_github_workflow_gate_step(tmp_path: Path) -> None:
    workflow = yaml.safe_load((ROOT / "docs_src" / "ci" / "gate-training-data.yml").read_text())
    (step,) = [
        s for s in workflow["jobs"]["gate"]["steps"] if s.get("name") == "gate the training set"
    ]
    assert workflow["jobs"]["train"]["needs"] == "gate"
    blocked = _project(tmp_path / "bad", clean=False)
    assert _run(step["run"], blocked, blocked / "summary.md") == 1
    assert (blocked / "reports" / "gate.xml").exists() and (
        blocked / ".gates" / "ledger.duckdb"
    ).exists()
    assert "BLOCK" in (blocked / "summary.md").read_text()
    clean = _project(tmp_path / "good", clean=True)
    assert _run(step["run"], clean, clean / "summary.md") == 0


def test_pre_commit_hook_entry_and_args(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    config = yaml.safe_load((ROOT / "docs_src" / "ci" / "pre-commit-config.yaml").read_text())
    used = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert set(used) <= set(hooks)
    check = hooks["gates-check"]["entry"] + " " + shlex.join(used["gates-check"]["args"])
    assert _run(check, _project(tmp_path / "bad", clean=False), tmp_path / "s.md") == 1
    assert _run(check, _project(tmp_path / "good", clean=True), tmp_path / "s.md") == 0
    lint = hooks["gates-suite-validate"]["entry"] + " suites/train.yml"
    assert _run(lint, tmp_path / "good", tmp_path / "s.md") == 0
