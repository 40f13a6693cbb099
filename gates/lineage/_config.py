"""Where lineage events go: ``--lineage TARGET``, or OpenLineage's own configuration.

OpenLineage users configure the client once (``OPENLINEAGE_URL``, ``OPENLINEAGE_CONFIG`` or an
``openlineage.yml`` in the working directory or ``~/.openlineage``, ``OPENLINEAGE__TRANSPORT__*``
variables); datagates emits exactly when one of those is set, and never otherwise.
``OPENLINEAGE_DISABLED=true`` turns it off whatever else is set. The ``lineage:`` block of that
same file holds datagates' own keys (the client ignores it): ``namespace`` and ``timeout``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import InputError

__all__ = ["DEFAULT_NAMESPACE", "DEFAULT_TIMEOUT", "LineageConfig", "config_file", "resolve"]

#: The job namespace when neither ``lineage.namespace`` nor ``OPENLINEAGE_NAMESPACE`` says one.
DEFAULT_NAMESPACE = "datagates"
#: Seconds a run waits at its end for its events to leave (then it goes on, with one warning).
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class LineageConfig:
    """A resolved lineage target: the client's transport config and datagates' own keys."""

    #: The OpenLineage transport config (``{"type": "http", "url": ...}``); ``None``: the
    #: client's own resolution (``OPENLINEAGE_URL``, the config file, ``OPENLINEAGE__*``).
    transport: dict[str, Any] | None
    #: What the target is, for people (``http://host:5000``, ``file:events.ndjson``, ...).
    label: str
    #: Job namespace.
    namespace: str = DEFAULT_NAMESPACE
    #: Seconds to wait for delivery at the end of a run.
    timeout: float = DEFAULT_TIMEOUT
    #: Extra keys of the ``lineage:`` block (kept for forward compatibility).
    extra: dict[str, Any] = field(default_factory=dict)


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() == "true"


def config_file() -> Path | None:
    """The OpenLineage config file the client would read (``OPENLINEAGE_CONFIG``, ./, ~/.openlineage)."""
    for candidate in (
        os.environ.get("OPENLINEAGE_CONFIG"),
        os.path.join(os.getcwd(), "openlineage.yml"),
        os.path.join(os.path.expanduser("~/.openlineage"), "openlineage.yml"),
    ):
        if candidate and os.path.isfile(candidate):
            return Path(candidate)
    return None


def _block(path: Path | None) -> dict[str, Any]:
    """The ``lineage:`` block of the config file (empty when there is none)."""
    if path is None:
        return {}
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise InputError(
            f"{path}: cannot read the OpenLineage config ({type(exc).__name__}: {exc}); fix the YAML",
            source=str(path),
        ) from None
    block = doc.get("lineage") if isinstance(doc, dict) else None
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise InputError(
            f"{path}: `lineage:` must be a mapping (namespace, timeout), got {type(block).__name__}",
            source=str(path),
        )
    return dict(block)


def _settings(block: dict[str, Any], where: str) -> tuple[str, float, dict[str, Any]]:
    extra = {k: v for k, v in block.items() if k not in ("namespace", "timeout")}
    namespace = (
        block.get("namespace") or os.environ.get("OPENLINEAGE_NAMESPACE") or DEFAULT_NAMESPACE
    )
    raw = block.get("timeout", os.environ.get("GATES_LINEAGE_TIMEOUT", DEFAULT_TIMEOUT))
    try:
        timeout = float(raw)
    except (TypeError, ValueError):
        timeout = -1.0
    if not timeout >= 0:
        raise InputError(
            f"{where}: lineage timeout {raw!r} is not a number of seconds >= 0; e.g. timeout: 5",
            source=where,
        )
    return str(namespace), timeout, extra


def _configured_by_environment() -> bool:
    if os.environ.get("OPENLINEAGE_URL"):
        return True
    return any(k.startswith("OPENLINEAGE__TRANSPORT") for k in os.environ)


def resolve(target: str | None) -> LineageConfig | None:
    """The lineage target for a run, or ``None`` when lineage is off.

    Args:
        target: ``None`` (OpenLineage's own configuration, when there is one), ``off``,
            ``console``, ``file:PATH`` (one JSON event per line, appended) or an
            ``http(s)://`` URL (events are POSTed to ``URL/api/v1/lineage``, as Marquez takes them).

    Raises:
        InputError: a target that is none of those, or an unreadable ``lineage:`` block.
    """
    text = None if target is None else str(target).strip()
    if text is not None and text.lower() in ("off", "none", "false", "0", ""):
        return None
    if _truthy("OPENLINEAGE_DISABLED"):
        return None
    path = config_file()
    where = str(path) if path else "GATES_LINEAGE_TIMEOUT"
    if text is None:
        if path is None and not _configured_by_environment():
            return None
        namespace, timeout, extra = _settings(_block(path), where)
        label = os.environ.get("OPENLINEAGE_URL") or (
            str(path) if path else "OPENLINEAGE__TRANSPORT"
        )
        return LineageConfig(None, label, namespace, timeout, extra)
    namespace, timeout, extra = _settings(_block(path), where)
    transport: dict[str, Any]
    if text.lower() == "console":
        transport = {"type": "console"}
    elif text.lower().startswith("file:"):
        file = text[5:]
        if file.startswith("//"):  # file:///abs/path
            file = file[2:]
        if not file:
            raise InputError("--lineage file: needs a path, e.g. file:lineage.ndjson", source=text)
        transport = {"type": "file", "log_file_path": str(Path(file).expanduser()), "append": True}
    elif text.lower().startswith(("http://", "https://")):
        # few quick retries: a refused connection is reported at once, not after 10 s of backoff
        transport = {
            "type": "http",
            "url": text,
            "timeout": timeout or DEFAULT_TIMEOUT,
            "retry": {"total": 2, "connect": 2, "read": 1, "backoff_factor": 0.1},
        }
        if key := os.environ.get("OPENLINEAGE_API_KEY"):
            transport["auth"] = {"type": "api_key", "apiKey": key}
        if endpoint := os.environ.get("OPENLINEAGE_ENDPOINT"):
            transport["endpoint"] = endpoint
    else:
        raise InputError(
            f"--lineage {text}: not a lineage target; use an http(s):// URL, file:PATH, console or off",
            source=text,
        )
    return LineageConfig(transport, text, namespace, timeout, extra)
