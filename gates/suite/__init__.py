"""The suite: what users declare, its YAML loader and its JSON Schema."""

from ._load import LoadedSuite as LoadedSuite
from ._load import load_suite as load_suite
from ._load import parse_suite as parse_suite
from ._model import ColumnCheck as ColumnCheck
from ._model import ColumnSpec as ColumnSpec
from ._model import ExpectationSpec as ExpectationSpec
from ._model import Suite as Suite
from ._model import TableCheck as TableCheck

__all__ = [
    "ColumnCheck",
    "ColumnSpec",
    "ExpectationSpec",
    "LoadedSuite",
    "Suite",
    "TableCheck",
    "load_suite",
    "parse_suite",
]
