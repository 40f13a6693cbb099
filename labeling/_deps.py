"""Checks that the optional ``[labels]`` extra is importable."""

from __future__ import annotations

import importlib.util

from ._errors import LabelsExtraMissingError

#: Modules the ``[labels]`` extra must provide (``datasets`` is needed by ``cleanlab.Datalab``).
REQUIRED_MODULES: tuple[str, ...] = ("sklearn", "cleanlab", "datasets")


def require_labels_extra(modules: tuple[str, ...] = REQUIRED_MODULES) -> None:
    """Raise `LabelsExtraMissingError` if any of ``modules`` cannot be imported."""
    for name in modules:
        if importlib.util.find_spec(name) is None:
            raise LabelsExtraMissingError(name)
