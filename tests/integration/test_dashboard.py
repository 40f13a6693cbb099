"""The /ui dashboard of a real ``gates serve``: rendered by headless Chromium, read-scoped, escaped."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gates._sample import make_orders
from gates.ledger import Ledger

pytestmark = pytest.mark.service

GATES = str(Path(sys.executable).with_name("gates"))
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
READ = "dash-reader-secret-9"
WRITE = "ci-writer-secret-9"
EVIL = "<script>alert(1)</script>"
SMALL = """\
name: "<script>alert(1)</script>"
columns:
  order_id: {nullable: false}
checks:
  - row_count: {min: 1}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    ledger: Path
    root: Path


def _env() -> dict[str, str]:
    ci = ("CI", "GITHUB_", "GITLAB_", "CI_", "BUILDKITE", "JENKINS_", "CIRCLECI", "OPENLINEAGE")
    return {k: v for k, v in os.environ.items() if not k.startswith(ci)} | {"GATES_TOKENS": ""}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five days of the orders gate (pass, pass, block on a halved feed, pass, block) and one
    run of a suite whose name is a script tag, all recorded by the installed command."""
    root = tmp_path_factory.mktemp("dashboard")
    (root / "suites").mkdir()
    suite = (ROOT / "suites" / "orders.yml").read_text(encoding="utf-8")
    (root / "suites" / "orders.yml").write_text(
        re.sub(r"(?m)^data: .*$", "", suite), encoding="utf-8"
    )
    # the service refuses to serve such a name, but the CLI records it in the same ledger
    (root / "evil.yml").write_text(SMALL, encoding="utf-8")
    days = [(2000, True), (2100, True), (600, False), (2050, True), (1900, False)]
    for i, (rows, clean) in enumerate(days):
        make_orders(rows, seed=10 + i, clean=clean).write_parquet(root / f"day{i}.parquet")
        done = subprocess.run(
            [GATES, "check", f"day{i}.parquet", "-s", "suites/orders.yml", "-q",
             "--ledger", "ledger.duckdb"],
            cwd=root, env=_env(), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
    done = subprocess.run(
        [GATES, "check", "day0.parquet", "-s", "evil.yml", "-q", "--ledger", "ledger.duckdb"],
        cwd=root, env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root


def _serve(root: Path, tokens: Path | None) -> Iterator[Served]:
    port = _free_port()
    args = [GATES, "serve", "--suites", "suites", "--port", str(port), "--ledger", "ledger.duckdb"]
    if tokens is not None:
        args += ["--tokens-file", str(tokens)]
    proc = subprocess.Popen(
        args, cwd=root, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"gates serve exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gates serve did not become healthy")
            time.sleep(0.2)
        yield Served(url, root / "ledger.duckdb", root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def open_server(project: Path) -> Iterator[Served]:
    """Loopback without tokens: what a browser on the same machine opens."""
    yield from _serve(project, None)


@pytest.fixture(scope="module")
def token_server(project: Path) -> Iterator[Served]:
    tokens = project / "tokens.txt"
    tokens.write_text(f"dash:{READ}:read\nci:{WRITE}:write\n", encoding="utf-8")
    yield from _serve(project, tokens)


def _chromium(url: str, tmp: Path, *, screenshot: Path | None = None) -> str:
    """The DOM Chromium rendered for ``url`` (and a screenshot when asked)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is missing: apt-get install -y chromium to run the browser test"
        )
    profile = tmp / f"chrome-{time.monotonic_ns()}"
    args = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,1400",
    ]  # fmt: skip
    try:
        if screenshot is not None:
            subprocess.run(
                [*args, f"--screenshot={screenshot}", url],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
        done = subprocess.run(
            [*args, "--dump-dom", url], check=True, capture_output=True, text=True, timeout=60
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return done.stdout


def _rows(dom: str) -> list[tuple[str, str]]:
    """(verdict, suite text) of every run row in the rendered runs table."""
    return re.findall(
        r'<tr class="run" data-verdict="(\w+)">.*?<td><a href="/ui/suites/[^"]*">(.*?)</a>', dom
    )


# --- IN THE BROWSER ------------------------------------------------------------------------------


@pytest.mark.browser
def test_runs_page_in_chromium(open_server: Served, tmp_path: Path) -> None:
    """Every recorded run is a row, newest first, with its verdict colour and the escaped name."""
    shot = tmp_path / "runs.png"
    dom = _chromium(f"{open_server.url}/ui", tmp_path, screenshot=shot)
    stored = Ledger(open_server.ledger).list()
    assert _rows(dom) == [
        (r.verdict, r.suite_name.replace("<", "&lt;").replace(">", "&gt;")) for r in stored
    ]
    assert [r.verdict for r in stored] == ["pass", "block", "pass", "block", "pass", "pass"]
    # the script-tag suite name is text, never an element
    assert "<script" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    for run in stored:
        assert f'href="/ui/runs/{run.run_id}"' in dom
    assert dom.count('class="verdict verdict-block"') == 2
    assert dom.count('class="verdict verdict-pass"') == 4
    from PIL import Image

    with Image.open(shot) as img:
        rgb = img.convert("RGB")
        colours = {rgb.getpixel((x, y)) for x in range(0, 1280, 3) for y in range(0, 500, 3)}
    assert (0xCF, 0x22, 0x2E) in colours  # block red on screen
    assert (0x1A, 0x7F, 0x37) in colours  # pass green on screen


@pytest.mark.browser
def test_navigation_to_a_run_and_its_report(open_server: Served, tmp_path: Path) -> None:
    """From the list to a run (its checks) and on to the full HTML report."""
    dom = _chromium(f"{open_server.url}/ui?verdict=block", tmp_path)
    links = re.findall(r'href="(/ui/runs/[0-9a-f]+)"', dom)
    blocked = [r for r in Ledger(open_server.ledger).list() if r.verdict == "block"]
    assert links == [f"/ui/runs/{r.run_id}" for r in blocked]
    run = blocked[0]
    page = _chromium(open_server.url + links[0], tmp_path)
    checks = re.findall(r'<tr class="check (passed|failed)"><td class="mono">(.*?)</td>', page)
    assert checks == [
        ("passed" if c["passed"] else "failed", c["id"]) for c in run.record["checks"]
    ]
    assert f'href="/ui/runs/{run.run_id}/report"' in page
    assert f'href="/v1/runs/{run.run_id}?format=html"' in page
    report = _chromium(f"{open_server.url}/ui/runs/{run.run_id}/report", tmp_path)
    assert run.run_id in report
    assert "orders" in report


@pytest.mark.browser
def test_suite_trend_in_chromium(open_server: Served, tmp_path: Path) -> None:
    """Row count and failing checks over the five days, one point per run in its verdict's colour;
    the metric history's series are drawn too."""
    dom = _chromium(f"{open_server.url}/ui/suites/orders", tmp_path)
    runs = list(reversed(Ledger(open_server.ledger).list(suite="orders")))
    rows_chart = re.search(r'aria-label="row count over time".*?</svg>', dom, re.S)
    assert rows_chart is not None
    points = re.findall(
        r'<circle class="pt v-(\w+)[^"]*"[^>]*><title>(.*?)</title>', rows_chart.group(0)
    )
    assert [v for v, _ in points] == [r.verdict for r in runs]
    assert [t.split(": ")[1].split(" ")[0] for _, t in points] == [f"{r.rows}" for r in runs]
    failing = re.search(r'aria-label="failing checks over time".*?</svg>', dom, re.S)
    assert failing is not None
    counts = re.findall(r"<title>[^<]*?: (\d+)", failing.group(0))
    assert counts == [str(sum(not c["passed"] for c in r.record["checks"])) for r in runs]
    assert 'aria-label="amount::in_range.failing_fraction over time"' in dom
    assert "<script" not in dom
    evil = _chromium(f"{open_server.url}/ui/suites/{urllib.parse.quote(EVIL, safe='')}", tmp_path)
    assert "<script" not in evil
    assert "Suite <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in evil


# --- OVER HTTP ------------------------------------------------------------------------------------


def test_pages_are_self_contained_and_locked_down(open_server: Served) -> None:
    page = httpx.get(f"{open_server.url}/ui", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert not re.search(r"(src|href)=\"https?:", page.text)
    assert "<script" not in page.text
    missing = httpx.get(f"{open_server.url}/ui/runs/{'f' * 32}", timeout=30)
    assert missing.status_code == 404
    assert "No run with id" in missing.text


def test_a_read_token_is_needed(token_server: Served) -> None:
    """No token: the sign-in page (401); a read token by header or by the sign-in cookie works."""
    url = token_server.url
    bare = httpx.get(f"{url}/ui", timeout=30)
    assert bare.status_code == 401
    assert 'action="/ui/login"' in bare.text
    assert "<tr" not in bare.text
    wrong = httpx.get(f"{url}/ui", headers={"Authorization": "Bearer not-a-token"}, timeout=30)
    assert wrong.status_code == 401
    assert "unknown or revoked token" in wrong.text
    ok = httpx.get(f"{url}/ui", headers={"Authorization": f"Bearer {READ}"}, timeout=30)
    assert ok.status_code == 200
    assert len(_rows(ok.text)) == 6
    with httpx.Client(base_url=url, timeout=30) as browser:
        denied = browser.post("/ui/login", data={"token": "nope-nope-nope"})
        assert denied.status_code == 401
        signed = browser.post("/ui/login", data={"token": READ})
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
        assert "Path=/ui" in cookie
        assert READ not in signed.text
        listed = browser.get("/ui")
        assert listed.status_code == 200
        assert len(_rows(listed.text)) == 6
        browser.post("/ui/logout")
        assert browser.get("/ui").status_code == 401


def test_docs_curl_example(token_server: Served) -> None:
    """docs/dashboard.md's curl line, as written, against the real server."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    doc = (ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- test: curl -->\n```bash\n(.*?)\n```", doc, re.S)
    assert found
    command = found.group(1).replace("http://127.0.0.1:8000", token_server.url)
    done = subprocess.run(
        ["bash", "-c", command], env={**_env(), "DASH_TOKEN": READ},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    blocked = [r for r in Ledger(token_server.ledger).list() if r.verdict == "block"]
    assert _rows(done.stdout) == [("block", "orders")] * len(blocked) != []


def test_trend_document_is_the_suite_page_as_one_file(project: Path) -> None:
    """What `gates history --html` writes: the same charts, from the ledger and its history."""
    from gates.history import history_path
    from gates.service._ui import trend_document

    ledger = project / "ledger.duckdb"
    page = trend_document("orders", ledger=ledger, history=history_path(ledger))
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    chart = re.search(r'aria-label="row count over time".*?</svg>', page, re.S)
    assert chart is not None
    assert chart.group(0).count("<circle") == 5
    assert 'aria-label="amount::in_range.failing_fraction over time"' in page
    bare = trend_document("orders", ledger=ledger, history=None)
    assert "No metric history" in bare


def test_chart_marks_bands_and_anomalies() -> None:
    """The SVG: a shaded band where the anomaly check judged, a red ring on a flagged point,
    verdict colours, and escaped labels and tooltips."""
    from gates.service._ui import chart

    svg = chart(
        [1000.0, 1010.0, 990.0, 480.0],
        label="row <count>",
        verdicts=["pass", "pass", "pass", "block"],
        bands=[(None, None), (900.0, 1100.0), (905.0, 1105.0), (910.0, 1090.0)],
        anomalies=[False, False, False, True],
        times=["d1", "d2", "d3", "d4"],
    )
    assert svg.startswith('<svg class="chart" role="img" aria-label="row &lt;count&gt;"')
    assert svg.count('<polygon class="band"') == 1
    classes = re.findall(r'<circle class="([^"]+)"', svg)
    assert classes == ["pt v-pass", "pt v-pass", "pt v-pass", "pt v-block anomaly"]
    assert "<title>d4: 480 (block) anomaly</title>" in svg
    assert "no values yet" in chart([], label="empty")
    assert "no values yet" in chart([None, float("nan")], label="nothing finite")
