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
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from .._errors import SuiteDefinitionError
from ._catalog import did_you_mean
from ._model import ExpectationSpec, Suite

__all__ = ["LoadedSuite", "load_suite", "parse_suite"]

Loc = tuple[str | int, ...]


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


def _locations(node: Any, loc: Loc = ()) -> dict[Loc, tuple[int, int]]:
    out: dict[Loc, tuple[int, int]] = {}
    if isinstance(node, CommentedMap):
        for key in node:
            line, col = node.lc.key(key)
            out[(*loc, str(key))] = (line + 1, col + 1)
            out.update(_locations(node[key], (*loc, str(key))))
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            line, col = node.lc.item(i)
            out[(*loc, i)] = (line + 1, col + 1)
            out.update(_locations(item, (*loc, i)))
    return out


def _plain(node: Any) -> Any:
    """ruamel's round-trip types → plain dict/list/str/int/float/bool."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, Sequence) and not isinstance(node, str):
        return [_plain(v) for v in node]
    for kind in (bool, int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def _message(err: Mapping[str, Any], fields: Sequence[str]) -> str:
    """One readable sentence from one pydantic error."""
    loc = err["loc"]
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = ".".join(str(p) for p in loc[:-1] if not str(p).startswith("function-"))
        return (f"{parent}: " if parent else "") + f"unknown key {key!r}{did_you_mean(key, fields)}"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    where = ".".join(str(p) for p in loc if not str(p).startswith("function-"))
    if kind == "missing":
        return f"missing required key {str(loc[-1])!r}" + (
            f" in {'.'.join(map(str, loc[:-1]))}" if loc[:-1] else ""
        )
    return f"{where}: {msg}" if where else msg


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


def parse_suite(text: str, *, path: str | None = None, base_dir: Path | None = None) -> LoadedSuite:
    """Validate suite YAML text.

    Args:
        text: the YAML document.
        path: the file it came from, for error messages and the default name.
        base_dir: where relative paths in the suite resolve (default: the file's folder).

    Returns:
        The validated suite with its locations and content hash.

    Raises:
        SuiteDefinitionError: on a YAML error or an invalid key, check or argument;
            the message names the file, line and column.
    """
    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise SuiteDefinitionError(
            f"invalid YAML: {problem}; check the indentation and quoting near here",
            path=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    if doc is None:
        raise SuiteDefinitionError(
            "the suite is empty; start with `name:` and `columns:` (see docs/suites.md)", path=path
        )
    if not isinstance(doc, Mapping):
        raise SuiteDefinitionError(
            f"a suite is a YAML mapping (name:, columns:, ...), got a {type(doc).__name__}",
            path=path,
            line=1,
        )
    locations = _locations(doc)
    data = _plain(doc)
    if "name" not in data:
        data["name"] = Path(path).stem.removesuffix(".suite") if path else "suite"
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc: Loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        # pydantic puts mapping keys of dict fields in loc as str; list indexes as int.
        line, col = _find(locations, loc)
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise SuiteDefinitionError(
            _message(err, _fields_at(loc)) + suffix, path=path, line=line, col=col
        ) from None
    base = base_dir or (Path(path).parent if path else Path.cwd())
    loaded = LoadedSuite(suite=suite, path=path, hash="", locations=locations, base_dir=base)
    included, digest = _resolve_includes(loaded, text)
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
    loaded: LoadedSuite, text: str
) -> tuple[list[tuple[ExpectationSpec, str]], str]:
    """Read ``include.gx`` suites into expectations; hash the suite with every included file."""
    digest = hashlib.sha256(text.encode("utf-8"))
    expectations: list[tuple[ExpectationSpec, str]] = []
    for i, ref in enumerate(loaded.suite.include.pandera):
        file_part = ref.rsplit(":", 1)[0] if ref.endswith((".py",)) is False and ":" in ref else ref
        path = loaded.resolve(file_part)
        if path.is_file():
            digest.update(path.read_bytes())
        elif file_part.endswith((".py", ".yml", ".yaml")):
            raise loaded.error(
                f"include.pandera: {file_part!r} does not exist (looked in {loaded.base_dir} and {Path.cwd()})",
                ("include", "pandera", i)
                if len(loaded.suite.include.pandera) > 1
                else ("include", "pandera"),
            )
    for i, ref in enumerate(loaded.suite.include.gx):
        loc: Loc = ("include", "gx", i) if len(loaded.suite.include.gx) > 1 else ("include", "gx")
        path = loaded.resolve(ref)
        if not path.is_file():
            raise loaded.error(
                f"include.gx: {ref!r} does not exist (looked in {loaded.base_dir} and {Path.cwd()})",
                loc,
            )
        raw = path.read_bytes()
        digest.update(raw)
        expectations.extend((spec, str(path)) for spec in _read_gx_suite(raw, str(path)))
    return expectations, digest.hexdigest()


def _read_gx_suite(raw: bytes, path: str) -> list[ExpectationSpec]:
    """A GX expectation-suite JSON (1.x ``type`` or 0.x ``expectation_type``) as specs."""
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SuiteDefinitionError(f"not valid JSON: {exc}", path=path, line=line) from None
    items = doc.get("expectations") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        raise SuiteDefinitionError("a GX expectation suite needs an `expectations` list", path=path)
    specs = []
    for n, item in enumerate(items):
        kind = item.get("type") or item.get("expectation_type")
        try:
            specs.append(
                ExpectationSpec.model_validate(
                    {"type": kind, "kwargs": item.get("kwargs", {}), "meta": item.get("meta") or {}}
                )
            )
        except ValidationError as exc:
            reason = _message(exc.errors()[0], ["type", "kwargs", "meta"])
            raise SuiteDefinitionError(f"expectations[{n}]: {reason}", path=path) from None
    return specs


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
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SuiteDefinitionError(
            f"the suite is not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(path)
        ) from None
    return parse_suite(text, path=str(path))
