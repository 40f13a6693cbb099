"""Validate OpenLineage events: the spec's required structure, and the datagates run facet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = json.loads(
    (Path(__file__).with_name("openlineage_required.schema.json")).read_text(encoding="utf-8")
)


def validate_event(event: dict[str, Any]) -> None:
    """Validate one event against the spec's required structure (and the datagates facet)."""
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(event)
    assert dt.datetime.fromisoformat(event["eventTime"]).tzinfo is not None
    from gates import lineage

    facet_schema = json.loads(
        (Path(lineage.__file__).with_name("datagates_run_facet.json")).read_text(encoding="utf-8")
    )["$defs"]["DatagatesRunFacet"]["allOf"][1]
    jsonschema.validate(event["run"]["facets"]["datagates"], facet_schema)
