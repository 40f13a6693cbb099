"""The HTML profile: one self-contained file, with a chart per column, that a real browser renders."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gates._profile import profile
from gates._profile._drift import compare
from gates._profile._html import to_html

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def page() -> str:
    rng = np.random.default_rng(2)
    n = 2000
    df = pl.DataFrame(
        {
            "amount": rng.gamma(2, 30, n),
            "tier": rng.choice(["gold", "silver", "<b>x</b>"], n),
            "note": [f"free text {i}" for i in range(n)],
        }
    )
    p = profile(df)
    return to_html(p, drift=compare(p, p))


def test_self_contained_with_a_chart_per_column(page: str) -> None:
    """No scripts, no external URLs; an SVG per column; user text is escaped."""
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"https?:", page)
    assert page.count('aria-label="histogram of amount"') == 1
    assert page.count('aria-label="top values of tier"') == 1
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page
    assert "Drift against" in page
    assert "Column details" in page


def _png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and a set of sampled RGB pixels (Pillow when installed, else zlib)."""
    image = pytest.importorskip("PIL.Image", reason="Pillow decodes the screenshot")
    Image = image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        w, h = rgb.size
        colours = {bytes(rgb.getpixel((x, y))) for x in range(0, w, 7) for y in range(0, h, 7)}
    return w, h, colours


@pytest.mark.browser
def test_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    """Chromium renders the page into a non-blank screenshot."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is missing: apt-get install -y chromium to run the browser test"
        )
    html = tmp_path / "profile.html"
    html.write_text(page, encoding="utf-8")
    png = tmp_path / "shot.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chrome'}",
            f"--screenshot={png}",
            "--window-size=1200,2000",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(tmp_path / "chrome", ignore_errors=True)
    assert png.exists()
    assert png.stat().st_size > 10_000
    w, h, colours = _png_pixels(png)
    assert (w, h) == (1200, 2000)
    assert len(colours) > 20  # text, bars and backgrounds: not a blank page
    assert b"\x4f\x7c\xff" in colours  # the bars' blue is on screen
