"""What reading a suite's YAML gives back: the values, every key's line:col, the problems.

``YamlDoc`` is a read document; ``Locations`` keeps the (line, col) of every key and item as a
tree shaped like the document (the line reader builds it directly; the libyaml path hands a
flat ``{path: (line, col)}`` dict, which reads the same). ``YamlError`` is a text that is not
YAML or cannot be read safely; ``YamlProblem`` a problem found on the way (a key given twice).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Loc = tuple[str | int, ...]


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
