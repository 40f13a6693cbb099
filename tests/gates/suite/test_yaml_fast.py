"""The line reader (the fast path of gates.suite._yaml) reads exactly what libyaml's path reads.

Every text the line reader accepts must give the same values (types too), the same line:col
for every key and item, in the same order, as the libyaml path; any other text is left to
libyaml, whose messages are the suite errors.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from gates.suite import _yaml as Y

# scalars, flow collections and a few things the line reader must leave to libyaml
ATOMS = [
    *("a", "b1", "x_y", "0", "-1", "1.5", ".5", "-.inf", ".nan", "1e3", "010", "0x1F", "0o7"),
    *("0b1", "1_000", "true", "False", "yes", "no", "null", "~", "2024-01-31", "2024-13-01"),
    *("a b", "a  b", "...", "---", "-", "- a", "a-b", "/p/q", "+1", "+", ".", "(x)", "$x"),
    *("=", "x<y", "50%", "'q'", "'a b'", '"d"', '"a, b"', "''", '""', "'it''s'", '"a\\"b"'),
    *("a,b",),
    *("a#b", "a:b", "a :b", "http://x/y", "08:00", "2024-01-31T08:00:00", "it's", "a;b"),
    *("a'b", 'a"b', "a!b", "a*b", "a - b", "a:", "a::b", "x?", "&x a", "*x", "!!str 1", "!x y"),
    *("|", ">", "@a", "`a", "?a", "a: b", "[1, 2]", "[]", "{}", "{a: 1}", "{ a: 1 }", "[ 1 ]"),
    *("{a: 1, b: [2]}", "[a, [b]]", "{a: 1, a: 2}", "[1, 2,]", "{a:1}", "{a: 1} x", "[1,2]"),
    *("{a: 'x', b: \"y\"}", "[a, 'b #c']", "{a: x y}", "[a:b]", "[-1, +2, .3]", "[-, a]"),
    *("[x #y]", "{a: {b: [c, d]}}", "[[1], {y: 2}]", "é", "a\u2028b", "\x01", "\xa0"),
]
ROOT = Path(__file__).resolve().parents[3]
KEYS = ["a", "dtype", "c_1", "1", "x.y", "a-b", "null", "<<", "a b", "'q'", "-a", "~", ""]


def _libyaml(text: str) -> tuple[Any, ...]:
    try:
        root = yaml.compose(text, Loader=Y._Loader)  # type: ignore[arg-type]
    except yaml.YAMLError:
        return ("error",)
    if root is None:
        return ("empty",)
    builder = Y._Builder(aliases="&" in text)
    try:
        value = builder.build(root, ())
    except Y.YamlError:
        return ("error",)
    return ("ok", value, builder.locations, builder.problems)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _agrees(text: str) -> bool:
    """Whether the line reader left the text to libyaml or read exactly what libyaml reads."""
    fast = Y._fast_read(text)
    if fast is None:
        return True
    ref = _libyaml(text)
    assert ref[0] == "ok" and not ref[3], f"the line reader accepted {text!r}; libyaml: {ref}"
    assert _same(fast.value, ref[1]), (text, fast.value, ref[1])
    assert list(fast.locations) == list(ref[2]), text
    for loc in [*ref[2], (), ("a", -1), ("a", True), *((*k, "x") for k in ref[2])]:
        assert fast.locations.get(loc) == ref[2].get(loc), (text, loc)
    return False


def _texts() -> list[str]:
    out = []
    for a, b in itertools.product(ATOMS, ATOMS[::7]):
        out += [
            f"k: {a}\n",
            f"k: {a} # {b}\n",
            f"k: {a}#{b}\nj: 1\n",
            f"k:\n- {a}\n- {b}\n",
            f"k:\n  - {a}\n  -   {b}\nj: 2\n",
            f"k: [{a}, {b}]\n",
            f"k: {{x: {a}, y: {b}}}\n",
            f"k: {{x: [{a}, {b}]}}\n",
            f"{a}: {b}\n",
            f"k:\n  {a}: {b}\n# {a}\n  z:\n",
            f"k:\n  - {a}: {b}\n    c: 1\n  - d:\n      - {b}\n",
        ]
    for key, indent in itertools.product(KEYS, (0, 1, 2, 4)):
        pad = " " * indent
        out += [
            f"k:\n{pad}{key}: 1\n{pad}b: 2\n",
            f"k:\n{pad}- {key}: 1\n{pad}  b:\n{pad}- x\n",
            f"k:\n  a: 1\n{pad}b: 2\n",
            f"k:\n- a: 1\n{pad}b: 2\n",
            f"k: 1\n{pad}b: 2\n",
            f"k:\n  - a\n{pad}- b\n",
        ]
    return out


def test_the_line_reader_reads_what_libyaml_reads() -> None:
    """Thousands of small documents: each is left to libyaml or read identically."""
    texts = _texts()
    left = sum(_agrees(t) for t in texts)
    assert 0 < left < len(texts)  # both paths are taken


def test_the_benchmark_suite_and_the_shipped_suites_take_the_line_reader() -> None:
    from benchmarks.suite_load import suite_text

    texts = [suite_text(50), *(p.read_text("utf-8") for p in sorted(ROOT.glob("suites/*.yml")))]
    for text in texts:
        assert not _agrees(text)  # read by the line reader, and the same as libyaml's


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",  # anchors and aliases: the alias budget is libyaml's path's
        "a: 1\na: 2\n",  # a key given twice: named with both lines
        "a:\n\tb: 1\n",  # a tab: the hint says so
        "a: !!binary aGVsbG8=\n",
        "a: |\n  text\n",
        "a: 2024-13-01\n",  # not a date: the message names it
        "a: 1\n---\nb: 2\n",
        "- a\n",  # not a mapping at the top
    ],
)
def test_what_the_line_reader_leaves_to_libyaml(text: str) -> None:
    assert Y._fast_read(text) is None


def test_the_locations_pickle_and_copy_like_a_dict() -> None:
    """A loaded suite goes through pickle (any protocol) and deepcopy with its locations."""
    import copy
    import pickle

    from gates.suite import parse_suite

    loaded = parse_suite((ROOT / "suites" / "orders.yml").read_text("utf-8"), path="orders.yml")
    assert isinstance(loaded.locations, Y.Locations)
    flat = dict(loaded.locations)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(loaded, protocol=protocol))
        assert dict(again.locations) == flat and list(again.locations) == list(flat)
    assert dict(copy.deepcopy(loaded).locations) == flat
