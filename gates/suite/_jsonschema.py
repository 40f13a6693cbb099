"""The JSON Schema of suite files, for editors (YAML language server) and CI linting."""

from __future__ import annotations

from typing import Any

from .._dtypes import DTYPES
from ._catalog import ALIASES, COLUMN_CHECKS, TABLE_CHECKS, CheckSignature
from ._model import MODIFIERS, Suite, gx_expectation_signatures

__all__ = ["suite_json_schema"]

_MODIFIER_SCHEMA: dict[str, Any] = {
    "severity": {"enum": ["block", "warn"]},
    "mostly": {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "description": "share of rows that must pass",
    },
    "max_failing": {"type": "integer", "minimum": 0, "description": "most failing rows allowed"},
    "max_failing_fraction": {"type": "number", "minimum": 0, "maximum": 1},
    "warn_if": {
        "type": "string",
        "description": 'warn when failing rows cross this: "> 10" rows or "> 0.1%" of the rows checked',
    },
    "error_if": {
        "type": "string",
        "description": 'block when failing rows cross this: "> 100" rows or "> 1%" of the rows checked',
    },
    "where": {
        "type": "string",
        "description": "a SQL condition: the check judges only the rows where it is true",
    },
    "name": {"type": "string", "description": "display name"},
    "description": {"type": "string"},
}


def _check_items(catalogue: dict[str, CheckSignature], aliases: dict[str, str]) -> dict[str, Any]:
    variants = []
    for name, sig in [*catalogue.items(), *((a, catalogue[t]) for a, t in aliases.items())]:
        args: dict[str, Any] = {
            "type": "object",
            "properties": {p: {} for p in sig.params},
            "additionalProperties": False,
            "required": list(sig.required),
        }
        value: dict[str, Any] = (
            {"anyOf": [args]}
            if not (sig.scalar or sig.positional)
            else {"anyOf": [args, {"not": {"type": "object"}}]}
        )
        if not sig.required:
            value["anyOf"].append({"type": "null"})
        variants.append(
            {
                "type": "object",
                "description": sig.doc,
                "properties": {name: value, **{m: _MODIFIER_SCHEMA[m] for m in MODIFIERS}},
                "required": [name],
                "additionalProperties": False,
            }
        )
    bare = [
        name
        for name, sig in [*catalogue.items(), *((a, catalogue[t]) for a, t in aliases.items())]
        if not sig.required
    ]
    return {"oneOf": [*variants, {"enum": bare, "description": "a check that needs no arguments"}]}


def suite_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``suites/*.yml``."""
    schema = Suite.model_json_schema(by_alias=True)
    defs = schema.setdefault("$defs", {})
    defs["ColumnCheck"] = _check_items(COLUMN_CHECKS, ALIASES)
    defs["TableCheck"] = _check_items(TABLE_CHECKS, {})
    defs["ColumnSpec"]["properties"]["dtype"] = {
        "enum": list(DTYPES),
        "description": "the column's dtype",
    }
    exp = defs["ExpectationSpec"]["properties"]
    exp["type"] = {
        "enum": sorted(gx_expectation_signatures()),
        "description": "a Great Expectations expectation name",
    }
    props = schema["properties"]
    props["data"] = {
        "anyOf": [{"type": "string"}, {"$ref": "#/$defs/DataSpec"}, {"type": "null"}],
        "description": "default data: a path/glob, or {path, table, sql, format}",
    }
    props["columns"]["additionalProperties"] = {
        "anyOf": [{"$ref": "#/$defs/ColumnSpec"}, {"type": "null"}]
    }
    for key in ("pandera", "gx"):
        inc = defs["IncludeSpec"]["properties"][key]
        defs["IncludeSpec"]["properties"][key] = {
            "anyOf": [{"type": "string"}, {k: v for k, v in inc.items() if k != "default"}],
            "description": inc.get("description", ""),
        }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "datagates suite"
    schema["required"] = []  # `name` defaults to the file name
    return schema
