"""Read a suite file: YAML with line-numbered errors, includes resolved, content hashed."""

from __future__ import annotations

import hashlib
import json
import os
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .._errors import SuiteDefinitionError
from ._args import describe_value
from ._catalog import did_you_mean
from ._model import MODIFIERS, ExpectationSpec, IncludeSpec, Suite
from ._yaml import Loc, YamlError, paused_gc, read_yaml

__all__ = ["MAX_SUITE_BYTES", "LoadedSuite", "Problem", "decode_suite", "load_suite", "parse_suite"]

#: The largest suite file read (a suite of 100,000 checks is about 5 MB).
MAX_SUITE_BYTES = 64_000_000


@dataclass(frozen=True)
class LoadedSuite:
    """A validated suite with where it came from, so later errors can point at a line."""

    suite: Suite
    path: str | None
    #: sha256 over the suite file and every file it includes.
    hash: str
    #: (line, col), 1-based, of every key and list item, by its path in the document.
    locations: Mapping[Loc, tuple[int, int]] = field(default_factory=dict)
    #: The directory relative paths in the suite are resolved against (besides the cwd).
    base_dir: Path = field(default_factory=Path.cwd)
    #: Expectations read from ``include.gx`` files, with the file each came from.
    included_expectations: tuple[tuple[ExpectationSpec, str], ...] = ()

    @property
    def name(self) -> str:
        """The suite's name."""
        return self.suite.name

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """The (line, col) of ``loc``, or of its closest ancestor that has one."""
        while loc:
            if loc in self.locations:
                return self.locations[loc]
            loc = loc[:-1]
        return (None, None)

    def error(self, message: str, loc: Loc = ()) -> SuiteDefinitionError:
        """A :class:`SuiteDefinitionError` pointing at ``loc`` in this suite's file."""
        line, col = self.where(loc)
        return SuiteDefinitionError(message, path=self.path, line=line, col=col)

    def resolve(self, relative: str) -> Path:
        """A path from the suite: relative to the suite file's folder if it exists there, else the cwd."""
        candidate = Path(relative).expanduser()
        if candidate.is_absolute():
            return candidate
        beside = self.base_dir / candidate
        return beside if beside.exists() or not candidate.exists() else candidate


#: pydantic error types where what was given helps (``nullable: 1``, ``sample_size: "20"``).
_TYPE_ERRORS = {"bool_type", "int_type", "float_type", "string_type", "dict_type", "list_type"}


def _message(err: Mapping[str, Any], fields: Sequence[str]) -> str:
    """One readable sentence from one pydantic error."""
    loc = err["loc"]
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = ".".join(str(p) for p in loc[:-1] if not str(p).startswith("function-"))
        return (
            (f"{parent}: " if parent else "") + f"unknown key {key!r}" + _key_hint(key, loc, fields)
        )
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    where = ".".join(str(p) for p in loc if not str(p).startswith("function-"))
    if kind == "missing":
        return f"missing required key {str(loc[-1])!r}" + (
            f" in {'.'.join(map(str, loc[:-1]))}" if loc[:-1] else ""
        )
    if kind in _TYPE_ERRORS and "input" in err:
        msg += f", got {describe_value(err['input'])}"
        if kind == "bool_type":
            msg += "; write true or false"
    if ": invalid kwargs: " in msg and msg.startswith("expect"):
        return msg  # names its expectation; the line points at it
    return f"{where}: {msg}" if where else msg


def _key_hint(key: str, loc: Sequence[Any], fields: Sequence[str]) -> str:
    """Where a misplaced key belongs, or the nearest known key."""
    if key in MODIFIERS and len(loc) == 3 and loc[0] == "columns":
        return (
            f"; {key} belongs to one check, not to the column: put it beside the check, as in"
            f" `checks: [{{in_range: {{min_value: 0, max_value: 1}}, {key}: ...}}]`"
        )
    if key in MODIFIERS and len(loc) == 1:
        return f"; {key} belongs to one check: put it beside a check under columns.<name>.checks"
    if key == "expectation_type" and loc and loc[0] == "expectations":
        return "; GX 1.x calls it `type` (rename expectation_type to type)"
    if key in ("min_value", "max_value") and len(loc) == 3 and loc[0] == "columns":
        return "; bounds go in a check: `checks: [{in_range: {min_value: 0, max_value: 10}}]`"
    return did_you_mean(key, fields)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, list, dict, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _fields_at(loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (for "did you mean" on unknown keys)."""
    model: type[BaseModel] = Suite
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part)) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        if field is None:  # a mapping key chosen by the user (a column name): same model below
            continue
        inner = _models_in(field.annotation)
        if not inner:
            return []
        model = inner[0]
    return [f.alias or n for n, f in model.model_fields.items()]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a suite: what, and where (file, 1-based line and column)."""

    message: str
    line: int | None = None
    col: int | None = None
    #: The file, when it is not the suite itself (an included GX suite).
    path: str | None = None


def _problem_lines(problems: Sequence[Problem], path: str | None) -> SuiteDefinitionError:
    """One error for every problem: a single one as one line, several as one line each."""
    if len(problems) == 1:
        p = problems[0]
        return SuiteDefinitionError(p.message, path=p.path or path, line=p.line, col=p.col)
    lines = []
    for p in sorted(problems, key=lambda p: (p.path or "", p.line or 0, p.col or 0)):
        at = (p.path or path or "<suite>") + (f":{p.line}" if p.line is not None else "")
        at += f":{p.col}" if p.line is not None and p.col is not None else ""
        lines.append(f"  {at}: {p.message}")
    return SuiteDefinitionError(
        f"{len(problems)} problems in the suite; fix them all (each line says where and how):\n"
        + "\n".join(lines),
        path=path,
    )


def _pydantic_problems(
    exc: ValidationError, locations: Mapping[Loc, tuple[int, int]]
) -> list[Problem]:
    """Every pydantic error as a problem at its line, with hints, without duplicates."""
    errors = exc.errors()
    out: list[Problem] = []
    hinted: set[Loc] = set()
    for err in errors:  # GX 0.x `expectation_type`: one hint, not also "missing `type`"
        loc: Loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        if err["type"] == "extra_forbidden" and loc[-1] == "expectation_type":
            hinted.add(loc[:-1])
    for err in errors:
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        if err["type"] == "missing" and loc[-1] == "type" and loc[:-1] in hinted:
            continue
        message = _message(err, _fields_at(loc))
        line, col = _find(locations, loc)
        out.append(Problem(message, line, col))
    return list(dict.fromkeys(out))


def parse_suite(text: str, *, path: str | None = None, base_dir: Path | None = None) -> LoadedSuite:
    """Validate suite YAML text.

    Everything that needs no data is checked here, and every problem is reported at once.

    Args:
        text: the YAML document.
        path: the file it came from, for error messages and the default name.
        base_dir: where relative paths in the suite resolve (default: the file's folder).

    Returns:
        The validated suite with its locations and content hash.

    Raises:
        SuiteDefinitionError: on a YAML error or an invalid key, check or argument;
            the message names the file, line and column of each problem and its fix.
    """
    try:
        read = read_yaml(text)
    except YamlError as exc:
        raise SuiteDefinitionError(exc.message, path=path, line=exc.line, col=exc.col) from None
    doc = read.value
    if doc is None:
        raise SuiteDefinitionError(
            "the suite is empty; start with `name:` and `columns:` (see docs/suites.md)", path=path
        )
    if not isinstance(doc, Mapping):
        kind = "list" if isinstance(doc, list) else type(doc).__name__
        raise SuiteDefinitionError(
            f"a suite is a YAML mapping (name:, columns:, ...), got a {kind}",
            path=path,
            line=1,
        )
    locations = read.locations
    problems = [Problem(p.message, p.line, p.col) for p in read.problems]
    data = dict(doc)
    if "name" not in data:
        data["name"] = Path(path).stem.removesuffix(".suite") if path else "suite"
    suite: Suite | None = None
    with paused_gc():
        try:
            suite = Suite.model_validate(data)
        except ValidationError as exc:
            problems += _pydantic_problems(exc, locations)
    base = base_dir or (Path(path).parent if path else Path.cwd())
    try:  # includes are checked even when the rest of the suite has problems
        include = suite.include if suite else IncludeSpec.model_validate(data.get("include") or {})
    except ValidationError:
        include = None  # its problems are in the list already
    included: list[tuple[ExpectationSpec, str]] = []
    digest = ""
    if include is not None:
        where = LoadedSuite(
            suite=Suite.model_validate({"name": "_"}),
            path=path,
            hash="",
            locations=locations,
            base_dir=base,
        )
        included, digest, include_problems = _resolve_includes(include, where, text)
        problems += include_problems
    if suite is None or problems:
        raise _problem_lines(problems, path)
    return LoadedSuite(
        suite=suite,
        path=path,
        hash=digest,
        locations=locations,
        base_dir=base,
        included_expectations=tuple(included),
    )


def _find(locations: Mapping[Loc, tuple[int, int]], loc: Loc) -> tuple[int | None, int | None]:
    while loc:
        if loc in locations:
            return locations[loc]
        loc = loc[:-1]
    return (None, None)


def _resolve_includes(
    include: IncludeSpec, loaded: LoadedSuite, text: str
) -> tuple[list[tuple[ExpectationSpec, str]], str, list[Problem]]:
    """Read ``include.gx`` suites into expectations; hash the suite with every included file."""
    digest = hashlib.sha256(text.encode("utf-8"))
    expectations: list[tuple[ExpectationSpec, str]] = []
    problems: list[Problem] = []
    looked = f"looked in {loaded.base_dir} and {Path.cwd()}"
    pandera = include.pandera
    for i, ref in enumerate(pandera):
        file_part = ref.rsplit(":", 1)[0] if ref.endswith((".py",)) is False and ":" in ref else ref
        path = loaded.resolve(file_part)
        if path.is_file():
            digest.update(path.read_bytes())
        elif file_part.endswith((".py", ".yml", ".yaml")):
            loc: Loc = ("include", "pandera", i) if len(pandera) > 1 else ("include", "pandera")
            problems.append(
                Problem(
                    f"include.pandera: {file_part!r} does not exist ({looked}); fix the path",
                    *loaded.where(loc),
                )
            )
    gx = include.gx
    for i, ref in enumerate(gx):
        loc = ("include", "gx", i) if len(gx) > 1 else ("include", "gx")
        path = loaded.resolve(ref)
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            problems.append(
                Problem(f"include.gx: {ref!r} {what} ({looked}); fix the path", *loaded.where(loc))
            )
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(
                Problem(f"include.gx: {ref!r} cannot be read ({exc.strerror})", *loaded.where(loc))
            )
            continue
        digest.update(raw)
        specs, bad = _read_gx_suite(raw, str(path))
        expectations.extend((spec, str(path)) for spec in specs)
        problems.extend(bad)
    return expectations, digest.hexdigest(), problems


def _json_locations(raw: bytes) -> Mapping[Loc, tuple[int, int]]:
    """The line:col of every key and item of a JSON document (JSON is YAML: libyaml's marks).

    Only asked for when a problem needs a line; empty when the text does not read as YAML.
    """
    try:
        return read_yaml(raw.decode("utf-8-sig")).locations
    except (YamlError, UnicodeDecodeError, RecursionError):
        return {}


def _read_gx_suite(raw: bytes, path: str) -> tuple[list[ExpectationSpec], list[Problem]]:
    """A GX expectation-suite JSON (1.x ``type`` or 0.x ``expectation_type``) as specs.

    The JSON is read by ``json``; only when an expectation has a problem is it read again for
    the line and column of each key (a valid file costs nothing extra).
    """
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError as exc:
        return [], [
            Problem(
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", path=path
            )
        ]
    except json.JSONDecodeError as exc:
        return [], [Problem(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno, path=path)]
    items = doc.get("expectations") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        return [], [
            Problem(
                "a GX expectation suite is a JSON object with an `expectations` list",
                *(
                    (1, 1)
                    if not isinstance(doc, Mapping)
                    else _find(_json_locations(raw), ("expectations",))
                ),
                path=path,
            )
        ]
    specs: list[ExpectationSpec] = []
    bad: list[tuple[Loc, str]] = []
    for n, item in enumerate(items):
        at: Loc = ("expectations", n)
        if not isinstance(item, Mapping):
            bad.append(
                (
                    at,
                    f"expectations[{n}]: an expectation is a JSON object with `type` and "
                    f"`kwargs`, got {type(item).__name__} {str(item)[:40]!r}",
                )
            )
            continue
        kind = item.get("type") or item.get("expectation_type")
        kwargs = item.get("kwargs", {})
        try:
            specs.append(
                ExpectationSpec.model_validate(
                    {"type": kind, "kwargs": kwargs, "meta": item.get("meta") or {}}
                )
            )
        except ValidationError as exc:
            for err in exc.errors():
                reason = _message(err, ["type", "kwargs", "meta"])
                sub = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
                if sub and sub[0] == "type" and "type" not in item:
                    sub = ("expectation_type", *sub[1:])
                bad.append(((*at, *sub), f"expectations[{n}]: {reason}"))
    if not bad:
        return specs, []
    locations = _json_locations(raw)
    problems = []
    for loc, message in bad:
        line, col = _find(locations, loc)
        problems.append(Problem(message, line, col, path=path))
    return specs, problems


def load_suite(path: str | os.PathLike[str]) -> LoadedSuite:
    """Read and validate a suite file.

    Args:
        path: the YAML file, e.g. ``suites/orders.yml``.

    Returns:
        The validated suite, its content hash and the location of every key.

    Raises:
        SuiteDefinitionError: the file is missing, unreadable, not YAML, or not a valid suite.
    """
    p = Path(path)
    if not p.is_file():
        hint = ""
        if p.parent.is_dir():
            near = did_you_mean(p.name, [c.name for c in p.parent.iterdir()])
            hint = near
        raise SuiteDefinitionError(
            f"suite file not found{hint}; pass the path of a suite YAML file (see docs/suites.md)",
            path=str(path),
        )
    if p.stat().st_size > MAX_SUITE_BYTES:
        raise SuiteDefinitionError(
            f"the suite is {p.stat().st_size / 1e6:.0f} MB; a suite file is at most "
            f"{MAX_SUITE_BYTES // 1_000_000} MB (split it, or move expectations to include.gx)",
            path=str(path),
        )
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SuiteDefinitionError(
            f"the suite cannot be read ({exc.strerror})", path=str(path)
        ) from None
    return parse_suite(decode_suite(raw, str(path)), path=str(path))


def decode_suite(raw: bytes, path: str | None) -> str:
    """Suite bytes as text: UTF-8 (a BOM is allowed); anything else is refused with a hint."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SuiteDefinitionError("the suite is UTF-16 text; save it as UTF-8", path=path, line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SuiteDefinitionError(
            f"the suite is not UTF-8 text (byte 0x{raw[exc.start]:02x}: {exc.reason});"
            " save it as UTF-8",
            path=path,
            line=line,
            col=col,
        ) from None
