"""Where events go: --lineage targets, OpenLineage's own configuration, the `lineage:` block."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates import InputError
from gates.lineage import DEFAULT_NAMESPACE, DEFAULT_TIMEOUT, dataset_name, resolve


def test_off_unless_configured() -> None:
    """No URL, no config file, no target: no lineage at all."""
    assert resolve(None) is None
    assert resolve("off") is None


def test_targets() -> None:
    """A URL is the HTTP transport (quick retries), file:PATH appends, console is console."""
    http = resolve("http://127.0.0.1:5000")
    assert http is not None
    assert http.transport == {
        "type": "http",
        "url": "http://127.0.0.1:5000",
        "timeout": DEFAULT_TIMEOUT,
        "retry": {"total": 2, "connect": 2, "read": 1, "backoff_factor": 0.1},
    }
    assert (http.namespace, http.timeout) == (DEFAULT_NAMESPACE, DEFAULT_TIMEOUT)
    file = resolve("file:out/events.ndjson")
    assert file is not None
    assert file.transport == {"type": "file", "log_file_path": "out/events.ndjson", "append": True}
    console = resolve("console")
    assert console is not None
    assert console.transport == {"type": "console"}


def test_a_bad_target_is_one_line_naming_the_choices() -> None:
    with pytest.raises(InputError) as err:
        resolve("marquez:5000")
    assert str(err.value) == (
        "--lineage marquez:5000: not a lineage target; use an http(s):// URL, file:PATH, console or off"
    )


def test_openlineage_environment_and_disable(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENLINEAGE_URL turns it on (the client's own transport); OPENLINEAGE_DISABLED wins."""
    monkeypatch.setenv("OPENLINEAGE_URL", "http://127.0.0.1:5000")
    monkeypatch.setenv("OPENLINEAGE_NAMESPACE", "team-ml")
    config = resolve(None)
    assert config is not None
    assert (config.transport, config.label, config.namespace) == (
        None,
        "http://127.0.0.1:5000",
        "team-ml",
    )
    monkeypatch.setenv("OPENLINEAGE_DISABLED", "true")
    assert resolve(None) is None
    assert resolve("console") is None


def test_lineage_block_of_openlineage_yml(tmp_path: Path) -> None:
    """openlineage.yml in the working directory: the client's transport, datagates' block."""
    (tmp_path / "openlineage.yml").write_text(
        "transport:\n  type: console\nlineage:\n  namespace: fraud-gates\n  timeout: 1.5\n",
        encoding="utf-8",
    )
    config = resolve(None)
    assert config is not None
    assert (config.transport, config.namespace, config.timeout) == (None, "fraud-gates", 1.5)
    assert config.label == str(tmp_path / "openlineage.yml")
    # a --lineage target still takes the block's namespace
    other = resolve("file:x.ndjson")
    assert other is not None
    assert other.namespace == "fraud-gates"


def test_a_bad_timeout_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "openlineage.yml").write_text("lineage:\n  timeout: soon\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        resolve(None)
    assert str(err.value) == (
        f"{tmp_path / 'openlineage.yml'}: lineage timeout 'soon' is not a number of seconds >= 0;"
        " e.g. timeout: 5"
    )


@pytest.mark.parametrize(
    ("data", "table", "sql", "expected"),
    [
        ("orders.parquet", None, None, ("file", "{tmp}/orders.parquet")),
        ("data/2024-*.csv", None, None, ("file", "{tmp}/data/2024-*.csv")),
        ("s3a://lake/orders/day=1/", None, None, ("s3://lake", "orders/day=1/")),
        ("gs://bucket/t.parquet", None, None, ("gs://bucket", "t.parquet")),
        ("wh.duckdb", "orders", None, ("duckdb://{tmp}/wh.duckdb", "orders")),
        (None, None, "SELECT *\n  FROM t", ("duckdb://:memory:", "SELECT * FROM t")),
    ],
)
def test_dataset_names(
    tmp_path: Path, data: str | None, table: str | None, sql: str | None, expected: tuple[str, str]
) -> None:
    """Names follow the OpenLineage dataset naming spec (file paths absolute)."""
    got = dataset_name(data, table=table, sql=sql, namespace="ns")
    assert tuple(got) == tuple(part.format(tmp=tmp_path) for part in expected)


def test_frames_and_uploads_live_in_the_job_namespace() -> None:
    import polars as pl

    from gates import load

    assert tuple(dataset_name(pl.DataFrame({"a": [1]}), table=None, sql=None, namespace="ns")) == (
        "ns",
        "<polars.DataFrame>",
    )
    ds = load(pl.DataFrame({"a": [1]}))
    ds.source = "upload:orders.csv"
    assert tuple(dataset_name(ds, table=None, sql=None, namespace="ns")) == (
        "ns",
        "upload:orders.csv",
    )
