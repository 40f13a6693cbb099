"""Re-extract the peers' own test cases into tests/peers/data/ (run by hand, not by pytest).

    python tests/peers/extract.py [--gx-sdist FILE] [--pandera-sdist FILE]

Without a file the sdists are fetched from PyPI with ``pip download --no-binary :all:``:
Great Expectations at ``GX_VERSION`` (the newest release checked whose sdist still ships
the full ``tests/test_definitions/**.json``: 1.3.14 keeps one case per file, 1.4.6 and later
none, the installed 1.24.1 included) and pandera at the installed
version (its ``tests/common/test_builtin_checks.py`` holds the built-in checks' concrete cases).

* GX: every ``tests/test_definitions/**/*.json`` is copied verbatim (Apache-2.0, LICENSE kept).
* pandera: the test classes are imported from the sdist and each test is called with a
  recording backend, so the pass/fail frames, the column dtype and the check's name and
  keyword arguments (``Check.statistics``) are written out exactly as pandera's test builds
  them; a check whose construction the test expects to raise is kept with ``"raises"``.
  Values JSON cannot hold are tagged: ``{"$date": ...}``, ``$datetime``, ``$time``,
  ``$timedelta`` ([days, seconds, microseconds]), ``$decimal``, ``$bytes`` (base64), ``$regex``.

PROVENANCE.md is rewritten with each file's sha256.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import importlib
import inspect
import itertools
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
GX_VERSION = "1.1.3"


def _download(project: str, version: str, dest: Path) -> Path:
    constraint = dest / "build-constraints.txt"
    constraint.write_text("setuptools<70\n")  # old sdists' setup.py needs pkg_resources
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--build-constraint",
            str(constraint),
            f"{project}=={version}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    (found,) = dest.glob(f"{project.replace('-', '_')}-{version}.tar.gz")
    return found


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- Great Expectations ---------------------------------------------------------------------
def extract_gx(sdist: Path) -> list[tuple[str, str]]:
    out = DATA / "gx"
    shutil.rmtree(out, ignore_errors=True)
    files: list[tuple[str, str]] = []
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) < 2 or not member.isfile():
                continue
            rel = parts[1]
            if rel == "LICENSE":
                (DATA / "LICENSE-great_expectations").write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
            elif rel.startswith("tests/test_definitions/") and rel.endswith(".json"):
                target = out / rel.removeprefix("tests/test_definitions/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
                files.append((rel, _sha(target)))
    return sorted(files)


# --- pandera ----------------------------------------------------------------------------------
def _tag(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, re.Pattern):
        return {"$regex": value.pattern}
    if isinstance(value, list | tuple | set | frozenset):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _tag(v) for k, v in value.items()}
    raise TypeError(f"cannot tag {type(value).__name__}: {value!r}")


class _Recorder:
    """Stands in for pandera's test backend and records what the test builds."""

    name = "polars"
    string_dtype = "STRING"

    def __init__(self) -> None:
        self.checks: list[Any] = []
        self.column_dtypes: list[Any] = []
        self.frames: list[Any] = []

    def DataFrameSchema(self, columns: dict[str, Any]) -> _Recorder:
        return self

    def Column(self, dtype: Any, checks: Any = None, **_: Any) -> None:
        self.column_dtypes.append(dtype)
        if checks is not None:
            self.checks.extend(checks if isinstance(checks, list) else [checks])

    def make_frame(self, data: Any, dtype: Any = None) -> Any:
        return data

    def validate(self, frame: Any) -> None:
        self.frames.append(frame)

    def dtype(self, data_type: Any) -> Any:
        return data_type

    def is_narwhals_incompatible(self, dtype: Any) -> bool:
        return False


def _polars_dtype(dtype: Any) -> str:
    from pandera.engines import polars_engine as pe

    if dtype == "STRING":
        return "String"
    if dtype == "categorical":
        return "Categorical"
    if dtype == "list_utf8":
        return "List(String)"
    return str(pe.Engine.dtype(dtype).type)


def _parametrize(method: Any) -> list[dict[str, Any]]:
    axes = []
    for mark in getattr(method, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names = (
            [n.strip() for n in mark.args[0].split(",")]
            if isinstance(mark.args[0], str)
            else list(mark.args[0])
        )
        rows = []
        for value in mark.args[1]:
            if type(value).__name__ == "ParameterSet":
                vals = tuple(value.values)
            else:
                vals = (value,) if len(names) == 1 else tuple(value)
            rows.append(dict(zip(names, vals, strict=True)))
        axes.append(rows)
    return [
        dict(itertools.chain.from_iterable(d.items() for d in combo))
        for combo in itertools.product(*axes)
    ]


def extract_pandera(sdist: Path) -> tuple[str, str]:
    import pytest
    from pandera.api.checks import Check

    with tempfile.TemporaryDirectory() as tmp, tarfile.open(sdist) as tar:
        tar.extractall(tmp, filter="data")
        (root,) = Path(tmp).iterdir()
        for name in ("LICENSE", "LICENSE.txt"):
            if (root / name).exists():
                shutil.copy(root / name, DATA / "LICENSE-pandera")
        rel = "tests/common/test_builtin_checks.py"
        source_sha = _sha(root / rel)
        sys.path.insert(0, str(root))
        try:
            module = importlib.import_module("tests.common.test_builtin_checks")
        finally:
            sys.path.remove(str(root))
        cases: list[dict[str, Any]] = []
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if not cls_name.startswith("Test"):
                continue
            instance = cls()
            params = instance.get_data_param() if "get_data_param" in vars(cls) else {}
            for meth_name, method in inspect.getmembers(cls, inspect.isfunction):
                if not meth_name.startswith("test_"):
                    continue
                entries = params.get(meth_name) or [{}]
                for e_i, entry in enumerate(entries):
                    for p_i, marks in enumerate(_parametrize(method) or [{}]):
                        cases.extend(
                            _record(
                                cls_name,
                                meth_name,
                                method,
                                instance,
                                entry,
                                e_i,
                                p_i,
                                marks,
                                pytest,
                                Check,
                            )
                        )
        sys.modules.pop("tests.common.test_builtin_checks", None)
    out = DATA / "pandera" / "builtin_checks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"source": rel, "source_sha256": source_sha, "cases": cases}, indent=1) + "\n"
    )
    return rel, source_sha


def _record(cls_name, meth_name, method, instance, entry, e_i, p_i, marks, pytest, Check):  # type: ignore[no-untyped-def]
    rec = _Recorder()
    calls: list[dict[str, Any]] = []
    kwargs = {k: v for k, v in entry.items() if k != "datatype"}
    kwargs.update(marks)
    dtype = entry.get("datatype")

    def check_function(
        backend,
        check_fn,
        pass_data,
        fail_data,
        dtype,
        function_args,
        fail_on_init=False,
        init_exception_cls=None,
    ):  # type: ignore[no-untyped-def]
        call = {"pass": pass_data, "fail": fail_data, "dtype": dtype}
        try:
            built = (
                check_fn(*function_args)
                if isinstance(function_args, tuple)
                else check_fn(function_args)
            )
            call["check"] = built
        except Exception as exc:  # the test expects construction to raise when fail_on_init
            call["raises"] = type(exc).__name__
            call["fn"] = check_fn.__name__
            call["args"] = function_args
        call["fail_on_init"] = fail_on_init
        calls.append(call)

    instance.check_function = check_function
    sig = inspect.signature(method)
    if "dtype" in sig.parameters:
        kwargs["dtype"] = dtype
    kwargs = {k: v for k, v in kwargs.items() if k in sig.parameters}
    # pytest.raises outside pytest raises Failed; what ran before it is recorded
    with contextlib.suppress(BaseException):
        method(instance, rec, **kwargs)
    base = {
        "id": f"{cls_name}::{meth_name}[{e_i}-{p_i}]",
        "test": f"{cls_name}::{meth_name}",
        "params": _tag({k: v for k, v in marks.items() if k != "check_fn"}),
    }
    out = []
    for call in calls:
        case = {
            **base,
            "dtype": _polars_dtype(call["dtype"]),
            "pass_data": _tag(call["pass"]),
            "fail_data": _tag(call["fail"]),
        }
        if "check" in call:
            chk = call["check"]
            case.update(check=chk.name, kwargs=_tag(dict(chk.statistics)))
            if call["fail_on_init"]:
                case["expect_init_error"] = True
        else:
            case.update(check=call["fn"], args=_tag(call["args"]), raises=call["raises"])
        out.append(case)
    if not calls:
        if rec.checks:
            chk = rec.checks[0]
            frames = rec.frames + [None] * (2 - len(rec.frames))
            out.append(
                {
                    **base,
                    "dtype": _polars_dtype(rec.column_dtypes[-1]),
                    "check": chk.name,
                    "kwargs": _tag(dict(chk.statistics)),
                    "pass_data": _tag(frames[0]),
                    "fail_data": _tag(frames[1]),
                }
            )
        else:  # the test only asserts that building the check raises
            out.append(
                {
                    **base,
                    "check": meth_name.removeprefix("test_").removesuffix("_check"),
                    "raises": "ValueError",
                    "kwargs": None,
                }
            )
    if "check_fn" in marks:
        for case in out:
            case["called_as"] = marks["check_fn"].__name__
    return out


def write_provenance(
    gx_sdist: Path, gx_files: list[tuple[str, str]], pandera_sdist: Path, pandera: tuple[str, str]
) -> None:
    gx_version = gx_sdist.name.removeprefix("great_expectations-").removesuffix(".tar.gz")
    pa_version = pandera_sdist.name.removeprefix("pandera-").removesuffix(".tar.gz")
    lines = [
        "# Provenance of the vendored peer test data",
        "",
        "Written by `python tests/peers/extract.py`; do not edit by hand.",
        "",
        f"## Great Expectations {gx_version} (Apache License 2.0, `LICENSE-great_expectations`)",
        "",
        f"Source: the PyPI sdist `{gx_sdist.name}` (sha256 `{_sha(gx_sdist)}`), files",
        "`tests/test_definitions/**.json`, copied unchanged to `gx/`. Later sdists thin them out",
        "(1.3.14 keeps one case per file, 1.4.6 and later, the installed 1.24.1 included, ship",
        "none); the installed GX is the reference where it disagrees with them",
        "(each such case says so in tests/peers/test_gx_definitions.py).",
        "Copyright 2020 The Great Expectations Team; licensed under the Apache License, Version 2.0.",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{rel}` | `{sha}` |" for rel, sha in gx_files],
        "",
        f"## pandera {pa_version} (MIT License, `LICENSE-pandera`)",
        "",
        f"Source: the PyPI sdist `{pandera_sdist.name}` (sha256 `{_sha(pandera_sdist)}`), file",
        f"`{pandera[0]}` (sha256 `{pandera[1]}`). `pandera/builtin_checks.json` holds the concrete",
        "cases its tests build (frames, dtype, check name and keyword arguments), recorded by",
        "running the test functions against a recording backend. The MIT notice of",
        "`LICENSE-pandera` applies to that data.",
        "",
    ]
    (DATA / "PROVENANCE.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gx-sdist", type=Path)
    parser.add_argument("--pandera-sdist", type=Path)
    args = parser.parse_args()
    from importlib import metadata

    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        gx_sdist = args.gx_sdist or _download("great_expectations", GX_VERSION, Path(tmp))
        pa_sdist = args.pandera_sdist or _download(
            "pandera", metadata.version("pandera"), Path(tmp)
        )
        gx_files = extract_gx(gx_sdist)
        pandera = extract_pandera(pa_sdist)
        write_provenance(gx_sdist, gx_files, pa_sdist, pandera)
    print(f"GX: {len(gx_files)} files; pandera: {pandera[0]} -> {DATA}")


if __name__ == "__main__":
    main()
