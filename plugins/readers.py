"""Built-in readers: plain-text articles and JSON Lines records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from marsad.core import InputError, RawRecord, Reader, hookimpl
from marsad.plugins.encoding import Decoded, UndecodableText, decode

TEXT = "text/plain"
RECORD = "application/json"


def check_text(path: Path | str, content: bytes) -> Decoded:
    """Decode ``content`` in whichever accepted encoding it is, or say why it cannot be."""
    if not content.strip():
        raise InputError(path, "empty file")
    try:
        decoded = decode(content)
    except UndecodableText as error:
        raise InputError(path, str(error)) from None
    if not decoded.text.strip():
        raise InputError(path, "empty file")
    return decoded


class TextReader(Reader):
    """One article per file: the first non-empty line is the title, the rest the body."""

    name = "text"
    suffixes = (".txt", ".text", "")

    def read(self, path: Path) -> Iterator[RawRecord | InputError]:
        content = path.read_bytes()
        encoding = check_text(path, content).encoding
        # The bytes are stored as they came; the parse stage decodes them with this.
        hints = {} if encoding == "utf-8" else {"charset": encoding}
        yield RawRecord(content=content, media_type=TEXT, source=str(path), hints=hints)


class JsonLinesReader(Reader):
    """One article per line: ``{"title", "text", "url", "outlet", "published", ...}``."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def read(self, path: Path) -> Iterator[RawRecord | InputError]:
        text = check_text(path, path.read_bytes()).text
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
