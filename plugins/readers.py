"""Built-in readers: plain text, JSON, JSON Lines and HTML pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from marsad.core import InputError, RawRecord, Reader, ReadOptions, article_record, hookimpl
from marsad.core.readers import read_input
from marsad.text.encoding import Decoded, UndecodableText, decode

TEXT = "text/plain"
RECORD = "application/json"
HTML = "text/html"


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


def charset_hints(encoding: str) -> dict[str, str]:
    """Hints naming the file's encoding; none for UTF-8, so those fingerprints stay put."""
    return {} if encoding == "utf-8" else {"charset": encoding}


def loads(text: str) -> Any:
    """``json.loads``, with nesting too deep for Python's parser as a JSON error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply (more than about 1,000 levels)") from None


def record_or_error(
    where: str, value: Any, options: ReadOptions, encoding: str = "utf-8"
) -> RawRecord | InputError:
    """One JSON value as an article record, or the reason it cannot be one.

    The record is stored as UTF-8 JSON whatever the file's encoding was; a file that
    was not UTF-8 leaves its encoding in the ``source_charset`` hint.
    """
    if not isinstance(value, dict):
        return InputError(where, f"expected a JSON object, got {type(value).__name__}")
    record = options.canonical(value)
    hints = {} if encoding == "utf-8" else {"source_charset": encoding}
    try:
        return article_record(record, where, hints)
    except InputError as error:
        # Say which of the input's own keys it was, when --field renamed it.
        for name, key in options.fields.items():
            if f'"{name}"' in error.problem:
                what = "field" if error.problem.startswith("record has no") else "key"
                return InputError(where, f'{error.problem} ({what} "{key}")')
        return error


class TextReader(Reader):
    """One article per file: the first non-empty line is the title, the rest the body."""

    name = "text"
    suffixes = (".txt", ".text", "")

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        content = read_input(path, options.max_input_bytes)
        encoding = check_text(path, content).encoding
        # The bytes are stored as they came; the parse stage decodes them with this.
        yield RawRecord(content, TEXT, str(path), charset_hints(encoding))


class JsonLinesReader(Reader):
    """One article per line: ``{"title", "text", "url", "outlet", "published", ...}``."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        decoded = check_text(path, read_input(path, options.max_input_bytes))
        # Only "\n" ends a record: str.splitlines() would also split inside JSON strings
        # at U+2028, U+2029, U+0085 and other characters that JSON leaves unescaped.
        for number, line in enumerate(decoded.text.split("\n"), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                value = loads(line)
            except json.JSONDecodeError as error:
                yield InputError(where, f"not valid JSON ({error.msg} at column {error.colno})")
                continue
            except ValueError as error:
                yield InputError(where, f"not usable JSON ({error})")
                continue
            yield record_or_error(where, value, options, decoded.encoding)


class JsonReader(Reader):
    """A JSON document holding one article record or an array of them."""

    name = "json"
    suffixes = (".json",)

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        decoded = check_text(path, read_input(path, options.max_input_bytes))
        try:
            value = loads(decoded.text)
        except json.JSONDecodeError as error:
            raise InputError(
                path, f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
            ) from None
        except ValueError as error:
            raise InputError(path, f"not usable JSON ({error})") from None
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield record_or_error(f"{path}#{index}", item, options, decoded.encoding)
        else:
            yield record_or_error(str(path), value, options, decoded.encoding)


class HtmlReader(Reader):
    """One article per HTML page; parse extracts its main text and metadata."""

    name = "html"
    suffixes = (".html", ".htm", ".xhtml")

    def detect(self, path: Path, head: bytes) -> bool:
        start = head.lstrip()[:200].lower()
        return super().detect(path, head) or start.startswith((b"<!doctype html", b"<html"))

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        content = read_input(path, options.max_input_bytes)
        encoding = check_text(path, content).encoding
        yield RawRecord(content, HTML, str(path), charset_hints(encoding))


@hookimpl
def marsad_register_readers() -> list[Reader]:
    # Order matters for --format auto: the text reader takes any file, so it is last.
    return [JsonLinesReader(), JsonReader(), HtmlReader(), TextReader()]
