"""End to end: a real ``gates serve`` in a subprocess, every endpoint exercised over HTTP."""

from __future__ import annotations

import concurrent.futures
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import polars as pl
import pytest

from gates.ledger import Ledger

# one server for the module, and later tests check what earlier ones did: `make test` runs
# with --dist loadfile, so a module stays on one worker, in order
pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))
WRITE = "ci-writer-secret-1"
READ = "dash-reader-secret-2"
SUITE = """\
name: people
description: ten checks on a tiny people table
columns:
  id: {dtype: int64, nullable: false, unique: true}
  age:
    dtype: int64
    checks:
      - in_range: {min_value: 0, max_value: 120}
  score:
    dtype: float64
    checks:
      - in_range: {min_value: 0, max_value: 1}
  country:
    dtype: string
    checks:
      - isin: {allowed_values: [DE, FR, US]}
checks:
  - row_count: {min: 1}
"""
#: Runs the server answered 200 to; the ledger must hold exactly these at the end.
VALIDATED: list[str] = []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gates serve exited with {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gates serve did not become healthy")


def _people(rows: int = 50, *, bad: int = 0) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(rows)),
            "age": [200 if i < bad else 30 + i % 40 for i in range(rows)],
            "score": [0.5] * rows,
            "country": ["DE", "FR", "US"] * (rows // 3) + ["DE"] * (rows % 3),
        }
    )


class Server:
    def __init__(self, url: str, ledger: Path, tmp: Path) -> None:
        self.url = url
        self.ledger = ledger
        self.tmp = tmp

    def client(self, token: str | None = WRITE) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("service")
    (tmp / "suites").mkdir()
    (tmp / "suites" / "people.yml").write_text(SUITE, encoding="utf-8")
    (tmp / "secret.txt").write_text("outside the suites folder", encoding="utf-8")
    tokens = tmp / "tokens.txt"
    tokens.write_text(f"# name:token:scope\nci:{WRITE}:write\ndash:{READ}:read\n", encoding="utf-8")
    ledger = tmp / "ledger.duckdb"
    port = _free_port()
    # no CI metadata from the machine running the tests: the actor is exactly the token's name
    ci_vars = ("CI", "GITHUB_", "GITLAB_", "CI_", "BUILDKITE", "JENKINS_", "CIRCLECI")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ci_vars)} | {"GATES_TOKENS": ""}
    proc = subprocess.Popen(
        [
            GATES,
            "serve",
            "--suites",
            str(tmp / "suites"),
            "--port",
            str(port),
            "--ledger",
            str(ledger),
            "--tokens-file",
            str(tokens),
            "--max-upload-mb",
            "0.25",
            "--max-records",
            "5000",
            "--workers",
            "2",
            "--timeout",
            "20",
        ],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield Server(url, ledger, tmp)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _upload(frame: pl.DataFrame, fmt: str) -> tuple[str, bytes]:
    buf = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(buf)
    elif fmt == "csv":
        frame.write_csv(buf)
    else:
        frame.write_ndjson(buf)
    return f"people.{fmt}", buf.getvalue()


# --- OPEN ENDPOINTS --------------------------------------------------------------------------


def test_healthz_is_open_and_reports_auth(server: Server) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    doc = response.json()
    assert {k: doc[k] for k in ("status", "suites", "auth")} == {
        "status": "ok",
        "suites": 1,
        "auth": True,
    }
    assert doc["ledger"]["status"] == "ok"
    assert doc["ledger"]["spill_file"].endswith("ledger.duckdb.unwritten.jsonl")


def test_openapi_documents_every_v1_route(server: Server) -> None:
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert {
        "/v1/suites",
        "/v1/suites/{name}/validate",
        "/v1/suites/{name}/records",
        "/v1/profile",
        "/v1/runs",
        "/v1/runs/{run_id}",
        "/healthz",
        "/metrics",
    } <= set(paths)
    body = paths["/v1/suites/{name}/validate"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body


# --- AUTH ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-123", "Basic abc", "Bearer", WRITE])
def test_missing_or_bad_token_is_401_with_www_authenticate(
    server: Server, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(f"{server.url}/v1/suites", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"


def test_read_token_cannot_validate(server: Server) -> None:
    with server.client(READ) as client:
        assert client.get("/v1/suites").status_code == 200
        response = client.post("/v1/suites/people/records", json={"records": [{"id": 1}]})
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "forbidden",
            "message": "token 'dash' has scope 'read'; this endpoint needs 'write'",
        }
    }


# --- SUITES ----------------------------------------------------------------------------------


def test_list_suites(server: Server) -> None:
    with server.client(READ) as client:
        suites = client.get("/v1/suites").json()["suites"]
    assert [(s["name"], s["description"], s["checks"]) for s in suites] == [
        ("people", "ten checks on a tiny people table", 10)
    ]
    assert len(suites[0]["hash"]) == 64


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fetc%2Fpasswd",
        "..%2Fsecret.txt",
        "../x",
        "%2Fetc%2Fpasswd",
        "people.yml",
        "secret",
        "a" * 65,
        "people%00",
    ],
)
def test_path_traversal_in_suite_names_is_404(server: Server, name: str) -> None:
    with server.client() as client:
        response = client.post(f"/v1/suites/{name}/records", json={"records": [{"id": 1}]})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- VALIDATION ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv", "ndjson"])
def test_validate_upload_in_each_format(server: Server, fmt: str) -> None:
    name, data = _upload(_people(60, bad=3), fmt)
    with server.client() as client:
        response = client.post("/v1/suites/people/validate", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    doc = response.json()
    VALIDATED.append(doc["run_id"])
    assert doc["verdict"] == "block"
    assert doc["dataset"]["rows"] == 60
    assert doc["dataset"]["source"] == f"upload:{name}"
    failed = {c["id"]: c["failing_count"] for c in doc["checks"] if not c["passed"]}
    assert failed == {"age::in_range": 3}


def test_format_query_overrides_the_file_name(server: Server) -> None:
    _, data = _upload(_people(10), "csv")
    with server.client() as client:
        response = client.post(
            "/v1/suites/people/validate",
            params={"format": "csv"},
            files={"file": ("blob.bin", data)},
        )
    assert response.status_code == 200, response.text
    VALIDATED.append(response.json()["run_id"])
    assert response.json()["verdict"] == "pass"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("people.csv", b"", "the file is empty"),
        ("people.parquet", b"PAR1 this is not parquet", "people.parquet"),
        ("people.xyz", b"id\n1\n", "cannot tell the format of upload 'people.xyz'"),
    ],
)
def test_unreadable_upload_is_422_with_one_line(
    server: Server, name: str, data: bytes, expected: str
) -> None:
    with server.client() as client:
        response = client.post("/v1/suites/people/validate", files={"file": (name, data)})
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert expected in message
    assert "\n" not in message
    assert "gates-upload-" not in message  # the temp path is not leaked


def test_upload_without_multipart_or_file_field_is_422(server: Server) -> None:
    with server.client() as client:
        not_multipart = client.post(
            "/v1/suites/people/validate", content=b"id\n1\n", headers={"Content-Type": "text/csv"}
        )
        no_file = client.post("/v1/suites/people/validate", files={"other": ("x.csv", b"id\n1\n")})
        broken = client.post(
            "/v1/suites/people/validate",
            content=b"--xx\r\ngarbage",
            headers={"Content-Type": "multipart/form-data; boundary=xx"},
        )
    assert not_multipart.status_code == 422
    assert "multipart/form-data" in not_multipart.json()["error"]["message"]
    assert no_file.status_code == 422
    assert (
        no_file.json()["error"]["message"]
        == "no 'file' file field in the upload; send it with curl -F file=@FILE"
    )
    assert broken.status_code == 422


def test_oversized_upload_is_413(server: Server) -> None:
    big = _people(40_000)
    _, data = _upload(big, "csv")
    assert len(data) > 0.25 * 1024 * 1024 + 64 * 1024
    with server.client() as client:
        response = client.post("/v1/suites/people/validate", files={"file": ("big.csv", data)})
    assert response.status_code == 413
    assert "upload limit is 0.25 MiB" in response.json()["error"]["message"]


def test_oversized_streamed_upload_is_413_without_content_length(server: Server) -> None:
    boundary = "bnd"
    chunk = b"id,age,score,country\n" + b"1,30,0.5,DE\n" * 30_000  # ~0.37 MiB > 0.25 MiB

    def body() -> Iterator[bytes]:
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n'.encode()
        yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    with server.client() as client:
        response = client.post(
            "/v1/suites/people/validate",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert response.status_code == 413
    assert response.json()["error"]["message"].startswith(
        "the upload is larger than the limit of 0.25 MiB"
    )


def test_records_batch(server: Server) -> None:
    records = _people(1000, bad=5).to_dicts()
    records[7]["country"] = "XX"
    with server.client() as client:
        response = client.post("/v1/suites/people/records", json={"records": records})
    assert response.status_code == 200, response.text
    doc = response.json()
    VALIDATED.append(doc["run_id"])
    assert doc["dataset"]["rows"] == 1000
    failed = {c["id"]: c["failing_count"] for c in doc["checks"] if not c["passed"]}
    assert failed == {"age::in_range": 5, "country::isin": 1}
    assert all(c["passed"] for c in doc["checks"] if c["id"].endswith("::dtype"))


def test_records_are_typed_by_the_suite(server: Server) -> None:
    # JSON integers for a float64 column are cast; strings in an int64 column fail the dtype check
    with server.client() as client:
        ok = client.post(
            "/v1/suites/people/records",
            json={"records": [{"id": 1, "age": 3, "score": 1, "country": "DE"}]},
        )
        bad = client.post(
            "/v1/suites/people/records",
            json={"records": [{"id": 1, "age": "old", "score": 0, "country": "DE"}]},
        )
    VALIDATED.extend([ok.json()["run_id"], bad.json()["run_id"]])
    assert ok.json()["verdict"] == "pass"
    failed = [c["id"] for c in bad.json()["checks"] if not c["passed"]]
    assert "age::dtype" in failed


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{not json", 422, "the body is not JSON"),
        (b'{"rows": []}', 422, '{"records": [{...}, ...]}'),
        (b'{"records": [1, 2]}', 422, "records[0] is a int; each record must be a JSON object"),
        (b'{"records": [{"id": {"a": 1}}, {"id": [1]}]}', 422, "the records do not form a table"),
    ],
)
def test_malformed_records_are_4xx(server: Server, body: bytes, status: int, fragment: str) -> None:
    with server.client() as client:
        response = client.post(
            "/v1/suites/people/records", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == status
    assert fragment in response.json()["error"]["message"]


def test_too_many_records_is_413(server: Server) -> None:
    with server.client() as client:
        response = client.post(
            "/v1/suites/people/records", json={"records": [{"id": i} for i in range(5001)]}
        )
    assert response.status_code == 413
    assert (
        response.json()["error"]["message"]
        == "5,001 records in one batch; the limit is 5,000; send smaller batches"
    )


def test_profile_upload(server: Server) -> None:
    name, data = _upload(_people(30), "parquet")
    with server.client() as client:
        response = client.post("/v1/profile", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["source"] == "upload:people.parquet"
    assert "age" in json.dumps(doc["columns"])


def test_concurrent_requests_beyond_the_pool_get_503(server: Server) -> None:
    records = {"records": _people(4000).to_dicts()}

    def post(_: int) -> httpx.Response:
        with server.client() as client:
            return client.post("/v1/suites/people/records", json=records)

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(post, range(20)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 2
    assert statuses.count(503) >= 1
    for r in responses:
        if r.status_code == 503:
            assert r.headers["retry-after"] == "1"
            assert r.json()["error"]["code"] == "busy"
        else:
            VALIDATED.append(r.json()["run_id"])


# --- RUNS AND METRICS (after the validations above) ------------------------------------------


def test_runs_list_and_filters(server: Server) -> None:
    with server.client(READ) as client:
        runs = client.get("/v1/runs", params={"limit": 1000}).json()["runs"]
        blocked = client.get("/v1/runs", params={"verdict": "block", "suite": "people"}).json()[
            "runs"
        ]
        paged = client.get("/v1/runs", params={"limit": 2, "offset": 1}).json()["runs"]
        none = client.get("/v1/runs", params={"since": "2999-01-01"}).json()["runs"]
        bad = client.get("/v1/runs", params={"since": "yesterday"})
    assert sorted(r["run_id"] for r in runs) == sorted(VALIDATED)
    assert [r["seq"] for r in runs] == sorted((r["seq"] for r in runs), reverse=True)
    assert {r["actor"] for r in runs} == {"ci"}
    assert blocked
    assert all(r["verdict"] == "block" for r in blocked)
    assert [r["seq"] for r in paged] == [runs[1]["seq"], runs[2]["seq"]]
    assert none == []
    assert bad.status_code == 422
    assert "not an ISO-8601 date-time" in bad.json()["error"]["message"]


def test_get_run_as_json_and_html(server: Server) -> None:
    run_id = VALIDATED[0]
    with server.client(READ) as client:
        doc = client.get(f"/v1/runs/{run_id}").json()
        by_prefix = client.get(f"/v1/runs/{run_id[:10]}").json()
        page = client.get(f"/v1/runs/{run_id}", params={"format": "html"})
        accepted = client.get(f"/v1/runs/{run_id}", headers={"Accept": "text/html"})
        missing = client.get("/v1/runs/ffffffffffff")
        odd = client.get("/v1/runs/..%2F..%2Fetc")
    assert doc["run_id"] == by_prefix["run_id"] == run_id
    assert doc["record"]["actor"] == {"kind": "token", "name": "ci"}
    assert len(doc["hash"]) == 64
    assert page.headers["content-type"].startswith("text/html")
    assert "BLOCK" in page.text
    assert "age::in_range" in page.text
    assert "recorded by ci" in page.text
    assert accepted.text == page.text
    assert missing.status_code == 404
    assert odd.status_code == 404


def test_metrics_count_runs_and_rows(server: Server) -> None:
    text = httpx.get(f"{server.url}/metrics").text
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    records = sum(
        int(v)
        for k, v in lines.items()
        if k.startswith('gates_runs_total{suite="people"') and 'path="records"' in k
    )
    uploads = sum(
        int(v)
        for k, v in lines.items()
        if k.startswith('gates_runs_total{suite="people"') and 'path="upload"' in k
    )
    assert records + uploads == len(VALIDATED)
    assert uploads == 4
    assert int(lines['gates_validation_seconds_count{suite="people",path="upload"}']) == 4
    assert int(lines['gates_rows_validated_total{suite="people",path="upload"}']) == 3 * 60 + 10
    assert "# TYPE gates_validation_seconds histogram" in text


def test_ledger_chain_is_intact_after_everything(server: Server) -> None:
    with server.client(READ) as client:
        client.get("/v1/runs", params={"limit": 1})  # flushes the background writer
    report = Ledger(server.ledger).verify()
    assert report.ok, report.problems
    assert report.records == len(VALIDATED)
