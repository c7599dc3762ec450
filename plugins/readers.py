"""Built-in readers: plain-text articles and JSON Lines records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from marsad.core import InputError, RawRecord, Reader, hookimpl

TEXT = "text/plain"
RECORD = "application/json"
UTF8_BOM = b"\xef\xbb\xbf"


def check_text(path: Path | str, content: bytes) -> str:
    """Decode ``content`` as UTF-8 text, or say why it is not usable text."""
    if not content.strip():
        raise InputError(path, "empty file")
    if b"\0" in content[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not text")
    try:
        return content.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            path, f"not valid UTF-8 (byte 0x{content[error.start]:02x} at offset {error.start})"
        ) from None


class TextReader(Reader):
    """One article per file: the first non-empty line is the title, the rest the body."""

    name = "text"
    suffixes = (".txt", ".text", "")

    def read(self, path: Path) -> Iterator[RawRecord | InputError]:
        content = path.read_bytes()
        check_text(path, content)
        yield RawRecord(content=content, media_type=TEXT, source=str(path), hints={})


class JsonLinesReader(Reader):
    """One article per line: ``{"title", "text", "url", "outlet", "published", ...}``."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def read(self, path: Path) -> Iterator[RawRecord | InputError]:
        text = check_text(path, path.read_bytes())
        # Only "\n" ends a record: str.splitlines() would also split inside JSON strings
        # at U+2028, U+2029, U+0085 and other characters that JSON leaves unescaped.
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield InputError(where, f"not valid JSON ({error.msg} at column {error.colno})")
                continue
            if not isinstance(record, dict):
                yield InputError(where, f"expected a JSON object, got {type(record).__name__}")
                continue
            if not str(record.get("text") or "").strip():
                yield InputError(where, 'record has no "text"')
                continue
            payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
            yield RawRecord(content=payload, media_type=RECORD, source=where, hints={})


@hookimpl
def marsad_register_readers() -> list[Reader]:
    return [JsonLinesReader(), TextReader()]
