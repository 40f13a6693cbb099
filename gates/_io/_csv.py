"""Find where a text file is broken, so an error can name the line."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

from .._errors import InputError

__all__ = ["csv_header", "diagnose_json_file", "diagnose_text_file"]

_CHUNK = 1 << 20
_HEADER_BYTES = 1 << 20
#: A file up to this size is parsed whole to tell a JSON document from NDJSON records.
_WHOLE_JSON_MAX = 64 << 20
#: Byte-order marks of encodings Polars cannot read, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _foreign_bom(head: bytes) -> str | None:
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def _encoding_error(path: Path, name: str) -> InputError:
    return InputError(
        f"{path}: the file is {name} (byte-order mark); re-encode it as UTF-8, "
        f"e.g. `iconv -f {name} -t UTF-8 {path.name} > {path.stem}.utf8{path.suffix}`",
        source=str(path),
        line=1,
    )


def csv_header(path: Path, *, separator: str = ",") -> list[str]:
    """The column names of a CSV/TSV file, read as RFC 4180 says (quotes, doubled quotes).

    A UTF-8 byte-order mark is skipped; UTF-16/UTF-32 files are refused with what to do.

    Raises:
        InputError: the file is UTF-16/32, its header names a column twice, or the header
            is not UTF-8 or never ends (an unclosed quote).
    """
    with path.open("rb") as fh:
        head = fh.read(_HEADER_BYTES)
    foreign = _foreign_bom(head)
    if foreign:
        raise _encoding_error(path, foreign)
    text = head.decode("utf-8-sig", errors="replace")
    reader = csv.reader(text.splitlines(keepends=True), delimiter=separator, strict=True)
    try:
        names = next(reader, [])
    except csv.Error as exc:
        raise InputError(
            f"{path}: line 1: the header row is malformed ({exc}); close the quote or quote the name",
            source=str(path),
            line=1,
        ) from None
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise InputError(
                f"{path}: line 1: columns {seen[name]} and {i} are both named {name!r}; "
                "rename one so every column has its own name",
                source=str(path),
                line=1,
                column=name,
            )
        seen[name] = i
    return names


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
    with path.open("rb") as fh:
        foreign = _foreign_bom(fh.read(4))
    if foreign:
        return str(_encoding_error(path, foreign))
    bad = _first_bad_utf8(path)
    if bad is not None:
        line, col, byte = bad
        return (
            f"{path}: line {line}, column {col} is not valid UTF-8 (byte 0x{byte:02x}); "
            f"re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        )
    if path.suffix.lower() in (".json", ".ndjson", ".jsonl"):
        return diagnose_json_file(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=separator, strict=True)
        start = 1
        try:
            header = next(reader, None)
            if header is None:
                return f"{path}: the file is empty; expected a header row and data"
            width = len(header)
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) != width:
                    return (
                        f"{path}: line {start} has {len(row)} fields, the header has {width}; "
                        "fix or quote that row (a stray separator or an unclosed quote)"
                    )
                start = reader.line_num + 1
        except csv.Error as exc:
            what = (
                "a quote opened here is never closed"
                if "end of data" in str(exc) or reader.line_num > start
                else str(exc)
            )
            return f'{path}: line {start}: {what}; close the quote or escape it as ""'
    return None


def diagnose_json_file(path: Path) -> str | None:
    """A one-line description of why a JSON/NDJSON file is not records, or None."""
    with path.open("rb") as fh:
        head = fh.read(_CHUNK).lstrip()
    if head.startswith(b"["):
        try:
            doc = json.loads(path.read_bytes())
        except ValueError as exc:
            return _json_error(path, exc)
        bad = next((i for i, r in enumerate(doc) if not isinstance(r, dict)), None)
        if bad is not None:
            return (
                f"{path}: item {bad + 1} of the JSON array is {type(doc[bad]).__name__}, not an "
                'object; give one object per record, e.g. [{"a": 1}, {"a": 2}]'
            )
        return None
    # one object per line (NDJSON); a whole-file object is a document, not records
    doc = None
    if path.stat().st_size <= _WHOLE_JSON_MAX:
        blob = path.read_bytes()
        try:
            doc = json.loads(blob) if b"\n" in blob.strip() else None
        except ValueError:
            doc = None
    if isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        hint = f" (perhaps the records are under {lists[0]!r}: extract them)" if lists else ""
        return (
            f"{path}: holds one JSON object, not records{hint}; give an array of objects "
            "[{...}, {...}] or one object per line (NDJSON)"
        )
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                return (
                    f"{path}: line {n}: not valid JSON ({str(exc).split(':')[0]}); "
                    "each line must be one JSON object (NDJSON); fix or remove that line"
                )
            if not isinstance(rec, dict):
                return (
                    f"{path}: line {n} is a JSON {type(rec).__name__}, not an object; "
                    "each line must be one JSON object (NDJSON)"
                )
    return None


def _json_error(path: Path, exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return (
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}); "
            "fix the document (a JSON array of objects)"
        )
    return f"{path}: not valid JSON ({exc}); fix the document (a JSON array of objects)"
