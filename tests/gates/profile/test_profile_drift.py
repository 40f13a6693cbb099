"""Drift metrics against hand-computed values, profile comparison, and the suite's drift engine."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gates
from gates import SuiteDefinitionError
from gates._profile import Histogram, profile
from gates._profile._drift import compare, jensen_shannon, ks, psi, rebin


def test_metrics_match_hand_computed_values() -> None:
    """PSI, JS (base 2) and KS on two small distributions."""
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert psi(p, q) == pytest.approx(
        (0.5 - 0.9) * math.log(0.5 / 0.9) + (0.5 - 0.1) * math.log(0.5 / 0.1)
    )
    m = [0.7, 0.3]
    js = math.sqrt(
        0.5 * sum(a * math.log2(a / b) for a, b in zip(p, m, strict=True))
        + 0.5 * sum(a * math.log2(a / b) for a, b in zip(q, m, strict=True))
    )
    assert jensen_shannon(p, q) == pytest.approx(js)
    assert jensen_shannon([1, 0], [0, 1]) == pytest.approx(1.0)
    assert ks(p, q) == pytest.approx(0.4)
    assert psi(p, p) == 0
    assert jensen_shannon(p, p) == 0


def test_rebin_spreads_counts_uniformly() -> None:
    """Counts move into target bins by overlap; outside the edges they land in under/overflow."""
    h = Histogram(edges=[0.0, 10.0], counts=[10])
    assert rebin(h, [0.0, 5.0, 10.0]) == pytest.approx([0, 5, 5, 0])
    assert rebin(h, [5.0, 20.0]) == pytest.approx([5, 5, 0])


def _frames(shift: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(0)
    n = 4000
    base = pl.DataFrame(
        {"x": rng.normal(0, 1, n), "c": rng.choice(["a", "b", "c"], n), "keep": np.arange(n)}
    )
    cur = pl.DataFrame(
        {"x": rng.normal(shift, 1, n), "c": rng.choice(["a", "b", "d"], n), "extra": np.ones(n)}
    )
    return base, cur


def test_compare_ranks_drifted_columns_and_schema_changes() -> None:
    """A shifted numeric column and a changed categorical drift; added/removed columns are reported."""
    base, cur = _frames(shift=1.0)
    bp = profile(base)
    cp = profile(cur, bin_edges={c.name: c.histogram.edges for c in bp.columns if c.histogram})
    report = compare(cp, bp)
    by = {c.column: c for c in report.columns}
    assert by["keep"].kind == "missing"
    assert by["extra"].kind == "new"
    assert by["x"].metrics["psi"] > 0.2
    assert by["x"].metrics["ks"] == pytest.approx(0.38, abs=0.06)
    assert by["c"].new_categories == ["d"]
    assert by["c"].missing_categories == ["c"]
    assert set(report.columns[0].drifted) & {"missing_column", "new_column"}
    scores = [c.score for c in report.columns]
    assert scores == sorted(scores, reverse=True)


def test_no_drift_on_the_same_data() -> None:
    """A profile compared with itself has all metrics 0."""
    base, _ = _frames(0.0)
    p = profile(base)
    report = compare(p, p)
    assert not report.drifted
    assert all((c.metrics.get("psi") or 0) == 0 for c in report.columns)


def _suite(tmp_path: Path, drift: str) -> Path:
    path = tmp_path / "suite.yml"
    path.write_text(f"name: drift\ncolumns:\n  x:\n    dtype: float64\ndrift:\n{drift}")
    return path


def test_drift_engine_turns_metrics_into_checks(tmp_path: Path) -> None:
    """Each metric is a check `col::drift_<metric>` with observed value and `metric <= limit`."""
    base, cur = _frames(shift=1.0)
    (tmp_path / "base.json").write_text(profile(base).to_json())
    suite = _suite(
        tmp_path,
        "  baseline: base.json\n  severity: warn\n  thresholds: {psi: 0.2, null_rate_change: 0.05}\n"
        "  columns:\n    c: {ignore: true}\n",
    )
    result = gates.check(cur, suite)
    ids = {c.id: c for c in result.checks if c.engine == "drift"}
    assert ids["x::drift_psi"].passed is False
    assert ids["x::drift_psi"].expected == "psi <= 0.2"
    assert ids["x::drift_psi"].observed > 0.2
    assert ids["x::drift_null_rate_change"].passed
    assert not any(i.startswith("c::") for i in ids)
    assert ids["keep::drift_missing_column"].passed is False
    assert result.verdict == gates.Verdict.WARN
    same = gates.check(base, suite)
    assert same.verdict == gates.Verdict.PASS


def test_drift_section_mistakes_point_at_the_suite(tmp_path: Path) -> None:
    """Unknown keys and a missing baseline file are SuiteDefinitionErrors naming the suite."""
    base, _ = _frames(0.0)
    with pytest.raises(
        SuiteDefinitionError,
        match=r"suite.yml:\d+.*drift.thresholds: unknown key 'psy' \(did you mean 'psi'\?\)",
    ):
        gates.check(base, _suite(tmp_path, "  baseline: base.json\n  thresholds: {psy: 0.2}\n"))
    with pytest.raises(SuiteDefinitionError, match="no such profile file"):
        gates.check(base, _suite(tmp_path, "  baseline: nowhere.json\n"))
