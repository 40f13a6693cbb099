"""Bearer tokens: loaded from a file or ``GATES_TOKENS``, kept only as sha256 digests."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._errors import Forbidden, ServiceConfigError, Unauthorized

__all__ = ["SCOPES", "Scope", "Token", "TokenStore"]

Scope = Literal["read", "write"]
#: Known scopes; ``write`` implies ``read``.
SCOPES: tuple[Scope, ...] = ("read", "write")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_MIN_SECRET = 8


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


@dataclass(frozen=True)
class Token:
    """A known token: its name (recorded as the ledger actor), scope and secret's sha256."""

    name: str
    scope: Scope
    digest: bytes

    def allows(self, needed: Scope) -> bool:
        """Whether this token may call an endpoint that needs ``needed``."""
        return self.scope == "write" or needed == "read"


def _parse(entry: str, where: str) -> Token:
    parts = entry.strip().split(":")
    if len(parts) != 3:
        raise ServiceConfigError(f"{where}: expected `name:token:scope`, got {len(parts)} field(s)")
    name, secret, scope = (p.strip() for p in parts)
    if not _NAME.match(name):
        raise ServiceConfigError(f"{where}: token name {name!r} must match [A-Za-z0-9_.@-]{{1,64}}")
    if len(secret) < _MIN_SECRET:
        raise ServiceConfigError(
            f"{where}: the secret of token {name!r} is shorter than {_MIN_SECRET} characters"
        )
    if scope not in SCOPES:
        raise ServiceConfigError(f"{where}: token {name!r} has scope {scope!r}; use read or write")
    return Token(name=name, scope=scope, digest=_digest(secret))


class TokenStore:
    """The tokens the service accepts. Secrets are hashed on load and never kept.

    Args:
        tokens: the known tokens.
    """

    def __init__(self, tokens: Iterable[Token] = ()) -> None:
        self._tokens = tuple(tokens)
        names = [t.name for t in self._tokens]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ServiceConfigError(
                f"token name {dupes[0]!r} is defined twice; give each token its own name"
            )

    @classmethod
    def load(cls, *, file: Path | None = None, env: str | None = None) -> TokenStore:
        """Read tokens from a file of ``name:token:scope`` lines and/or a ``GATES_TOKENS`` value.

        Args:
            file: one token per line; blank lines and ``#`` comments are skipped.
            env: comma-separated ``name:token:scope`` entries.

        Returns:
            The store (empty when neither is given).

        Raises:
            ServiceConfigError: a malformed entry, unknown scope, short secret or duplicate name.
        """
        tokens: list[Token] = []
        if file is not None:
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ServiceConfigError(
                    f"{file}: cannot read the tokens file ({exc.strerror})"
                ) from exc
            for number, line in enumerate(lines, 1):
                text = line.strip()
                if text and not text.startswith("#"):
                    tokens.append(_parse(text, f"{file}:{number}"))
        if env:
            for i, entry in enumerate(e for e in env.split(",") if e.strip()):
                tokens.append(_parse(entry, f"GATES_TOKENS entry {i + 1}"))
        return cls(tokens)

    def __len__(self) -> int:
        return len(self._tokens)

    @property
    def enabled(self) -> bool:
        """Whether any token is configured (otherwise the service runs unauthenticated)."""
        return bool(self._tokens)

    def authenticate(self, authorization: str | None, needed: Scope) -> Token | None:
        """The token behind an ``Authorization`` header, checked for ``needed``.

        Returns None when no tokens are configured (loopback-only, unauthenticated mode).

        Raises:
            Unauthorized: the header is missing, not ``Bearer``, or names no known token.
            Forbidden: the token lacks the scope.
        """
        if not self._tokens:
            return None
        if not authorization:
            raise Unauthorized("missing bearer token; send `Authorization: Bearer <token>`")
        scheme, _, secret = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("the Authorization header must be `Bearer <token>`")
        digest = _digest(secret.strip())
        found: Token | None = None
        for token in self._tokens:  # compare against every token: no early exit to time
            if hmac.compare_digest(token.digest, digest):
                found = token
        if found is None:
            raise Unauthorized("unknown or revoked token; check the token you send")
        if not found.allows(needed):
            raise Forbidden(
                f"token {found.name!r} has scope {found.scope!r}; this endpoint needs {needed!r}"
            )
        return found
