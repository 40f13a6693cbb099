"""pytest-xdist: ``-n 2`` gives the same items and outcomes as a serial run."""

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "docs_src" / "pytest"


def test_two_workers_give_the_same_outcomes(pytester: pytest.Pytester) -> None:
    for folder in ("suites", "data"):
        shutil.copytree(EXAMPLE / folder, pytester.path / folder)
    shutil.copy(EXAMPLE / "suites" / "orders.yml", pytester.path / "suites" / "orders2.yml")
    second = pytester.path / "suites" / "orders2.yml"
    second.write_text(second.read_text().replace("name: orders", "name: orders2"))
    result = pytester.runpytest_subprocess(
        "--gate-suites",
        "suites",
        "-n",
        "2",
        "-p",
        "no:cacheprovider",
        "--gate-report-dir",
        "reports",
        "-rf",
    )
    result.assert_outcomes(passed=20, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "FAILED suites/orders.yml::orders::amount::in_range*",
            "FAILED suites/orders2.yml::orders2::amount::in_range*",
        ]
    )
    assert sorted(p.name for p in (pytester.path / "reports").iterdir()) == [
        "orders.html",
        "orders.json",
        "orders2.html",
        "orders2.json",
    ]
