"""Suite YAML read fast and safely: YAML 1.2 values, every key's line:col.

A text of the common suite shape (block mappings and lists of one-line values: plain or
simply quoted scalars and flow collections of them, comments, no anchor, tag, tab or
multi-line scalar, no key given twice) is read line by line (``_fast_read``, in
``_yaml_lines``). Any other text, and any text where that reader is unsure, is read by
libyaml (PyYAML's C parser), which builds the node tree; the values are made here
(``_Builder``). Both give the same values and locations (a test compares them), and every
problem and message comes from the libyaml path:

- scalars follow YAML 1.2 (``yes``/``on`` stay strings, ``010`` is ten), as ruamel reads them
  (``_yaml_scalars``, shared by both readers);
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

What a read gives back (``YamlDoc``, ``Locations``, ``YamlError``, ``YamlProblem``) is in
``_yaml_doc``; the names are re-exported here.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._yaml_doc import Loc as Loc
from ._yaml_doc import Locations as Locations
from ._yaml_doc import YamlDoc as YamlDoc
from ._yaml_doc import YamlError as YamlError
from ._yaml_doc import YamlProblem as YamlProblem
from ._yaml_lines import _fast_read
from ._yaml_scalars import _MISSING, _TAG, _mark, _Resolver, _scalar

__all__ = ["ALIAS_BUDGET", "Loc", "Locations", "YamlDoc", "YamlProblem", "paused_gc", "read_yaml"]

#: Values an alias may add to a document by being expanded (beyond the values written out).
ALIAS_BUDGET = 100_000

_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
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
