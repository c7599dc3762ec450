"""Readers turn an input file into raw records, one per article, before anything is stored."""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

# The fields of an article record (JSON, JSONL, CSV...) that parse understands; any
# other field is kept as metadata. ``marsad ingest --field NAME=KEY`` renames them.
RECORD_FIELDS = ("title", "subtitle", "text", "url", "outlet", "published")
# Every one of them is a string or absent (null). ``published`` is text too (ISO 8601
# or RFC 822): a bare number could be seconds or milliseconds since 1970, or a year.
STRING_FIELDS = RECORD_FIELDS

# The largest input file (or archive member) read: the largest real one, a
# SaudiNewsNet day, is 12.6 MB, and a reader holds its input in memory. The
# environment setting MARSAD_MAX_INPUT_BYTES reaches readers as ReadOptions.max_input_bytes.
MAX_INPUT_BYTES = 20 * 1024 * 1024


class InputError(Exception):
    """Input that cannot be read: names the input and says what is wrong with it."""

    def __init__(self, source: str | Path, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = str(source)
        self.problem = problem


@dataclass(frozen=True)
class ReadOptions:
    """How the user asked for the input to be read.

    ``fields`` maps a record field (one of :data:`RECORD_FIELDS`) to the key the input
    uses for it, from ``marsad ingest --field text=body``. ``max_input_bytes`` is the
    largest file or archive member a reader may read (see :func:`read_input`).
    ``follow_symlinks``: follow links below a directory even when they point out of it.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    max_input_bytes: int = MAX_INPUT_BYTES
    follow_symlinks: bool = False

    def canonical(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record with its keys renamed to marsad's field names."""
        if not self.fields:
            return record
        renamed = {source: target for target, source in self.fields.items()}
        return {renamed.get(key, key): value for key, value in record.items()}


@dataclass(frozen=True)
class RawRecord:
    """One article's input exactly as it arrived, plus what is known about it.

    ``hints`` may carry ``outlet``, ``url``, ``published`` (ISO 8601 or RFC 822 text),
    ``charset`` and ``metadata`` (a dict of anything else the source provided). They
    are stored with the bytes and are part of the identity of the input.
    """

    content: bytes
    media_type: str
    source: str
    hints: dict[str, Any] = field(default_factory=dict)


class Reader(ABC):
    """Reads one input format (``name`` is what ``marsad ingest --format`` accepts).

    :meth:`read` yields a :class:`RawRecord` per article. It raises
    :class:`InputError` when the whole file is unusable, and yields an
    :class:`InputError` for a single bad record so the rest of the file goes on.
    """

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]] = ()

    def detect(self, path: Path, head: bytes) -> bool:
        """Whether this reader should take ``path`` under ``--format auto``."""
        return path.suffix.lower() in self.suffixes

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        """Yield the records of ``path`` (or errors for single bad records).

        Readers of records with named fields apply ``options.canonical`` to each.
        """


def check_size(source: str | Path, size: int, limit: int) -> None:
    """Refuse an input of ``size`` bytes over ``limit`` before any of it is read."""
    if size > limit:
        raise InputError(source, f"{size:,} bytes, over the input limit of {limit:,} bytes")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_bounded(source: str | Path, handle: Readable, size: int, limit: int) -> bytes:
    """The bytes of ``handle``, refused by ``size`` (as stat or an archive says) first.

    The read itself stops past ``limit``, so a file that grows meanwhile, a device that
    never ends or an archive header that understates a size cannot fill the memory.
    """
    check_size(source, size, limit)
    content = handle.read(limit + 1)
    if len(content) > limit:
        raise InputError(source, f"more than the input limit of {limit:,} bytes")
    return content


def read_input(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the file ``path``, refused before reading when over ``limit``."""
    with path.open("rb") as handle:
        return read_bounded(path, handle, os.fstat(handle.fileno()).st_size, limit)


def field_type_problem(record: Mapping[str, Any]) -> str | None:
    """Why a record's fields cannot be taken as they are (a field of the wrong type)."""
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f'field "{name}" must be a string, not {json_type(value)}'
    return None


RECORD_MEDIA_TYPE = "application/json"


def article_record(
    fields: Mapping[str, Any], source: str, hints: Mapping[str, str] | None = None
) -> RawRecord:
    """An article as every reader, the GraphQL mutation and any plugin hand it over: a
    UTF-8 JSON object of the :data:`RECORD_FIELDS` given (plus keys a reader keeps for
    ``parse``, such as SaudiNewsNet's ``author``), keys sorted, as given.

    Raises :class:`InputError` naming ``source`` when it cannot be an article: a field
    that is not text, no ``text``, a ``published`` that is neither ISO 8601 nor RFC 822.
    """
    from marsad.text.dates import parse_time  # language tooling; imported when used

    problem = field_type_problem(fields)
    if problem:
        raise InputError(source, problem)
    if not (fields.get("text") or "").strip():
        raise InputError(source, 'record has no "text"')
    try:
        parse_time(fields.get("published"))
    except ValueError as error:
        raise InputError(
            source, f'field "published": {error} (ISO 8601 or RFC 822 expected)'
        ) from None
    payload = json.dumps(dict(fields), ensure_ascii=False, sort_keys=True).encode()
    return RawRecord(payload, RECORD_MEDIA_TYPE, source, dict(hints or {}))


def json_type(value: object) -> str:
    """What ``value`` is, in JSON's words, for error messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def files_below(root: Path, *, follow_symlinks: bool = False) -> Iterator[Path | InputError]:
    """The files below the directory ``root``, sorted, hidden ones left out.

    A symbolic link is followed only when it points inside ``root``: one pointing out
    is an error naming it and its target (a link to /etc/passwd in an ingested folder
    must not end up stored and served), unless ``follow_symlinks``. Linked directories
    inside ``root`` are not walked again, and no directory is walked twice, so a loop
    of links ends.
    """
    top = root.resolve()
    yield from _walk(root, top, {top}, follow_symlinks)


def _walk(
    directory: Path, top: Path, walked: set[Path], follow_symlinks: bool
) -> Iterator[Path | InputError]:
    try:
        entries = sorted(directory.iterdir())
    except OSError as error:
        yield InputError(directory, f"cannot list the directory ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        real = entry
        if entry.is_symlink():
            target = _link_target(entry)
            if isinstance(target, InputError):
                yield target
                continue
            inside = target == top or top in target.parents
            if not inside and not follow_symlinks:
                yield InputError(
                    entry, f"symbolic link to {target} points outside {top}; not followed"
                )
                continue
            if inside and target.is_dir():
                continue  # its files are found where they really are
            real = target
        if real.is_dir():
            real = real.resolve()
            if real not in walked:
                walked.add(real)
                yield from _walk(entry, top, walked, follow_symlinks)
        elif real.is_file():
            yield entry
        else:
            yield InputError(entry, "not a regular file (a device, pipe or socket); skipped")


def _link_target(link: Path) -> Path | InputError:
    """Where the symbolic link ``link`` finally points, or why it points nowhere."""
    try:
        return link.resolve(strict=True)
    except RuntimeError:  # Python 3.11 and 3.12 say "Symlink loop" this way
        return InputError(link, "symbolic link loop; not followed")
    except OSError:
        try:
            points_to = os.readlink(link)
        except OSError:
            points_to = "?"
        return InputError(link, f"broken symbolic link (to {points_to}) or a loop; not followed")
