"""The labels engine: label-issue rates gated per type, data problems as failed checks."""

from __future__ import annotations

import sys

import numpy as np
import polars as pl
import pytest

import gates
from gates.engines._labels import collect_frame, pred_probs_frame
from gates.suite import LoadedSuite, parse_suite
from gates.suite._labels import ISSUE_TYPES, IssueType, LabelsSpec

pytestmark = pytest.mark.labels

FLIP_SHARE = 0.15


def wine() -> tuple[pl.DataFrame, np.ndarray]:
    """sklearn's wine (178 rows, 3 classes), labels as strings, plus the clean label codes."""
    from sklearn.datasets import load_wine

    x, y = load_wine(return_X_y=True)
    frame = pl.DataFrame(x, schema=[f"f{i}" for i in range(x.shape[1])], orient="row")
    return frame.with_columns(pl.Series("target", [f"c{v}" for v in y])), y


@pytest.fixture(scope="module")
def clean() -> pl.DataFrame:
    return wine()[0]


@pytest.fixture(scope="module")
def noisy() -> tuple[pl.DataFrame, set[int]]:
    """Wine with 15% of the labels flipped to another class (seed 0); the flipped rows."""
    frame, y = wine()
    rng = np.random.default_rng(0)
    rows = rng.choice(y.size, size=round(FLIP_SHARE * y.size), replace=False)
    y = y.copy()
    y[rows] = (y[rows] + rng.integers(1, 3, size=rows.size)) % 3
    return frame.with_columns(pl.Series("target", [f"c{v}" for v in y])), set(rows.tolist())


def suite(body: str) -> LoadedSuite:
    return parse_suite("name: lab\nlabels:\n" + body, path="lab.yml")


def checks(data: pl.DataFrame, body: str) -> dict[str, gates.CheckResult]:
    return {c.id: c for c in gates.check(data, suite(body)).checks}


class TestGate:
    """A pass/fail pair on the label-issue rate, and the shape of each result."""

    def test_clean_data_passes_a_loose_rate(self, clean: pl.DataFrame) -> None:
        got = checks(clean, "  label: target\n  max_issue_rate: 0.2\n")
        assert list(got) == ["target::label_issues", "target::model_skill"]
        skill = got["target::model_skill"]
        assert skill.passed and skill.severity == "warn" and skill.observed > 0.8
        share = skill.details["agreement"]
        assert 0.8 < share <= 1.0 and 0.0 < skill.details["balanced_agreement"] <= 1.0
        assert f"the model agrees with {share:.1%} of the given labels" in skill.message
        res = got["target::label_issues"]
        assert res.passed
        assert res.engine == "labels"
        assert res.column == "target"
        assert res.expected == "label issue rate <= 0.2"
        assert res.threshold == "max_issue_rate 0.2"
        assert 0.0 <= res.observed < 0.05
        assert res.message.endswith("within 0.2")

    def test_a_model_agreeing_with_few_labels_says_so(self, clean: pl.DataFrame) -> None:
        """Half the labels redrawn: model_skill's message and the notes say the flags are
        mostly labels the model cannot predict (the check keeps its verdict: every class
        still has skill)."""
        rng = np.random.default_rng(1)
        labels = clean.get_column("target").to_numpy().copy()
        redrawn = rng.random(labels.size) < 0.5
        labels[redrawn] = rng.choice(["c0", "c1", "c2"], int(redrawn.sum()))
        frame = clean.with_columns(pl.Series("target", labels))
        got = checks(frame, "  label: target\n  max_issue_rate: 0.9\n")
        skill = got["target::model_skill"]
        assert skill.details["agreement"] < 0.8
        assert "(below 80%: most flags are likely true labels the model cannot predict)" in (
            skill.message
        )
        assert any("agrees with only" in n for n in got["target::label_issues"].details["notes"])

    def test_flipped_labels_fail_and_the_sample_is_the_flipped_rows(
        self, noisy: tuple[pl.DataFrame, set[int]]
    ) -> None:
        frame, flipped = noisy
        result = gates.check(frame, suite("  label: target\n  max_issue_rate: {label: 0.05}\n"))
        res = {c.id: c for c in result.checks}["target::label_issues"]
        assert not res.passed
        assert result.verdict is gates.Verdict.BLOCK
        assert res.observed > 0.05
        assert res.failing_fraction == pytest.approx(res.observed, abs=1e-6)
        assert res.failing_count == round(res.observed * frame.height)
        assert res.details["flagged"] == res.failing_count
        assert res.details["analysed_rows"] == 178
        assert res.message.startswith(f"{res.failing_count} of 178 rows (")
        assert res.message.endswith("; allowed 0.05")
        assert len(res.sample) == min(20, res.failing_count or 0)
        first = res.sample[0]
        assert list(first)[:4] == ["row", "given_label", "suggested_label", "score"]
        assert first["given_label"] != first["suggested_label"]
        assert first["f0"] == frame["f0"][first["row"]]  # the row's values are in the sample
        scores = [r["score"] for r in res.sample]
        assert scores == sorted(scores)  # worst first
        hits = sum(r["row"] in flipped for r in res.sample)
        assert hits / len(res.sample) >= 0.8, hits
        assert {r["class"] for r in res.details["class_summary"]} == {"c0", "c1", "c2"}

    def test_every_gated_type_is_a_check_with_its_own_severity(self, clean: pl.DataFrame) -> None:
        got = checks(
            clean,
            "  label: target\n  model: logistic\n  folds: 3\n"
            "  max_issue_rate: {label: 0.5, outlier: 0.0, near_duplicate: 1, class_imbalance: 1}\n"
            "  severity: warn\n  severities: {label: block}\n",
        )
        assert list(got) == [
            "target::label_issues",
            "target::outliers",
            "target::near_duplicates",
            "target::class_imbalance",
            "target::model_skill",
        ]
        assert got["target::label_issues"].severity is gates.Severity.BLOCK
        assert got["target::outliers"].severity is gates.Severity.WARN
        assert got["target::outliers"].expected == "outlier rate <= 0"
        assert got["target::near_duplicates"].expected == "near-duplicate rate <= 1"
        assert got["target::class_imbalance"].passed
        assert got["target::label_issues"].details["folds"] == 3
        out = got["target::outliers"]
        assert out.passed is (out.failing_count == 0)

    def test_pred_probs_columns_named_by_class_skip_the_model(self, clean: pl.DataFrame) -> None:
        _, y = wine()
        probs = np.full((y.size, 3), 0.05)
        probs[np.arange(y.size), y] = 0.9
        frame = clean.with_columns(
            pl.Series(f"p_c{k}", probs[:, k])
            for k in (2, 0, 1)  # not in class order
        )
        got = checks(frame, "  label: target\n  pred_probs_columns: [p_c2, p_c0, p_c1]\n")
        res = got["target::label_issues"]
        assert res.passed and res.failing_count == 0
        assert res.details["model"] == "pred_probs"
        assert res.details["folds"] == 0


class TestDataProblems:
    """Data the analysis cannot use gives a failed check with ``error``, not an exception."""

    def test_missing_label_column(self, clean: pl.DataFrame) -> None:
        got = checks(
            clean.drop("target"), "  label: target\n  max_issue_rate: {label: 0.1, outlier: 0.1}\n"
        )
        assert list(got) == ["target::label_issues", "target::outliers"]
        for res in got.values():
            assert not res.passed
            assert res.error is not None
            assert res.error.startswith(
                "label column 'target' is not in the data (columns: f0, f1,"
            )
            assert res.message == f"could not run: {res.error}"

    def test_single_class(self, clean: pl.DataFrame) -> None:
        frame = clean.with_columns(pl.lit("c0").alias("target"))
        res = checks(frame, "  label: target\n")["target::label_issues"]
        assert not res.passed
        assert res.error == (
            "label column 'target' has 1 class(es) ('c0'); need at least 2 classes to find "
            "label issues"
        )

    def test_continuous_label(self, clean: pl.DataFrame) -> None:
        frame = clean.with_columns(pl.col("f0").alias("target"))
        res = checks(frame, "  label: target\n  features: [f1, f2]\n")["target::label_issues"]
        assert not res.passed
        assert res.error is not None and "looks continuous" in res.error

    def test_missing_extra(self, clean: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "cleanlab", None)
        with pytest.raises(gates.MissingExtraError) as info:
            gates.check(clean, suite("  label: target\n"))
        assert str(info.value) == (
            "label-issue detection needs the [labels] extra: pip install 'datagates[labels]'"
        )


class TestSuiteSection:
    """Author mistakes are SuiteDefinitionErrors naming the key and the fix."""

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (
                "  label: target\n  foldz: 3\n",
                "labels: unknown key 'foldz' (did you mean 'folds'?) in labels; "
                "it takes: label, features, pred_probs_columns, model, folds, seed, filter_by, "
                "max_issue_rate, severity, severities, no_skill",
            ),
            (
                "  label: target\n  max_issue_rate: 1.5\n",
                "labels: max_issue_rate.label is 1.5; give a share of rows between 0 and 1",
            ),
            (
                "  label: target\n  max_issue_rate: {outlier: -0.1}\n",
                "labels: max_issue_rate.outlier is -0.1; give a share of rows between 0 and 1",
            ),
            (
                "  label: target\n  max_issue_rate: {outliers: 0.1}\n",
                "labels: unknown issue type 'outliers' (did you mean 'outlier'?) in "
                "labels.max_issue_rate; use: label, outlier, near_duplicate, class_imbalance",
            ),
            ("  model: hgb\n", "missing required key 'label' in labels"),
            (
                "  label: target\n  folds: 1\n",
                "labels.folds: Input should be greater than or equal to 2",
            ),
            (
                "  label: target\n  features: [f0, target]\n",
                "labels: features lists the label column 'target'; leave it out",
            ),
        ],
    )
    def test_invalid(self, clean: pl.DataFrame, body: str, message: str) -> None:
        with pytest.raises(gates.SuiteDefinitionError) as info:
            gates.check(clean, suite(body))
        assert info.value.reason == message
        assert info.value.path == "lab.yml"
        assert info.value.line is not None and info.value.line >= 2

    def test_scalar_rate_gates_label_only(self) -> None:
        spec = LabelsSpec.model_validate({"label": "y", "max_issue_rate": 0.1})
        assert spec.max_issue_rate == {"label": 0.1}
        assert spec.issue_types == ("label",)
        assert LabelsSpec.model_validate({"label": "y"}).max_issue_rate == {"label": 0.05}

    def test_names_match_labeling(self) -> None:
        """The suite's Literal types (they feed the JSON Schema) list exactly labeling's names."""
        import typing

        import labeling

        assert ISSUE_TYPES is labeling.ISSUE_TYPES
        assert typing.get_args(IssueType) == labeling.ISSUE_TYPES
        filter_by = LabelsSpec.model_fields["filter_by"].annotation
        assert typing.get_args(filter_by) == labeling.FILTER_METHODS


def test_only_the_needed_columns_are_read() -> None:
    lazy = pl.LazyFrame(
        {"a": [1, 2], "y": ["p", "q"], "b": [3, 4], "p_q": [0.1, 0.9], "p_p": [0.9, 0.1]}
    )
    data, probs = collect_frame(
        lazy,
        label="y",
        features=["b"],
        pred_probs_columns=["p_q", "p_p"],
        columns=lazy.collect_schema().names(),
    )
    assert data.columns == ["y", "b"]
    assert probs is not None and probs.columns == ["q", "p"]  # named by class
    data, probs = collect_frame(
        lazy,
        label="y",
        features=None,
        pred_probs_columns=None,
        columns=["a", "y", "b", "p_q", "p_p"],
    )
    assert data.columns == ["a", "y", "b", "p_q", "p_p"] and probs is None


def test_pred_probs_not_named_by_class_keep_their_order() -> None:
    probs = pl.DataFrame({"x1": [0.5], "x2": [0.5]})
    assert pred_probs_frame(probs, pl.Series(["a", "b"])).columns == ["x1", "x2"]


def test_example_suite_runs_on_the_sample_orders() -> None:
    from pathlib import Path

    from gates._sample import make_orders

    root = Path(__file__).resolve().parents[3]
    result = gates.check(make_orders(1000), gates.load_suite(root / "suites" / "labels.yml"))
    got = {c.id: c for c in result.checks}
    assert list(got) == ["label::label_issues", "label::outliers", "label::model_skill"]
    assert got["label::outliers"].severity is gates.Severity.WARN
    assert all(c.error is None for c in got.values())
    assert got["label::label_issues"].details["dropped_features"] == []
    # the demo's fraud label is mostly chance (9.5% vs 1.5% for large electronics orders):
    # the cross-validated model has no skill on it, and the gate says so
    assert not got["label::model_skill"].passed
    assert "fraud" in got["label::model_skill"].details["no_skill"]
    # most labels agree with a model that says "ok", but balanced over the classes it is chance
    details = got["label::model_skill"].details
    assert details["agreement"] > 0.9 and details["balanced_agreement"] < 0.6
    assert got["label::label_issues"].passed
    assert result.verdict is gates.Verdict.WARN


class TestModelSkill:
    """A class the model cannot tell apart: its own outcome, not a blocked label-issue rate."""

    @staticmethod
    def unlearnable() -> pl.DataFrame:
        rng = np.random.default_rng(3)
        label = np.array(["ok"] * 2000, dtype=object)
        label[rng.choice(2000, size=60, replace=False)] = "fraud"
        return pl.DataFrame(
            {
                "amount": rng.gamma(2.0, 40.0, 2000),
                "quantity": rng.integers(1, 6, 2000),
                "label": label,
            }
        )

    def test_no_skill_warns_and_its_rows_are_not_counted(self) -> None:
        result = gates.check(self.unlearnable(), suite("  label: label\n  max_issue_rate: 0.01\n"))
        got = {c.id: c for c in result.checks}
        skill = got["label::model_skill"]
        assert not skill.passed and skill.severity == "warn"
        assert "no skill on" in skill.message and "'fraud'" in skill.message
        assert "fraud" in skill.details["no_skill"]
        assert got["label::label_issues"].passed  # the unreliable flags are not counted
        assert result.verdict is gates.Verdict.WARN

    def test_no_skill_can_block_or_be_ignored(self) -> None:
        block = gates.check(self.unlearnable(), suite("  label: label\n  no_skill: block\n"))
        assert block.verdict is gates.Verdict.BLOCK
        ignored = checks(self.unlearnable(), "  label: label\n  no_skill: ignore\n")
        assert "label::model_skill" not in ignored
