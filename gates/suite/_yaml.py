"""Suite YAML read fast and safely: YAML 1.2 values, every key's line:col.

A text of the common suite shape (block mappings and lists of one-line values: plain or
simply quoted scalars and flow collections of them, comments, no anchor, tag, tab or
multi-line scalar, no key given twice) is read line by line here (``_fast_read``). Any other
text, and any text where that reader is unsure, is read by libyaml (PyYAML's C parser),
which builds the node tree; the values are made here. Both give the same values and
locations (a test compares them), and every problem and message comes from the libyaml path:

- scalars follow YAML 1.2 (``yes``/``on`` stay strings, ``010`` is ten), as ruamel reads them;
  dates and datetimes are ``datetime.date``/``datetime.datetime``; ``!!binary`` is ``bytes``;
- an alias is expanded into a bounded number of values (a "billion laughs" file is refused at
  once instead of growing without end) and an alias inside itself is refused;
- a key given twice is a problem, like any other, reported with both lines;
- the garbage collector is paused while the tree is built, and what was built is handed to
  the oldest generation afterwards (it dominates the time of a large file otherwise);
- a plain scalar's tag and value are worked out once per distinct text (a large suite
  repeats a few hundred texts), and a text with no ``&anchor`` skips the alias bookkeeping.
  ``python -m benchmarks.suite_load`` times each phase: the line reader reads a 5 MB suite
  in about 0.4 s of CPU; libyaml's path takes about 1.7 s (a little more than half of it
  libyaml's compose: node and mark objects, the rest building the values).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["ALIAS_BUDGET", "Loc", "Locations", "YamlDoc", "YamlProblem", "paused_gc", "read_yaml"]

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
    locations: Mapping[Loc, tuple[int, int]] = field(default_factory=dict)
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
    tag = _plain_tag(node.value) if node.tag is None else node.tag
    return _convert(node.value, tag, node)


def _convert(text: str, tag: str, node: ScalarNode | None) -> Any:
    """The value of a scalar with this text and tag (``node``: where, for the error)."""
    at = _mark(node) if node is not None else ()
    if not tag.startswith(_TAG) and tag != "!":
        raise YamlError(f"unsupported YAML tag {tag!r}; a suite holds plain values only", *at)
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
        raise YamlError(f"{text!r} is not a valid !!{kind} value", *at) from None
    raise YamlError(f"unsupported YAML tag !!{kind}; a suite holds plain values only", *at)


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


# --- The fast path: the common suite shape read line by line, without libyaml's node tree ---
#
# A suite is mostly block mappings and lists of `key: value` lines whose values are plain or
# simply quoted words and one-line flow collections of them. Such a text is read here in one
# pass over its lines; a text with anything else (anchors, tags, comments after a value,
# multi-line or escaped scalars, a key given twice, a value that is not valid, any indentation
# that is not plainly a mapping or a list) is not: ``_fast_read`` answers None and libyaml
# reads it, so every value, line:col and message is the one the full path gives.


def _chars(exclude: str) -> str:
    """A regex class of the printable ASCII characters but these (and the space)."""
    return (
        "[" + "".join(re.escape(chr(c)) for c in range(0x21, 0x7F) if chr(c) not in exclude) + "]"
    )


_KEY = r"[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}"
#: A plain scalar's first character: not an indicator (`- x`, `>`, `|`, `&`, `!`, `?`, ...).
_FIRST = r"(?:[A-Za-z0-9_./+(~$^=]|-(?=[A-Za-z0-9_.]))"
#: The characters after it: none ends the scalar (`: ` is a key, ` #` a comment, and in a flow
#: collection `,[]{}` end it); inner spaces are kept, trailing ones are not the scalar's.
_BLOCK_REST = rf"(?:{_chars('#:')}|#|:(?={_chars('')})| +(?={_chars('#')}))*"
_FLOW_REST = rf"(?:{_chars('#:,[]{}')}| +(?={_chars('#:,[]{}')}))*"
#: One line, no escape: no `\` between "", and '' (a quote) as the only escape between ''.
_QUOTED = r"\"[ !#-\[\]-~]*\"|'(?:[ -&(-~]|'')*'"
_BLOCK_SCALAR = re.compile(rf"{_FIRST}{_BLOCK_REST}|{_QUOTED}")
_FLOW_SCALAR = rf"{_FIRST}{_FLOW_REST}|{_QUOTED}"
#: indent, `- ` (an item), then `key:` with maybe a value, or (after `- `) a value; a comment
_LINE = re.compile(
    rf"( *)(?:(- +)(?=[^ \-#]))?(?:({_KEY}):(?: +([^ #].*?))?|([^ #].*?))(?: +#[ -~]*)? *"
)

#: What a value text is: (0, value) a scalar, (1, {key: value}, ((key, col offset), ...)) a
#: one-line flow mapping of scalars, (2, [values], (col offsets)) a flow list; None: not read
#: here. By text: a suite repeats its values.
_FAST_VALUES: dict[str, tuple[Any, ...] | None] = {}


class _NotFast(Exception):
    """The text is not of the shape read here (libyaml reads it)."""


def _fast_scalar(text: str) -> Any:
    if text[0] == '"':
        return text[1:-1]
    if text[0] == "'":
        return text[1:-1].replace("''", "'")
    return _convert(text, _plain_tag(text), None)


def _fast_value(text: str) -> tuple[Any, ...] | None:
    """How to make the value written ``text`` (after a key or a `- `), or None."""
    try:
        return _FAST_VALUES[text]
    except KeyError:
        pass
    out: tuple[Any, ...] | None = None
    try:
        if text[0] == "{" or text[0] == "[":
            flow, end = _flow(text, 0, 0)
            if end != len(text):
                raise _NotFast
            kind, entries = flow
            if any(sub is not None for *_, sub in entries):
                out = (3, flow)  # nested: made by _flow_made
            elif kind == "{":
                out = (1, {k: v for k, _, v, _ in entries}, tuple((k, o) for k, o, _, _ in entries))
            else:
                out = (2, [v for _, _, v, _ in entries], tuple(o for _, o, _, _ in entries))
        elif _BLOCK_SCALAR.fullmatch(text):
            out = (0, _fast_scalar(text))
    except (_NotFast, YamlError):
        out = None
    if len(_FAST_VALUES) < 100_000:
        _FAST_VALUES[text] = out
    return out


_FLOW_KEY = re.compile(rf" *({_KEY}): +")
_FLOW_ITEM = re.compile(rf" *({_FLOW_SCALAR})")
_FLOW_END = re.compile(r" *([,\]}])")


def _flow(text: str, pos: int, depth: int) -> tuple[tuple[str, list[Any]], int]:
    """The flow collection at ``text[pos]`` (`{` or `[`): its entries, and where it ends.

    An entry is (key or index, offset of the key or item, scalar value, nested collection
    or None).
    """
    if depth > 20:
        raise _NotFast
    kind = text[pos]
    close = "}" if kind == "{" else "]"
    entries: list[Any] = []
    pos += 1
    m = _FLOW_END.match(text, pos)
    if m is not None and m.group(1) == close:  # `{}`, `[ ]`
        return (kind, entries), m.end()
    while True:
        name: Any = len(entries)
        if kind == "{":
            m = _FLOW_KEY.match(text, pos)
            if m is None or any(e[0] == m.group(1) for e in entries):
                raise _NotFast
            name, at, pos = m.group(1), m.start(1), m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if kind == "[":
            at = pos
        if pos < len(text) and text[pos] in "[{":
            sub, pos = _flow(text, pos, depth + 1)
            entries.append((name, at, None, sub))
        else:
            m = _FLOW_ITEM.match(text, pos)
            if m is None:
                raise _NotFast
            entries.append((name, at, _fast_scalar(m.group(1)), None))
            pos = m.end()
        m = _FLOW_END.match(text, pos)
        if m is None:
            raise _NotFast
        pos = m.end()
        if m.group(1) == close:
            return (kind, entries), pos
        if m.group(1) != ",":
            raise _NotFast


#: A line's reading: (dash col or -1, key or value col, key or None, how to make its value
#: or None, value col).
_Entry = tuple[int, int, str | None, tuple[Any, ...] | None, int]


def _fast_line(line: str) -> _Entry | None:
    """What one line holds (see ``_Entry``), or None when it is not read here."""
    out = None
    m = _LINE.fullmatch(line) if line.isascii() else None  # a column is a character: ASCII
    if m is not None:
        indent, dash, key, value, item = m.groups()
        col = len(indent)
        dcol = -1
        if dash is not None:
            dcol, col = col, col + len(dash)
        if key is not None:
            how = _fast_value(value) if value is not None else None
            if value is None or how is not None:
                out = (dcol, col, key, how, m.start(4) if value is not None else 0)
        elif dash is not None:  # `- value`
            how = _fast_value(item)
            if how is not None:
                out = (dcol, col, None, how, col)
        # else a bare scalar line: a multi-line value, or a document that is one
    return out


def _fast_read(text: str) -> YamlDoc | None:
    """The document read without libyaml when it has the common suite shape, else None."""
    if "\t" in text or "\r" in text:
        return None
    entries: list[_Entry] = []
    numbers: list[int] = []
    add, number = entries.append, numbers.append
    seen: dict[str, _Entry | None] = {}  # by text: a suite repeats most of its lines
    known = seen.get
    for n, line in enumerate(text.split("\n"), 1):
        entry = known(line, _MISSING)
        if entry is _MISSING:
            stripped = line.lstrip(" ")
            if not stripped:
                continue  # a blank line
            if stripped[0] == "#" and stripped.isprintable():
                continue  # a comment (any text but a control or a line break such as U+2028)
            entry = seen[line] = _fast_line(line)
        if entry is None:
            return None
        add(entry)  # type: ignore[arg-type]
        number(n)
    if not entries or entries[0][0] != -1 or entries[0][1] != 0:
        return None
    tree: dict[str, Any] = {}
    try:
        value, end = _fast_map(entries, numbers, 0, tree, 0)
    except (_NotFast, RecursionError):
        return None
    if end != len(entries):
        return None
    return YamlDoc(value, Locations(tree))


def _fast_made(how: tuple[Any, ...], line: int, col: int) -> tuple[Any, Any]:
    """A one-line flow collection's value and its items' locations (``col`` 1-based)."""
    if how[0] == 1:
        return dict(how[1]), {key: (line, col + offset, None) for key, offset in how[2]}
    if how[0] == 2:
        return list(how[1]), [(line, col + offset, None) for offset in how[2]]
    return _flow_made(how[1], line, col)


def _flow_made(flow: tuple[str, list[Any]], line: int, col: int) -> tuple[Any, Any]:
    kind, entries = flow
    if kind == "{":
        mapping: dict[str, Any] = {}
        where: dict[str, Any] = {}
        for name, offset, value, sub in entries:
            below = None
            if sub is not None:
                value, below = _flow_made(sub, line, col)
            mapping[name] = value
            where[name] = (line, col + offset, below)
        return mapping, where
    items: list[Any] = []
    places: list[Any] = []
    for _, offset, value, sub in entries:
        below = None
        if sub is not None:
            value, below = _flow_made(sub, line, col)
        items.append(value)
        places.append((line, col + offset, below))
    return items, places


def _fast_map(
    entries: list[_Entry], numbers: list[int], pos: int, tree: dict[str, Any], depth: int
) -> tuple[dict[str, Any], int]:
    """The block mapping whose first key is ``entries[pos]``, and the entry after it.

    Its first entry may be a list item (`- key: value`); no other is. ``tree`` gets the
    locations of its keys (see :class:`Locations`).
    """
    if depth > 100:
        raise _NotFast
    count = len(entries)
    col = entries[pos][1]
    out: dict[str, Any] = {}
    first = True
    while pos < count:
        dcol, c, key, how, vcol = entries[pos]
        if dcol >= 0 and not first:
            if dcol > col:
                raise _NotFast
            break  # an item of an enclosing list
        first = False
        if c != col:
            if c > col:
                raise _NotFast
            break
        if key is None or key in out:
            raise _NotFast  # a key given twice: libyaml's path names both lines
        line = numbers[pos]
        pos += 1
        nxt = entries[pos] if pos < count else None
        below: Any = None
        if how is not None:
            if how[0] == 0:
                out[key] = how[1]
            else:
                out[key], below = _fast_made(how, line, vcol + 1)
            if nxt is not None and (nxt[0] if nxt[0] >= 0 else nxt[1]) > col:
                raise _NotFast  # more of the value on the next line
        elif nxt is None:
            out[key] = None
        elif nxt[0] >= 0:  # a list: indented, or at the key's column
            if nxt[0] < col:
                out[key] = None
            else:
                below = []
                out[key], pos = _fast_list(entries, numbers, pos, below, depth + 1)
        elif nxt[1] > col:
            below = {}
            out[key], pos = _fast_map(entries, numbers, pos, below, depth + 1)
        else:
            out[key] = None
        tree[key] = (line, col + 1, below)
    return out, pos


def _fast_list(
    entries: list[_Entry], numbers: list[int], pos: int, tree: list[Any], depth: int
) -> tuple[list[Any], int]:
    """The block list whose first item is ``entries[pos]``, and the entry after it."""
    if depth > 100:
        raise _NotFast
    count = len(entries)
    col = entries[pos][0]
    out: list[Any] = []
    append, where = out.append, tree.append
    below: Any
    while pos < count:
        dcol, c, key, how, vcol = entries[pos]
        if dcol != col:
            if (dcol if dcol >= 0 else c) > col:
                raise _NotFast
            break
        line = numbers[pos]
        if key is not None and how is not None:  # `- key: value`
            nxt = entries[pos + 1] if pos + 1 < count else None
            if nxt is None or (nxt[0] if nxt[0] >= 0 else nxt[1]) <= col:  # its only key
                if how[0] == 0:
                    append({key: how[1]})
                    where((line, c + 1, {key: (line, c + 1, None)}))
                else:
                    value, below = _fast_made(how, line, vcol + 1)
                    append({key: value})
                    where((line, c + 1, {key: (line, c + 1, below)}))
                pos += 1
                continue
        if key is not None:  # `- key: ...`: a mapping
            below = {}
            value, pos = _fast_map(entries, numbers, pos, below, depth + 1)
            append(value)
            where((line, c + 1, below))
            continue
        assert how is not None
        if how[0] == 0:
            append(how[1])
            where((line, c + 1, None))
        else:
            value, below = _fast_made(how, line, vcol + 1)
            append(value)
            where((line, c + 1, below))
        pos += 1
        if pos < count:
            nxt = entries[pos]
            if (nxt[0] if nxt[0] >= 0 else nxt[1]) > col:
                raise _NotFast  # more of the value on the next line
    return out, pos


class Locations(Mapping[Loc, tuple[int, int]]):
    """The (line, col) of every key and item, kept as a tree shaped like the document.

    A mapping's entries are ``{key: (line, col, entries of its value or None)}``, a list's
    ``[(line, col, entries of the item or None), ...]``. It reads as the flat
    ``{path: (line, col)}`` mapping (the same paths, in document order) without making a
    path tuple and a dictionary slot for each of a large suite's half a million values.
    """

    def __init__(self, root: dict[str, Any]) -> None:
        self._root = root
        self._len = -1

    def __getitem__(self, loc: Loc) -> tuple[int, int]:
        node: Any = self._root
        entry = None
        for part in loc:
            if type(node) is dict:
                entry = node.get(part) if type(part) is str else None
            elif type(node) is list and isinstance(part, int) and 0 <= part < len(node):
                entry = node[part]
            else:
                entry = None
            if entry is None:
                raise KeyError(loc)
            node = entry[2]
        if entry is None:
            raise KeyError(loc)
        return (entry[0], entry[1])

    def __iter__(self) -> Iterator[Loc]:
        return Locations._walk((), self._root)

    @staticmethod
    def _walk(loc: Loc, node: Any) -> Iterator[Loc]:
        pairs = node.items() if type(node) is dict else enumerate(node)
        for part, entry in pairs:
            here = (*loc, part)
            yield here
            if entry[2] is not None:
                yield from Locations._walk(here, entry[2])

    def __len__(self) -> int:
        if self._len < 0:
            self._len = sum(1 for _ in self)
        return self._len

    def __repr__(self) -> str:
        return f"Locations({dict(self)!r})"


def read_yaml(text: str) -> YamlDoc:
    """The YAML text as plain values with locations and the problems found on the way.

    Raises:
        YamlError: the text is not YAML or cannot be read safely; ``line``/``col`` say where.
    """
    with paused_gc():
        fast = _fast_read(text)
        if fast is not None:
            return fast
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
