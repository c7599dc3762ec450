"""Reader for the SaudiNewsNet daily dumps: a zip holding one JSON array of articles.

Each item is ``{source, url, date_extracted, title, author, content}``; ``source`` is
the outlet's short name (``was`` is the Saudi Press Agency wire) and
``date_extracted`` the crawl time, the closest thing to a publication time the dump
has, so it is used as one and also kept as metadata.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from marsad.core import InputError, RawRecord, Reader, ReadOptions, article_record, hookimpl
from marsad.core.readers import json_type, read_bounded
from marsad.text.dates import parse_time

ZIP_MAGIC = b"PK\x03\x04"
REQUIRED = ("source", "content")
STRINGS = ("source", "content", "url", "date_extracted", "title", "author")


class SaudiNewsNetReader(Reader):
    name = "saudinewsnet"
    suffixes = (".zip",)

    def detect(self, path: Path, head: bytes) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        return bool(names) and all(name.endswith(".json") for name in names)

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise InputError(path, f"not a readable zip archive ({error})") from None
        with archive:
            for member in archive.infolist():
                yield from self._read_member(path, archive, member, options.max_input_bytes)

    def _read_member(
        self, path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int
    ) -> Iterator[RawRecord | InputError]:
        where = f"{path}!{member.filename}"
        try:
            # Refused by the size the archive declares, and read no further than that.
            with archive.open(member) as handle:
                content = read_bounded(where, handle, member.file_size, limit)
            items = json.loads(content.decode("utf-8-sig"))
        except InputError as error:
            yield error
            return
        except (UnicodeDecodeError, ValueError, RecursionError, zipfile.BadZipFile) as error:
            # ValueError covers JSONDecodeError and integers too long to convert.
            detail = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            yield InputError(where, f"not a JSON document ({detail})")
            return
        if not isinstance(items, list):
            yield InputError(where, "expected a JSON array of articles")
            return
        for index, item in enumerate(items):
            source = f"{where}#{index}"
            problem = _problem(item)
            if problem:
                yield InputError(source, problem)
                continue
            try:
                yield article_record(_fields(item), source)
            except InputError as error:
                yield error


def _problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "expected a JSON object"
    missing = [key for key in REQUIRED if key not in item]
    if missing:
        return f"missing {', '.join(missing)}"
    for key in STRINGS:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            return f'field "{key}" must be a string, not {json_type(value)}'
    if not str(item.get("content") or "").strip():
        return "empty article (no content)"
    try:
        parse_time(item.get("date_extracted"))
    except ValueError as error:
        return f'field "date_extracted": {error}'
    return None


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "title": item.get("title"),
        "text": item["content"],
        "url": item.get("url"),
        "outlet": item["source"],
        "published": item.get("date_extracted"),
        "author": item.get("author") or None,
        "date_extracted": item.get("date_extracted"),
    }
    return {key: value for key, value in record.items() if value not in (None, "")}


@hookimpl
def marsad_register_readers() -> list[Reader]:
    return [SaudiNewsNetReader()]
