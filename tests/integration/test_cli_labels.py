"""`gates labels` end to end: tables, --out/--json/--html files, refusals and exit codes."""

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
from typer.testing import CliRunner

pytestmark = pytest.mark.labels

GATES = shutil.which("gates", path=str(Path(sys.executable).parent)) or "gates"
ISSUE_COLUMNS = ["row", "issue_type", "given_label", "suggested_label", "score"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160"}
    return subprocess.run(
        [GATES, "labels", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """wine.parquet: sklearn's wine (178 rows) with 15% of the string labels flipped."""
    from sklearn.datasets import load_wine

    root = tmp_path_factory.mktemp("labels")
    x, y = load_wine(return_X_y=True)
    rng = np.random.default_rng(0)
    flipped = rng.choice(y.size, size=27, replace=False)
    y[flipped] = (y[flipped] + rng.integers(1, 3, size=flipped.size)) % 3
    frame = pl.DataFrame(x, schema=[f"f{i}" for i in range(x.shape[1])], orient="row")
    frame = frame.with_columns(
        pl.Series("target", [f"c{v}" for v in y]),
        pl.Series("note", ["a fairly long free text value " * 2] * y.size),
    )
    frame.write_parquet(root / "wine.parquet")
    np.save(root / "flipped.npy", np.sort(flipped))
    return root


@pytest.fixture(scope="module")
def full_run(project: Path) -> subprocess.CompletedProcess[str]:
    return run(
        "wine.parquet",
        "--label",
        "target",
        "--out",
        "issues.parquet",
        "--json",
        "report.json",
        "--html",
        "review.html",
        "--top",
        "5",
        cwd=project,
    )


def test_prints_the_ranked_table_and_summaries(full_run: subprocess.CompletedProcess[str]) -> None:
    assert full_run.returncode == 0, full_run.stderr
    assert full_run.stderr == ""  # no progress when stderr is not a terminal
    out = full_run.stdout
    header = next(line for line in out.splitlines() if "issue_type" in line)
    assert re.search(r"row .*issue_type .*given_label .*suggested_label .*score .*f0", header)
    for title in (
        "suspect rows:",
        "per class of 'target'",
        "given vs suggested label",
        "rates per issue type",
        "dropped features:",
        "  note: constant: a single distinct value",
    ):
        assert title in out
    assert "178 of 178 rows analysed; 5-fold cross-validation" in out
    assert re.search(r"the model agrees with \d+\.\d% of the given labels", out.replace("\n", " "))
    assert "more column(s): see --out or --html" in out  # 15 value columns do not fit
    assert "wrote issues.parquet" in out and "wrote review.html" in out


def test_out_parquet_has_every_issue(
    project: Path, full_run: subprocess.CompletedProcess[str]
) -> None:
    assert full_run.returncode == 0, full_run.stderr
    issues = pl.read_parquet(project / "issues.parquet")
    assert issues.columns[:5] == ISSUE_COLUMNS
    assert "f0" in issues.columns and "target" in issues.columns
    assert set(issues["issue_type"].unique()) <= {
        "label",
        "outlier",
        "near_duplicate",
        "class_imbalance",
    }
    labels = issues.filter(pl.col("issue_type") == "label")
    flipped = set(np.load(project / "flipped.npy").tolist())
    assert labels.height >= 15
    assert labels["row"].is_in(list(flipped)).mean() >= 0.7  # type: ignore[operator]
    assert labels["score"].to_list() == sorted(labels["score"].to_list())
    report = json.loads((project / "report.json").read_text())
    assert report["n_issues"] == issues.height
    assert report["flagged"]["label"] == labels.height
    assert report["rates"]["label"] == pytest.approx(labels.height / 178)
    assert report["source"] == "wine.parquet" and report["label"] == "target"
    assert {"class_summary", "confusion", "dropped_features", "notes"} <= set(report)


def test_html_is_self_contained(project: Path, full_run: subprocess.CompletedProcess[str]) -> None:
    assert full_run.returncode == 0, full_run.stderr
    page = (project / "review.html").read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)
    assert "<link" not in page and "<script src" not in page
    assert '<table id="issues">' in page
    issues = pl.read_parquet(project / "issues.parquet")
    assert page.count('<tr data-type="') == issues.height
    assert '<table class="cm">' in page  # the confusion matrix
    report = json.loads((project / "report.json").read_text())
    share, balanced = report["agreement"], report["balanced_agreement"]
    assert f"the model agrees with {share:.1%} of the given labels ({balanced:.1%}" in page
    assert 'id="f-type"' in page and 'id="f-class"' in page  # filters


def test_existing_out_is_refused_without_force(
    project: Path, full_run: subprocess.CompletedProcess[str]
) -> None:
    assert full_run.returncode == 0, full_run.stderr
    before = (project / "issues.parquet").stat().st_mtime_ns
    refused = run("wine.parquet", "-l", "target", "--out", "issues.parquet", "-q", cwd=project)
    assert refused.returncode == 2
    assert (
        "error: issues.parquet already exists; pass --force to replace it or choose another --out"
        in " ".join(refused.stderr.split())
    )
    assert (project / "issues.parquet").stat().st_mtime_ns == before
    forced = run(
        "wine.parquet",
        "-l",
        "target",
        "--out",
        "issues.csv",
        "--issue-types",
        "label",
        "-q",
        cwd=project,
    )
    assert forced.returncode == 0, forced.stderr
    again = run(
        "wine.parquet",
        "-l",
        "target",
        "--out",
        "issues.csv",
        "--issue-types",
        "label",
        "--model",
        "logistic",
        "--force",
        "-q",
        cwd=project,
    )
    assert again.returncode == 0, again.stderr
    csv = pl.read_csv(project / "issues.csv")
    assert csv.columns[:5] == ISSUE_COLUMNS and set(csv["issue_type"]) == {"label"}
    assert again.stdout.startswith("wine.parquet: 178 rows analysed; label ")
    assert again.stdout.strip().endswith("wrote issues.csv")


def test_pred_probs_file_and_columns(project: Path) -> None:
    frame = pl.read_parquet(project / "wine.parquet")
    codes = frame["target"].str.slice(1).cast(pl.Int64).to_numpy()
    probs = np.full((frame.height, 3), 0.1)
    probs[np.arange(frame.height), codes] = 0.8
    np.save(project / "probs.npy", probs)
    got = run(
        "wine.parquet",
        "-l",
        "target",
        "--pred-probs",
        "probs.npy",
        "--issue-types",
        "label",
        "--json",
        "-",
        cwd=project,
    )
    assert got.returncode == 0, got.stderr
    doc = json.loads(got.stdout)
    assert (doc["folds"], doc["model"], doc["flagged"]["label"]) == (0, "pred_probs", 0)
    scored = frame.with_columns(pl.Series(f"p_c{k}", probs[:, k]) for k in (1, 2, 0))
    scored.write_parquet(project / "scored.parquet")
    got = run(
        "scored.parquet",
        "-l",
        "target",
        "--pred-probs-columns",
        "p_c1,p_c2,p_c0",
        "--issue-types",
        "label,outlier",
        "--json",
        "-",
        cwd=project,
    )
    assert got.returncode == 0, got.stderr
    doc = json.loads(got.stdout)
    assert doc["flagged"]["label"] == 0 and set(doc["rates"]) == {"label", "outlier"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.parquet", "-l", "target"], "missing.parquet"),
        (
            ["wine.parquet", "-l", "y"],
            "error: --label: column 'y' is not in wine.parquet (columns: f0, f1,",
        ),
        (
            ["wine.parquet", "-l", "target", "--issue-types", "labels"],
            "unknown issue type 'labels'",
        ),
        (
            ["wine.parquet", "-l", "target", "--out", "x.txt"],
            "unknown suffix '.txt'; use .parquet, .pq or .csv",
        ),
        (["wine.parquet", "-l", "target", "--out", "wine.parquet"], "is the input data"),
        (
            ["single.parquet", "-l", "target"],
            "single.parquet: label column 'target' has 1 class(es) ('c0'); need at least 2 classes",
        ),
    ],
)
def test_input_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    pl.DataFrame({"x": [1.0, 2.0, 3.0], "target": ["c0"] * 3}).write_parquet(
        project / "single.parquet"
    )
    got = run(*args, cwd=project)
    assert got.returncode == 2, got.stdout + got.stderr
    assert message in " ".join(got.stderr.split())
    assert "Traceback" not in got.stderr


def test_missing_extra(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gates._cli._app import app

    monkeypatch.setitem(sys.modules, "cleanlab", None)  # `import cleanlab` now fails
    monkeypatch.chdir(project)
    (project / "lab.yml").write_text("name: lab\nlabels:\n  label: target\n")
    expected = "label-issue detection needs the [labels] extra: pip install 'datagates[labels]'"
    for args in (
        ["labels", "wine.parquet", "-l", "target", "--out", "never.parquet"],
        ["check", "wine.parquet", "-s", "lab.yml", "--no-ledger"],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split())
    assert not (project / "never.parquet").exists()
