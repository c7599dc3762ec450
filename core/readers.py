"""Readers turn an input file into raw records, one per article, before anything is stored."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

# The fields of an article record (JSON, JSONL, CSV...) that parse understands; any
# other field is kept as metadata. ``marsad ingest --field NAME=KEY`` renames them.
RECORD_FIELDS = ("title", "subtitle", "text", "url", "outlet", "published")


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
    uses for it, from ``marsad ingest --field text=body``.
    """

    fields: Mapping[str, str] = field(default_factory=dict)

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
