"""``ServiceSettings``: everything ``gates serve`` is configured with, checked before binding."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import ServiceConfigError

__all__ = ["ServiceSettings", "is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on the loopback interface (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """How the service runs.

    Attributes mirror the ``gates serve`` options; see docs/service.md.
    """

    #: The interface to bind; anything but loopback needs tokens.
    host: str = "127.0.0.1"
    port: int = 8000
    #: The folder of suite files (``*.yml``/``*.yaml``); only these suites are served.
    suites_dir: Path = field(default_factory=lambda: Path("suites"))
    #: The run ledger file (default: ``GATES_LEDGER`` or ``.gates/ledger.duckdb``).
    ledger: Path | None = None
    #: A file of ``name:token:scope`` lines.
    tokens_file: Path | None = None
    #: The ``GATES_TOKENS`` value (``name:token:scope,...``); read from the environment by default.
    tokens_env: str | None = None
    #: Largest upload accepted, in MiB.
    max_upload_mb: float = 100.0
    #: Most records accepted in one ``/records`` batch.
    max_records: int = 100_000
    #: Validations that may run at once; more are refused with 503.
    workers: int = 2
    #: Seconds a request waits for its validation before 504.
    timeout: float = 60.0
    #: Seconds uvicorn waits for in-flight requests on shutdown.
    graceful_timeout: float = 30.0

    @property
    def max_upload_bytes(self) -> int:
        """``max_upload_mb`` in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def ledger_path(self) -> Path:
        """The ledger file the service appends to."""
        from gates.ledger import DEFAULT_LEDGER_PATH

        return Path(self.ledger or os.environ.get("GATES_LEDGER") or DEFAULT_LEDGER_PATH)

    def check(self) -> None:
        """Raise :class:`ServiceConfigError` when a limit is out of range or the suites folder is missing."""
        if not 0 < self.port < 65536:
            raise ServiceConfigError(f"--port {self.port} is not a TCP port; use 1-65535")
        if self.max_upload_mb <= 0:
            raise ServiceConfigError(f"--max-upload-mb must be > 0, got {self.max_upload_mb:g}")
        if self.max_records < 1:
            raise ServiceConfigError(f"--max-records must be >= 1, got {self.max_records}")
        if self.workers < 1:
            raise ServiceConfigError(f"--workers must be >= 1, got {self.workers}")
        if self.timeout <= 0:
            raise ServiceConfigError(f"--timeout must be > 0 seconds, got {self.timeout:g}")
        if not self.suites_dir.is_dir():
            raise ServiceConfigError(
                f"{self.suites_dir}: no such folder of suites; pass --suites DIR holding *.yml suite files"
            )
