"""``update_incremental``: the state file keeps what later runs need, and no more."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gates import InputError
from gates._profile import profile_from_state
from gates._profile._incremental import update_incremental
from gates._profile._state import HASH_SET_MAX


def _files(root: Path, ranges: list[tuple[int, int]]) -> None:
    (root / "p").mkdir()
    for i, (a, b) in enumerate(ranges):
        pl.DataFrame({"k": np.arange(a, b), "c": np.arange(a, b) % 3}).write_parquet(
            root / "p" / f"{i}.parquet"
        )


def test_hash_sets_past_the_exact_limit_are_dropped_from_the_state(tmp_path: Path) -> None:
    """Once a column's union is past HASH_SET_MAX, the files keep registers, not hash sets."""
    _files(tmp_path, [(0, 150_000), (150_000, 300_000)])
    state = tmp_path / "s.json"
    run = update_incremental(str(tmp_path / "p"), state)
    assert HASH_SET_MAX < 300_000
    doc = json.loads(state.read_text())
    for entry in doc["files"].values():
        k, c = entry["state"]["columns"]
        assert k["hashes"] is None
        assert k["hll"] is not None
        assert c["hashes"] is not None  # 3 values: still exact
    prof = profile_from_state(run.state)
    assert prof.column("k").distinct_method == "hll"
    assert prof.column("c").distinct == 3
    assert prof.column("c").distinct_method == "exact"
    # a second run reuses both files and gives the same profile
    again = update_incremental(str(tmp_path / "p"), state)
    assert again.profiled == []
    assert profile_from_state(again.state).column("k").distinct == prof.column("k").distinct


def test_another_polars_version_profiles_every_file_again(tmp_path: Path) -> None:
    """A state hashed by another Polars version is not merged with new hashes."""
    _files(tmp_path, [(0, 10), (10, 20)])
    state = tmp_path / "s.json"
    update_incremental(str(tmp_path / "p"), state)
    doc = json.loads(state.read_text())
    doc["hash_id"] = "polars-0.0.1"
    state.write_text(json.dumps(doc))
    run = update_incremental(str(tmp_path / "p"), state)
    assert sorted(run.profiled) == ["p/0.parquet", "p/1.parquet"]
    assert json.loads(state.read_text())["hash_id"] != "polars-0.0.1"


def test_write_false_leaves_no_file_and_a_missing_glob_is_refused(tmp_path: Path) -> None:
    """write=False only computes; a glob that matches nothing is one line naming it."""
    _files(tmp_path, [(0, 10)])
    run = update_incremental(str(tmp_path / "p"), tmp_path / "s.json", write=False)
    assert run.written is None
    assert not (tmp_path / "s.json").exists()
    assert run.state.rows == 10
    with pytest.raises(InputError, match=r"no such file|matches no files|does not exist"):
        update_incremental(str(tmp_path / "missing" / "*.parquet"), tmp_path / "s.json")
