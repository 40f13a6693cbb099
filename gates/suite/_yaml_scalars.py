"""YAML 1.2 plain scalars: the tag a plain text resolves to, and a scalar's value.

- scalars follow YAML 1.2 (``yes``/``on`` stay strings, ``010`` is ten), as ruamel reads them;
  dates and datetimes are ``datetime.date``/``datetime.datetime``; ``!!binary`` is ``bytes``;
- a plain scalar's tag is worked out once per distinct text (``_plain_tag``: a large suite
  repeats a few hundred texts).

Shared by the libyaml path (``_yaml``) and the line reader (``_yaml_lines``), so both make
every value, and every bad-value message, the same way; so are ``_mark`` (a node's line:col,
for a message) and ``_MISSING`` (the "not cached yet" marker of both readers' caches).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode

from ._yaml_doc import YamlError

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


_MISSING = object()


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


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


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
