"""Canonical JSON and the hash chain: the two formulas anyone can re-implement to audit a ledger."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["GENESIS_HASH", "canonical_json", "chain_hash"]

#: The ``prev_hash`` of the first record in every ledger.
GENESIS_HASH = "0" * 64


def canonical_json(record: Mapping[str, Any]) -> str:
    """Serialise a record the one way the ledger hashes it.

    Keys are sorted, there is no whitespace, and non-ASCII text is kept as is.

    Args:
        record: A JSON-serialisable mapping.

    Returns:
        The canonical JSON text.

    Raises:
        TypeError: A value is not JSON-serialisable.

    Example:
        >>> canonical_json({"b": 1, "a": "é"})
        '{"a":"é","b":1}'
    """
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, record_json: str) -> str:
    """Hash one link of the chain: ``sha256(prev_hash + canonical_json(record))`` as hex.

    Args:
        prev_hash: The previous record's hash (``GENESIS_HASH`` for the first record).
        record_json: The record's canonical JSON text.

    Returns:
        The 64-character lowercase hex digest.

    Example:
        >>> chain_hash(GENESIS_HASH, "{}")[:12]
        '5508d2b710e6'
    """
    return hashlib.sha256((prev_hash + record_json).encode("utf-8")).hexdigest()
