"""ydata-like alerts and Spearman correlations: each alert on data made to raise it, none on
clean data, and the rank correlation checked against SciPy."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import numpy as np
import polars as pl
import pytest
from scipy import stats

from gates import profile
from gates._profile._alerts import ALERTS


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    rng = np.random.default_rng(4)
    n = 2_000
    x = rng.normal(0, 1, n)
    return pl.DataFrame(
        {
            "code": [f"c{i}" for i in range(n)],  # unique text, high cardinality
            "fixed": ["same"] * n,
            "nothing": pl.Series([None] * n, dtype=pl.Float64),
            "sparse": [None if i % 3 else float(i) for i in range(n)],  # 67% null
            "label": rng.choice(["neg", "pos"], n, p=[0.97, 0.03]),
            "visits": np.where(rng.random(n) < 0.4, 0, rng.integers(1, 9, n)),
            "income": rng.lognormal(0, 1.2, n),
            "x": x,
            "x2": x * 2 + rng.normal(0, 0.01, n),
            "clean": rng.normal(10, 2, n),
        }
    ).vstack(
        pl.DataFrame(
            {
                "code": ["c0"],
                "fixed": ["same"],
                "nothing": pl.Series([None], dtype=pl.Float64),
                "sparse": [None],
                "label": ["neg"],
                "visits": [0],
                "income": [1.0],
                "x": [float(x[0])],
                "x2": [0.0],
                "clean": [10.0],
            }
        )
    )


def _by_column(p_alerts: list[dict[str, object]]) -> dict[object, set[object]]:
    out: dict[object, set[object]] = {}
    for a in p_alerts:
        out.setdefault(a["column"], set()).add(a["alert"])
    return out


def test_each_alert_is_raised_where_the_data_asks_for_it(frame: pl.DataFrame) -> None:
    """Constant, empty, missing, high cardinality, imbalance, zeros, skewed, correlation, duplicates."""
    p = profile(frame, correlations=True)
    got = _by_column(p.alerts or [])
    assert got["fixed"] == {"constant"}
    assert got["nothing"] == {"empty"}
    assert "missing" in got["sparse"]
    assert "high_cardinality" in got["code"]
    assert got["label"] == {"imbalance"}
    assert "zeros" in got["visits"]
    assert "skewed" in got["income"]
    assert "high_correlation" in got["x, x2"]
    assert "clean" not in got
    assert "x" not in got
    assert p.duplicate_rows == 0
    assert not [a for a in p.alerts or [] if a["alert"] == "duplicates"]
    assert {a["alert"] for a in p.alerts or []} <= set(ALERTS)


def test_duplicates_and_unique_alerts() -> None:
    """A repeated row raises duplicates; an all-distinct id column raises unique."""
    df = pl.DataFrame({"k": ["a", "b", "c", "d", "e", "e"], "v": [1, 2, 3, 4, 5, 5]})
    p = profile(df)
    assert {"column": None, "alert": "duplicates", "detail": "1 duplicate rows (16.7%)"} in (
        p.alerts or []
    )
    q = profile(pl.DataFrame({"name": [f"user{i}" for i in range(100)]}))
    assert any(a["alert"] == "unique" for a in q.alerts or [])


def test_spearman_matches_scipy_and_the_json_schema(frame: pl.DataFrame) -> None:
    """Spearman's rho of each numeric pair equals scipy.stats.spearmanr on the finite pairs."""
    p = profile(frame, correlations=True)
    pairs = {(c["a"], c["b"]): c for c in p.correlations or []}
    a = frame["income"].to_numpy()
    b = frame["visits"].to_numpy().astype(float)
    rho = stats.spearmanr(a, b).statistic
    assert pairs[("visits", "income")]["spearman"] == pytest.approx(rho, rel=1e-9)
    schema = json.loads(
        resources.files("gates._profile").joinpath("profile.schema.json").read_text()
    )
    jsonschema.validate(json.loads(p.to_json()), schema)


def test_sampled_spearman_stays_within_its_stated_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the sample size, Spearman's rho comes from the quantiles' hash sample of m rows;
    docs/profile.md states its standard error as (1 - rho^2) * sqrt((1 + rho^2 / 2) / (m - 3))
    (Bonett and Wright 2000). Over 20 seeds every error is within 4.5 of them, and their
    spread is the stated one (not much smaller: the bound would then be loose)."""
    import gates._profile._profile as module

    monkeypatch.setattr(module, "QUANTILE_EXACT_MAX_ROWS", 5_000)
    rng = np.random.default_rng(11)
    n = 100_000
    x = rng.normal(size=n)
    frame = pl.DataFrame(
        {
            "x": x,
            "weak": rng.normal(size=n),  # rho ~ 0
            "mid": np.exp(0.8 * x + 0.7 * rng.normal(size=n)),  # rho ~ 0.74, not linear
            "strong": (x + 0.3 * rng.normal(size=n)) ** 3,  # rho ~ 0.95
        }
    )
    exact = {c: stats.spearmanr(x, frame[c].to_numpy()).statistic for c in frame.columns[1:]}
    z: list[float] = []
    for seed in range(20):
        p = profile(frame, correlations=True, seed=seed)
        assert p.quantile_sample is not None and p.quantile_sample["rate"] == 0.05
        pairs = {(c["a"], c["b"]): c["spearman"] for c in p.correlations or []}
        m = round(p.quantile_sample["rate"] * n)  # the sample's expected size (+-1.4%)
        for name, rho in exact.items():
            se = (1 - rho**2) * np.sqrt((1 + rho**2 / 2) / (m - 3))
            err = pairs[("x", name)] - rho
            assert abs(err) <= 4.5 * se, (name, seed, err, se)
            z.append(err / se)
    assert 0.6 < float(np.sqrt(np.mean(np.square(z)))) < 1.5  # measured: 0.9-1.1 over 60 seeds
