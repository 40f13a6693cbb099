"""The ``--gate-*`` options, their ini equivalents, and where the suites are."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

__all__ = ["ENGINES", "GateOptions", "add_options", "expand_suites", "suites_to_add"]

#: The engine modes the plugin offers (see ``gates.check(engine=...)``).
ENGINES = ("auto", "polars", "duckdb", "spark", "reference")
_SUFFIXES = (".yml", ".yaml")


def add_options(parser: pytest.Parser) -> None:
    """Register the ``--gate-*`` options in their own group, each with an ini twin."""
    group = parser.getgroup("datagates", "datagates: data-quality gates as tests")
    group.addoption(
        "--gate-suites",
        action="append",
        default=[],
        metavar="PATH",
        help="suite file, folder or glob to collect as tests (may repeat; ini: gate_suites)",
    )
    group.addoption(
        "--gate-report-dir",
        default=None,
        metavar="DIR",
        help="write each suite's JSON and HTML report here (ini: gate_report_dir)",
    )
    group.addoption(
        "--gate-engine",
        default=None,
        choices=ENGINES,
        help="engine mode for suite checks: auto (default), polars, duckdb, spark (the suites'"
        " data read by Spark; a Spark DataFrame handed to the gate fixture runs there anyway)"
        " or reference (ini: gate_engine)",
    )
    group.addoption(
        "--gate-ledger",
        default=None,
        metavar="PATH",
        help="record every suite run in this run ledger (ini: gate_ledger)",
    )
    parser.addini(
        "gate_suites", "suite files, folders or globs to collect as tests", type="args", default=[]
    )
    parser.addini("gate_report_dir", "folder for each suite's JSON and HTML report", default="")
    parser.addini(
        "gate_engine",
        "engine mode for suite checks: auto, polars, duckdb, spark or reference",
        default="auto",
    )
    parser.addini("gate_ledger", "run ledger file to record suite runs in", default="")


@dataclass(frozen=True, slots=True)
class GateOptions:
    """The plugin's settings: command line first, then the ini file."""

    suites: tuple[str, ...]
    report_dir: Path | None
    engine: str
    ledger: Path | None
    #: True when the suites came from ``--gate-suites`` rather than the ini file.
    suites_from_command_line: bool = False

    @classmethod
    def from_config(cls, config: pytest.Config) -> GateOptions:
        """Read the options; relative ini paths resolve against the ini file's folder."""
        base = config.inipath.parent if config.inipath else config.rootpath
        here = config.invocation_params.dir
        cli_suites = [str(here / s) for s in config.getoption("gate_suites") or []]
        ini_suites = [str(base / s) for s in config.getini("gate_suites") or []]

        def path(option: str, ini: str) -> Path | None:
            value = config.getoption(option)
            if value:
                return here / str(value)
            text = str(config.getini(ini) or "")
            return base / text if text else None

        engine = str(config.getoption("gate_engine") or config.getini("gate_engine") or "auto")
        if engine not in ENGINES:
            import pytest

            raise pytest.UsageError(
                f"gate_engine = {engine!r} in {config.inipath}: use one of {', '.join(ENGINES)}"
            )
        return cls(
            suites=tuple(cli_suites or ini_suites),
            report_dir=path("gate_report_dir", "gate_report_dir"),
            engine=engine,
            ledger=path("gate_ledger", "gate_ledger"),
            suites_from_command_line=bool(cli_suites),
        )


def expand_suites(entries: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """Suite files from files, folders (``*.yml``/``*.yaml`` below them) and globs; plus entries that match nothing."""
    found: list[Path] = []
    missing: list[str] = []
    for entry in entries:
        if glob.has_magic(entry):
            hits = [
                Path(p) for p in sorted(glob.glob(entry, recursive=True)) if p.endswith(_SUFFIXES)
            ]
        elif Path(entry).is_dir():
            hits = sorted(
                p for p in Path(entry).rglob("*") if p.suffix in _SUFFIXES and p.is_file()
            )
        else:
            hits = [Path(entry)] if Path(entry).is_file() else []
        if not hits:
            missing.append(entry)
        found.extend(h.resolve() for h in hits if h.resolve() not in found)
    return found, missing


def suites_to_add(found: list[Path], config: pytest.Config, options: GateOptions) -> list[str]:
    """The suite files to add to pytest's arguments, so that selection means what it says.

    Suites from the ini file are collected only when pytest was given no paths or node ids
    (``pytest test_x.py::test_one`` runs just that test). A suite already named by an
    argument, or lying under a folder named by one, is not added again, so
    ``pytest suites/x.yml::x::table::unique`` runs exactly that item.
    """
    import pytest

    if not options.suites_from_command_line and config.args_source is pytest.Config.ArgsSource.ARGS:
        return []
    here = config.invocation_params.dir
    given = [(here / arg.split("::", 1)[0]).resolve() for arg in config.args]
    return [str(path) for path in found if not any(path == g or g in path.parents for g in given)]
