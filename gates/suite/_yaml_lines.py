"""The fast path: the common suite shape read line by line, without libyaml's node tree.

A suite is mostly block mappings and lists of `key: value` lines whose values are plain or
simply quoted words and one-line flow collections of them. Such a text is read here in one
pass over its lines; a text with anything else (anchors, tags, comments after a value,
multi-line or escaped scalars, a key given twice, a value that is not valid, any indentation
that is not plainly a mapping or a list) is not: ``_fast_read`` answers None and libyaml
reads it (``_yaml.read_yaml``), so every value, line:col and message is the one the full path
gives.
"""

from __future__ import annotations

import re
from typing import Any

from ._yaml_doc import Locations, YamlDoc, YamlError
from ._yaml_scalars import _MISSING, _convert, _plain_tag


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
