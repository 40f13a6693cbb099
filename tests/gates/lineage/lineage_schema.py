"""Validate OpenLineage events against the official spec's JSON Schemas, and the datagates facet.

``openlineage_spec/`` holds the spec's own files (``spec/OpenLineage.json`` and
``spec/facets/*.json`` of the OpenLineage repository, Apache-2.0; PROVENANCE.md there says
which commit): no package on PyPI ships them. Every event is checked as a ``RunEvent``, and
every facet that names an official schema (``_schemaURL`` under openlineage.io/spec/facets/)
is checked against that facet's file, so a facet datagates starts to emit is checked too.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import referencing

SPEC = Path(__file__).with_name("openlineage_spec")
_FACETS = "https://openlineage.io/spec/facets/"


@functools.cache
def _spec() -> tuple[referencing.Registry, dict[str, str], str]:
    """The registry of every spec file, facet name → its ``$id``, and the core's ``$id``."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SPEC.rglob("*.json"))]
    registry: referencing.Registry = referencing.Registry().with_resources(
        (d["$id"], referencing.Resource.from_contents(d)) for d in docs
    )
    facets = {d["$id"].rsplit("/", 1)[1].removesuffix(".json"): d["$id"] for d in docs}
    core = next(d["$id"] for d in docs if d["$id"].endswith("/OpenLineage.json"))
    return registry, facets, core


def _check(instance: Any, ref: str) -> None:
    registry, _, _ = _spec()
    jsonschema.Draft202012Validator(
        {"$ref": ref},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    ).validate(instance)


def _facets(event: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from (event["run"].get("facets") or {}).items()
    yield from (event["job"].get("facets") or {}).items()
    for dataset in [*event.get("inputs", []), *event.get("outputs", [])]:
        for key in ("facets", "inputFacets", "outputFacets"):
            yield from (dataset.get(key) or {}).items()


def validate_event(event: dict[str, Any]) -> None:
    """Validate one event: the spec's RunEvent, each official facet it carries, datagates'."""
    _, facets, core = _spec()
    _check(event, f"{core}#/$defs/RunEvent")
    assert dt.datetime.fromisoformat(event["eventTime"]).tzinfo is not None
    for name, facet in _facets(event):
        url = str(facet.get("_schemaURL", ""))
        if not url.startswith(_FACETS):
            continue
        file, _, fragment = url[len(_FACETS) :].partition("#")
        kind = file.rsplit("/", 1)[-1].removesuffix(".json")
        assert kind in facets, f"facet {name!r} names {url}: vendor spec/facets/{kind}.json"
        _check(facet, f"{facets[kind]}#{fragment}")
    from gates import lineage

    facet_schema = json.loads(
        (Path(lineage.__file__).with_name("datagates_run_facet.json")).read_text(encoding="utf-8")
    )["$defs"]["DatagatesRunFacet"]["allOf"][1]
    jsonschema.validate(event["run"]["facets"]["datagates"], facet_schema)
