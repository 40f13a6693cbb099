"""Suite YAML read fast and safely: libyaml's composer, YAML 1.2 values, every key's line:col.

libyaml (PyYAML's C parser) builds the node tree; the values are made here, so that:

- scalars follow YAML 1.2 (``yes``/``on`` stay strings, ``010`` is ten), as ruamel reads them;
  dates and datetimes are ``datetime.date``/``datetime.datetime``; ``!!binary`` is ``bytes``;
- an alias is expanded into a bounded number of values (a "billion laughs" file is refused at
  once instead of growing without end) and an alias inside itself is refused;
- a key given twice is a problem, like any other, reported with both lines;
- the garbage collector is paused while the tree is built, and what was built is handed to
  the oldest generation afterwards (it dominates the time of a large file otherwise);
- a plain scalar's tag and value are worked out once per distinct text (a large suite
  repeats a few hundred texts), and a text with no ``&anchor`` skips the alias bookkeeping.
  ``python -m benchmarks.suite_load`` times each phase: a 5 MB suite is read in about 2 s of
  CPU, a little more than half of it libyaml's compose (node and mark objects), the rest
  building the values.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["ALIAS_BUDGET", "Loc", "YamlDoc", "YamlProblem", "paused_gc", "read_yaml"]

Loc = tuple[str | int, ...]

#: Values an alias may add to a document by being expanded (beyond the values written out).
ALIAS_BUDGET = 100_000

_TAG = "tag:yaml.org,2002:"

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus what ruamel
# also reads: ``_`` digit separators, ``0b`` binary ints, and timestamps.
_IMPLICIT: list[tuple[str, str, str]] = [
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    (
        "timestamp",
        r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?)$",
        "0123456789",
    ),
    ("merge", r"^<<$", "<"),
]


class _Resolver(yaml.resolver.BaseResolver):
    """Plain scalars resolved by the YAML 1.2 core schema (not PyYAML's YAML 1.1 one)."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012  (PyYAML's own class attribute)


for _name, _regex, _first in _IMPLICIT:
    _starts = [*_first, ""] if _name == "null" else list(_first)  # "" : an empty value
    _Resolver.add_implicit_resolver(_TAG + _name, re.compile(_regex), _starts)


_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
_MISSING = object()
_MERGE, _NULL = _TAG + "merge", _TAG + "null"


class _Loader(CParser, _Resolver):  # libyaml's parser; the builder resolves plain scalars
    """A plain scalar's tag is left None here and worked out by the builder, once per text.

    libyaml asks ``resolve`` for the tag of every node; a large suite repeats the same few
    hundred texts (keys, dtypes, bounds), so the builder resolves each distinct text once and
    this call does as little as it can (it is most of compose's Python time otherwise).
    PyYAML's path-resolver hooks are no-ops: a suite has no path resolvers.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str | None:
        if kind is ScalarNode:
            return None if implicit[0] else _STR  # None: plain (no tag can be None)
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None  # no path resolvers

    def ascend_resolver(self) -> None:
        return None


#: The YAML 1.2 tag of each plain scalar text seen (the texts of a suite repeat).
_PLAIN_TAGS: dict[str, str] = {}
_RESOLVER = _Resolver()


def _plain_tag(text: str) -> str:
    """The tag YAML 1.2 gives a plain scalar with this text."""
    tag = _PLAIN_TAGS.get(text)
    if tag is None:
        tag = str(_RESOLVER.resolve(ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]
        if len(_PLAIN_TAGS) < 100_000:
            _PLAIN_TAGS[text] = tag
    return tag


@dataclass(frozen=True)
class YamlProblem:
    """A problem found while reading: where, and what is wrong."""

    message: str
    line: int | None = None
    col: int | None = None


@dataclass
class YamlDoc:
    """The document as plain values, the line:col of every key and item, and the problems."""

    value: Any
    locations: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


class YamlError(ValueError):
    """The text is not YAML, or cannot be read safely (the message says where and why)."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while many small objects are made (none of them cyclic).

    On the way out the objects alive are handed to the oldest generation (``gc.freeze`` then
    ``gc.unfreeze``) instead of being traversed by the young collections that the millions
    of new objects would trigger at once (about a second for a 5 MB suite); they are looked
    at again only by a full collection, as any long-lived object is.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _hint(problem: str, text: str, line: int | None) -> str:
    """A fix for libyaml's most common complaints."""
    lines = text.splitlines()
    here = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    if "\t" in here[: len(here) - len(here.lstrip())] or (
        "cannot start any token" in problem and "\t" in here
    ):
        return "a tab in the indentation: YAML indents with spaces only; replace the tab"
    if "mapping values are not allowed" in problem:
        return f"{problem}: quote a value that holds ': ', or fix the indentation"
    if "found undefined alias" in problem:
        return f"{problem}: define the anchor (&name) before its alias (*name)"
    if "expected a single document" in problem or "found another document" in problem:
        return "the file holds more than one YAML document (---); a suite is one document"
    if "maximum nesting depth" in problem:
        return "the document is nested too deeply to be a suite"
    return f"{problem}; check the indentation and quoting near here"


def _scalar(node: ScalarNode) -> Any:
    text = node.value
    tag = _plain_tag(text) if node.tag is None else node.tag
    if not tag.startswith(_TAG) and tag != "!":
        raise YamlError(
            f"unsupported YAML tag {tag!r}; a suite holds plain values only", *_mark(node)
        )
    kind = tag.removeprefix(_TAG)
    try:
        if kind in ("str", "!") or tag == "!":
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() in ("true", "yes", "on", "y")
        if kind == "int":
            digits = text.replace("_", "")
            sign = -1 if digits.startswith("-") else 1
            digits = digits.lstrip("+-")
            for prefix, base in (("0o", 8), ("0x", 16), ("0b", 2)):
                if digits.startswith(prefix):
                    return sign * int(digits[2:], base)
            return sign * int(digits)
        if kind == "float":
            low = text.replace("_", "").lower()
            if low.lstrip("+-") in (".inf", "inf"):
                return float("-inf") if low.startswith("-") else float("inf")
            if low in (".nan", "nan"):
                return float("nan")
            return float(low)
        if kind == "timestamp":
            return _timestamp(text)
        if kind == "binary":
            return base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise YamlError(f"{text!r} is not a valid !!{kind} value", *_mark(node)) from None
    raise YamlError(f"unsupported YAML tag !!{kind}; a suite holds plain values only", *_mark(node))


def _timestamp(text: str) -> dt.date | dt.datetime:
    if len(text) <= 10:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    norm = re.sub(r"[ \t]+", " ", text.strip())
    norm = re.sub(r"^(\S+)[Tt ](\S+?)\s*(Z|[-+].*)?$", r"\1T\2\3", norm.replace(" Z", "Z"))
    return dt.datetime.fromisoformat(norm)


class _Builder:
    """Plain values from nodes, with the alias budget and the locations.

    ``aliases=False`` (the text has no ``&anchor``, so no node is reached twice) skips the
    bookkeeping the alias budget and the recursion guard need: most suites, and every large
    one we have seen.
    """

    def __init__(self, *, aliases: bool = True) -> None:
        self.locations: dict[Loc, tuple[int, int]] = {}
        self.problems: list[YamlProblem] = []
        self.aliases = aliases
        self.seen: set[int] = set()
        self.expanded = 0
        self.path: set[int] = set()
        #: Values of the plain scalars seen so far, by text, and of the others by (tag, text):
        #: a suite repeats most of them (the values are immutable: shared safely).
        self.plain: dict[str, Any] = {}
        self.scalars: dict[tuple[str, str], Any] = {}

    def _value(self, node: ScalarNode) -> Any:
        text = node.value
        if node.tag is None:
            value = self.plain.get(text, _MISSING)
            if value is _MISSING:
                value = self.plain[text] = _scalar(node)
            return value
        key = (node.tag, text)
        value = self.scalars.get(key, _MISSING)
        if value is _MISSING:
            value = self.scalars[key] = _scalar(node)
        return value

    def build(self, node: Node, loc: Loc) -> Any:
        if type(node) is ScalarNode:
            return self._value(node)
        if not self.aliases:
            return self._collection(node, loc)
        ident = id(node)
        if ident in self.path:
            raise YamlError(
                "an alias refers to the collection it is in (a recursive alias); remove it",
                *_mark(node),
            )
        if ident in self.seen and not isinstance(node, ScalarNode):
            self.expanded += _size(node)
            if self.expanded > ALIAS_BUDGET:
                raise YamlError(
                    f"aliases expand this document by more than {ALIAS_BUDGET:,} values "
                    "(an alias bomb?); write the values out or use fewer nested aliases",
                    *_mark(node),
                )
        self.seen.add(ident)
        if isinstance(node, ScalarNode):
            return _scalar(node)
        self.path.add(ident)
        try:
            return self._collection(node, loc)
        finally:
            self.path.discard(ident)

    def _collection(self, node: Node, loc: Loc) -> Any:
        if type(node) is SequenceNode:
            if node.tag != _SEQ:
                raise YamlError(f"unsupported YAML tag {node.tag!r} on a list", *_mark(node))
            return self._sequence(node, loc)
        assert isinstance(node, MappingNode)
        if node.tag != _MAP:
            raise YamlError(f"unsupported YAML tag {node.tag!r} on a mapping", *_mark(node))
        return self._mapping(node, loc)

    def _sequence(self, node: SequenceNode, loc: Loc) -> list[Any]:
        out: list[Any] = []
        append = out.append
        locations, plain, value_of, build = self.locations, self.plain, self._value, self.build
        for i, item in enumerate(node.value):
            here = (*loc, i)
            mark = item.start_mark
            locations[here] = (mark.line + 1, mark.column + 1)
            if type(item) is ScalarNode:  # inline: the most common item
                if item.tag is None:
                    value = plain.get(item.value, _MISSING)
                    append(value if value is not _MISSING else value_of(item))
                else:
                    append(value_of(item))
            else:
                append(build(item, here))
        return out

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[Node] = []
        locations, plain, value_of, build = self.locations, self.plain, self._value, self.build
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise YamlError(
                    "a key must be a plain value, not a list or mapping", *_mark(key_node)
                )
            key = key_node.value
            tag = key_node.tag
            if tag is None:  # plain: `<<` merges, an empty key is null
                if key == "<<":
                    merged.extend(
                        value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                    )
                    continue
                if not key:
                    key = "null"
            elif tag == _MERGE:
                merged.extend(
                    value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                )
                continue
            elif tag == _NULL and not key:
                key = "null"
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            here = (*loc, key)
            if key in out:
                self.problems.append(
                    YamlProblem(
                        f"{'.'.join(map(str, here))}: key {key!r} is given twice (first at line "
                        f"{locations[here][0]}); keep one",
                        *where,
                    )
                )
                continue
            locations[here] = where
            if type(value_node) is ScalarNode:  # inline: the most common value
                if value_node.tag is None:
                    value = plain.get(value_node.value, _MISSING)
                    out[key] = value if value is not _MISSING else value_of(value_node)
                else:
                    out[key] = value_of(value_node)
            else:
                out[key] = build(value_node, here)
        for source in merged:  # `<<: *defaults`: keys written here win
            if not isinstance(source, MappingNode):
                raise YamlError("`<<` merges a mapping (or a list of mappings)", *_mark(source))
            for k, v in self.build(source, loc).items():
                out.setdefault(k, v)
        return out


def _size(node: Node) -> int:
    """How many values expanding ``node`` writes (stops counting past the budget)."""
    stack, n = [node], 0
    while stack and n <= ALIAS_BUDGET:
        cur = stack.pop()
        n += 1
        if isinstance(cur, SequenceNode):
            stack.extend(cur.value)
        elif isinstance(cur, MappingNode):
            stack.extend(v for _, v in cur.value)
    return n


def read_yaml(text: str) -> YamlDoc:
    """The YAML text as plain values with locations and the problems found on the way.

    Raises:
        YamlError: the text is not YAML or cannot be read safely; ``line``/``col`` say where.
    """
    with paused_gc():
        try:
            root = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]  # any loader class works
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            problem = str(exc.problem or exc.context or "invalid YAML").strip()
            raise YamlError(
                "invalid YAML: " + _hint(problem, text, line),
                line,
                mark.column + 1 if mark else None,
            ) from None
        except yaml.YAMLError as exc:
            raise YamlError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
        if root is None:
            return YamlDoc(None)
        builder = _Builder(aliases="&" in text)  # no anchor: no alias, no node seen twice
        value = builder.build(root, ())
    return YamlDoc(value, builder.locations, builder.problems)
