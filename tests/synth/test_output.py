"""Manifest content, write() and its refusal to overwrite, and exact error messages."""

import importlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import synth
from synth import (
    MissingSynthExtraError,
    OutputError,
    OutputExistsError,
    Shortfall,
    SynthConfigError,
)

pytestmark = pytest.mark.synth


def test_manifest_is_json_and_complete(result: synth.FillResult) -> None:
    """The manifest records synthesizer, seed, counts, rejections, scores and versions."""
    manifest = json.loads(json.dumps(result.manifest()))
    assert manifest["format"] == "datagates.synth.manifest/1"
    assert manifest["synthesizer"] == "gaussian_copula"
    assert manifest["parameters"]["default_distribution"] == "beta"
    assert manifest["parameters"]["fit_rows"] == 50_000
    assert manifest["seed"] == 7
    assert manifest["marker"] == "is_synthetic"
    assert manifest["real_rows"] == 400
    assert manifest["synthetic_rows"] == 75
    assert manifest["rows_per_condition"] == {
        "label=fraud": 60,
        "label=fraud, region=eu": 15,
        "label=chargeback": 0,
    }
    skipped = manifest["conditions"][2]
    assert skipped["skipped"] == "value_not_in_data"
    assert skipped["unfilled"] == 10
    assert manifest["rejected"] == {"validation": 0, "exact_copies": 0}
    assert manifest["unfilled"] == 10
    assert set(manifest["quality"]["per_condition"]) == {"label=fraud", "label=fraud, region=eu"}
    assert 0 < manifest["quality"]["overall"] <= 1
    assert set(manifest["privacy"]) >= {"dcr_min", "dcr_p5", "dcr_median", "exact_copies_rejected"}
    assert manifest["versions"]["sdv"].startswith("2.")
    assert "sdmetrics" in manifest["versions"]


def test_write_parquet_and_manifest(result: synth.FillResult, tmp_path: Path) -> None:
    """write() stores augmented data and ``<out>.manifest.json`` next to it."""
    out = tmp_path / "train.parquet"
    manifest = synth.write(result, out)
    assert manifest == tmp_path / "train.parquet.manifest.json"
    back = pl.read_parquet(out)
    assert back.equals(result.augmented())
    assert json.loads(manifest.read_text())["synthetic_rows"] == 75


def test_write_refuses_to_overwrite(result: synth.FillResult, tmp_path: Path) -> None:
    """An existing target is an error unless overwrite=True."""
    out = tmp_path / "train.csv"
    out.write_text("keep me\n")
    with pytest.raises(OutputExistsError) as info:
        synth.write(result, out)
    assert (
        str(info.value)
        == f"'{out}' already exists; pass overwrite=True to replace it or choose another path"
    )
    assert isinstance(info.value, FileExistsError)
    assert out.read_text() == "keep me\n"
    synth.write(result, out, overwrite=True)
    assert pl.read_csv(out).height == 475


def test_write_refuses_when_only_the_manifest_exists(
    result: synth.FillResult, tmp_path: Path
) -> None:
    out = tmp_path / "train.parquet"
    synth.manifest_path(out).write_text("{}")
    with pytest.raises(OutputExistsError, match=r"train\.parquet\.manifest\.json' already exists"):
        synth.write(result, out)
    assert not out.exists()


def test_write_unknown_suffix(result: synth.FillResult, tmp_path: Path) -> None:
    out = tmp_path / "train.xlsx"
    with pytest.raises(OutputError) as info:
        synth.write(result, out)
    assert (
        str(info.value)
        == f"cannot write '{out}': unknown suffix '.xlsx'; use .parquet, .pq or .csv"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"synthesizer": "gan"},
            "unknown synthesizer 'gan'; use one of gaussian_copula, ctgan, tvae",
        ),
        ({"epochs": 0}, "epochs must be >= 1, got 0"),
        ({"fit_rows": 0}, "fit_rows must be >= 1, got 0"),
        ({"max_rounds": 0}, "max_rounds must be >= 1, got 0"),
        (
            {"marker": "label"},
            "marker column 'label' already exists in the data; pass another name with marker=",
        ),
        (
            {"sdtypes": {"colour": "categorical"}},
            "sdtypes names unknown column 'colour'; use columns of the data: tx_id, amount, age, region, label, note",
        ),
        (
            {"sdtypes": {"age": "integer"}},
            "sdtypes['age'] = 'integer' is not supported; use one of boolean, categorical, datetime, id, numerical, text",
        ),
    ],
)
def test_bad_options_raise_exact_messages(
    real: pl.DataFrame, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SynthConfigError) as info:
        synth.fill(real, [Shortfall({"label": "fraud"}, 3)], **options)
    assert str(info.value) == message


def test_missing_sdv_names_the_extra(real: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without sdv, the error is an ImportError that gives the pip command."""
    real_import_module = importlib.import_module

    def no_sdv(name: str) -> Any:
        if name == "sdv" or name.startswith("sdv."):
            raise ImportError(f"No module named {name!r}")
        return real_import_module(name)

    monkeypatch.setattr(importlib, "import_module", no_sdv)
    with pytest.raises(MissingSynthExtraError) as info:
        synth.fill(real, [Shortfall({"label": "fraud"}, 3)])
    assert (
        str(info.value) == "synthetic fill needs the [synth] extra: pip install 'datagates[synth]'"
    )
    assert isinstance(info.value, ImportError)
    assert info.value.missing == "sdv.metadata"


def test_dcr_compares_datetimes_in_the_same_unit() -> None:
    """A synthetic datetime column in another time unit is not 'far' from the real one."""
    import datetime as dt

    import polars as pl

    from synth._privacy import dcr

    days = [dt.datetime(2024, 1, 1) + dt.timedelta(days=i) for i in range(10)]
    real = pl.DataFrame({"t": days}).with_columns(pl.col("t").cast(pl.Datetime("us")))
    syn = pl.DataFrame({"t": days[:3]}).with_columns(pl.col("t").cast(pl.Datetime("ms")))
    scores = dcr(syn, real, ["t"], exact_copies_rejected=0)
    assert scores.dcr_median == 0.0 and scores.dcr_min == 0.0
