"""Multipart uploads streamed to a temporary file in chunks, counted against the size limit."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gates._io import FORMATS

from ._errors import PayloadTooLarge, Unprocessable

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["UPLOAD_FORMATS", "Upload", "receive_upload", "resolve_format"]

#: Formats an upload may have (DuckDB databases are not accepted over HTTP).
UPLOAD_FORMATS: tuple[str, ...] = ("parquet", "csv", "tsv", "ndjson", "json", "arrow")
#: Bytes of multipart framing tolerated above the limit before Content-Length alone refuses.
_ENVELOPE = 64 * 1024


@dataclass
class Upload:
    """The ``file`` part of a multipart request, saved to ``path`` (other fields are ignored)."""

    path: Path
    filename: str
    size: int = 0


def resolve_format(filename: str, fmt: str | None) -> str:
    """The data format: the ``format`` query parameter, else the filename's suffix.

    Raises:
        Unprocessable: the format is unknown or cannot be told from the name.
    """
    if fmt:
        key = {"jsonl": "ndjson", "ipc": "arrow", "feather": "arrow", "pq": "parquet"}.get(
            fmt.lower(), fmt.lower()
        )
        if key not in UPLOAD_FORMATS:
            raise Unprocessable(f"unknown format {fmt!r}; use one of: {', '.join(UPLOAD_FORMATS)}")
        return key
    suffix = Path(filename).suffix.lower() if filename else ""
    found = FORMATS.get(suffix)
    if found not in UPLOAD_FORMATS:
        raise Unprocessable(
            f"cannot tell the format of upload {filename!r}; name it *.parquet, *.csv or *.ndjson, "
            f"or pass ?format= ({', '.join(UPLOAD_FORMATS)})"
        )
    return str(found)


class _Parts:
    """python-multipart callbacks that write the ``file`` part to disk and skip other parts."""

    def __init__(self, dest: Path, *, max_bytes: int, field_name: str) -> None:
        self.dest = dest
        self.max_bytes = max_bytes
        self.field_name = field_name
        self.upload: Upload | None = None
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._sink: Any = None
        self._name = ""

    def on_part_begin(self) -> None:
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self._name == self.field_name and filename is not None and self.upload is None:
            self.upload = Upload(path=self.dest, filename=filename.decode("utf-8", "replace"))
            self._sink = self.dest.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._sink is not None and self.upload is not None:
            self.upload.size += end - start
            if self.upload.size > self.max_bytes:
                raise PayloadTooLarge(
                    f"the upload is larger than the limit of {self.max_bytes / 1048576:g} MiB; "
                    "send a smaller file or raise --max-upload-mb"
                )
            self._sink.write(data[start:end])

    def on_part_end(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None

    def close(self) -> None:
        if self._sink is not None:
            with contextlib.suppress(OSError):
                self._sink.close()


async def receive_upload(
    request: Request, dest: Path, *, max_bytes: int, field_name: str = "file"
) -> Upload:
    """Stream the multipart body of ``request`` into ``dest``, never holding it whole in memory.

    Raises:
        PayloadTooLarge: as soon as the file part (or the declared Content-Length) passes ``max_bytes``.
        Unprocessable: not multipart, malformed, or no ``file`` part.
    """
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > max_bytes + _ENVELOPE:
        raise PayloadTooLarge(
            f"the request body is {int(length) / 1048576:.1f} MiB; the upload limit is "
            f"{max_bytes / 1048576:g} MiB; send a smaller file or raise --max-upload-mb"
        )
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise Unprocessable(
            f"send the data as multipart/form-data with a {field_name!r} file field "
            "(curl -F file=@data.parquet)"
        )
    parts = _Parts(dest, max_bytes=max_bytes, field_name=field_name)
    callbacks = {
        name: getattr(parts, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise Unprocessable(
            f"malformed multipart body: {exc}; send it with curl -F {field_name}=@FILE"
        ) from None
    finally:
        parts.close()
    if parts.upload is None:
        raise Unprocessable(
            f"no {field_name!r} file field in the upload; send it with curl -F {field_name}=@FILE"
        )
    return parts.upload
