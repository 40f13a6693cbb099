"""Find where a text file is broken, so an error can name the line."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

__all__ = ["diagnose_text_file"]

_CHUNK = 1 << 20


def _first_bad_utf8(path: Path) -> tuple[int, int, int] | None:
    """(line, column, byte value) of the first byte that is not UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset_in_line, consumed = 1, 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_at = exc.start  # offset inside this chunk (the decoder buffers at most 3 bytes)
                before = chunk[: max(bad_at, 0)]
                nl = before.count(b"\n")
                if nl:
                    line += nl
                    offset_in_line = len(before) - before.rfind(b"\n") - 1
                else:
                    offset_in_line += len(before)
                return line, offset_in_line + 1, chunk[bad_at] if bad_at < len(chunk) else 0
            nl = chunk.count(b"\n")
            if nl:
                line += nl
                offset_in_line = len(chunk) - chunk.rfind(b"\n") - 1
            else:
                offset_in_line += len(chunk)
            consumed += len(chunk)
    return None


def diagnose_text_file(path: Path, *, separator: str = ",") -> str | None:
    """A one-line description of the first problem in a CSV/TSV/NDJSON file, or None.

    Looks for: an empty file, bytes that are not UTF-8, and (CSV/TSV) a row whose number of
    fields differs from the header's. The line numbers are 1-based lines of the file.
    """
    if path.stat().st_size == 0:
        return f"{path}: the file is empty; expected a header row and data"
    bad = _first_bad_utf8(path)
    if bad is not None:
        line, col, byte = bad
        return (
            f"{path}: line {line}, column {col} is not valid UTF-8 (byte 0x{byte:02x}); "
            f"re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        )
    if path.suffix.lower() in (".json", ".ndjson", ".jsonl"):
        return None
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=separator)
        header = next(reader, None)
        if header is None:
            return f"{path}: the file is empty; expected a header row and data"
        width = len(header)
        for row in reader:
            if row and len(row) != width:
                return (
                    f"{path}: line {reader.line_num} has {len(row)} fields, the header has {width}; "
                    "fix or quote that row (a stray separator or an unclosed quote)"
                )
    return None
