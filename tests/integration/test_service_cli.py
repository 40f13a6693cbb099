"""``gates serve`` refusals (exit 2, one line) and the service's building blocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import gates
from gates.ledger import Ledger, ledger_record
from gates.service import (
    Busy,
    Forbidden,
    LedgerWriter,
    Metrics,
    ServiceConfigError,
    TokenStore,
    Unauthorized,
    append_batch,
    is_loopback,
    result_from_record,
    run_html,
)

pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))
SUITE = "name: tiny\ncolumns:\n  x: {dtype: int64, checks: [{in_range: {min_value: 0, max_value: 9}}]}\n"


def _serve(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GATES, "serve", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GATES_TOKENS": "", "COLUMNS": "300", **(env or {})},
    )


@pytest.fixture
def suites(tmp_path: Path) -> Path:
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "tiny.yml").write_text(SUITE, encoding="utf-8")
    return tmp_path / "suites"


def test_public_host_without_tokens_is_refused(suites: Path) -> None:
    result = _serve("--suites", str(suites), "--host", "0.0.0.0", "--port", "1", cwd=suites.parent)
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0 without tokens" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_extra_exits_2_with_the_install_command(suites: Path, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "fastapi"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no fastapi here')\n", encoding="utf-8")
    result = _serve("--suites", str(suites), cwd=tmp_path, env={"PYTHONPATH": str(shadow.parent)})
    assert result.returncode == 2
    assert (
        "the service needs the [service] extra: pip install 'datagates[service]'" in result.stderr
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--suites", "nowhere"], "nowhere: no such folder of suites"),
        (["--workers", "0"], "--workers must be >= 1, got 0"),
    ],
)
def test_bad_settings_exit_2(suites: Path, args: list[str], message: str) -> None:
    base = ["--suites", str(suites)] if args[0] != "--suites" else []
    result = _serve(*base, *args, cwd=suites.parent)
    assert result.returncode == 2
    assert message in result.stderr


def test_bad_tokens_file_names_the_line(suites: Path, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("ci:long-enough-secret:write\nbroken-line\n", encoding="utf-8")
    result = _serve("--suites", str(suites), "--tokens-file", str(tokens), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tokens}:2: expected `name:token:scope`, got 1 field(s)" in result.stderr


# --- BUILDING BLOCKS -------------------------------------------------------------------------


def test_tokens_are_hashed_and_scoped() -> None:
    store = TokenStore.load(env="ci:secret-one-111:write,dash:secret-two-222:read")
    assert len(store) == 2
    assert all(len(t.digest) == 32 for t in store._tokens)
    assert "secret-one-111" not in repr(store._tokens)
    assert store.authenticate("Bearer secret-one-111", "write").name == "ci"  # type: ignore[union-attr]
    assert store.authenticate("bearer secret-two-222", "read").name == "dash"  # type: ignore[union-attr]
    with pytest.raises(
        Forbidden, match="token 'dash' has scope 'read'; this endpoint needs 'write'"
    ):
        store.authenticate("Bearer secret-two-222", "write")
    with pytest.raises(Unauthorized, match="unknown or revoked token"):
        store.authenticate("Bearer nope-nope-nope", "read")
    assert TokenStore().authenticate(None, "write") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("ci:short:write", "shorter than 8 characters"),
        ("ci:long-enough-1:admin", "has scope 'admin'; use read or write"),
        ("ci:long-enough-1:read,ci:long-enough-2:write", "token name 'ci' is defined twice"),
    ],
)
def test_bad_token_entries(entry: str, message: str) -> None:
    with pytest.raises(ServiceConfigError, match=message):
        TokenStore.load(env=entry)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_metrics_exposition_format() -> None:
    metrics = Metrics()
    metrics.run(suite='we"ird', verdict="pass", path="records", rows=10, seconds=0.02)
    metrics.run(suite='we"ird', verdict="pass", path="records", rows=5, seconds=3.0)
    text = metrics.render()
    assert 'gates_runs_total{suite="we\\"ird",verdict="pass",path="records"} 2' in text
    assert 'gates_rows_validated_total{suite="we\\"ird",path="records"} 15' in text
    assert 'gates_validation_seconds_bucket{suite="we\\"ird",path="records",le="0.025"} 1' in text
    assert 'gates_validation_seconds_bucket{suite="we\\"ird",path="records",le="+Inf"} 2' in text
    assert 'gates_validation_seconds_count{suite="we\\"ird",path="records"} 2' in text


def _result(suite_path: Path, values: list[int]) -> gates.GateResult:
    return gates.check(pl.DataFrame({"x": values}), suite_path)


def test_background_writer_keeps_order_and_chain(suites: Path, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.duckdb")
    writer = LedgerWriter(ledger, maxsize=4)
    records = [
        ledger_record(_result(suites / "tiny.yml", [i]), actor={"kind": "token", "name": "t"})
        for i in range(12)
    ]
    futures = [writer.submit(r) for r in records]
    writer.close()
    stored = [f.result() for f in futures]
    assert [s.seq for s in stored] == list(range(1, 13))
    assert [r.run_id for r in ledger.list(limit=None)][::-1] == [r["run_id"] for r in records]
    assert ledger.verify().ok
    more = append_batch(
        ledger, [ledger_record(_result(suites / "tiny.yml", [1]), actor={"kind": "user"})]
    )
    assert more[0].seq == 13
    assert ledger.verify().ok


def test_html_from_a_stored_record(suites: Path) -> None:
    result = _result(suites / "tiny.yml", [1, 50])
    record = ledger_record(result, actor={"kind": "token", "name": "ci"})
    rebuilt = result_from_record(record)
    assert rebuilt.verdict is result.verdict
    assert [c.to_dict() for c in rebuilt.checks] == [c.to_dict() for c in result.checks]
    page = run_html(record)
    assert "x::in_range" in page
    assert "recorded by ci" in page
    assert "BLOCK" in page


def test_busy_carries_retry_after() -> None:
    assert Busy("full", retry_after=3).headers == {"Retry-After": "3"}
